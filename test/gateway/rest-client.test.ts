// The signed REST client against a scripted loopback server: exact request shapes (headers incl. paptrading,
// sorted query, body bytes, signature), the envelope → typed errors, HTTP 429 retries, transport failures, and
// the clock offset feeding ACCESS-TIMESTAMP.
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BitgetRestClient, SYNC_EXTRA_ATTEMPTS } from '../../src/gateway/rest-client';
import { ServerClock } from '../../src/gateway/clock';
import { BitgetApiError, GatewayTransportError } from '../../src/gateway/errors';
import { placeOrderRequest } from '../../src/gateway/wire';
import { signRest } from '../../src/gateway/signing';
import { BTC_HALF, BTC_ORDER_CFG, CREDS, fail, ok, restServer } from './helpers';

const NOW = 1695806875837;
const fixedClock = () => new ServerClock(() => NOW);

const cfg = BTC_ORDER_CFG;

test('place-order: exact body bytes, signed headers, paptrading in demo mode', async () => {
  const s = await restServer();
  s.on('POST /api/v2/mix/order/place-order', () => ok({ clientOid: 'c1', orderId: '1001' }));
  const rest = new BitgetRestClient({ baseUrl: s.url, mode: 'demo', credentials: CREDS, clock: fixedClock() });
  const body = placeOrderRequest(
    {
      type: 'place',
      clientOid: 'c1',
      side: 'buy',
      orderType: 'limit',
      priceTick: 270005,
      qtyLot: 3,
      force: 'post_only',
      reduceOnly: false,
    },
    cfg,
  );
  const r = await rest.placeOrder(body);
  assert.equal(r, { clientOid: 'c1', orderId: '1001' });
  const [req] = s.requests;
  assert.is(req.method, 'POST');
  assert.is(req.path, '/api/v2/mix/order/place-order');
  assert.is(req.query, '');
  const expectedBody =
    '{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginMode":"crossed","marginCoin":"USDT","size":"0.03","price":"27000.5","side":"buy","orderType":"limit","force":"post_only","clientOid":"c1","reduceOnly":"NO"}';
  assert.is(req.body, expectedBody);
  assert.is(req.headers['access-key'], CREDS.apiKey);
  assert.is(req.headers['access-passphrase'], CREDS.passphrase);
  assert.is(req.headers['access-timestamp'], String(NOW));
  assert.is(req.headers['access-sign'], signRest(CREDS.secret, String(NOW), 'POST', '/api/v2/mix/order/place-order', '', expectedBody));
  assert.ok(req.signatureOk);
  assert.is(req.headers['content-type'], 'application/json');
  assert.is(req.headers['content-length'], String(Buffer.byteLength(expectedBody)));
  assert.is(req.headers.locale, 'en-US');
  assert.is(req.headers.paptrading, '1');
  assert.ok(req.rawHeaders.includes('ACCESS-SIGN'), 'header names as Bitget documents them');
  rest.close();
  await s.close();
});

test('the same signing vector as the reference: POST body {"symbol","productType"} at 1695806875837', async () => {
  const s = await restServer();
  s.on('POST /api/v2/mix/order/place-order', () => ok({}));
  const rest = new BitgetRestClient({ baseUrl: s.url, mode: 'local', credentials: CREDS, clock: fixedClock() });
  await rest.call('placeOrder', undefined, { symbol: 'BTCUSDT', productType: 'USDT-FUTURES' });
  assert.is(s.requests[0].headers['access-sign'], '9mZAzfzzPCLf2a474ioKGIseE55vFduIJwjeeuHCfHk=');
  assert.is(s.requests[0].headers.paptrading, '1', 'the local exchange is a demo venue');
  rest.close();
  await s.close();
});

test('GET orders-pending: sorted query in URL and prehash, no body, reference signature', async () => {
  const s = await restServer();
  s.on('GET /api/v2/mix/order/orders-pending', () => ok({ entrustedList: null, endId: null }));
  const rest = new BitgetRestClient({ baseUrl: s.url, mode: 'demo', credentials: CREDS, clock: fixedClock() });
  const r = await rest.ordersPending({ symbol: 'BTCUSDT', productType: 'USDT-FUTURES' });
  assert.equal(r, { entrustedList: null, endId: null });
  const [req] = s.requests;
  assert.is(req.query, 'productType=USDT-FUTURES&symbol=BTCUSDT');
  assert.is(req.body, '');
  assert.is(req.headers['access-sign'], 'vdN28/QSgfx8/bQ/tJ9W6X6oCKNTxv/LBdtWotwlOLI=');
  assert.is(req.headers['content-length'], undefined);
  rest.close();
  await s.close();
});

test('every endpoint: method, path and query/body shape', async () => {
  const s = await restServer();
  for (const k of [
    'POST /api/v2/mix/order/cancel-order',
    'POST /api/v2/mix/order/cancel-all-orders',
    'POST /api/v2/mix/order/batch-cancel-orders',
    'GET /api/v2/mix/order/detail',
    'GET /api/v2/mix/position/all-position',
    'GET /api/v2/mix/position/single-position',
    'POST /api/v2/mix/account/set-leverage',
    'GET /api/v2/mix/account/account',
    'POST /api/v2/spot/trade/place-order',
    'POST /api/v2/spot/trade/cancel-order',
    'GET /api/v2/spot/trade/unfilled-orders',
  ])
    s.on(k, () => ok({}));
  const rest = new BitgetRestClient({ baseUrl: s.url, mode: 'demo', credentials: CREDS, clock: fixedClock() });
  await rest.cancelOrder({ symbol: 'BTCUSDT', productType: 'USDT-FUTURES', marginCoin: 'USDT', clientOid: 'c1' });
  await rest.cancelAllOrders({ productType: 'USDT-FUTURES', marginCoin: 'USDT' });
  await rest.batchCancelOrders({ symbol: 'BTCUSDT', productType: 'USDT-FUTURES', marginCoin: 'USDT', orderIdList: [{ orderId: '1' }] });
  await rest.orderDetail({ symbol: 'BTCUSDT', productType: 'USDT-FUTURES', clientOid: 'c1' });
  await rest.allPositions({ productType: 'USDT-FUTURES', marginCoin: 'USDT' });
  await rest.singlePosition({ symbol: 'BTCUSDT', productType: 'USDT-FUTURES', marginCoin: 'USDT' });
  await rest.setLeverage({ symbol: 'BTCUSDT', productType: 'USDT-FUTURES', marginCoin: 'USDT', leverage: '5' });
  await rest.account({ symbol: 'BTCUSDT', productType: 'USDT-FUTURES', marginCoin: 'USDT' });
  await rest.spotPlaceOrder({
    symbol: 'BTCUSDT',
    side: 'buy',
    orderType: 'limit',
    force: 'gtc',
    price: '27000.5',
    size: '0.001',
    clientOid: 's1',
  });
  await rest.spotCancelOrder({ symbol: 'BTCUSDT', clientOid: 's1' });
  await rest.spotUnfilledOrders({ symbol: 'BTCUSDT' });
  const shape = s.requests.map((r) => `${r.method} ${r.path} ${r.query} ${r.body}`);
  assert.equal(shape, [
    'POST /api/v2/mix/order/cancel-order  {"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginCoin":"USDT","clientOid":"c1"}',
    'POST /api/v2/mix/order/cancel-all-orders  {"productType":"USDT-FUTURES","marginCoin":"USDT"}',
    'POST /api/v2/mix/order/batch-cancel-orders  {"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginCoin":"USDT","orderIdList":[{"orderId":"1"}]}',
    'GET /api/v2/mix/order/detail clientOid=c1&productType=USDT-FUTURES&symbol=BTCUSDT ',
    'GET /api/v2/mix/position/all-position marginCoin=USDT&productType=USDT-FUTURES ',
    'GET /api/v2/mix/position/single-position marginCoin=USDT&productType=USDT-FUTURES&symbol=BTCUSDT ',
    'POST /api/v2/mix/account/set-leverage  {"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginCoin":"USDT","leverage":"5"}',
    'GET /api/v2/mix/account/account marginCoin=USDT&productType=USDT-FUTURES&symbol=BTCUSDT ',
    'POST /api/v2/spot/trade/place-order  {"symbol":"BTCUSDT","side":"buy","orderType":"limit","force":"gtc","price":"27000.5","size":"0.001","clientOid":"s1"}',
    'POST /api/v2/spot/trade/cancel-order  {"symbol":"BTCUSDT","clientOid":"s1"}',
    'GET /api/v2/spot/trade/unfilled-orders symbol=BTCUSDT ',
  ]);
  assert.ok(s.requests.every((r) => r.signatureOk && r.headers.paptrading === '1'));
  rest.close();
  await s.close();
});

test('live mode sends no paptrading; server time is unsigned and has no paptrading either', async () => {
  const s = await restServer();
  s.on('GET /api/v2/mix/position/all-position', () => ok([]));
  s.on('GET /api/v2/public/time', () => ok({ serverTime: String(NOW) }));
  const live = new BitgetRestClient({ baseUrl: s.url, mode: 'live', credentials: CREDS, clock: fixedClock() });
  await live.allPositions({ productType: 'USDT-FUTURES' });
  const demo = new BitgetRestClient({ baseUrl: s.url, mode: 'demo', credentials: CREDS, clock: fixedClock() });
  assert.is(await demo.serverTime(), NOW);
  assert.is(s.requests[0].headers.paptrading, undefined);
  assert.ok(s.requests[0].signatureOk);
  assert.is(s.requests[1].headers.paptrading, undefined);
  assert.is(s.requests[1].headers['access-key'], undefined);
  assert.is(s.requests[1].headers['access-sign'], undefined);
  live.close();
  demo.close();
  await s.close();
});

test('prices and sizes come from ticks/lots exactly; a float or an off-grid value never reaches the wire', async () => {
  const body = placeOrderRequest(
    { type: 'place', clientOid: 'h1', side: 'sell', orderType: 'limit', priceTick: 54001, qtyLot: 1234, force: 'gtc', reduceOnly: false },
    { ...cfg, grid: BTC_HALF },
  );
  assert.is(body.price, '27000.5');
  assert.is(body.size, '1.234');
  const s = await restServer();
  const rest = new BitgetRestClient({ baseUrl: s.url, mode: 'demo', credentials: CREDS });
  assert.throws(() => rest.placeOrder({ ...body, size: 0.01 as unknown as string }), /RB_ERR_GW_DECIMAL/);
  assert.throws(() => rest.placeOrder({ ...body, price: '1e3' }), /RB_ERR_GW_DECIMAL/);
  assert.throws(
    () =>
      placeOrderRequest(
        { type: 'place', clientOid: 'x', side: 'buy', orderType: 'limit', priceTick: 1.5, qtyLot: 1, force: 'gtc', reduceOnly: false },
        cfg,
      ),
    /RB_ERR_GW_DECIMAL/,
  );
  assert.is(s.requests.length, 0);
  rest.close();
  await s.close();
});

test('hedge mode: open → tradeSide open; reduce-only sell closes the long → side buy, tradeSide close, no reduceOnly', () => {
  const hedge = { ...cfg, posMode: 'hedge_mode' as const };
  const open = placeOrderRequest(
    { type: 'place', clientOid: 'o', side: 'sell', orderType: 'limit', priceTick: 10, qtyLot: 1, force: 'gtc', reduceOnly: false },
    hedge,
  );
  assert.equal([open.side, open.tradeSide, open.reduceOnly], ['sell', 'open', undefined]);
  const close = placeOrderRequest(
    { type: 'place', clientOid: 'c', side: 'sell', orderType: 'market', qtyLot: 5, force: 'ioc', reduceOnly: true },
    hedge,
  );
  assert.is(
    JSON.stringify(close),
    '{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginMode":"crossed","marginCoin":"USDT","size":"0.05","side":"buy","tradeSide":"close","orderType":"market","clientOid":"c"}',
  );
  const oneWay = placeOrderRequest(
    { type: 'place', clientOid: 'c', side: 'sell', orderType: 'market', qtyLot: 5, force: 'ioc', reduceOnly: true },
    cfg,
  );
  assert.is(
    JSON.stringify(oneWay),
    '{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginMode":"crossed","marginCoin":"USDT","size":"0.05","side":"sell","orderType":"market","clientOid":"c","reduceOnly":"YES"}',
  );
});

test('envelope: code !== "00000" or HTTP ≥ 400 → BitgetApiError with code and msg', async () => {
  const s = await restServer();
  s.on('POST /api/v2/mix/order/place-order', () => fail(400, '40762', 'The order amount exceeds the balance'));
  s.on('GET /api/v2/mix/position/all-position', () => ({
    status: 200,
    raw: '{"code":"40099","msg":"exchange environment is incorrect","requestTime":1,"data":null}',
  }));
  s.on('GET /api/v2/mix/account/account', () => ({ status: 403, raw: '{"code":"00000","msg":"odd","data":null}' }));
  const rest = new BitgetRestClient({ baseUrl: s.url, mode: 'demo', credentials: CREDS });
  const body = placeOrderRequest(
    { type: 'place', clientOid: 'c1', side: 'buy', orderType: 'market', qtyLot: 1, force: 'gtc', reduceOnly: false },
    cfg,
  );
  const e1 = await rest.placeOrder(body).then(
    () => null,
    (e) => e,
  );
  assert.instance(e1, BitgetApiError);
  assert.equal(
    [e1.code, e1.msg, e1.httpStatus, e1.path],
    ['40762', 'The order amount exceeds the balance', 400, '/api/v2/mix/order/place-order'],
  );
  const e2 = await rest.allPositions({ productType: 'USDT-FUTURES' }).then(
    () => null,
    (e) => e,
  );
  assert.equal([e2.code, e2.httpStatus], ['40099', 200]);
  const e3 = await rest.account({ symbol: 'BTCUSDT', productType: 'USDT-FUTURES', marginCoin: 'USDT' }).then(
    () => null,
    (e) => e,
  );
  assert.instance(e3, BitgetApiError);
  assert.is(e3.httpStatus, 403);
  rest.close();
  await s.close();
});

test('HTTP 429 is retried after a pause; when retries run out the error carries code "429"', async () => {
  const s = await restServer();
  let n = 0;
  s.on('POST /api/v2/mix/order/cancel-order', () =>
    ++n <= 2 ? fail(429, '429', 'Too Many Requests') : ok({ orderId: '1', clientOid: 'c1' }),
  );
  s.on('GET /api/v2/mix/order/detail', () => fail(429, '429', 'Too Many Requests'));
  const rest = new BitgetRestClient({ baseUrl: s.url, mode: 'demo', credentials: CREDS, retries429: 2, retry429DelayMs: 10 });
  assert.equal(await rest.cancelOrder({ symbol: 'BTCUSDT', productType: 'USDT-FUTURES', clientOid: 'c1' }), {
    orderId: '1',
    clientOid: 'c1',
  });
  assert.is(s.of('/api/v2/mix/order/cancel-order').length, 3);
  assert.is(rest.stats.retries429, 2);
  const e = await rest.orderDetail({ symbol: 'BTCUSDT', productType: 'USDT-FUTURES', orderId: '1' }).then(
    () => null,
    (x) => x,
  );
  assert.instance(e, BitgetApiError);
  assert.equal([e.code, e.httpStatus], ['429', 429]);
  assert.is(s.of('/api/v2/mix/order/detail').length, 3);
  const ts = s.of('/api/v2/mix/order/cancel-order').map((r) => r.headers['access-timestamp']);
  assert.ok(
    s.of('/api/v2/mix/order/cancel-order').every((r) => r.signatureOk),
    'each retry is signed afresh',
  );
  assert.is(ts.length, 3);
  rest.close();
  await s.close();
});

test('no usable answer → GatewayTransportError (bad reply, timeout, refused)', async () => {
  const s = await restServer();
  s.on('GET /api/v2/mix/order/detail', () => ({ status: 502, raw: '<html>Bad Gateway</html>' }));
  s.on('GET /api/v2/mix/account/account', () => ({ hang: true }));
  const rest = new BitgetRestClient({ baseUrl: s.url, mode: 'demo', credentials: CREDS, timeoutMs: 100 });
  const e1 = await rest.orderDetail({ symbol: 'BTCUSDT', productType: 'USDT-FUTURES', orderId: '1' }).then(
    () => null,
    (e) => e,
  );
  assert.instance(e1, GatewayTransportError);
  assert.equal([e1.code, e1.httpStatus], ['RB_ERR_GW_BAD_REPLY', 502]);
  const e2 = await rest.account({ symbol: 'BTCUSDT', productType: 'USDT-FUTURES', marginCoin: 'USDT' }).then(
    () => null,
    (e) => e,
  );
  assert.instance(e2, GatewayTransportError);
  assert.is(e2.code, 'RB_ERR_GW_TIMEOUT');
  rest.close();
  await s.close();
  const dead = new BitgetRestClient({ baseUrl: s.url, mode: 'demo', credentials: CREDS, timeoutMs: 500 });
  const e3 = await dead.allPositions({ productType: 'USDT-FUTURES' }).then(
    () => null,
    (e) => e,
  );
  assert.instance(e3, GatewayTransportError);
  assert.is(e3.code, 'RB_ERR_GW_NETWORK');
  dead.close();
});

test('clock: a venue failing some time requests (40015) is asked again; the offset comes from the samples that came back', async () => {
  const s = await restServer();
  let n = 0;
  // the 1st and 3rd requests fail, as a venue failing a share of its requests does
  s.on('GET /api/v2/public/time', () =>
    ++n % 2 === 1 && n < 4 ? fail(500, '40015', 'System is abnormal, please try again later') : ok({ serverTime: String(NOW + 5000) }),
  );
  const clock = fixedClock();
  const rest = new BitgetRestClient({ baseUrl: s.url, mode: 'demo', credentials: CREDS, clock });
  const est = await rest.syncClock(3);
  assert.is(est.offsetMs, 5000.5);
  assert.is(clock.offsetMs, 5000.5);
  assert.is(s.of('/api/v2/public/time').length, 5, '3 samples and the 2 that failed');
  // a venue that never answers: bounded, and the last error said
  s.on('GET /api/v2/public/time', () => fail(500, '40015', 'System is abnormal, please try again later'));
  const e = await rest.syncClock(3).then(
    () => null,
    (x) => x,
  );
  assert.instance(e, BitgetApiError);
  assert.is(e.code, '40015');
  assert.is(s.of('/api/v2/public/time').length, 5 + 3 + SYNC_EXTRA_ATTEMPTS);
  rest.close();
  await s.close();
});

test('clock: the measured server offset moves ACCESS-TIMESTAMP; a timestamp error triggers a re-sync', async () => {
  const s = await restServer();
  let server = NOW + 5000;
  s.on('GET /api/v2/public/time', () => ok({ serverTime: String(server) }));
  let expired = true;
  s.on('GET /api/v2/mix/position/all-position', () => (expired ? fail(400, '40008', 'Request timestamp expired') : ok([])));
  const clock = fixedClock();
  const rest = new BitgetRestClient({ baseUrl: s.url, mode: 'demo', credentials: CREDS, clock });
  const est = await rest.syncClock(3);
  assert.is(est.rttMs, 0);
  assert.is(est.offsetMs, 5000.5, "centred on the server stamp's ms");
  assert.is(clock.restTimestamp(), String(NOW + 5001));
  assert.is(clock.wsTimestamp(), String(Math.floor((NOW + 5001) / 1000)));
  server = NOW - 2000;
  const e = await rest.allPositions({ productType: 'USDT-FUTURES' }).then(
    () => null,
    (x) => x,
  );
  assert.is(e.code, '40008');
  const before = s.of('/api/v2/public/time').length;
  // the re-sync runs in the background: wait for its outcome (bounded), not for a guessed while
  for (const end = Date.now() + 10_000; clock.offsetMs !== -1999.5; await new Promise((r) => setTimeout(r, 5)))
    if (Date.now() > end) assert.unreachable(`no re-sync after 40008: offset ${clock.offsetMs} ms`);
  assert.is(s.of('/api/v2/public/time').length, before + 3, 'background re-sync after 40008');
  expired = false;
  await rest.allPositions({ productType: 'USDT-FUTURES' });
  assert.is(s.requests.at(-1)!.headers['access-timestamp'], String(NOW - 1999));
  rest.close();
  await s.close();
});

/**
 * A server that answers each connection's first request and, on a second one over the same kept-alive connection,
 * closes it without reading it: what a server whose idle timeout ran out as the request went out does.
 */
async function closingOnReuse(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const body = JSON.stringify({ code: '00000', msg: 'success', requestTime: 1, data: { serverTime: '1695806875837' } });
  const server = createNetServer((socket) => {
    connections++;
    let seen = 0;
    let text = '';
    socket.on('data', (b) => {
      text += b.toString('latin1');
      for (let end = text.indexOf('\r\n\r\n'); end >= 0; end = text.indexOf('\r\n\r\n')) {
        text = text.slice(end + 4);
        if (++seen > 1) {
          socket.destroy();
          return;
        }
        socket.write(
          `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: keep-alive\r\n\r\n${body}`,
        );
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((z) => server.listen(0, '127.0.0.1', () => z()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: () => new Promise<void>((z) => server.close(() => z())),
  };
}

test('a kept-alive connection the server closed as a read went out on it: the read is asked again on a new one, once', async () => {
  const s = await closingOnReuse();
  const rest = new BitgetRestClient({ baseUrl: s.url, mode: 'demo', credentials: CREDS, clock: fixedClock() });
  try {
    assert.is(await rest.serverTime(), 1695806875837);
    // the second goes out on the kept-alive connection, which the server closes unread
    assert.is(await rest.serverTime(), 1695806875837);
    assert.is(rest.stats.staleSocketRetries, 1);
    assert.is(rest.stats.requests, 3);
    assert.is(s.connections(), 2);
  } finally {
    rest.close();
    await s.close();
  }
});

test.run();
