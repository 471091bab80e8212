import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Engine, parseDecimal, type Core, type Instrument } from '../../src/core/index';
import { testCore } from '../helpers/core';
import { frames, changes } from '../helpers/bitget';

let core: Core;
let engine: Engine;
let next = 0;
test.before(async () => {
  core = await testCore();
  engine = new Engine(core, 32);
});

function instrument(priceScale: number, sizeScale: number, levelsPerSide = 8192, priceStep = 1n, sizeStep = 1n): Instrument {
  return engine.addInstrument(next++, { priceScale, sizeScale, levelsPerSide, priceStep, sizeStep });
}

test('the original bug: 30000.96 is stored as 3000096 ticks and deleting it removes it', () => {
  const { book } = instrument(2, 4);
  const p = parseDecimal(core, '30000.96', 2);
  assert.is(p.value, 3000096n);
  book.set(1, p.value, 15000n, p.decimals, 4);
  book.set(1, parseDecimal(core, '30000.95', 2).value, 1n, 2, 4);
  assert.is(book.bestBid, 3000096);
  // the delete arrives as the same wire string with size "0"
  book.set(1, parseDecimal(core, '30000.96', 2).value, 0n);
  assert.is(book.depth(1), 1);
  assert.is(book.bestBid, 3000095);
});

test('set, replace, delete, delete of an absent level, clear, level order', () => {
  const { book } = instrument(0, 0);
  for (const p of [100, 98, 99, 97]) book.set(1, p, p);
  for (const p of [103, 101, 102]) book.set(2, p, p);
  assert.equal(
    [0, 1, 2, 3].map((i) => book.price(1, i)),
    [100, 99, 98, 97],
  );
  assert.equal(
    [0, 1, 2].map((i) => book.price(2, i)),
    [101, 102, 103],
  );
  assert.is(book.price(1, 4), undefined);
  assert.is(book.qty(2, 5), 0);
  book.set(1, 99, 7);
  assert.is(book.qty(1, 1), 7);
  assert.is(book.depth(1), 4);
  book.set(1, 50, 0);
  assert.is(book.depth(1), 4);
  book.set(2, 101, 0);
  assert.is(book.bestAsk, 102);
  assert.not.ok(book.crossed);
  book.set(1, 102, 1);
  assert.ok(book.crossed, 'bid at the ask is locked');
  book.set(1, 103, 1);
  assert.ok(book.crossed);
  book.clear();
  assert.is(book.depth(1), 0);
  assert.is(book.depth(2), 0);
  assert.is(book.bestBid, undefined);
  assert.not.ok(book.crossed, 'an empty book is not crossed');
});

test('band depth sums only levels inside the band, walking outwards from the touch', () => {
  const { book } = instrument(0, 0);
  for (let i = 0; i < 10; i++) {
    book.set(1, 100 - i, 1 + i);
    book.set(2, 101 + i, 10 * (1 + i));
  }
  assert.is(book.bandDepth(1, 98, 1000), 1 + 2 + 3);
  assert.is(book.bandDepth(2, 0, 102), 10 + 20);
  assert.is(book.bandDepth(1, 96, 98), 3 + 4 + 5);
  assert.is(book.bandDepth(2, 200, 300), 0);
});

test('thousands of levels per side, prices from 1e-8 to 1e6 quote units', () => {
  // tick 1e-8: 1e-8 is tick 1 and 1e6 is tick 1e14
  const { book } = instrument(8, 4, 8192);
  const bidPrices: bigint[] = [];
  for (let i = 0; i < 5000; i++) {
    const price = BigInt(Math.round(10 ** ((i / 5000) * 7))) + BigInt(i + 1); // 7 decades, distinct, above tick 1
    bidPrices.push(price);
    assert.ok(book.set(1, price, BigInt(i + 1), 8, 0));
  }
  const top = parseDecimal(core, '1000000', 8).value;
  assert.is(top, 100000000000000n);
  const bottom = parseDecimal(core, '0.00000001', 8).value;
  assert.ok(book.set(2, top, 1n, 0, 0));
  assert.ok(book.set(1, bottom, 5n, 8, 0));
  assert.is(book.depth(1), 5001);
  const sorted = [...new Set([...bidPrices, bottom])].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
  assert.is(book.depth(1), sorted.length);
  for (let i = 0; i < sorted.length; i += 97) assert.is(BigInt(book.price(1, i)!), sorted[i]);
  assert.is(book.price(1, book.depth(1) - 1), 1);
  assert.is(book.bestAsk, 1e14);
  for (const p of bidPrices) book.set(1, p, 0n);
  assert.is(book.depth(1), 1);
});

test('a full side refuses the insert, keeps the book intact and says so', () => {
  const { book } = instrument(0, 0, 4);
  for (let i = 0; i < 4; i++) assert.ok(book.set(1, 10 + i, 1));
  assert.not.ok(book.full);
  assert.not.ok(book.set(1, 5, 1));
  assert.ok(book.full);
  assert.is(book.depth(1), 4);
  assert.ok(book.set(1, 12, 9), 'updating an existing level still works');
  assert.ok(book.set(1, 10, 0));
  book.clear();
  assert.not.ok(book.full);
});

test('Bitget checksum on the real A2ZUSDT frames: -104022879 before the update, 1041484092 after', () => {
  const [snapshot, update] = frames('spot-a2zusdt-books-checksum.jsonl');
  const { book } = instrument(6, 1);
  for (const c of changes(core, snapshot.data[0], 6, 1)) book.set(c.side, c.price, c.qty, c.priceDec, c.sizeDec);
  assert.is(book.checksum(), -104022879);
  for (const c of changes(core, update.data[0], 6, 1)) book.set(c.side, c.price, c.qty, c.priceDec, c.sizeDec);
  assert.is(book.checksum(), update.data[0].checksum);
  assert.is(book.checksum(), 1041484092);
  const text = book.formatTop();
  assert.is(text.length, 817);
  assert.ok(text.startsWith('0.003481:28208.5:0.003511:15645.9:0.003479:19173.6:0.003512:52415:'));
  assert.ok(text.endsWith(':0.003413:140478.8:0.003572:136390.3'));
});

test('the top 25 print back exactly as the exchange sent them, trailing zeros included', () => {
  const { book } = instrument(2, 4);
  const wire: Array<[1 | 2, string, string]> = [
    [1, '86618.70', '0.0100'],
    [1, '86618.6', '3'],
    [2, '86619.00', '1.5'],
    [2, '86620', '0.0001'],
  ];
  for (const [side, p, s] of wire) {
    const price = parseDecimal(core, p, 2);
    const size = parseDecimal(core, s, 4);
    book.set(side, price.value, size.value, price.decimals, size.decimals);
  }
  assert.is(book.formatTop(), '86618.70:0.0100:86619.00:1.5:86618.6:3:86620:0.0001');
  assert.equal(book.wireDecimals(1, 0), { priceDec: 2, sizeDec: 4 });
});

test('checksum on an instrument grid: ticks × priceEndStep and lots × size step print the wire value', () => {
  // SBTCSUSDT-like: pricePlace 1, priceEndStep 5 (tick 0.5); volumePlace 3, sizeMultiplier 0.001 (lot step 1)
  const { book } = instrument(1, 3, 64, 5n, 1n);
  book.set(1, 60001n, 1500n, 1, 3); // 30000.5 : 1.500
  book.set(2, 60002n, 2n, 1, 3); // 30001.0 : 0.002
  assert.is(book.formatTop(), '30000.5:1.500:30001.0:0.002');
  // Bitget's own doc example: "43231.1:4:43232.8:9:43231:6:43232.9:8" → -1504501796
  const doc = instrument(1, 0);
  doc.book.set(1, 432311n, 4n, 1, 0);
  doc.book.set(1, 432310n, 6n, 0, 0);
  doc.book.set(2, 432328n, 9n, 1, 0);
  doc.book.set(2, 432329n, 8n, 1, 0);
  assert.is(doc.book.formatTop(), '43231.1:4:43232.8:9:43231:6:43232.9:8');
  assert.is(doc.book.checksum(), -1504501796);
});

test.run();
