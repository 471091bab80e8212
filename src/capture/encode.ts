// Records (64-byte rows in an Int32Array) → a finished Parquet file in memory. Columns are filled straight from the
// record words: INT64 columns are BigInt64Arrays written through an Int32Array view, so no BigInt is ever created.
import { parquetWriteBuffer } from 'hyparquet-writer';
import { COLUMNS, type FileMeta } from './schema';

const WORDS = 16;

/** Column arrays of `n` records starting at word `start` of `words`. */
export function recordColumns(words: Int32Array, start: number, n: number): Record<string, Int32Array | BigInt64Array> {
  const out: Record<string, Int32Array | BigInt64Array> = {};
  for (const c of COLUMNS) {
    if (c.type === 'INT32') {
      const col = new Int32Array(n);
      const w = (c.at >> 2);
      const shift = (c.at & 3) * 8;
      const mask = c.width === 1 ? 0xff : 0xffff;
      for (let i = 0, p = start + w; i < n; i++, p += WORDS) col[i] = (words[p] >>> shift) & mask;
      out[c.name] = col;
    } else {
      const col = new BigInt64Array(n);
      const halves = new Int32Array(col.buffer);
      for (let i = 0, p = start + (c.at >> 2), q = 0; i < n; i++, p += WORDS, q += 2) {
        halves[q] = words[p];
        halves[q + 1] = words[p + 1];
      }
      out[c.name] = col;
    }
  }
  return out;
}

export interface EncodeOptions {
  rowGroupSize?: number;
  codec?: 'SNAPPY' | 'UNCOMPRESSED';
}

/**
 * An INT64 column whose values all fit 32 bits goes to the writer as an Int32Array: same Parquet (INT64,
 * DELTA_BINARY_PACKED), but hyparquet-writer then encodes it without BigInt arithmetic, several times faster.
 */
function narrow(col: Int32Array | BigInt64Array): Int32Array | BigInt64Array {
  if (col instanceof Int32Array) return col;
  const halves = new Int32Array(col.buffer, col.byteOffset, col.length * 2);
  for (let i = 0; i < col.length; i++) if (halves[2 * i + 1] !== halves[2 * i] >> 31) return col;
  const out = new Int32Array(col.length);
  for (let i = 0; i < col.length; i++) out[i] = halves[2 * i];
  return out;
}

/** Min/max statistics only where readers filter: the timestamps (row-group pruning by time in DuckDB and ours). */
const WITH_STATISTICS = new Set(['exch_ts', 'local_ts']);

export function encodeParquet(words: Int32Array, start: number, n: number, meta: FileMeta, o: EncodeOptions = {}): Uint8Array {
  const cols = recordColumns(words, start, n);
  const buf = parquetWriteBuffer({
    columnData: COLUMNS.map((c) => ({
      name: c.name, data: narrow(cols[c.name]), type: c.type, nullable: false, encoding: 'DELTA_BINARY_PACKED',
      statistics: WITH_STATISTICS.has(c.name),
    })) as any,
    codec: o.codec ?? 'SNAPPY',
    rowGroupSize: o.rowGroupSize ?? 131072,
    kvMetadata: Object.entries(meta).map(([key, value]) => ({ key, value: String(value) })),
    createdBy: 'ringbook',
  } as any);
  return new Uint8Array(buf);
}
