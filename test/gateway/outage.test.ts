// The gateway while the venue does not answer, and when it refuses the keys. An outage: one disconnect per attempt,
// attempts spaced by a delay that doubles to a cap, cancel-alls and reconciles asked meanwhile held for the next
// attempt (not sent as fast as the refusals come back), and everything owed sent once the venue answers. Refused
// keys: said once (onAuthRefused), never retried, no disconnect that would ask for another round.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BitgetGateway } from '../../src/gateway/gateway';
import type { BitgetApiError } from '../../src/gateway/errors';
import type { Event } from '../../src/strategy/events';
import { BTC, CREDS, fail, ok, restServer, type RestServer } from './helpers';

const POSITION = '/api/v2/mix/position/single-position';
const PENDING = '/api/v2/mix/order/orders-pending';
const CANCEL_ALL = '/api/v2/mix/order/cancel-all-orders';

function gateway(rest: RestServer, onAuthRefused?: (err: BitgetApiError) => void) {
  const events: Event[] = [];
  const logs: string[] = [];
  const waiters: Array<() => void> = [];
  const gw = new BitgetGateway({
    credentials: CREDS,
    mode: 'local',
    restUrl: rest.url,
    wsUrl: 'ws://127.0.0.1:1/unused',
    grid: BTC,
    onEvent: (e) => {
      events.push(e);
      for (const w of waiters.splice(0)) w();
    },
    log: (level, line) => logs.push(`${level} ${line}`),
    syncClockOnStart: false,
    privateWs: false,
    retry: { baseMs: 20, maxMs: 80 },
    onAuthRefused,
  });
  /** Resolves once `pred` holds of the events so far (checked at each event). */
  const until = (pred: (events: Event[]) => boolean) =>
    new Promise<void>((done) => {
      const look = () => (pred(events) ? done() : waiters.push(look));
      look();
    });
  return { gw, events, logs, until };
}

const disconnects = (events: Event[]) => events.filter((e) => e.type === 'disconnect').length;

test('venue down: attempts back off (20 → 40 → 80 → 80 ms), one disconnect each; asks meanwhile wait; all sent once it answers', async () => {
  const rest = await restServer();
  let down = true;
  rest.on(`GET ${POSITION}`, () => (down ? fail(503, '503', 'Service Unavailable') : ok([])));
  rest.on(`GET ${PENDING}`, () => ok({ entrustedList: null, endId: null }));
  rest.on(`POST ${CANCEL_ALL}`, () => (down ? fail(503, '503', 'Service Unavailable') : ok({ successList: [], failureList: [] })));
  const { gw, events, logs, until } = gateway(rest);
  try {
    gw.handle({ type: 'reconcile' });
    await until((e) => disconnects(e) === 1);
    await gw.idle();
    const before = rest.requests.length;
    // what a runtime asks on each disconnect, many times over: nothing goes out until the next attempt
    for (let i = 0; i < 10; i++) {
      gw.handle({ type: 'cancelAll' });
      gw.handle({ type: 'reconcile' });
    }
    await gw.idle();
    assert.is(rest.requests.length, before, 'nothing sent between attempts');
    await until((e) => disconnects(e) >= 5);
    // each attempt is one request (the owed cancel-all, which fails, ends it) and one disconnect
    const attempts = rest.requests.slice(1);
    assert.ok(
      attempts.length >= 4 && attempts.length <= disconnects(events),
      `${attempts.length} requests, ${disconnects(events)} disconnects`,
    );
    assert.ok(
      attempts.every((r) => r.path === CANCEL_ALL),
      'the cancel-all owed goes first, and is tried again while it fails',
    );
    // a timer never fires early: each gap is at least its scheduled delay
    const at = rest.requests.map((r) => r.at);
    const delays = [20, 40, 80, 80];
    for (let i = 0; i < delays.length; i++)
      assert.ok(at[i + 1] - at[i] >= delays[i] - 1, `gap ${i}: ${at[i + 1] - at[i]} ms < ${delays[i]}`);
    assert.is(logs.filter((l) => l.includes('the venue does not answer')).length, 1, logs.join('\n'));
    down = false;
    await until((e) => e.some((x) => x.type === 'resynced'));
    const tail = rest.requests.slice(-3).map((r) => r.path);
    assert.equal(tail, [CANCEL_ALL, POSITION, PENDING], 'the cancel-all owed, then the reconcile');
    assert.ok(
      logs.some((l) => /BTCUSDT: the venue answers again after [\d.]+ s \(\d+ failed attempts\)/.test(l)),
      logs.join('\n'),
    );
    // back to normal: a request goes out at once
    const n = rest.requests.length;
    gw.handle({ type: 'cancelAll' });
    await gw.idle();
    assert.is(rest.requests.length, n + 1);
  } finally {
    await gw.stop();
    await rest.close();
  }
});

test('keys refused (40006): onAuthRefused once, no disconnect, nothing retried', async () => {
  const rest = await restServer();
  rest.on(`GET ${POSITION}`, () => fail(400, '40006', 'Invalid ACCESS_KEY'));
  rest.on(`POST ${CANCEL_ALL}`, () => fail(400, '40006', 'Invalid ACCESS_KEY'));
  const refused: BitgetApiError[] = [];
  const { gw, events } = gateway(rest, (err) => refused.push(err));
  try {
    gw.handle({ type: 'reconcile' });
    await gw.idle();
    gw.handle({ type: 'cancelAll' });
    gw.handle({ type: 'reconcile' });
    await gw.idle();
    assert.is(refused.length, 1);
    assert.is(refused[0].code, '40006');
    assert.is(disconnects(events), 0, JSON.stringify(events));
    assert.is(rest.requests.length, 3, 'each asked once, none retried');
  } finally {
    await gw.stop();
    await rest.close();
  }
});

test('the stop (closing): the cancel-all goes out at once even mid-outage, tried once; its failure is kept, not a disconnect', async () => {
  const rest = await restServer();
  rest.on(`GET ${POSITION}`, () => fail(503, '503', 'Service Unavailable'));
  rest.on(`POST ${CANCEL_ALL}`, () => fail(503, '503', 'Service Unavailable'));
  const { gw, events, until } = gateway(rest);
  try {
    gw.handle({ type: 'reconcile' });
    await until((e) => disconnects(e) === 1);
    await gw.idle();
    gw.closing();
    const n = disconnects(events);
    gw.handle({ type: 'cancelAll' });
    gw.handle({ type: 'flatten' });
    await gw.idle();
    assert.is(disconnects(events), n, 'no disconnect at the stop');
    assert.match(gw.failures.cancelAll, /503/);
    assert.match(gw.failures.flatten, /503/);
    assert.is(rest.of(CANCEL_ALL).length, 1);
  } finally {
    await gw.stop();
    await rest.close();
  }
});

test.run();
