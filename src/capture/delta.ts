// DELTA_BINARY_PACKED (Parquet) for INT32 and INT64 values without a single BigInt: INT64 values are read as
// (lo, hi) int32 halves of a little-endian BigInt64Array, and all 64-bit arithmetic (deltas wrapping in two's
// complement, the block's minimum delta, the adjusted deltas and their bit widths) runs on those halves. A block
// whose deltas all fit 32 bits (the usual case: timestamps, prices, sizes, sequence numbers) takes a 32-bit path.
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

// Per-block scratch: deltas, then adjusted deltas, as (lo, hi) halves.
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
 * Bit-packs the 32-bit values dlo[from, from + n) at width w (1–32), little-endian, padded to 32 values: exactly
 * w × 4 bytes.
 */
function pack32(out: Uint8Array, pos: number, from: number, n: number, w: number): number {
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < MINI; i++) {
    const v = i < n ? dlo[from + i] : 0;
    acc |= v << bits;
    bits += w;
    if (bits >= 32) {
      out[pos] = acc;
      out[pos + 1] = acc >>> 8;
      out[pos + 2] = acc >>> 16;
      out[pos + 3] = acc >>> 24;
      pos += 4;
      bits -= 32;
      acc = bits ? v >>> (w - bits) : 0;
    }
  }
  return pos;
}

/**
 * Bit-packs the 64-bit values (dlo, dhi)[from, from + n) at width w (33–64): per value its low 32 bits, then its
 * high w − 32 bits, which is the little-endian bit order of the whole value. Exactly w × 4 bytes.
 */
function pack64(out: Uint8Array, pos: number, from: number, n: number, w: number): number {
  const wh = w - 32;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < MINI; i++) {
    const lo = i < n ? dlo[from + i] : 0;
    const hi = i < n ? dhi[from + i] : 0;
    // the low half: 32 bits always complete a word
    acc |= lo << bits;
    out[pos] = acc;
    out[pos + 1] = acc >>> 8;
    out[pos + 2] = acc >>> 16;
    out[pos + 3] = acc >>> 24;
    pos += 4;
    acc = bits ? lo >>> (32 - bits) : 0;
    // the high half: wh bits
    acc |= hi << bits;
    bits += wh;
    if (bits >= 32) {
      out[pos] = acc;
      out[pos + 1] = acc >>> 8;
      out[pos + 2] = acc >>> 16;
      out[pos + 3] = acc >>> 24;
      pos += 4;
      bits -= 32;
      acc = bits ? hi >>> (wh - bits) : 0;
    }
  }
  return pos;
}

/**
 * Writes a block's min delta, bit widths and miniblocks from the adjusted 32-bit deltas in dlo[0, n) (n ≤ 128),
 * the min delta given as an int32.
 */
function block32(out: Uint8Array, pos: number, n: number, wrapMin: number, min64: boolean): number {
  pos = min64 ? putZigZag64(out, pos, wrapMin, wrapMin >> 31) : putZigZag32(out, pos, wrapMin);
  const widthsAt = pos;
  pos += MINIBLOCKS;
  for (let m = 0; m < MINIBLOCKS; m++) {
    const from = m * MINI;
    if (from >= n) {
      out[widthsAt + m] = 0;
      continue;
    }
    const to = Math.min(from + MINI, n);
    let or = 0;
    for (let i = from; i < to; i++) or |= dlo[i];
    const w = width32(or);
    out[widthsAt + m] = w;
    if (w) pos = pack32(out, pos, from, to - from, w);
  }
  return pos;
}

/**
 * Encodes INT32 values v[from, to) (to > from) as one DELTA_BINARY_PACKED stream, deltas wrapping at 32 bits.
 * The blocks go to out from `at + HEADER_ROOM`, the header right before them; returns [start, end) of the stream.
 * With `maxBytes`, encoding stops after the first block that reaches it: `count` tells how many values went in.
 */
export function deltaInt32(v: Int32Array, from: number, to: number, out: Uint8Array, at: number, maxBytes = Infinity): { start: number; end: number; count: number } {
  let pos = at + HEADER_ROOM;
  let i = from + 1;
  while (i < to && pos - at < maxBytes) {
    const n = Math.min(BLOCK, to - i);
    let prev = v[i - 1];
    let min = 0x7fffffff;
    for (let j = 0; j < n; j++) {
      const x = v[i + j];
      const d = (x - prev) | 0;
      dlo[j] = d;
      if (d < min) min = d;
      prev = x;
    }
    for (let j = 0; j < n; j++) dlo[j] = (dlo[j] - min) | 0; // in [0, 2^32) as uint32
    pos = block32(out, pos, n, min, false);
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
export function deltaInt64(h: Int32Array, from: number, to: number, out: Uint8Array, at: number, maxBytes = Infinity): { start: number; end: number; count: number } {
  let pos = at + HEADER_ROOM;
  let i = from + 1;
  while (i < to && pos - at < maxBytes) {
    const n = Math.min(BLOCK, to - i);
    let plo = h[2 * i - 2];
    let phi = h[2 * i - 1];
    let fits = true;
    for (let j = 0, q = 2 * i; j < n; j++, q += 2) {
      const lo = h[q];
      const hi = h[q + 1];
      const d = (lo - plo) | 0;
      const e = (hi - phi - ((lo >>> 0) < (plo >>> 0) ? 1 : 0)) | 0;
      dlo[j] = d;
      dhi[j] = e;
      if (e !== d >> 31) fits = false;
      plo = lo;
      phi = hi;
    }
    if (fits) {
      // every delta is an int32: so is the minimum, and delta − min is in [0, 2^32)
      let min = 0x7fffffff;
      for (let j = 0; j < n; j++) if (dlo[j] < min) min = dlo[j];
      for (let j = 0; j < n; j++) dlo[j] = (dlo[j] - min) | 0;
      pos = block32(out, pos, n, min, true);
    } else {
      pos = block64(out, pos, n);
    }
    i += n;
  }
  const count = i - from;
  const hl = header(count, true, h[2 * from], h[2 * from + 1]);
  const start = at + HEADER_ROOM - hl;
  out.set(hdr.subarray(0, hl), start);
  return { start, end: pos, count };
}

/** A block with some delta beyond 32 bits: 64-bit signed minimum, 64-bit adjusted deltas, widths up to 64. */
function block64(out: Uint8Array, pos: number, n: number): number {
  let mlo = dlo[0];
  let mhi = dhi[0];
  for (let j = 1; j < n; j++) {
    const hi = dhi[j];
    if (hi < mhi || (hi === mhi && (dlo[j] >>> 0) < (mlo >>> 0))) {
      mhi = hi;
      mlo = dlo[j];
    }
  }
  for (let j = 0; j < n; j++) {
    const lo = dlo[j];
    dlo[j] = (lo - mlo) | 0;
    dhi[j] = (dhi[j] - mhi - ((lo >>> 0) < (mlo >>> 0) ? 1 : 0)) | 0;
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
    if (w > 32) pos = pack64(out, pos, from, to - from, w);
    else if (w) pos = pack32(out, pos, from, to - from, w);
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
