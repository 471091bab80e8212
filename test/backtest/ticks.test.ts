// Skipped timer ticks change nothing: a backtest that hands the runtime only the ticks its quietUntil asks for
// (the default) must take the same decisions, at the same runtime times, and end in the same state as one that
// hands over every tick — for strategies whose timers, risk limits and cooldowns all fire on ticks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { obiOfiRun } from '../helpers/obi-ofi';
import { constantLatency, feedLatency, type LatencyModel } from '../../src/backtest/latency';
import { powerProb, riskAverse, type QueueModel } from '../../src/backtest/queue';
import { pacedTape, runOnTape, stateJson } from '../helpers/paced-tape';

const CASES: Array<{ name: string; sets: string[]; latency: LatencyModel; queue: QueueModel }> = [
  {
    name: 'passive entries, time stop',
    sets: [
      'signal.source=l1',
      'entry.threshold=0.6',
      'exit.threshold=0',
      'entry.confirmCount=2',
      'entry.mode=passive',
      'exit.timeStopNs=1s',
    ],
    latency: feedLatency(4, 0, 3, 0),
    queue: powerProb(2),
  },
  {
    name: 'work timeout, trailing stop, cooldown with a reset threshold',
    sets: [
      'signal.source=obiN',
      'entry.threshold=0.3',
      'entry.mode=passive',
      'entry.workTimeoutNs=120ms',
      'exit.trailingTicks=3',
      'cooldown.ns=400ms',
      'cooldown.resetThreshold=0.2',
      'exit.threshold=0.05',
    ],
    latency: constantLatency(8e6, 6e6),
    queue: riskAverse,
  },
  {
    name: 'taker entries, exits that time out',
    sets: [
      'signal.source=l1',
      'entry.threshold=0.5',
      'entry.mode=taker',
      'exit.threshold=0.1',
      'exit.timeoutNs=20ms',
      'exit.maxRetries=3',
      'exit.timeStopNs=300ms',
    ],
    latency: constantLatency(15e6, 15e6),
    queue: riskAverse,
  },
  {
    name: 'exits by time stop only',
    sets: [
      'signal.source=l1',
      'entry.threshold=0.6',
      'entry.mode=taker',
      'exit.threshold=-0.59',
      'exit.timeStopNs=230ms',
      'cooldown.ns=90ms',
    ],
    latency: constantLatency(3e6, 3e6),
    queue: riskAverse,
  },
  {
    name: 'stale data while exposed halts on a tick',
    sets: ['signal.source=l1', 'entry.threshold=0.6', 'entry.mode=passive', 'risk.maxDataAgeNs=60ms', 'exit.timeStopNs=2s'],
    latency: constantLatency(2e6, 2e6),
    queue: riskAverse,
  },
  {
    name: 'answers slower than T_ack: reconcile',
    sets: ['signal.source=l1', 'entry.threshold=0.6', 'entry.mode=passive', 'orders.ackTimeoutNs=10ms', 'orders.reconcileTimeoutNs=70ms'],
    latency: constantLatency(12e6, 12e6),
    queue: riskAverse,
  },
];

async function run(everyTick: boolean, c: (typeof CASES)[number], words: Int32Array, rows: number) {
  const base = ['hurdle.enabled=false', 'gates.maxSpreadTicks=100000', 'risk.maxDailyLossQuote=1e9'];
  const strategy = obiOfiRun([...base, ...c.sets]);
  const { bt, rt: r, trace, actions } = await runOnTape({ strategy, latency: c.latency, queue: c.queue, everyTick }, words, rows);
  const state = {
    phase: r.phase,
    now: r.now,
    haltReason: r.haltReason,
    counters: r.counters,
    position: r.position(0),
    liveOrders: r.liveOrderCount,
    roundTrips: r.roundTrips,
  };
  return { trace, actions, state: stateJson(state), ticks: bt.ticks, skipped: bt.ticksSkipped };
}

const { words, rows } = pacedTape(400_000);

for (const c of CASES) {
  test(`skipping quiet ticks changes nothing: ${c.name}`, async () => {
    const all = await run(true, c, words, rows);
    const some = await run(false, c, words, rows);
    assert.ok(all.actions.length > 5, `the strategy acts (${all.actions.length} actions)`);
    assert.is(some.actions.length, all.actions.length);
    for (let i = 0; i < all.actions.length; i++) assert.is(some.actions[i], all.actions[i], `action ${i}`);
    assert.is(some.state, all.state, 'the runtime ends in the same state, clock included');
    assert.is(some.trace, all.trace);
    assert.is(all.skipped, 0);
    assert.ok(some.skipped > 0, 'ticks were skipped');
    if (process.env.RB_TICKS_LOG)
      console.log(c.name, all.actions.length, 'actions', some.skipped, 'skipped', some.ticks, 'handed over', all.ticks, 'every tick');
    assert.is(some.ticks + some.skipped >= all.ticks, true, 'the same grid');
  });
}

test('the stale-data and reconcile cases reach the states they are meant to test', async () => {
  const stale = await run(false, CASES[4], words, rows);
  assert.match(stale.state, /"phase":"HALTED"/);
  assert.match(stale.state, /breach\.staleData/);
  const slow = await run(false, CASES[5], words, rows);
  assert.ok(
    slow.actions.some((a) => a.includes('"reconcile"')),
    'reconcile requested',
  );
});

test.run();
