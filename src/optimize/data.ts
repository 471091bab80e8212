// The decoded recording in shared memory: every row once, as the 64-byte records the core reads (docs/design.md §4), in one
// SharedArrayBuffer that all optimizer workers read without copying it; each trial block-copies a chunk at a time
// into its own core's staging area.
import { REC_SIZE, R, readI64Big } from '../core/index';
import type { RecordArea } from '../capture/parquet/record-groups';
import { fileRecordGroups } from '../capture/read-file';
import type { ReplayFile } from '../backtest/feeder';

export interface SharedRecording {
  rows: number;
  /** rows × 64 bytes. */
  records: SharedArrayBuffer;
  /** First and last local_ts, ns as decimal strings (bigints do not cross postMessage in every runtime). */
  fromNs: string;
  toNs: string;
}

/** Decodes `files` (one symbol, in order) through `area`'s core into shared records of instrument `inst` (default 0). */
export async function loadShared(files: ReplayFile[], area: RecordArea, inst = 0): Promise<SharedRecording> {
  const rows = files.reduce((s, f) => s + f.rows, 0);
  const records = new SharedArrayBuffer(rows * REC_SIZE);
  const words = new Int32Array(records);
  const mem = area.core.words;
  let at = 0;
  for (const f of files) {
    for await (const g of fileRecordGroups(f.path, area, inst)) {
      if (at + g.rows > rows)
        throw new Error(`${f.path} holds more rows than its metadata says (${f.rows}): re-run \`ringbook record\` recovery or inspect it`);
      words.set(mem.subarray(g.ptr >> 2, (g.ptr >> 2) + g.rows * 16), at * 16);
      at += g.rows;
    }
  }
  if (at !== rows) throw new Error(`the files hold ${at} rows, their metadata ${rows}: a file is torn (run \`ringbook inspect\`)`);
  const local = (i: number) => readI64Big(words, i * REC_SIZE + R.localTs);
  return { rows, records, fromNs: String(rows ? local(0) : 0n), toNs: String(rows ? local(rows - 1) : 0n) };
}

/** The shared records as words (no copy). */
export function sharedRecords(s: SharedRecording): Int32Array {
  return new Int32Array(s.records);
}

/** The span of several instruments' shared records: the earliest first and the latest last local_ts. */
export function spanOf(parts: readonly SharedRecording[]): { fromNs: string; toNs: string } {
  const held = parts.filter((p) => p.rows > 0);
  if (!held.length) return { fromNs: '0', toNs: '0' };
  const from = held.map((p) => BigInt(p.fromNs)).reduce((a, b) => (b < a ? b : a));
  const to = held.map((p) => BigInt(p.toNs)).reduce((a, b) => (b > a ? b : a));
  return { fromNs: String(from), toNs: String(to) };
}
