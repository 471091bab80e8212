// DELTA_BINARY_PACKED (Parquet) for INT32 and INT64 values without a single BigInt: INT64 values are read as
// (lo, hi) int32 halves of a little-endian BigInt64Array, and all 64-bit arithmetic (deltas wrapping in two's
// complement, the block's minimum delta, the adjusted deltas and their bit widths) runs on those halves. A block
// whose deltas all fit 32 bits (the usual case: timestamps, prices, sizes, sequence numbers) takes a 32-bit path.
//
// Block deltas are not stored: a first pass finds the block's minimum, per-miniblock maxima and whether all fit
// 32 bits, and the packing pass recomputes each delta from the two values (cheaper than a store and a load).
//
// Layout (parquet-format Encodings.md): header = <block size 128> <miniblocks 4> <value count> <zigzag first
// value>, all ULEB128; then per block of up to 128 deltas: <zigzag min delta> <4 bit widths, one byte each> and
// the 4 miniblocks of 32 (delta − min delta) values bit-packed little-endian, the last miniblock padded with zeros
// to 32 values, miniblocks past the last value omitted (their width byte is written as 0).

export const BLOCK = 128;
export const MINIBLOCKS = 4;
export const MINI = BLOCK / MINIBLOCKS; // 32

/** Room for the page header (2 + 1 + 5 + 10 bytes), rounded up. */
export const HEADER_ROOM = 24;

/** Upper bound of the encoded bytes for `n` values (header and worst-case 64-bit widths included). */
export function maxEncodedBytes(n: number): number {
  // per block: min delta ≤ 10, widths 4, data ≤ 4 × 32 × 8
  return HEADER_ROOM + Math.ceil(Math.max(n - 1, 0) / BLOCK) * (10 + MINIBLOCKS + BLOCK * 8);
}

// The output's DataView (packed words are written as unaligned little-endian int32s).
let dvOf: Uint8Array | null = null;
let dv: DataView = new DataView(new ArrayBuffer(0));
function viewOf(out: Uint8Array): void {
  if (dvOf !== out) {
    dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
    dvOf = out;
  }
}

// block64's scratch: a block's 64-bit deltas, then its adjusted deltas, as (lo, hi) halves.
const dlo = new Int32Array(BLOCK);
const dhi = new Int32Array(BLOCK);

/** Unsigned LEB128 of a uint32 (given as any int32 bit pattern). */
function putVar32(out: Uint8Array, pos: number, v: number): number {
  v >>>= 0;
  while (v >= 0x80) {
    out[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[pos++] = v;
  return pos;
}

/** Unsigned LEB128 of the uint64 (hi, lo). */
function putVar64(out: Uint8Array, pos: number, lo: number, hi: number): number {
  lo >>>= 0;
  hi >>>= 0;
  while (hi !== 0 || lo >= 0x80) {
    out[pos++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  out[pos++] = lo;
  return pos;
}

/** Zigzag ULEB128 of the int64 (hi, lo). */
function putZigZag64(out: Uint8Array, pos: number, lo: number, hi: number): number {
  const sign = hi >> 31;
  return putVar64(out, pos, (lo << 1) ^ sign, ((hi << 1) | (lo >>> 31)) ^ sign);
}

/** Zigzag ULEB128 of an int32. */
function putZigZag32(out: Uint8Array, pos: number, v: number): number {
  return putVar32(out, pos, (v << 1) ^ (v >> 31));
}

/** Bit width of a uint32 given as an int32 bit pattern (0 for 0). */
function width32(v: number): number {
  return 32 - Math.clz32(v);
}

/**
 * Bit-packs 32 deltas at width w (1–32), little-endian, padded with zeros to 32 values: exactly w × 4 bytes. The
 * deltas are recomputed from the values (cheaper than storing them): delta k is (v[q] − v[q − stride] − sub) mod
 * 2^32 with q = q0 + k × stride, for k < n; `stride` is 1 for INT32 values and 2 for the low halves of INT64 ones
 * (within a block that fits 32 bits, the low halves' difference is the delta).
 */
function pack32(pos: number, v: Int32Array, q0: number, stride: number, n: number, w: number, sub: number): number {
  let acc = 0;
  let bits = 0;
  if (n === MINI && w <= 12) {
    // narrow widths: word by word, taking values until the word is full, then carrying the rest of the last one
    let q = q0;
    let x = 0;
    for (let o = 0; o < w; o++) {
      while (bits < 32) {
        x = (v[q] - v[q - stride] - sub) | 0;
        q += stride;
        acc |= x << bits;
        bits += w;
      }
      dv.setInt32(pos, acc, true);
      pos += 4;
      bits -= 32;
      acc = bits ? x >>> (w - bits) : 0;
    }
    return pos;
  }
  for (let k = 0, q = q0; k < MINI; k++, q += stride) {
    const x = k < n ? (v[q] - v[q - stride] - sub) | 0 : 0;
    acc |= x << bits;
    bits += w;
    if (bits >= 32) {
      dv.setInt32(pos, acc, true);
      pos += 4;
      bits -= 32;
      acc = bits ? x >>> (w - bits) : 0;
    }
  }
  return pos;
}

/** Bit-packs dlo[from, from + n) (uint32 patterns) at width w (1–32), padded to 32 values: w × 4 bytes. */
function pack32Scratch(pos: number, from: number, n: number, w: number): number {
  let acc = 0;
  let bits = 0;
  for (let k = 0; k < MINI; k++) {
    const x = k < n ? dlo[from + k] : 0;
    acc |= x << bits;
    bits += w;
    if (bits >= 32) {
      dv.setInt32(pos, acc, true);
      pos += 4;
      bits -= 32;
      acc = bits ? x >>> (w - bits) : 0;
    }
  }
  return pos;
}

/**
 * Bit-packs the 64-bit values (dlo, dhi)[from, from + n) at width w (33–64): per value its low 32 bits, then its
 * high w − 32 bits, which is the little-endian bit order of the whole value. Exactly w × 4 bytes.
 */
function pack64(pos: number, from: number, n: number, w: number): number {
  const wh = w - 32;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < MINI; i++) {
    const lo = i < n ? dlo[from + i] : 0;
    const hi = i < n ? dhi[from + i] : 0;
    // the low half: 32 bits always complete a word
    acc |= lo << bits;
    dv.setInt32(pos, acc, true);
    pos += 4;
    acc = bits ? lo >>> (32 - bits) : 0;
    // the high half: wh bits
    acc |= hi << bits;
    bits += wh;
    if (bits >= 32) {
      dv.setInt32(pos, acc, true);
      pos += 4;
      bits -= 32;
      acc = bits ? hi >>> (wh - bits) : 0;
    }
  }
  return pos;
}

// Per-miniblock maximum delta of the current block (32-bit path).
const mbMax = new Int32Array(MINIBLOCKS);

/**
 * Writes a block of n (≤ 128) deltas that all fit an int32, the first one being v[q0] − v[q0 − stride] (see
 * pack32), whose minimum is `min` and whose per-miniblock maxima are in mbMax: the min delta (as a 32- or 64-bit
 * zigzag varint), the 4 widths, the packed miniblocks.
 */
function block32(out: Uint8Array, pos: number, v: Int32Array, q0: number, stride: number, n: number, min: number, min64: boolean): number {
  pos = min64 ? putZigZag64(out, pos, min, min >> 31) : putZigZag32(out, pos, min);
  const widthsAt = pos;
  pos += MINIBLOCKS;
  for (let m = 0; m < MINIBLOCKS; m++) {
    const from = m * MINI;
    if (from >= n) {
      out[widthsAt + m] = 0;
      continue;
    }
    const w = width32((mbMax[m] - min) | 0); // max − min < 2^32: its uint32 bit pattern
    out[widthsAt + m] = w;
    if (w) pos = pack32(pos, v, q0 + from * stride, stride, Math.min(MINI, n - from), w, min);
  }
  return pos;
}

/**
 * Encodes INT32 values v[from, to) (to > from) as one DELTA_BINARY_PACKED stream, deltas wrapping at 32 bits.
 * The blocks go to out from `at + HEADER_ROOM`, the header right before them; returns [start, end) of the stream.
 * `out` needs maxEncodedBytes(to − from) bytes from `at`. With `maxBytes`, no block starts once the stream (header
 * room included) has reached that size: `count` tells how many values went in (1 + a multiple of 128, or all).
 */
export function deltaInt32(
  v: Int32Array,
  from: number,
  to: number,
  out: Uint8Array,
  at: number,
  maxBytes = Infinity,
): { start: number; end: number; count: number } {
  viewOf(out);
  let pos = at + HEADER_ROOM;
  let i = from + 1;
  while (i < to && pos - at < maxBytes) {
    const n = Math.min(BLOCK, to - i);
    let prev = v[i - 1];
    let min = 0x7fffffff;
    for (let m = 0, j = i, end = i + n; j < end; m++) {
      let max = -0x80000000;
      for (const e = Math.min(j + MINI, end); j < e; j++) {
        const x = v[j];
        const d = (x - prev) | 0;
        if (d < min) min = d;
        if (d > max) max = d;
        prev = x;
      }
      mbMax[m] = max;
    }
    pos = block32(out, pos, v, i, 1, n, min, false);
    i += n;
  }
  const count = i - from;
  const h = header(count, false, v[from], 0);
  const start = at + HEADER_ROOM - h;
  out.set(hdr.subarray(0, h), start);
  return { start, end: pos, count };
}

/**
 * Encodes INT64 values, given as (lo, hi) halves: value k is (h[2k], h[2k + 1]), for k in [from, to), to > from.
 * Deltas wrap at 64 bits. Same output conventions as deltaInt32.
 */
export function deltaInt64(
  h: Int32Array,
  from: number,
  to: number,
  out: Uint8Array,
  at: number,
  maxBytes = Infinity,
): { start: number; end: number; count: number } {
  viewOf(out);
  let pos = at + HEADER_ROOM;
  let i = from + 1;
  while (i < to && pos - at < maxBytes) {
    const n = Math.min(BLOCK, to - i);
    let plo = h[2 * i - 2];
    let phi = h[2 * i - 1];
    let bad = 0; // non-zero when some delta needs more than 32 bits
    let min = 0x7fffffff;
    for (let m = 0, q = 2 * i, end = 2 * (i + n); q < end; m++) {
      let max = -0x80000000;
      for (const e = Math.min(q + 2 * MINI, end); q < e; q += 2) {
        const lo = h[q];
        const hi = h[q + 1];
        const d = (lo - plo) | 0;
        // high half of the 64-bit delta: hi − phi − borrow (unsigned lo < plo, compared as int32 with the sign flipped)
        bad |= ((hi - phi - ((lo ^ 0x80000000) < (plo ^ 0x80000000) ? 1 : 0)) | 0) ^ (d >> 31);
        if (d < min) min = d;
        if (d > max) max = d;
        plo = lo;
        phi = hi;
      }
      mbMax[m] = max;
    }
    pos = bad === 0 ? block32(out, pos, h, 2 * i, 2, n, min, true) : block64(out, pos, h, i, n);
    i += n;
  }
  const count = i - from;
  const hl = header(count, true, h[2 * from], h[2 * from + 1]);
  const start = at + HEADER_ROOM - hl;
  out.set(hdr.subarray(0, hl), start);
  return { start, end: pos, count };
}

/**
 * A block with some delta beyond 32 bits (deltas of values i .. i + n − 1 from their predecessors): 64-bit signed
 * minimum, 64-bit adjusted deltas, widths up to 64.
 */
function block64(out: Uint8Array, pos: number, h: Int32Array, i: number, n: number): number {
  for (let j = 0, q = 2 * i; j < n; j++, q += 2) {
    const lo = h[q];
    const plo = h[q - 2];
    dlo[j] = (lo - plo) | 0;
    dhi[j] = (h[q + 1] - h[q - 1] - (lo >>> 0 < plo >>> 0 ? 1 : 0)) | 0;
  }
  let mlo = dlo[0];
  let mhi = dhi[0];
  for (let j = 1; j < n; j++) {
    const hi = dhi[j];
    if (hi < mhi || (hi === mhi && dlo[j] >>> 0 < mlo >>> 0)) {
      mhi = hi;
      mlo = dlo[j];
    }
  }
  for (let j = 0; j < n; j++) {
    const lo = dlo[j];
    dlo[j] = (lo - mlo) | 0;
    dhi[j] = (dhi[j] - mhi - (lo >>> 0 < mlo >>> 0 ? 1 : 0)) | 0;
  }
  pos = putZigZag64(out, pos, mlo, mhi);
  const widthsAt = pos;
  pos += MINIBLOCKS;
  for (let m = 0; m < MINIBLOCKS; m++) {
    const from = m * MINI;
    if (from >= n) {
      out[widthsAt + m] = 0;
      continue;
    }
    const to = Math.min(from + MINI, n);
    let orLo = 0;
    let orHi = 0;
    for (let i = from; i < to; i++) {
      orLo |= dlo[i];
      orHi |= dhi[i];
    }
    const w = orHi ? 32 + width32(orHi) : width32(orLo);
    out[widthsAt + m] = w;
    if (w > 32) pos = pack64(pos, from, to - from, w);
    else if (w) pos = pack32Scratch(pos, from, to - from, w);
  }
  return pos;
}

const hdr = new Uint8Array(HEADER_ROOM);

/** The stream header into `hdr`; returns its length. */
function header(count: number, i64: boolean, lo: number, hi: number): number {
  let p = putVar32(hdr, 0, BLOCK);
  p = putVar32(hdr, p, MINIBLOCKS);
  p = putVar32(hdr, p, count);
  return i64 ? putZigZag64(hdr, p, lo, hi) : putZigZag32(hdr, p, lo);
}
