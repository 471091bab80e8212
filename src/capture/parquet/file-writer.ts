// A Parquet writer for flat, required INT32/INT64 columns only (the capture schema), built for speed: values are
// DELTA_BINARY_PACKED by our own encoder (./delta: INT64 handled as int32 halves, no BigInt per value), pages are
// snappy-compressed by a port of hyparquet-writer's snappy (same bytes, no per-byte DataView calls), and page
// headers and the footer are written by hyparquet-writer's own thrift writers (writePageHeader, writeMetadata): a
// few BigInts per column chunk for sizes, offsets and statistics, none per value. Every page header carries the
// page's CRC-32 (parquet-format's `crc`: over the page bytes after the header, after compression), which both our
// readers verify. Without checksums and with SNAPPY, a file is byte for byte what hyparquet-writer's
// parquetWriteBuffer writes for the same required columns with DELTA_BINARY_PACKED whenever that one also writes
// one page per column chunk (it splits INT64 chunks at 131071 values).
//
// File layout: PAR1, then per row group and per column one DATA_PAGE_V2 (no levels: every column is required)
// holding the whole column chunk unless `pageBytes` splits it at block boundaries, then the FileMetaData (schema,
// row groups, key/value metadata, created_by), its length and PAR1.
import type { ColumnChunk, FileMetaData, KeyValue, RowGroup, SchemaElement } from 'hyparquet';
import { ByteWriter } from 'hyparquet-writer/src/bytewriter.js';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { deltaInt32, deltaInt64, maxEncodedBytes } from './delta';
// ours, not node:zlib's: the replay page converts files in the browser with this writer too
import { crc32 as pageCrc } from './crc32';

export interface ColumnSpec {
  name: string;
  type: 'INT32' | 'INT64';
  /** min/max statistics in the column chunk metadata. */
  statistics?: boolean;
}

export interface FastColumn extends ColumnSpec {
  /** INT32: Int32Array; INT64: BigInt64Array (read through an Int32Array view of its halves). */
  data: Int32Array | BigInt64Array;
}

/**
 * Supplies the values of rows [from, to) of every column, as int32 words from index 0: one per INT32 value, two
 * (lo, hi) per INT64 value. The arrays are read before the next call, so they may be reused scratch.
 */
export type GroupSource = (from: number, to: number) => readonly Int32Array[];

export interface FastWriteOptions {
  rowGroupSize?: number;
  codec?: 'SNAPPY' | 'UNCOMPRESSED';
  /**
   * Split a column chunk into pages of about this many uncompressed bytes, at 128-value block boundaries. Default:
   * one page per column chunk (both readers in src/capture handle several).
   */
  pageBytes?: number;
  kvMetadata?: KeyValue[];
  createdBy?: string;
  /** Write each page's CRC-32 into its header (default true). */
  pageChecksums?: boolean;
}

const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]); // PAR1

let scratch = new Uint8Array(1 << 16);
function scratchFor(n: number): Uint8Array {
  const need = maxEncodedBytes(n);
  if (scratch.length < need) scratch = new Uint8Array(Math.max(need, scratch.length * 2));
  return scratch;
}

/** Halves view of a column: INT32 as is, INT64 as (lo, hi) int32 pairs. */
function halvesOf(c: FastColumn): Int32Array {
  if (c.type === 'INT32') {
    if (!(c.data instanceof Int32Array)) throw new TypeError(`column ${c.name}: INT32 needs an Int32Array`);
    return c.data;
  }
  if (!(c.data instanceof BigInt64Array)) throw new TypeError(`column ${c.name}: INT64 needs a BigInt64Array`);
  return new Int32Array(c.data.buffer, c.data.byteOffset, c.data.length * 2);
}

function big64(lo: number, hi: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
}

/** Signed min and max of values [from, to): numbers for INT32, BigInts for INT64 (four BigInt calls). */
function minMax(h: Int32Array, i64: boolean, from: number, to: number): { min: bigint | number; max: bigint | number } {
  if (!i64) {
    let min = h[from];
    let max = min;
    for (let i = from + 1; i < to; i++) {
      const v = h[i];
      if (v < min) min = v;
      else if (v > max) max = v;
    }
    return { min, max };
  }
  let minLo = h[2 * from];
  let minHi = h[2 * from + 1];
  let maxLo = minLo;
  let maxHi = minHi;
  for (let i = from + 1; i < to; i++) {
    const lo = h[2 * i];
    const hi = h[2 * i + 1];
    if (hi < minHi || (hi === minHi && lo >>> 0 < minLo >>> 0)) {
      minHi = hi;
      minLo = lo;
    }
    if (hi > maxHi || (hi === maxHi && lo >>> 0 > maxLo >>> 0)) {
      maxHi = hi;
      maxLo = lo;
    }
  }
  return { min: big64(minLo, minHi), max: big64(maxLo, maxHi) };
}

/** Writes `rows` rows of the given columns as a complete Parquet file. */
export function writeParquet(columns: readonly FastColumn[], rows: number, o: FastWriteOptions = {}): Uint8Array {
  const halves = columns.map((c) => {
    if (c.data.length !== rows) throw new RangeError(`column ${c.name} has ${c.data.length} values, not ${rows}`);
    return halvesOf(c);
  });
  const words = columns.map((c) => (c.type === 'INT64' ? 2 : 1));
  return writeParquetGroups(columns, rows, (from, to) => halves.map((h, c) => h.subarray(from * words[c], to * words[c])), o);
}

/** Writes `rows` rows as a complete Parquet file, taking each row group's values from `source`. */
export function writeParquetGroups(
  columns: readonly ColumnSpec[],
  rows: number,
  source: GroupSource,
  o: FastWriteOptions = {},
): Uint8Array {
  const codec = o.codec ?? 'SNAPPY';
  const groupSize = o.rowGroupSize ?? 131072;
  const pageBytes = o.pageBytes ?? Infinity;
  const checksums = o.pageChecksums ?? true;
  if (!Number.isInteger(groupSize) || groupSize < 1) throw new RangeError(`rowGroupSize must be an integer ≥ 1: ${groupSize}`);
  if (!(pageBytes > 0)) throw new RangeError(`pageBytes must be > 0: ${pageBytes}`);
  if (codec !== 'SNAPPY' && codec !== 'UNCOMPRESSED') throw new RangeError(`unsupported codec ${codec}`);

  const parts: Uint8Array[] = [MAGIC];
  let offset = MAGIC.length;
  const push = (b: Uint8Array) => {
    parts.push(b);
    offset += b.length;
  };

  const rowGroups: RowGroup[] = [];
  for (let g0 = 0; g0 < rows; g0 += groupSize) {
    const g1 = Math.min(rows, g0 + groupSize);
    const halves = source(g0, g1);
    const rg = g1 - g0;
    const groupStart = offset;
    const chunks: ColumnChunk[] = [];
    let groupUncompressed = 0;
    for (let c = 0; c < columns.length; c++) {
      const col = columns[c];
      const i64 = col.type === 'INT64';
      const h = halves[c];
      const chunkStart = offset;
      let uncompressed = 0;
      let pages = 0;
      if (h.length < rg * (i64 ? 2 : 1)) throw new RangeError(`column ${col.name}: too few values for rows ${g0}–${g1}`);
      for (let p = 0; p < rg; pages++) {
        const out = scratchFor(rg - p);
        const enc = i64 ? deltaInt64(h, p, rg, out, 0, pageBytes) : deltaInt32(h, p, rg, out, 0, pageBytes);
        const raw = out.subarray(enc.start, enc.end);
        const body = codec === 'SNAPPY' ? snappyCompressFast(raw) : raw.slice();
        const head = new ByteWriter(64);
        writePageHeader(head, {
          type: 'DATA_PAGE_V2',
          uncompressed_page_size: raw.length,
          compressed_page_size: body.length,
          crc: checksums ? pageCrc(body) : undefined,
          data_page_header_v2: {
            num_values: enc.count,
            num_nulls: 0,
            num_rows: enc.count,
            encoding: 'DELTA_BINARY_PACKED',
            definition_levels_byte_length: 0,
            repetition_levels_byte_length: 0,
            is_compressed: codec !== 'UNCOMPRESSED',
          },
        });
        const headBytes = head.getBytes();
        push(headBytes);
        push(body);
        uncompressed += headBytes.length + raw.length;
        p += enc.count;
      }
      const stats = col.statistics ? minMax(h, i64, 0, rg) : undefined;
      chunks.push({
        file_offset: BigInt(chunkStart),
        meta_data: {
          type: col.type,
          encodings: ['DELTA_BINARY_PACKED'],
          path_in_schema: [col.name],
          codec,
          num_values: BigInt(rg),
          total_uncompressed_size: BigInt(uncompressed),
          total_compressed_size: BigInt(offset - chunkStart),
          data_page_offset: BigInt(chunkStart),
          statistics: stats && { min_value: stats.min, max_value: stats.max, null_count: 0n },
          // as hyparquet-writer does: page encoding stats go with the statistics
          encoding_stats: stats && [{ page_type: 'DATA_PAGE_V2', encoding: 'DELTA_BINARY_PACKED', count: pages }],
        },
      } as ColumnChunk);
      groupUncompressed += uncompressed;
    }
    rowGroups.push({
      columns: chunks,
      total_byte_size: BigInt(groupUncompressed),
      num_rows: BigInt(rg),
      total_compressed_size: BigInt(offset - groupStart),
    } as RowGroup);
  }

  const schema: SchemaElement[] = [
    { name: 'root', num_children: columns.length },
    ...columns.map((c): SchemaElement => ({ name: c.name, type: c.type, repetition_type: 'REQUIRED' })),
  ];
  const footer = new ByteWriter(4096);
  writeMetadata(footer, {
    version: 2,
    schema,
    num_rows: BigInt(rows),
    row_groups: rowGroups,
    key_value_metadata: o.kvMetadata,
    created_by: o.createdBy ?? 'ringbook',
  } as FileMetaData);
  footer.appendBytes(MAGIC);
  push(footer.getBytes());

  const file = new Uint8Array(offset);
  for (let i = 0, at = 0; i < parts.length; at += parts[i].length, i++) file.set(parts[i], at);
  return file;
}

// --- snappy ---

const MAX_TABLE_BITS = 14;
const table = new Int32Array(1 << MAX_TABLE_BITS);
let buf = new Uint8Array(1 << 16);

/** Little-endian 32 bits at p. */
function load32(a: Uint8Array, p: number): number {
  return a[p] | (a[p + 1] << 8) | (a[p + 2] << 16) | (a[p + 3] << 24);
}

/**
 * Snappy raw compression: hyparquet-writer's snappyjs port (same algorithm, same output bytes), writing into one
 * reused buffer instead of a growing ByteWriter (a DataView call per byte, an allocation per literal): ~1.5× faster.
 * Returns a fresh array.
 */
export function snappyCompressFast(input: Uint8Array): Uint8Array {
  const n = input.length;
  const need = 32 + n + Math.ceil(n / 6);
  if (buf.length < need) buf = new Uint8Array(Math.max(need, buf.length * 2));
  const out = buf;
  let op = 0;
  let v = n; // the uncompressed length, ULEB128
  while (v >= 0x80) {
    out[op++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[op++] = v;

  let bits = 1;
  while (1 << bits <= n && bits <= MAX_TABLE_BITS) bits++;
  bits--;
  const shift = 32 - bits;
  table.fill(0, 0, 1 << bits);

  let ip = 0;
  let nextEmit = 0;
  const MARGIN = 15; // no match search in the last 15 bytes (they go out as a literal)
  if (n >= MARGIN) {
    const ipLimit = n - MARGIN;
    ip = 1;
    let nextHash = Math.imul(load32(input, ip), 0x1e35a7bd) >>> shift;
    outer: for (;;) {
      let skip = 32;
      let nextIp = ip;
      let candidate = 0;
      do {
        ip = nextIp;
        const hash = nextHash;
        const step = skip >>> 5;
        skip++;
        nextIp = ip + step;
        if (ip > ipLimit) break outer;
        nextHash = Math.imul(load32(input, nextIp), 0x1e35a7bd) >>> shift;
        candidate = table[hash];
        table[hash] = ip;
      } while (ip - candidate > 0xffff || load32(input, ip) !== load32(input, candidate));

      op = literal(out, op, input, nextEmit, ip - nextEmit);

      for (;;) {
        const base = ip;
        let matched = 4;
        while (ip + matched < n && input[ip + matched] === input[candidate + matched]) matched++;
        ip += matched;
        op = copy(out, op, base - candidate, matched);
        nextEmit = ip;
        if (ip >= ipLimit) break outer;
        table[Math.imul(load32(input, ip - 1), 0x1e35a7bd) >>> shift] = ip - 1;
        const h = Math.imul(load32(input, ip), 0x1e35a7bd) >>> shift;
        candidate = table[h];
        table[h] = ip;
        if (ip - candidate > 0xffff || load32(input, ip) !== load32(input, candidate)) break;
      }
      ip++;
      nextHash = Math.imul(load32(input, ip), 0x1e35a7bd) >>> shift;
    }
  }
  if (nextEmit < n) op = literal(out, op, input, nextEmit, n - nextEmit);
  return out.slice(0, op);
}

/** A literal of `len` bytes from input[ip]: tag (and length bytes), then the bytes. */
function literal(out: Uint8Array, op: number, input: Uint8Array, ip: number, len: number): number {
  const v = len - 1;
  if (len <= 60) {
    out[op++] = v << 2;
  } else {
    const bytes = v < 0x100 ? 1 : v < 0x10000 ? 2 : v < 0x1000000 ? 3 : 4;
    out[op++] = (59 + bytes) << 2;
    for (let i = 0; i < bytes; i++) out[op++] = v >>> (8 * i);
  }
  if (len < 32) for (let i = 0; i < len; i++) out[op + i] = input[ip + i];
  else out.set(input.subarray(ip, ip + len), op);
  return op + len;
}

/** A back reference of any length: copies of ≤ 64 bytes (never leaving a tail under 4). */
function copy(out: Uint8Array, op: number, offset: number, len: number): number {
  while (len >= 68) {
    op = copyShort(out, op, offset, 64);
    len -= 64;
  }
  if (len > 64) {
    op = copyShort(out, op, offset, 60);
    len -= 60;
  }
  return copyShort(out, op, offset, len);
}

/** One copy of 4–64 bytes: a 2-byte tag when short and near, else 3 bytes. */
function copyShort(out: Uint8Array, op: number, offset: number, len: number): number {
  if (len < 12 && offset < 2048) {
    out[op++] = 1 + ((len - 4) << 2) + ((offset >>> 8) << 5);
    out[op++] = offset & 0xff;
  } else {
    out[op++] = 2 + ((len - 1) << 2);
    out[op++] = offset & 0xff;
    out[op++] = offset >>> 8;
  }
  return op;
}
