// The decoded recording in shared memory: every row once, as the 64-byte records the core reads (DESIGN §4), in one
// SharedArrayBuffer that all optimizer workers read without copying it; each trial block-copies a chunk at a time
// into its own core's staging area.
import { asyncBufferFromFile } from 'hyparquet';
import { REC_SIZE } from '../core/index';
import { rowGroups, columnsToRecords } from '../capture/reader';
import type { ReplayFile } from '../backtest/feeder';

export interface SharedRecording {
  rows: number;
  /** rows × 64 bytes. */
  records: SharedArrayBuffer;
  /** First and last local_ts, ns as decimal strings (bigints do not cross postMessage in every runtime). */
  fromNs: string;
  toNs: string;
}

/** Decodes `files` (one symbol, in order) into shared records (instrument 0). */
export async function loadShared(files: ReplayFile[]): Promise<SharedRecording> {
  const rows = files.reduce((s, f) => s + f.rows, 0);
  const records = new SharedArrayBuffer(rows * REC_SIZE);
  const words = new Int32Array(records);
  let at = 0;
  let first = 0n;
  let last = 0n;
  for (const f of files) {
    for await (const g of rowGroups(await asyncBufferFromFile(f.path))) {
      if (at + g.rows > rows) throw new Error(`${f.path} holds more rows than its metadata says (${f.rows}): re-run \`ringbook record\` recovery or inspect it`);
      columnsToRecords(g.columns, g.rows, words, at * 16, 0);
      const local = g.columns.local_ts as BigInt64Array;
      if (at === 0 && g.rows) first = local[0];
      if (g.rows) last = local[g.rows - 1];
      at += g.rows;
    }
  }
  if (at !== rows) throw new Error(`the files hold ${at} rows, their metadata ${rows}: a file is torn (run \`ringbook inspect\`)`);
  return { rows, records, fromNs: String(first), toNs: String(last) };
}

/** The shared records as words (no copy). */
export function sharedRecords(s: SharedRecording): Int32Array {
  return new Int32Array(s.records);
}
