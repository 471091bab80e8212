// The TypeScript reference checked against hand-worked vectors and a real Bitget checksum.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RefBook, parseFixed, renderFixed, type InstScale } from './reference/book.js';
import { crc32 } from './reference/crc32.js';
import { RefSignals, defaultSignalParams, type SignalOut } from './reference/signals.js';
import { a2zChecksumVector, signalVectors, type WireBook } from './vectors/signals.js';

function close(actual: number, expected: number, what: string): void {
  const ok = Math.abs(actual - expected) <= 1e-9 * Math.abs(expected) + 1e-12;
  assert.ok(ok, `${what}: got ${actual}, expected ${expected}`);
}

function check(out: SignalOut, exp: Partial<SignalOut>, where: string): void {
  for (const [key, want] of Object.entries(exp)) {
    const got = out[key as keyof SignalOut];
    if (Array.isArray(want)) {
      assert.ok(Array.isArray(got), `${where}.${key} is not an array`);
      const g = got as number[];
      assert.is(g.length, want.length, `${where}.${key}.length`);
      want.forEach((w, i) => close(g[i]!, w as number, `${where}.${key}[${i}]`));
    } else if (typeof want === 'number') {
      close(got as number, want, `${where}.${key}`);
    } else {
      assert.is(got, want, `${where}.${key}`);
    }
  }
}

for (const v of signalVectors) {
  test(`vector: ${v.name}`, () => {
    assert.is(v.expect.length, v.messages.length, 'one expectation per message');
    const book = new RefBook();
    const sig = new RefSignals(v.params);
    v.messages.forEach((m, i) => {
      if (m.reset) {
        book.clear();
        sig.reset();
      }
      for (const c of m.changes) book.set(c.side, c.price, c.qty, 0, 0);
      const out = sig.onMessage(book, m.localTsNs);
      const exp = v.expect[i];
      if (exp) check(out, exp, `message ${i}`);
    });
  });
}

test('default parameters follow docs/signals.md', () => {
  assert.equal(
    { ...defaultSignalParams },
    {
      obiLevels: 5,
      obiLambda: 0.5,
      bandBps: 10,
      ofiLevels: 5,
      tauNs: 1e9,
      zWindow: 100,
      zSource: 6,
    },
  );
  const out = new RefSignals(defaultSignalParams).onMessage(withLevels([[100, 1]], [[101, 1]]), 0n);
  assert.is(out.mlofi.length, 5);
});

test('an invalid message leaves the state alone', () => {
  const sig = new RefSignals({ ...defaultSignalParams, zSource: 4, zWindow: 2 });
  const book = withLevels([[100, 5]], [[102, 5]]);
  sig.onMessage(book, 0n);
  book.set(1, 102, 1, 0, 0); // locked
  assert.is(sig.onMessage(book, 1n).valid, false);
  book.set(1, 102, 0, 0, 0);
  book.set(1, 100, 9, 0, 0);
  close(sig.onMessage(book, 2n).ofi, 4, 'ofi against the last valid state'); // 9 - 5
});

// --- checksum -------------------------------------------------------------------------------------------------

function applyWire(book: RefBook, w: WireBook, inst: InstScale): void {
  for (const [side, levels] of [
    [1, w.bids],
    [2, w.asks],
  ] as const) {
    for (const [p, s] of levels) {
      const price = parseFixed(p, inst.priceScale);
      const size = parseFixed(s, inst.sizeScale);
      book.set(side, price.units / inst.priceStep, size.units / inst.sizeStep, price.dec, size.dec);
    }
  }
}

test('A2ZUSDT: real Bitget checksum before and after the update', () => {
  const v = a2zChecksumVector;
  const { snapshot, update } = v.load();
  const book = new RefBook();
  applyWire(book, snapshot, v.inst);
  assert.is(book.checksum(v.inst), v.checksumBeforeUpdate);
  applyWire(book, update, v.inst);
  assert.is(update.checksum, v.checksumAfterUpdate);
  assert.is(book.checksum(v.inst), v.checksumAfterUpdate);
  assert.ok(book.checksumString(v.inst).startsWith('0.003481:28208.5:0.003511:15645.9:0.003479:19173.6:'));
  assert.is(book.checksumString(v.inst).length, 817); // docs/bitget.md §2.2
});

test('Bitget doc examples: check strings and CRC', () => {
  const inst = { priceScale: 1, priceStep: 1, sizeScale: 0, sizeStep: 1 };
  const b = new RefBook();
  applyWire(
    b,
    {
      bids: [
        ['43231.1', '4'],
        ['43231', '6'],
      ],
      asks: [
        ['43232.8', '9'],
        ['43232.9', '8'],
      ],
      checksum: 0,
    },
    inst,
  );
  assert.is(b.checksumString(inst), '43231.1:4:43232.8:9:43231:6:43232.9:8');
  assert.is(b.checksum(inst), -1504501796);
  b.clear();
  applyWire(
    b,
    {
      bids: [['3366.1', '7']],
      asks: [
        ['3366.8', '9'],
        ['3368', '8'],
        ['3372', '8'],
      ],
      checksum: 0,
    },
    inst,
  );
  assert.is(b.checksumString(inst), '3366.1:7:3366.8:9:3368:8:3372:8');
  assert.is(b.checksum(inst), 831078360);
});

test('crc32 matches zlib', () => {
  assert.is(crc32(''), 0);
  assert.is(crc32('123456789'), 0xcbf43926 | 0);
});

test('fixed-point rendering and parsing', () => {
  assert.is(renderFixed(3480n, 6, 5), '0.00348');
  assert.is(renderFixed(8661870n, 2, 2), '86618.70');
  assert.is(renderFixed(8661800n, 2, 0), '86618');
  assert.is(renderFixed(5n, 1, 1), '0.5');
  assert.throws(() => renderFixed(3481n, 6, 5)); // would drop a digit
  assert.equal(parseFixed('30000.96', 2), { units: 3000096, dec: 2 });
  assert.equal(parseFixed('86618.70', 2), { units: 8661870, dec: 2 });
  assert.equal(parseFixed('52415', 1), { units: 524150, dec: 0 });
  assert.equal(parseFixed('0.00348', 6), { units: 3480, dec: 5 });
  assert.throws(() => parseFixed('0.0000001', 6));
  assert.throws(() => parseFixed('1e-7', 6));
  assert.throws(() => parseFixed('-1', 6));
});

// --- book -----------------------------------------------------------------------------------------------------

function withLevels(bids: Array<[number, number]>, asks: Array<[number, number]>): RefBook {
  const b = new RefBook();
  for (const [p, q] of bids) b.set(1, p, q, 0, 0);
  for (const [p, q] of asks) b.set(2, p, q, 0, 0);
  return b;
}

const prices = (b: RefBook, side: 1 | 2): number[] => Array.from({ length: b.depth(side) }, (_, i) => b.level(side, i)!.price);

test('book: level order, best prices', () => {
  const b = withLevels(
    [
      [98, 1],
      [100, 2],
      [99, 3],
    ],
    [
      [103, 1],
      [101, 2],
      [102, 3],
    ],
  );
  assert.equal(prices(b, 1), [100, 99, 98]);
  assert.equal(prices(b, 2), [101, 102, 103]);
  assert.is(b.bestBid(), 100);
  assert.is(b.bestAsk(), 101);
  assert.is(b.level(1, 3), undefined);
  assert.is(new RefBook().bestBid(), undefined);
  assert.is(new RefBook().bestAsk(), undefined);
});

test('book: insert, replace, delete, absent delete, clear', () => {
  const b = new RefBook();
  b.set(1, 100, 5, 2, 1);
  b.set(1, 100, 7, 3, 0); // replace updates the decimals too
  assert.equal(b.level(1, 0), { price: 100, qty: 7, priceDec: 3, sizeDec: 0 });
  assert.is(b.depth(1), 1);
  b.set(1, 99, 0, 0, 0); // absent: no-op
  b.set(2, 100, 0, 0, 0);
  assert.is(b.depth(1), 1);
  assert.is(b.depth(2), 0);
  b.set(1, 100, 0, 0, 0);
  assert.is(b.depth(1), 0);
  b.set(1, 100, 1, 0, 0);
  b.set(2, 101, 1, 0, 0);
  b.clear();
  assert.is(b.depth(1) + b.depth(2), 0);
  assert.throws(() => b.set(1, 100.5, 1, 0, 0));
  assert.throws(() => b.set(1, 100, -1, 0, 0));
});

test('book: "30000.96" at scale 2 is 3000096 ticks and qty 0 deletes it', () => {
  const b = new RefBook();
  const p = parseFixed('30000.96', 2);
  assert.is(p.units, 3000096);
  b.set(2, p.units, 12, p.dec, 0);
  b.set(2, parseFixed('30000.95', 2).units, 3, 2, 0);
  b.set(2, parseFixed('30000.96', 2).units, 0, 2, 0);
  assert.equal(prices(b, 2), [3000095]);
});

test('book: isCrossed', () => {
  assert.is(withLevels([[100, 1]], [[101, 1]]).isCrossed(), false);
  assert.is(withLevels([[101, 1]], [[101, 1]]).isCrossed(), true); // locked counts
  assert.is(withLevels([[102, 1]], [[101, 1]]).isCrossed(), true);
  assert.is(withLevels([[102, 1]], []).isCrossed(), false);
  assert.is(withLevels([], [[101, 1]]).isCrossed(), false);
});

test('book: bandDepth is inclusive on both ends', () => {
  const b = withLevels(
    [
      [100, 1],
      [99, 2],
      [97, 4],
      [95, 8],
    ],
    [
      [101, 1],
      [102, 2],
      [104, 4],
      [106, 8],
    ],
  );
  assert.is(b.bandDepth(1, 97, 100), 7);
  assert.is(b.bandDepth(1, 96, 99), 6);
  assert.is(b.bandDepth(1, 0, 1000), 15);
  assert.is(b.bandDepth(1, 98, 98), 0);
  assert.is(b.bandDepth(1, 101, 200), 0);
  assert.is(b.bandDepth(2, 102, 104), 6);
  assert.is(b.bandDepth(2, 101, 105), 7);
  assert.is(b.bandDepth(2, 90, 100), 0);
  assert.is(b.bandDepth(2, 107, 108), 0);
});

test.run();
