// Records (64-byte rows in an Int32Array) → a finished Parquet file in memory. Row group by row group, the record
// words are copied into reused per-column int32 scratch (INT64 fields as (lo, hi) halves, so no BigInt is ever
// created) and encoded by ./file-writer.
import { COLUMNS, type FileMeta } from '../schema';
import { writeParquetGroups } from './file-writer';

const WORDS = 16;

/** Records per tile of the column extraction: a tile of words stays in cache while every column is read from it. */
const TILE = 2048;

const LAYOUT = COLUMNS.map((c) => ({
  i64: c.type === 'INT64',
  word: c.at >> 2,
  shift: (c.at & 3) * 8,
  mask: c.width === 1 ? 0xff : 0xffff,
}));

/**
 * Copies the fields of records [from, to) (record i at word start + 16 i) into per-column int32 arrays from index 0:
 * INT32 columns one word per record, INT64 columns two (lo, hi), in COLUMNS order.
 */
function fillColumns(words: Int32Array, start: number, from: number, to: number, dst: readonly Int32Array[]): void {
  if (STANDARD_LAYOUT) fillStandard(words, start, from, to, dst);
  else fillTiled(words, start, from, to, dst);
}

/** The record layout fillStandard is written for: kind, side, flags in word 0, then 7 INT64 fields in words 2–15. */
const STANDARD_LAYOUT =
  COLUMNS.length === 10 &&
  COLUMNS.every((c, i) =>
    i < 3 ? c.type === 'INT32' && c.at === [0, 1, 2][i] && c.width === [1, 1, 2][i] : c.type === 'INT64' && c.at === 8 * (i - 2),
  );

/** Record by record: each 64-byte record (one cache line) is read once. */
function fillStandard(words: Int32Array, start: number, from: number, to: number, dst: readonly Int32Array[]): void {
  const [kind, side, flags, a, b, c, d, e, f, g] = dst;
  for (let i = from, p = start + from * WORDS, q = 0, r = 0; i < to; i++, p += WORDS, q++, r += 2) {
    const w0 = words[p];
    kind[q] = w0 & 0xff;
    side[q] = (w0 >>> 8) & 0xff;
    flags[q] = (w0 >>> 16) & 0xffff;
    a[r] = words[p + 2];
    a[r + 1] = words[p + 3];
    b[r] = words[p + 4];
    b[r + 1] = words[p + 5];
    c[r] = words[p + 6];
    c[r + 1] = words[p + 7];
    d[r] = words[p + 8];
    d[r + 1] = words[p + 9];
    e[r] = words[p + 10];
    e[r + 1] = words[p + 11];
    f[r] = words[p + 12];
    f[r + 1] = words[p + 13];
    g[r] = words[p + 14];
    g[r + 1] = words[p + 15];
  }
}

/** Any layout: column by column over tiles of records small enough to stay in cache. */
function fillTiled(words: Int32Array, start: number, from: number, to: number, dst: readonly Int32Array[]): void {
  for (let t0 = from; t0 < to; t0 += TILE) {
    const t1 = Math.min(to, t0 + TILE);
    for (let c = 0; c < LAYOUT.length; c++) {
      const { i64, word, shift, mask } = LAYOUT[c];
      const d = dst[c];
      if (i64) {
        for (let i = t0, p = start + i * WORDS + word, q = 2 * (i - from); i < t1; i++, p += WORDS, q += 2) {
          d[q] = words[p];
          d[q + 1] = words[p + 1];
        }
      } else {
        for (let i = t0, p = start + i * WORDS + word, q = i - from; i < t1; i++, p += WORDS, q++) d[q] = (words[p] >>> shift) & mask;
      }
    }
  }
}

/** Column arrays of `n` records starting at word `start` of `words`. */
export function recordColumns(words: Int32Array, start: number, n: number): Record<string, Int32Array | BigInt64Array> {
  const out: Record<string, Int32Array | BigInt64Array> = {};
  const dst = COLUMNS.map((c) => {
    const data = c.type === 'INT32' ? new Int32Array(n) : new BigInt64Array(n);
    out[c.name] = data;
    return data instanceof Int32Array ? data : new Int32Array(data.buffer);
  });
  fillColumns(words, start, 0, n, dst);
  return out;
}

/** One row group's column words, reused from file to file (≈ 76 bytes per row of the largest row group). */
let groupWords: Int32Array[] = [];
let groupRows = 0;
function groupScratch(rows: number): Int32Array[] {
  if (rows > groupRows) {
    groupWords = LAYOUT.map((c) => new Int32Array(rows * (c.i64 ? 2 : 1)));
    groupRows = rows;
  }
  return groupWords;
}

export interface EncodeOptions {
  rowGroupSize?: number;
  codec?: 'SNAPPY' | 'UNCOMPRESSED';
  /** Page CRC-32s in the page headers (default true; benchmarks turn them off to measure what checking costs). */
  pageChecksums?: boolean;
}

/** Min/max statistics only where readers filter: the timestamps (row-group pruning by time in DuckDB and ours). */
const WITH_STATISTICS = new Set(['exch_ts', 'local_ts']);

/**
 * Records → a finished Parquet file (docs/design.md §6): every column required, DELTA_BINARY_PACKED, SNAPPY pages, one page
 * per column chunk, statistics on the timestamps, the file's key/value metadata. Encoded by ./file-writer, which
 * never creates a BigInt per value.
 */
export function encodeParquet(words: Int32Array, start: number, n: number, meta: FileMeta, o: EncodeOptions = {}): Uint8Array {
  const rowGroupSize = o.rowGroupSize ?? 131072;
  const scratch = groupScratch(Math.min(n, rowGroupSize));
  return writeParquetGroups(
    COLUMNS.map((c) => ({ name: c.name, type: c.type, statistics: WITH_STATISTICS.has(c.name) })),
    n,
    (from, to) => {
      fillColumns(words, start, from, to, scratch);
      return scratch;
    },
    {
      codec: o.codec ?? 'SNAPPY',
      rowGroupSize,
      pageChecksums: o.pageChecksums,
      kvMetadata: Object.entries(meta).map(([key, value]) => ({ key, value: String(value) })),
      createdBy: 'ringbook',
    },
  );
}
