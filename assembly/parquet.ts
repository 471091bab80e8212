// WHEN TO USE: reading ringbook's own recordings back at replay speed. The column chunks of a row group in the
// layout our writer produces (required INT32/INT64, DATA_PAGE_V2, DELTA_BINARY_PACKED, SNAPPY or uncompressed) are
// decoded straight into the fields of 64-byte records, a few thousand rows at a time: no column arrays, no BigInt,
// no second pass. All columns advance together so the records being filled stay in cache (one column at a time
// over a whole group streamed every record through the cache ten times and took ~1.6× as long). The
// TypeScript twin src/capture/parquet/page-decoder.ts decodes the same subset into column arrays (the browser-independent
// fallback and the reference the tests compare against); anything outside the subset returns a negative code and
// the caller reads that row group another way.
//
// Any thread's instance may call these: they touch only the buffers they are given (and module globals, which are
// per instance). The input needs 16 readable bytes past its end and the scratch 16 past its capacity: the bit
// unpacker loads whole 8-byte words.
//
// A page whose header carries a CRC-32 (our writer always writes one) is checked against it before anything of it is
// decoded: a flipped bit is PQ_BAD_CRC, never different values. The TypeScript reader then reads the group too and
// names the page (src/capture/parquet/page-decoder.ts), as it does for every refusal.

import { crc32Bytes } from "./crc32";

export const PQ_OK: i32 = 0;
export const PQ_BAD_HEADER: i32 = -1;    // page header truncated, or a page type / encoding / level layout we do not read
export const PQ_BAD_SIZES: i32 = -2;     // page sizes inconsistent, or the page does not fit the scratch
export const PQ_BAD_SNAPPY: i32 = -3;
export const PQ_BAD_DELTA: i32 = -4;
export const PQ_BAD_COUNT: i32 = -5;     // the pages hold more or fewer values than the chunk's rows
export const PQ_TOO_BIG: i32 = -6;       // the decompressed pages or their number do not fit the group's areas
export const PQ_BAD_CRC: i32 = -7;       // a page's bytes do not match the CRC-32 in its header: the file is damaged

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
let hCrc: i32 = 0;
let hHasCrc: bool = false;

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
  hHasCrc = false;
  for (let id = nextField(0); id >= 0; id = nextField(id)) {
    const t = fType;
    if (id == 1 && t == T_I32) hType = i32Field();
    else if (id == 4 && t == T_I32) {
      hCrc = i32Field();
      hHasCrc = true;
    }
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

// ---- a row group, read a tile at a time -------------------------------------------------------------------------
//
// pqGroupColumn describes each column chunk, pqGroupOpen checks every page and decompresses it into the scratch,
// then each pqGroupRead writes the next n rows of all columns. Everything a read could trip over (headers, sizes,
// bit widths, stream lengths) is checked by the open, so a read never fails and never reads past a page.

const MAX_COLS: i32 = 16;
const MAX_PAGES: i32 = 32;

// Group state: +0 columns, +4 rows not read yet, then a column block each.
const G_COLS: usize = 0;
const G_LEFT: usize = 4;
const G_HEAD: usize = 64;
// Column block: the chunk as described, then the read cursor, then the page table.
const C_CHUNK: usize = 0;
const C_LEN: usize = 4;
const C_IS64: usize = 8;
const C_SNAPPY: usize = 12;
const C_FIELD: usize = 16;
const C_WIDTH: usize = 20;
const C_PAGES: usize = 24;
const C_PAGE: usize = 28;        // next page to open
const C_PAGE_LEFT: usize = 32;   // values of the open page not read yet
const C_MINI_LEFT: usize = 36;   // values of the current miniblock not read yet
const C_MINIS_LEFT: usize = 40;  // miniblocks of the current block after the current one
const C_W: usize = 44;           // bit width of the current miniblock
const C_MP: usize = 48;          // its packed bits
const C_MK: usize = 52;          // values of it read so far
const C_WIDTHS: usize = 56;      // the current block's bit widths
const C_MIDX: usize = 60;        // the current miniblock's index in its block
const C_PER: usize = 64;         // values per miniblock
const C_MINIS: usize = 68;       // miniblocks per block
const C_END: usize = 72;         // end of the open page
const C_V: usize = 80;           // last value (i64)
const C_MIN_DELTA: usize = 88;   // the current block's min delta (i64)
const C_PAGE_TABLE: usize = 128; // {data, end, values} per page
const PAGE_ENTRY: usize = 12;
const COL_BYTES: usize = C_PAGE_TABLE + <usize>MAX_PAGES * PAGE_ENTRY;

// @ts-ignore: decorator
@inline function column(g: usize, c: i32): usize {
  return g + G_HEAD + <usize>c * COL_BYTES;
}

/** Bytes of group state to allocate for pqGroupColumn/Open/Read. */
export function pqGroupBytes(): i32 {
  return <i32>(G_HEAD + <usize>MAX_COLS * COL_BYTES);
}

/**
 * Describes column `c` of the group at `g`: its chunk's bytes [chunk, chunk + len), INT64 (`is64`) or INT32,
 * SNAPPY (`compressed`) or not, and the record field it fills (byte offset, width 1, 2, 4 or 8). False when `c` or
 * the field is out of range.
 */
export function pqGroupColumn(g: usize, c: i32, chunk: usize, len: i32, is64: bool, compressed: bool, field: i32, width: i32): bool {
  if (c < 0 || c >= MAX_COLS || len < 0 || field < 0 || !(width == 1 || width == 2 || width == 4 || width == 8) || field + width > <i32>STRIDE) return false;
  const col = column(g, c);
  store<u32>(col + C_CHUNK, <u32>chunk);
  store<i32>(col + C_LEN, len);
  store<i32>(col + C_IS64, is64 ? 1 : 0);
  store<i32>(col + C_SNAPPY, compressed ? 1 : 0);
  store<i32>(col + C_FIELD, field);
  store<i32>(col + C_WIDTH, width);
  return true;
}

/**
 * Opens a group of `rows` rows over columns 0..ncols − 1 (described by pqGroupColumn): reads every page header,
 * decompresses the pages into [scratch, scratch + scratchCap) (16 more bytes must be writable) and checks every
 * delta stream. Returns PQ_OK, after which pqGroupRead may read the rows, or a PQ_* error.
 */
export function pqGroupOpen(g: usize, ncols: i32, rows: i32, scratch: usize, scratchCap: i32): i32 {
  store<i32>(g + G_LEFT, 0);
  if (ncols < 1 || ncols > MAX_COLS || rows < 1 || scratchCap < 0) return PQ_BAD_COUNT;
  store<i32>(g + G_COLS, ncols);
  let used: usize = 0;
  for (let ci = 0; ci < ncols; ci++) {
    const col = column(g, ci);
    let p = <usize>load<u32>(col + C_CHUNK);
    const end = p + <usize>load<i32>(col + C_LEN);
    const compressed = load<i32>(col + C_SNAPPY) != 0;
    const maxWidth: u32 = load<i32>(col + C_IS64) != 0 ? 64 : 32;
    let done = 0;
    let pages = 0;
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
      if (pages == MAX_PAGES) return PQ_TOO_BIG;
      if (hHasCrc && crc32Bytes(p, <usize>hCompressed) != hCrc) return PQ_BAD_CRC;
      let data = p;
      let size = <usize>hCompressed;
      if (compressed && hIsCompressed) {
        if (<usize>hUncompressed > <usize>scratchCap - used) return PQ_TOO_BIG;
        data = scratch + used;
        size = <usize>hUncompressed;
        // snappy may write up to 15 bytes past the page: the next page's bytes (written after) or the 16 spare
        if (!snappy(p, <usize>hCompressed, data, size)) return PQ_BAD_SNAPPY;
        used += size;
      } else if (hCompressed != hUncompressed) return PQ_BAD_SIZES;
      const rc = checkDelta(data, data + size, hValues, maxWidth);
      if (rc != PQ_OK) return rc;
      const entry = col + C_PAGE_TABLE + <usize>pages * PAGE_ENTRY;
      store<u32>(entry, <u32>data);
      store<u32>(entry, <u32>(data + size), 4);
      store<i32>(entry, hValues, 8);
      pages++;
      p += <usize>hCompressed;
      done += hValues;
    }
    store<i32>(col + C_PAGES, pages);
    store<i32>(col + C_PAGE, 0);
    store<i32>(col + C_PAGE_LEFT, 0);
  }
  store<i32>(g + G_LEFT, rows);
  return PQ_OK;
}

/**
 * Writes the next `n` rows of the open group into `n` records from `records`, with instrument `inst`. Returns PQ_OK,
 * or PQ_BAD_COUNT (nothing written) when fewer than n rows are left.
 */
export function pqGroupRead(g: usize, records: usize, n: i32, inst: u32): i32 {
  const left = load<i32>(g + G_LEFT);
  if (n < 0 || n > left) return PQ_BAD_COUNT;
  store<i32>(g + G_LEFT, left - n);
  for (let i = 0; i < n; i++) store<u32>(records + (<usize>i << 6), inst, 4);
  const ncols = load<i32>(g + G_COLS);
  for (let ci = 0; ci < ncols; ci++) {
    const col = column(g, ci);
    const dst = records + <usize>load<i32>(col + C_FIELD);
    const width = load<i32>(col + C_WIDTH);
    if (width == 8) readColumn<i64>(col, dst, n);
    else if (width == 4) readColumn<i32>(col, dst, n);
    else if (width == 2) readColumn<u16>(col, dst, n);
    else readColumn<u8>(col, dst, n);
  }
  return PQ_OK;
}

/** Checks a DELTA_BINARY_PACKED stream in [src, end) of exactly `count` values: what readColumn will rely on. */
function checkDelta(src: usize, end: usize, count: i32, maxWidth: u32): i32 {
  ip = src;
  iend = end;
  const blockSize = uvar();
  const minis = uvar();
  const total = uvar();
  if (bad || total != <u64>count) return PQ_BAD_DELTA;
  if (!(blockSize > 0 && blockSize <= 1 << 20 && blockSize % 128 == 0 && minis > 0 && minis <= blockSize && (blockSize / minis) % 32 == 0)) return PQ_BAD_DELTA;
  const per = <i32>(blockSize / minis);
  uvar();
  if (bad) return PQ_BAD_DELTA;
  let i = 1;
  while (i < count) {
    uvar();
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
      p += (<usize>per * w) >> 3;
      i += n;
    }
    ip = p;
  }
  return PQ_OK;
}

// Values `from` .. from + n − 1 of one miniblock: each the previous plus minDelta plus a w-bit delta, stored as T at
// dst, dst + 64, …; returns the last value. T's store truncates: INT32 columns decode in 64-bit arithmetic, whose
// low 32 bits are the INT32 arithmetic's.
// @ts-ignore: decorator
@inline function unpack<T>(p: usize, w: u32, from: i32, n: i32, minDelta: i64, v: i64, dst: usize): i64 {
  if (w == 0) {
    for (let k = 0; k < n; k++) {
      v += minDelta;
      store<T>(dst, <T>v);
      dst += STRIDE;
    }
  } else if (w <= 56) {
    const mask: u64 = (<u64>1 << w) - 1;
    let bit = <usize>from * <usize>w;
    for (let k = 0; k < n; k++) {
      const x = (load<u64>(p + (bit >> 3)) >> (<u64>(bit & 7))) & mask;
      v += minDelta + <i64>x;
      store<T>(dst, <T>v);
      dst += STRIDE;
      bit += w;
    }
  } else {
    const mask: u64 = w == 64 ? u64.MAX_VALUE : (<u64>1 << w) - 1;
    let bit = <usize>from * <usize>w;
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

/** The next n values of column `col` (checked by pqGroupOpen) into the field at dst of n records. */
function readColumn<T>(col: usize, dst: usize, n: i32): void {
  let pageLeft = load<i32>(col + C_PAGE_LEFT);
  let miniLeft = load<i32>(col + C_MINI_LEFT);
  let minisLeft = load<i32>(col + C_MINIS_LEFT);
  let w = load<u32>(col + C_W);
  let mp = <usize>load<u32>(col + C_MP);
  let mk = load<i32>(col + C_MK);
  let widths = <usize>load<u32>(col + C_WIDTHS);
  let midx = load<i32>(col + C_MIDX);
  let per = load<i32>(col + C_PER);
  let minis = load<i32>(col + C_MINIS);
  let v = load<i64>(col + C_V);
  let minDelta = load<i64>(col + C_MIN_DELTA);
  while (n > 0) {
    if (pageLeft == 0) {
      // a page's stream: header, then the first value on its own
      const page = load<i32>(col + C_PAGE);
      store<i32>(col + C_PAGE, page + 1);
      const entry = col + C_PAGE_TABLE + <usize>page * PAGE_ENTRY;
      ip = <usize>load<u32>(entry);
      iend = <usize>load<u32>(entry, 4);
      store<u32>(col + C_END, <u32>iend);
      bad = false;
      const blockSize = <i32>uvar();
      minis = <i32>uvar();
      uvar();
      v = zigzag(uvar());
      per = blockSize / minis;
      pageLeft = load<i32>(entry, 8) - 1;
      store<T>(dst, <T>v);
      dst += STRIDE;
      n--;
      // the first block's header follows: as if a miniblock of width 0 ended there
      miniLeft = 0;
      minisLeft = 0;
      mp = ip;
      w = 0;
      continue;
    }
    if (miniLeft == 0) {
      const next = mp + ((<usize>per * <usize>w) >> 3);
      if (minisLeft == 0) {
        ip = next;
        iend = <usize>load<u32>(col + C_END);
        minDelta = zigzag(uvar());
        widths = ip;
        mp = ip + <usize>minis;
        midx = 0;
        minisLeft = minis - 1;
      } else {
        mp = next;
        midx++;
        minisLeft--;
      }
      w = <u32>load<u8>(widths + <usize>midx);
      mk = 0;
      miniLeft = per < pageLeft ? per : pageLeft;
    }
    const k = n < miniLeft ? n : miniLeft;
    v = unpack<T>(mp, w, mk, k, minDelta, v, dst);
    dst += <usize>k * STRIDE;
    n -= k;
    miniLeft -= k;
    pageLeft -= k;
    mk += k;
  }
  store<i32>(col + C_PAGE_LEFT, pageLeft);
  store<i32>(col + C_MINI_LEFT, miniLeft);
  store<i32>(col + C_MINIS_LEFT, minisLeft);
  store<u32>(col + C_W, w);
  store<u32>(col + C_MP, <u32>mp);
  store<i32>(col + C_MK, mk);
  store<u32>(col + C_WIDTHS, <u32>widths);
  store<i32>(col + C_MIDX, midx);
  store<i32>(col + C_PER, per);
  store<i32>(col + C_MINIS, minis);
  store<i64>(col + C_V, v);
  store<i64>(col + C_MIN_DELTA, minDelta);
}
