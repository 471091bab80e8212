// Reading recordings back without ever materialising a whole file as objects: row groups stream into typed
// column arrays (INT64 as BigInt64Array, INT32 as Int32Array) and, for the feeder, back into 64-byte records.
// Works in Node (files) and in the browser (any AsyncBuffer: a File, a fetch with range requests). Row groups in
// the layout our writer produces are decoded by ./page-decoder; anything else (other writers, other encodings) by hyparquet.
import { parquetMetadataAsync, parquetRead, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { fastRowGroup } from './page-decoder';
import { checkPageHeaders } from './page-headers';
import { COLUMNS, SCHEMA_VERSION, type Columns, type FileMeta } from '../schema';
import { errorText } from '../../format/errors';

export interface RowGroupChunk {
  /** Index of the row group in the file, and its first row. */
  group: number;
  rowStart: number;
  rows: number;
  columns: Columns;
}

/**
 * The file's footer and key-value metadata. Throws, saying what is wrong, for an empty or short file, a file that is
 * not Parquet, an unreadable footer, and a `schema_version` this version does not know (docs/capture.md: readers
 * refuse those rather than guess).
 */
export async function fileMeta(file: AsyncBuffer): Promise<{ metadata: FileMetaData; meta: Partial<FileMeta>; rows: number }> {
  if (file.byteLength === 0) throw new Error('empty file (0 bytes): torn or never written');
  if (file.byteLength < 12) throw new Error(`${file.byteLength} bytes: too short for a Parquet file`);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (err) {
    throw new Error(`not a readable Parquet file (${errorText(err)})`);
  }
  if (!Array.isArray(metadata.row_groups) || !Array.isArray(metadata.schema))
    throw new Error('not a readable Parquet file (footer incomplete)');
  // the footer says nothing of the first bytes, yet other readers (DuckDB) refuse a file whose leading PAR1 is gone
  const head = new Uint8Array(await file.slice(0, 4));
  if (head[0] !== 0x50 || head[1] !== 0x41 || head[2] !== 0x52 || head[3] !== 0x31)
    throw new Error('not a readable Parquet file (it does not begin with PAR1: its first bytes are damaged)');
  const meta: Record<string, string> = {};
  for (const kv of metadata.key_value_metadata ?? []) meta[kv.key] = kv.value ?? '';
  const version = meta.schema_version;
  if (version !== undefined && version !== SCHEMA_VERSION)
    throw new Error(
      `schema_version ${JSON.stringify(version)} is not one this ringbook reads (${SCHEMA_VERSION}): written by a newer version?`,
    );
  return { metadata, meta: meta as Partial<FileMeta>, rows: Number(metadata.num_rows) };
}

let fast = true;

/** Benchmarks only: read every row group through hyparquet's general path (the peer our decoder is measured against). */
export function setFastRead(on: boolean): void {
  fast = on;
}

/** Streams the file's row groups, one at a time, as typed column arrays. */
export async function* rowGroups(
  file: AsyncBuffer,
  columns: readonly string[] = COLUMNS.map((c) => c.name),
): AsyncGenerator<RowGroupChunk> {
  const { metadata } = await fileMeta(file);
  let rowStart = 0;
  for (let g = 0; g < metadata.row_groups.length; g++) {
    const rows = Number(metadata.row_groups[g].num_rows);
    yield { group: g, rowStart, rows, columns: await groupColumns(file, metadata, g, rowStart, columns) };
    rowStart += rows;
  }
}

/** One row group's columns: by ./page-decoder when it can, else by hyparquet. */
export async function groupColumns(
  file: AsyncBuffer,
  metadata: FileMetaData,
  g: number,
  rowStart: number,
  columns: readonly string[] = COLUMNS.map((c) => c.name),
): Promise<Columns> {
  const rows = Number(metadata.row_groups[g].num_rows);
  return (
    (fast ? await fastRowGroup(file, metadata, g, columns) : null) ?? (await hyparquetRowGroup(file, metadata, g, rowStart, rows, columns))
  );
}

/** False when benchmarks asked for hyparquet's general path everywhere. */
export function fastReadEnabled(): boolean {
  return fast;
}

/** A row group through hyparquet: any Parquet file, at a BigInt per INT64 value. */
async function hyparquetRowGroup(
  file: AsyncBuffer,
  metadata: FileMetaData,
  g: number,
  rowStart: number,
  rows: number,
  columns: readonly string[],
): Promise<Columns> {
  const cols: Columns = {};
  const parts: Record<string, Array<{ start: number; data: Int32Array | BigInt64Array }>> = {};
  await checkPageHeaders(file, metadata, g, columns);
  await parquetRead({
    file,
    metadata,
    columns: [...columns],
    rowStart,
    rowEnd: rowStart + rows,
    onChunk: (chunk: { columnName: string; columnData: ArrayLike<unknown>; rowStart: number; rowEnd: number }) => {
      // hyparquet calls this per page (or per chunk, which may reach past the group): collect the pieces
      (parts[chunk.columnName] ??= []).push({ start: chunk.rowStart, data: typed(chunk.columnData, chunk.columnName) });
    },
  } as any);
  for (const c of columns) {
    const pieces = parts[c];
    if (!pieces) throw new Error(`row group ${g} has no column ${c}: not a ringbook recording?`);
    cols[c] = assemble(pieces, rowStart, rows);
  }
  return cols;
}

/** Exactly rows [rowStart, rowStart + rows) from the pieces (a single piece covering them is used without a copy). */
function assemble(
  pieces: Array<{ start: number; data: Int32Array | BigInt64Array }>,
  rowStart: number,
  rows: number,
): Int32Array | BigInt64Array {
  if (pieces.length === 1) {
    const { start, data } = pieces[0];
    return data.subarray(rowStart - start, rowStart - start + rows) as Int32Array | BigInt64Array;
  }
  const out = pieces[0].data instanceof BigInt64Array ? new BigInt64Array(rows) : new Int32Array(rows);
  for (const { start, data } of pieces) {
    const from = Math.max(rowStart, start);
    const to = Math.min(rowStart + rows, start + data.length);
    if (to > from) (out as any).set(data.subarray(from - start, to - start), from - rowStart);
  }
  return out;
}

/** hyparquet returns typed arrays for DELTA/PLAIN columns; plain arrays (another writer's dictionary pages) get typed. */
function typed(a: any, name: string): Int32Array | BigInt64Array {
  if (a instanceof Int32Array || a instanceof BigInt64Array) return a;
  const isI64 = COLUMNS.find((c) => c.name === name)?.type === 'INT64';
  return isI64 ? BigInt64Array.from(a as bigint[]) : Int32Array.from(a as number[]);
}

/**
 * A row group's columns as 64-byte records (docs/design.md §4) into `w` from word `at`, in one pass, every word written (no
 * clearing first): the layout of src/core/record.ts, the instrument index in word 1. Every replay stages this way.
 */
export function columnsToRecords(cols: Columns, n: number, w: Int32Array, at: number, inst: number): void {
  const exch = halves(cols.exch_ts as BigInt64Array, n);
  const local = halves(cols.local_ts as BigInt64Array, n);
  const kind = cols.kind as Int32Array;
  const side = cols.side as Int32Array;
  const flags = cols.flags as Int32Array;
  const price = halves(cols.price as BigInt64Array, n);
  const qty = halves(cols.qty as BigInt64Array, n);
  const seq = halves(cols.seq as BigInt64Array, n);
  const aux = halves(cols.aux as BigInt64Array, n);
  const aux2 = halves(cols.aux2 as BigInt64Array, n);
  for (let i = 0, p = at, q = 0; i < n; i++, p += 16, q += 2) {
    w[p] = (kind[i] & 0xff) | ((side[i] & 0xff) << 8) | (flags[i] << 16);
    w[p + 1] = inst;
    w[p + 2] = exch[q];
    w[p + 3] = exch[q + 1];
    w[p + 4] = local[q];
    w[p + 5] = local[q + 1];
    w[p + 6] = price[q];
    w[p + 7] = price[q + 1];
    w[p + 8] = qty[q];
    w[p + 9] = qty[q + 1];
    w[p + 10] = seq[q];
    w[p + 11] = seq[q + 1];
    w[p + 12] = aux[q];
    w[p + 13] = aux[q + 1];
    w[p + 14] = aux2[q];
    w[p + 15] = aux2[q + 1];
  }
}

/** (lo, hi) int32 halves of the first `n` values of an int64 column (a view, no copy). */
export function halves(a: BigInt64Array, n: number): Int32Array {
  return new Int32Array(a.buffer, a.byteOffset, n * 2);
}
