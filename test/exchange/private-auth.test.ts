// The private API's door: Bitget request signing checked against independently computed vectors, every rejection
// Bitget gives (key, sign, passphrase, timestamp window, paptrading environment), per-endpoint rate limits, and the
// private WebSocket login. The exchange clock is injected, so the vector timestamps are "now".
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { signRest, signWsLogin } from '../../src/gateway/signing';
import { startExchange, type Exchange } from '../../src/exchange/index';
import { WsProbe } from './helpers';
import { CREDS, client, loginProbe, signed } from './private-helpers';

// Known vectors (Python hmac, secret 'ringbook-demo-secret').
const T_REST = 1695806875837;
const PLACE_BODY = '{"symbol":"BTCUSDT","productType":"USDT-FUTURES"}';
const PLACE_SIGN = '9mZAzfzzPCLf2a474ioKGIseE55vFduIJwjeeuHCfHk=';
const PENDING_QUERY = 'productType=USDT-FUTURES&symbol=BTCUSDT';
const PENDING_SIGN = 'vdN28/QSgfx8/bQ/tJ9W6X6oCKNTxv/LBdtWotwlOLI=';
const T_WS = 1538054050;
const WS_SIGN = 'ShxBx83wO1SSJdcdJJ/mmfQep9HfRrPKtV5w+xBel6c=';

let now = T_REST + 1234; // the exchange clock, ms (the vector timestamp is 1.2 s old: inside the window)
let rateNow = 0; // the rate-limit clock: held still unless a test moves it
let ex: Exchange;
const probes: WsProbe[] = [];

test.before(async () => {
  ex = await startExchange({ seed: 3, manual: true, clock: { now: () => now }, trading: { rateClock: () => rateNow } });
});
test.after.each(() => {
  for (const p of probes.splice(0)) p.close();
});
test.after(async () => {
  await ex.close();
});

const vectorHeaders = (sign: string, ts = T_REST): Record<string, string> => ({
  'ACCESS-KEY': CREDS.apiKey,
  'ACCESS-SIGN': sign,
  'ACCESS-TIMESTAMP': String(ts),
  'ACCESS-PASSPHRASE': CREDS.passphrase,
  'Content-Type': 'application/json',
  paptrading: '1',
});

test('the shared signer reproduces the independent vectors', () => {
  assert.is(signRest(CREDS.secret, String(T_REST), 'POST', '/api/v2/mix/order/place-order', '', PLACE_BODY), PLACE_SIGN);
  assert.is(signRest(CREDS.secret, String(T_REST), 'GET', '/api/v2/mix/order/orders-pending', PENDING_QUERY, ''), PENDING_SIGN);
  assert.is(signWsLogin(CREDS.secret, String(T_WS)), WS_SIGN);
});

test('REST accepts the known vectors verbatim (signature passes; the request itself is then judged)', async () => {
  rateNow += 10_000;
  const place = await fetch(`${ex.url.rest}/api/v2/mix/order/place-order`, {
    method: 'POST',
    headers: vectorHeaders(PLACE_SIGN),
    body: PLACE_BODY,
  });
  const pj = JSON.parse(await place.text());
  // signature accepted: the body lacks marginMode, so the answer is the parameter check, not an auth error
  assert.equal([place.status, pj.code, pj.msg, pj.data], [400, '40019', 'Parameter marginMode cannot be empty', null]);
  assert.is(pj.requestTime, now);

  const pending = await fetch(`${ex.url.rest}/api/v2/mix/order/orders-pending?${PENDING_QUERY}`, { headers: vectorHeaders(PENDING_SIGN) });
  const text = await pending.text();
  assert.is(pending.status, 200);
  assert.is(text, `{"code":"00000","msg":"success","requestTime":${now},"data":{"entrustedList":null,"endId":null}}`);
});

test('REST rejects: wrong key 40006, wrong sign 40009, wrong passphrase 40012, missing headers', async () => {
  rateNow += 10_000;
  const c = client(ex.url.rest, () => now);
  const path = '/api/v2/mix/order/orders-pending';
  const q = { productType: 'USDT-FUTURES' };
  const cases: [Parameters<typeof c.get>[2], number, string, string][] = [
    [{ creds: { ...CREDS, apiKey: 'nope' } }, 400, '40006', 'Invalid ACCESS_KEY'],
    [{ creds: { ...CREDS, secret: 'wrong-secret' } }, 400, '40009', 'sign signature error'],
    [{ override: { 'ACCESS-SIGN': PENDING_SIGN } }, 400, '40009', 'sign signature error'], // a valid sign for another request
    [{ creds: { ...CREDS, passphrase: 'wrong' } }, 400, '40012', 'apikey/password is incorrect'],
    [{ override: { 'ACCESS-KEY': null } }, 400, '40001', 'ACCESS_KEY cannot be empty'],
    [{ override: { 'ACCESS-SIGN': null } }, 400, '40003', 'Signature cannot be empty'],
    [{ override: { 'ACCESS-PASSPHRASE': null } }, 400, '40011', 'ACCESS_PASSPHRASE cannot be empty'],
    [{ override: { 'ACCESS-TIMESTAMP': 'soon' } }, 400, '40005', 'Invalid ACCESS_TIMESTAMP'],
  ];
  for (const [o, status, code, msg] of cases) {
    const r = await c.get(path, q, o);
    assert.equal([r.status, r.json.code, r.json.msg, r.json.data], [status, code, msg, null], JSON.stringify(o));
  }
  assert.is((await c.get(path, q)).json.code, '00000', 'and the same request signed right passes');
});

test('REST timestamp window: ±30 s of the exchange clock, else 40008', async () => {
  rateNow += 10_000;
  const path = '/api/v2/mix/account/accounts';
  const q = { productType: 'USDT-FUTURES' };
  for (const [ts, code] of [
    [now - 30_000, '00000'],
    [now + 30_000, '00000'],
    [now - 30_001, '40008'],
    [now + 30_001, '40008'],
  ] as const) {
    const r = await signed(ex.url.rest, 'GET', path, q, { timestamp: ts });
    assert.is(r.json.code, code, `timestamp ${ts - now} ms from the exchange clock`);
    if (code === '40008') assert.is(r.json.msg, 'Request timestamp expired');
  }
});

test('demo environment: paptrading missing or wrong → 40099; S-type product types → 40099', async () => {
  rateNow += 10_000;
  const c = client(ex.url.rest, () => now);
  const path = '/api/v2/mix/account/accounts';
  for (const pap of [null, '0', 'true']) {
    const r = await c.get(path, { productType: 'USDT-FUTURES' }, { paptrading: pap });
    assert.equal([r.status, r.json.code, r.json.msg], [400, '40099', 'exchange environment is incorrect'], `paptrading ${pap}`);
  }
  const s = await c.get(path, { productType: 'SUSDT-FUTURES' });
  assert.equal([s.json.code, s.json.msg], ['40099', 'exchange environment is incorrect']);
  const lower = await c.get(path, { productType: 'usdt-futures' });
  assert.is(lower.json.code, '00000', 'productType is case-insensitive');
});

test('a "live" venue refuses the paptrading header with 40099', async () => {
  const live = await startExchange({ manual: true, symbols: ['USDT-FUTURES:BTCUSDT'], trading: { environment: 'live' } });
  try {
    const path = '/api/v2/mix/account/accounts';
    assert.is((await signed(live.url.rest, 'GET', path, { productType: 'USDT-FUTURES' })).json.code, '40099');
    assert.is((await signed(live.url.rest, 'GET', path, { productType: 'USDT-FUTURES' }, { paptrading: null })).json.code, '00000');
  } finally {
    await live.close();
  }
});

test('custom credentials replace the demo ones', async () => {
  const creds = { apiKey: 'k-123', secret: 's-456', passphrase: 'p-789' };
  const x = await startExchange({ manual: true, symbols: ['USDT-FUTURES:BTCUSDT'], trading: { credentials: creds } });
  try {
    const path = '/api/v2/mix/account/accounts';
    assert.is((await signed(x.url.rest, 'GET', path, { productType: 'USDT-FUTURES' })).json.code, '40006', 'demo key refused');
    assert.is((await signed(x.url.rest, 'GET', path, { productType: 'USDT-FUTURES' }, { creds })).json.code, '00000');
  } finally {
    await x.close();
  }
});

test('rate limits per endpoint: the 11th place-order in one second is HTTP 429 "429"; other endpoints count apart', async () => {
  rateNow += 10_000;
  const c = client(ex.url.rest, () => now);
  const order = {
    symbol: 'BTCUSDT',
    productType: 'USDT-FUTURES',
    marginMode: 'crossed',
    marginCoin: 'USDT',
    side: 'buy',
    orderType: 'limit',
    size: '0.0001',
    price: '1',
  };
  const codes: string[] = [];
  for (let i = 0; i < 11; i++) codes.push((await c.post('/api/v2/mix/order/place-order', order)).json.code);
  // each answer is a business reject (min notional), but each counts
  assert.equal(codes.slice(0, 10), Array(10).fill('45110'));
  const limited = await c.post('/api/v2/mix/order/place-order', order);
  assert.equal([limited.status, limited.json.code, limited.json.msg, limited.json.data], [429, '429', 'Too Many Requests', null]);
  assert.is(
    (await c.get('/api/v2/mix/order/orders-pending', { productType: 'USDT-FUTURES' })).status,
    200,
    'another endpoint has its own budget',
  );
  rateNow += 1000; // the window slides
  assert.is((await c.post('/api/v2/mix/order/place-order', order)).json.code, '45110');
  const lev = { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', marginCoin: 'USDT', leverage: '10' };
  const levCodes: number[] = [];
  for (let i = 0; i < 6; i++) levCodes.push((await c.post('/api/v2/mix/account/set-leverage', lev)).status);
  assert.equal(levCodes, [200, 200, 200, 200, 200, 429], 'set-leverage allows 5/s');
});

test('debug routes are unsigned', async () => {
  const r = await fetch(`${ex.url.rest}/debug/account`);
  assert.is(r.status, 200);
  const j = JSON.parse(await r.text());
  assert.is(j.futures.balance, '10000');
  assert.equal(j.spot.USDT, { available: '10000', frozen: '0' });
});

// ---- private WebSocket login ---------------------------------------------------------------------------------------

test('WS login with the known vector succeeds: {"event":"login","code":0}', async () => {
  const x = await startExchange({ manual: true, symbols: ['USDT-FUTURES:BTCUSDT'], clock: { now: () => T_WS * 1000 + 4000 } });
  try {
    const p = await WsProbe.open(x.url.privateWs);
    probes.push(p);
    p.send({ op: 'login', args: [{ apiKey: CREDS.apiKey, passphrase: CREDS.passphrase, timestamp: String(T_WS), sign: WS_SIGN }] });
    assert.is(await p.next(() => true, 'login reply'), '{"event":"login","code":0}');
    await p.barrier(); // still open, still answering pings
  } finally {
    await x.close();
  }
});

test('WS login failures: sign 30015, key 30011, passphrase 30012, expired 30014, ms timestamp 30013; socket stays open', async () => {
  const p = await WsProbe.open(ex.url.privateWs);
  probes.push(p);
  const sec = Math.floor(now / 1000);
  const login = (o: Partial<{ apiKey: string; passphrase: string; timestamp: string; sign: string }>) =>
    p.send({
      op: 'login',
      args: [
        { apiKey: CREDS.apiKey, passphrase: CREDS.passphrase, timestamp: String(sec), sign: signWsLogin(CREDS.secret, String(sec)), ...o },
      ],
    });
  const cases: [Parameters<typeof login>[0], string][] = [
    [{ sign: WS_SIGN }, '{"event":"error","code":30015,"msg":"Invalid sign"}'],
    [{ sign: signWsLogin('wrong-secret', String(sec)) }, '{"event":"error","code":30015,"msg":"Invalid sign"}'],
    [{ apiKey: 'nope' }, '{"event":"error","code":30011,"msg":"Invalid ACCESS_KEY"}'],
    [{ passphrase: 'nope' }, '{"event":"error","code":30012,"msg":"Invalid ACCESS_PASSPHRASE"}'],
    [
      { timestamp: String(sec - 31), sign: signWsLogin(CREDS.secret, String(sec - 31)) },
      '{"event":"error","code":30014,"msg":"Request timestamp expired"}',
    ],
    [
      { timestamp: String(now), sign: signWsLogin(CREDS.secret, String(now)) },
      '{"event":"error","code":30013,"msg":"Invalid ACCESS_TIMESTAMP"}',
    ],
  ];
  for (const [o, want] of cases) {
    login(o);
    assert.is(await p.next((f) => f.startsWith('{"event"'), JSON.stringify(o)), want);
  }
  // not logged in: private subscriptions are refused per argument
  p.send({ op: 'subscribe', args: [{ instType: 'USDT-FUTURES', channel: 'orders', instId: 'default' }] });
  assert.is(
    await p.next((f) => f.startsWith('{"event"'), '30004'),
    '{"event":"error","arg":{"instType":"USDT-FUTURES","channel":"orders","instId":"default"},"code":30004,"msg":"User needs to log in","op":"subscribe"}',
  );
  login({});
  assert.is(await p.next((f) => f.startsWith('{"event"'), 'login ok'), '{"event":"login","code":0}');
});

test('WS after login: acks per argument (account uses coin), unknown channel 30016, unknown instId 30001, unsubscribe', async () => {
  const p = await loginProbe(ex.url.privateWs, Math.floor(now / 1000));
  probes.push(p);
  p.send({
    op: 'subscribe',
    args: [
      { instType: 'USDT-FUTURES', channel: 'orders', instId: 'default' },
      { instType: 'USDT-FUTURES', channel: 'account', coin: 'default' },
      { instType: 'USDT-FUTURES', channel: 'books', instId: 'BTCUSDT' },
      { instType: 'USDT-FUTURES', channel: 'fill', instId: 'NOPEUSDT' },
    ],
  });
  const events = () => p.next((f) => f.startsWith('{"event"'), 'event');
  assert.is(await events(), '{"event":"subscribe","arg":{"instType":"USDT-FUTURES","channel":"orders","instId":"default"}}');
  assert.is(await events(), '{"event":"subscribe","arg":{"instType":"USDT-FUTURES","channel":"account","coin":"default"}}');
  const snap = JSON.parse(await p.next((f) => f.startsWith('{"action"'), 'account snapshot'));
  assert.equal(snap.arg, { instType: 'USDT-FUTURES', channel: 'account', coin: 'default' });
  assert.is(snap.action, 'snapshot');
  assert.equal([snap.data[0].marginCoin, snap.data[0].available, snap.data[0].equity], ['USDT', '10000', '10000']);
  assert.is(
    await events(),
    '{"event":"error","arg":{"instType":"USDT-FUTURES","channel":"books","instId":"BTCUSDT"},"code":30016,"msg":"Param error","op":"subscribe"}',
  );
  assert.match(await events(), /^\{"event":"error","arg":\{"instType":"USDT-FUTURES","channel":"fill","instId":"NOPEUSDT"\},"code":30001,/);
  p.send({ op: 'unsubscribe', args: [{ instType: 'USDT-FUTURES', channel: 'orders', instId: 'default' }] });
  assert.is(await events(), '{"event":"unsubscribe","arg":{"instType":"USDT-FUTURES","channel":"orders","instId":"default"}}');
  p.send('ping');
  assert.is(await p.next((f) => !f.startsWith('{'), 'pong'), 'pong');
});

test.run();
