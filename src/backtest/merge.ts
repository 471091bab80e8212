// Several instruments' recordings merged in local-time order as they stream: each instrument's files are read row
// group by row group into a decode area of its own (memory stays flat: one decoded piece per instrument), and the
// loop (./run, feedMerged) replays them in place, message by message, always taking the instrument whose next
// message has the earliest local stamp (its first record's local_ts). At equal stamps the instrument earlier in the
// run's order goes first, so the merge is exact and the same on every run. A message cut at the end of a piece is
// finished from the same instrument's next piece before any other instrument's.
import { R, REC_SIZE } from '../core/index';
import { fileRecordGroups } from '../capture/read-file';
import type { RecordArea, RecordGroup } from '../capture/parquet/record-groups';
import type { Backtest } from './run';
import type { ReplayFile } from './feeder';
import { shiftLocalTs } from './feed-shift';

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
  // the local stamp of a stream's next record, as its halves (exact: no float of 64-bit ns)
  const hi = (s: Stream) => words[((s.ptr + s.pos * REC_SIZE) >> 2) + W_LOCAL + 1];
  const lo = (s: Stream) => words[((s.ptr + s.pos * REC_SIZE) >> 2) + W_LOCAL] >>> 0;
  /** a before b: earlier stamp, or the same stamp and a lower instrument index */
  const before = (a: Stream, b: Stream) => {
    const ha = hi(a);
    const hb = hi(b);
    if (ha !== hb) return ha < hb;
    const la = lo(a);
    const lb = lo(b);
    return la !== lb ? la < lb : a.inst < b.inst;
  };
  try {
    await Promise.all(streams.map(advance));
    let cur: Stream | null = null;
    for (;;) {
      // a message cut at the end of a piece goes on in the same instrument's next piece
      let s: Stream | null = cur !== null && !cur.done && bt.inMessageNow ? cur : null;
      if (s === null) for (const x of streams) if (!x.done && (s === null || before(x, s))) s = x;
      if (s === null) break;
      let next: Stream | null = null;
      for (const x of streams) if (x !== s && !x.done && (next === null || before(x, next))) next = x;
      const n =
        next === null
          ? bt.feedMerged(s.inst, s.ptr + s.pos * REC_SIZE, s.rows - s.pos, Infinity, 0, true)
          : bt.feedMerged(s.inst, s.ptr + s.pos * REC_SIZE, s.rows - s.pos, hi(next), lo(next), s.inst < next.inst);
      s.pos += n;
      cur = s;
      if (bt.done) break;
      if (s.pos >= s.rows) await advance(s);
      else if (n === 0) throw new Error(`merge made no progress on instrument ${s.inst}`);
    }
  } finally {
    // close the files of streams left before their end (--to, or an error)
    await Promise.all(streams.map((s) => s.groups.return(undefined)));
  }
}
