// The client-side budgets hold where Bitget counts them — at the server: requests are fired in bursts, the
// scripted server stamps each arrival, and no sliding window of the budget's length ever holds more than the
// limit. Budgets are scaled down (ms windows) so the test is quick; the production table is checked as data.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BitgetRestClient } from '../../src/gateway/rest-client';
import { SlidingWindowLimiter } from '../../src/gateway/rate-limit';
import { ENDPOINTS } from '../../src/gateway/wire';
import { CREDS, fail, ok, restServer, type Recorded } from './helpers';

/** The most arrivals inside any window [t, t + windowMs). */
function maxInWindow(reqs: Recorded[], windowMs: number): number {
  const t = reqs.map((r) => r.at).sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i] - t[j] >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

test('production budgets: place/cancel 10/s, positions 5/s, set-leverage 5/s, server time 20/s', () => {
  const b = (n: keyof typeof ENDPOINTS) => `${ENDPOINTS[n].budget.limit}/${ENDPOINTS[n].budget.windowMs}`;
  assert.equal(
    [
      b('placeOrder'),
      b('cancelOrder'),
      b('cancelAllOrders'),
      b('ordersPending'),
      b('allPosition'),
      b('singlePosition'),
      b('setLeverage'),
      b('serverTime'),
    ],
    ['10/1000', '10/1000', '10/1000', '10/1000', '5/1000', '5/1000', '5/1000', '20/1000'],
  );
});

test('a burst of 24 place-orders never exceeds 4 per 120 ms at the server, and all get through', async () => {
  const s = await restServer();
  s.on('POST /api/v2/mix/order/place-order', (r) => ok({ orderId: '1', clientOid: JSON.parse(r.body).clientOid }));
  const rest = new BitgetRestClient({
    baseUrl: s.url,
    mode: 'demo',
    credentials: CREDS,
    rateLimits: { placeOrder: { limit: 4, windowMs: 120 } },
  });
  const body = (i: number) => ({
    symbol: 'BTCUSDT',
    productType: 'USDT-FUTURES' as const,
    marginMode: 'crossed' as const,
    marginCoin: 'USDT',
    size: '0.01',
    side: 'buy' as const,
    orderType: 'market' as const,
    clientOid: `b${i}`,
  });
  const results = await Promise.all(Array.from({ length: 24 }, (_, i) => rest.placeOrder(body(i))));
  assert.is(results.length, 24);
  const reqs = s.of('/api/v2/mix/order/place-order');
  assert.is(reqs.length, 24);
  assert.ok(maxInWindow(reqs, 120) <= 4, `max ${maxInWindow(reqs, 120)} in a window`);
  assert.ok(rest.limiter('placeOrder').stats.queuedMax >= 20, 'the rest waited in the queue');
  assert.equal(
    reqs.map((r) => JSON.parse(r.body).clientOid),
    Array.from({ length: 24 }, (_, i) => `b${i}`),
    'FIFO',
  );
  rest.close();
  await s.close();
});

test('budgets are per endpoint: positions at 2/100 ms and cancels at 5/100 ms, interleaved', async () => {
  const s = await restServer();
  s.on('GET /api/v2/mix/position/all-position', () => ({ data: [], delayMs: 5 }));
  s.on('POST /api/v2/mix/order/cancel-order', () => ({ data: { orderId: '1', clientOid: 'c' }, delayMs: 2 }));
  const rest = new BitgetRestClient({
    baseUrl: s.url,
    mode: 'demo',
    credentials: CREDS,
    rateLimits: { allPosition: { limit: 2, windowMs: 100 }, cancelOrder: { limit: 5, windowMs: 100 } },
  });
  const jobs: Array<Promise<unknown>> = [];
  for (let i = 0; i < 10; i++) {
    jobs.push(rest.allPositions({ productType: 'USDT-FUTURES' }));
    jobs.push(rest.cancelOrder({ symbol: 'BTCUSDT', productType: 'USDT-FUTURES', clientOid: `c${i}` }));
    jobs.push(rest.cancelOrder({ symbol: 'BTCUSDT', productType: 'USDT-FUTURES', clientOid: `d${i}` }));
  }
  await Promise.all(jobs);
  const pos = s.of('/api/v2/mix/position/all-position');
  const cancels = s.of('/api/v2/mix/order/cancel-order');
  assert.equal([pos.length, cancels.length], [10, 20]);
  assert.ok(maxInWindow(pos, 100) <= 2, `positions: ${maxInWindow(pos, 100)}`);
  assert.ok(maxInWindow(cancels, 100) <= 5, `cancels: ${maxInWindow(cancels, 100)}`);
  rest.close();
  await s.close();
});

test('after a 429 the endpoint pauses, then the budget still holds', async () => {
  const s = await restServer();
  let n = 0;
  s.on('GET /api/v2/mix/order/orders-pending', () => (++n === 3 ? fail(429, '429', 'Too Many Requests') : ok({ entrustedList: null })));
  const rest = new BitgetRestClient({
    baseUrl: s.url,
    mode: 'demo',
    credentials: CREDS,
    retry429DelayMs: 30,
    rateLimits: { ordersPending: { limit: 3, windowMs: 60 } },
  });
  await Promise.all(Array.from({ length: 9 }, () => rest.ordersPending({ productType: 'USDT-FUTURES', symbol: 'BTCUSDT' })));
  const reqs = s.of('/api/v2/mix/order/orders-pending');
  assert.is(reqs.length, 10, '9 calls + 1 retry');
  assert.ok(maxInWindow(reqs, 60) <= 3);
  assert.is(rest.limiter('ordersPending').stats.paused, 1);
  rest.close();
  await s.close();
});

test('limiter with a hand-driven clock: grants only as slots free (completion + window)', async () => {
  let now = 0;
  const lim = new SlidingWindowLimiter(2, 100, () => now);
  const granted: number[] = [];
  const rel: Array<() => void> = [];
  for (let i = 0; i < 4; i++)
    lim.acquire().then((r) => {
      granted.push(i);
      rel.push(r);
    });
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(granted, [0, 1]);
  now = 10;
  rel[0]();
  rel[1]();
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(granted, [0, 1], 'slots stay held for a window after completion');
  now = 109;
  await new Promise((r) => setTimeout(r, 120));
  assert.equal(granted, [0, 1], 'still inside the window');
  now = 110;
  // the limiter looks again on a timer of its own: wait for the grant (bounded), however late that timer runs
  for (const end = Date.now() + 10_000; granted.length < 4; await new Promise((r) => setTimeout(r, 5)))
    if (Date.now() > end) assert.unreachable(`granted only ${granted.join(', ')}`);
  assert.equal(granted, [0, 1, 2, 3]);
  lim.dispose();
});

test('disposing fails the callers still waiting (RB_ERR_GW_CLOSED), so shutdown never hangs', async () => {
  const lim = new SlidingWindowLimiter(1, 1000);
  await lim.acquire();
  const waiting = lim.acquire().then(
    () => 'granted',
    (e: Error) => e.message,
  );
  lim.dispose();
  assert.match(await waiting, /RB_ERR_GW_CLOSED/);
  assert.match(
    await lim.acquire().then(
      () => '',
      (e: Error) => e.message,
    ),
    /RB_ERR_GW_CLOSED/,
  );
});

test('tryAcquire: a slot now without a promise while the budget has room; none when full, paused or someone waits', async () => {
  let now = 0;
  const l = new SlidingWindowLimiter(2, 100, () => now);
  const a = l.tryAcquire();
  const b = l.tryAcquire();
  assert.ok(a && b);
  assert.is(l.tryAcquire(), null, 'two in flight: full');
  a!();
  assert.is(l.tryAcquire(), null, 'a released slot comes back one window after its answer');
  now = 100;
  const c = l.tryAcquire();
  assert.ok(c, 'the window passed');
  const waiting = l.acquire(); // full again: this one waits
  b!();
  now = 200;
  assert.is(l.tryAcquire(), null, 'a caller already waiting goes first');
  c!();
  (await waiting)();
  l.pause(50);
  assert.is(l.tryAcquire(), null, 'paused after a 429');
  now = 400;
  assert.ok(l.tryAcquire(), 'after the pause');
  l.dispose();
  assert.is(l.tryAcquire(), null, 'a closed limiter grants nothing');
});

test.run();
