// Several instruments' recordings merged in local-time order as they stream: each instrument's files are read row
// group by row group into a decode area of its own (memory stays flat: one decoded piece per instrument), and the
// loop (./run, feedMerged) replays them in place, message by message, always taking the instrument whose next
// message has the earliest local stamp (its first record's local_ts). At equal stamps the instrument earlier in the
// run's order goes first, so the merge is exact and the same on every run. A message cut at the end of a piece is
// finished from the same instrument's next piece before any other instrument's.
import { R, REC_SIZE } from '../core/index';
import { fileRecordGroups } from '../capture/read-file';
import type { RecordArea, RecordGroup } from '../capture/parquet/record-groups';
import { BEFORE, INCLUSIVE, NO_LIMIT, type Backtest } from './run';
import type { ReplayFile } from './feeder';
import { shiftLocalTs } from './feed-shift';
import { mergedBefore } from './merge-order';

/** One instrument's records as they stream: the piece decoded now and where the replay is in it. */
export interface Stream {
  inst: number;
  groups: AsyncGenerator<RecordGroup>;
  ptr: number;
  rows: number;
  pos: number;
  done: boolean;
}

/** Instrument `inst`'s files (in replay order) as a stream of decoded pieces in `area`, up to `toNs`. */
export function symbolStream(
  files: readonly ReplayFile[],
  area: RecordArea,
  inst: number,
  toNs: bigint | undefined,
  shiftNs: number | undefined,
  words: Int32Array,
): Stream {
  async function* groups(): AsyncGenerator<RecordGroup> {
    for (const f of files) {
      if (toNs !== undefined && f.firstLocalTs >= toNs) return;
      for await (const g of fileRecordGroups(f.path, area, inst)) {
        if (shiftNs) shiftLocalTs(words, g.ptr, g.rows, shiftNs);
        yield g;
      }
    }
  }
  return { inst, groups: groups(), ptr: 0, rows: 0, pos: 0, done: false };
}

async function advance(s: Stream): Promise<void> {
  for (;;) {
    const r = await s.groups.next();
    if (r.done) {
      s.done = true;
      return;
    }
    if (r.value.rows > 0) {
      s.ptr = r.value.ptr;
      s.rows = r.value.rows;
      s.pos = 0;
      return;
    }
  }
}

/** Replays `streams` through `bt` merged in local-time order (ties: lower instrument index first). */
export async function mergeStreams(bt: Backtest, streams: Stream[], words: Int32Array): Promise<void> {
  const W_LOCAL = R.localTs >> 2;
  const n = streams.length;
  // each stream's next local stamp as its halves (exact: no float of 64-bit ns), read once per move; lo as stored
  // (signed), compared unsigned. Small integers only cross calls: a double argument is a heap number per call.
  const hi = new Int32Array(n);
  const lo = new Int32Array(n);
  const head = (s: Stream) => {
    const at = ((s.ptr + s.pos * REC_SIZE) >> 2) + W_LOCAL;
    hi[s.inst] = words[at + 1];
    lo[s.inst] = words[at];
  };
  /** stream a's next message before stream b's: an earlier stamp, or the same stamp and a lower instrument index */
  const before = (a: number, b: number) => mergedBefore(hi[a], lo[a], hi[b], lo[b], streams[a].inst < streams[b].inst);
  const advanceAt = async (s: Stream) => {
    await advance(s);
    if (!s.done) head(s);
  };
  try {
    await Promise.all(streams.map(advanceAt));
    let cur = -1;
    for (;;) {
      // a message cut at the end of a piece goes on in the same instrument's next piece
      let k = cur >= 0 && !streams[cur].done && bt.inMessageNow ? cur : -1;
      if (k < 0) for (let i = 0; i < n; i++) if (!streams[i].done && (k < 0 || before(i, k))) k = i;
      if (k < 0) break;
      let next = -1;
      for (let i = 0; i < n; i++) if (i !== k && !streams[i].done && (next < 0 || before(i, next))) next = i;
      const s = streams[k];
      const at = s.ptr + s.pos * REC_SIZE;
      const got =
        next < 0
          ? bt.feedMerged(s.inst, at, s.rows - s.pos, 0, 0, NO_LIMIT)
          : bt.feedMerged(s.inst, at, s.rows - s.pos, hi[next], lo[next], s.inst < streams[next].inst ? INCLUSIVE : BEFORE);
      s.pos += got;
      cur = k;
      if (bt.done) break;
      if (s.pos >= s.rows) await advanceAt(s);
      else if (got === 0) throw new Error(`merge made no progress on instrument ${s.inst}`);
      else head(s);
    }
  } finally {
    // close the files of streams left before their end (--to, or an error)
    await Promise.all(streams.map((s) => s.groups.return(undefined)));
  }
}
