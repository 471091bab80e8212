// WHEN TO USE: the per-message signals of one instrument's book — static imbalances (L1, N-level, weighted,
// band), order flow imbalance (Cont–Kukanov–Stoikov, multi-level by index, time-decayed and depth-normalised),
// weighted mid, spread and a past-only rolling z-score. Definitions: docs/signals.md. Call signalsUpdate once per
// whole exchange message, after every level of it was applied.

import { bookTop, bookBestDecimals, bookBandSum, NO_BID, NO_ASK } from "./book";
import {
  SIDE_BID, SIDE_ASK,
  S_STATE, S_BEST_BID, S_BEST_ASK, S_BID_QTY, S_ASK_QTY, S_SPREAD, S_FIELDS, S_BEST_DECIMALS, MAX_OFI_LEVELS,
  SIG_FIELD_COUNT,
  STATE_VALID, STATE_Z_READY,
} from "./record";
import { zeroBytes } from "./move";

export const MAX_OBI_LEVELS: i32 = 64;
export const MAX_Z_WINDOW: i32 = 65536;
/** z is not ready while the window's std is at most this fraction of |mean| (see docs/signals.md). */
export const Z_MIN_RELATIVE_STD: f64 = 1e-12;

export const F_L1: i32 = 0;
export const F_OBI_N: i32 = 1;
export const F_OBI_W: i32 = 2;
export const F_OBI_BAND: i32 = 3;
export const F_OFI: i32 = 4;
export const F_OFI_DECAY: i32 = 5;
export const F_OFI_NORM: i32 = 6;
export const F_WMID: i32 = 7;
export const F_Z: i32 = 8;
export const F_MLOFI: i32 = 9;

// State layout (allocated by signalsNew, owned by the engine thread).
const P_OBI_LEVELS: usize = 0;   // i32
const P_OFI_LEVELS: usize = 4;   // i32
const P_Z_WINDOW: usize = 8;     // i32
const P_Z_SOURCE: usize = 12;    // i32 field id
const P_LAMBDA: usize = 16;      // f64
const P_BAND_BPS: usize = 24;    // f64
const P_TAU_NS: usize = 32;      // f64
const HAS_PREV: usize = 40;      // i32
// 44..51 unused (the previous state's depths: absent levels are stored as sentinels instead)
const Z_COUNT: usize = 52;       // i32
const PREV_T: usize = 56;        // i64
const Z_HEAD: usize = 64;        // i32
const Z_BUF: usize = 96;         // ptr to f64[zCapacity]
const Z_CAP: usize = 104;        // i32
const OFI_DECAY: usize = 112;    // f64
const DEPTH: usize = 120;        // f64 average touch depth
const PREV_BID_P: usize = 128;   // i64[10]
const PREV_BID_Q: usize = 208;   // i64[10]
const PREV_ASK_P: usize = 288;   // i64[10]
const PREV_ASK_Q: usize = 368;   // i64[10]
const MLOFI: usize = 448;        // f64[10]
const WEIGHTS: usize = 528;      // f64[64]
const TOP_BID_P: usize = 1040;   // i64[64] the message's best levels (bookTop), prices and sizes
const TOP_BID_Q: usize = 1552;
const TOP_ASK_P: usize = 2064;
const TOP_ASK_Q: usize = 2576;
const STATE_BYTES: usize = 3088;

/** Start-up only: allocates signal state with room for a z-score window of up to `zCapacity` samples. */
export function signalsNew(zCapacity: i32): usize {
  const cap = min(max(zCapacity, 2), MAX_Z_WINDOW);
  const s = (heap.alloc(STATE_BYTES + 64) + 63) & ~<usize>63;
  memory.fill(s, 0, STATE_BYTES);
  store<usize>(s + Z_BUF, heap.alloc(<usize>cap << 3));
  store<i32>(s + Z_CAP, cap);
  signalsConfigure(s, 5, 0.5, 10.0, 5, 1e9, min(100, cap), F_OFI_NORM); // defaults; always valid
  return s;
}

/**
 * Sets the parameters (docs/signals.md) and resets the state. Returns false, changing nothing, when any value is out
 * of range: obiLevels 1..64, ofiLevels 1..10, zWindow 2..capacity, zSource a field other than z within ofiLevels,
 * tauNs > 0, bandBps ≥ 0, lambda a number.
 */
export function signalsConfigure(
  s: usize, obiLevels: i32, lambda: f64, bandBps: f64, ofiLevels: i32, tauNs: f64, zWindow: i32, zSource: i32,
): bool {
  const valid =
    obiLevels >= 1 && obiLevels <= MAX_OBI_LEVELS &&
    ofiLevels >= 1 && ofiLevels <= MAX_OFI_LEVELS &&
    zWindow >= 2 && zWindow <= load<i32>(s + Z_CAP) &&
    zSource >= 0 && zSource < F_MLOFI + ofiLevels && zSource != F_Z &&
    tauNs > 0 && bandBps >= 0 && lambda == lambda;
  if (!valid) return false; // a rejected configuration leaves the running one untouched
  store<i32>(s + P_OBI_LEVELS, obiLevels);
  store<i32>(s + P_OFI_LEVELS, ofiLevels);
  store<i32>(s + P_Z_WINDOW, zWindow);
  store<i32>(s + P_Z_SOURCE, zSource);
  store<f64>(s + P_LAMBDA, lambda);
  store<f64>(s + P_BAND_BPS, bandBps);
  store<f64>(s + P_TAU_NS, tauNs);
  for (let i = 0; i < MAX_OBI_LEVELS; i++) store<f64>(s + WEIGHTS + (<usize>i << 3), Math.exp(-lambda * <f64>i));
  signalsReset(s);
  return true;
}

/** Forgets the previous state, the decayed sums, the average depth and the z-score window (after a resync). */
export function signalsReset(s: usize): void {
  store<i32>(s + HAS_PREV, 0);
  store<f64>(s + OFI_DECAY, 0);
  store<f64>(s + DEPTH, 0);
  memory.fill(s + MLOFI, 0, <usize>MAX_OFI_LEVELS << 3);
  store<i32>(s + Z_COUNT, 0);
  store<i32>(s + Z_HEAD, 0);
}

// @ts-ignore: decorator
@inline function field(out: usize, id: i32, v: f64): void {
  store<f64>(out + S_FIELDS + (<usize>id << 3), v);
}

// @ts-ignore: decorator
@inline function ratio(a: f64, b: f64): f64 {
  return b != 0 ? a / b : 0;
}

/**
 * Computes every signal for the book's current state at local time `t` (ns) into the signal record at `out`
 * (fields from S_BEST_BID on). Returns true when the book was valid (both sides, not crossed).
 */
export function signalsUpdate(s: usize, book: usize, t: i64, out: usize): bool {
  const n = load<i32>(s + P_OBI_LEVELS);
  const m = load<i32>(s + P_OFI_LEVELS);
  // every level read below, gathered once per side (a level beyond a side's depth reads as absent)
  const want = max(n, m);
  const nb = bookTop(book, SIDE_BID, want, s + TOP_BID_P, s + TOP_BID_Q);
  const na = bookTop(book, SIDE_ASK, want, s + TOP_ASK_P, s + TOP_ASK_Q);
  // levels a side lacks read as absent: the sentinel price and size 0
  for (let i = nb; i < want; i++) {
    store<i64>(s + TOP_BID_P + (<usize>i << 3), NO_BID);
    store<i64>(s + TOP_BID_Q + (<usize>i << 3), 0);
  }
  for (let i = na; i < want; i++) {
    store<i64>(s + TOP_ASK_P + (<usize>i << 3), NO_ASK);
    store<i64>(s + TOP_ASK_Q + (<usize>i << 3), 0);
  }
  const bb = nb > 0 ? load<i64>(s + TOP_BID_P) : NO_BID;
  const ba = na > 0 ? load<i64>(s + TOP_ASK_P) : NO_ASK;
  const qb: i64 = nb > 0 ? load<i64>(s + TOP_BID_Q) : 0;
  const qa: i64 = na > 0 ? load<i64>(s + TOP_ASK_Q) : 0;
  store<i64>(out + S_BEST_BID, bb);
  store<i64>(out + S_BEST_ASK, ba);
  store<i64>(out + S_BID_QTY, qb);
  store<i64>(out + S_ASK_QTY, qa);
  store<u32>(out + S_BEST_DECIMALS, bookBestDecimals(book, SIDE_BID));
  store<u32>(out + S_BEST_DECIMALS + 4, bookBestDecimals(book, SIDE_ASK));
  if (nb == 0 || na == 0 || bb >= ba) {
    store<i64>(out + S_SPREAD, 0);
    store<u8>(out + S_STATE, 0);
    zeroBytes(out + S_FIELDS, <usize>SIG_FIELD_COUNT << 3);
    return false;
  }
  store<i64>(out + S_SPREAD, ba - bb);
  const touch = <f64>(qb + qa);
  field(out, F_L1, <f64>(qb - qa) / touch);
  field(out, F_WMID, (<f64>bb * <f64>qa + <f64>ba * <f64>qb) / touch);

  // N-level and weighted OBI: one pass over the top N of both sides.
  let sb: i64 = 0, sa: i64 = 0;
  let wd: f64 = 0, ws: f64 = 0;
  for (let i = 0; i < n; i++) {
    const b = load<i64>(s + TOP_BID_Q + (<usize>i << 3));
    const a = load<i64>(s + TOP_ASK_Q + (<usize>i << 3));
    if (b == 0 && a == 0) break; // both sides exhausted (a present level never has size 0)
    sb += b;
    sa += a;
    const w = load<f64>(s + WEIGHTS + (<usize>i << 3));
    wd += w * <f64>(b - a);
    ws += w * <f64>(b + a);
  }
  field(out, F_OBI_N, ratio(<f64>(sb - sa), <f64>(sb + sa)));
  field(out, F_OBI_W, ratio(wd, ws));

  // Band OBI: the band edges are f64, prices are integers, so price ≥ low ⇔ price ≥ ceil(low).
  const mid = (<f64>bb + <f64>ba) * 0.5;
  const x = load<f64>(s + P_BAND_BPS) / 1e4; // exactly the doc's f64 expression: edges can sit an ulp from a tick
  const low = <i64>Math.ceil(mid * (1 - x));
  const high = <i64>Math.floor(mid * (1 + x));
  // In a valid book every bid is below high and every ask above low, so one edge per side suffices.
  const bandB = bookBandSum(book, SIDE_BID, low);
  const bandA = bookBandSum(book, SIDE_ASK, high);
  field(out, F_OBI_BAND, ratio(<f64>(bandB - bandA), <f64>(bandB + bandA)));

  // OFI per level by index, against the previous valid state.
  const hasPrev = load<i32>(s + HAS_PREV) != 0;
  let k: f64 = 1;
  if (hasPrev) {
    let dt: i64 = t - load<i64>(s + PREV_T);
    if (dt < 0) dt = 0;
    k = Math.exp(-(<f64>dt) / load<f64>(s + P_TAU_NS));
  }
  let e1: f64 = 0;
  for (let lv = 0; lv < m; lv++) {
    const off = <usize>lv << 3;
    const cbp = load<i64>(s + TOP_BID_P + off);
    const cbq = load<i64>(s + TOP_BID_Q + off);
    const cap_ = load<i64>(s + TOP_ASK_P + off);
    const caq = load<i64>(s + TOP_ASK_Q + off);
    let e: i64 = 0;
    if (hasPrev) {
      // the previous state's absent levels were stored as such (sentinel, 0)
      const pbp = load<i64>(s + PREV_BID_P + off);
      const pbq = load<i64>(s + PREV_BID_Q + off);
      const pap = load<i64>(s + PREV_ASK_P + off);
      const paq = load<i64>(s + PREV_ASK_Q + off);
      if (cbp >= pbp) e += cbq;
      if (cbp <= pbp) e -= pbq;
      if (cap_ <= pap) e -= caq;
      if (cap_ >= pap) e += paq;
    }
    const ml = k * load<f64>(s + MLOFI + off) + <f64>e;
    store<f64>(s + MLOFI + off, ml);
    field(out, F_MLOFI + lv, ml);
    if (lv == 0) e1 = <f64>e;
    store<i64>(s + PREV_BID_P + off, cbp);
    store<i64>(s + PREV_BID_Q + off, cbq);
    store<i64>(s + PREV_ASK_P + off, cap_);
    store<i64>(s + PREV_ASK_Q + off, caq);
  }
  for (let lv = m; lv < MAX_OFI_LEVELS; lv++) field(out, F_MLOFI + lv, 0);
  const d = touch * 0.5;
  const ofiDecay = hasPrev ? k * load<f64>(s + OFI_DECAY) + e1 : 0;
  const depth = hasPrev ? load<f64>(s + DEPTH) + (1 - k) * (d - load<f64>(s + DEPTH)) : d;
  store<f64>(s + OFI_DECAY, ofiDecay);
  store<f64>(s + DEPTH, depth);
  store<i32>(s + HAS_PREV, 1);
  store<i64>(s + PREV_T, t);
  field(out, F_OFI, e1);
  field(out, F_OFI_DECAY, ofiDecay);
  field(out, F_OFI_NORM, ratio(ofiDecay, depth));

  // Past-only z-score: standardise against the window *before* adding this sample.
  const xv = load<f64>(out + S_FIELDS + (<usize>load<i32>(s + P_Z_SOURCE) << 3));
  const ready = zScore(s, xv, out);
  zPush(s, xv);
  store<u8>(out + S_STATE, ready ? STATE_VALID | STATE_Z_READY : STATE_VALID);
  return true;
}

// The window is summed directly (two passes) every message: running sums lose everything to cancellation once a
// large value has passed through the window, and a z-score is only worth having exact. Each pass keeps eight
// partial sums (four SIMD accumulators: one chain of additions would wait on each addition's latency):
// slot i goes to sum i mod 8 for i below W rounded down to 8, the remaining pairs to sums 0 and 1, then
// ((s0 + s2) + (s4 + s6)) + ((s1 + s3) + (s5 + s7)), then an odd last slot. test/reference/signals.ts sums in
// exactly this order, so the two agree to the bit.
function zScore(s: usize, x: f64, out: usize): bool {
  const w = load<i32>(s + P_Z_WINDOW);
  if (load<i32>(s + Z_COUNT) < w) {
    field(out, F_Z, 0);
    return false;
  }
  const buf = load<usize>(s + Z_BUF);
  const octs = w & ~7;
  const pairs = w & ~1;
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
  for (let i = 0; i < octs; i += 8) {
    const p = buf + (<usize>i << 3);
    a0 = f64x2.add(a0, v128.load(p));
    a1 = f64x2.add(a1, v128.load(p, 16));
    a2 = f64x2.add(a2, v128.load(p, 32));
    a3 = f64x2.add(a3, v128.load(p, 48));
  }
  for (let i = octs; i < pairs; i += 2) a0 = f64x2.add(a0, v128.load(buf + (<usize>i << 3)));
  let acc = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
  let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (pairs < w) sum += load<f64>(buf + (<usize>pairs << 3));
  const mean = sum / <f64>w;
  const m2 = f64x2.splat(mean);
  a0 = f64x2.splat(0);
  a1 = f64x2.splat(0);
  a2 = f64x2.splat(0);
  a3 = f64x2.splat(0);
  for (let i = 0; i < octs; i += 8) {
    const p = buf + (<usize>i << 3);
    const d0 = f64x2.sub(v128.load(p), m2);
    const d1 = f64x2.sub(v128.load(p, 16), m2);
    const d2 = f64x2.sub(v128.load(p, 32), m2);
    const d3 = f64x2.sub(v128.load(p, 48), m2);
    a0 = f64x2.add(a0, f64x2.mul(d0, d0));
    a1 = f64x2.add(a1, f64x2.mul(d1, d1));
    a2 = f64x2.add(a2, f64x2.mul(d2, d2));
    a3 = f64x2.add(a3, f64x2.mul(d3, d3));
  }
  for (let i = octs; i < pairs; i += 2) {
    const d = f64x2.sub(v128.load(buf + (<usize>i << 3)), m2);
    a0 = f64x2.add(a0, f64x2.mul(d, d));
  }
  acc = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
  let ss = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (pairs < w) {
    const d = load<f64>(buf + (<usize>pairs << 3)) - mean;
    ss += d * d;
  }
  const std = Math.sqrt(ss / <f64>w);
  // A window of equal values that are not exactly representable leaves a std of rounding noise: not a spread.
  if (!(std > 0) || !(std > Z_MIN_RELATIVE_STD * Math.abs(mean))) {
    field(out, F_Z, 0);
    return false;
  }
  field(out, F_Z, (x - mean) / std);
  return true;
}

function zPush(s: usize, x: f64): void {
  const w = load<i32>(s + P_Z_WINDOW);
  const head = load<i32>(s + Z_HEAD);
  store<f64>(load<usize>(s + Z_BUF) + (<usize>head << 3), x);
  store<i32>(s + Z_HEAD, head + 1 == w ? 0 : head + 1);
  const count = load<i32>(s + Z_COUNT);
  if (count < w) store<i32>(s + Z_COUNT, count + 1);
}

/** Current parameters, for the loader to report (field ids as in docs/signals.md). */
export function signalsParam(s: usize, which: i32): f64 {
  switch (which) {
    case 0: return <f64>load<i32>(s + P_OBI_LEVELS);
    case 1: return load<f64>(s + P_LAMBDA);
    case 2: return load<f64>(s + P_BAND_BPS);
    case 3: return <f64>load<i32>(s + P_OFI_LEVELS);
    case 4: return load<f64>(s + P_TAU_NS);
    case 5: return <f64>load<i32>(s + P_Z_WINDOW);
    case 6: return <f64>load<i32>(s + P_Z_SOURCE);
  }
  return NaN;
}
