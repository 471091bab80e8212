// Hand-worked signal vectors (docs/signals.md). Every expected number is worked out in the comment beside it;
// nothing here was produced by running the reference.
import { readFileSync } from 'node:fs';
import type { SignalOut, SignalParams } from '../reference/signals.js';

export interface LevelChange {
  side: 1 | 2;
  price: number;
  qty: number;
}
/** One whole exchange message. reset: clear the book and reset the signals before applying the changes. */
export interface VectorMessage {
  changes: LevelChange[];
  localTsNs: bigint;
  reset?: boolean;
}
export interface SignalVector {
  name: string;
  params: SignalParams;
  messages: VectorMessage[];
  expect: Array<Partial<SignalOut> | null>; // null: don't check that message
}

const bid = (price: number, qty: number): LevelChange => ({ side: 1, price, qty });
const ask = (price: number, qty: number): LevelChange => ({ side: 2, price, qty });
const S = 1_000_000_000n; // one second in ns
const msg = (t: bigint, changes: LevelChange[], reset = false): VectorMessage =>
  reset ? { changes, localTsNs: t, reset } : { changes, localTsNs: t };

// Small parameters so the arithmetic stays checkable by hand:
// λ = ln 2 gives weights 1, 1/2, 1/4; τ = 1 s / ln 2 makes a 1 s gap decay by k = 1/2.
const small: SignalParams = {
  obiLevels: 3,
  obiLambda: Math.LN2,
  bandBps: 200,
  ofiLevels: 2,
  tauNs: 1e9 / Math.LN2,
  zWindow: 3,
  zSource: 6,
};
const with_ = (o: Partial<SignalParams>): SignalParams => ({ ...small, ...o });

// Nine CKS cases from the baseline bid 100x5 / ask 104x7 (one level per side, ofiLevels 1).
//   bid up   : add 101x4           -> +qB_n            = +4
//   bid same : 100 -> 8            -> +(8 - 5)         = +3
//   bid down : drop 100, add 99x6  -> -qB_{n-1}        = -5
//   ask down : add 103x2           -> -qA_n            = -2
//   ask same : 104 -> 1            -> -(1 - 7)         = +6
//   ask up   : drop 104, add 106x9 -> +qA_{n-1}        = +7
const bidCase = { up: [bid(101, 4)], same: [bid(100, 8)], down: [bid(100, 0), bid(99, 6)] };
const askCase = { down: [ask(103, 2)], same: [ask(104, 1)], up: [ask(104, 0), ask(106, 9)] };
const cksCases: Array<[keyof typeof bidCase, keyof typeof askCase, number]> = [
  ['up', 'down', 2], // +4 - 2
  ['up', 'same', 10], // +4 + 6
  ['up', 'up', 11], // +4 + 7
  ['same', 'down', 1], // +3 - 2
  ['same', 'same', 9], // +3 + 6
  ['same', 'up', 10], // +3 + 7
  ['down', 'down', -7], // -5 - 2
  ['down', 'same', 1], // -5 + 6
  ['down', 'up', 2], // -5 + 7
];

export const signalVectors: SignalVector[] = [
  {
    name: 'static imbalance: l1, obiN, obiW, obiBand, wmid, spread',
    params: small,
    messages: [
      msg(1n, [bid(100, 5), bid(99, 3), bid(98, 2), bid(97, 10), ask(101, 1), ask(102, 4), ask(103, 6), ask(104, 10)]),
      msg(2n, [bid(98, 0), bid(97, 0)]), // bids now 100x5, 99x3: fewer than N = 3
    ],
    expect: [
      {
        valid: true,
        bestBid: 100,
        bestAsk: 101,
        bidQty: 5,
        askQty: 1,
        spread: 1, // 101 - 100
        l1: 4 / 6, // (5 - 1) / (5 + 1)
        obiN: -1 / 21, // (5+3+2 - (1+4+6)) / (10 + 11); level 4 (97x10, 104x10) is outside N
        obiW: 2.5 / 11.5, // (1·4 + ½·(3-4) + ¼·(2-6)) / (1·6 + ½·7 + ¼·8) = 2.5 / 11.5
        // mid 100.5, band [100.5·0.98, 100.5·1.02] = [98.49, 102.51]: SB = 5+3, SA = 1+4
        obiBand: 3 / 13, // (8 - 5) / 13
        wmid: 605 / 6, // (100·1 + 101·5) / 6
        ofi: 0,
        ofiDecay: 0,
        ofiNorm: 0,
        mlofi: [0, 0],
        z: 0,
        zReady: false, // first valid message
      },
      {
        valid: true,
        l1: 4 / 6,
        obiN: -3 / 19, // (5+3 - 11) / (8 + 11): a short side sums what it has
        obiW: 2 / 11, // (4 + ½·(3-4) + ¼·(0-6)) / (6 + ½·7 + ¼·6): missing bid level 3 counts as 0
        obiBand: 3 / 13,
        ofi: 0,
        mlofi: [0, 0], // levels 1 and 2 unchanged
      },
    ],
  },
  {
    name: 'obiBand: inclusive edges, and 0 when both band sums are 0',
    params: with_({ bandBps: 5000 }), // x = 50%: 1 ∓ 0.5 are exact, so the edges are exact f64 values
    messages: [
      // mid 100, band [50, 150]: bids 99 and 50 in, 49 out; asks 101 and 150 in, 151 out
      msg(1n, [bid(99, 1), bid(50, 2), bid(49, 100), ask(101, 4), ask(150, 8), ask(151, 100)]),
      // after a reset, touch 10 / 400: mid 205, band [102.5, 307.5] holds no level at all
      msg(2n, [bid(10, 1), ask(400, 1)], true),
    ],
    expect: [
      { obiBand: -9 / 15 }, // SB = 1+2 = 3, SA = 4+8 = 12: (3 - 12) / 15
      { valid: true, obiBand: 0, spread: 390, l1: 0 }, // SB = SA = 0 -> 0, not NaN
    ],
  },
  {
    name: 'CKS ofi: bid up/same/down × ask down/same/up',
    params: with_({ ofiLevels: 1 }),
    messages: cksCases.flatMap(([b, a]) => [
      msg(0n, [bid(100, 5), ask(104, 7)], true), // baseline after a reset
      msg(S, [...bidCase[b], ...askCase[a]]),
    ]),
    // First valid after reset: 0. Then e as tabled, and ofiDecay = k·0 + e = e.
    expect: cksCases.flatMap(([, , e]) => [
      { valid: true, ofi: 0 },
      { valid: true, ofi: e, ofiDecay: e, mlofi: [e] },
    ]),
  },
  {
    name: 'multi-level OFI by index: levels appear, shift rank and vanish',
    params: small, // M = 2, k = ½ per 1 s
    messages: [
      msg(0n, [bid(100, 5), ask(104, 7), ask(105, 3)]), // bid level 2 missing
      msg(1n * S, [bid(99, 4), ask(105, 0)]), // bid L2 appears, ask L2 vanishes
      msg(2n * S, [bid(101, 2)]), // new best bid pushes 100x5 to L2 and 99x4 to L3
      msg(3n * S, [bid(101, 0)]), // and it goes again: same sizes, ranks shift back
      msg(4n * S, [ask(106, 2)]), // ask L2 appears
      msg(5n * S, [bid(99, 0)]), // bid L2 vanishes
    ],
    expect: [
      { ofi: 0, mlofi: [0, 0] },
      // e1 = (5-5) - (7-7) = 0; e2 = bid appears +4, ask vanishes +3 = 7. mlofi = ½·0 + e
      { ofi: 0, mlofi: [0, 7] },
      // e1: bid up 101 > 100 -> +2, ask same 0. e2: bid 100 > 99 -> +5, ask missing both times: 0
      { ofi: 2, ofiDecay: 2, mlofi: [2, 8.5] }, // [½·0 + 2, ½·7 + 5]
      // e1: bid 100 < 101 -> -2. e2: bid 99 < 100 -> -5: offsets the rank shift above
      { ofi: -2, ofiDecay: -1, mlofi: [-1, -0.75] }, // [½·2 - 2, ½·8.5 - 5]
      // e1 = 0; e2: bid 99x4 same 0, ask appears -qA_n = -2
      { ofi: 0, ofiDecay: -0.5, mlofi: [-0.5, -2.375] }, // [½·-1, ½·-0.75 - 2]
      // e1 = 0; e2: bid vanishes -qB_{n-1} = -4, ask 106x2 same 0
      { ofi: 0, ofiDecay: -0.25, mlofi: [-0.25, -5.1875] }, // [½·-0.5, ½·-2.375 - 4]
    ],
  },
  {
    name: 'ofiDecay, depth average, ofiNorm and past-only z of ofiNorm (k = ½ per s, Δt clamped at 0)',
    params: with_({ zWindow: 2 }), // zSource 6 = ofiNorm
    messages: [
      msg(1n * S, [bid(100, 4), ask(102, 6)]),
      msg(2n * S, [bid(100, 10)]), // Δt 1 s: k = ½
      msg(2n * S, [ask(102, 2)]), // Δt 0: k = 1
      msg(1_500_000_000n, [bid(100, 7)]), // Δt -0.5 s -> max(0, ·) = 0: k = 1
      msg(2_500_000_000n, [bid(100, 11)]), // Δt from the previous message's 1.5 s, not the latest 2 s: k = ½
    ],
    expect: [
      // depth = d = (4+6)/2 = 5; window [] -> z 0
      { ofi: 0, ofiDecay: 0, ofiNorm: 0, z: 0, zReady: false },
      // e = 10 - 4 = 6; ofiDecay = ½·0 + 6; d = 8, depth = 5 + ½·(8-5) = 6.5; window [0] not full
      { ofi: 6, ofiDecay: 6, ofiNorm: 12 / 13, z: 0, zReady: false },
      // e = -(2-6) = 4; ofiDecay = 6 + 4 = 10; depth stays 6.5 (1 - k = 0)
      // window [0, 12/13]: mean 6/13, std 6/13 -> z = (20/13 - 6/13) / (6/13) = 7/3
      { ofi: 4, ofiDecay: 10, ofiNorm: 20 / 13, z: 7 / 3, zReady: true },
      // e = 7 - 10 = -3; ofiDecay = 10 - 3 = 7; depth 6.5
      // window [12/13, 20/13]: mean 16/13, std 4/13 -> z = (14/13 - 16/13) / (4/13) = -1/2
      { ofi: -3, ofiDecay: 7, ofiNorm: 14 / 13, z: -0.5, zReady: true },
      // e = 11 - 7 = 4; ofiDecay = ½·7 + 4 = 7.5; d = (11+2)/2 = 6.5, depth = 6.5 + ½·0 = 6.5
      // window [20/13, 14/13]: mean 17/13, std 3/13 -> z = (15/13 - 17/13) / (3/13) = -2/3
      { ofi: 4, ofiDecay: 7.5, ofiNorm: 15 / 13, z: -2 / 3, zReady: true },
    ],
  },
  {
    name: 'decay with τ = 1 s and Δt = 0.5 s (k = e^-0.5)',
    params: with_({ tauNs: 1e9 }),
    messages: [msg(0n, [bid(100, 4), ask(102, 6)]), msg(500_000_000n, [bid(100, 8)]), msg(1_000_000_000n, [ask(102, 3)])],
    expect: [
      { ofiDecay: 0, ofiNorm: 0 }, // depth 5
      // e = 8 - 4 = 4; d = (8+6)/2 = 7, depth = 5 + (1-k)·(7-5) = 7 - 2k
      { ofi: 4, ofiDecay: 4, ofiNorm: 4 / (7 - 2 * Math.exp(-0.5)) },
      // e = -(3-6) = 3; ofiDecay = 4k + 3; d = (8+3)/2 = 5.5, depth = (7-2k) + (1-k)·(5.5 - (7-2k))
      {
        ofi: 3,
        ofiDecay: 4 * Math.exp(-0.5) + 3,
        ofiNorm: (4 * Math.exp(-0.5) + 3) / (7 - 2 * Math.exp(-0.5) + (1 - Math.exp(-0.5)) * (5.5 - (7 - 2 * Math.exp(-0.5)))),
      },
    ],
  },
  {
    name: 'z-score of ofi: warm-up, then known values (W = 3)',
    params: with_({ zSource: 4 }),
    messages: [
      msg(0n, [bid(100, 5), ask(102, 5)]),
      msg(1n, [bid(100, 6)]), // e = +1
      msg(2n, [bid(100, 8)]), // e = +2
      msg(3n, [bid(100, 12)]), // e = +4
      msg(4n, [bid(100, 11)]), // e = -1
    ],
    expect: [
      { ofi: 0, z: 0, zReady: false }, // window []
      { ofi: 1, z: 0, zReady: false }, // window [0]
      { ofi: 2, z: 0, zReady: false }, // window [0, 1]
      // window [0,1,2]: mean 1, var (1+0+1)/3 = 2/3 -> z = (4-1) / √(2/3) — never includes X_n itself
      { ofi: 4, z: 3 / Math.sqrt(2 / 3), zReady: true },
      // window [1,2,4]: mean 7/3, var (16+1+25)/27 = 14/9 -> z = (-1 - 7/3) / (√14/3) = -10/√14
      { ofi: -1, z: -10 / Math.sqrt(14), zReady: true },
    ],
  },
  {
    name: 'z-score: a full window with std 0 is not ready',
    params: with_({ zSource: 4 }),
    messages: [
      msg(0n, [bid(100, 5), ask(102, 5)]),
      msg(1n, []), // e = 0
      msg(2n, []), // e = 0
      msg(3n, []), // window [0,0,0] full, std 0
      msg(4n, [bid(100, 8)]), // e = 3, window [0,0,0]
      msg(5n, []), // e = 0, window [0,0,3]
    ],
    expect: [
      null,
      null,
      null,
      { ofi: 0, z: 0, zReady: false },
      { ofi: 3, z: 0, zReady: false },
      { ofi: 0, z: -1 / Math.SQRT2, zReady: true }, // mean 1, var (1+1+4)/3 = 2: (0-1)/√2
    ],
  },
  {
    name: 'reset forgets the previous state, decayed sums, depth and z window',
    params: with_({ zSource: 4, zWindow: 2 }),
    messages: [
      msg(0n, [bid(100, 5), ask(102, 5)], true),
      msg(1n * S, [bid(100, 8)]),
      // Without the reset this would be e = -8 (bid down) - 2 (ask down) and z would be ready (window [0, 3]).
      msg(2n * S, [bid(90, 1), ask(95, 2)], true),
      msg(3n * S, [bid(90, 3)]),
      msg(4n * S, [ask(95, 1)]),
    ],
    expect: [
      { ofi: 0, ofiNorm: 0 },
      // e = 3; d 6.5, depth = 5 + ½·1.5 = 5.75; ofiNorm = 3 / 5.75
      { ofi: 3, ofiDecay: 3, ofiNorm: 12 / 23, zReady: false },
      // depth = d = (1+2)/2 = 1.5; window emptied
      { valid: true, bestBid: 90, bestAsk: 95, ofi: 0, ofiDecay: 0, ofiNorm: 0, mlofi: [0, 0], z: 0, zReady: false },
      // e = 2; ofiDecay = ½·0 + 2; d 2.5, depth = 1.5 + ½·1 = 2; window [0]
      { ofi: 2, ofiDecay: 2, ofiNorm: 1, zReady: false },
      // e = -(1-2) = 1; ofiDecay = ½·2 + 1 = 2; d 2, depth 2; window [0, 2]: mean 1, std 1 -> z = (1-1)/1
      { ofi: 1, ofiDecay: 2, ofiNorm: 1, z: 0, zReady: true },
    ],
  },
  {
    name: 'locked, crossed and one-sided books are skipped and change no state',
    params: with_({ zSource: 4, zWindow: 2 }),
    messages: [
      msg(0n, [bid(100, 5), ask(102, 5)]),
      msg(1n * S, [bid(102, 1)]), // locked: 102 >= 102
      msg(2n * S, [bid(103, 1)]), // crossed
      msg(3n * S, [bid(102, 0), bid(103, 0), ask(102, 0)]), // no asks
      msg(4n * S, [ask(102, 4)]), // valid again, against the state of t = 0
      msg(5n * S, [bid(100, 0)]), // no bids
      msg(6n * S, [bid(100, 5)], true), // reset into a one-sided book
      msg(7n * S, [ask(101, 3)]), // first valid message after that reset
    ],
    expect: [
      { valid: true, ofi: 0 },
      { valid: false, zReady: false },
      { valid: false, zReady: false },
      { valid: false, zReady: false },
      // e = -(4-5) = +1; Δt = 4 s: k = 1/16; ofiDecay = 1; d 4.5, depth = 5 + (15/16)·(4.5-5) = 145/32;
      // window [0] (skipped messages added nothing) -> not ready
      { valid: true, ofi: 1, ofiDecay: 1, ofiNorm: 32 / 145, zReady: false },
      { valid: false },
      { valid: false },
      // versus t = 4 s it would be bid same 0, ask down -3; after the reset it is 0. depth = (5+3)/2
      { valid: true, ofi: 0, ofiDecay: 0, ofiNorm: 0, spread: 1, zReady: false },
    ],
  },
];

/** Path of a Bitget fixture; tests run with cwd = the repository root (fixtures: test/fixtures/bitget/README.md). */
export function fixturePath(name: string): string {
  return `${process.cwd()}/test/fixtures/bitget/${name}`;
}

export interface WireBook {
  bids: Array<[string, string]>;
  asks: Array<[string, string]>;
  checksum: number;
}

/** The real A2ZUSDT snapshot + update (see the fixture's README); strings are read from the file at test time. */
export const a2zChecksumVector = {
  file: 'spot-a2zusdt-books-checksum.jsonl',
  inst: { priceScale: 6, priceStep: 1, sizeScale: 1, sizeStep: 1 },
  checksumBeforeUpdate: -104022879, // bid 0.00348 still present: the wrong-checksum case
  checksumAfterUpdate: 1041484092, // the update's own `checksum`
  load(): { snapshot: WireBook; update: WireBook } {
    const frames = readFileSync(fixturePath(this.file), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { action: string; data: WireBook[] });
    const pick = (action: string): WireBook => {
      const f = frames.find((x) => x.action === action);
      if (f === undefined || f.data[0] === undefined) throw new Error(`${this.file}: no ${action} frame`);
      return f.data[0];
    };
    return { snapshot: pick('snapshot'), update: pick('update') };
  },
};
