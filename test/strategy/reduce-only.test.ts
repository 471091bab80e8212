// Reduce-only orders: never held back by entries that used the order rate limits up, but neither a way around them
// (they count, with an allowance of as many again) nor more than the position they reduce (with the reduce-only
// orders already working on their side), so a strategy that re-places its exits on every message cannot flood the venue.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fillEvent } from '../helpers/obi-ofi';
import { Run, scripted } from '../helpers/scripted';

/** Buys 1 lot, then places `n` reduce-only GTC sells of 1 lot on every book message. */
function exitsEveryMessage(n: number) {
  let entry: string | null = null;
  return new Run(
    scripted((ctx, m) => {
      if (entry === null) {
        entry = ctx.place({ side: 'buy', type: 'market', sizeLot: 1 });
        return;
      }
      if (m.position.lot <= 0) return;
      for (let i = 0; i < n; i++) ctx.place({ side: 'sell', sizeLot: 1, priceTick: m.book.bestAskTick + 50 + i, reduceOnly: true });
    }),
  );
}

test('reduce-only orders beyond the position they reduce are refused: counted and logged as a risk refusal', () => {
  const r = exitsEveryMessage(20);
  assert.equal(r.book(), ['place buy market x1']);
  r.send(fillEvent('rb-t-1', 'buy', 1001, 1, 0));
  assert.equal(r.book(), ['place sell limit 1051x1 ro'], 'one lot held: one reduce-only lot, the other 19 refused');
  assert.equal(r.book(), [], 'the next message: the working one already covers the position');
  assert.is(r.rt.counters['risk.denied.reduceOnlySize'], 39);
  assert.is(r.rt.counters['risk.denied'], 39);
  assert.match(
    r.logs().join('\n'),
    /warn refused sell 1 lot \(0\.001 BTC\) BTCUSDT at 105\.2 USDT \(tick 1052\): reduce-only: 1 lot \(0\.001 BTC\) and 1 lot \(0\.001 BTC\) working on that side would pass the position of 1 lot \(0\.001 BTC\) it reduces/,
  );
  // once its cancel is asked the working one no longer counts: a cancel and re-place in one handler goes
  const working = r.rt.ctx.market().orders[0].clientOid;
  r.rt.ctx.cancel(working);
  assert.ok(r.rt.ctx.place({ side: 'sell', sizeLot: 1, priceTick: 1060, reduceOnly: true }));
});

test('with nothing to reduce a reduce-only order is refused; the flatten is the runtime’s and always goes', () => {
  const r = new Run(scripted((ctx, m) => ctx.place({ side: 'sell', type: 'market', sizeLot: 1, reduceOnly: true }) ?? m));
  assert.equal(r.book(), []);
  assert.is(r.rt.counters['risk.denied.reduceOnlySize'], 1);
});

test('reduce-only orders count in the rate window and go past the limit only up to twice it; entries stop at the limit', () => {
  const r = new Run(
    scripted(() => {}),
    ['risk.maxPositionLot=100'],
  );
  const ctx = r.rt.ctx;
  r.book();
  const buy = ctx.place({ side: 'buy', type: 'market', sizeLot: 50 })!;
  r.send(fillEvent(buy, 'buy', 1001, 50, 0));
  // four more entries fill the limit of 5 a second
  for (let i = 0; i < 4; i++) assert.ok(ctx.place({ side: 'buy', sizeLot: 1, priceTick: 900 - i }), `entry ${i}`);
  assert.is(ctx.place({ side: 'buy', sizeLot: 1, priceTick: 890 }), null, 'a sixth entry is refused');
  // exits still go: five more, to twice the limit
  for (let i = 0; i < 5; i++) assert.ok(ctx.place({ side: 'sell', sizeLot: 1, priceTick: 1100 + i, reduceOnly: true }), `exit ${i}`);
  assert.is(ctx.place({ side: 'sell', sizeLot: 1, priceTick: 1110, reduceOnly: true }), null, 'the eleventh request in a second');
  assert.is(r.rt.counters['risk.denied.maxOrdersPerSecond'], 2);
  assert.match(r.logs().join('\n'), /order rate: 5 orders and price changes were sent in the last second \(max 5\)/);
  // a reduce-only order re-priced is a request the window counts too
  r.tick(1000);
  const exit = ctx.market().orders.find((o) => o.reduceOnly)!;
  r.send({ type: 'ack', clientOid: exit.clientOid, orderId: 'x' });
  const before = r.rt.counters['risk.denied.maxOrdersPerSecond'];
  for (let i = 0; i < 10; i++) {
    assert.ok(ctx.amend(exit.clientOid, { priceTick: 1200 + i }), `re-price ${i}`);
    r.send({ type: 'amendAck', clientOid: exit.clientOid, priceTick: 1200 + i, qtyLot: 1 });
  }
  assert.not.ok(ctx.amend(exit.clientOid, { priceTick: 1300 }), 'the eleventh re-price in a second is refused');
  assert.is(r.rt.counters['risk.denied.maxOrdersPerSecond'], before + 1);
});

test.run();
