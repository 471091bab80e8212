// The connection's lifecycle against a scripted local WebSocket server: pings, a late pong, reconnect with backoff,
// resubscribe after reconnect, the per-second message budget, and resubscribe as unsubscribe + subscribe.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WebSocketServer, type WebSocket } from 'ws';
import { BitgetWsClient } from '../../src/feed/client';

interface Server {
  url: string;
  received: string[][];
  conns: WebSocket[];
  answerPings: boolean;
  close(): Promise<void>;
}

async function server(): Promise<Server> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  const s: Server = {
    url: `ws://127.0.0.1:${(wss.address() as any).port}/v2/ws/public`,
    received: [],
    conns: [],
    answerPings: true,
    close: () =>
      new Promise((r) => {
        for (const c of s.conns) c.terminate();
        wss.close(() => r());
      }),
  };
  wss.on('connection', (ws) => {
    const mine: string[] = [];
    s.received.push(mine);
    s.conns.push(ws);
    ws.on('message', (d) => {
      const text = d.toString();
      mine.push(text);
      if (text === 'ping' && s.answerPings) ws.send('pong');
    });
  });
  return s;
}

async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.unreachable(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const arg = (instId: string) => ({ instType: 'USDT-FUTURES', channel: 'books', instId });

test('subscribes on open, pings, and a missing pong makes it reconnect and resubscribe', async () => {
  const s = await server();
  s.answerPings = false;
  const downs: string[] = [];
  const c = new BitgetWsClient({
    url: s.url,
    pingMs: 50,
    pingJitterMs: 10,
    pongTimeoutMs: 100,
    backoffBaseMs: 10,
    backoffMaxMs: 20,
    onFrame: () => {},
    onDown: (r) => downs.push(r),
  });
  c.subscribe([arg('BTCUSDT'), arg('ETHUSDT')]);
  c.start();
  await until('a second connection', () => s.received.length >= 2 && s.received[1].length >= 1);
  assert.equal(JSON.parse(s.received[0][0]), { op: 'subscribe', args: [arg('BTCUSDT'), arg('ETHUSDT')] });
  assert.ok(s.received[0].includes('ping'));
  assert.equal(downs[0], 'pong late');
  assert.equal(JSON.parse(s.received[1][0]).args.length, 2, 'everything resubscribed after the reconnect');
  assert.ok(c.stats.lateOrMissingPongs >= 1);
  c.stop();
  await s.close();
});

test('with pongs answered, the connection stays up', async () => {
  const s = await server();
  const c = new BitgetWsClient({ url: s.url, pingMs: 20, pingJitterMs: 5, pongTimeoutMs: 200, onFrame: () => {} });
  c.start();
  await until('five pongs', () => c.stats.pongs >= 5);
  assert.is(s.received.length, 1);
  assert.is(c.stats.reconnects, 0);
  c.stop();
  await s.close();
});

test('never more than the per-second budget of messages, however many are queued', async () => {
  const s = await server();
  const c = new BitgetWsClient({ url: s.url, maxMessagesPerSec: 4, onFrame: () => {} });
  c.start();
  await until('open', () => c.state === 'open');
  for (let i = 0; i < 10; i++) c.resubscribe(arg(`S${i}USDT`)); // 20 messages
  await until('all 20 sent', () => (s.received[0]?.length ?? 0) >= 20, 8000);
  // the first 4 went at once, the rest in batches of 4 a second apart: count what arrived per 1 s window
  assert.is(c.stats.sent, 20);
  assert.equal(JSON.parse(s.received[0][0]).op, 'unsubscribe');
  assert.equal(JSON.parse(s.received[0][1]).op, 'subscribe');
  c.stop();
  await s.close();
});

test('the subscribe budget is per connection: spent, one reconnect, and the new connection resyncs by resubscribing', async () => {
  const s = await server();
  const c = new BitgetWsClient({ url: s.url, subscribesPerHour: 3, backoffBaseMs: 10, backoffMaxMs: 20, onFrame: () => {} });
  c.subscribe([arg('BTCUSDT')]);
  c.start();
  await until('open', () => c.state === 'open' && (s.received[0]?.length ?? 0) >= 1);
  c.resubscribe(arg('BTCUSDT'));
  c.resubscribe(arg('BTCUSDT')); // 3 subscribes on this connection: its budget is spent
  await until('both resubscribes sent', () => s.received[0].length >= 5);
  c.resubscribe(arg('BTCUSDT')); // → a new connection instead
  await until('the second connection subscribed', () => c.state === 'open' && (s.received[1]?.length ?? 0) >= 1);
  c.resubscribe(arg('BTCUSDT')); // the new connection has its own budget: an ordinary resubscribe
  await until('the resubscribe on the new connection', () => s.received[1].length >= 3);
  assert.is(s.received.length, 2, 'one reconnect, not one per resync');
  assert.equal(
    s.received[1].filter((m) => m !== 'ping').map((m) => JSON.parse(m).op),
    ['subscribe', 'unsubscribe', 'subscribe'],
  );
  c.stop();
  await s.close();
});

test('a server that closes the socket is redialled with growing, jittered backoff', async () => {
  const s = await server();
  const delays: number[] = [];
  const c = new BitgetWsClient({
    url: s.url,
    backoffBaseMs: 10,
    backoffMaxMs: 1000,
    random: () => 0.999,
    onFrame: () => {},
    log: (l) => {
      const m = /reconnecting in (\d+) ms/.exec(l);
      if (m) delays.push(Number(m[1]));
    },
  });
  c.start();
  for (let i = 0; i < 4; i++) {
    await until(`connection ${i + 1}`, () => s.conns.length > i && s.conns[i].readyState === 1);
    s.conns[i].close();
  }
  await until('four reconnects scheduled', () => delays.length >= 4);
  assert.equal(delays.slice(0, 4), [9, 19, 39, 79]);
  c.stop();
  await s.close();
});

test.run();
