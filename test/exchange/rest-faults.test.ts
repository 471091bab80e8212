// A slow or failing venue on demand: --rest-latency-ms holds every /api/ request before it acts, --rest-error-rate
// answers a share of them with Bitget's 40015 (HTTP 500) instead of acting. /debug/ routes are never touched, so a
// test can read the truth while the venue misbehaves.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startExchange } from '../../src/exchange/index';
import { resolveFaults, zeroFaultCounters } from '../../src/exchange/faults';
import { describeFaultFlags, describeFaults, parseExchangeArgs } from '../../src/cli/exchange';
import { getText } from './helpers';
import { client, FUT } from './private-helpers';

const ORDER = { ...FUT, side: 'buy', orderType: 'limit', force: 'gtc', size: '0.01', price: '50000', clientOid: 'rest-fault-1' };

test('restErrorRate 1: every /api/ request is 40015 (HTTP 500) and nothing acts; /debug/ still answers', async () => {
  const ex = await startExchange({ seed: 3, manual: true, faults: { restErrorRate: 1 }, trading: { rateLimits: false } });
  try {
    const c = client(ex.url.rest);
    const placed = await c.post('/api/v2/mix/order/place-order', ORDER);
    assert.is(placed.status, 500);
    assert.is(placed.json.code, '40015');
    assert.is(placed.json.data, null);
    const time = await getText(`${ex.url.rest}/api/v2/public/time`);
    assert.is(time.status, 500);
    assert.is(JSON.parse(time.text).code, '40015');
    const account = await getText(`${ex.url.rest}/debug/account`);
    assert.is(account.status, 200);
    assert.equal(JSON.parse(account.text).openOrders, [], 'the refused order was not placed');
    assert.is(ex.stats().faults.restErrors, 2);
  } finally {
    await ex.close();
  }
});

test('restErrorRate 0.5: some requests fail and the rest act, seeded (the same seed fails the same ones)', async () => {
  const run = async () => {
    const ex = await startExchange({ seed: 9, manual: true, faults: { restErrorRate: 0.5 }, trading: false });
    try {
      const out: number[] = [];
      for (let i = 0; i < 40; i++) out.push((await getText(`${ex.url.rest}/api/v2/public/time`)).status);
      assert.is(ex.stats().faults.restErrors, out.filter((s) => s === 500).length);
      return out;
    } finally {
      await ex.close();
    }
  };
  const a = await run();
  assert.ok(a.includes(200) && a.includes(500), a.join(' '));
  assert.equal(await run(), a);
});

test('restLatencyMs: a request is held before it acts, then acts; close() does not wait for a held one', async () => {
  const quick = await startExchange({ seed: 3, manual: true, faults: { restLatencyMs: 1 }, trading: { rateLimits: false } });
  try {
    const placed = await client(quick.url.rest).post('/api/v2/mix/order/place-order', ORDER);
    assert.is(placed.json.code, '00000', placed.text);
    assert.is(quick.trading!.account().openOrders.length, 1);
    assert.is(quick.stats().faults.delayedRequests, 1);
  } finally {
    await quick.close();
  }
  const slow = await startExchange({ seed: 3, manual: true, faults: { restLatencyMs: 3_600_000 }, trading: { rateLimits: false } });
  const answer = client(slow.url.rest)
    .post('/api/v2/mix/order/place-order', ORDER)
    .then(
      () => 'answered',
      () => 'connection closed',
    );
  // the request is in: held, and the order not placed
  while (slow.stats().faults.delayedRequests === 0) await new Promise((r) => setImmediate(r));
  assert.equal(slow.trading!.account().openOrders, []);
  await slow.close();
  assert.is(await answer, 'connection closed');
});

test('the REST faults are checked, parsed from the flags and said back in the flags’ grammar', () => {
  assert.throws(() => resolveFaults({ restErrorRate: 1.5 }), /restErrorRate must be a probability in \[0, 1\], got 1.5/);
  assert.throws(() => resolveFaults({ restLatencyMs: -1 }), /restLatencyMs must be a finite number ≥ 0, got -1/);
  const o = parseExchangeArgs(['--rest-latency-ms', '12s', '--rest-error-rate', '0.1', '--drop-rate', '0.01'])!;
  assert.equal(o.faults, { restLatencyMs: 12_000, restErrorRate: 0.1, dropRate: 0.01 });
  assert.is(describeFaultFlags(o.faults), '--drop-rate 0.01 --rest-latency-ms 12000ms --rest-error-rate 0.1');
  assert.is(describeFaultFlags({}), 'none');
  assert.throws(() => parseExchangeArgs(['--rest-error-rate', '2']), /--rest-error-rate/);
  const c = resolveFaults({});
  assert.is(c.restLatencyMs, 0);
  assert.match(
    describeFaults({ ...zeroFaultCounters(), restErrors: 3, delayedRequests: 1 }),
    /faults: 3 REST errors, 1 delayed REST request$/,
  );
});

test.run();
