// Private WebSocket pushes (docs/bitget.md §4.3): every order state change, fill, position change and
// balance change of the account reaches the logged-in, subscribed sockets as Bitget-shaped snapshot pushes, in
// order (orders → fill → positions → account). Each wait is bounded and keyed to a specific message.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startExchange, type Exchange } from '../../src/exchange/index';
import { WsProbe, scaled } from './helpers';
import { FUT, M, client, loginProbe, pushData } from './private-helpers';

let ex: Exchange;
let c: ReturnType<typeof client>;
const probes: WsProbe[] = [];

test.before(async () => {
  ex = await startExchange({
    seed: 5,
    manual: true,
    maxMessagesPerSec: 100_000,
    symbols: ['USDT-FUTURES:BTCUSDT', 'USDT-FUTURES:ETHUSDT', 'SPOT:BTCUSDT'],
    trading: { rateLimits: false },
  });
  c = client(ex.url.rest);
});
test.after.each(() => {
  for (const p of probes.splice(0)) p.close();
});
test.after(async () => {
  await ex.close();
});

const FUTURES_ARGS = [
  { instType: 'USDT-FUTURES', channel: 'orders', instId: 'default' },
  { instType: 'USDT-FUTURES', channel: 'fill', instId: 'default' },
  { instType: 'USDT-FUTURES', channel: 'positions', instId: 'default' },
  { instType: 'USDT-FUTURES', channel: 'account', coin: 'default' },
];

/** Logs in and subscribes; returns the probe with its cursor past the acks and the two initial snapshots. */
async function privateProbe(args: object[] = FUTURES_ARGS): Promise<WsProbe> {
  const p = await loginProbe(ex.url.privateWs);
  probes.push(p);
  p.send({ op: 'subscribe', args });
  for (const a of args) {
    await p.next((f) => f.startsWith('{"event":"subscribe"'), `ack ${JSON.stringify(a)}`);
    const ch = (a as { channel: string }).channel;
    if (ch === 'positions' || ch === 'account')
      await p.next(
        (f) => f.startsWith(`{"action":"snapshot","arg":{"instType":"${(a as { instType: string }).instType}","channel":"${ch}"`),
        `${ch} snapshot`,
      );
  }
  return p;
}

const channelOf = (f: string) => (f.startsWith('{"action"') ? JSON.parse(f).arg.channel : f);
const place = (o: Record<string, string>) => c.post('/api/v2/mix/order/place-order', { ...FUT, ...o });
const makerFee = (price: string, size: string) => {
  const n = scaled(price, 1) * scaled(size, 4) * 10n ** 13n;
  return (n * 2n + 9_999n) / 10_000n;
};

// Key order of the futures `orders` push with a fill (JK Futures/Order.txt, §4.3).
const ORDER_FILL_KEYS = [
  'accBaseVolume',
  'cTime',
  'clientOid',
  'feeDetail',
  'fillFee',
  'fillFeeCoin',
  'fillNotionalUsd',
  'fillPrice',
  'baseVolume',
  'fillTime',
  'force',
  'instId',
  'leverage',
  'marginCoin',
  'marginMode',
  'notionalUsd',
  'orderId',
  'orderType',
  'pnl',
  'posMode',
  'posSide',
  'price',
  'priceAvg',
  'reduceOnly',
  'side',
  'size',
  'enterPointSource',
  'status',
  'tradeScope',
  'tradeId',
  'tradeSide',
  'uTime',
];

test('a resting order, its maker fill through the queue, a cancel and a taker close: orders → fill → positions → account', async () => {
  const p = await privateProbe();
  const [bidPrice, bidSize] = ex.market('USDT-FUTURES', 'BTCUSDT')!.book(1).levels.bids[0];

  // placed and resting: orders(live), account(frozen margin)
  let mark = p.frames.length;
  const placed = (await place({ side: 'buy', orderType: 'limit', price: bidPrice, size: '0.05', clientOid: 'w1' })).json.data;
  await p.barrier();
  assert.equal(p.since(mark).map(channelOf), ['orders', 'account', 'pong']);
  const live = JSON.parse(p.since(mark)[0]);
  assert.equal([live.action, live.arg], ['snapshot', { instType: 'USDT-FUTURES', channel: 'orders', instId: 'default' }]);
  assert.is(typeof live.ts, 'number');
  const lo = live.data[0];
  assert.equal(
    [lo.orderId, lo.clientOid, lo.instId, lo.status, lo.price, lo.size, lo.side, lo.orderType, lo.accBaseVolume, lo.posMode, lo.reduceOnly],
    [placed.orderId, 'w1', 'BTCUSDT', 'live', bidPrice, '0.05', 'buy', 'limit', '0', 'one_way_mode', 'no'],
  );
  assert.ok(!('fillPrice' in lo), 'no fill fields without a fill');
  const frozen = pushData(p.since(mark)[1], 'account')![0] as Record<string, string>;
  assert.is(M(frozen.frozen), (scaled(bidPrice, 1) * scaled('0.05', 4) * 10n ** 13n + 9n) / 10n, 'order margin = notional / 10x');

  // the queue ahead plus 0.02 of ours trade: orders(partially_filled) → fill → positions → account
  mark = p.frames.length;
  ex.trading!.injectMarketOrder('BTCUSDT', 'sell', { lots: Number(scaled(bidSize, 4)) + 200 });
  await p.barrier();
  assert.equal(p.since(mark).map(channelOf), ['orders', 'fill', 'positions', 'account', 'pong']);
  const [po, pf, pp, pa] = p
    .since(mark)
    .filter((f) => f !== 'pong')
    .map((f) => JSON.parse(f).data);
  assert.equal(Object.keys(po[0]), ORDER_FILL_KEYS);
  const fee = makerFee(bidPrice, '0.02');
  assert.equal(
    [po[0].status, po[0].fillPrice, po[0].baseVolume, po[0].accBaseVolume, po[0].tradeScope, M(po[0].fillFee), po[0].fillFeeCoin],
    ['partially_filled', bidPrice, '0.02', '0.02', 'M', -fee, 'USDT'],
  );
  assert.equal(po[0].feeDetail, [{ feeCoin: 'USDT', fee: po[0].fillFee }]);
  assert.equal(
    [pf[0].orderId, pf[0].tradeId, pf[0].price, pf[0].baseVolume, pf[0].tradeScope, pf[0].side, M(pf[0].feeDetail[0].totalFee)],
    [placed.orderId, po[0].tradeId, bidPrice, '0.02', 'maker', 'buy', -fee],
  );
  assert.equal(
    [pp.length, pp[0].instId, pp[0].holdSide, pp[0].total, pp[0].openPriceAvg, pp[0].posMode, pp[0].leverage],
    [1, 'BTCUSDT', 'long', '0.02', bidPrice, 'one_way_mode', 10],
  );
  assert.is(M(pa[0].equity), 10_000n * 10n ** 18n - fee + M(pa[0].unrealizedPL));

  // cancel the rest of w1: orders(canceled) → account
  mark = p.frames.length;
  await c.post('/api/v2/mix/order/cancel-order', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', clientOid: 'w1' });
  await p.barrier();
  assert.equal(p.since(mark).map(channelOf), ['orders', 'account', 'pong']);
  const cancelled = JSON.parse(p.since(mark)[0]).data[0];
  assert.equal([cancelled.status, cancelled.accBaseVolume, cancelled.size], ['canceled', '0.02', '0.05']);
  assert.is(JSON.parse(p.since(mark)[1]).data[0].frozen, '0');

  // (cancelled first: a market sell would otherwise trade with our own bid — self-trades are allowed, stpMode none)
  // close 0.02 at market: orders(filled, taker) → fill → positions (empty) → account
  mark = p.frames.length;
  await place({ side: 'sell', orderType: 'market', size: '0.02', reduceOnly: 'YES', clientOid: 'close' });
  await p.barrier();
  assert.equal(p.since(mark).map(channelOf), ['orders', 'fill', 'positions', 'account', 'pong']);
  const [co, cf, cp] = p
    .since(mark)
    .filter((f) => f !== 'pong')
    .map((f) => JSON.parse(f).data);
  assert.equal(
    [co[0].clientOid, co[0].status, co[0].tradeScope, co[0].orderType, co[0].price, co[0].reduceOnly],
    ['close', 'filled', 'T', 'market', '0', 'yes'],
  );
  assert.equal([cf[0].tradeScope, cf[0].side], ['taker', 'sell']);
  assert.equal([cp, cf[0].profit], [[], co[0].pnl], 'flat: an empty positions snapshot');
  const acct = JSON.parse(p.since(mark)[3]).data[0];
  assert.equal([acct.frozen, M(acct.available), acct.unrealizedPL], ['0', M(ex.trading!.account().futures.balance), '0']);
});

test('fills made by the seeded flow during tick() are pushed', async () => {
  const p = await privateProbe();
  const [bidPrice] = ex.market('USDT-FUTURES', 'BTCUSDT')!.book(1).levels.bids[0];
  const placed = (await place({ side: 'buy', orderType: 'limit', price: bidPrice, size: '0.01', clientOid: 'flow1' })).json.data;
  let filled: { status: string; fillPrice: string } | undefined;
  for (let i = 0; i < 3000 && !filled; i++) {
    const mark = p.frames.length;
    ex.tick(1);
    await p.barrier();
    const o = ex.trading!.account().openOrders.find((x) => x.orderId === placed.orderId);
    if (!o || o.filledLots > 0) {
      const push = p.since(mark).find((f) => f.includes('"channel":"orders"') && f.includes('"fillPrice"'));
      assert.ok(push, `step ${i}: the order filled but no orders push carried the fill`);
      filled = JSON.parse(push!).data[0];
    }
  }
  assert.ok(filled, 'the flow traded through the order');
  assert.equal(filled!.fillPrice, bidPrice);
  await c.post('/api/v2/mix/order/cancel-all-orders', { productType: 'USDT-FUTURES' });
  if (ex.trading!.account().futures.positions.length > 0) {
    const size = ex.trading!.account().futures.positions[0].size;
    await place({ side: 'sell', orderType: 'market', size, reduceOnly: 'YES' });
  }
});

test('a subscription to one symbol gets only that symbol; before login nothing is pushed', async () => {
  const eth = await privateProbe([{ instType: 'USDT-FUTURES', channel: 'orders', instId: 'ETHUSDT' }]);
  const anon = await WsProbe.open(ex.url.privateWs);
  probes.push(anon);
  anon.subscribe({ instType: 'USDT-FUTURES', channel: 'orders', instId: 'default' });
  await anon.next((f) => f.includes('"code":30004'), '30004');
  const mark = eth.frames.length;
  const bid = ex.market('USDT-FUTURES', 'BTCUSDT')!.book(1).levels.bids[0][0];
  await place({ side: 'buy', orderType: 'limit', price: String(Number(bid) - 50), size: '0.01', clientOid: 'btc-only' });
  const ethBid = ex.market('USDT-FUTURES', 'ETHUSDT')!.book(1).levels.bids[0][0];
  await place({ symbol: 'ETHUSDT', side: 'buy', orderType: 'limit', price: ethBid, size: '0.1', clientOid: 'eth-1' });
  await eth.barrier();
  await anon.barrier();
  const got = eth
    .since(mark)
    .filter((f) => f.startsWith('{"action"'))
    .map((f) => JSON.parse(f).data[0].clientOid);
  assert.equal(got, ['eth-1']);
  assert.ok(!anon.frames.some((f) => f.startsWith('{"action"')), 'not logged in: silent');
  await c.post('/api/v2/mix/order/cancel-all-orders', { productType: 'USDT-FUTURES' });
});

test('spot: orders (instId = symbol) and account (coin) pushes', async () => {
  const p = await privateProbe([
    { instType: 'SPOT', channel: 'orders', instId: 'BTCUSDT' },
    { instType: 'SPOT', channel: 'account', coin: 'default' },
  ]);
  const [bidPrice, bidSize] = ex.market('SPOT', 'BTCUSDT')!.book(1).levels.bids[0];
  const mark = p.frames.length;
  await c.post('/api/v2/spot/trade/place-order', {
    symbol: 'BTCUSDT',
    side: 'buy',
    orderType: 'limit',
    force: 'gtc',
    price: bidPrice,
    size: '0.001',
    clientOid: 'sp-w',
  });
  ex.trading!.injectMarketOrder('BTCUSDT', 'sell', { lots: Number(scaled(bidSize, 6)) + 1000 }, 'SPOT');
  await p.barrier();
  assert.equal(p.since(mark).map(channelOf), ['orders', 'account', 'orders', 'account', 'pong']);
  const [o1, a1, o2, a2] = p
    .since(mark)
    .filter((f) => f !== 'pong')
    .map((f) => JSON.parse(f));
  assert.equal([o1.arg.instType, o1.data[0].instId, o1.data[0].status], ['SPOT', 'BTCUSDT', 'live']);
  const usdt1 = a1.data.find((x: { coin: string }) => x.coin === 'USDT');
  assert.ok(M(usdt1.frozen) > 0n, 'quote frozen while the buy rests');
  assert.equal(
    [o2.data[0].status, o2.data[0].accBaseVolume, o2.data[0].tradeScope, o2.data[0].feeDetail[0].feeCoin],
    ['filled', '0.001000', 'M', 'BTC'],
  );
  const btc = a2.data.find((x: { coin: string }) => x.coin === 'BTC');
  assert.is(M(btc.available), 10n ** 15n - 10n ** 12n, '0.001 BTC less the 0.1% fee');
});

test.run();
