// The gateway against the real local exchange (loopback, port 0): amend (modify-order under a gateway-made
// newClientOid, the strategy keeping its own), batch place and batch cancel, each order's answer as the event its own
// request would give. Markets are manual; waits are bounded and keyed to the event awaited.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startExchange, type Exchange } from '../../src/exchange/index';
import { BitgetGateway } from '../../src/gateway/gateway';
import type { Event } from '../../src/strategy/events';
import { LOCAL_DEMO_CREDENTIALS } from '../../src/gateway/signing';
import { fetchGrids, type InstrumentGrid } from '../../src/feed/instruments';
import { priceToTicks } from '../../src/gateway/units';
import { until } from './helpers';

interface Rig {
  ex: Exchange;
  gw: BitgetGateway;
  grid: InstrumentGrid;
  events: Event[];
  /** Events of one clientOid, by type. */
  of(clientOid: string): string[];
  bestBidTick(): number;
  bestAskTick(): number;
  open(): { clientOid: string; priceTick: number; sizeLots: number; filledLots: number; queueAheadLots: number }[];
}

async function withRig(fn: (r: Rig) => Promise<void>, amendKeepsQueue = false): Promise<void> {
  const ex = await startExchange({
    seed: 31,
    manual: true,
    symbols: ['USDT-FUTURES:BTCUSDT'],
    maxMessagesPerSec: 100_000,
    trading: { rateLimits: false, amendKeepsQueue },
  });
  const [grid] = await fetchGrids(ex.url.rest, 'USDT-FUTURES', ['BTCUSDT']);
  const events: Event[] = [];
  const gw = new BitgetGateway({
    credentials: LOCAL_DEMO_CREDENTIALS,
    mode: 'local',
    restUrl: ex.url.rest,
    wsUrl: ex.url.privateWs,
    grid,
    onEvent: (e) => events.push(e),
    syncClockOnStart: false,
  });
  const book = () => ex.market('USDT-FUTURES', 'BTCUSDT')!.book(1).levels;
  const ticks = (price: string) => priceToTicks(grid, price, 'test price');
  const rig: Rig = {
    ex,
    gw,
    grid,
    events,
    of: (clientOid) => events.filter((e) => 'clientOid' in e && e.clientOid === clientOid).map((e) => e.type),
    bestBidTick: () => ticks(book().bids[0][0]),
    bestAskTick: () => ticks(book().asks[0][0]),
    open: () => ex.trading!.account().openOrders,
  };
  try {
    await gw.start();
    await until('the first reconcile', () => events.some((e) => e.type === 'resynced'));
    await fn(rig);
  } finally {
    await gw.idle();
    await gw.stop();
    await ex.close();
  }
}

const place = (clientOid: string, priceTick: number, qtyLot: number, over: Record<string, unknown> = {}) => ({
  type: 'place' as const,
  clientOid,
  side: 'buy' as const,
  orderType: 'limit' as const,
  priceTick,
  qtyLot,
  force: 'gtc' as const,
  reduceOnly: false,
  ...over,
});

test('amend: modify-order under a new venue clientOid → amendAck, no cancelAck; fills and cancel keep the strategy clientOid', async () => {
  await withRig(async (r) => {
    const bid = r.bestBidTick();
    r.gw.handle(place('s1', bid - 5, 500));
    await until('ack', () => r.of('s1').includes('ack'));
    r.gw.handle({ type: 'amend', clientOid: 's1', priceTick: bid, qtyLot: 200 });
    await until('amendAck', () => r.of('s1').includes('amendAck'));
    await r.gw.idle();
    assert.equal(
      r.events.find((e) => e.type === 'amendAck'),
      { type: 'amendAck', clientOid: 's1', priceTick: bid, qtyLot: 200 },
    );
    const [venue] = r.open();
    assert.match(venue.clientOid, /^rbam-/, 'the venue knows it under the gateway-made newClientOid');
    assert.equal([venue.priceTick, venue.sizeLots], [bid, 200]);
    // Through the queue ahead, then 120 of ours: a fill of s1, as the strategy knows it
    r.ex.trading!.injectMarketOrder('BTCUSDT', 'sell', { lots: venue.queueAheadLots + 120 });
    await until('fill', () => r.of('s1').includes('fill'));
    const fill = r.events.find((e) => e.type === 'fill')!;
    assert.equal([fill.type === 'fill' && fill.qtyLot, fill.type === 'fill' && fill.remainingLot], [120, 80]);
    r.gw.handle({ type: 'reconcile' });
    await until('resynced', () => r.events.filter((e) => e.type === 'resynced').length === 2);
    const resynced = r.events.filter((e) => e.type === 'resynced').pop()!;
    assert.equal(resynced.type === 'resynced' && resynced.openOrders, [{ clientOid: 's1', side: 'buy', priceTick: bid, remainingLot: 80 }]);
    r.gw.handle({ type: 'cancel', clientOid: 's1' });
    await until('cancelAck', () => r.of('s1').includes('cancelAck'));
    await r.gw.idle();
    assert.equal(r.of('s1'), ['ack', 'amendAck', 'fill', 'cancelAck']);
    assert.equal(r.open(), []);
  });
});

test('amend refused: by the venue (post_only would take) → amendReject, the order as it was; a partly filled order locally', async () => {
  await withRig(async (r) => {
    const bid = r.bestBidTick();
    // one after the other: two orders' requests are in flight together, and may arrive in either order
    r.gw.handle(place('p1', bid, 500, { force: 'post_only' }));
    await until('ack p1', () => r.of('p1').includes('ack'));
    r.gw.handle(place('p2', bid, 500));
    await until('ack p2', () => r.of('p2').includes('ack'));
    r.gw.handle({ type: 'amend', clientOid: 'p1', priceTick: r.bestAskTick() });
    await until('amendReject', () => r.of('p1').includes('amendReject'));
    const rej = r.events.find((e) => e.type === 'amendReject')!;
    assert.equal(rej.type === 'amendReject' && rej.code, '43013');
    assert.equal(
      r.open().map((o) => [o.clientOid, o.priceTick, o.sizeLots]),
      [
        ['p1', bid, 500],
        ['p2', bid, 500],
      ],
    );
    r.ex.trading!.injectMarketOrder('BTCUSDT', 'sell', { lots: r.open()[0].queueAheadLots + 500 + 100 });
    await until('p2 partly filled', () => r.of('p2').includes('fill'));
    r.gw.handle({ type: 'amend', clientOid: 'p2', qtyLot: 300 });
    await until('amendReject', () => r.of('p2').includes('amendReject'));
    const partly = r.events.filter((e) => e.type === 'amendReject').pop()!;
    assert.equal(partly.type === 'amendReject' && partly.code, 'RB_ERR_GW_PARTLY_FILLED');
    r.gw.handle({ type: 'amend', clientOid: 'nobody', qtyLot: 300 });
    assert.equal(r.of('nobody'), ['amendReject']);
  });
});

test('amendKeepsQueue venue: an amendment down keeps the place, and the gateway sees it as one amendAck', async () => {
  await withRig(async (r) => {
    const bid = r.bestBidTick();
    r.gw.handle(place('k1', bid, 500));
    await until('ack k1', () => r.of('k1').includes('ack'));
    r.gw.handle(place('k2', bid, 500));
    await until('ack k2', () => r.of('k2').includes('ack'));
    const ahead = r.open()[0].queueAheadLots;
    r.gw.handle({ type: 'amend', clientOid: 'k1', qtyLot: 100 });
    await until('amendAck', () => r.of('k1').includes('amendAck'));
    await r.gw.idle();
    assert.equal(
      r.open().map((o) => [o.sizeLots, o.queueAheadLots]),
      [
        [100, ahead],
        [500, ahead + 100],
      ],
    );
    r.ex.trading!.injectMarketOrder('BTCUSDT', 'sell', { lots: ahead + 100 });
    await until('k1 filled', () => r.of('k1').includes('fill'));
    assert.equal(r.of('k1'), ['ack', 'amendAck', 'fill']);
  }, true);
});

test('batch place with one bad order answers the others; batch cancel answers each order; one request each', async () => {
  await withRig(async (r) => {
    const bid = r.bestBidTick();
    const before = r.gw.rest.stats.requests;
    r.gw.handleAll([
      place('b1', bid - 10, 100),
      place('b2', bid - 10, 100, { reduceOnly: true }), // no position to reduce: 22002
      place('b3', bid - 11, 200),
    ]);
    await until('answers', () => ['b1', 'b2', 'b3'].every((c) => r.of(c).length > 0));
    await r.gw.idle();
    assert.equal(r.gw.rest.stats.requests - before, 1, 'one batch-place-order');
    assert.equal([r.of('b1'), r.of('b2'), r.of('b3')], [['ack'], ['reject'], ['ack']]);
    const rej = r.events.find((e) => e.type === 'reject')!;
    assert.equal(rej.type === 'reject' && [rej.code, rej.retryable], ['22002', false]);
    assert.equal(
      r.open().map((o) => o.clientOid),
      ['b1', 'b3'],
    );

    const mid = r.gw.rest.stats.requests;
    r.gw.handleAll([
      { type: 'cancel', clientOid: 'b1' },
      { type: 'cancel', clientOid: 'b3' },
      { type: 'cancel', clientOid: 'b2' }, // rejected earlier: answered without asking
    ]);
    await until('cancel answers', () => r.of('b1').includes('cancelAck') && r.of('b3').includes('cancelAck'));
    await r.gw.idle();
    assert.equal(r.gw.rest.stats.requests - mid, 1, 'one batch-cancel-orders');
    assert.equal(r.of('b2'), ['reject', 'cancelReject']);
    assert.equal(r.open(), []);
  });
});

test('one handleAll: place batch, an amend of an order it holds, then a batch cancel — each order in the order asked', async () => {
  await withRig(async (r) => {
    const bid = r.bestBidTick();
    const before = r.gw.rest.stats.requests;
    r.gw.handleAll([
      place('q1', bid - 10, 100),
      place('q2', bid - 10, 100),
      { type: 'amend', clientOid: 'q1', priceTick: bid - 12 },
      { type: 'cancel', clientOid: 'q1' },
      { type: 'cancel', clientOid: 'q2' },
      { type: 'cancel', clientOid: 'q2' },
    ]);
    await until('all answered', () => r.of('q1').includes('cancelAck') && r.of('q2').includes('cancelAck'));
    await r.gw.idle();
    assert.equal(r.of('q1'), ['ack', 'amendAck', 'cancelAck']);
    assert.equal(r.of('q2'), ['ack', 'cancelAck']);
    assert.is(r.gw.rest.stats.requests - before, 3, 'batch place, modify, batch cancel');
    assert.equal(r.open(), []);
  });
});

test.run();
