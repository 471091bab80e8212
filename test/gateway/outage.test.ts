// The gateway while the venue does not answer, and when it refuses the keys. An outage: one disconnect per attempt,
// attempts spaced by a delay that doubles to a cap, cancel-alls and reconciles asked meanwhile held for the next
// attempt (not sent as fast as the refusals come back), and everything owed sent once the venue answers. Refused
// keys: said once (onAuthRefused), never retried, no disconnect that would ask for another round. A venue that
// swallows requests for a minute, on a fake clock with the strategy runtime watching: the session's timing keeps
// every attempt inside the runtime's reconcile limit, so it reconciles once the venue is back instead of halting.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BitgetGateway } from '../../src/gateway/gateway';
import type { BitgetApiError } from '../../src/gateway/errors';
import type { Action, Event } from '../../src/strategy/events';
import { defineStrategy, type StrategyDefinition } from '../../src/strategy/api';
import { resolveRun } from '../../src/strategy/resolve';
import { StrategyRuntime } from '../../src/strategy/runtime';
import { outageTiming, REQUEST_TIMEOUT_MS, RETRY_BASE_MS, RETRY_MAX_MS, type OutageTiming } from '../../src/live/reconcile-timing';
import { BTC, CREDS, fail, ok, restServer, type Reply, type RestServer } from './helpers';

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

/** A strategy that trades nothing: the runtime here only keeps its watch on the reconcile. */
const still = defineStrategy({ name: 'still', params: {}, create: () => ({}) }) as unknown as StrategyDefinition;

/**
 * setTimeout, clearTimeout and Date.now on a clock the test moves: the gateway and its REST client read the globals
 * when they call them, so a 10 s request timeout or a 3.5 s wait passes in no time, in order, exactly. Real I/O
 * (sockets, setImmediate) is untouched.
 */
function fakeClock(startMs: number) {
  const real = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout, now: Date.now };
  let now = startMs;
  let seq = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  class FakeTimer {
    constructor(readonly id: number) {}
    unref(): this {
      return this;
    }
    ref(): this {
      return this;
    }
  }
  globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms = 0, ...args: unknown[]) => {
    const id = ++seq;
    due.set(id, { at: now + Math.max(1, ms), fn: () => fn(...args) });
    return new FakeTimer(id);
  }) as unknown as typeof setTimeout;
  globalThis.clearTimeout = ((t: unknown) => {
    if (t instanceof FakeTimer) due.delete(t.id);
  }) as typeof clearTimeout;
  Date.now = () => now;
  return {
    /** Moves the clock `ms` on, firing every timer due on the way in time order (and, at one time, in the order set). */
    tick(ms: number): void {
      const end = now + ms;
      for (;;) {
        let next: [number, { at: number; fn: () => void }] | null = null;
        for (const [id, t] of due) if (t.at <= end && (next === null || t.at < next[1].at)) next = [id, t];
        if (next === null) break;
        due.delete(next[0]);
        now = next[1].at;
        next[1].fn();
      }
      now = end;
    },
    restore(): void {
      globalThis.setTimeout = real.setTimeout;
      globalThis.clearTimeout = real.clearTimeout;
      Date.now = real.now;
    },
  };
}

/** Runs `cond` to true on real I/O while the fake clock stands still (setImmediate is not faked). */
async function settled(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; !cond(); i++) {
    if (i > 200_000) throw new Error(`never settled: ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

/**
 * A venue whose answer to a request sent `ms` after the start is `hold(ms)` — hang (no answer: the client times out)
 * or delayMs (answered that late) — or, when that is null, an answer at once; a runtime watching the reconcile on the
 * 50 ms tick grid, and the gateway between them with `timing` — all on a fake clock (setTimeout and Date), which moves
 * only once every request sent has reached the venue and every one it answered has been taken in. What the runtime
 * ended with, and when (fake ms) each word from the gateway came.
 */
async function outageVenue(timing: OutageTiming, hold: (ms: number) => Reply | null, endMs: number) {
  const rest = await restServer();
  const clock = fakeClock(1_800_000_000_000);
  const t0 = Date.now();
  /** When each request that reached the venue ends for the client (answered, late or at once, or timed out). */
  const endsAt: number[] = [];
  let held = 0;
  const venue = (normal: Reply): Reply => {
    const h = hold(Date.now() - t0);
    endsAt.push(Date.now() + (h === null ? 0 : h.hang ? timing.requestTimeoutMs : (h.delayMs ?? 0)));
    if (h === null) return normal;
    held++;
    return { ...normal, ...h };
  };
  rest.on(`GET ${POSITION}`, () => venue(ok([])));
  rest.on(`GET ${PENDING}`, () => venue(ok({ entrustedList: null, endId: null })));
  rest.on(`POST ${CANCEL_ALL}`, () => venue(ok({ successList: [], failureList: [] })));
  const run = resolveRun(still, [], []);
  const logs: string[] = [];
  const rt = new StrategyRuntime({
    definition: still,
    params: run.params,
    settings: run.settings,
    instruments: [{ symbol: 'BTCUSDT', tickSize: 0.1, lotSize: 0.0001, makerFeeRate: 0.0002, takerFeeRate: 0.0006 }],
    originNs: 0n,
    idTag: 't',
    onLog: (l) => logs.push(`${l.level} ${l.message}`),
  });
  const words: Array<{ atMs: number; type: string }> = [];
  const inbox: Event[] = [];
  const gw = new BitgetGateway({
    credentials: CREDS,
    mode: 'local',
    restUrl: rest.url,
    wsUrl: 'ws://127.0.0.1:1/unused',
    grid: BTC,
    onEvent: (e) => {
      words.push({ atMs: Date.now() - t0, type: e.type });
      inbox.push(e);
    },
    log: (level, line) => logs.push(`${level} ${line}`),
    syncClockOnStart: false,
    privateWs: false,
    retry: timing.retry,
    rest: { timeoutMs: timing.requestTimeoutMs },
  });
  const act = (actions: Action[]) => {
    for (const a of actions) gw.handle(a);
  };
  // Settled: every request sent has reached the venue, and every one whose end is due has ended for the client, which
  // then acted on it (the microtasks after it run before the next check). gw.idle() cannot tell this: it would wait for
  // a request the venue holds until the fake clock moves.
  let ended = 0;
  const send = gw.rest['send'].bind(gw.rest);
  gw.rest['send'] = (...args: Parameters<typeof send>) => {
    const p = send(...args);
    p.then(
      () => ended++,
      () => ended++,
    );
    return p;
  };
  const settle = async () => {
    await settled(
      'every request sent has reached the venue and every answer due has been taken in',
      () => rest.requests.length === gw.rest.stats.requests && ended === endsAt.filter((at) => at <= Date.now()).length,
    );
    while (inbox.length) act(rt.handle(inbox.shift()!));
  };
  try {
    rt.start(0);
    // the private stream dropped: the runtime reconciles (cancel-all, then reconcile), and the venue swallows both
    act(rt.handle({ type: 'disconnect', reason: 'private stream: closed' }));
    for (let ms = 50; ms <= endMs; ms += 50) {
      await settle();
      clock.tick(50);
      await settle();
      act(rt.tick(ms * 1e6));
    }
    await settle();
    return { halt: rt.haltReason, phase: rt.phase, words, logs, held };
  } finally {
    clock.restore();
    await gw.stop();
    await rest.close();
  }
}

/** A venue that swallows what is sent before `backAtMs`. */
const swallowUntil = (backAtMs: number) => (ms: number) => (ms < backAtMs ? { hang: true } : null);

test("the session's outage timing fits the reconcile limit: 10 s requests, waits 0.5 s up to 3.5 s, 1.5 s to spare", () => {
  const t = outageTiming({ reconcileTimeoutNs: 5e9, maxReconcileAttempts: 3 });
  assert.equal(t, { limitMs: 15_000, requestTimeoutMs: REQUEST_TIMEOUT_MS, retry: { baseMs: RETRY_BASE_MS, maxMs: 3500 } });
  // a longer limit keeps the venue asked no more than each 10 s; a short one shortens the request timeout too
  assert.equal(outageTiming({ reconcileTimeoutNs: 30e9, maxReconcileAttempts: 3 }).retry.maxMs, RETRY_MAX_MS);
  for (const [timeoutS, attempts] of [
    [5, 3],
    [1, 3],
    [2, 1],
    [0.2, 2],
    [30, 10],
  ]) {
    const x = outageTiming({ reconcileTimeoutNs: timeoutS * 1e9, maxReconcileAttempts: attempts });
    assert.ok(x.retry.maxMs + x.requestTimeoutMs < x.limitMs, `${timeoutS} s × ${attempts}: ${JSON.stringify(x)}`);
    assert.ok(x.retry.baseMs <= x.retry.maxMs && x.retry.baseMs > 0 && x.requestTimeoutMs > 0);
  }
});

test('a venue that swallows requests for 66 s, then answers: reconciled, never halted, no silence past the limit (fake clock)', async () => {
  const timing = outageTiming({ reconcileTimeoutNs: 5e9, maxReconcileAttempts: 3 });
  const r = await outageVenue(timing, swallowUntil(66_000), 100_000);
  assert.ok(r.held >= 6, `the venue swallowed ${r.held} requests`);
  assert.is(r.halt, null, r.logs.join('\n'));
  assert.ok(
    r.words.some((w) => w.type === 'resynced' && w.atMs >= 66_000),
    `reconciled once the venue was back: ${JSON.stringify(r.words)}`,
  );
  assert.ok(
    r.logs.some((l) => l.includes('reconciled: trading again')),
    r.logs.join('\n'),
  );
  // on the fake clock: the runtime never went a reconcile limit without a word from the gateway
  const at = [0, ...r.words.map((w) => w.atMs)];
  for (let i = 1; i < at.length; i++) assert.ok(at[i] - at[i - 1] < timing.limitMs, `${at[i - 1]} → ${at[i]} ms`);
});

test('the former timing (waits up to 10 s, 10 s requests) on the same venue: halted "reconcile: no answer" after it was back', async () => {
  const r = await outageVenue(
    { limitMs: 15_000, requestTimeoutMs: REQUEST_TIMEOUT_MS, retry: { baseMs: RETRY_BASE_MS, maxMs: RETRY_MAX_MS } },
    swallowUntil(66_000),
    100_000,
  );
  assert.match(r.halt ?? '', /^reconcile: no answer after 3 attempts/, r.logs.join('\n'));
  assert.ok(!r.words.some((w) => w.type === 'resynced' && w.atMs < 72_500), 'halted before the attempt in flight ended');
});

test('a slow venue (each answer 9 s, inside the request timeout) until 40 s: one budget an attempt, a word within the limit, reconciled, never halted', async () => {
  const timing = outageTiming({ reconcileTimeoutNs: 5e9, maxReconcileAttempts: 3 });
  const r = await outageVenue(timing, (ms) => (ms < 40_000 ? { delayMs: 9_000 } : null), 70_000);
  assert.is(r.halt, null, r.logs.join('\n'));
  // each request answered, but the attempt's chain of them (cancel-all, position, open orders: 27 s) ran out of time
  assert.ok(
    r.logs.some((l) => l.includes('reconcile failed: RB_ERR_GW_TIMEOUT: reconcile: no answer within 10 s in all')),
    r.logs.join('\n'),
  );
  assert.ok(
    r.words.some((w) => w.type === 'resynced' && w.atMs >= 40_000),
    `reconciled once the venue was quick again: ${JSON.stringify(r.words)}`,
  );
  const at = [0, ...r.words.map((w) => w.atMs)];
  for (let i = 1; i < at.length; i++) assert.ok(at[i] - at[i - 1] < timing.limitMs, `${at[i - 1]} → ${at[i]} ms`);
});

test.run();
