// The exchange's rate control and its latency stamps: N books updates per second with the flow churning N/10 times
// faster (same depth, same changes per push), and the send and arrival stamps a benchmark joins with its own.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { atRate } from '../../src/exchange/rate';
import { WireStamps } from '../../src/exchange/stamps';
import { DEFAULT_INSTRUMENTS } from '../../src/exchange/instruments';
import { DEFAULT_FLOW } from '../../src/exchange/order-flow';
import { startExchange } from '../../src/exchange/server';

test('atRate: interval 1/rate, lifetimes shorter and market orders more frequent by rate/10, other overrides kept', () => {
  const btc = DEFAULT_INSTRUMENTS.find((i) => i.symbol === 'BTCUSDT' && i.instType === 'USDT-FUTURES')!;
  const r = atRate([btc], { depthTicks: 300, orderLifetimeSec: 40 }, 1000);
  assert.is(r.pushIntervalMs, 1);
  assert.equal(r.flow, { depthTicks: 300 });
  assert.is(r.instruments[0].flow.orderLifetimeSec, 40 / 100);
  assert.is(r.instruments[0].flow.marketRate, (btc.flow.marketRate ?? DEFAULT_FLOW.marketRate) * 100);
  assert.is(atRate([btc], undefined, 5000).pushIntervalMs, 0.2);
  assert.throws(() => atRate([btc], undefined, 0), /between 1 and 20000/);
  assert.throws(() => atRate([btc], undefined, 50_000), /between 1 and 20000/);
});

test('stamps: place-order arrivals by clientOid, other requests ignored; take() hands each stamp over once', () => {
  const s = new WireStamps();
  s.request('/api/v2/mix/order/place-order', '{"symbol":"BTCUSDT","clientOid":"rb-1","size":"1"}', 12.5);
  s.request('/api/v2/mix/order/cancel-order', '{"clientOid":"rb-1"}', 13);
  s.request('/api/v2/mix/order/place-order', '{"symbol":"BTCUSDT"}', 14);
  s.send('BTCUSDT', 123456789012345678901n, 15.25);
  const log = s.take();
  assert.equal(log.arrivals, [['rb-1', 12.5]]);
  assert.equal(log.sends, [['BTCUSDT', '123456789012345678901', 15.25]]);
  assert.ok(/^\d+$/.test(log.clock.hrtimeNs));
  assert.equal(s.take().sends, []);
});

test('startExchange: messagesPerSec and stamps: the debug route lists the books updates it sent', async () => {
  await startExchange({ messagesPerSec: 10, pushIntervalMs: 100 }).then(
    () => assert.unreachable('both rate options were taken'),
    (e: Error) => assert.match(e.message, /exclude each other/),
  );
  const ex = await startExchange({ manual: true, messagesPerSec: 1000, stamps: true, symbols: ['USDT-FUTURES:BTCUSDT'] });
  try {
    const { default: WebSocket } = await import('ws');
    const ws = new WebSocket(ex.url.ws);
    const frames: string[] = [];
    await new Promise((r) => ws.once('open', r));
    ws.on('message', (d) => frames.push(d.toString()));
    ws.send(JSON.stringify({ op: 'subscribe', args: [{ instType: 'USDT-FUTURES', channel: 'books', instId: 'BTCUSDT' }] }));
    while (!frames.some((f) => f.includes('"snapshot"'))) await new Promise((r) => setTimeout(r, 5));
    ex.tick(20);
    while (frames.filter((f) => f.includes('"update"')).length < 5) await new Promise((r) => setTimeout(r, 5));
    const log = (await (await fetch(`${ex.url.rest}/debug/stamps`)).json()) as { sends: Array<[string, string, number]> };
    const updates = frames.filter((f) => f.includes('"update"')).map((f) => /"seq":(\d+)/.exec(f)![1]);
    assert.equal(
      log.sends.map((x) => x[1]),
      updates,
      'one stamp per update sent, by seq',
    );
    assert.ok(log.sends.every(([sym, , ms]) => sym === 'BTCUSDT' && ms > 0));
    ws.close();
  } finally {
    await ex.close();
  }
});

test.run();
