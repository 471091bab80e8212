// Records (64-byte rows in an Int32Array) → a finished Parquet file in memory. Columns are filled straight from the
// record words: INT64 columns are BigInt64Arrays written through an Int32Array view, so no BigInt is ever created.
import { COLUMNS, type FileMeta } from './schema';
import { writeParquet } from './fastparquet';

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

/** Min/max statistics only where readers filter: the timestamps (row-group pruning by time in DuckDB and ours). */
const WITH_STATISTICS = new Set(['exch_ts', 'local_ts']);

/**
 * Records → a finished Parquet file (DESIGN §6): every column required, DELTA_BINARY_PACKED, SNAPPY pages, one page
 * per column chunk, statistics on the timestamps, the file's key/value metadata. Encoded by ./fastparquet, which
 * never creates a BigInt per value.
 */
export function encodeParquet(words: Int32Array, start: number, n: number, meta: FileMeta, o: EncodeOptions = {}): Uint8Array {
  const cols = recordColumns(words, start, n);
  return writeParquet(
    COLUMNS.map((c) => ({ name: c.name, type: c.type, data: cols[c.name], statistics: WITH_STATISTICS.has(c.name) })),
    n,
    {
      codec: o.codec ?? 'SNAPPY',
      rowGroupSize: o.rowGroupSize ?? 131072,
      kvMetadata: Object.entries(meta).map(([key, value]) => ({ key, value: String(value) })),
      createdBy: 'ringbook',
    },
  );
}
