// WHEN TO USE: reading ringbook's own recordings back at replay speed. One Parquet column chunk of the layout our
// writer produces (required INT32/INT64, DATA_PAGE_V2, DELTA_BINARY_PACKED, SNAPPY or uncompressed) is decoded
// straight into one field of consecutive 64-byte records: no column arrays, no BigInt, no second pass. The
// TypeScript twin src/capture/fastread.ts decodes the same subset into column arrays (the browser-independent
// fallback and the reference the tests compare against); anything outside the subset returns a negative code and
// the caller reads that row group another way.
//
// Any thread's instance may call these: they touch only the buffers they are given (and module globals, which are
// per instance). The input needs 16 readable bytes past its end and the scratch 16 past its capacity: the bit
// unpacker loads whole 8-byte words.

export const PQ_OK: i32 = 0;
export const PQ_BAD_HEADER: i32 = -1;    // page header truncated, or a page type / encoding / level layout we do not read
export const PQ_BAD_SIZES: i32 = -2;     // page sizes inconsistent, or the page does not fit the scratch
export const PQ_BAD_SNAPPY: i32 = -3;
export const PQ_BAD_DELTA: i32 = -4;
export const PQ_BAD_COUNT: i32 = -5;     // the pages hold more or fewer values than the chunk's rows

const T_TRUE: u32 = 1;
const T_FALSE: u32 = 2;
const T_BYTE: u32 = 3;
const T_I16: u32 = 4;
const T_I32: u32 = 5;
const T_I64: u32 = 6;
const T_DOUBLE: u32 = 7;
const T_BINARY: u32 = 8;
const T_LIST: u32 = 9;
const T_SET: u32 = 10;
const T_MAP: u32 = 11;
const T_STRUCT: u32 = 12;
const T_UUID: u32 = 13;

const PAGE_DATA_V2: i32 = 3;
const ENC_DELTA_BINARY_PACKED: i32 = 5;
const STRIDE: usize = 64;

// Read cursor of the Thrift and varint readers; `bad` latches the first overrun or malformed value.
let ip: usize = 0;
let iend: usize = 0;
let bad: bool = false;

// @ts-ignore: decorator
@inline function byte(): u32 {
  if (ip >= iend) {
    bad = true;
    return 0;
  }
  return <u32>load<u8>(ip++);
}

function uvar(): u64 {
  let v: u64 = 0;
  for (let shift: u64 = 0; shift < 64; shift += 7) {
    const c = byte();
    v |= <u64>(c & 0x7f) << shift;
    if (c < 0x80) return v;
  }
  bad = true;
  return 0;
}

// @ts-ignore: decorator
@inline function zigzag(u: u64): i64 {
  return <i64>(u >>> 1) ^ -<i64>(u & 1);
}

function skip(type: u32, depth: i32): void {
  if (depth > 32) {
    bad = true;
    return;
  }
  switch (type) {
    case T_TRUE:
    case T_FALSE:
      return;
    case T_BYTE:
      ip += 1;
      break;
    case T_I16:
    case T_I32:
    case T_I64:
      uvar();
      return;
    case T_DOUBLE:
      ip += 8;
      break;
    case T_BINARY: {
      const n = uvar();
      if (n > <u64>(iend - ip)) {
        bad = true;
        return;
      }
      ip += <usize>n;
      break;
    }
    case T_UUID:
      ip += 16;
      break;
    case T_LIST:
    case T_SET: {
      const h = byte();
      const n = h >> 4 == 15 ? uvar() : <u64>(h >> 4);
      // every element takes a byte at least: a longer count is corrupt (and would spin)
      if (n > <u64>(iend - ip)) {
        bad = true;
        return;
      }
      const elem = h & 15;
      for (let i: u64 = 0; i < n && !bad; i++) element(elem, depth);
      break;
    }
    case T_MAP: {
      const n = uvar();
      if (n == 0) return;
      const kv = byte();
      if (n > <u64>(iend - ip)) {
        bad = true;
        return;
      }
      for (let i: u64 = 0; i < n && !bad; i++) {
        element(kv >> 4, depth);
        element(kv & 15, depth);
      }
      break;
    }
    case T_STRUCT:
      for (let id = nextField(0); id >= 0; id = nextField(id)) skip(fType, depth + 1);
      return;
    default:
      bad = true;
      return;
  }
  if (ip > iend) bad = true;
}

/** A list, set or map element: booleans take a byte there (in a struct their value is the field type). */
function element(type: u32, depth: i32): void {
  if (type == T_TRUE || type == T_FALSE) {
    ip += 1;
    if (ip > iend) bad = true;
  } else {
    skip(type, depth + 1);
  }
}

// The page header being read: parquet-format PageHeader, only what a required DATA_PAGE_V2 needs.
let hType: i32 = 0;
let hUncompressed: i32 = 0;
let hCompressed: i32 = 0;
let hValues: i32 = 0;
let hNulls: i32 = 0;
let hRows: i32 = 0;
let hEncoding: i32 = 0;
let hLevelBytes: i32 = 0;
let hIsCompressed: bool = true;

function i32Field(): i32 {
  return <i32>zigzag(uvar());
}

// Type of the field nextField just read.
let fType: u32 = 0;

/**
 * The next field header of the struct being read: its id (ids are deltas from `prev`, or given in full), or -1 at
 * the struct's end or on a read past the input; its type in fType.
 */
function nextField(prev: i32): i32 {
  const h = byte();
  fType = h & 15;
  if (fType == 0 || bad) return -1;
  return h >> 4 ? prev + <i32>(h >> 4) : i32Field();
}

function pageHeaderV2(): void {
  for (let id = nextField(0); id >= 0; id = nextField(id)) {
    const t = fType;
    if (id == 1 && t == T_I32) hValues = i32Field();
    else if (id == 2 && t == T_I32) hNulls = i32Field();
    else if (id == 3 && t == T_I32) hRows = i32Field();
    else if (id == 4 && t == T_I32) hEncoding = i32Field();
    else if ((id == 5 || id == 6) && t == T_I32) hLevelBytes |= i32Field();
    else if (id == 7 && (t == T_TRUE || t == T_FALSE)) hIsCompressed = t == T_TRUE;
    else skip(t, 1);
  }
}

function pageHeader(): void {
  hType = -1;
  hUncompressed = -1;
  hCompressed = -1;
  hValues = -1;
  hNulls = -1;
  hRows = -1;
  hEncoding = -1;
  hLevelBytes = 0;
  hIsCompressed = true;
  for (let id = nextField(0); id >= 0; id = nextField(id)) {
    const t = fType;
    if (id == 1 && t == T_I32) hType = i32Field();
    else if (id == 2 && t == T_I32) hUncompressed = i32Field();
    else if (id == 3 && t == T_I32) hCompressed = i32Field();
    else if (id == 8 && t == T_STRUCT) pageHeaderV2();
    else skip(t, 0);
  }
}

/** Raw snappy of [src, src + len) into [dst, dst + n): true when it decodes to exactly n bytes. */
function snappy(src: usize, len: usize, dst: usize, n: usize): bool {
  ip = src;
  iend = src + len;
  if (uvar() != <u64>n || bad) return false;
  let op: usize = 0;
  let p = ip;
  const end = iend;
  while (p < end) {
    const tag = <u32>load<u8>(p++);
    if ((tag & 3) == 0) {
      let l = <usize>(tag >> 2) + 1;
      if (l > 60) {
        const bytes = l - 60;
        if (p + bytes > end) return false;
        l = 0;
        for (let k: usize = 0; k < bytes; k++) l |= <usize>load<u8>(p + k) << (k << 3);
        l += 1;
        p += bytes;
      }
      if (l > end - p || l > n - op) return false;
      // short literals (most of them) as two 8-byte moves: memory.copy on shared memory is a runtime call; the
      // over-read stays within the input's slack and the over-write within the scratch's
      if (l <= 16) {
        store<u64>(dst + op, load<u64>(p));
        store<u64>(dst + op, load<u64>(p, 8), 8);
      } else memory.copy(dst + op, p, l);
      p += l;
      op += l;
    } else {
      let l: usize;
      let offset: usize;
      if ((tag & 3) == 1) {
        if (p >= end) return false;
        l = <usize>((tag >> 2) & 7) + 4;
        offset = (<usize>(tag >> 5) << 8) | <usize>load<u8>(p);
        p += 1;
      } else if ((tag & 3) == 2) {
        if (p + 2 > end) return false;
        l = <usize>(tag >> 2) + 1;
        offset = <usize>load<u16>(p);
        p += 2;
      } else {
        if (p + 4 > end) return false;
        l = <usize>(tag >> 2) + 1;
        offset = <usize>load<u32>(p);
        p += 4;
      }
      if (offset == 0 || offset > op || l > n - op) return false;
      const from = dst + op - offset;
      const to = dst + op;
      // an overlapping copy repeats the last `offset` bytes: 8 at a time is exact when offset ≥ 8 (each word
      // read was written before), byte by byte otherwise; it may write up to 7 bytes past the end (scratch slack)
      if (offset >= 8) {
        if (l > 64 && offset >= l) memory.copy(to, from, l);
        else for (let k: usize = 0; k < l; k += 8) store<u64>(to + k, load<u64>(from + k));
      } else for (let k: usize = 0; k < l; k++) store<u8>(to + k, load<u8>(from + k));
      op += l;
    }
  }
  return op == n;
}

// One miniblock: n values, each the previous plus minDelta plus a w-bit delta read from bit 0 at p, stored as T at
// dst, dst + 64, …; returns the last value. T's store truncates: INT32 columns decode in 64-bit arithmetic, whose
// low 32 bits are the INT32 arithmetic's.
// @ts-ignore: decorator
@inline function miniblock<T>(p: usize, w: u32, n: i32, minDelta: i64, v: i64, dst: usize): i64 {
  if (w == 0) {
    for (let k = 0; k < n; k++) {
      v += minDelta;
      store<T>(dst, <T>v);
      dst += STRIDE;
    }
  } else if (w <= 56) {
    const mask: u64 = (<u64>1 << w) - 1;
    let bit: usize = 0;
    for (let k = 0; k < n; k++) {
      const x = (load<u64>(p + (bit >> 3)) >> (<u64>(bit & 7))) & mask;
      v += minDelta + <i64>x;
      store<T>(dst, <T>v);
      dst += STRIDE;
      bit += w;
    }
  } else {
    const mask: u64 = w == 64 ? u64.MAX_VALUE : (<u64>1 << w) - 1;
    let bit: usize = 0;
    for (let k = 0; k < n; k++) {
      const q = p + (bit >> 3);
      const s = <u64>(bit & 7);
      let x = load<u64>(q) >> s;
      if (s != 0) x |= load<u64>(q, 8) << (64 - s);
      v += minDelta + <i64>(x & mask);
      store<T>(dst, <T>v);
      dst += STRIDE;
      bit += w;
    }
  }
  return v;
}

/** A DELTA_BINARY_PACKED stream in [src, end) of exactly `count` values into records from dst; PQ_OK or an error. */
function delta<T>(src: usize, end: usize, count: i32, maxWidth: u32, dst: usize): i32 {
  ip = src;
  iend = end;
  const blockSize = uvar();
  const minis = uvar();
  const total = uvar();
  if (bad || total != <u64>count) return PQ_BAD_DELTA;
  if (!(blockSize > 0 && blockSize <= 1 << 20 && blockSize % 128 == 0 && minis > 0 && minis <= blockSize && (blockSize / minis) % 32 == 0)) return PQ_BAD_DELTA;
  const per = <i32>(blockSize / minis);
  let v = zigzag(uvar());
  if (bad) return PQ_BAD_DELTA;
  store<T>(dst, <T>v);
  dst += STRIDE;
  let i = 1;
  while (i < count) {
    const minDelta = zigzag(uvar());
    if (bad) return PQ_BAD_DELTA;
    const widths = ip;
    let p = ip + <usize>minis;
    if (p > end) return PQ_BAD_DELTA;
    for (let m: usize = 0; m < <usize>minis && i < count; m++) {
      const w = <u32>load<u8>(widths + m);
      if (w > maxWidth) return PQ_BAD_DELTA;
      const n = per < count - i ? per : count - i;
      // the last miniblock should be padded to full size, but only the bits in use are needed
      if (p + ((<usize>n * w + 7) >> 3) > end) return PQ_BAD_DELTA;
      v = miniblock<T>(p, w, n, minDelta, v, dst);
      dst += <usize>n * STRIDE;
      p += (<usize>per * w) >> 3;
      i += n;
    }
    ip = p;
  }
  return PQ_OK;
}

function deltaAs(width: i32, src: usize, end: usize, count: i32, maxWidth: u32, dst: usize): i32 {
  if (width == 8) return delta<i64>(src, end, count, maxWidth, dst);
  if (width == 4) return delta<i32>(src, end, count, maxWidth, dst);
  if (width == 2) return delta<u16>(src, end, count, maxWidth, dst);
  return delta<u8>(src, end, count, maxWidth, dst);
}

/**
 * Decodes the column chunk [chunk, chunk + len) of `rows` values into the field at byte `field` (width 1, 2, 4 or 8)
 * of `rows` consecutive 64-byte records from `records`. `is64`: INT64 column (else INT32); `compressed`: the chunk's
 * codec is SNAPPY. Pages are decompressed into [scratch, scratch + scratchCap). Returns PQ_OK or a PQ_* error; on an
 * error the records' field holds garbage.
 */
export function pqDecodeChunk(
  chunk: usize, len: i32, rows: i32, is64: bool, compressed: bool,
  records: usize, field: i32, width: i32, scratch: usize, scratchCap: i32,
): i32 {
  let p = chunk;
  const end = chunk + <usize>len;
  let done = 0;
  const maxWidth: u32 = is64 ? 64 : 32;
  while (done < rows) {
    ip = p;
    iend = end;
    bad = false;
    pageHeader();
    if (bad) return PQ_BAD_HEADER;
    p = ip;
    if (hType != PAGE_DATA_V2 || hEncoding != ENC_DELTA_BINARY_PACKED) return PQ_BAD_HEADER;
    if (hNulls != 0 || hLevelBytes != 0 || hValues < 1 || hRows != hValues) return PQ_BAD_HEADER;
    if (hValues > rows - done) return PQ_BAD_COUNT;
    if (hCompressed < 0 || <usize>hCompressed > end - p || hUncompressed < 0) return PQ_BAD_SIZES;
    const dst = records + <usize>done * STRIDE + <usize>field;
    let rc: i32;
    if (compressed && hIsCompressed) {
      if (hUncompressed > scratchCap) return PQ_BAD_SIZES;
      if (!snappy(p, <usize>hCompressed, scratch, <usize>hUncompressed)) return PQ_BAD_SNAPPY;
      rc = deltaAs(width, scratch, scratch + <usize>hUncompressed, hValues, maxWidth, dst);
    } else {
      if (hCompressed != hUncompressed) return PQ_BAD_SIZES;
      rc = deltaAs(width, p, p + <usize>hCompressed, hValues, maxWidth, dst);
    }
    if (rc != PQ_OK) return rc;
    p += <usize>hCompressed;
    done += hValues;
  }
  return PQ_OK;
}

/** Writes `inst` into the instrument field of `rows` records from `records`. */
export function pqSetInstrument(records: usize, rows: i32, inst: u32): void {
  for (let i = 0; i < rows; i++) store<u32>(records + (<usize>i << 6), inst, 4);
}
