// Held-back book messages change nothing: while a strategy has no onBook (and nothing is pending, no order is live, no
// position open, no timer set), the loop hands the runtime only the last of a run of book messages. A backtest doing
// so (the default) must take the same decisions, at the same runtime times, and end in the same state with the same
// trace as one that hands over every message — for strategies that trade on public trades, read the views at the end,
// set timers, and halt on a feed-latency breach.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { StrategyRun } from '../../src/backtest/run';
import { constantLatency, feedLatency, type LatencyModel } from '../../src/backtest/latency';
import { powerProb, riskAverse, type QueueModel } from '../../src/backtest/queue';
import { defineStrategy, type StrategyDefinition } from '../../src/strategy/api';
import { resolveRun } from '../../src/strategy/resolve';
import { R } from '../../src/core/index';
import { pacedTape, runOnTape, stateJson } from '../helpers/paced-tape';

/** Trades on public trades only: every 40th a market order the way the latest book leans, flat again 25 trades on. */
const tradeTaker = defineStrategy({
  name: 'trade-taker',
  params: {},
  trades: 4,
  create: (ctx) => {
    let n = 0;
    return {
      onTrade(m) {
        n++;
        if (n % 40 === 0 && m.position.lot === 0 && m.orders.length === 0) {
          ctx.record('obiN', m.signals.obiN);
          ctx.record('bid', m.book.bestBidTick);
          ctx.place({ side: m.signals.l1 > 0 ? 'buy' : 'sell', type: 'market', sizeLot: 1, tag: 'in' });
        } else if (n % 40 === 25 && m.position.lot !== 0) ctx.flatten();
      },
      onOrder(u) {
        if (u.kind === 'filled') ctx.record('filled at', ctx.market().localNs);
      },
    };
  },
});

/** No onBook: reads the views on a few timers early in the run, and at the end. */
const watcher = defineStrategy({
  name: 'watcher',
  params: {},
  create: (ctx) => {
    let looks = 0;
    return {
      onStart() {
        ctx.setTimer('look', 7e9);
      },
      onTimer() {
        const m = ctx.market();
        ctx.record('look', m.book.bestAskTick + m.signals.ofiNorm + m.localNs * 1e-9 + m.exchNs * 1e-9);
        if (++looks < 5) ctx.setTimer('look', 11e9);
      },
      onStop() {
        const m = ctx.market();
        ctx.log(`end ${m.localNs} ${m.exchNs} ${m.book.bestBidTick} ${m.signals.obiN} ${ctx.now}`);
      },
    };
  },
});

const { words, rows } = pacedTape(300_000, 2000);
const t0 = new BigInt64Array(words.buffer)[R.localTs / 8];

const CASES: Array<{
  name: string;
  def: StrategyDefinition;
  sets: string[];
  latency: LatencyModel;
  queue: QueueModel;
  window?: { fromNs: bigint; toNs: bigint };
}> = [
  {
    name: 'trades on public trades',
    def: tradeTaker as StrategyDefinition,
    sets: ['risk.maxFeedLatencyNs=5s'],
    latency: feedLatency(4, 0, 3, 0),
    queue: powerProb(2),
  },
  {
    name: 'reads the views on timers and at the end',
    def: watcher as StrategyDefinition,
    sets: ['risk.maxFeedLatencyNs=5s'],
    latency: constantLatency(5e6, 5e6),
    queue: riskAverse,
  },
  {
    name: 'halts on a feed-latency breach',
    def: tradeTaker as StrategyDefinition,
    sets: ['risk.maxFeedLatencyNs=2s'],
    latency: constantLatency(5e6, 5e6),
    queue: riskAverse,
  },
  // no public trades read: the loop finishes runs of held messages on its own (heldRun), and must stop at the breach
  {
    name: 'halts on a feed-latency breach, reading no public trades',
    def: watcher as StrategyDefinition,
    sets: ['risk.maxFeedLatencyNs=2s'],
    latency: feedLatency(4, 0, 3, 0),
    queue: riskAverse,
  },
  {
    name: 'replays a window of the tape',
    def: watcher as StrategyDefinition,
    sets: ['risk.maxFeedLatencyNs=5s'],
    latency: feedLatency(4, 0, 3, 0),
    queue: riskAverse,
    window: { fromNs: t0 + 20_000_000_000n, toNs: t0 + 400_000_000_000n },
  },
];

async function run(everyBook: boolean, c: (typeof CASES)[number], words: Int32Array, rows: number) {
  const values = resolveRun(c.def, [], c.sets);
  const strategy: StrategyRun = { definition: c.def, params: values.params, settings: values.settings };
  const {
    bt,
    rt: r,
    trace,
    actions,
  } = await runOnTape({ strategy, latency: c.latency, queue: c.queue, everyBook, ...c.window }, words, rows);
  const m = r.markets[0];
  const state = {
    phase: r.phase,
    now: r.now,
    haltReason: r.haltReason,
    counters: r.counters,
    position: r.position(0),
    roundTrips: r.roundTrips,
    views: [m.localNs, m.exchNs, m.book.bestBidTick, m.book.bestAskTick, m.signals.obiN, m.signals.ofiNorm],
  };
  return { trace, actions, state: stateJson(state), held: bt.booksHeld };
}

for (const c of CASES) {
  test(`holding book messages back changes nothing: ${c.name}`, async () => {
    const all = await run(true, c, words, rows);
    const some = await run(false, c, words, rows);
    assert.is(all.held, 0);
    assert.ok(some.held > 500, `book messages were held back (${some.held})`);
    assert.is(some.actions.length, all.actions.length);
    for (let i = 0; i < all.actions.length; i++) assert.is(some.actions[i], all.actions[i], `action ${i}`);
    assert.is(some.state, all.state, 'the runtime ends in the same state, clock and views included');
    assert.is(some.trace, all.trace);
  });
}

test('the cases reach what they are meant to test', async () => {
  const taker = await run(false, CASES[0], words, rows);
  assert.ok(taker.actions.length > 20, `the trade taker acts (${taker.actions.length} actions)`);
  const watch = await run(false, CASES[1], words, rows);
  assert.match(watch.trace, /"look"/);
  const breach = await run(false, CASES[2], words, rows);
  assert.match(breach.state, /"phase":"HALTED"/);
  assert.match(breach.state, /breach\.feedLatency/);
  const quiet = await run(false, CASES[3], words, rows);
  assert.match(quiet.state, /"phase":"HALTED"/);
  assert.match(quiet.state, /breach\.feedLatency/);
});

test.run();
