// A run that halts, through the built CLI: the halt's flatten is counted apart from the strategy's own orders (so the
// activity ratios add up), and the Outcome section does not contradict the halt. The loop counts it in the trace
// itself, so a run with no hooks (an optimizer trial's) has it too.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRecording } from '../../bench/recording';
import { createBacktestCore, gridOf, runFiles } from '../../src/backtest/backtest';
import { replayFiles } from '../../src/backtest/feeder';
import { constantLatency } from '../../src/backtest/latency';
import { riskAverse } from '../../src/backtest/queue';
import { loadStrategy } from '../../src/strategy/loader';
import { resolveRun } from '../../src/strategy/resolve';
import { testCore } from '../helpers/core';

const CLI = join(process.cwd(), 'build/ringbook.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ringbook-halt-report-'));
const data = join(dir, 'rec');
writeRecording(data, 20_000, 3);
/** A backtest whose strategy halts: its report on stdout, and exit 3 as a demo or live session that ends HALTED. */
const halting = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, 'backtest', data, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.is(r.status, 3, r.stderr);
  return r.stdout;
};
const THROWS = join(process.cwd(), 'test/fixtures/strategies/enters-then-throws.ts');

test("the halt's flatten: 2 fills (1 by the flatten), 1 order, the ratios over the strategy's own", () => {
  const j = JSON.parse(halting('--strategy', THROWS, '--json'));
  const a = j.metrics?.activity ?? j.activity;
  assert.equal([a.fills, a.flattenFills, a.orders, a.cancels, a.haltCancels], [2, 1, 1, 0, 1]);
  assert.is(a.fillRatio, 1, 'the one IOC filled whole');
  assert.is(a.orderToTrade, 1, '1 order, 1 fill of it');
  assert.is(a.cancelRatio, 0, 'the halt cancel-all is not the strategy cancelling');
  const text = halting('--strategy', THROWS);
  assert.match(text, /round trips\s+0\s+2 fills \(1 by the flatten\), 1 order/);
  assert.match(text, /fill ratio\s+100\s+%/);
  assert.match(text, /order-to-trade\s+1\.00\s+×/);
});

test("the trace counts the halt's flatten and cancel-all itself: a run with no hooks has them", async () => {
  const files = await replayFiles(data, 'BTCUSDT');
  const grid = gridOf(files[0].meta, files[0].path);
  const strategy = await loadStrategy(THROWS);
  const r = resolveRun(strategy.definition);
  const trace = await runFiles(createBacktestCore(await testCore(), grid), files, grid, {
    strategy: { definition: strategy.definition, params: r.params, settings: r.settings, describeError: strategy.describeError },
    symbol: 'BTCUSDT',
    latency: constantLatency(5e6, 5e6),
    queue: riskAverse,
  });
  const c = trace.counts;
  assert.equal([trace.fills.length, c.flattenFills, c.orders, c.cancels, c.haltCancels], [2, 1, 1, 1, 1]);
  assert.is(c.flattenLot, trace.fills[1].qtyLot, "the flatten's lots");
});

test.run();
