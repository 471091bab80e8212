// WHEN TO USE: the L2 book of one instrument, on integer ticks and lots, for feeds that send absolute level sizes
// (Bitget `books`: size 0 deletes). Not an order-by-order (L3) book.
//
// Each side orders its levels by key, best = largest: key = price for bids, -price for asks. A side has two parts:
//  - a window of W consecutive keys ending at `top`, direct-mapped (slot = key & (W - 1)): sizes, wire decimals and
//    an occupancy bitmap. A change near the touch, nearly every change, is a slot write: no search, no move. (The
//    sorted array alone spent ~35 ns a change on mispredicted searches and moves.)
//  - the levels below the window in a sorted array (24 bytes a level: key i64, qty i64, wire decimals u32, pad),
//    ascending, so its best level is its last.
// Every level above top - W is in the window, every other one in the array. The window follows the touch: a level
// above `top` raises it, and the levels it leaves go to the array's end (they are larger than anything there); when
// the best level falls below top - W/2 it is lowered and levels come back from the array's end.
//
// Layout at `book` (allocated by bookNew): +0 capacity per side (window and array together) +4 W +12 full flag
//   +32 priceStep i64 +40 sizeStep i64 +48 priceScale i32 +52 sizeScale i32
//   +56 band bound (bid key, ask key) i64 ×2 +72 band sum (bid, ask) i64 ×2 +88 change counter i32
//   +96 bid side, +160 ask side (below) +224 scratch (33 bytes, for number formatting)
// Side: +0 levels in the array i32 +4 levels in the window i32 +8 top key i64 +16 best key i64 (both valid while the
//   side has levels) +24 array ptr +32 window sizes ptr (i64[W]) +40 window decimals ptr (u32[W]) +48 bitmap ptr.
// The band sums make band OBI O(levels crossing the band edge) per message instead of O(levels in the band):
// every set adjusts the sum of its side when its key is ≥ the side's bound, and bookBandSum moves the bound.

import { crcByte } from "./crc32";
import { formatScaled } from "./decimal";
import { move8 } from "./move";
import { SIDE_BID, SIDE_ASK } from "./record";

/** Returned for the price of an absent level (hftbacktest-style sentinels). */
export const NO_BID: i64 = i64.MIN_VALUE;
export const NO_ASK: i64 = i64.MAX_VALUE;
/** Window slots per side: 4096 ticks, $409.60 of BTC at a 0.1 tick, most of it behind the touch. */
export const BOOK_WINDOW: i32 = 4096;

const LEVEL: usize = 24;
/** Array levels from its best that bookSet scans linearly before bisecting. */
const NEAR: i32 = 16;
const NONE: i64 = i64.MIN_VALUE;
const B_CAP: usize = 0;
const B_WIN: usize = 4;
const B_FULL: usize = 12;
const B_PRICE_STEP: usize = 32;
const B_SIZE_STEP: usize = 40;
const B_PRICE_SCALE: usize = 48;
const B_SIZE_SCALE: usize = 52;
const B_BAND_BOUND: usize = 56; // + 8·(side-1)
const B_BAND_SUM: usize = 72;   // + 8·(side-1)
const B_CHANGES: usize = 88;
const B_SIDES: usize = 96;      // + 64·(side-1)
const B_SCRATCH: usize = 224;
const B_HEADER: usize = 320;
const S_ARR_N: usize = 0;
const S_WIN_N: usize = 4;
const S_TOP: usize = 8;
const S_BEST: usize = 16;
const S_ARR: usize = 24;
const S_QTY: usize = 32;
const S_DEC: usize = 40;
const S_BITS: usize = 48;

/** Start-up only: allocates a book for `capacity` levels per side. Steps are in scaled units (docs/design.md §5). */
export function bookNew(capacity: i32, priceScale: i32, priceStep: i64, sizeScale: i32, sizeStep: i64): usize {
  return bookNewWindow(capacity, BOOK_WINDOW, priceScale, priceStep, sizeScale, sizeStep);
}

/** bookNew with a window of `window` keys per side (a power of two ≥ 64; tests use small ones); 0 when it is not. */
export function bookNewWindow(capacity: i32, window: i32, priceScale: i32, priceStep: i64, sizeScale: i32, sizeStep: i64): usize {
  if (window < 64 || (window & (window - 1)) != 0) return 0;
  const w = <usize>window;
  const perSide = (<usize>capacity * LEVEL + 7 & ~<usize>7) + w * 8 + w * 4 + (w >> 3);
  const book = (heap.alloc(B_HEADER + 2 * perSide + 64) + 63) & ~<usize>63;
  memory.fill(book, 0, B_HEADER);
  store<i32>(book + B_CAP, capacity);
  store<i32>(book + B_WIN, window);
  for (let side = SIDE_BID; side <= SIDE_ASK; side++) {
    const sb = sideBlock(book, side);
    const base = book + B_HEADER + <usize>(side - 1) * perSide;
    store<usize>(sb + S_ARR, base);
    store<usize>(sb + S_QTY, base + (<usize>capacity * LEVEL + 7 & ~<usize>7));
    store<usize>(sb + S_DEC, load<usize>(sb + S_QTY) + w * 8);
    store<usize>(sb + S_BITS, load<usize>(sb + S_DEC) + w * 4);
  }
  store<i64>(book + B_PRICE_STEP, priceStep);
  store<i64>(book + B_SIZE_STEP, sizeStep);
  store<i32>(book + B_PRICE_SCALE, priceScale);
  store<i32>(book + B_SIZE_SCALE, sizeScale);
  bookClear(book);
  return book;
}

export function bookClear(book: usize): void {
  const w = <usize>load<i32>(book + B_WIN);
  for (let side = SIDE_BID; side <= SIDE_ASK; side++) {
    const sb = sideBlock(book, side);
    store<i32>(sb + S_ARR_N, 0);
    store<i32>(sb + S_WIN_N, 0);
    memory.fill(load<usize>(sb + S_BITS), 0, w >> 3);
  }
  store<i32>(book + B_FULL, 0);
  store<i32>(book + B_CHANGES, load<i32>(book + B_CHANGES) + 1);
  store<i64>(book + B_BAND_BOUND, i64.MAX_VALUE); // nothing counted until the first bookBandSum
  store<i64>(book + B_BAND_BOUND + 8, i64.MAX_VALUE);
  store<i64>(book + B_BAND_SUM, 0);
  store<i64>(book + B_BAND_SUM + 8, 0);
}

// @ts-ignore: decorator
@inline function sideBlock(book: usize, side: i32): usize {
  return book + B_SIDES + (<usize>(side - 1) << 6);
}

/** Levels on a side. */
// @ts-ignore: decorator
@inline export function bookDepth(book: usize, side: i32): i32 {
  const sb = sideBlock(book, side);
  return load<i32>(sb + S_ARR_N) + load<i32>(sb + S_WIN_N);
}

/** True once an insert was refused for lack of capacity; the book is then incomplete until cleared. */
export function bookIsFull(book: usize): bool {
  return load<i32>(book + B_FULL) != 0;
}

// @ts-ignore: decorator
@inline function arrayKey(sb: usize, i: i32): i64 {
  return load<i64>(load<usize>(sb + S_ARR) + <usize>i * LEVEL);
}

/** The largest key present in the window with low ≤ key ≤ from, or NONE. */
function windowBelow(book: usize, sb: usize, from: i64, low: i64): i64 {
  const mask = <i64>load<i32>(book + B_WIN) - 1;
  const bits = load<usize>(sb + S_BITS);
  let k = from;
  while (k >= low) {
    const slot = <usize>(k & mask);
    const b = <u64>(slot & 63);
    const m = load<u64>(bits + ((slot >> 6) << 3)) & (u64.MAX_VALUE >> (63 - b));
    if (m != 0) {
      const found = k - <i64>(b - (63 - clz<u64>(m)));
      return found >= low ? found : NONE;
    }
    k -= <i64>b + 1;
  }
  return NONE;
}

/**
 * Sets the absolute size of a level; qty 0 deletes it (an absent level is a no-op). Returns false only when an
 * insert does not fit, which also marks the book as full.
 */
// Inlined into the engine's record loop (a call per level update measured 2 ns of 60 a record).
// @ts-ignore: decorator
@inline export function bookSet(book: usize, side: i32, price: i64, qty: i64, wireDecimals: u32): bool {
  const sb = sideBlock(book, side);
  const key = side == SIDE_BID ? price : -price;
  const w = <i64>load<i32>(book + B_WIN);
  const levels = load<i32>(sb + S_ARR_N) + load<i32>(sb + S_WIN_N);
  store<i32>(book + B_CHANGES, load<i32>(book + B_CHANGES) + 1);
  if (levels == 0) {
    if (qty == 0) return true;
    store<i64>(sb + S_TOP, key + (w >> 2)); // room above for the touch to improve without a raise
  } else {
    const top = load<i64>(sb + S_TOP);
    if (key > top) {
      if (qty == 0) return true;
      raise(book, sb, key + (w >> 2));
    } else if (key <= top - w) {
      return arraySet(book, sb, side, key, qty, wireDecimals);
    }
  }
  const slot = <usize>(key & (w - 1));
  const wordAt = load<usize>(sb + S_BITS) + ((slot >> 6) << 3);
  const word = load<u64>(wordAt);
  const bit: u64 = <u64>1 << <u64>(slot & 63);
  const qtyAt = load<usize>(sb + S_QTY) + (slot << 3);
  if ((word & bit) != 0) {
    const old = load<i64>(qtyAt);
    if (qty == 0) {
      store<u64>(wordAt, word & ~bit);
      store<i32>(sb + S_WIN_N, load<i32>(sb + S_WIN_N) - 1);
      bandAdjust(book, side, key, -old);
      if (key == load<i64>(sb + S_BEST)) bestRemoved(book, sb, key);
      return true;
    }
    store<i64>(qtyAt, qty);
    store<u32>(load<usize>(sb + S_DEC) + (slot << 2), wireDecimals);
    bandAdjust(book, side, key, qty - old);
    return true;
  }
  if (qty == 0) return true;
  if (levels >= load<i32>(book + B_CAP)) {
    store<i32>(book + B_FULL, 1);
    return false;
  }
  store<u64>(wordAt, word | bit);
  store<i64>(qtyAt, qty);
  store<u32>(load<usize>(sb + S_DEC) + (slot << 2), wireDecimals);
  store<i32>(sb + S_WIN_N, load<i32>(sb + S_WIN_N) + 1);
  if (levels == 0 || key > load<i64>(sb + S_BEST)) store<i64>(sb + S_BEST, key);
  bandAdjust(book, side, key, qty);
  return true;
}

/** bookSet for a key below the window: the sorted array, searched from its best end. */
function arraySet(book: usize, sb: usize, side: i32, key: i64, qty: i64, wireDecimals: u32): bool {
  const arr = load<usize>(sb + S_ARR);
  const count = load<i32>(sb + S_ARR_N);
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
      store<i32>(sb + S_ARR_N, count - 1);
      bandAdjust(book, side, key, -old);
      if (key == load<i64>(sb + S_BEST)) bestRemoved(book, sb, key);
    }
    return true;
  }
  if (!found) {
    if (count + load<i32>(sb + S_WIN_N) >= load<i32>(book + B_CAP)) {
      store<i32>(book + B_FULL, 1);
      return false;
    }
    move8(at + LEVEL, at, <usize>(count - lo) * LEVEL);
    store<i64>(at, key);
    store<i32>(sb + S_ARR_N, count + 1);
    // a side whose window is empty has its best in the array
    if (load<i32>(sb + S_WIN_N) == 0 && (count == 0 || key > load<i64>(sb + S_BEST))) store<i64>(sb + S_BEST, key);
  }
  store<i64>(at, qty, 8);
  store<u32>(at, wireDecimals, 16);
  bandAdjust(book, side, key, qty - old);
  return true;
}

/** The best level `key` was removed: find the next one, and lower the window when the touch left its top half. */
function bestRemoved(book: usize, sb: usize, key: i64): void {
  const w = <i64>load<i32>(book + B_WIN);
  const top = load<i64>(sb + S_TOP);
  let best: i64;
  if (load<i32>(sb + S_WIN_N) > 0) best = windowBelow(book, sb, key - 1, top - w + 1);
  else if (load<i32>(sb + S_ARR_N) > 0) best = arrayKey(sb, load<i32>(sb + S_ARR_N) - 1);
  else return; // the side is empty: the next insert places the window afresh
  store<i64>(sb + S_BEST, best);
  if (best <= top - (w >> 1)) lower(book, sb, best + (w >> 2));
}

/** Moves the window's top up to `newTop`: levels at or below newTop - W go to the array's end, in key order. */
function raise(book: usize, sb: usize, newTop: i64): void {
  const w = <i64>load<i32>(book + B_WIN);
  const top = load<i64>(sb + S_TOP);
  const last = min(top, newTop - w); // the largest key that leaves the window
  const bits = load<usize>(sb + S_BITS);
  const qtys = load<usize>(sb + S_QTY);
  const decs = load<usize>(sb + S_DEC);
  let n = load<i32>(sb + S_ARR_N);
  let left = load<i32>(sb + S_WIN_N);
  for (let k = top - w + 1; k <= last && left > 0; ) {
    const slot = <usize>(k & (w - 1));
    const wordAt = bits + ((slot >> 6) << 3);
    const word = load<u64>(wordAt);
    if (word == 0 && (slot & 63) == 0) {
      k += 64;
      continue;
    }
    const bit: u64 = <u64>1 << <u64>(slot & 63);
    if ((word & bit) != 0) {
      const at = load<usize>(sb + S_ARR) + <usize>n * LEVEL;
      store<i64>(at, k);
      store<i64>(at, load<i64>(qtys + (slot << 3)), 8);
      store<u32>(at, load<u32>(decs + (slot << 2)), 16);
      store<u64>(wordAt, word & ~bit);
      n++;
      left--;
    }
    k++;
  }
  store<i32>(sb + S_ARR_N, n);
  store<i32>(sb + S_WIN_N, left);
  store<i64>(sb + S_TOP, newTop);
}

/** Moves the window's top down to `newTop` (all window levels lie below it): the array's levels above newTop - W come in. */
function lower(book: usize, sb: usize, newTop: i64): void {
  const w = <i64>load<i32>(book + B_WIN);
  const arr = load<usize>(sb + S_ARR);
  const bits = load<usize>(sb + S_BITS);
  let n = load<i32>(sb + S_ARR_N);
  let inWindow = load<i32>(sb + S_WIN_N);
  while (n > 0) {
    const at = arr + <usize>(n - 1) * LEVEL;
    const k = load<i64>(at);
    if (k <= newTop - w) break;
    const slot = <usize>(k & (w - 1));
    const wordAt = bits + ((slot >> 6) << 3);
    store<u64>(wordAt, load<u64>(wordAt) | (<u64>1 << <u64>(slot & 63)));
    store<i64>(load<usize>(sb + S_QTY) + (slot << 3), load<i64>(at, 8));
    store<u32>(load<usize>(sb + S_DEC) + (slot << 2), load<u32>(at, 16));
    n--;
    inWindow++;
  }
  store<i32>(sb + S_ARR_N, n);
  store<i32>(sb + S_WIN_N, inWindow);
  store<i64>(sb + S_TOP, newTop);
}

// @ts-ignore: decorator
@inline function bandAdjust(book: usize, side: i32, key: i64, delta: i64): void {
  const off = <usize>(side - 1) << 3;
  if (key >= load<i64>(book + B_BAND_BOUND + off)) {
    store<i64>(book + B_BAND_SUM + off, load<i64>(book + B_BAND_SUM + off) + delta);
  }
}

// Sum of sizes of the levels with from ≤ key ≤ to on one side.
function sumKeys(book: usize, side: i32, from: i64, to: i64): i64 {
  const sb = sideBlock(book, side);
  if (from > to || bookDepth(book, side) == 0) return 0;
  const w = <i64>load<i32>(book + B_WIN);
  const top = load<i64>(sb + S_TOP);
  const low = top - w + 1;
  let sum: i64 = 0;
  // the window's part, walking down from min(to, top)
  if (load<i32>(sb + S_WIN_N) > 0 && to >= low) {
    const qtys = load<usize>(sb + S_QTY);
    const floor = max(from, low);
    let k = windowBelow(book, sb, min(to, top), floor);
    while (k != NONE) {
      sum += load<i64>(qtys + (<usize>(k & (w - 1)) << 3));
      k = k > floor ? windowBelow(book, sb, k - 1, floor) : NONE;
    }
  }
  // the array's part: keys below the window
  const count = load<i32>(sb + S_ARR_N);
  if (count > 0 && from < low) {
    const arr = load<usize>(sb + S_ARR);
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (load<i64>(arr + <usize>mid * LEVEL) < from) lo = mid + 1; else hi = mid;
    }
    for (let k = lo; k < count; k++) {
      const at = arr + <usize>k * LEVEL;
      if (load<i64>(at) > to) break;
      sum += load<i64>(at, 8);
    }
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
    let sum = load<i64>(book + B_BAND_SUM + off);
    if (bound < old) sum += sumKeys(book, side, bound, old - 1);
    else sum -= sumKeys(book, side, old, bound - 1);
    store<i64>(book + B_BAND_SUM + off, sum);
    store<i64>(book + B_BAND_BOUND + off, bound);
  }
  return load<i64>(book + B_BAND_SUM + off);
}

// ---- levels by rank ------------------------------------------------------------------------------------------

// The level seek() found. Per instance (wasm globals): a page reading a worker's book never writes the worker's state.
let lvKey: i64 = 0;
let lvQty: i64 = 0;
let lvDec: u32 = 0;
// seek()'s last answer per side, to step from when the next rank asked for is the same or the next one (ranks are
// read in order: checksums, ladders, the simulated venue). Valid while the book's change counter is unchanged.
let cacheBook: usize = 0;
let cacheChanges: i32 = 0;
let cacheRank0: i32 = -1;
let cacheKey0: i64 = 0;
let cacheAt0: i32 = 0;
let cacheRank1: i32 = -1;
let cacheKey1: i64 = 0;
let cacheAt1: i32 = 0;

/** Finds the i-th best level of a side (0 = best) into lvKey/lvQty/lvDec; false when the side has fewer levels. */
function seek(book: usize, side: i32, i: i32): bool {
  const sb = sideBlock(book, side);
  const inArray = load<i32>(sb + S_ARR_N);
  const inWindow = load<i32>(sb + S_WIN_N);
  if (<u32>i >= <u32>(inArray + inWindow)) return false;
  const changes = load<i32>(book + B_CHANGES);
  if (cacheBook != book || cacheChanges != changes) {
    cacheBook = book;
    cacheChanges = changes;
    cacheRank0 = -1;
    cacheRank1 = -1;
  }
  // position: rank r at key k, `at` = its array index, or -1 in the window
  let r = side == SIDE_BID ? cacheRank0 : cacheRank1;
  let k: i64;
  let at: i32;
  if (r >= 0 && r <= i) {
    k = side == SIDE_BID ? cacheKey0 : cacheKey1;
    at = side == SIDE_BID ? cacheAt0 : cacheAt1;
  } else {
    r = 0;
    at = inWindow > 0 ? -1 : inArray - 1;
    k = inWindow > 0 ? load<i64>(sb + S_BEST) : arrayKey(sb, at);
  }
  const w = <i64>load<i32>(book + B_WIN);
  const low = load<i64>(sb + S_TOP) - w + 1;
  while (r < i) {
    if (at < 0) {
      const next = k > low ? windowBelow(book, sb, k - 1, low) : NONE;
      if (next != NONE) k = next;
      else {
        at = inArray - 1;
        k = arrayKey(sb, at);
      }
    } else {
      at--;
      k = arrayKey(sb, at);
    }
    r++;
  }
  if (side == SIDE_BID) {
    cacheRank0 = r;
    cacheKey0 = k;
    cacheAt0 = at;
  } else {
    cacheRank1 = r;
    cacheKey1 = k;
    cacheAt1 = at;
  }
  lvKey = k;
  if (at < 0) {
    const slot = <usize>(k & (w - 1));
    lvQty = load<i64>(load<usize>(sb + S_QTY) + (slot << 3));
    lvDec = load<u32>(load<usize>(sb + S_DEC) + (slot << 2));
  } else {
    const p = load<usize>(sb + S_ARR) + <usize>at * LEVEL;
    lvQty = load<i64>(p, 8);
    lvDec = load<u32>(p, 16);
  }
  return true;
}

/**
 * The best `n` levels of a side: prices to `prices` and sizes to `qtys` (i64 each, best first); returns how many
 * there were. Absent levels are not written.
 */
export function bookTop(book: usize, side: i32, n: i32, prices: usize, qtys: usize): i32 {
  const sb = sideBlock(book, side);
  const inArray = load<i32>(sb + S_ARR_N);
  const inWindow = load<i32>(sb + S_WIN_N);
  const total = min(n, inArray + inWindow);
  const sign: i64 = side == SIDE_BID ? 1 : -1;
  let r = 0;
  if (inWindow > 0) {
    // the bitmap word by word from the best key down: each set bit is the next level
    const w = <i64>load<i32>(book + B_WIN);
    const low = load<i64>(sb + S_TOP) - w + 1;
    const bits = load<usize>(sb + S_BITS);
    const wq = load<usize>(sb + S_QTY);
    let k = load<i64>(sb + S_BEST); // the key of bit b in `word`
    let slot = <usize>(k & (w - 1));
    let b = <i64>(slot & 63);
    let word = load<u64>(bits + ((slot >> 6) << 3)) & (u64.MAX_VALUE >> <u64>(63 - b));
    while (r < total) {
      if (word == 0) {
        k -= b + 1;
        if (k < low) break;
        slot = <usize>(k & (w - 1));
        b = 63;
        word = load<u64>(bits + ((slot >> 6) << 3));
        continue;
      }
      const hi = <i64>(63 - clz<u64>(word));
      const key = k - (b - hi);
      if (key < low) break; // lower bits of this word hold keys above the window's top: none is below
      store<i64>(prices + (<usize>r << 3), sign * key);
      store<i64>(qtys + (<usize>r << 3), load<i64>(wq + (<usize>(key & (w - 1)) << 3)));
      r++;
      word &= ~(<u64>1 << <u64>hi);
    }
  }
  const arr = load<usize>(sb + S_ARR);
  for (let at = inArray - 1; r < total; at--) {
    const p = arr + <usize>at * LEVEL;
    store<i64>(prices + (<usize>r << 3), sign * load<i64>(p));
    store<i64>(qtys + (<usize>r << 3), load<i64>(p, 8));
    r++;
  }
  return total;
}

/** Wire decimals of the best level of a side (0 when it has none): bookWireDecimals(book, side, 0) without a walk. */
export function bookBestDecimals(book: usize, side: i32): u32 {
  const sb = sideBlock(book, side);
  if (load<i32>(sb + S_WIN_N) > 0) {
    const slot = <usize>(load<i64>(sb + S_BEST) & (<i64>load<i32>(book + B_WIN) - 1));
    return load<u32>(load<usize>(sb + S_DEC) + (slot << 2));
  }
  const n = load<i32>(sb + S_ARR_N);
  return n > 0 ? load<u32>(load<usize>(sb + S_ARR) + <usize>(n - 1) * LEVEL, 16) : 0;
}

/** Price of the i-th best level (0 = best), or NO_BID / NO_ASK when the side has fewer levels. */
export function bookPrice(book: usize, side: i32, i: i32): i64 {
  if (!seek(book, side, i)) return side == SIDE_BID ? NO_BID : NO_ASK;
  return side == SIDE_BID ? lvKey : -lvKey;
}

/** Size of the i-th best level, 0 when absent. */
export function bookQty(book: usize, side: i32, i: i32): i64 {
  return seek(book, side, i) ? lvQty : 0;
}

/** Wire decimals of the i-th best level: price decimals | size decimals << 8. */
export function bookWireDecimals(book: usize, side: i32, i: i32): u32 {
  return seek(book, side, i) ? lvDec : 0;
}

// The same reads as f64 for JavaScript callers: an i64 reaching JavaScript becomes a BigInt (an allocation, and
// another to turn it back into a number), while prices in ticks and sizes in lots are far below 2^53.

/** bookPrice as f64; NaN when the side has fewer levels. */
export function bookPriceF64(book: usize, side: i32, i: i32): f64 {
  return seek(book, side, i) ? <f64>(side == SIDE_BID ? lvKey : -lvKey) : NaN;
}

/** The best price of a side as f64 (bookPriceF64 of rank 0 without the walk); NaN when the side is empty. */
export function bookBestF64(book: usize, side: i32): f64 {
  if (bookDepth(book, side) == 0) return NaN;
  const key = load<i64>(sideBlock(book, side) + S_BEST);
  return <f64>(side == SIDE_BID ? key : -key);
}

/** bookQty as f64. */
export function bookQtyF64(book: usize, side: i32, i: i32): f64 {
  return seek(book, side, i) ? <f64>lvQty : 0;
}

/** Size of the level at `price` on `side` (0 when there is none), as f64: one slot in the window, else a search. */
export function bookLevelQtyF64(book: usize, side: i32, price: f64): f64 {
  const sb = sideBlock(book, side);
  if (bookDepth(book, side) == 0) return 0;
  const p = <i64>price;
  const key = side == SIDE_BID ? p : -p;
  const top = load<i64>(sb + S_TOP);
  if (key > top) return 0;
  const w = <i64>load<i32>(book + B_WIN);
  if (key > top - w) {
    const slot = <usize>(key & (w - 1));
    const word = load<u64>(load<usize>(sb + S_BITS) + ((slot >> 6) << 3));
    return (word & (<u64>1 << <u64>(slot & 63))) != 0 ? <f64>load<i64>(load<usize>(sb + S_QTY) + (slot << 3)) : 0;
  }
  const arr = load<usize>(sb + S_ARR);
  let lo = 0;
  let hi = load<i32>(sb + S_ARR_N);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (load<i64>(arr + <usize>mid * LEVEL) < key) lo = mid + 1; else hi = mid;
  }
  const at = arr + <usize>lo * LEVEL;
  return lo < load<i32>(sb + S_ARR_N) && load<i64>(at) == key ? <f64>load<i64>(at, 8) : 0;
}

/** Best bid price, NO_BID when there is none. */
export function bookBestBid(book: usize): i64 {
  const sb = sideBlock(book, SIDE_BID);
  return bookDepth(book, SIDE_BID) > 0 ? load<i64>(sb + S_BEST) : NO_BID;
}
/** Best ask price, NO_ASK when there is none. */
export function bookBestAsk(book: usize): i64 {
  const sb = sideBlock(book, SIDE_ASK);
  return bookDepth(book, SIDE_ASK) > 0 ? -load<i64>(sb + S_BEST) : NO_ASK;
}

/** Both sides present and best bid ≥ best ask (locked or crossed). */
export function bookIsCrossed(book: usize): bool {
  return bookDepth(book, SIDE_BID) > 0 && bookDepth(book, SIDE_ASK) > 0 && bookBestBid(book) >= bookBestAsk(book);
}

/** Sum of sizes on `side` over levels with low ≤ price ≤ high. */
export function bookBandDepth(book: usize, side: i32, low: i64, high: i64): i64 {
  if (low > high) return 0;
  // keys: bids low..high, asks -high..-low (a price of i64.MIN has no key: no level has it)
  if (side == SIDE_BID) return sumKeys(book, side, low, high);
  if (low == i64.MIN_VALUE) return sumKeys(book, side, -high, i64.MAX_VALUE);
  return sumKeys(book, side, -high, -low);
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

// The top-n check string of docs/bitget.md §2: per level i, bid price:size then ask price:size, ':'-joined.
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
      if (!seek(book, side, i)) continue;
      const key = lvKey;
      const qty = lvQty;
      const dec = lvDec;
      if (textLen != 0) emit(colon, 1, out);
      emitNumber(book, (side == SIDE_BID ? key : -key) * pStep, pScale, <i32>(dec & 0xff), out);
      emit(colon, 1, out);
      emitNumber(book, qty * sStep, sScale, <i32>((dec >> 8) & 0xff), out);
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
