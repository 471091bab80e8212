import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startExchange, type Exchange } from '../../src/exchange/index';
import { request } from 'node:http';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { WsProbe, getText } from './helpers';
import { restOk } from '../../src/exchange/index';

let ex: Exchange;
test.before(async () => {
  ex = await startExchange({ seed: 1, manual: true });
});
test.after(async () => {
  await ex.close();
});

const envelope = (text: string) => {
  const j = JSON.parse(text);
  assert.equal(Object.keys(j), ['code', 'msg', 'requestTime', 'data']);
  return j;
};

test('binds loopback on an ephemeral port and reports both URLs', () => {
  assert.is(ex.host, '127.0.0.1');
  assert.ok(ex.port > 0);
  assert.is(ex.url.ws, `ws://127.0.0.1:${ex.port}/v2/ws/public`);
  assert.is(ex.url.rest, `http://127.0.0.1:${ex.port}`);
});

test('GET /api/v2/public/time: Bitget envelope, serverTime a string of ms', async () => {
  const before = Date.now();
  const r = await getText(`${ex.url.rest}/api/v2/public/time`);
  const after = Date.now();
  assert.is(r.status, 200);
  assert.match(r.text, /^\{"code":"00000","msg":"success","requestTime":\d+,"data":\{"serverTime":"\d+"\}\}$/);
  const j = envelope(r.text);
  const t = Number(j.data.serverTime);
  assert.ok(t >= before && t <= after);
});

test('GET contracts: USDT-FUTURES rows, symbol filter, case-insensitive productType', async () => {
  const all = envelope((await getText(`${ex.url.rest}/api/v2/mix/market/contracts?productType=USDT-FUTURES`)).text);
  assert.is(all.code, '00000');
  assert.equal(
    all.data.map((r: { symbol: string }) => r.symbol),
    ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'],
  );
  const sol = envelope((await getText(`${ex.url.rest}/api/v2/mix/market/contracts?productType=usdt-futures&symbol=SOLUSDT`)).text);
  assert.is(sol.data.length, 1);
  assert.equal(
    [sol.data[0].pricePlace, sol.data[0].priceEndStep, sol.data[0].volumePlace, sol.data[0].sizeMultiplier],
    ['3', '5', '1', '0.1'],
  );
  const coin = envelope((await getText(`${ex.url.rest}/api/v2/mix/market/contracts?productType=COIN-FUTURES`)).text);
  assert.equal(coin.data, [], 'a valid product type the simulator does not list');
});

test('GET contracts: missing or bad productType and unknown symbol give Bitget error envelopes', async () => {
  const missing = await getText(`${ex.url.rest}/api/v2/mix/market/contracts`);
  assert.is(missing.status, 400);
  assert.equal(envelope(missing.text).code, '40019');
  const bad = await getText(`${ex.url.rest}/api/v2/mix/market/contracts?productType=FOO`);
  assert.is(bad.status, 400);
  const j = envelope(bad.text);
  assert.equal([j.code, j.msg, j.data], ['40020', 'Parameter productType error', null]);
  const nope = await getText(`${ex.url.rest}/api/v2/mix/market/contracts?productType=USDT-FUTURES&symbol=NOPEUSDT`);
  assert.equal([nope.status, envelope(nope.text).code], [400, '40034']);
});

test('GET spot symbols: rows and filter', async () => {
  const all = envelope((await getText(`${ex.url.rest}/api/v2/spot/public/symbols`)).text);
  assert.equal(
    all.data.map((r: { symbol: string }) => r.symbol),
    ['BTCUSDT', 'A2ZUSDT'],
  );
  const a2z = envelope((await getText(`${ex.url.rest}/api/v2/spot/public/symbols?symbol=A2ZUSDT`)).text);
  assert.equal([a2z.data[0].pricePrecision, a2z.data[0].quantityPrecision], ['6', '1']);
});

test('unknown path → HTTP 404 with code "40404"', async () => {
  const r = await getText(`${ex.url.rest}/api/v2/nope`);
  assert.is(r.status, 404);
  const j = envelope(r.text);
  assert.equal([j.code, j.data], ['40404', null]);
});

test('GET /debug/book: the true book as wire strings with seq (string) and checksum', async () => {
  ex.tick(5);
  const r = await getText(`${ex.url.rest}/debug/book?instType=USDT-FUTURES&symbol=BTCUSDT&depth=3`);
  assert.is(r.status, 200);
  const j = JSON.parse(r.text);
  assert.is(j.seq, ex.market('USDT-FUTURES', 'BTCUSDT')!.seq.toString());
  assert.ok(BigInt(j.seq) > 2n ** 53n);
  assert.is(j.levels.bids.length, 3);
  assert.is(j.levels.asks.length, 3);
  assert.ok(Number(j.levels.bids[0][0]) < Number(j.levels.asks[0][0]));
  assert.type(j.checksum, 'number');
  assert.equal(j, ex.market('USDT-FUTURES', 'BTCUSDT')!.book(3));
  const bad = await getText(`${ex.url.rest}/debug/book?instType=SPOT&symbol=NOPE`);
  assert.is(bad.status, 400);
  const depth = await getText(`${ex.url.rest}/debug/book?instType=SPOT&symbol=A2ZUSDT&depth=x`);
  assert.match(JSON.parse(depth.text).msg, /depth must be a whole number/);
});

test('GET /debug/stats: counters and markets', async () => {
  const j = JSON.parse((await getText(`${ex.url.rest}/debug/stats`)).text);
  assert.equal(Object.keys(j), ['connections', 'traffic', 'faults', 'perConnection', 'markets']);
  assert.is(j.markets.length, 5);
  assert.ok(j.markets[0].levels.bids >= 400);
  assert.is(j.faults.dropped, 0);
});

test('symbols option lists only the chosen instruments', async () => {
  const only = await startExchange({ manual: true, symbols: ['SPOT:A2ZUSDT'] });
  try {
    const fut = envelope((await getText(`${only.url.rest}/api/v2/mix/market/contracts?productType=USDT-FUTURES`)).text);
    assert.equal(fut.data, []);
    assert.equal(
      only.instruments().map((i) => `${i.instType}:${i.symbol}`),
      ['SPOT:A2ZUSDT'],
    );
  } finally {
    await only.close();
  }
});

test('bad options are refused with a message that names them', async () => {
  for (const [opts, re] of [
    [{ faults: { dropRate: 2 } }, /dropRate must be a probability in \[0, 1\], got 2/],
    [{ faults: { stallMs: 10 } }, /stallMs and stallEverySec go together/],
    [{ pushIntervalMs: 0 }, /pushIntervalMs must be a whole number ≥ 1/],
    [{ symbols: ['NOPE'] }, /unknown symbol "NOPE"/],
  ] as const) {
    const err = await startExchange({ manual: true, ...(opts as object) }).then(
      async (x) => {
        await x.close();
        return new Error(`accepted ${JSON.stringify(opts)}`);
      },
      (e: Error) => e,
    );
    assert.match(err.message, re as RegExp);
  }
});

test('plugins add REST routes and WS paths without touching the server (how the private API will plug in)', async () => {
  let closed = false;
  const x = await startExchange({
    manual: true,
    trading: false, // the built-in trading plugin owns these paths otherwise
    plugins: [
      (ctx) => {
        ctx.router.post('/api/v2/spot/trade/place-order', (req) => restOk(ctx.venue.exchNow(), JSON.stringify({ echo: req.body })));
        ctx.wsPaths.set('/v2/ws/private', (ws, _req, id) => {
          ws.on('message', () => ws.send('private'));
          return {
            id,
            stats: () => ({
              id,
              path: '/v2/ws/private',
              remote: '',
              messagesIn: 0,
              framesOut: 0,
              subscriptions: [],
              faults: ctx.faultTotals,
            }),
            terminate: () => ws.terminate(),
          };
        });
        return { close: () => void (closed = true) };
      },
    ],
  });
  try {
    const r = await fetch(`${x.url.rest}/api/v2/spot/trade/place-order`, { method: 'POST', body: '{"a":1}' });
    assert.is(JSON.parse(await r.text()).data.echo, '{"a":1}');
    const c = await WsProbe.open(x.url.ws.replace('/public', '/private'));
    c.send('hi');
    assert.is(await c.next(() => true, 'private echo'), 'private');
    assert.is(x.stats().connections.open, 1);
    c.close();
  } finally {
    await x.close();
  }
  assert.ok(closed, 'plugin closer ran');
});

test('every answer says it is the local exchange (x-ringbook-venue), which Bitget never does: REST, errors, refusals, WebSocket', async () => {
  for (const path of ['/api/v2/public/time', '/api/v2/mix/market/contracts', '/nowhere', '/api/v2/mix/order/place-order']) {
    const r = await fetch(`${ex.url.rest}${path}`);
    await r.text();
    assert.is(r.headers.get('x-ringbook-venue'), 'local-exchange', `${path} (HTTP ${r.status})`);
  }
  // a request target that is not a path (400) and a refused upgrade (404): answered before any route
  const bad = await new Promise<string>((resolve) => {
    const s = connect(ex.port, '127.0.0.1', () => s.write('GET * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
    let text = '';
    s.on('data', (d) => (text += d));
    s.on('end', () => resolve(text));
    s.on('close', () => resolve(text));
  });
  assert.match(bad, /^HTTP\/1\.1 400[^]*x-ringbook-venue: local-exchange/i);
  const refusedUpgrade = await new Promise<string | undefined>((resolve) => {
    const rq = request({
      host: '127.0.0.1',
      port: ex.port,
      path: '/v2/ws/nowhere',
      headers: { connection: 'Upgrade', upgrade: 'websocket' },
    });
    rq.on('response', (res) => {
      res.resume();
      resolve(res.headers['x-ringbook-venue'] as string | undefined);
    });
    rq.on('error', () => resolve(undefined));
    rq.end();
  });
  assert.is(refusedUpgrade, 'local-exchange');
  const upgraded = await new Promise<string | undefined>((resolve, reject) => {
    const ws = new WebSocket(ex.url.ws);
    ws.on('upgrade', (res) => resolve(res.headers['x-ringbook-venue'] as string | undefined));
    ws.on('open', () => ws.close());
    ws.on('error', reject);
  });
  assert.is(upgraded, 'local-exchange');
});

test.run();
