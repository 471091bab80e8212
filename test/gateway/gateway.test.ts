// BitgetGateway end to end against scripted loopback REST + private WS: FSM Actions in, Events out — place → ack /
// reject, cancel → cancelAck / cancelReject, one request per order in flight, cancelAll, reconcile → resynced,
// flatten → reduce-only market order, and a dropped private stream → disconnect → re-login → resynced.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Event } from '../../src/strategy/events';
import { BitgetGateway, gatewayEndpoints, type BitgetGatewayOptions } from '../../src/gateway/gateway';
import { ServerClock } from '../../src/gateway/clock';
import {
  BTC,
  CREDS,
  fail,
  fillPush,
  ok,
  orderRow,
  ordersPush,
  privateWsServer,
  restServer,
  until,
  type PrivateWsServer,
  type RestServer,
} from './helpers';

interface Venue {
  rest: RestServer;
  ws: PrivateWsServer;
  open: Array<Record<string, unknown>>;
  positions: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Scripted venue: place-order answers with an orderId and rests the order; cancel removes it or says 43001. */
async function venue(): Promise<Venue> {
  const rest = await restServer();
  const ws = await privateWsServer();
  let nextId = 5000;
  const v: Venue = {
    rest,
    ws,
    open: [],
    positions: [],
    close: async () => {
      await rest.close();
      await ws.close();
    },
  };
  rest.on('GET /api/v2/public/time', () => ok({ serverTime: String(Date.now()) }));
  rest.on('POST /api/v2/mix/order/place-order', (r) => {
    const b = JSON.parse(r.body);
    const orderId = String(++nextId);
    if (b.orderType === 'limit')
      v.open.push({
        symbol: b.symbol,
        size: b.size,
        orderId,
        clientOid: b.clientOid,
        baseVolume: '0',
        price: b.price,
        status: 'live',
        side: b.side,
        tradeSide: b.tradeSide ?? (b.side === 'buy' ? 'buy_single' : 'sell_single'),
      });
    return ok({ clientOid: b.clientOid, orderId });
  });
  rest.on('POST /api/v2/mix/order/cancel-order', (r) => {
    const b = JSON.parse(r.body);
    const i = v.open.findIndex((o) => (b.orderId && o.orderId === b.orderId) || (b.clientOid && o.clientOid === b.clientOid));
    if (i < 0) return fail(400, '43001', 'The order does not exist');
    const [o] = v.open.splice(i, 1);
    return ok({ orderId: o.orderId, clientOid: o.clientOid });
  });
  rest.on('POST /api/v2/mix/order/cancel-all-orders', () => {
    const successList = v.open.map((o) => ({ orderId: o.orderId, clientOid: o.clientOid }));
    v.open = [];
    return ok({ successList, failureList: [] });
  });
  rest.on('GET /api/v2/mix/order/orders-pending', () =>
    ok({ entrustedList: v.open.length ? v.open : null, endId: v.open.at(-1)?.orderId ?? null }),
  );
  rest.on('GET /api/v2/mix/position/single-position', () => ok(v.positions));
  return v;
}

function gateway(v: Venue, over: Partial<BitgetGatewayOptions> = {}) {
  const events: Event[] = [];
  const logs: string[] = [];
  const gw = new BitgetGateway({
    credentials: CREDS,
    mode: 'local',
    restUrl: v.rest.url,
    wsUrl: v.ws.url,
    grid: BTC,
    onEvent: (e) => events.push(e),
    log: (level, line) => logs.push(`${level} ${line}`),
    syncClockOnStart: false,
    privateWs: false,
    autoReconcile: false,
    ws: { backoffBaseMs: 5, backoffMaxMs: 10 },
    ...over,
  });
  return { gw, events, logs };
}

const place = (clientOid: string, over: Record<string, unknown> = {}) => ({
  type: 'place' as const,
  clientOid,
  side: 'buy' as const,
  orderType: 'limit' as const,
  priceTick: 270005,
  qtyLot: 3,
  force: 'gtc' as const,
  reduceOnly: false,
  ...over,
});

test('endpoints per mode: live, demo (wspap), local (derived from the REST URL)', () => {
  assert.equal(gatewayEndpoints('live'), { restUrl: 'https://api.bitget.com', wsUrl: 'wss://ws.bitget.com/v2/ws/private' });
  assert.equal(gatewayEndpoints('demo'), { restUrl: 'https://api.bitget.com', wsUrl: 'wss://wspap.bitget.com/v2/ws/private' });
  assert.equal(gatewayEndpoints('local', 'http://127.0.0.1:8181'), {
    restUrl: 'http://127.0.0.1:8181',
    wsUrl: 'ws://127.0.0.1:8181/v2/ws/private',
  });
  assert.throws(
    () => new BitgetGateway({ credentials: CREDS, mode: 'demo', grid: { ...BTC, instType: 'SUSDT-FUTURES' }, onEvent: () => {} }),
    /RB_ERR_GW_CONFIG.*40099/,
  );
});

test('place → one signed place-order with clientOid, ticks/lots as exact strings → ack', async () => {
  const v = await venue();
  const { gw, events, logs } = gateway(v);
  await gw.start();
  gw.handle(place('c1'));
  await gw.idle();
  assert.equal(events, [{ type: 'ack', clientOid: 'c1', orderId: '5001' }]);
  const [req] = v.rest.of('/api/v2/mix/order/place-order');
  assert.is(
    req.body,
    '{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginMode":"crossed","marginCoin":"USDT","size":"0.03","price":"27000.5","side":"buy","orderType":"limit","force":"gtc","clientOid":"c1","reduceOnly":"NO"}',
  );
  assert.ok(req.signatureOk);
  assert.is(req.headers.paptrading, '1');
  assert.ok(logs.some((l) => l.includes('API key ring… (secret and passphrase hidden)')));
  assert.not.ok(
    logs.some((l) => l.includes(CREDS.secret) || l.includes(CREDS.passphrase)),
    'no secret in any log line',
  );
  await gw.stop();
  await v.close();
});

test('onWire: each place request says when its bytes are in the socket, once, before its answer is handled; signed requests reuse one header list', async () => {
  const v = await venue();
  const order: string[] = [];
  const { gw, events } = gateway(v, {
    onWire: (oid) => order.push(`wire ${oid}`),
    onEvent: (e) => order.push(`${e.type} ${'clientOid' in e ? e.clientOid : ''}`),
  });
  await gw.start();
  gw.handle(place('w1'));
  gw.handle(place('w2', { priceTick: 270006 }));
  await gw.idle();
  assert.equal(events, []);
  assert.equal(order.filter((l) => l.startsWith('wire')).sort(), ['wire w1', 'wire w2']);
  assert.ok(order.indexOf('wire w1') < order.indexOf('ack w1'), order.join(', '));
  assert.ok(order.indexOf('wire w2') < order.indexOf('ack w2'), order.join(', '));
  const reqs = v.rest.of('/api/v2/mix/order/place-order');
  assert.is(reqs.length, 2);
  for (const r of reqs) {
    assert.ok(r.signatureOk, 'each request signed over its own body and timestamp');
    assert.is(r.headers['content-length'], String(Buffer.byteLength(r.body)));
    assert.is(r.headers.paptrading, '1');
  }
  await gw.stop();
  await v.close();
});

test('place errors → reject with retryable per code; a bad action is refused locally without a request', async () => {
  const v = await venue();
  let code = '40762';
  v.rest.on('POST /api/v2/mix/order/place-order', () =>
    code === '429' ? fail(429, '429', 'Too Many Requests') : fail(400, code, `msg ${code}`),
  );
  const { gw, events } = gateway(v, { rest: { retries429: 0, retry429DelayMs: 1 } });
  gw.handle(place('a'));
  await gw.idle();
  code = '45110';
  gw.handle(place('b'));
  await gw.idle();
  code = '429';
  gw.handle(place('c'));
  await gw.idle();
  gw.handle(place('d', { priceTick: undefined }));
  gw.handle(place('e', { qtyLot: 0.5 }));
  gw.handle(place('x'.repeat(51)));
  await gw.idle();
  assert.equal(events.slice(0, 3), [
    { type: 'reject', clientOid: 'a', code: '40762', message: 'msg 40762', retryable: false },
    { type: 'reject', clientOid: 'b', code: '45110', message: 'msg 45110', retryable: false },
    { type: 'reject', clientOid: 'c', code: '429', message: 'Too Many Requests', retryable: true },
  ]);
  assert.equal(
    events.slice(3).map((e) => [e.type, (e as { code: string }).code, (e as { retryable: boolean }).retryable]),
    [
      ['reject', 'RB_ERR_GW_BAD_ORDER', false],
      ['reject', 'RB_ERR_GW_BAD_ORDER', false],
      ['reject', 'RB_ERR_GW_BAD_ORDER', false],
    ],
  );
  assert.is(v.rest.of('/api/v2/mix/order/place-order').length, 3);
  gw.handle(place('a')); // a rejected clientOid may be placed again
  gw.handle(place('a'));
  await gw.idle();
  assert.equal(
    events.slice(6).map((e) => [e.type, (e as { code: string }).code]),
    [
      ['reject', 'RB_ERR_GW_DUPLICATE_CLIENT_OID'],
      ['reject', '429'],
    ],
  );
  await gw.stop();
  await v.close();
});

test('one request per order in flight: a cancel waits for its place-order answer', async () => {
  const v = await venue();
  const base = v.rest.routes.get('POST /api/v2/mix/order/place-order')!;
  let placeAnsweredAt = 0;
  v.rest.on('POST /api/v2/mix/order/place-order', async (r) => {
    await new Promise((z) => setTimeout(z, 80));
    placeAnsweredAt = performance.now();
    return base(r);
  });
  const { gw, events } = gateway(v);
  gw.handle(place('q1'));
  gw.handle({ type: 'cancel', clientOid: 'q1' });
  gw.handle({ type: 'cancel', clientOid: 'q1' });
  gw.handle(place('q2'));
  await gw.idle();
  const cancels = v.rest.of('/api/v2/mix/order/cancel-order');
  assert.is(cancels.length, 1, 'the second cancel found the order already cancelled');
  assert.ok(cancels[0].at >= placeAnsweredAt, 'cancel sent only after the place answer');
  assert.is(JSON.parse(cancels[0].body).orderId, '5001', 'cancel by the orderId learned from the ack');
  const places = v.rest.of('/api/v2/mix/order/place-order');
  assert.ok(places[1].at < placeAnsweredAt, 'other orders are not held back');
  assert.equal(
    events.filter((e) => (e as { clientOid?: string }).clientOid === 'q1'),
    [
      { type: 'ack', clientOid: 'q1', orderId: '5001' },
      { type: 'cancelAck', clientOid: 'q1' },
    ],
  );
  await gw.stop();
  await v.close();
});

test('cancel of an order the venue does not know → cancelReject with its code', async () => {
  const v = await venue();
  const { gw, events } = gateway(v);
  gw.handle({ type: 'cancel', clientOid: 'ghost' });
  await gw.idle();
  assert.equal(events, [{ type: 'cancelReject', clientOid: 'ghost', code: '43001', message: 'The order does not exist' }]);
  assert.is(JSON.parse(v.rest.of('/api/v2/mix/order/cancel-order')[0].body).clientOid, 'ghost');
  await gw.stop();
  await v.close();
});

test('cancelAll → cancel-all-orders → cancelAck for each tracked order; scope symbol uses orders-pending + batch cancel', async () => {
  const v = await venue();
  const { gw, events } = gateway(v);
  gw.handle(place('k1'));
  gw.handle(place('k2', { side: 'sell', priceTick: 270100 }));
  await gw.idle();
  gw.handle({ type: 'cancelAll' });
  await gw.idle();
  assert.is(v.rest.of('/api/v2/mix/order/cancel-all-orders')[0].body, '{"productType":"USDT-FUTURES","marginCoin":"USDT"}');
  assert.equal(
    events.filter((e) => e.type === 'cancelAck'),
    [
      { type: 'cancelAck', clientOid: 'k1' },
      { type: 'cancelAck', clientOid: 'k2' },
    ],
  );
  await gw.stop();

  const b = gateway(v, { cancelAllScope: 'symbol' });
  v.rest.on('POST /api/v2/mix/order/batch-cancel-orders', (r) => {
    const list = JSON.parse(r.body).orderIdList as Array<{ orderId: string }>;
    const hit = v.open.filter((o) => list.some((x) => x.orderId === o.orderId));
    v.open = v.open.filter((o) => !hit.includes(o));
    return ok({ successList: hit.map((o) => ({ orderId: o.orderId, clientOid: o.clientOid })), failureList: [] });
  });
  b.gw.handle(place('m1'));
  await b.gw.idle();
  b.gw.handle({ type: 'cancelAll' });
  await b.gw.idle();
  const batch = v.rest.of('/api/v2/mix/order/batch-cancel-orders')[0];
  assert.is(batch.body, `{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginCoin":"USDT","orderIdList":[{"orderId":"5003"}]}`);
  assert.equal(b.events.at(-1), { type: 'cancelAck', clientOid: 'm1' });
  await b.gw.stop();
  await v.close();
});

test('reconcile → single-position then orders-pending → resynced (signed lots, remaining from baseVolume)', async () => {
  const v = await venue();
  v.positions = [{ symbol: 'BTCUSDT', marginCoin: 'USDT', holdSide: 'short', total: '0.07', available: '0.07', posMode: 'one_way_mode' }];
  v.open = [
    {
      symbol: 'BTCUSDT',
      size: '0.03',
      orderId: '77',
      clientOid: 'old-1',
      baseVolume: '0.01',
      price: '27000.5',
      status: 'partially_filled',
      side: 'sell',
      tradeSide: 'sell_single',
    },
    {
      symbol: 'BTCUSDT',
      size: '0.02',
      orderId: '78',
      clientOid: '',
      baseVolume: '0',
      price: '26999',
      status: 'live',
      side: 'buy',
      tradeSide: 'buy_single',
    },
  ];
  const { gw, events } = gateway(v);
  gw.handle({ type: 'reconcile' });
  await gw.idle();
  assert.equal(events, [
    {
      type: 'resynced',
      positionLot: -7,
      openOrders: [
        { clientOid: 'old-1', side: 'sell', priceTick: 270005, remainingLot: 2 },
        { clientOid: 'bitget-78', side: 'buy', priceTick: 269990, remainingLot: 2 },
      ],
    },
  ]);
  const paths = v.rest.requests.map((r) => `${r.path}?${r.query}`);
  assert.equal(paths, [
    '/api/v2/mix/position/single-position?marginCoin=USDT&productType=USDT-FUTURES&symbol=BTCUSDT',
    '/api/v2/mix/order/orders-pending?limit=100&productType=USDT-FUTURES&symbol=BTCUSDT',
  ]);
  gw.handle({ type: 'cancel', clientOid: 'bitget-78' }); // an order without clientOid is cancelled by its orderId
  await gw.idle();
  assert.is(
    v.rest.of('/api/v2/mix/order/cancel-order')[0].body,
    '{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginCoin":"USDT","orderId":"78"}',
  );
  assert.equal(events.at(-1), { type: 'cancelAck', clientOid: 'bitget-78' });
  // the venue refusing the keys (a demo key on live here) is no disconnect to reconcile again: the session is told once
  v.rest.on('GET /api/v2/mix/position/single-position', () => fail(400, '40099', 'exchange environment is incorrect'));
  const n = events.length;
  gw.handle({ type: 'reconcile' });
  await gw.idle();
  assert.is(events.length, n, 'no event for refused keys');
  v.rest.on('GET /api/v2/mix/position/single-position', () => fail(503, '503', 'Service Unavailable'));
  gw.handle({ type: 'reconcile' });
  await gw.idle();
  assert.equal(events.at(-1), {
    type: 'disconnect',
    reason: 'reconcile failed: Bitget 503 Service Unavailable (HTTP 503 /api/v2/mix/position/single-position)',
  });
  await gw.stop();
  await v.close();
});

test('flatten → reduce-only market order for the whole position (one-way and hedge)', async () => {
  const v = await venue();
  v.positions = [{ symbol: 'BTCUSDT', marginCoin: 'USDT', holdSide: 'long', total: '0.05', posMode: 'one_way_mode' }];
  const { gw, events } = gateway(v, { clock: new ServerClock(() => 1700000000000), flattenPrefix: 'kill' });
  gw.handle({ type: 'flatten' });
  gw.handle({ type: 'flatten' }); // coalesced with the one running
  await gw.idle();
  assert.is(v.rest.of('/api/v2/mix/position/single-position').length, 1);
  const [req] = v.rest.of('/api/v2/mix/order/place-order');
  const oid = `kill-btcusdt-${(1700000000000).toString(36)}-1`;
  assert.is(
    req.body,
    `{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginMode":"crossed","marginCoin":"USDT","size":"0.05","side":"sell","orderType":"market","clientOid":"${oid}","reduceOnly":"YES"}`,
  );
  assert.equal(events, [{ type: 'ack', clientOid: oid, orderId: '5001' }]);
  await gw.stop();

  v.positions = [{ symbol: 'BTCUSDT', marginCoin: 'USDT', holdSide: 'short', total: '1.2', posMode: 'hedge_mode' }];
  const h = gateway(v, { posMode: 'hedge_mode' });
  h.gw.handle({ type: 'flatten' });
  await h.gw.idle();
  const b = JSON.parse(v.rest.of('/api/v2/mix/order/place-order')[1].body);
  assert.equal(
    [b.side, b.tradeSide, b.size, b.orderType, b.reduceOnly],
    ['sell', 'close', '1.2', 'market', undefined],
    'close short: side names the position (sell), tradeSide close',
  );
  v.positions = [];
  h.gw.handle({ type: 'flatten' });
  await h.gw.idle();
  assert.is(v.rest.of('/api/v2/mix/order/place-order').length, 2, 'no position, no order');
  await h.gw.stop();
  await v.close();
});

test('flatten waits for an entry still in flight: the position it reads includes that entry’s fill', async () => {
  const v = await venue();
  // the entry's place is held at the venue until released; answered, it has traded 0.03 long
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let readWhileInFlight = false;
  let placeAnswered = false;
  v.rest.on('POST /api/v2/mix/order/place-order', async (r) => {
    const b = JSON.parse(r.body);
    if (b.clientOid !== 'entry') return ok({ clientOid: b.clientOid, orderId: '9002' });
    await released;
    v.positions = [{ symbol: 'BTCUSDT', marginCoin: 'USDT', holdSide: 'long', total: '0.03', posMode: 'one_way_mode' }];
    placeAnswered = true;
    return ok({ clientOid: 'entry', orderId: '9001' });
  });
  v.rest.on('GET /api/v2/mix/position/single-position', () => {
    if (!placeAnswered) {
      readWhileInFlight = true;
      release(); // the position was read first: the entry trades after it
    }
    return ok(v.positions);
  });
  const { gw, logs } = gateway(v, {
    clock: new ServerClock(() => 1700000000000),
    flattenPrefix: 'kill',
    log: (level, line) => {
      logs.push(`${level} ${line}`);
      if (line.includes('waiting for 1 request(s) in flight')) release();
    },
  });
  gw.handle(place('entry', { orderType: 'market', force: 'ioc', priceTick: undefined }));
  gw.handle({ type: 'flatten' });
  await gw.idle();
  assert.not.ok(readWhileInFlight, 'the position was read while the entry was in flight');
  const close = v.rest
    .of('/api/v2/mix/order/place-order')
    .map((q) => JSON.parse(q.body))
    .find((b) => b.clientOid !== 'entry');
  assert.ok(close, `a closing order (logs: ${logs.join(' | ')})`);
  assert.equal([close.side, close.size, close.orderType, close.reduceOnly], ['sell', '0.03', 'market', 'YES']);
  await gw.stop();
  await v.close();
});

test('flatten waits for requests in flight only so long: a place stuck until its timeout does not hold the close back', async () => {
  const v = await venue();
  v.positions = [{ symbol: 'BTCUSDT', marginCoin: 'USDT', holdSide: 'short', total: '0.02', posMode: 'one_way_mode' }];
  v.rest.on('POST /api/v2/mix/order/place-order', (r) => {
    const b = JSON.parse(r.body);
    return b.clientOid === 'stuck' ? { hang: true } : ok({ clientOid: b.clientOid, orderId: '9003' });
  });
  const { gw, logs } = gateway(v, { flattenPrefix: 'kill', flattenWaitMs: 10, autoReconcile: false, rest: { timeoutMs: 1_000 } });
  gw.handle(place('stuck'));
  gw.handle({ type: 'flatten' });
  await gw.idle();
  const sent = v.rest.of('/api/v2/mix/order/place-order').map((q) => JSON.parse(q.body));
  const close = sent.find((b) => b.clientOid.startsWith('kill-'));
  assert.ok(close, `a closing order (logs: ${logs.join(' | ')})`);
  assert.equal([close.side, close.size, close.reduceOnly], ['buy', '0.02', 'YES']);
  assert.ok(logs.some((l) => l.includes('still unanswered after 10 ms; reading the position anyway')));
  await gw.stop();
  await v.close();
});

test('reconcile recovers every fill of an order that finished unseen, page by page (order/fills answers at most 100)', async () => {
  const v = await venue();
  const { gw, events } = gateway(v);
  gw.handle(place('f1', { qtyLot: 150 }));
  await gw.idle();
  assert.equal(events, [{ type: 'ack', clientOid: 'f1', orderId: '5001' }]);
  // filled in 150 pieces of one lot while we could not see: gone from the open orders, the position holds it all
  v.open = [];
  v.positions = [{ symbol: 'BTCUSDT', marginCoin: 'USDT', holdSide: 'long', total: '1.5', available: '1.5', posMode: 'one_way_mode' }];
  const all = Array.from({ length: 150 }, (_, i) => ({
    tradeId: String(1000 + i),
    symbol: 'BTCUSDT',
    orderId: '5001',
    price: '27000.5',
    baseVolume: '0.01',
    feeDetail: [{ deduction: 'no', feeCoin: 'USDT', totalDeductionFee: '0', totalFee: '-0.16' }],
    side: 'buy',
    tradeScope: 'maker',
    cTime: String(1_700_000_000_000 + i),
  })).reverse(); // newest first, as the venue answers
  v.rest.on('GET /api/v2/mix/order/fills', (r) => {
    const q = new URLSearchParams(r.query);
    const limit = Math.min(100, Number(q.get('limit') ?? 100));
    const before = q.get('idLessThan');
    const page = all.filter((f) => !before || BigInt(f.tradeId) < BigInt(before)).slice(0, limit);
    return ok({ fillList: page.length ? page : null, endId: page.at(-1)?.tradeId ?? null });
  });
  gw.handle({ type: 'reconcile' });
  await gw.idle();
  const fills = events.filter((e) => e.type === 'fill') as Array<{ tradeId: string; qtyLot: number; remainingLot: number }>;
  assert.is(fills.length, 150);
  assert.is(
    fills.reduce((n, f) => n + f.qtyLot, 0),
    150,
  );
  assert.equal([fills[0].tradeId, fills.at(-1)!.tradeId], ['1000', '1149'], 'oldest first');
  assert.is(fills.at(-1)!.remainingLot, 0);
  assert.equal(events.at(-1), { type: 'resynced', positionLot: 150, openOrders: [] });
  assert.equal(
    v.rest.of('/api/v2/mix/order/fills').map((r) => r.query),
    [
      'limit=100&orderId=5001&productType=USDT-FUTURES&symbol=BTCUSDT',
      'idLessThan=1050&limit=100&orderId=5001&productType=USDT-FUTURES&symbol=BTCUSDT',
    ],
  );
  await gw.stop();
  await v.close();
});

test('a cancel-all-orders failure row with errorCode 40010 → the cancel of that order is unknown: disconnect + reconcile, no cancelReject', async () => {
  const v = await venue();
  const { gw, events } = gateway(v, { autoReconcile: true });
  gw.handle(place('m1'));
  gw.handle(place('m2'));
  await gw.idle();
  events.length = 0;
  v.rest.on('POST /api/v2/mix/order/cancel-all-orders', () => {
    const [a, b] = v.open;
    v.open = [b];
    return ok({
      successList: [{ orderId: a.orderId, clientOid: a.clientOid }],
      failureList: [{ orderId: b.orderId, clientOid: b.clientOid, errorMsg: 'Request timed out', errorCode: '40010' }],
    });
  });
  gw.handle({ type: 'cancelAll' });
  await gw.idle();
  assert.equal(
    events.map((e) => e.type),
    ['cancelAck', 'disconnect', 'resynced'],
  );
  assert.is((events[1] as { reason: string }).reason, 'cancel-all: outcome unknown for m2');
  assert.equal(
    (events[2] as { openOrders: Array<{ clientOid: string }> }).openOrders.map((o) => o.clientOid),
    ['m2'],
  );
  await gw.stop();
  await v.close();
});

test('modify-order answered 40010 "Request timed out" → the amendment is unknown until the reconcile reads the venue (not a 40010 amendReject)', async () => {
  const v = await venue();
  const { gw, events } = gateway(v, { autoReconcile: true });
  gw.handle(place('a1'));
  await gw.idle();
  events.length = 0;
  v.rest.on('POST /api/v2/mix/order/modify-order', () => fail(400, '40010', 'Request timed out'));
  gw.handle({ type: 'amend', clientOid: 'a1', priceTick: 270000 });
  await gw.idle();
  // the venue still lists the order at its old price: the reconcile, not the 40010, says the amendment did not happen
  assert.equal(
    events.map((e) => [e.type, (e as { code?: string }).code]),
    [
      ['disconnect', undefined],
      ['amendReject', 'RB_ERR_GW_AMEND_LOST'],
      ['resynced', undefined],
    ],
  );
  assert.match((events[0] as { reason: string }).reason, /^amend a1: outcome unknown \(.*40010/);
  await gw.stop();
  await v.close();
});

test('REST outcome unknown (timeout) → disconnect, then an automatic reconcile → resynced', async () => {
  const v = await venue();
  v.rest.on('POST /api/v2/mix/order/place-order', () => ({ hang: true }));
  const { gw, events } = gateway(v, { autoReconcile: true, rest: { timeoutMs: 80 } });
  gw.handle(place('t1'));
  await gw.idle();
  assert.equal(
    events.map((e) => e.type),
    ['disconnect', 'resynced'],
  );
  assert.match((events[0] as { reason: string }).reason, /^place t1: outcome unknown \(RB_ERR_GW_TIMEOUT/);
  await gw.stop();
  await v.close();
});

test('the venue answering 40010 "Request timed out" (HTTP 400) to a place → outcome unknown: disconnect, reconcile, resynced (not a reject)', async () => {
  const v = await venue();
  v.rest.on('POST /api/v2/mix/order/place-order', (r) => {
    // the venue took the order, then told us its own processing timed out
    const b = JSON.parse(r.body);
    v.open.push({
      symbol: b.symbol,
      size: b.size,
      orderId: '7001',
      clientOid: b.clientOid,
      baseVolume: '0',
      price: b.price,
      status: 'live',
      side: b.side,
    });
    return fail(400, '40010', 'Request timed out');
  });
  const { gw, events } = gateway(v, { autoReconcile: true });
  gw.handle(place('t2'));
  await gw.idle();
  assert.equal(
    events.map((e) => e.type),
    ['disconnect', 'resynced'],
  );
  assert.match((events[0] as { reason: string }).reason, /^place t2: outcome unknown \(40010 Request timed out/);
  assert.equal(
    (events[1] as { openOrders: Array<{ clientOid: string }> }).openOrders.map((o) => o.clientOid),
    ['t2'],
  );
  await gw.stop();
  await v.close();
});

test('a batch-cancel row with errorCode 40010 → outcome unknown for that order (disconnect + reconcile); other failure rows → cancelReject', async () => {
  const v = await venue();
  const { gw, events } = gateway(v, { autoReconcile: true });
  gw.handleAll([place('k1'), place('k2'), place('k3')]);
  v.rest.on('POST /api/v2/mix/order/batch-place-order', (r) => {
    const b = JSON.parse(r.body);
    const successList = b.orderList.map((o: { clientOid: string; size: string; price: string; side: string }, i: number) => {
      v.open.push({
        symbol: b.symbol,
        size: o.size,
        orderId: `80${i}`,
        clientOid: o.clientOid,
        baseVolume: '0',
        price: o.price,
        status: 'live',
        side: o.side,
      });
      return { orderId: `80${i}`, clientOid: o.clientOid };
    });
    return ok({ successList, failureList: [] });
  });
  await gw.idle();
  events.length = 0;
  v.rest.on('POST /api/v2/mix/order/batch-cancel-orders', () =>
    ok({
      successList: [{ orderId: '800', clientOid: 'k1' }],
      failureList: [
        { orderId: '801', clientOid: 'k2', errorMsg: 'Request timed out', errorCode: '40010' },
        { orderId: '802', clientOid: 'k3', errorMsg: 'The order does not exist', errorCode: '43001' },
      ],
    }),
  );
  v.open = v.open.filter((o) => o.orderId !== '800');
  gw.handleAll([
    { type: 'cancel', clientOid: 'k1' },
    { type: 'cancel', clientOid: 'k2' },
    { type: 'cancel', clientOid: 'k3' },
  ]);
  await gw.idle();
  const kinds = events.map((e) => `${e.type}${'clientOid' in e ? ` ${e.clientOid}` : ''}`);
  assert.ok(kinds.includes('cancelAck k1'), kinds.join(', '));
  assert.ok(kinds.includes('cancelReject k3'), kinds.join(', '));
  assert.not.ok(kinds.includes('cancelReject k2'), kinds.join(', '));
  const d = events.find((e) => e.type === 'disconnect') as { reason: string } | undefined;
  assert.match(d?.reason ?? '', /^batch cancel: outcome unknown for k2$/);
  assert.is(events.at(-1)?.type, 'resynced');
  await gw.stop();
  await v.close();
});

test('private stream: pushes become events; a drop → disconnect → re-login → reconcile → resynced', async () => {
  const v = await venue();
  v.positions = [{ symbol: 'BTCUSDT', marginCoin: 'USDT', holdSide: 'long', total: '0.01' }];
  const { gw, events } = gateway(v, { privateWs: true, autoReconcile: true, syncClockOnStart: true });
  await gw.start();
  await until('first resynced', () => events.some((e) => e.type === 'resynced'));
  assert.is(v.rest.of('/api/v2/public/time').length, 3, 'clock offset measured at start');
  gw.handle(place('w1'));
  await gw.idle();
  v.ws.push(ordersPush(orderRow({ clientOid: 'w1', orderId: '5001', status: 'live' })));
  v.ws.push(
    ordersPush(
      orderRow({
        clientOid: 'w1',
        orderId: '5001',
        status: 'partially_filled',
        accBaseVolume: '0.01',
        tradeId: 'T1',
        fillPrice: '27000.5',
        baseVolume: '0.01',
        fillFee: '-0.1',
        tradeScope: 'T',
      }),
    ),
  );
  v.ws.push(
    fillPush({
      orderId: '5001',
      tradeId: 'T1',
      symbol: 'BTCUSDT',
      side: 'buy',
      price: '27000.5',
      baseVolume: '0.01',
      tradeScope: 'taker',
      feeDetail: [{ feeCoin: 'USDT', totalFee: '-0.1' }],
    }),
  );
  v.ws.push(
    fillPush({
      orderId: '5001',
      tradeId: 'T2',
      symbol: 'BTCUSDT',
      side: 'buy',
      price: '27000.4',
      baseVolume: '0.02',
      tradeScope: 'maker',
      feeDetail: [{ feeCoin: 'USDT', totalFee: '0.01' }],
    }),
  );
  await until('second fill', () => events.filter((e) => e.type === 'fill').length === 2);
  assert.equal(
    events.filter((e) => e.type === 'fill').map((e) => [(e as { tradeId: string }).tradeId, (e as { remainingLot: number }).remainingLot]),
    [
      ['T1', 2],
      ['T2', 0],
    ],
  );
  const n = events.length;
  v.open = []; // the venue's truth after the two fills: order done, position 0.01 + 0.03
  v.positions = [{ symbol: 'BTCUSDT', marginCoin: 'USDT', holdSide: 'long', total: '0.04' }];
  v.ws.dropAll();
  await until('second resynced', () => events.slice(n).some((e) => e.type === 'resynced'));
  assert.equal(
    events.map((e) => e.type),
    ['resynced', 'ack', 'fill', 'fill', 'disconnect', 'resynced'],
  );
  assert.match((events[4] as { reason: string }).reason, /^private stream: closed/);
  assert.equal(events[0], { type: 'resynced', positionLot: 1, openOrders: [] });
  assert.equal(events[5], { type: 'resynced', positionLot: 4, openOrders: [] });
  assert.is(v.ws.conns.length, 2);
  assert.ok(v.ws.conns[1].loggedIn && v.ws.conns[1].subscribed, 'logged in again before the reconcile');
  await gw.stop();
  await v.close();
});

test.run();
