// The order requests' own connection (prepared bytes, src/gateway/order-socket.ts) against a raw loopback server that
// answers as scripted: the bytes equal node:http's for the same request and timestamp, answers with Content-Length,
// chunked, split across writes and pipelined reach the right request, and a close mid-answer or a garbage answer fails
// what was waiting, says so, and the connection is made again; while it is down, node:http carries the orders.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server, type Socket, type AddressInfo } from 'node:net';
import { BitgetRestClient } from '../../src/gateway/rest-client';
import { ServerClock } from '../../src/gateway/clock';
import { GatewayTransportError } from '../../src/gateway/errors';
import { placeOrderRequest } from '../../src/gateway/wire';
import { BTC_ORDER_CFG, CREDS } from './helpers';

const NOW = 1695806875837;
const cfg = BTC_ORDER_CFG;
const order = (clientOid: string) =>
  placeOrderRequest(
    { type: 'place', clientOid, side: 'buy', orderType: 'limit', priceTick: 270005, qtyLot: 3, force: 'post_only', reduceOnly: false },
    cfg,
  );

const envelope = (data: unknown) => JSON.stringify({ code: '00000', msg: 'success', requestTime: NOW, data });
const withLength = (body: string, extra = '') =>
  `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const chunked = (body: string) => {
  const half = body.length >> 1;
  const part = (s: string) => `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n`;
  return `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${part(body.slice(0, half))}${part(body.slice(half))}0\r\n\r\n`;
};
const oidOf = (raw: string) => /"clientOid":"([^"]+)"/.exec(raw)?.[1] ?? '';
const nextTurn = () => new Promise((z) => setImmediate(z));

interface RawRequest {
  raw: string;
  conn: number;
  sock: Socket;
}

/** A loopback server that splits the bytes it gets into requests (Content-Length bodies) and lets the test answer. */
async function rawServer(answer: (r: RawRequest, all: RawRequest[]) => void | Promise<void>) {
  const requests: RawRequest[] = [];
  const socks: Socket[] = [];
  let conns = 0;
  const server: Server = createServer((sock) => {
    const conn = ++conns;
    socks.push(sock);
    let buf = '';
    sock.on('error', () => {});
    sock.on('data', async (d) => {
      buf += d.toString('latin1');
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const len = Number(/\r\nContent-Length: (\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
        if (buf.length < end + 4 + len) return;
        const r = { raw: buf.slice(0, end + 4 + len), conn, sock };
        buf = buf.slice(end + 4 + len);
        requests.push(r);
        await answer(r, requests);
      }
    });
  });
  await new Promise<void>((z) => server.listen(0, '127.0.0.1', () => z()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get connections() {
      return conns;
    },
    close: () =>
      new Promise<void>((z) => {
        for (const s of socks) s.destroy();
        server.close(() => z());
      }),
  };
}

const client = (url: string, orderSocket = true) =>
  new BitgetRestClient({ baseUrl: url, mode: 'demo', credentials: CREDS, clock: new ServerClock(() => NOW), orderSocket, timeoutMs: 5000 });

test('a place request: the same bytes as node:http sends, the same signature for the same timestamp', async () => {
  const s = await rawServer((r) => void r.sock.write(withLength(envelope({ clientOid: oidOf(r.raw), orderId: '1' }))));
  const viaHttp = client(s.url, false);
  const viaSocket = client(s.url);
  assert.ok(await viaSocket.openOrderSocket());
  await viaHttp.placeOrder(order('c1'));
  await viaSocket.placeOrder(order('c1'));
  assert.is(viaHttp.stats.prepared, 0);
  assert.is(viaSocket.stats.prepared, 1);
  const [a, b] = s.requests;
  assert.is(b.raw, a.raw);
  assert.ok(b.raw.startsWith('POST /api/v2/mix/order/place-order HTTP/1.1\r\n'));
  assert.ok(b.raw.includes(`\r\nACCESS-TIMESTAMP: ${NOW}\r\n`));
  assert.ok(b.raw.includes('\r\npaptrading: 1\r\n'));
  viaHttp.close();
  viaSocket.close();
  await s.close();
});

test('warmPlaceOrder builds and signs the request a place would send, and sends nothing, counts nothing', async () => {
  const s = await rawServer((r) => void r.sock.write(withLength(envelope({ clientOid: oidOf(r.raw), orderId: '1' }))));
  const rest = client(s.url);
  assert.ok(await rest.openOrderSocket());
  let bytes = 0;
  for (let i = 0; i < 1000; i++) bytes = rest.warmPlaceOrder(order('c1'));
  assert.equal(rest.stats, { requests: 0, errors: 0, retries429: 0, transportErrors: 0, prepared: 0, staleSocketRetries: 0 });
  assert.is(rest.orderSocket!.stats.requests, 0);
  await rest.placeOrder(order('c1'));
  assert.is(s.requests.length, 1, 'only the real order reached the venue');
  assert.is(Buffer.byteLength(s.requests[0].raw), bytes, 'the same request, byte for byte in length');
  assert.is(rest.stats.prepared, 1);
  rest.close();
  await s.close();
});

test('cancel, modify and cancel-all go on the order connection too; other requests through node:http', async () => {
  const s = await rawServer((r) => void r.sock.write(withLength(envelope(r.raw.startsWith('GET') ? [] : { orderId: '1' }))));
  const rest = client(s.url);
  assert.ok(await rest.openOrderSocket());
  await rest.cancelOrder({ symbol: 'BTCUSDT', productType: 'USDT-FUTURES', marginCoin: 'USDT', clientOid: 'c1' });
  await rest.modifyOrder({
    symbol: 'BTCUSDT',
    productType: 'USDT-FUTURES',
    marginCoin: 'USDT',
    clientOid: 'c1',
    newClientOid: 'c2',
    newSize: '0.03',
    newPrice: '27000.5',
  });
  await rest.cancelAllOrders({ productType: 'USDT-FUTURES' });
  await rest.allPositions({ productType: 'USDT-FUTURES' });
  assert.is(rest.stats.prepared, 3);
  assert.is(rest.stats.requests, 4);
  const orderConn = s.requests[0].conn;
  assert.equal(
    s.requests.map((r) => r.conn === orderConn),
    [true, true, true, false],
  );
  rest.close();
  await s.close();
});

test('onWritten runs in the same turn as the call when the write went through whole', async () => {
  const s = await rawServer((r) => void r.sock.write(withLength(envelope({ orderId: '1' }))));
  const rest = client(s.url);
  assert.ok(await rest.openOrderSocket());
  let written = false;
  const p = rest.placeOrder(order('c1'), () => (written = true));
  assert.ok(written, 'on the wire before placeOrder returned');
  await p;
  rest.close();
  await s.close();
});

test('chunked answers, answers split across writes, and pipelined answers reach their own requests', async () => {
  const s = await rawServer(async (r, all) => {
    const n = all.length;
    const body = envelope({ clientOid: oidOf(r.raw), orderId: String(n) });
    if (n === 1) r.sock.write(chunked(body));
    else if (n === 2) {
      const bytes = withLength(body);
      for (let i = 0; i < bytes.length; i += 7) {
        r.sock.write(bytes.slice(i, i + 7));
        await nextTurn();
      }
    } else if (n === 5) {
      // three requests waiting: answer them at once, in one write
      r.sock.write(
        all
          .slice(2)
          .map((q, i) => withLength(envelope({ clientOid: oidOf(q.raw), orderId: String(3 + i) })))
          .join(''),
      );
    }
  });
  const rest = client(s.url);
  assert.ok(await rest.openOrderSocket());
  assert.equal(await rest.placeOrder(order('a')), { clientOid: 'a', orderId: '1' });
  assert.equal(await rest.placeOrder(order('b')), { clientOid: 'b', orderId: '2' });
  const three = await Promise.all([rest.placeOrder(order('c')), rest.placeOrder(order('d')), rest.placeOrder(order('e'))]);
  assert.equal(three, [
    { clientOid: 'c', orderId: '3' },
    { clientOid: 'd', orderId: '4' },
    { clientOid: 'e', orderId: '5' },
  ]);
  assert.is(rest.stats.prepared, 5);
  assert.is(new Set(s.requests.map((r) => r.conn)).size, 1, 'one connection throughout');
  rest.close();
  await s.close();
});

test('a close mid-answer fails what was waiting (outcome unknown), then the connection is made again', async () => {
  let cut = true;
  const s = await rawServer((r) => {
    const bytes = withLength(envelope({ clientOid: oidOf(r.raw), orderId: '1' }));
    if (cut) {
      cut = false;
      r.sock.end(bytes.slice(0, 60));
    } else r.sock.write(bytes);
  });
  const lines: string[] = [];
  const rest = new BitgetRestClient({
    baseUrl: s.url,
    mode: 'demo',
    credentials: CREDS,
    clock: new ServerClock(() => NOW),
    log: (_l, line) => lines.push(line),
  });
  assert.ok(await rest.openOrderSocket());
  const err = await rest.placeOrder(order('a')).then(
    () => null,
    (e) => e,
  );
  assert.instance(err, GatewayTransportError);
  assert.is(err.code, 'RB_ERR_GW_NETWORK');
  assert.match(err.detail, /closed before its answer/);
  assert.ok(lines.some((l) => /closed before its answer; connecting again/.test(l)));
  assert.not.ok(lines.join('\n').includes(CREDS.secret));
  assert.ok(await rest.openOrderSocket());
  assert.equal(await rest.placeOrder(order('b')), { clientOid: 'b', orderId: '1' });
  assert.is(rest.stats.prepared, 2);
  assert.is(s.connections, 2);
  rest.close();
  await s.close();
});

test('a garbage answer is a clear error; the pipelined request behind it fails too; then a new connection', async () => {
  let n = 0;
  const s = await rawServer((r, all) => {
    n++;
    if (n === 2)
      r.sock.write(
        all
          .slice(0, 2)
          .map(() => 'HTTP/1.1 OK fine\r\n\r\n')
          .join(''),
      );
    else if (n > 2) r.sock.write(withLength(envelope({ clientOid: oidOf(r.raw), orderId: '9' })));
  });
  const rest = client(s.url);
  assert.ok(await rest.openOrderSocket());
  const errs = await Promise.all(
    [rest.placeOrder(order('a')), rest.placeOrder(order('b'))].map((p) =>
      p.then(
        () => null,
        (e) => e,
      ),
    ),
  );
  for (const e of errs) {
    assert.instance(e, GatewayTransportError);
    assert.is(e.code, 'RB_ERR_GW_BAD_REPLY');
    assert.match(e.detail, /not an HTTP\/1\.1 status line: "HTTP\/1\.1 OK fine"/);
  }
  assert.is(rest.orderSocket!.stats.badReplies, 1);
  assert.ok(await rest.openOrderSocket());
  assert.equal(await rest.placeOrder(order('c')), { clientOid: 'c', orderId: '9' });
  rest.close();
  await s.close();
});

test('while the order connection is down, node:http carries the order', async () => {
  const s = await rawServer((r) => void r.sock.write(withLength(envelope({ clientOid: oidOf(r.raw), orderId: '1' }))));
  const rest = client(s.url);
  // never opened: not ready
  assert.equal(await rest.placeOrder(order('a')), { clientOid: 'a', orderId: '1' });
  assert.is(rest.stats.prepared, 0);
  assert.ok(await rest.openOrderSocket());
  rest.orderSocket!.close();
  assert.not.ok(rest.orderSocket!.ready);
  assert.equal(await rest.placeOrder(order('b')), { clientOid: 'b', orderId: '1' });
  assert.is(rest.stats.prepared, 0);
  rest.close();
  await s.close();
});

test('an answer nobody asked for drops the connection', async () => {
  const s = await rawServer(() => {});
  const rest = client(s.url);
  assert.ok(await rest.openOrderSocket());
  const waiting = rest.placeOrder(order('a')).then(
    (r) => r,
    (e) => e,
  );
  // answer twice to the one request: the second answer has no request
  await new Promise<void>((z) => {
    const check = () => (s.requests.length ? z() : setImmediate(check));
    check();
  });
  const ok = withLength(envelope({ clientOid: 'a', orderId: '1' }));
  s.requests[0].sock.write(ok + ok);
  assert.equal(await waiting, { clientOid: 'a', orderId: '1' });
  await new Promise<void>((z) => {
    const check = () => (rest.orderSocket!.stats.badReplies ? z() : setImmediate(check));
    check();
  });
  assert.not.ok(rest.orderSocket!.ready);
  rest.close();
  await s.close();
});

test.run();
