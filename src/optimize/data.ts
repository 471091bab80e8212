// The decoded recording in shared memory: every column of every row, once, in SharedArrayBuffers that all optimizer
// workers read without copying (the core copies each chunk into its own staging area as it replays it).
import { asyncBufferFromFile } from 'hyparquet';
import { COLUMNS } from '../capture/schema';
import { rowGroups, type Columns } from '../capture/reader';
import type { ReplayFile } from '../backtest/feeder';

export interface SharedRecording {
  rows: number;
  /** Column name → its shared buffer (INT32 columns 4 bytes a row, INT64 8). */
  buffers: Record<string, SharedArrayBuffer>;
  /** First and last local_ts, ns as decimal strings (bigints do not cross postMessage in every runtime). */
  fromNs: string;
  toNs: string;
}

/** Decodes `files` (one symbol, in order) into shared columns. */
export async function loadShared(files: ReplayFile[]): Promise<SharedRecording> {
  const rows = files.reduce((s, f) => s + f.rows, 0);
  const buffers: Record<string, SharedArrayBuffer> = {};
  for (const c of COLUMNS) buffers[c.name] = new SharedArrayBuffer(rows * (c.type === 'INT64' ? 8 : 4));
  const cols = sharedColumns({ rows, buffers, fromNs: '0', toNs: '0' });
  let at = 0;
  for (const f of files) {
    for await (const g of rowGroups(await asyncBufferFromFile(f.path))) {
      if (at + g.rows > rows) throw new Error(`${f.path} holds more rows than its metadata says (${f.rows}): re-run \`ringbook record\` recovery or inspect it`);
      for (const c of COLUMNS) (cols[c.name] as Int32Array).set(g.columns[c.name] as Int32Array, at);
      at += g.rows;
    }
  }
  if (at !== rows) throw new Error(`the files hold ${at} rows, their metadata ${rows}: a file is torn (run \`ringbook inspect\`)`);
  const local = cols.local_ts as BigInt64Array;
  return { rows, buffers, fromNs: String(rows ? local[0] : 0n), toNs: String(rows ? local[rows - 1] : 0n) };
}

/** Typed views over the shared buffers (no copy). */
export function sharedColumns(s: SharedRecording): Columns {
  const out: Columns = {};
  for (const c of COLUMNS) out[c.name] = c.type === 'INT64' ? new BigInt64Array(s.buffers[c.name]) : new Int32Array(s.buffers[c.name]);
  return out;
}
