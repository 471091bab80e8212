// Reads back what ./file-writer writes, fast: required INT32/INT64 columns, DATA_PAGE_V2 pages, DELTA_BINARY_PACKED,
// SNAPPY or UNCOMPRESSED. hyparquet decodes INT64 deltas with a BigInt per value, which caps a 10-column recording at
// ~3 M rows/s; here INT64 values are built as (lo, hi) int32 halves of a BigInt64Array with explicit carries, the
// representation ./delta encodes from. Anything else in a file (dictionary or PLAIN pages, v1 pages, optional or
// nested columns, logical types, other codecs) makes fastRowGroup return null, and the caller uses hyparquet.
//
// Page headers are read by a small Thrift compact-protocol reader of our own: hyparquet's is not among its
// documented exports. A page header's CRC-32, when present, is checked before the page is decoded; a mismatch is a
// PageChecksumError (the file is damaged), never a fall-back to hyparquet, which does not check it.
import type { AsyncBuffer, ColumnMetaData, FileMetaData } from 'hyparquet';
import type { Columns } from '../schema';
import { crc32 } from './crc32';

/** Thrown for anything outside the supported subset (or inconsistent): the row group goes to hyparquet instead. */
class Unsupported extends Error {}

/**
 * A page whose bytes do not match the CRC-32 in its header: the file is damaged. Never handed on to hyparquet,
 * which does not check, and would decode the damage into different values without a word.
 */
export class PageChecksumError extends Error {
  constructor(group: number, column: string, page: number) {
    super(`page checksum mismatch in row group ${group}, column ${column}, page ${page}: the file is damaged`);
    this.name = 'PageChecksumError';
  }
}
function unsupported(why: string): never {
  throw new Unsupported(why);
}

// ---- Thrift compact protocol ------------------------------------------------------------------------------------

const T_TRUE = 1;
const T_FALSE = 2;
const T_BYTE = 3;
const T_I16 = 4;
const T_I32 = 5;
const T_I64 = 6;
const T_DOUBLE = 7;
const T_BINARY = 8;
const T_LIST = 9;
const T_SET = 10;
const T_MAP = 11;
const T_STRUCT = 12;
const T_UUID = 13;

class Compact {
  constructor(
    readonly b: Uint8Array,
    public p: number,
    readonly end: number,
  ) {}

  byte(): number {
    if (this.p >= this.end) unsupported('thrift: past the end');
    return this.b[this.p++];
  }

  /** Unsigned varint as a number (exact below 2^53; page header fields are i32). */
  uvar(): number {
    let v = 0;
    for (let scale = 1; ; scale *= 128) {
      const c = this.byte();
      v += (c & 0x7f) * scale;
      if (c < 0x80) return v;
      if (scale > 2 ** 42) unsupported('thrift: varint too long');
    }
  }

  /** Zigzag varint of an i32 (page sizes and counts), computed in int32 so it stays one for V8 downstream. */
  i32(): number {
    let u = 0;
    for (let shift = 0; ; shift += 7) {
      if (shift > 28) unsupported('thrift: i32 varint too long');
      const c = this.byte();
      u |= (c & 0x7f) << shift;
      if (c < 0x80) break;
    }
    return (u >>> 1) ^ -(u & 1);
  }

  skipBytes(n: number): void {
    if (n > this.end - this.p) unsupported('thrift: past the end');
    this.p += n;
  }

  /** Skips a value of any type, so fields this reader does not know (statistics, crc, future ones) are no obstacle. */
  skip(type: number, depth = 0): void {
    if (depth > 32) unsupported('thrift: nesting too deep');
    switch (type) {
      case T_TRUE:
      case T_FALSE:
        return; // a struct field's value is in its type nibble
      case T_BYTE:
        return this.skipBytes(1);
      case T_I16:
      case T_I32:
      case T_I64:
        while (this.byte() & 0x80);
        return;
      case T_DOUBLE:
        return this.skipBytes(8);
      case T_BINARY:
        return this.skipBytes(this.uvar());
      case T_UUID:
        return this.skipBytes(16);
      case T_LIST:
      case T_SET: {
        const h = this.byte();
        const n = h >> 4 === 15 ? this.uvar() : h >> 4;
        // every element takes a byte at least: a longer count is corrupt (and would spin)
        if (n > this.end - this.p) unsupported('thrift: list longer than its bytes');
        const elem = h & 15;
        for (let i = 0; i < n; i++) this.element(elem, depth);
        return;
      }
      case T_MAP: {
        const n = this.uvar();
        if (n === 0) return;
        const kv = this.byte();
        if (n > this.end - this.p) unsupported('thrift: map longer than its bytes');
        for (let i = 0; i < n; i++) {
          this.element(kv >> 4, depth);
          this.element(kv & 15, depth);
        }
        return;
      }
      case T_STRUCT:
        return this.struct((_, t) => this.skip(t, depth + 1));
      default:
        unsupported(`thrift: type ${type}`);
    }
  }

  /** A list, set or map element: booleans take a byte there (in a struct their value is the field type). */
  private element(type: number, depth: number): void {
    if (type === T_TRUE || type === T_FALSE) this.skipBytes(1);
    else this.skip(type, depth + 1);
  }

  /** Reads a struct, calling `field` with each field's id and type; `field` must consume the value. */
  struct(field: (id: number, type: number) => void): void {
    let id = 0;
    for (;;) {
      const h = this.byte();
      const type = h & 15;
      if (type === 0) return;
      id = h >> 4 ? id + (h >> 4) : this.i32();
      field(id, type);
    }
  }
}

const PAGE_DATA_V2 = 3;
const ENC_DELTA_BINARY_PACKED = 5;

interface PageHeader {
  type: number;
  uncompressed: number;
  compressed: number;
  /** From data_page_header_v2, -1 when absent. */
  numValues: number;
  numNulls: number;
  numRows: number;
  encoding: number;
  levelBytes: number;
  isCompressed: boolean;
  /** The page's CRC-32 (signed), or null when the writer left it out. */
  crc: number | null;
}

/** parquet-format PageHeader, only the fields a required DATA_PAGE_V2 needs. */
function pageHeader(r: Compact): PageHeader {
  const h: PageHeader = {
    type: -1,
    uncompressed: -1,
    compressed: -1,
    numValues: -1,
    numNulls: -1,
    numRows: -1,
    encoding: -1,
    levelBytes: 0,
    isCompressed: true,
    crc: null,
  };
  r.struct((id, t) => {
    if (id === 1 && t === T_I32) h.type = r.i32();
    else if (id === 4 && t === T_I32) h.crc = r.i32();
    else if (id === 2 && t === T_I32) h.uncompressed = r.i32();
    else if (id === 3 && t === T_I32) h.compressed = r.i32();
    else if (id === 8 && t === T_STRUCT) {
      r.struct((id2, t2) => {
        if (id2 === 1 && t2 === T_I32) h.numValues = r.i32();
        else if (id2 === 2 && t2 === T_I32) h.numNulls = r.i32();
        else if (id2 === 3 && t2 === T_I32) h.numRows = r.i32();
        else if (id2 === 4 && t2 === T_I32) h.encoding = r.i32();
        else if ((id2 === 5 || id2 === 6) && t2 === T_I32) h.levelBytes |= r.i32();
        else if (id2 === 7 && (t2 === T_TRUE || t2 === T_FALSE)) h.isCompressed = t2 === T_TRUE;
        else r.skip(t2);
      });
    } else r.skip(t);
  });
  return h;
}

// ---- DELTA_BINARY_PACKED ----------------------------------------------------------------------------------------

/** Slack after a page's bytes: the unpackers read whole little-endian words, up to 8 bytes past the last used one. */
const PAD = 16;

// The page being decoded, decompressed (or copied) into a buffer with PAD bytes of slack.
let page = new Uint8Array(1 << 16);
let dv = new DataView(page.buffer);
function pageBuffer(n: number): Uint8Array {
  if (page.length < n + PAD) {
    page = new Uint8Array(Math.max(n + PAD, page.length * 2));
    dv = new DataView(page.buffer);
  }
  return page;
}

// Read position in `page` while parsing a stream's varints, and the last 64-bit varint read, as halves.
let pos = 0;
let lo64 = 0;
let hi64 = 0;

function uvarAt(end: number): number {
  let v = 0;
  for (let scale = 1; ; scale *= 128) {
    if (pos >= end) unsupported('delta: truncated header');
    const c = page[pos++];
    v += (c & 0x7f) * scale;
    if (c < 0x80) return v;
    if (scale > 2 ** 42) unsupported('delta: varint too long');
  }
}

/** Zigzag ULEB128 of an int64 into (lo64, hi64). */
function zigzag64At(end: number): void {
  let lo = 0;
  let hi = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= end || shift > 63) unsupported('delta: bad varint');
    const c = page[pos++];
    const b = c & 0x7f;
    if (shift < 32) {
      lo |= b << shift;
      if (shift > 25) hi |= b >>> (32 - shift);
    } else {
      hi |= b << (shift - 32);
    }
    if (c < 0x80) break;
  }
  const neg = -(lo & 1);
  lo64 = ((lo >>> 1) | (hi << 31)) ^ neg;
  hi64 = (hi >>> 1) ^ neg;
}

/**
 * Decodes the DELTA_BINARY_PACKED stream in page[0, end), which must hold exactly `count` values, into out from
 * value `at`: one int32 per value, or two (lo, hi) when i64.
 */
function decodeDelta(end: number, i64: boolean, count: number, out: Int32Array, at: number): void {
  const b = page;
  const d = dv;
  pos = 0;
  const blockSize = uvarAt(end);
  const minis = uvarAt(end);
  if (uvarAt(end) !== count) unsupported('delta: value count differs from the page header');
  if (!(blockSize > 0 && blockSize <= 1 << 20 && blockSize % 128 === 0 && minis > 0 && (blockSize / minis) % 32 === 0))
    unsupported('delta: block layout');
  // small integers from here on: V8 keeps them int32 (a division's result would stay a float)
  const per = (blockSize / minis) | 0;
  zigzag64At(end);
  const words = i64 ? 2 : 1;
  out[at * words] = lo64;
  if (i64) out[at * words + 1] = hi64;
  const maxWidth = i64 ? 64 : 32;
  let p = pos;
  for (let i = 1; i < count;) {
    // the block's min delta: one byte in most blocks
    let minLo: number;
    let minHi: number;
    const c = b[p];
    if (c < 0x80 && p < end) {
      minLo = (c >>> 1) ^ -(c & 1);
      minHi = minLo >> 31;
      p++;
    } else {
      pos = p;
      zigzag64At(end);
      p = pos;
      minLo = lo64;
      minHi = hi64;
    }
    const widths = p;
    p += minis;
    if (p > end) unsupported('delta: truncated block');
    for (let m = 0; m < minis && i < count; m++) {
      const w = b[widths + m];
      if (w > maxWidth) unsupported(`delta: bit width ${w}`);
      const n = per < count - i ? per : count - i;
      // the last miniblock should be padded to full size, but only the bits in use are needed
      if (p + ((n * w + 7) >>> 3) > end) unsupported('delta: truncated miniblock');
      const q = (at + i) * words;
      if (!i64) unpack32(d, p, w, n, minLo, out, q);
      else if (w === 0) run64(n, minLo, minHi, out, q);
      else if (w <= 32) unpack64(d, p, w, n, minLo, minHi, out, q);
      else unpack64Wide(d, p, w, n, minLo, minHi, out, q);
      p += (per * w) >>> 3;
      i += n;
    }
  }
}

// The unpackers read the packed bits a little-endian word at a time; the branch on crossing a word boundary measured
// faster than branch-free extraction. Every intermediate is kept an int32 (`| 0`, no `>>> 0` results reaching
// arithmetic, no division): one value V8 sees outside that range turns the loop into floating point.

/**
 * n INT32 values into out[q, q + n), each the previous one plus min plus a w-bit (0–32) unsigned delta read from
 * p. Deltas wrap at 32 bits, as INT32 arithmetic does.
 */
function unpack32(d: DataView, p: number, w: number, n: number, min: number, out: Int32Array, q: number): void {
  let v = out[q - 1];
  const e = q + n;
  if (w === 0) {
    for (; q < e; q++) out[q] = v = (v + min) | 0;
    return;
  }
  const mask = w === 32 ? -1 : ~(-1 << w); // an int32: (1 << 31) - 1 would be a float
  let word = d.getInt32(p, true);
  p += 4;
  let off = 0;
  for (; q < e; q++) {
    let x = (word >>> off) | 0;
    off += w;
    if (off >= 32) {
      off -= 32;
      word = d.getInt32(p, true);
      p += 4;
      if (off) x |= word << (w - off);
    }
    v = (v + min + (x & mask)) | 0;
    out[q] = v;
  }
}

/**
 * n INT64 values as (lo, hi) halves into out from q (an even index), each the previous one plus (minLo, minHi)
 * plus a w-bit (1–32) unsigned delta read from p, in 64-bit two's complement arithmetic.
 */
function unpack64(d: DataView, p: number, w: number, n: number, minLo: number, minHi: number, out: Int32Array, q: number): void {
  const mask = w === 32 ? -1 : ~(-1 << w);
  if (minHi === minLo >> 31 && w < 32 && minLo + mask <= 0x7fffffff && sameHigh(d, p, w, n, minLo, mask, out, q)) return;
  let lo = out[q - 2];
  let hi = out[q - 1];
  let word = d.getInt32(p, true);
  p += 4;
  let off = 0;
  for (const e = q + 2 * n; q < e; q += 2) {
    let x = (word >>> off) | 0;
    off += w;
    if (off >= 32) {
      off -= 32;
      word = d.getInt32(p, true);
      p += 4;
      if (off) x |= word << (w - off);
    }
    x &= mask;
    // delta = min + x, value += delta; carries computed branch-free (their sign is data-dependent: a branch
    // mispredicts on every other value of a column like qty)
    const dl = (minLo + x) | 0;
    const nl = (lo + dl) | 0;
    hi = (hi + minHi + (((minLo & x) | ((minLo | x) & ~dl)) >>> 31) + (((lo & dl) | ((lo | dl) & ~nl)) >>> 31)) | 0;
    lo = nl;
    out[q] = lo;
    out[q + 1] = hi;
  }
}

/**
 * unpack64's usual case, every delta an int32 (timestamps, prices, sizes, sequence numbers), decoded assuming the
 * high half stays: only low halves are summed. Returns false when that may not hold (the caller decodes the
 * miniblock again): with deltas in [−2^31, 2^31), the low half, taken unsigned, can only wrap by landing in the
 * other half of its range, so if every low half has the starting one's sign bit, none wrapped.
 */
function sameHigh(d: DataView, p: number, w: number, n: number, minLo: number, mask: number, out: Int32Array, q: number): boolean {
  let lo = out[q - 2];
  const hi = out[q - 1];
  let all = lo;
  let any = lo;
  let word = d.getInt32(p, true);
  p += 4;
  let off = 0;
  for (const e = q + 2 * n; q < e; q += 2) {
    let x = (word >>> off) | 0;
    off += w;
    if (off >= 32) {
      off -= 32;
      word = d.getInt32(p, true);
      p += 4;
      if (off) x |= word << (w - off);
    }
    lo = (lo + minLo + (x & mask)) | 0;
    all &= lo;
    any |= lo;
    out[q] = lo;
    out[q + 1] = hi;
  }
  return (all ^ any) >= 0;
}

/** unpack64 for width 0: every delta is (minLo, minHi). */
function run64(n: number, minLo: number, minHi: number, out: Int32Array, q: number): void {
  let lo = out[q - 2];
  let hi = out[q - 1];
  const e = q + 2 * n;
  if (minHi === minLo >> 31) {
    const u = (lo >>> 0) + n * minLo;
    if (u >= 0 && u < 4294967296) {
      for (; q < e; q += 2) {
        lo = (lo + minLo) | 0;
        out[q] = lo;
        out[q + 1] = hi;
      }
      return;
    }
  }
  for (; q < e; q += 2) {
    const nl = (lo + minLo) | 0;
    hi = (hi + minHi + (((lo & minLo) | ((lo | minLo) & ~nl)) >>> 31)) | 0;
    lo = nl;
    out[q] = lo;
    out[q + 1] = hi;
  }
}

/** unpack64 for widths 33–64: each packed delta is its low 32 bits, then its high w − 32 bits. */
function unpack64Wide(d: DataView, p: number, w: number, n: number, minLo: number, minHi: number, out: Int32Array, q: number): void {
  const wh = w - 32;
  const mask = wh === 32 ? -1 : ~(-1 << wh);
  let lo = out[q - 2];
  let hi = out[q - 1];
  let word = d.getInt32(p, true);
  p += 4;
  let off = 0;
  for (const e = q + 2 * n; q < e; q += 2) {
    // 32 bits always end in the next word, at the same bit offset
    const next = d.getInt32(p, true);
    p += 4;
    const xl = off ? (word >>> off) | (next << (32 - off)) : word;
    word = next;
    let xh = (word >>> off) | 0;
    off += wh;
    if (off >= 32) {
      off -= 32;
      word = d.getInt32(p, true);
      p += 4;
      if (off) xh |= word << (wh - off);
    }
    const dl = (minLo + xl) | 0;
    const nl = (lo + dl) | 0;
    hi = (hi + minHi + (xh & mask) + (((minLo & xl) | ((minLo | xl) & ~dl)) >>> 31) + (((lo & dl) | ((lo | dl) & ~nl)) >>> 31)) | 0;
    lo = nl;
    out[q] = lo;
    out[q + 1] = hi;
  }
}

// ---- snappy -----------------------------------------------------------------------------------------------------

/**
 * Raw snappy decompression of `input` into page[0, n). hyparquet's snappyUncompress copies literals byte by byte,
 * which made it a third of the read time once the deltas were fast; long literals (the incompressible price and
 * qty pages are mostly one) go through TypedArray.set here, long non-overlapping copies through copyWithin.
 * Corrupt input is left to hyparquet to report.
 */
function snappyInto(input: Uint8Array, n: number): void {
  const out = page;
  const end = input.length;
  let ip = 0;
  let declared = 0;
  for (let scale = 1; ; scale *= 128) {
    if (ip >= end || scale > 2 ** 28) unsupported('snappy: bad length');
    const c = input[ip++];
    declared += (c & 0x7f) * scale;
    if (c < 0x80) break;
  }
  if (declared !== n) unsupported('snappy: length differs from the page header');
  let op = 0;
  while (ip < end) {
    const tag = input[ip++];
    if ((tag & 3) === 0) {
      let len = (tag >>> 2) + 1;
      if (len > 60) {
        const bytes = len - 60;
        if (ip + bytes > end) unsupported('snappy: truncated literal');
        // kept an int32 (a length of 2^31 or more cannot fit anyway): one float here slows the whole loop
        len = 0;
        for (let k = 0; k < bytes; k++) len |= input[ip + k] << (8 * k);
        len = (len + 1) | 0;
        if (len <= 0) unsupported('snappy: literal too long');
        ip += bytes;
      }
      if (len > end - ip || len > n - op) unsupported('snappy: literal past the end');
      if (len < 32) for (let k = 0; k < len; k++) out[op + k] = input[ip + k];
      else out.set(input.subarray(ip, ip + len), op);
      ip += len;
      op += len;
    } else {
      let len: number;
      let offset: number;
      if ((tag & 3) === 1) {
        if (ip >= end) unsupported('snappy: truncated copy');
        len = ((tag >>> 2) & 7) + 4;
        offset = ((tag >>> 5) << 8) | input[ip++];
      } else if ((tag & 3) === 2) {
        if (ip + 2 > end) unsupported('snappy: truncated copy');
        len = (tag >>> 2) + 1;
        offset = input[ip] | (input[ip + 1] << 8);
        ip += 2;
      } else {
        if (ip + 4 > end) unsupported('snappy: truncated copy');
        len = (tag >>> 2) + 1;
        offset = input[ip] | (input[ip + 1] << 8) | (input[ip + 2] << 16) | (input[ip + 3] << 24);
        ip += 4;
      }
      if (offset <= 0 || offset > op || len > n - op) unsupported('snappy: bad copy');
      const from = op - offset;
      // overlapping copies repeat the last `offset` bytes: byte by byte is what they mean
      if (len >= 32 && offset >= len) out.copyWithin(op, from, from + len);
      else for (let k = 0; k < len; k++) out[op + k] = out[from + k];
      op += len;
    }
  }
  if (op !== n) unsupported('snappy: short output');
}

// ---- row groups -------------------------------------------------------------------------------------------------

export interface ChunkPlan {
  name: string;
  i64: boolean;
  compressed: boolean;
  start: number;
  end: number;
}

/** The column chunks to read, or null when a column is outside the subset (judged from the metadata alone). */
export function plan(metadata: FileMetaData, group: number, columns: readonly string[]): ChunkPlan[] | null {
  const { schema } = metadata;
  const rg = metadata.row_groups[group];
  if (!rg || schema[0]?.num_children !== schema.length - 1) return null; // nested: some element has children
  const rows = Number(rg.num_rows);
  const out: ChunkPlan[] = [];
  for (const name of columns) {
    const el = schema.find((e, i) => i > 0 && e.name === name);
    if (!el || el.num_children || el.repetition_type !== 'REQUIRED' || el.converted_type || el.logical_type) return null;
    if (el.type !== 'INT32' && el.type !== 'INT64') return null;
    const chunk = rg.columns.find((c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === name);
    const meta: ColumnMetaData | undefined = chunk?.meta_data;
    if (!chunk || !meta || chunk.file_path || meta.type !== el.type || meta.dictionary_page_offset !== undefined) return null;
    if (meta.codec !== 'SNAPPY' && meta.codec !== 'UNCOMPRESSED') return null;
    // v2 pages of required columns have no levels, but some writers list the level encodings all the same
    if (meta.encodings.some((e) => e !== 'DELTA_BINARY_PACKED' && e !== 'RLE' && e !== 'BIT_PACKED')) return null;
    if (Number(meta.num_values) !== rows) return null;
    const start = Number(meta.data_page_offset);
    const end = start + Number(meta.total_compressed_size);
    out.push({ name, i64: el.type === 'INT64', compressed: meta.codec === 'SNAPPY', start, end });
  }
  return out;
}

/** Chunks closer than this are fetched in one read. */
const GAP = 1 << 13;

/** Fetches the chunks' bytes, neighbours together; returns each chunk's bytes. */
export async function fetchChunks(file: AsyncBuffer, chunks: readonly ChunkPlan[]): Promise<Uint8Array[] | null> {
  const order = chunks.map((_, i) => i).sort((a, b) => chunks[a].start - chunks[b].start);
  const runs: Array<{ start: number; end: number; members: number[] }> = [];
  for (const i of order) {
    const c = chunks[i];
    if (!(c.start >= 0 && c.end > c.start && c.end <= file.byteLength)) return null;
    const last = runs[runs.length - 1];
    if (last && c.start - last.end <= GAP) {
      last.end = Math.max(last.end, c.end);
      last.members.push(i);
    } else {
      runs.push({ start: c.start, end: c.end, members: [i] });
    }
  }
  const bufs = await Promise.all(runs.map((r) => file.slice(r.start, r.end)));
  const out: Uint8Array[] = new Array(chunks.length);
  for (const [k, r] of runs.entries()) {
    const buf = bufs[k];
    if (buf.byteLength !== r.end - r.start) return null;
    for (const i of r.members) out[i] = new Uint8Array(buf, chunks[i].start - r.start, chunks[i].end - chunks[i].start);
  }
  return out;
}

/** Decodes a column chunk's pages into out (rows values); `group` names the row group in a checksum error. */
function decodeChunk(bytes: Uint8Array, c: ChunkPlan, rows: number, out: Int32Array, group: number): void {
  const r = new Compact(bytes, 0, bytes.length);
  let done = 0;
  for (let page = 0; done < rows; page++) {
    const h = pageHeader(r);
    if (h.type !== PAGE_DATA_V2 || h.encoding !== ENC_DELTA_BINARY_PACKED) unsupported('page type or encoding');
    if (h.numNulls !== 0 || h.levelBytes !== 0 || h.numValues < 1 || h.numRows !== h.numValues) unsupported('page levels or counts');
    if (h.numValues > rows - done) unsupported('more values than rows');
    // snappy expands at most ~21×: a larger size is no scratch to allocate
    if (!(h.compressed >= 0 && h.compressed <= r.end - r.p && h.uncompressed >= 0 && h.uncompressed <= 32 * h.compressed + 64))
      unsupported('page sizes');
    // checked before anything is decoded: a damaged page must fail here, not decode into other values
    if (h.crc !== null && crc32(bytes, r.p, r.p + h.compressed) !== h.crc) throw new PageChecksumError(group, c.name, page);
    const body = bytes.subarray(r.p, r.p + h.compressed);
    r.p += h.compressed;
    const buf = pageBuffer(h.uncompressed);
    if (c.compressed && h.isCompressed) {
      snappyInto(body, h.uncompressed);
    } else {
      if (body.length !== h.uncompressed) unsupported('uncompressed page size');
      buf.set(body);
    }
    decodeDelta(h.uncompressed, c.i64, h.numValues, out, done);
    done += h.numValues;
  }
}

/**
 * A whole row group's columns (INT32 as Int32Array, INT64 as BigInt64Array), or null when the file uses anything
 * this reader does not handle: then hyparquet reads the group instead.
 */
export async function fastRowGroup(
  file: AsyncBuffer,
  metadata: FileMetaData,
  group: number,
  columns: readonly string[],
): Promise<Columns | null> {
  const chunks = plan(metadata, group, columns);
  if (!chunks) return null;
  const rows = Number(metadata.row_groups[group].num_rows);
  const bytes = await fetchChunks(file, chunks);
  if (!bytes) return null;
  const out: Columns = {};
  try {
    for (const [k, c] of chunks.entries()) {
      if (c.i64) {
        const col = new BigInt64Array(rows);
        decodeChunk(bytes[k], c, rows, new Int32Array(col.buffer), group);
        out[c.name] = col;
      } else {
        const col = new Int32Array(rows);
        decodeChunk(bytes[k], c, rows, col, group);
        out[c.name] = col;
      }
    }
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
  return out;
}
