// The strategy's timer in the multi-thread layout: a tick reaches the runtime after every message stamped before it,
// as a replay orders them, even when the wall clock has passed the tick while such a message was still on its way
// from the feed thread through the engine. Ticks follow the feed's clock marks (src/feed/feed-session.ts mark), which
// come through the signal ring behind everything stamped before them; a status record hands over the ticks due
// before it first; and a feed thread that answers no mark leaves ticks behind the wall clock, never stopped. The
// pipeline here is the signal ring alone, written by the test as the engine would.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testCore } from '../helpers/core';
import { signalRingReader } from '../helpers/signal-ring';
import { Kind, R, Ring, S, State, Status, type Core } from '../../src/core/index';
import { writeI64Big } from '../../src/core/int64';
import { Trader, TICK_NS, markLag } from '../../src/live/trader';
import { defaultSettings } from '../../src/strategy/settings';
import type { MarketPipeline } from '../../src/feed/pipeline';
import type { StrategyRuntime } from '../../src/strategy/runtime';
import type { Event } from '../../src/strategy/events';

/** The runtime counts from a UTC midnight (ns since it fit a double exactly); the records carry ns since the epoch. */
const DAY_NS = 86_400_000_000_000n;
const ORIGIN = ((BigInt(Date.now()) * 1_000_000n) / DAY_NS) * DAY_NS;

/** What the runtime was handed, in order: `book@t`, `tick@t` (t: ns since ORIGIN), `health:ok|bad`. */
function fakeRuntime(calls: string[], onTick: () => void) {
  const rt = {
    definition: { name: 'fake' },
    settings: defaultSettings(),
    markets: [{}],
    originNs: ORIGIN,
    queueAhead: null as unknown,
    now: 0,
    attach() {},
    start: (t: number) => {
      rt.now = t;
      return [];
    },
    tick: (t: number) => {
      calls.push(`tick@${t}`);
      onTick();
      return [];
    },
    book: () => {
      calls.push(`book@${rt.bookAt - ORIGIN}`);
      return [];
    },
    bookAt: 0n,
    handle: (e: Event) => {
      if (e.type === 'marketHealth') calls.push(`health:${e.ok ? 'ok' : 'bad'}`);
      return [];
    },
    trade: () => [],
    stop: () => [],
    actionInst: () => 0,
    nowNs: () => ORIGIN + BigInt(rt.now),
    orderOf: () => null,
  };
  return rt;
}

/** The multi-thread pipeline as the trader sees it: the core's signal ring, and clock marks asked for (not sent). */
function fakePipeline(core: Core, onMark: () => void) {
  return {
    core,
    instruments: [],
    consume: () => false,
    requestClockMark: () => {
      onMark();
      return true;
    },
    ...signalRingReader(core),
  };
}

function put(core: Core, ring: Ring, kind: number, localTs: bigint, fill: (at: number) => void): void {
  assert.ok(ring.writable(1) >= 1);
  const at = ring.slot(ring.head);
  core.bytes.fill(0, at, at + 256);
  core.bytes[at] = kind;
  writeI64Big(core.words, at + R.localTs, localTs);
  fill(at);
  ring.publish(1);
}

const signalAt = (core: Core, ring: Ring, t: bigint) =>
  put(core, ring, Kind.signal, t, (at) => {
    core.bytes[at + S.state] = State.valid;
    writeI64Big(core.words, at + S.exchTs, t);
  });
const statusAt = (core: Core, ring: Ring, t: bigint, code: number) =>
  put(core, ring, Kind.status, t, (at) => (core.words[(at + R.seq) >> 2] = code));

test('multi-thread layout: ticks wait for the clock mark behind a late message, and a status hands over the ticks due before it', async () => {
  const core = await testCore();
  const calls: string[] = [];
  let wake: (() => void) | null = null;
  const nudge = () => wake?.();
  const rt = fakeRuntime(calls, nudge);
  const pipeline = fakePipeline(core, nudge);
  const logs: string[] = [];
  const trader = new Trader(pipeline as unknown as MarketPipeline, rt as unknown as StrategyRuntime, null, (l) => logs.push(l));
  trader.markLagNs = 3_600_000_000_000n; // no mark-less ticks in this test
  /** Resolves at the next mark asked for or tick handed over, whichever comes first. */
  const next = () => new Promise<void>((r) => (wake = r));
  const firstRound = next();
  trader.start();
  const first = ((ORIGIN + BigInt(rt.now)) / TICK_NS + 1n) * TICK_NS; // the first grid point after the start
  const rel = (t: bigint) => t - ORIGIN;
  try {
    // the timer's first round with a tick due (the wall clock is past `first`): a mark is asked for, no tick given
    await firstRound;
    assert.equal(calls, [], 'no tick before the feed vouched for its time');
    // a message stamped before the tick arrives late, then the feed's mark
    rt.bookAt = first - 1n;
    signalAt(core, pipeline.signal, first - 1n);
    statusAt(core, pipeline.signal, first + 1n, Status.clockMark);
    trader.drain();
    assert.equal(calls, [`book@${rel(first - 1n)}`, `tick@${rel(first)}`]);
    // a gap stamped after the next grid point: that tick first, then the unhealthy market (as a replay orders them)
    statusAt(core, pipeline.signal, first + TICK_NS + 5n, Status.gap);
    trader.drain();
    assert.equal(calls.slice(2), [`tick@${rel(first + TICK_NS)}`, 'health:bad']);
    assert.is(trader.unmarkedTicks, 0);
    // a feed thread that answers no mark: the timer ticks anyway, behind the wall clock, and says so once
    trader.markLagNs = 0n;
    const ticks = calls.length;
    while (calls.length === ticks) await next();
    assert.ok(trader.unmarkedTicks > 0);
    assert.is(logs.filter((l) => l.startsWith('no clock mark from the feed thread')).length, 1, logs.join('\n'));
  } finally {
    trader.stop(false);
  }
});

test('without marks, ticks fall behind by 1 s at most, and by no more than a quarter of the stale-data or ack limit', () => {
  const s = defaultSettings();
  s.risk.maxDataAgeNs = 60e9;
  s.orders.ackTimeoutNs = 60e9;
  assert.is(markLag(s), 1_000_000_000n);
  s.risk.maxDataAgeNs = 500e6;
  assert.is(markLag(s), 125_000_000n);
  s.orders.ackTimeoutNs = 200e6;
  assert.is(markLag(s), 50_000_000n);
  s.risk.maxDataAgeNs = 1;
  assert.is(markLag(s), 1_000_000n);
});

test.run();
