// A Parquet writer for flat, required INT32/INT64 columns only (the capture schema), built for speed: values are
// DELTA_BINARY_PACKED by our own encoder (./delta: INT64 handled as int32 halves, no BigInt per value), pages are
// compressed by hyparquet-writer's snappy, and page headers and the footer are written by hyparquet-writer's thrift
// writers (a few BigInts per column chunk for sizes, offsets and statistics, none per value).
//
// File layout: PAR1, then per row group and per column one DATA_PAGE_V2 (no levels: every column is required)
// holding the whole column chunk unless `pageBytes` splits it at block boundaries, then the FileMetaData (schema,
// row groups, key/value metadata, created_by), its length and PAR1.
import type { ColumnChunk, FileMetaData, KeyValue, RowGroup, SchemaElement } from 'hyparquet';
import { ByteWriter } from 'hyparquet-writer/src/bytewriter.js';
import { snappyCompress } from 'hyparquet-writer/src/snappy.js';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { deltaInt32, deltaInt64, maxEncodedBytes } from './delta';

export interface FastColumn {
  name: string;
  type: 'INT32' | 'INT64';
  /** INT32: Int32Array; INT64: BigInt64Array (read through an Int32Array view of its halves). */
  data: Int32Array | BigInt64Array;
  /** min/max statistics in the column chunk metadata. */
  statistics?: boolean;
}

export interface FastWriteOptions {
  rowGroupSize?: number;
  codec?: 'SNAPPY' | 'UNCOMPRESSED';
  /** Split a column chunk into pages of about this many (uncompressed) bytes; default: one page per chunk. */
  pageBytes?: number;
  kvMetadata?: KeyValue[];
  createdBy?: string;
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

/** Signed min and max of values [from, to) as BigInts (four per call). */
function minMax(h: Int32Array, i64: boolean, from: number, to: number): { min: bigint; max: bigint } {
  if (!i64) {
    let min = h[from];
    let max = min;
    for (let i = from + 1; i < to; i++) {
      const v = h[i];
      if (v < min) min = v;
      else if (v > max) max = v;
    }
    return { min: BigInt(min), max: BigInt(max) };
  }
  let minLo = h[2 * from];
  let minHi = h[2 * from + 1];
  let maxLo = minLo;
  let maxHi = minHi;
  for (let i = from + 1; i < to; i++) {
    const lo = h[2 * i];
    const hi = h[2 * i + 1];
    if (hi < minHi || (hi === minHi && (lo >>> 0) < (minLo >>> 0))) {
      minHi = hi;
      minLo = lo;
    }
    if (hi > maxHi || (hi === maxHi && (lo >>> 0) > (maxLo >>> 0))) {
      maxHi = hi;
      maxLo = lo;
    }
  }
  return { min: big64(minLo, minHi), max: big64(maxLo, maxHi) };
}

/** Writes `rows` rows of the given columns as a complete Parquet file. */
export function writeParquet(columns: readonly FastColumn[], rows: number, o: FastWriteOptions = {}): Uint8Array {
  const codec = o.codec ?? 'SNAPPY';
  const groupSize = o.rowGroupSize ?? 131072;
  const pageBytes = o.pageBytes ?? Infinity;
  if (!(groupSize >= 1)) throw new RangeError(`rowGroupSize must be ≥ 1: ${groupSize}`);
  if (!(pageBytes > 0)) throw new RangeError(`pageBytes must be > 0: ${pageBytes}`);
  const halves = columns.map((c) => {
    if (c.data.length !== rows) throw new RangeError(`column ${c.name} has ${c.data.length} values, not ${rows}`);
    return halvesOf(c);
  });

  const parts: Uint8Array[] = [MAGIC];
  let offset = MAGIC.length;
  const push = (b: Uint8Array) => {
    parts.push(b);
    offset += b.length;
  };

  const rowGroups: RowGroup[] = [];
  for (let g0 = 0; g0 < rows; g0 += groupSize) {
    const g1 = Math.min(rows, g0 + groupSize);
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
      for (let p = g0; p < g1; pages++) {
        const out = scratchFor(g1 - p);
        const enc = i64 ? deltaInt64(h, p, g1, out, 0, pageBytes) : deltaInt32(h, p, g1, out, 0, pageBytes);
        const raw = out.subarray(enc.start, enc.end);
        const body = codec === 'SNAPPY' ? snappyCompress(raw) : raw.slice();
        const head = new ByteWriter(64);
        writePageHeader(head, {
          type: 'DATA_PAGE_V2',
          uncompressed_page_size: raw.length,
          compressed_page_size: body.length,
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
      const stats = col.statistics ? minMax(h, i64, g0, g1) : undefined;
      chunks.push({
        file_offset: BigInt(chunkStart),
        meta_data: {
          type: col.type,
          encodings: ['DELTA_BINARY_PACKED'],
          path_in_schema: [col.name],
          codec,
          num_values: BigInt(g1 - g0),
          total_uncompressed_size: BigInt(uncompressed),
          total_compressed_size: BigInt(offset - chunkStart),
          data_page_offset: BigInt(chunkStart),
          statistics: stats && { min_value: stats.min, max_value: stats.max, null_count: 0n },
          encoding_stats: [{ page_type: 'DATA_PAGE_V2', encoding: 'DELTA_BINARY_PACKED', count: pages }],
        },
      } as ColumnChunk);
      groupUncompressed += uncompressed;
    }
    rowGroups.push({
      columns: chunks,
      total_byte_size: BigInt(groupUncompressed),
      num_rows: BigInt(g1 - g0),
      file_offset: BigInt(groupStart),
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
