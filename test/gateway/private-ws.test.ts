// The private WebSocket against a scripted loopback server (login frame and signature, subscribe args, ping/pong,
// reconnect with re-login), and private pushes → FSM events: the §4.3 samples, exact decimal → ticks/lots, fills
// de-duplicated across the orders and fill channels, cancel and ack once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Event } from '../../src/strategy/events';
import { BitgetPrivateWs, privatePushFrom, routePrivatePush } from '../../src/gateway/private-ws';
import { OrderTracker } from '../../src/gateway/tracker';
import { ServerClock } from '../../src/gateway/clock';
import { parseFillRow, parseOrderRow } from '../../src/gateway/parse';
import { signWsLogin } from '../../src/gateway/signing';
import { BTC, BTC_HALF, CREDS, FILL_SAMPLE, ORDERS_SAMPLE, fillPush, orderRow, ordersPush, privateWsServer, until } from './helpers';

function harness(grid = BTC) {
  const events: Event[] = [];
  const logs: string[] = [];
  const tracker = new OrderTracker({ emit: (e) => events.push(e), log: (_l, line) => logs.push(line) });
  const route = (msg: unknown) => routePrivatePush(privatePushFrom(msg)!, { grid, tracker, log: (_l, line) => logs.push(line) });
  return { events, logs, tracker, route };
}

test('login (seconds, signed), then one subscribe with orders/positions/fill (instId default) and account (coin default)', async () => {
  const s = await privateWsServer();
  const clock = new ServerClock(() => 1538054050123);
  let readies = 0;
  const ws = new BitgetPrivateWs({ url: s.url, credentials: CREDS, clock, onPush: () => {}, onReady: () => readies++ });
  ws.start();
  await until('ready', () => ws.state === 'ready');
  const [login, sub] = s.conns[0].received.map((t) => JSON.parse(t));
  assert.equal(login, {
    op: 'login',
    args: [{ apiKey: CREDS.apiKey, passphrase: CREDS.passphrase, timestamp: '1538054050', sign: signWsLogin(CREDS.secret, '1538054050') }],
  });
  assert.is(signWsLogin('ringbook-demo-secret', '1538054050'), 'ShxBx83wO1SSJdcdJJ/mmfQep9HfRrPKtV5w+xBel6c=');
  assert.equal(sub, {
    op: 'subscribe',
    args: [
      { instType: 'USDT-FUTURES', channel: 'orders', instId: 'default' },
      { instType: 'USDT-FUTURES', channel: 'positions', instId: 'default' },
      { instType: 'USDT-FUTURES', channel: 'fill', instId: 'default' },
      { instType: 'USDT-FUTURES', channel: 'account', coin: 'default' },
    ],
  });
  assert.is(readies, 1);
  ws.stop();
  await s.close();
});

test('pings as text "ping"; a late pong drops the link: one onDown, then re-login and resubscribe', async () => {
  const s = await privateWsServer();
  const downs: string[] = [];
  const readies: boolean[] = [];
  const ws = new BitgetPrivateWs({
    url: s.url,
    credentials: CREDS,
    pingMs: 30,
    pingJitterMs: 5,
    pongTimeoutMs: 60,
    backoffBaseMs: 5,
    backoffMaxMs: 10,
    onPush: () => {},
    onDown: (r) => downs.push(r),
    onReady: (again) => readies.push(again),
  });
  ws.start();
  await until('pongs', () => ws.stats.pongs >= 2);
  s.answerPings = false;
  await until('second ready', () => readies.length >= 2);
  assert.equal(readies, [false, true]);
  assert.equal(downs, ['pong late']);
  assert.ok(s.conns[0].received.includes('ping'));
  assert.is(JSON.parse(s.conns[1].received[0]).op, 'login');
  assert.is(JSON.parse(s.conns[1].received[1]).op, 'subscribe');
  ws.stop();
  await s.close();
});

test('a failed login is an outage: one onDown for a string of failures, retried with backoff', async () => {
  const s = await privateWsServer();
  s.failNextLogin = { code: 30015, msg: 'Invalid sign' };
  const downs: string[] = [];
  const ws = new BitgetPrivateWs({
    url: s.url,
    credentials: CREDS,
    backoffBaseMs: 5,
    backoffMaxMs: 10,
    onPush: () => {},
    onDown: (r) => downs.push(r),
  });
  ws.start();
  await until('ready', () => ws.state === 'ready');
  assert.equal(downs, ['login error 30015 Invalid sign (WS: invalid sign)']);
  assert.is(s.conns.length, 2);
  ws.stop();
  await s.close();
});

test('a venue without the account channel still gives a ready stream; without orders it does not', async () => {
  const s = await privateWsServer();
  s.rejectChannels.add('account');
  const logs: string[] = [];
  const ws = new BitgetPrivateWs({
    url: s.url,
    credentials: CREDS,
    onPush: () => {},
    log: (_l, line) => logs.push(line),
    backoffBaseMs: 5,
    backoffMaxMs: 10,
  });
  ws.start();
  await until('ready', () => ws.state === 'ready');
  assert.ok(logs.some((l) => l.includes('account not available')));
  ws.stop();
  s.rejectChannels.add('orders');
  const downs: string[] = [];
  const ws2 = new BitgetPrivateWs({
    url: s.url,
    credentials: CREDS,
    onPush: () => {},
    onDown: (r) => downs.push(r),
    backoffBaseMs: 5,
    backoffMaxMs: 10,
  });
  ws2.start();
  await until('a failed subscribe', () => downs.length === 1);
  assert.match(downs[0], /^subscribe error 30001/);
  assert.not.equal(ws2.state, 'ready');
  ws2.stop();
  await s.close();
});

test('§4.3 orders sample → ack then fill: 27000.5 / 0.01 exactly, fee paid 0.162003, taker, nothing left', () => {
  const h = harness();
  h.tracker.placing('1', 'buy', 1, 0);
  h.route(ORDERS_SAMPLE);
  assert.equal(h.events, [
    { type: 'ack', clientOid: '1', orderId: '1' },
    {
      type: 'fill',
      clientOid: '1',
      tradeId: '1111111111',
      side: 'buy',
      priceTick: 270005,
      qtyLot: 1,
      feeQuote: 0.162003,
      maker: false,
      remainingLot: 0,
    },
  ]);
  assert.is(h.tracker.get('1')!.state, 'filled');
});

test('exact decimal → ticks/lots on a 0.5 tick and 0.001 lot; off-grid strings are refused, never rounded', () => {
  const u = parseOrderRow(ORDERS_SAMPLE.data[0], BTC_HALF);
  assert.equal([u.trade!.priceTick, u.trade!.qtyLot, u.sizeLot, u.accFilledLot, u.priceTick], [54001, 10, 10, 10, 0]);
  const { clientOid, ...rest } = ORDERS_SAMPLE.data[0] as Record<string, unknown>;
  assert.is(parseOrderRow({ ...rest, clientOId: clientOid }, BTC_HALF).clientOid, u.clientOid, "the doc sample's clientOId spelling");
  const trailing = parseOrderRow({ ...ORDERS_SAMPLE.data[0], fillPrice: '27000.50', baseVolume: '0.0100' }, BTC_HALF);
  assert.equal([trailing.trade!.priceTick, trailing.trade!.qtyLot], [54001, 10]);
  assert.throws(() => parseOrderRow({ ...ORDERS_SAMPLE.data[0], fillPrice: '27000.3' }, BTC_HALF), /RB_ERR_GW_DECIMAL.*off the grid/);
  assert.throws(
    () => parseOrderRow({ ...ORDERS_SAMPLE.data[0], baseVolume: '0.0105' }, BTC_HALF),
    /RB_ERR_GW_DECIMAL.*more than 3 decimals/,
  );
  assert.throws(() => parseOrderRow({ ...ORDERS_SAMPLE.data[0], fillPrice: 27000.5 }, BTC_HALF), /not a decimal string/);
  const big = parseFillRow({ ...FILL_SAMPLE.data[0], price: '98765432.1', baseVolume: '12345.67' }, BTC);
  assert.equal([big.priceTick, big.qtyLot], [987654321, 1234567]);
  const h = harness(BTC_HALF);
  h.tracker.placing('1', 'buy', 10, 0);
  h.route({ ...ORDERS_SAMPLE, data: [{ ...ORDERS_SAMPLE.data[0], fillPrice: '27000.3' }] });
  assert.equal(h.events, []);
  assert.match(h.logs[0], /orders row skipped: RB_ERR_GW_DECIMAL/);
});

test('fill channel sample → fill (fee from feeDetail.totalFee); the same trade on the orders channel counts once', () => {
  const h = harness();
  h.tracker.placing('111', 'buy', 3, 510005);
  h.tracker.placeAccepted('111', '111');
  h.route(FILL_SAMPLE);
  h.route(
    ordersPush(
      orderRow({
        orderId: '111',
        clientOid: '111',
        price: '51000.5',
        status: 'partially_filled',
        accBaseVolume: '0.01',
        tradeId: '222',
        fillPrice: '51000.5',
        baseVolume: '0.01',
        fillFee: '-0.183717',
        tradeScope: 'T',
      }),
    ),
  );
  h.route(FILL_SAMPLE);
  assert.equal(h.events, [
    { type: 'ack', clientOid: '111', orderId: '111' },
    {
      type: 'fill',
      clientOid: '111',
      tradeId: '222',
      side: 'buy',
      priceTick: 510005,
      qtyLot: 1,
      feeQuote: 0.183717,
      maker: false,
      remainingLot: 2,
    },
  ]);
  assert.is(h.tracker.stats.duplicateFills, 2);
});

test('orders channel first, fill channel second: still one fill; maker flag from tradeScope M / maker', () => {
  const h = harness();
  h.tracker.placing('c1', 'sell', 3, 270005);
  h.route(
    ordersPush(
      orderRow({
        side: 'sell',
        tradeSide: 'sell_single',
        status: 'partially_filled',
        accBaseVolume: '0.02',
        tradeId: 't1',
        fillPrice: '27000.5',
        baseVolume: '0.02',
        fillFee: '0.0054',
        tradeScope: 'M',
      }),
    ),
  );
  h.route(
    fillPush({
      orderId: '9001',
      tradeId: 't1',
      symbol: 'BTCUSDT',
      side: 'sell',
      price: '27000.5',
      baseVolume: '0.02',
      tradeScope: 'maker',
      feeDetail: [{ feeCoin: 'USDT', totalFee: '0.0054' }],
    }),
  );
  h.route(
    fillPush({
      orderId: '9001',
      tradeId: 't2',
      symbol: 'BTCUSDT',
      side: 'sell',
      price: '27000.6',
      baseVolume: '0.01',
      tradeScope: 'maker',
      feeDetail: [{ feeCoin: 'USDT', totalFee: '-0.001' }],
    }),
  );
  h.route(
    ordersPush(
      orderRow({
        side: 'sell',
        tradeSide: 'sell_single',
        status: 'filled',
        accBaseVolume: '0.03',
        tradeId: 't2',
        fillPrice: '27000.6',
        baseVolume: '0.01',
        tradeScope: 'M',
      }),
    ),
  );
  assert.equal(h.events, [
    { type: 'ack', clientOid: 'c1', orderId: '9001' },
    {
      type: 'fill',
      clientOid: 'c1',
      tradeId: 't1',
      side: 'sell',
      priceTick: 270005,
      qtyLot: 2,
      feeQuote: -0.0054,
      maker: true,
      remainingLot: 1,
    },
    {
      type: 'fill',
      clientOid: 'c1',
      tradeId: 't2',
      side: 'sell',
      priceTick: 270006,
      qtyLot: 1,
      feeQuote: 0.001,
      maker: true,
      remainingLot: 0,
    },
  ]);
});

test('a fill-channel row without clientOid for a not-yet-known orderId waits for the orderId, then counts once', () => {
  const h = harness();
  h.tracker.placing('c7', 'buy', 2, 270005);
  h.route(
    fillPush({
      orderId: '77',
      tradeId: 'x1',
      symbol: 'BTCUSDT',
      side: 'buy',
      price: '27000.5',
      baseVolume: '0.01',
      tradeScope: 'taker',
      feeDetail: [{ totalFee: '-0.1' }],
    }),
  );
  assert.equal(h.events, []);
  h.tracker.placeAccepted('c7', '77');
  assert.equal(
    h.events.map((e) => e.type),
    ['ack', 'fill'],
  );
  assert.equal((h.events[1] as { remainingLot: number }).remainingLot, 1);
  h.route(
    ordersPush(
      orderRow({
        orderId: '77',
        clientOid: 'c7',
        size: '0.02',
        status: 'partially_filled',
        accBaseVolume: '0.01',
        tradeId: 'x1',
        fillPrice: '27000.5',
        baseVolume: '0.01',
      }),
    ),
  );
  assert.is(h.events.length, 2);
});

test('live → ack once (a later REST answer adds nothing); canceled and cancelled → one cancelAck', () => {
  const h = harness();
  h.tracker.placing('c1', 'buy', 3, 270005);
  h.route(ordersPush(orderRow({ status: 'live' })));
  h.tracker.placeAccepted('c1', '9001');
  h.route(ordersPush(orderRow({ status: 'canceled' })));
  h.route(ordersPush(orderRow({ status: 'cancelled' })));
  h.tracker.cancelAccepted('c1', '9001');
  assert.equal(h.events, [
    { type: 'ack', clientOid: 'c1', orderId: '9001' },
    { type: 'cancelAck', clientOid: 'c1' },
  ]);
});

test('a cancel push for an order whose ack is still in flight: ack first, then cancelAck', () => {
  const h = harness();
  h.tracker.placing('c2', 'buy', 3, 270005);
  h.route(ordersPush(orderRow({ clientOid: 'c2', orderId: '42', status: 'cancelled' })));
  assert.equal(h.events, [
    { type: 'ack', clientOid: 'c2', orderId: '42' },
    { type: 'cancelAck', clientOid: 'c2' },
  ]);
});

test('pushes for other symbols or orders the gateway never placed are ignored', () => {
  const h = harness();
  h.tracker.placing('c1', 'buy', 3, 270005);
  h.route(ordersPush(orderRow({ instId: 'ETHUSDT', clientOid: 'c1' })));
  h.route(ordersPush(orderRow({ clientOid: 'web-123', orderId: '5' })));
  h.route(fillPush({ ...FILL_SAMPLE.data[0], clientOid: 'someone-else' }));
  assert.equal(h.events, []);
  assert.is(h.tracker.stats.ignoredPushes, 2);
});

test('hedge mode: a close pushed as side=buy/tradeSide=close is a sell; positions → signed lots', () => {
  const u = parseOrderRow({ ...ORDERS_SAMPLE.data[0], tradeSide: 'close', posSide: 'long' }, BTC);
  assert.is(u.side, 'sell');
  let lots: number | null = null;
  const tracker = new OrderTracker({ emit: () => {} });
  routePrivatePush(
    {
      channel: 'positions',
      instType: 'USDT-FUTURES',
      action: 'snapshot',
      ts: 1,
      data: [
        { instId: 'BTCUSDT', holdSide: 'long', total: '0.05' },
        { instId: 'BTCUSDT', holdSide: 'short', total: '0.02' },
        { instId: 'ETHUSDT', holdSide: 'long', total: '3' },
      ],
    },
    {
      grid: BTC,
      tracker,
      onPositions: (rows) => {
        lots = rows.reduce((n, r) => n + (r.holdSide === 'long' ? r.totalLot : -r.totalLot), 0);
      },
    },
  );
  assert.is(lots, 3);
});

test.run();
