// The hand-worked signal vectors (test/vectors/signals.ts) run through the CORE, record by record, exactly as the
// engine sees them in production: level records into a staging area, engine.apply, then the instrument's last
// signal record. Plus a few core-specific cases the reference does not cover (zSource by mlofi field, configure()).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Engine,
  writeLevel,
  writeClear,
  writeMsgEnd,
  REC_SIZE,
  type Core,
  type Instrument,
  type SignalSnapshot,
  type SignalParams,
} from '../../src/core/index';
import { testCore } from '../helpers/core';
import { RefBook } from '../reference/book';
import { RefSignals, type SignalOut, type SignalParams as RefSignalParams } from '../reference/signals';
import { signalVectors, type VectorMessage } from '../vectors/signals';

let core: Core;
let stage: number; // staging area for the records of one message
const STAGE_RECORDS = 64;

test.before(async () => {
  core = await testCore();
  stage = core.x.coreAlloc(STAGE_RECORDS * REC_SIZE);
});

/** The reference takes zSource as a field id only; these cases give it one. */
function refParams(p: SignalParams): RefSignalParams {
  if (typeof p.zSource !== 'number') throw new Error(`refParams: zSource ${p.zSource} is not a field id`);
  return { ...p, zSource: p.zSource };
}

function close(actual: number, expected: number, what: string, rel = 1e-9, abs = 1e-12): void {
  const ok = Math.abs(actual - expected) <= rel * Math.abs(expected) + abs;
  assert.ok(ok, `${what}: got ${actual}, expected ${expected}`);
}

function newInstrument(params: Partial<SignalParams>): { engine: Engine; inst: Instrument } {
  const engine = new Engine(core, 1);
  const inst = engine.addInstrument(0, { priceScale: 0, sizeScale: 0, levelsPerSide: 64, zCapacity: 64 });
  inst.configure(params);
  return { engine, inst };
}

/**
 * Writes one whole message as records and applies them. `clear` prepends a book clear (flagged reset when
 * `reset`); a message without changes ends with a msgEnd record, otherwise its last level record carries `last`.
 */
function applyMessage(engine: Engine, m: VectorMessage, clear: boolean): void {
  let n = 0;
  const localTs = m.localTsNs;
  if (clear || m.reset) writeClear(core, stage + REC_SIZE * n++, 0, { reset: true, localTs });
  m.changes.forEach((c, i) => {
    writeLevel(core, stage + REC_SIZE * n++, {
      inst: 0,
      side: c.side,
      price: c.price,
      qty: c.qty,
      priceDec: 0,
      sizeDec: 0,
      localTs,
      last: i === m.changes.length - 1,
    });
  });
  if (m.changes.length === 0) writeMsgEnd(core, stage + REC_SIZE * n++, 0, { localTs });
  assert.ok(n <= STAGE_RECORDS, 'staging area too small');
  engine.apply(stage, n);
}

/** Compares the core's signal record with a partial expected output (docs/signals.md field names). */
function check(got: SignalSnapshot, exp: Partial<SignalOut>, where: string): void {
  if (exp.valid === false) {
    // The core reports the best prices of a one-sided book differently (sentinels): only validity is comparable.
    assert.is(got.valid, false, `${where}.valid`);
    return;
  }
  for (const [key, want] of Object.entries(exp)) {
    const g = got[key as keyof SignalSnapshot];
    if (Array.isArray(want)) {
      assert.ok(Array.isArray(g), `${where}.${key} is not an array`);
      const arr = g as number[];
      assert.ok(arr.length >= want.length, `${where}.${key}: core has ${arr.length} entries, expected ${want.length}`);
      want.forEach((w, i) => close(arr[i]!, w as number, `${where}.${key}[${i}]`));
      for (let i = want.length; i < arr.length; i++) assert.is(arr[i], 0, `${where}.${key}[${i}] beyond ofiLevels`);
    } else if (typeof want === 'number') {
      close(g as number, want, `${where}.${key}`);
    } else {
      assert.is(g, want, `${where}.${key}`);
    }
  }
}

/** Runs messages through the core; returns the signal record after each. The first message starts from a clear. */
function runCore(params: SignalParams, messages: VectorMessage[]): { outs: SignalSnapshot[]; inst: Instrument } {
  const { engine, inst } = newInstrument(params);
  const outs = messages.map((m, i) => {
    applyMessage(engine, m, i === 0);
    return inst.lastSignal();
  });
  return { outs, inst };
}

for (const v of signalVectors) {
  test(`core vector: ${v.name}`, () => {
    assert.is(v.expect.length, v.messages.length, 'one expectation per message');
    const { outs, inst } = runCore(v.params, v.messages);
    outs.forEach((out, i) => {
      const exp = v.expect[i];
      if (exp) check(out, exp, `message ${i}`);
    });
    assert.is(inst.counter('messages'), v.messages.length, 'one message counted per message');
    assert.is(inst.counter('ignored'), 0, 'no level record was dropped as unsynced');
    assert.ok(inst.synced, 'still synced');
  });
}

// --- core-specific, hand-checked ------------------------------------------------------------------------------

// The 'multi-level OFI by index' vector's messages: mlofi[2] takes 0, 7, 8.5, -0.75, -2.375, -5.1875 (k = ½ per s).
const mlofiVector = signalVectors.find((v) => v.name.startsWith('multi-level OFI by index'))!;

test('zSource selecting a mlofi field (id 10 = mlofi[2]): past-only z of the level-2 OFI', () => {
  const params: SignalParams = { ...mlofiVector.params, zSource: 10, zWindow: 3 };
  const { outs } = runCore(params, mlofiVector.messages);
  const expect: Array<Partial<SignalOut>> = [
    { mlofi: [0, 0], z: 0, zReady: false }, // window []
    { mlofi: [0, 7], z: 0, zReady: false }, // window [0]
    { mlofi: [2, 8.5], z: 0, zReady: false }, // window [0, 7]
    // window [0, 7, 8.5]: mean 31/6, E[x²] = 121.25/3 = 1455/36, var = (1455 - 961)/36 = 247/18
    // z = (-0.75 - 31/6) / √(247/18) = (-71/12) / √(247/18)
    { mlofi: [-1, -0.75], z: -71 / 12 / Math.sqrt(247 / 18), zReady: true },
    // window [7, 8.5, -0.75]: mean 59/12, E[x²] = 121.8125/3 = 5847/144, var = (5847 - 3481)/144 = 1183/72
    // z = (-2.375 - 59/12) / √(1183/72) = (-175/24) / √(1183/72)
    { mlofi: [-0.5, -2.375], z: -175 / 24 / Math.sqrt(1183 / 72), zReady: true },
    // window [8.5, -0.75, -2.375]: mean 43/24, E[x²] = 78.453125/3 = 15063/576, var = (15063 - 1849)/576 = 6607/288
    // z = (-5.1875 - 43/24) / √(6607/288) = (-335/48) / √(6607/288)
    { mlofi: [-0.25, -5.1875], z: -335 / 48 / Math.sqrt(6607 / 288), zReady: true },
  ];
  outs.forEach((out, i) => check(out, expect[i]!, `message ${i}`));

  // The same through the reference, so the hand arithmetic above is checked twice.
  const book = new RefBook();
  const sig = new RefSignals(refParams(params));
  mlofiVector.messages.forEach((m, i) => {
    for (const c of m.changes) book.set(c.side, c.price, c.qty, 0, 0);
    const ref = sig.onMessage(book, m.localTsNs);
    close(ref.z, expect[i]!.z!, `reference z at message ${i}`);
  });
});

test('zSource by name: "mlofi" is mlofi[1], the same recursion as ofiDecay', () => {
  const named = runCore({ ...mlofiVector.params, zSource: 'mlofi', zWindow: 2 } as SignalParams, mlofiVector.messages);
  const byId = runCore({ ...mlofiVector.params, zSource: 4, zWindow: 2 }, mlofiVector.messages);
  // mlofi[1] and ofiDecay are the same recursion; ofi differs, so compare with zSource 5 (ofiDecay).
  const decay = runCore({ ...mlofiVector.params, zSource: 5, zWindow: 2 }, mlofiVector.messages);
  named.outs.forEach((o, i) => {
    close(o.z, decay.outs[i]!.z, `z(mlofi[1]) = z(ofiDecay) at ${i}`);
    assert.is(o.zReady, decay.outs[i]!.zReady, `zReady at ${i}`);
  });
  // And ofi itself is a different series here (message 3: ofi -2 vs ofiDecay -1), so the id really selects.
  assert.ok(
    byId.outs.some((o, i) => Math.abs(o.z - decay.outs[i]!.z) > 1e-6),
    'zSource 4 and 5 differ',
  );
});

test('configure() rejects out-of-range parameters with a RangeError', () => {
  const { inst } = newInstrument({ zWindow: 64 }); // the defaults' zWindow 100 exceeds this zCapacity of 64
  const bad: Array<[string, Partial<SignalParams>]> = [
    ['ofiLevels 11', { ofiLevels: 11 }],
    ['ofiLevels 0', { ofiLevels: 0 }],
    ['obiLevels 0', { obiLevels: 0 }],
    ['obiLevels 65', { obiLevels: 65 }],
    ['zWindow above zCapacity (64)', { zWindow: 65 }],
    ['zWindow 1', { zWindow: 1 }],
    ['tauNs 0', { tauNs: 0 }],
    ['tauNs -1', { tauNs: -1 }],
    ['tauNs NaN', { tauNs: NaN }],
    ["zSource 'z'", { zSource: 'z' }],
    ['zSource 8 (z)', { zSource: 8 }],
    ['zSource beyond the configured mlofi levels', { ofiLevels: 2, zSource: 11 }],
    ['zSource -1', { zSource: -1 }],
    ['zSource not a field name', { zSource: 'nope' as SignalParams['zSource'] }],
  ];
  // Every case is otherwise valid (zWindow 64 fits), so each one fails for its own reason only.
  inst.configure({ zWindow: 64 });
  for (const [what, p] of bad) {
    assert.throws(
      () => inst.configure({ zWindow: 64, ...p }),
      (e: unknown) => e instanceof RangeError,
      what,
    );
  }
  // The edges themselves are accepted.
  inst.configure({ ofiLevels: 10, obiLevels: 64, zWindow: 64, zSource: 18 });
  inst.configure({ ofiLevels: 1, obiLevels: 1, zWindow: 2, zSource: 9, tauNs: 1e-3 });
  inst.configure({ zSource: 'wmid', zWindow: 64 });
  // Defaults fill the rest: their zWindow 100 does not fit a zCapacity of 64.
  assert.throws(
    () => inst.configure({}),
    (e: unknown) => e instanceof RangeError,
    'default zWindow 100 > 64',
  );
});

test('the engine ignores level records until the first book clear', () => {
  const { engine, inst } = newInstrument(mlofiVector.params);
  applyMessage(
    engine,
    {
      changes: [
        { side: 1, price: 100, qty: 5 },
        { side: 2, price: 101, qty: 5 },
      ],
      localTsNs: 1n,
    },
    false,
  );
  assert.is(inst.book.depth(1), 0);
  assert.is(inst.counter('ignored'), 2);
  assert.is(inst.synced, false);
  applyMessage(
    engine,
    {
      changes: [
        { side: 1, price: 100, qty: 5 },
        { side: 2, price: 101, qty: 5 },
      ],
      localTsNs: 2n,
    },
    true,
  );
  assert.is(inst.book.depth(1), 1);
  assert.is(inst.lastSignal().valid, true);
});

// Bid 100 / ask 102 with the bid size stepped so that ofi (= the bid size change) takes chosen values.
function ofiSeries(sizes: Array<number | null>): VectorMessage[] {
  return sizes.map((q, i) => ({
    localTsNs: BigInt(i + 1),
    changes:
      i === 0
        ? [
            { side: 1, price: 100, qty: q! },
            { side: 2, price: 102, qty: 10 },
          ]
        : q === null
          ? []
          : [{ side: 1, price: 100, qty: q }],
  }));
}
const zOfOfi = (zWindow: number): SignalParams => ({ ...mlofiVector.params, ofiLevels: 1, zSource: 4, zWindow });

test('z: a window of equal integers has std exactly 0 (W 3, ofi 0, 2, 2, 2, -3)', () => {
  const { outs } = runCore(zOfOfi(3), ofiSeries([10, 12, 14, 16, 13]));
  const expect: Array<Partial<SignalOut>> = [
    { ofi: 0, zReady: false },
    { ofi: 2, zReady: false },
    { ofi: 2, zReady: false },
    // window [0, 2, 2]: mean 4/3, var (16/9 + 4/9 + 4/9)/3 = 8/9 -> z = (2 - 4/3)/√(8/9) = 1/√2
    { ofi: 2, z: Math.SQRT1_2, zReady: true },
    { ofi: -3, z: 0, zReady: false }, // window [2, 2, 2]: std 0
  ];
  outs.forEach((out, i) => check(out, expect[i]!, `message ${i}`));
});

test('z once a 1e12 outlier has left the window (W 3, ofi 0, 1e12, 0, 1, 2, 3)', () => {
  const b = 1e12 + 10;
  const { outs } = runCore(zOfOfi(3), ofiSeries([10, b, null, b + 1, b + 3, b + 6]));
  // window [0, 1, 2]: mean 1, var 2/3 -> z = (3 - 1)/√(2/3) = √6
  check(outs[5]!, { ofi: 3, z: Math.sqrt(6), zReady: true }, 'message 5');
});

test('z once a 1e12 outlier has left the window (W 2, ofi 0, 1e12, 1e12, 0, 1, 2)', () => {
  const b = 1e12 + 10;
  const { outs } = runCore(zOfOfi(2), ofiSeries([10, b, b + 1e12, null, b + 1e12 + 1, b + 1e12 + 3]));
  check(outs[3]!, { ofi: 0, z: 0, zReady: false }, 'message 3'); // window [1e12, 1e12]: std 0
  check(outs[4]!, { ofi: 1, zReady: true }, 'message 4'); // window [1e12, 0]
  check(outs[5]!, { ofi: 2, z: 3, zReady: true }, 'message 5'); // window [0, 1]: mean ½, std ½ -> (2 - ½)/½ = 3
});

test('z agrees with the reference to the bit for every window size (summation order of docs/signals.md)', () => {
  // l1 = (qb − qa)/(qb + qa) is not an integer, so each summation order rounds its own way: only the documented
  // order matches the reference on every message
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (const W of [2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 16, 17, 23, 31, 33, 63, 64]) {
    const params: SignalParams = { ...mlofiVector.params, zSource: 0, zWindow: W };
    const messages: VectorMessage[] = Array.from({ length: W * 3 + 5 }, (_, i) => ({
      localTsNs: BigInt(i + 1),
      changes: [
        { side: 1, price: 100, qty: 1 + Math.floor(rand() * (rand() < 0.1 ? 1e9 : 1000)) },
        { side: 2, price: 102, qty: 1 + Math.floor(rand() * 1000) },
      ],
    }));
    const { outs } = runCore(params, messages);
    const book = new RefBook();
    const ref = new RefSignals(refParams(params));
    messages.forEach((m, i) => {
      for (const c of m.changes) book.set(c.side as 1 | 2, c.price, c.qty, 0, 0);
      const want = ref.onMessage(book, m.localTsNs);
      assert.is(outs[i]!.zReady, want.zReady, `W ${W}, message ${i}: zReady`);
      assert.ok(Object.is(outs[i]!.z, want.z), `W ${W}, message ${i}: core z ${outs[i]!.z}, reference ${want.z}`);
    });
  }
});

test('obiBand edge is the f64 value mid·(1 + x/10⁴) of docs/signals.md (bandBps 272, mid 312.5)', () => {
  // x/10⁴ = 272/1e4 and 1 + that round so that 312.5·(1 + 272/1e4) = 320.99999999999994 in f64 (321 in exact
  // arithmetic): per the doc's f64 comparison the ask at 321 is outside the band, so SA = 1 (the 313 level only).
  // Computing x as 272·1e-4 instead rounds differently (321.00000000000006 -> 321 is in).
  const hi = 312.5 * (1 + 272 / 1e4);
  assert.ok(hi < 321, `f64 band edge ${hi}`);
  const params: SignalParams = { ...mlofiVector.params, bandBps: 272 };
  const m: VectorMessage = {
    localTsNs: 1n,
    changes: [
      { side: 1, price: 312, qty: 1 },
      { side: 2, price: 313, qty: 1 },
      { side: 2, price: 321, qty: 5 },
    ],
  };
  const book = new RefBook();
  for (const c of m.changes) book.set(c.side, c.price, c.qty, 0, 0);
  const ref = new RefSignals(refParams(params)).onMessage(book, 1n);
  close(ref.obiBand, 0, 'reference obiBand'); // SB = 1 (312), SA = 1 (313)
  const { outs } = runCore(params, [m]);
  close(outs[0]!.obiBand, 0, 'core obiBand (SB 1, SA 1; 321 is outside)');
});

test.run();
