// The local exchange against hostile and broken clients: requests that used to kill the process (an unguarded URL
// parse in the request and upgrade handlers), a fuzz run of malformed request lines, targets, headers and upgrade
// requests after which the exchange must still answer, debug routes a web page could reach, and a subscribe
// request repeating one argument hundreds of times.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startExchange, type Exchange } from '../../src/exchange/index';
import { exposureWarning } from '../../src/exchange/same-origin';
import { FUT_BTC, WsProbe, getText, isSnapshot } from './helpers';
import { KNOWN_CRASHERS, fuzz, fuzzRequests, rawRequest } from '../helpers/http-fuzz';

let ex: Exchange;
test.before(async () => {
  ex = await startExchange({ seed: 1, manual: true });
});
test.after(async () => {
  await ex.close();
});

const host = () => `127.0.0.1:${ex.port}`;

async function alive(): Promise<void> {
  const r = await getText(`${ex.url.rest}/api/v2/public/time`);
  assert.is(r.status, 200, 'the exchange still answers REST');
}

test('the one-request crashes get an answer and the exchange stays up', async () => {
  for (const req of KNOWN_CRASHERS(host())) {
    const a = await rawRequest(ex.port, req);
    assert.ok(a.status === 400 || a.status === 404, `${JSON.stringify(req.slice(0, 40))} → ${a.text.slice(0, 80)}`);
    await alive();
  }
  // the same through fetch, as the issue reproduced it
  const r = await fetch(`${ex.url.rest}//x:99999/`);
  assert.ok(r.status === 400 || r.status === 404);
  await r.text();
  await alive();
});

const FUZZED = 2000;

test(`fuzz: ${FUZZED} malformed requests and upgrades, the exchange answers each and keeps serving REST and WebSocket`, async () => {
  const paths = [
    '/api/v2/public/time',
    '/api/v2/mix/market/contracts?productType=USDT-FUTURES',
    '/v2/ws/public',
    '/v2/ws/private',
    '/debug/book',
    '/debug/stats',
    '/debug/account',
    '/debug/market-order',
  ];
  const requests = [...KNOWN_CRASHERS(host()), ...fuzzRequests(16, FUZZED - 3, host(), paths)];
  const { sent, answered, statuses } = await fuzz(ex.port, requests, alive);
  assert.is(sent, FUZZED);
  // most get a status line; the rest are closed unanswered (no request line to answer, or cut short)
  assert.ok(answered > FUZZED * 0.6, `${answered} answered: ${JSON.stringify(statuses)}`);
  const ws = await WsProbe.open(ex.url.ws);
  try {
    ws.subscribe(FUT_BTC);
    await ws.next(isSnapshot('books', 'BTCUSDT'), 'a books snapshot after the fuzz run');
  } finally {
    ws.close();
  }
});

test('debug routes: a cross-origin or non-JSON request is refused and places nothing', async () => {
  const order = JSON.stringify({ symbol: 'BTCUSDT', side: 'buy', size: '0.01' });
  const fillsBefore = JSON.parse((await getText(`${ex.url.rest}/debug/account`)).text).fills.length;
  // what a web page's form or fetch without preflight can send: text/plain, from another origin
  const crossSite = await fetch(`${ex.url.rest}/debug/market-order`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', origin: 'http://evil.example' },
    body: order,
  });
  assert.is(crossSite.status, 403);
  assert.match(await crossSite.text(), /cross-origin/);
  const plain = await fetch(`${ex.url.rest}/debug/market-order`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: order,
  });
  assert.is(plain.status, 415);
  assert.match(await plain.text(), /application\/json/);
  const form = await fetch(`${ex.url.rest}/debug/market-order`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'symbol=BTCUSDT&side=buy&size=0.01',
  });
  assert.is(form.status, 415);
  await form.text();
  const readAcross = await fetch(`${ex.url.rest}/debug/account`, {
    headers: { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
  });
  assert.is(readAcross.status, 403);
  await readAcross.text();
  // DNS rebinding: a foreign name re-pointed at 127.0.0.1 makes the request same-origin to the browser
  const rebound = await rawRequest(ex.port, `GET /debug/account HTTP/1.1\r\nHost: evil.example:${ex.port}\r\n\r\n`);
  assert.is(rebound.status, 403);
  assert.is(JSON.parse((await getText(`${ex.url.rest}/debug/account`)).text).fills.length, fillsBefore, 'nothing traded');
  // the same origin, with JSON, still works
  const own = await fetch(`${ex.url.rest}/debug/market-order`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ex.url.rest },
    body: order,
  });
  assert.is(own.status, 200, await own.clone().text());
  assert.ok(Array.isArray(await own.json()));
});

test('a warning when the exchange is reachable beyond this machine, none on loopback', () => {
  for (const h of ['127.0.0.1', 'localhost', '::1', '127.0.0.2']) assert.is(exposureWarning(h), null, h);
  for (const h of ['0.0.0.0', '::', '192.168.1.5']) {
    const w = exposureWarning(h);
    assert.ok(w && /WARNING/.test(w) && /debug/.test(w) && w.includes(h), String(w));
  }
});

test('a subscribe repeating one argument 900 times is answered once', async () => {
  const ws = await WsProbe.open(ex.url.ws);
  try {
    ws.send({ op: 'subscribe', args: Array.from({ length: 900 }, () => ({ ...FUT_BTC })) });
    await ws.barrier();
    const acks = ws.frames.filter((f) => f.startsWith('{"event":"subscribe"'));
    const snapshots = ws.frames.filter(isSnapshot('books', 'BTCUSDT'));
    assert.is(acks.length, 1);
    assert.is(snapshots.length, 1);
    const bytes = ws.frames.reduce((s, f) => s + f.length, 0);
    assert.ok(bytes < 200_000, `${bytes} bytes answered`);
    // the same argument with its keys in another order is the same subscription
    const mark = ws.frames.length;
    ws.send({ op: 'subscribe', args: [FUT_BTC, { instId: 'BTCUSDT', channel: 'books', instType: 'USDT-FUTURES' }] });
    await ws.barrier();
    assert.is(ws.since(mark).filter((f) => f.startsWith('{"event":"subscribe"')).length, 1);
  } finally {
    ws.close();
  }
});

test.run();
