// The runtime's incremental risk check is exact: over whole backtests — a taker, a market maker with orders working
// all the time, a position held across stale data, a daily-loss breach, feed-latency breaches — every check its fast
// path passed is made in full as well (the runtime's auditRisk) and passes too, and the fast path does take most
// checks. A breach the fast path would miss would throw out of the backtest.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { feedLatency } from '../../src/backtest/latency';
import { powerProb } from '../../src/backtest/queue';
import type { StrategyRun } from '../../src/backtest/run';
import { R, REC_SIZE } from '../../src/core/index';
import type { StrategyDefinition } from '../../src/strategy/api';
import { builtinNamed } from '../../src/strategy/builtins/index';
import { resolveRun } from '../../src/strategy/resolve';
import { pacedTape, runOnTape } from '../helpers/paced-tape';

const OBI = ['signal.source=l1', 'entry.threshold=0.6', 'exit.threshold=0', 'entry.confirmCount=2', 'hurdle.enabled=false'];
const OBI_PASSIVE = [...OBI, 'entry.mode=passive', 'exit.timeStopNs=5s', 'gates.maxSpreadTicks=100000', 'risk.maxDailyLossQuote=1e9'];
const MM = ['levels=3', 'maxPositionLot=20', 'risk.maxPositionLot=20', 'risk.maxOrdersPerSecond=1000', 'risk.maxOrdersPerMinute=60000'];

/** The tape with a 12 s hole in the middle: no book message while the strategy may hold a position or orders. */
function withGap(words: Int32Array, rows: number): Int32Array {
  const out = words.slice(0, rows * (REC_SIZE / 4));
  const big = new BigInt64Array(out.buffer);
  for (let i = rows >> 1; i < rows; i++) {
    big[(i * REC_SIZE + R.localTs) / 8] += 12_000_000_000n;
    big[(i * REC_SIZE + R.exchTs) / 8] += 12_000_000_000n;
  }
  return out;
}

const plain = pacedTape(60_000);
const breachy = pacedTape(60_000, 700);
const gap = { words: withGap(plain.words, plain.rows), rows: plain.rows };

async function audited(name: string, sets: string[], tape: { words: Int32Array; rows: number }) {
  const def = builtinNamed(name)!.definition as StrategyDefinition;
  const values = resolveRun(def, [], sets);
  const strategy: StrategyRun = { definition: def, params: values.params, settings: values.settings };
  const { rt } = await runOnTape(
    {
      strategy,
      latency: feedLatency(4, 0, 3, 0),
      queue: powerProb(2),
      everyBook: true,
      // every check the fast path passes is made in full too (it throws when they disagree)
      onRuntime: (r) => (r.auditRisk = true),
    },
    tape.words,
    tape.rows,
  );
  return rt;
}

const CASES: Array<{ name: string; strategy: string; sets: string[]; tape: { words: Int32Array; rows: number }; halt?: RegExp }> = [
  { name: 'obi-ofi, passive entries held to a time stop', strategy: 'obi-ofi', sets: OBI_PASSIVE, tape: plain },
  { name: 'obi-ofi taking', strategy: 'obi-ofi', sets: [...OBI, 'risk.maxDailyLossQuote=1e9'], tape: plain },
  { name: 'mm-glft, six orders working', strategy: 'mm-glft', sets: [...MM, 'risk.maxDailyLossQuote=1e9'], tape: plain },
  { name: 'mm-glft, a daily-loss breach', strategy: 'mm-glft', sets: [...MM, 'risk.maxDailyLossQuote=2'], tape: plain, halt: /dailyLoss/ },
  {
    name: 'mm-glft, feed-latency breaches',
    strategy: 'mm-glft',
    sets: [...MM, 'risk.maxFeedLatencyNs=2s'],
    tape: breachy,
    halt: /feedLatency/,
  },
  {
    name: 'mm-glft, exposed through a data gap',
    strategy: 'mm-glft',
    sets: [...MM, 'risk.maxDailyLossQuote=1e9'],
    tape: gap,
    halt: /staleData/,
  },
  { name: 'signal-taker', strategy: 'signal-taker', sets: ['maxSpreadTicks=100000', 'risk.maxDailyLossQuote=1e9'], tape: plain },
];

for (const c of CASES) {
  test(`the risk fast path agrees with the full check: ${c.name}`, async () => {
    const rt = await audited(c.strategy, c.sets, c.tape);
    const fast = rt.riskFastPasses;
    const full = rt.riskFullChecks;
    assert.ok(fast > 100 && (c.halt !== undefined || fast > full), `the fast path took ${fast} checks, ${full} were made in full`);
    if (c.halt) assert.match(String(rt.haltReason), c.halt);
    else assert.is(rt.haltReason, null);
    assert.ok(rt.position(0).fills > 0, 'the strategy traded');
  });
}

test.run();
