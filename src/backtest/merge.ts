// Several instruments' recordings merged in local-time order as they stream: each instrument's files are read row
// group by row group into a decode area of its own (memory stays flat: one decoded piece per instrument), and the
// loop (./run, feedStreams) replays them in place, message by message, always taking the instrument whose next
// message has the earliest local stamp (its first record's local_ts). At equal stamps the instrument earlier in the
// run's order goes first, so the merge is exact and the same on every run. A message cut at the end of a piece is
// finished from the same instrument's next piece before any other instrument's.
import { fileRecordGroups } from '../capture/read-file';
import type { RecordArea, RecordGroup } from '../capture/parquet/record-groups';
import type { Backtest } from './run';
import type { ReplayFile } from './feeder';
import { shiftLocalTs } from './feed-shift';
import { MergeCursor } from './merge-cursor';

/** One instrument's records as they stream: the piece decoded now (where the replay is in it: MergeCursor.pos). */
export interface Stream {
  inst: number;
  groups: AsyncGenerator<RecordGroup>;
  ptr: number;
  rows: number;
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
  return { inst, groups: groups(), ptr: 0, rows: 0, done: false };
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
      return;
    }
  }
}

/** Replays `streams` through `bt` merged in local-time order (ties: lower instrument index first). */
export async function mergeStreams(bt: Backtest, streams: Stream[], words: Int32Array): Promise<void> {
  // where each stream stands in its piece, for the loop (small integers in typed arrays: nothing crosses a call boxed)
  const c = new MergeCursor(
    streams.map((s) => s.inst),
    words,
  );
  const load = async (i: number) => {
    const s = streams[i];
    await advance(s);
    if (s.done) c.end(i);
    else c.piece(i, s.ptr, s.rows);
  };
  try {
    await Promise.all(streams.map((_, i) => load(i)));
    for (;;) {
      const used = bt.feedStreams(c);
      if (used < 0 || bt.done) break;
      await load(used);
    }
  } finally {
    // close the files of streams left before their end (--to, or an error)
    await Promise.all(streams.map((s) => s.groups.return(undefined)));
  }
}
