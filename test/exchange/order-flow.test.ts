import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Market } from '../../src/exchange/order-flow';
import type { BookLevel } from '../../src/exchange/sim-book';
import { DEFAULT_INSTRUMENTS, type Instrument } from '../../src/exchange/instruments';
import { mulberry32, deriveSeed } from '../../src/exchange/rng';

const T0 = 1_790_000_000_000;
const inst = (type: string, sym: string): Instrument => DEFAULT_INSTRUMENTS.find((i) => i.instType === type && i.symbol === sym)!;
const BTC = inst('USDT-FUTURES', 'BTCUSDT');
const A2Z = inst('SPOT', 'A2ZUSDT');
const snapshot = (m: Market) => JSON.stringify([m.bids(), m.asks(), m.nowMs]);

test('mulberry32 and deriveSeed are deterministic and distinct per label', () => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  const xs = Array.from({ length: 5 }, () => a());
  assert.equal(
    xs,
    Array.from({ length: 5 }, () => b()),
  );
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.is(deriveSeed(1, 'market', 'SPOT', 'BTCUSDT'), deriveSeed(1, 'market', 'SPOT', 'BTCUSDT'));
  assert.is.not(deriveSeed(1, 'market', 'SPOT', 'BTCUSDT'), deriveSeed(1, 'market', 'USDT-FUTURES', 'BTCUSDT'));
  assert.is.not(deriveSeed(1, 'x'), deriveSeed(2, 'x'));
});

test('same seed → same books and trades; the step size does not matter; another seed differs', () => {
  const a = new Market(BTC, 7, T0);
  const b = new Market(BTC, 7, T0);
  const c = new Market(BTC, 7, T0);
  const d = new Market(BTC, 8, T0);
  for (let i = 0; i < 100; i++) {
    a.step(100);
    b.step(100);
    d.step(100);
  }
  c.step(4000);
  c.step(3333);
  c.step(2667);
  assert.is(snapshot(a), snapshot(b));
  assert.is(snapshot(a), snapshot(c), 'step(100)×100 ≡ step(4000)+step(3333)+step(2667)');
  assert.equal(a.takeTrades(), c.takeTrades());
  assert.is.not(snapshot(a), snapshot(d));
});

test('the book never crosses, stays deep (≥ 400 levels/side on BTCUSDT) and sizes stay positive integers', () => {
  const m = new Market(BTC, 3, T0);
  let minLevels = Infinity;
  for (let i = 0; i < 1200; i++) {
    m.step(100);
    const bb = m.bestBid()!;
    const ba = m.bestAsk()!;
    assert.ok(bb < ba, `crossed at step ${i}: ${bb} ≥ ${ba}`);
    const n = m.levelCount();
    minLevels = Math.min(minLevels, n.bids, n.asks);
  }
  assert.ok(minLevels >= 400, `min levels per side ${minLevels}`);
  const bids = m.bids();
  const asks = m.asks();
  for (let i = 1; i < bids.length; i++) assert.ok(bids[i].priceTick < bids[i - 1].priceTick);
  for (let i = 1; i < asks.length; i++) assert.ok(asks[i].priceTick > asks[i - 1].priceTick);
  for (const l of [...bids, ...asks]) assert.ok(Number.isSafeInteger(l.qtyLot) && l.qtyLot > 0 && Number.isSafeInteger(l.priceTick));
});

test('takeChanges lists exactly the net level changes: replaying them rebuilds the book', () => {
  const m = new Market(A2Z, 11, T0);
  const bids = new Map(m.bids().map((l) => [l.priceTick, l.qtyLot]));
  const asks = new Map(m.asks().map((l) => [l.priceTick, l.qtyLot]));
  const apply = (side: Map<number, number>, ls: BookLevel[]) => {
    for (const l of ls) {
      assert.is.not(side.get(l.priceTick) ?? 0, l.qtyLot, 'a change must change something');
      if (l.qtyLot === 0) side.delete(l.priceTick);
      else side.set(l.priceTick, l.qtyLot);
    }
  };
  let changed = 0;
  for (let i = 0; i < 300; i++) {
    m.step(100);
    const c = m.takeChanges();
    changed += c.bids.length + c.asks.length;
    for (let k = 1; k < c.bids.length; k++) assert.ok(c.bids[k].priceTick < c.bids[k - 1].priceTick, 'bids descending');
    for (let k = 1; k < c.asks.length; k++) assert.ok(c.asks[k].priceTick > c.asks[k - 1].priceTick, 'asks ascending');
    apply(bids, c.bids);
    apply(asks, c.asks);
  }
  assert.ok(changed > 300);
  const sorted = (m: Map<number, number>, desc: boolean) =>
    [...m.entries()].sort((a, b) => (desc ? b[0] - a[0] : a[0] - b[0])).map(([priceTick, qtyLot]) => ({ priceTick, qtyLot }));
  assert.equal(sorted(bids, true), m.bids());
  assert.equal(sorted(asks, false), m.asks());
  assert.equal(m.takeChanges(), { bids: [], asks: [] });
});

test('market orders walk the book: increasing trade ids, taker side, prices monotone within one order', () => {
  const m = new Market(BTC, 5, T0);
  let last = 0n;
  let trades = 0;
  for (let i = 0; i < 600; i++) {
    m.step(100);
    const ts = m.takeTrades();
    for (const t of ts) {
      assert.ok(t.tradeId > last, 'tradeId strictly increasing');
      assert.ok(t.tradeId > 2n ** 53n, 'tradeId beyond 2^53');
      last = t.tradeId;
      assert.ok(t.qtyLot > 0 && Number.isSafeInteger(t.priceTick));
      assert.ok(t.tsMs >= T0 + i * 100 && t.tsMs <= T0 + (i + 1) * 100, 'trade time (whole ms) inside its step');
    }
    // Consecutive fills of one market order (same side, same ms) walk away from the touch.
    for (let k = 1; k < ts.length; k++) {
      if (ts[k].side === ts[k - 1].side && ts[k].tsMs === ts[k - 1].tsMs) {
        if (ts[k].side === 'buy') assert.ok(ts[k].priceTick >= ts[k - 1].priceTick);
        else assert.ok(ts[k].priceTick <= ts[k - 1].priceTick);
      }
    }
    trades += ts.length;
    assert.ok(m.asks(1).length === 1 && m.bids(1).length === 1, 'a side is never emptied');
  }
  assert.ok(trades > 100, `only ${trades} trades in 60 s`);
  assert.ok(m.counters.regimeSwitches >= 1, 'regimes switch (bursts / quiet spells)');
});

test('step rejects a negative or NaN dt', () => {
  const m = new Market(A2Z, 1, T0);
  assert.throws(() => m.step(-1), /dtMs must be ≥ 0/);
  assert.throws(() => m.step(NaN), /dtMs must be ≥ 0/);
});

test.run();
