// Reference signals, written straight from docs/signals.md: the wasm core must agree with this to f64 rounding.
import type { RefBook } from './book.js';

export interface SignalParams {
  obiLevels: number; // N
  obiLambda: number; // λ of w_i = exp(-λ(i-1))
  bandBps: number; // x, half-width of the band in bps of mid
  ofiLevels: number; // M, 1..10
  tauNs: number; // τ of the decayed sums and of the average depth
  zWindow: number; // W, 2..65536
  zSource: number; // output field id standardised by z (see SignalField)
}

export const defaultSignalParams: Readonly<SignalParams> = {
  obiLevels: 5,
  obiLambda: 0.5,
  bandBps: 10,
  ofiLevels: 5,
  tauNs: 1e9,
  zWindow: 100,
  zSource: 6,
};

/** Output field ids (docs/signals.md); mlofi[m] (1-based m) is id MLOFI1 + m - 1. */
export const SignalField = {
  l1: 0,
  obiN: 1,
  obiW: 2,
  obiBand: 3,
  ofi: 4,
  ofiDecay: 5,
  ofiNorm: 6,
  wmid: 7,
  z: 8,
  MLOFI1: 9,
} as const;

export interface SignalOut {
  valid: boolean;
  zReady: boolean;
  bestBid: number;
  bestAsk: number;
  bidQty: number;
  askQty: number;
  spread: number;
  l1: number;
  obiN: number;
  obiW: number;
  obiBand: number;
  ofi: number;
  ofiDecay: number;
  ofiNorm: number;
  wmid: number;
  z: number;
  mlofi: number[]; // length ofiLevels
}

/** CKS e_n with non-strict inequalities; a missing level arrives here as (±Infinity, 0). */
function cks(pb: number, qb: number, pbPrev: number, qbPrev: number, pa: number, qa: number, paPrev: number, qaPrev: number): number {
  return (pb >= pbPrev ? qb : 0) - (pb <= pbPrev ? qbPrev : 0) - (pa <= paPrev ? qa : 0) + (pa >= paPrev ? qaPrev : 0);
}

export class RefSignals {
  private readonly p: SignalParams;
  private readonly w: number[]; // level weights for obiW
  // Last valid state, top M levels by index; missing bid = -Infinity, missing ask = +Infinity, size 0.
  private readonly prevBidPx: number[];
  private readonly prevBidQty: number[];
  private readonly prevAskPx: number[];
  private readonly prevAskQty: number[];
  private hasPrev = false;
  private prevTs = 0n;
  private ofiDecay = 0;
  private readonly mlofi: number[];
  private depthAvg = 0;
  private readonly win: number[]; // ring of past zSource values
  private winLen = 0;
  private winHead = 0;

  constructor(p: SignalParams) {
    const maxId = SignalField.MLOFI1 + p.ofiLevels - 1;
    if (!Number.isInteger(p.obiLevels) || p.obiLevels < 1) throw new Error(`obiLevels ${p.obiLevels}`);
    if (!Number.isInteger(p.ofiLevels) || p.ofiLevels < 1 || p.ofiLevels > 10) throw new Error(`ofiLevels ${p.ofiLevels}`);
    if (!Number.isInteger(p.zWindow) || p.zWindow < 2 || p.zWindow > 65536) throw new Error(`zWindow ${p.zWindow}`);
    if (!(p.tauNs > 0)) throw new Error(`tauNs ${p.tauNs}`);
    // z cannot standardise itself.
    if (!Number.isInteger(p.zSource) || p.zSource < 0 || p.zSource === SignalField.z || p.zSource > maxId) {
      throw new Error(`zSource ${p.zSource}`);
    }
    this.p = { ...p };
    this.w = Array.from({ length: p.obiLevels }, (_, i) => Math.exp(-p.obiLambda * i));
    const m = p.ofiLevels;
    this.prevBidPx = new Array<number>(m).fill(-Infinity);
    this.prevBidQty = new Array<number>(m).fill(0);
    this.prevAskPx = new Array<number>(m).fill(Infinity);
    this.prevAskQty = new Array<number>(m).fill(0);
    this.mlofi = new Array<number>(m).fill(0);
    this.win = new Array<number>(p.zWindow).fill(0);
  }

  /** Forget the previous state, empty the decayed sums, the average depth and the z window. */
  reset(): void {
    this.hasPrev = false;
    this.prevTs = 0n;
    this.ofiDecay = 0;
    this.mlofi.fill(0);
    this.depthAvg = 0;
    this.winLen = 0;
    this.winHead = 0;
  }

  /** Call once per whole exchange message, after all its levels are applied to `book`. */
  onMessage(book: RefBook, localTsNs: bigint): SignalOut {
    const bb = book.bestBid();
    const ba = book.bestAsk();
    if (bb === undefined || ba === undefined || bb >= ba) return this.invalid();
    const p = this.p;
    const qB1 = book.level(1, 0)!.qty;
    const qA1 = book.level(2, 0)!.qty;

    // Static imbalance.
    let sumB = 0,
      sumA = 0,
      wDiff = 0,
      wSum = 0;
    for (let i = 0; i < p.obiLevels; i++) {
      const qb = book.level(1, i)?.qty ?? 0;
      const qa = book.level(2, i)?.qty ?? 0;
      sumB += qb;
      sumA += qa;
      wDiff += this.w[i]! * (qb - qa);
      wSum += this.w[i]! * (qb + qa);
    }
    const mid = (bb + ba) / 2;
    // For an integer tick p: p >= lo <=> p >= ceil(lo), p <= hi <=> p <= floor(hi); same f64 test as the doc.
    const lo = mid * (1 - p.bandBps / 1e4);
    const hi = mid * (1 + p.bandBps / 1e4);
    const sb = book.bandDepth(1, Math.ceil(lo), bb);
    const sa = book.bandDepth(2, ba, Math.floor(hi));

    // OFI by level index against the last valid state.
    const m = p.ofiLevels;
    const e = new Array<number>(m);
    for (let j = 0; j < m; j++) {
      const bl = book.level(1, j);
      const al = book.level(2, j);
      const pb = bl?.price ?? -Infinity,
        qb = bl?.qty ?? 0;
      const pa = al?.price ?? Infinity,
        qa = al?.qty ?? 0;
      e[j] = this.hasPrev ? cks(pb, qb, this.prevBidPx[j]!, this.prevBidQty[j]!, pa, qa, this.prevAskPx[j]!, this.prevAskQty[j]!) : 0;
      this.prevBidPx[j] = pb;
      this.prevBidQty[j] = qb;
      this.prevAskPx[j] = pa;
      this.prevAskQty[j] = qa;
    }

    const d = (qB1 + qA1) / 2;
    if (!this.hasPrev) {
      // First valid message after a reset: every contribution is 0, the depth average starts at d.
      this.ofiDecay = 0;
      this.mlofi.fill(0);
      this.depthAvg = d;
    } else {
      const dt = Math.max(0, Number(localTsNs - this.prevTs));
      const k = Math.exp(-dt / p.tauNs);
      this.ofiDecay = k * this.ofiDecay + e[0]!;
      for (let j = 0; j < m; j++) this.mlofi[j] = k * this.mlofi[j]! + e[j]!;
      this.depthAvg = this.depthAvg + (1 - k) * (d - this.depthAvg);
    }
    this.hasPrev = true;
    this.prevTs = localTsNs;

    const out: SignalOut = {
      valid: true,
      zReady: false,
      bestBid: bb,
      bestAsk: ba,
      bidQty: qB1,
      askQty: qA1,
      spread: ba - bb,
      l1: (qB1 - qA1) / (qB1 + qA1),
      obiN: (sumB - sumA) / (sumB + sumA),
      obiW: wDiff / wSum,
      obiBand: sb + sa === 0 ? 0 : (sb - sa) / (sb + sa),
      ofi: e[0]!,
      ofiDecay: this.ofiDecay,
      ofiNorm: this.ofiDecay / this.depthAvg,
      wmid: (bb * qA1 + ba * qB1) / (qB1 + qA1),
      z: 0,
      mlofi: this.mlofi.slice(),
    };
    this.zStep(out);
    return out;
  }

  /** Past-only z: standardise X_n by the previous W samples, then let X_n into the window. */
  private zStep(out: SignalOut): void {
    const x = fieldValue(out, this.p.zSource);
    const W = this.p.zWindow;
    if (this.winLen === W) {
      // Eight partial sums (slot i in sum i mod 8 below W rounded down to 8, the remaining pairs in sums 0 and 1),
      // joined as ((s0 + s2) + (s4 + s6)) + ((s1 + s3) + (s5 + s7)), an odd last slot last: the order of the core's
      // four SIMD accumulators, so both agree to the bit (docs/signals.md).
      const octs = W & ~7;
      const pairs = W & ~1;
      const partial = (f: (v: number) => number): number => {
        const p = [0, 0, 0, 0, 0, 0, 0, 0];
        for (let i = 0; i < octs; i++) p[i & 7] += f(this.win[i]!);
        for (let i = octs; i < pairs; i += 2) {
          p[0] += f(this.win[i]!);
          p[1] += f(this.win[i + 1]!);
        }
        return p[0] + p[2] + (p[4] + p[6]) + (p[1] + p[3] + (p[5] + p[7]));
      };
      let sum = partial((v) => v);
      if (pairs < W) sum += this.win[pairs]!;
      const mean = sum / W;
      let ss = partial((v) => (v - mean) * (v - mean));
      if (pairs < W) {
        const d = this.win[pairs]! - mean;
        ss += d * d;
      }
      const std = Math.sqrt(ss / W); // population std
      if (std > 0 && std > 1e-12 * Math.abs(mean)) {
        // rounding noise of an all-equal window is not a spread
        out.z = (x - mean) / std;
        out.zReady = true;
      }
    }
    this.win[this.winHead] = x;
    this.winHead = (this.winHead + 1) % W;
    if (this.winLen < W) this.winLen++;
  }

  private invalid(): SignalOut {
    return {
      valid: false,
      zReady: false,
      bestBid: 0,
      bestAsk: 0,
      bidQty: 0,
      askQty: 0,
      spread: 0,
      l1: 0,
      obiN: 0,
      obiW: 0,
      obiBand: 0,
      ofi: 0,
      ofiDecay: 0,
      ofiNorm: 0,
      wmid: 0,
      z: 0,
      mlofi: new Array<number>(this.p.ofiLevels).fill(0),
    };
  }
}

/** The value of output field `id` (ids as in docs/signals.md). */
export function fieldValue(o: SignalOut, id: number): number {
  switch (id) {
    case SignalField.l1:
      return o.l1;
    case SignalField.obiN:
      return o.obiN;
    case SignalField.obiW:
      return o.obiW;
    case SignalField.obiBand:
      return o.obiBand;
    case SignalField.ofi:
      return o.ofi;
    case SignalField.ofiDecay:
      return o.ofiDecay;
    case SignalField.ofiNorm:
      return o.ofiNorm;
    case SignalField.wmid:
      return o.wmid;
    case SignalField.z:
      return o.z;
    default: {
      const v = o.mlofi[id - SignalField.MLOFI1];
      if (v === undefined) throw new Error(`no field ${id}`);
      return v;
    }
  }
}
