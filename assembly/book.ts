// WHEN TO USE: the L2 book of one instrument, on integer ticks and lots, for feeds that send absolute level sizes
// (Bitget `books`: size 0 deletes). Sorted arrays, best level last, so the frequent changes near the touch move
// few bytes and the i-th best level is one load away. Not an order-by-order (L3) book.
//
// Both sides keep `key` ascending with the best level at the end: key = price for bids, -price for asks.
// Each level is 24 bytes: key i64, qty i64, wire decimals u32 (price | size << 8), pad.
// Layout at `book` (allocated by bookNew):
//   +0 capacity per side  +4 bid count  +8 ask count  +12 full flag
//   +16 bids ptr  +24 asks ptr  +32 priceStep i64  +40 sizeStep i64  +48 priceScale i32  +52 sizeScale i32
//   +56 band bound (bid key, ask key) i64 ×2  +72 band sum (bid, ask) i64 ×2
//   +96 scratch (33 bytes, for number formatting)
// The band sums make band OBI O(levels crossing the band edge) per message instead of O(levels in the band):
// every set adjusts the sum of its side when its key is ≥ the side's bound, and bookBandSum moves the bound.

import { crcByte } from "./crc32";
import { formatScaled } from "./decimal";
import { move8 } from "./move";

export const SIDE_BID: i32 = 1;
export const SIDE_ASK: i32 = 2;
/** Returned for the price of an absent level (hftbacktest-style sentinels). */
export const NO_BID: i64 = i64.MIN_VALUE;
export const NO_ASK: i64 = i64.MAX_VALUE;

const LEVEL: usize = 24;
/** Levels from the touch that bookSet scans linearly before bisecting. */
const NEAR: i32 = 16;
const B_CAP: usize = 0;
const B_BIDS: usize = 4;
const B_ASKS: usize = 8;
const B_FULL: usize = 12;
const B_BID_PTR: usize = 16;
const B_ASK_PTR: usize = 24;
const B_PRICE_STEP: usize = 32;
const B_SIZE_STEP: usize = 40;
const B_PRICE_SCALE: usize = 48;
const B_SIZE_SCALE: usize = 52;
const B_BAND_BOUND: usize = 56; // + 8·(side-1)
const B_BAND_SUM: usize = 72;   // + 8·(side-1)
const B_SCRATCH: usize = 96;
const B_HEADER: usize = 192;

/** Start-up only: allocates a book for `capacity` levels per side. Steps are in scaled units (DESIGN §5). */
export function bookNew(capacity: i32, priceScale: i32, priceStep: i64, sizeScale: i32, sizeStep: i64): usize {
  const bytes = B_HEADER + 2 * <usize>capacity * LEVEL;
  const book = (heap.alloc(bytes + 64) + 63) & ~<usize>63;
  memory.fill(book, 0, B_HEADER);
  bookClear(book);
  store<i32>(book + B_CAP, capacity);
  store<usize>(book + B_BID_PTR, book + B_HEADER);
  store<usize>(book + B_ASK_PTR, book + B_HEADER + <usize>capacity * LEVEL);
  store<i64>(book + B_PRICE_STEP, priceStep);
  store<i64>(book + B_SIZE_STEP, sizeStep);
  store<i32>(book + B_PRICE_SCALE, priceScale);
  store<i32>(book + B_SIZE_SCALE, sizeScale);
  return book;
}

export function bookClear(book: usize): void {
  store<i32>(book + B_BIDS, 0);
  store<i32>(book + B_ASKS, 0);
  store<i32>(book + B_FULL, 0);
  store<i64>(book + B_BAND_BOUND, i64.MAX_VALUE); // nothing counted until the first bookBandSum
  store<i64>(book + B_BAND_BOUND + 8, i64.MAX_VALUE);
  store<i64>(book + B_BAND_SUM, 0);
  store<i64>(book + B_BAND_SUM + 8, 0);
}

// @ts-ignore: decorator
@inline function sideArray(book: usize, side: i32): usize {
  return load<usize>(book + (side == SIDE_BID ? B_BID_PTR : B_ASK_PTR));
}
// @ts-ignore: decorator
@inline function countAddr(book: usize, side: i32): usize {
  return book + (side == SIDE_BID ? B_BIDS : B_ASKS);
}

/** Levels on a side. */
// @ts-ignore: decorator
@inline export function bookDepth(book: usize, side: i32): i32 {
  return load<i32>(countAddr(book, side));
}

/** True once an insert was refused for lack of capacity; the book is then incomplete until cleared. */
export function bookIsFull(book: usize): bool {
  return load<i32>(book + B_FULL) != 0;
}

/**
 * Sets the absolute size of a level; qty 0 deletes it (an absent level is a no-op). Returns false only when an
 * insert does not fit, which also marks the book as full.
 */
export function bookSet(book: usize, side: i32, price: i64, qty: i64, wireDecimals: u32): bool {
  const arr = sideArray(book, side);
  const cAddr = countAddr(book, side);
  const count = load<i32>(cAddr);
  const key = side == SIDE_BID ? price : -price;
  // Most changes are a few levels from the touch, which is the end of the array: walk down from there (branches
  // a CPU predicts) and bisect only what lies deeper (a bisection's branches are coin flips).
  let lo = count;
  const stop = count > NEAR ? count - NEAR : 0;
  while (lo > stop && load<i64>(arr + <usize>(lo - 1) * LEVEL) >= key) lo--;
  if (lo == stop && stop > 0) {
    let hi = lo;
    lo = 0;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (load<i64>(arr + <usize>mid * LEVEL) < key) lo = mid + 1; else hi = mid;
    }
  }
  const at = arr + <usize>lo * LEVEL;
  const found = lo < count && load<i64>(at) == key;
  const old: i64 = found ? load<i64>(at, 8) : 0;
  if (qty == 0) {
    if (found) {
      move8(at, at + LEVEL, <usize>(count - lo - 1) * LEVEL);
      store<i32>(cAddr, count - 1);
      bandAdjust(book, side, key, -old);
    }
    return true;
  }
  if (!found) {
    if (count >= load<i32>(book + B_CAP)) {
      store<i32>(book + B_FULL, 1);
      return false;
    }
    move8(at + LEVEL, at, <usize>(count - lo) * LEVEL);
    store<i64>(at, key);
    store<i32>(cAddr, count + 1);
  }
  store<i64>(at, qty, 8);
  store<u32>(at, wireDecimals, 16);
  bandAdjust(book, side, key, qty - old);
  return true;
}

// @ts-ignore: decorator
@inline function bandAdjust(book: usize, side: i32, key: i64, delta: i64): void {
  const off = <usize>(side - 1) << 3;
  if (key >= load<i64>(book + B_BAND_BOUND + off)) {
    store<i64>(book + B_BAND_SUM + off, load<i64>(book + B_BAND_SUM + off) + delta);
  }
}

// Sum of sizes of the levels with from ≤ key < to on one side's array.
function sumKeys(arr: usize, count: i32, from: i64, to: i64): i64 {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (load<i64>(arr + <usize>mid * LEVEL) < from) lo = mid + 1; else hi = mid;
  }
  let sum: i64 = 0;
  for (let k = lo; k < count; k++) {
    const at = arr + <usize>k * LEVEL;
    if (load<i64>(at) >= to) break;
    sum += load<i64>(at, 8);
  }
  return sum;
}

/**
 * Depth within the band: for bids the sum over price ≥ `edge`, for asks over price ≤ `edge`. Moves the side's
 * cached bound to `edge`, visiting only the levels between the old and the new edge.
 */
export function bookBandSum(book: usize, side: i32, edge: i64): i64 {
  const off = <usize>(side - 1) << 3;
  const bound = side == SIDE_BID ? edge : -edge;
  const old = load<i64>(book + B_BAND_BOUND + off);
  if (bound != old) {
    const arr = sideArray(book, side);
    const count = bookDepth(book, side);
    let sum = load<i64>(book + B_BAND_SUM + off);
    if (bound < old) sum += sumKeys(arr, count, bound, old);
    else sum -= sumKeys(arr, count, old, bound);
    store<i64>(book + B_BAND_SUM + off, sum);
    store<i64>(book + B_BAND_BOUND + off, bound);
  }
  return load<i64>(book + B_BAND_SUM + off);
}

// @ts-ignore: decorator
@inline function levelAddr(book: usize, side: i32, i: i32): usize {
  return sideArray(book, side) + <usize>(bookDepth(book, side) - 1 - i) * LEVEL;
}

/** Price of the i-th best level (0 = best), or NO_BID / NO_ASK when the side has fewer levels. */
export function bookPrice(book: usize, side: i32, i: i32): i64 {
  if (<u32>i >= <u32>bookDepth(book, side)) return side == SIDE_BID ? NO_BID : NO_ASK;
  const key = load<i64>(levelAddr(book, side, i));
  return side == SIDE_BID ? key : -key;
}

/** Size of the i-th best level, 0 when absent. */
export function bookQty(book: usize, side: i32, i: i32): i64 {
  if (<u32>i >= <u32>bookDepth(book, side)) return 0;
  return load<i64>(levelAddr(book, side, i), 8);
}

/** Wire decimals of the i-th best level: price decimals | size decimals << 8. */
export function bookWireDecimals(book: usize, side: i32, i: i32): u32 {
  if (<u32>i >= <u32>bookDepth(book, side)) return 0;
  return load<u32>(levelAddr(book, side, i), 16);
}

// The same reads as f64 for JavaScript callers: an i64 reaching JavaScript becomes a BigInt (an allocation, and
// another to turn it back into a number), while prices in ticks and sizes in lots are far below 2^53.

/** bookPrice as f64; NaN when the side has fewer levels. */
export function bookPriceF64(book: usize, side: i32, i: i32): f64 {
  return <u32>i < <u32>bookDepth(book, side) ? <f64>bookPrice(book, side, i) : NaN;
}

/** bookQty as f64. */
export function bookQtyF64(book: usize, side: i32, i: i32): f64 {
  return <f64>bookQty(book, side, i);
}

/** Size of the level at `price` on `side` (0 when there is none), as f64. */
export function bookLevelQtyF64(book: usize, side: i32, price: f64): f64 {
  return <f64>bookBandDepth(book, side, <i64>price, <i64>price);
}

export function bookBestBid(book: usize): i64 {
  return bookPrice(book, SIDE_BID, 0);
}
export function bookBestAsk(book: usize): i64 {
  return bookPrice(book, SIDE_ASK, 0);
}

/** Both sides present and best bid ≥ best ask (locked or crossed). */
export function bookIsCrossed(book: usize): bool {
  return bookDepth(book, SIDE_BID) > 0 && bookDepth(book, SIDE_ASK) > 0 && bookBestBid(book) >= bookBestAsk(book);
}

/** Sum of sizes on `side` over levels with low ≤ price ≤ high. Walks from the touch outwards and stops early. */
export function bookBandDepth(book: usize, side: i32, low: i64, high: i64): i64 {
  const n = bookDepth(book, side);
  const arr = sideArray(book, side);
  let sum: i64 = 0;
  for (let k = n - 1; k >= 0; k--) {
    const key = load<i64>(arr + <usize>k * LEVEL);
    const price = side == SIDE_BID ? key : -key;
    if (side == SIDE_BID ? price < low : price > high) break;
    if (price >= low && price <= high) sum += load<i64>(arr + <usize>k * LEVEL, 8);
  }
  return sum;
}

// ---- checksum and printing --------------------------------------------------------------------------------

// Per-call state of the check-string walk (wasm globals are private to each instance).
let crc: u32 = 0;
let textLen: usize = 0;

// Feeds `len` bytes at `p` to the CRC and, when out != 0, appends them to the text at out.
// @ts-ignore: decorator
@inline function emit(p: usize, len: usize, out: usize): void {
  let c = crc;
  for (let k: usize = 0; k < len; k++) c = crcByte(c, load<u8>(p + k));
  crc = c;
  if (out != 0) memory.copy(out + textLen, p, len);
  textLen += len;
}

// @ts-ignore: decorator
@inline function emitNumber(book: usize, scaled: i64, scale: i32, dec: i32, out: usize): void {
  const end = book + B_SCRATCH + 32;
  const p = formatScaled(scaled, scale, dec, book + B_SCRATCH);
  emit(p, end - p, out);
}

// The top-n check string of reference/bitget-v2.md §2: per level i, bid price:size then ask price:size, ':'-joined.
function checkString(book: usize, n: i32, out: usize): void {
  const pStep = load<i64>(book + B_PRICE_STEP);
  const sStep = load<i64>(book + B_SIZE_STEP);
  const pScale = load<i32>(book + B_PRICE_SCALE);
  const sScale = load<i32>(book + B_SIZE_SCALE);
  const colon = book + B_SCRATCH + 32;
  store<u8>(colon, 0x3a);
  crc = 0xffffffff;
  textLen = 0;
  for (let i = 0; i < n; i++) {
    for (let side = SIDE_BID; side <= SIDE_ASK; side++) {
      if (i >= bookDepth(book, side)) continue;
      const at = levelAddr(book, side, i);
      const key = load<i64>(at);
      const dec = load<u32>(at, 16);
      if (textLen != 0) emit(colon, 1, out);
      emitNumber(book, (side == SIDE_BID ? key : -key) * pStep, pScale, <i32>(dec & 0xff), out);
      emit(colon, 1, out);
      emitNumber(book, load<i64>(at, 8) * sStep, sScale, <i32>((dec >> 8) & 0xff), out);
    }
  }
}

/** Bitget's CRC-32 of the top-n check string, as a signed int32 (compare with `data[0].checksum`). */
export function bookChecksum(book: usize, n: i32): i32 {
  checkString(book, n, 0);
  return <i32>(crc ^ 0xffffffff);
}

/** Writes the top-n check string (the wire strings, exactly) to `out`; returns its length in bytes. */
export function bookFormatTop(book: usize, n: i32, out: usize): i32 {
  checkString(book, n, out);
  return <i32>textLen;
}
