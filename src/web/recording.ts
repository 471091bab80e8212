// A whole recording decoded into memory for replay: every row group's typed columns concatenated, plus two per-row
// indexes the replay steps by (local time relative to the first record, and where market messages end). Decoding
// everything up front costs ~60 bytes a row (60 MB for a million rows) but makes seeking backwards a restart over
// data already in memory rather than a second download.
import { asyncBufferFromUrl, type AsyncBuffer } from 'hyparquet';
import { fileMeta, rowGroups } from '../capture/parquet/reader';
import { COLUMNS, type Columns, type FileMeta } from '../capture/schema';
import { gridOf, type RecordingGrid } from '../backtest/setup';
import type { RecordingSource } from './protocol';
import { endsMessage } from '../core/record';

export interface Recording {
  name: string;
  meta: Partial<FileMeta>;
  grid: RecordingGrid;
  rows: number;
  cols: Columns;
  /** local_ts − local_ts of row 0, ns (exact in a double for 104 days). */
  rel: Float64Array;
  /** 1 where a market message ends: a level or clear with the `last` flag, or any other record kind. */
  msgEnd: Uint8Array;
  firstNs: bigint;
  lastNs: bigint;
}

const TWO32 = 4294967296;

/** Reads a File in pieces, the way hyparquet reads a URL with range requests. */
export function asyncBufferFromFile(file: Blob): AsyncBuffer {
  return { byteLength: file.size, slice: (start, end) => file.slice(start, end).arrayBuffer() };
}

export async function openSource(source: Exclude<RecordingSource, { kind: 'tardis' }>): Promise<AsyncBuffer> {
  if (source.kind === 'file') return asyncBufferFromFile(source.file);
  return asyncBufferFromUrl({ url: source.url, byteLength: source.byteLength });
}

/** Decodes every row group; `progress(rowsDone, rows)` after each one. */
export async function loadRecording(
  file: AsyncBuffer,
  name: string,
  progress: (done: number, rows: number) => void = () => {},
): Promise<Recording> {
  const { meta, rows } = await fileMeta(file);
  const grid = gridOf(meta, name);
  if (rows === 0) throw new Error(`${name} holds no rows`);
  const cols: Columns = {};
  for (const c of COLUMNS) cols[c.name] = c.type === 'INT64' ? new BigInt64Array(rows) : new Int32Array(rows);
  let done = 0;
  progress(0, rows);
  for await (const g of rowGroups(file)) {
    if (g.rowStart + g.rows > rows) throw new Error(`${name}: row group ${g.group} reaches past the ${rows} rows the footer declares`);
    for (const c of COLUMNS) (cols[c.name] as BigInt64Array).set(g.columns[c.name] as BigInt64Array, g.rowStart);
    done += g.rows;
    progress(done, rows);
  }
  if (done !== rows) throw new Error(`${name}: the row groups hold ${done} rows, the footer says ${rows}`);
  return recordingOf(name, meta, grid, cols, rows);
}

/** A recording from its columns (a decoded file, or dropped Tardis files converted in the worker). */
export function recordingOf(name: string, meta: Partial<FileMeta>, grid: RecordingGrid, cols: Columns, rows: number): Recording {
  if (rows === 0) throw new Error(`${name} holds no rows`);
  const local = cols.local_ts as BigInt64Array;
  const firstNs = local[0];
  const rel = new Float64Array(rows);
  // through int32 halves: a BigInt subtraction per row would dominate the load of a large file
  const h = new Int32Array(local.buffer, local.byteOffset, rows * 2);
  const hi0 = h[1];
  const lo0 = h[0] >>> 0;
  for (let i = 0; i < rows; i++) rel[i] = (h[2 * i + 1] - hi0) * TWO32 + ((h[2 * i] >>> 0) - lo0);
  const kind = cols.kind as Int32Array;
  const flags = cols.flags as Int32Array;
  const msgEnd = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) msgEnd[i] = endsMessage(kind[i], flags[i]) ? 1 : 0;
  // a file cut inside a message: its tail still counts as one, so stepping always reaches the end
  msgEnd[rows - 1] = 1;
  let maxRel = 0;
  for (let i = 0; i < rows; i++) if (rel[i] > maxRel) maxRel = rel[i];
  const lastNs = firstNs + BigInt(maxRel);
  return { name, meta, grid, rows, cols, rel, msgEnd, firstNs, lastNs };
}
