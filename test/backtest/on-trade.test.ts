// onTrade gets every public trade whether or not the strategy keeps some in m.trades (`trades` in its definition):
// a strategy with onTrade and no `trades` used to be handed none, without a word.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { StrategyRun } from '../../src/backtest/run';
import { constantLatency } from '../../src/backtest/latency';
import { riskAverse } from '../../src/backtest/queue';
import { defineStrategy, type StrategyDefinition } from '../../src/strategy/api';
import { resolveRun } from '../../src/strategy/resolve';
import { pacedTape, runOnTape } from '../helpers/paced-tape';

/** Counts the trades onTrade gets, and their size; keeps `trades` of them in m.trades. */
const counter = (trades: number | undefined) =>
  defineStrategy({
    name: 'trade-counter',
    params: {},
    ...(trades === undefined ? {} : { trades }),
    create: (ctx) => ({
      onTrade(m, t) {
        ctx.count('trades');
        ctx.count('lots', t.sizeLot);
        if (m.trades.length > 0) ctx.count('kept');
      },
    }),
  }) as StrategyDefinition;

const { words, rows } = pacedTape(20_000);

async function counters(trades: number | undefined): Promise<Readonly<Record<string, number>>> {
  const def = counter(trades);
  const values = resolveRun(def, [], []);
  const strategy: StrategyRun = { definition: def, params: values.params, settings: values.settings };
  const { rt } = await runOnTape({ strategy, latency: constantLatency(1e6, 1e6), queue: riskAverse }, words, rows);
  return rt.counters;
}

test('onTrade without `trades` declared gets every public trade, as with it', async () => {
  const kept = await counters(4);
  assert.ok(kept.trades > 100, `the tape has trades (${kept.trades})`);
  assert.is(kept.kept, kept.trades);
  const none = await counters(undefined);
  assert.is(none.trades, kept.trades);
  assert.is(none.lots, kept.lots);
  assert.is(none.kept, undefined, 'none kept in m.trades');
  assert.equal(await counters(0), none);
});

test.run();
