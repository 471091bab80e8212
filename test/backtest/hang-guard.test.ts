// The replay's hang guard costs a store per chunk of records and changes nothing: a backtest with its cells gives
// the same figures as without, the beat moves once per chunk taken, and the message names the strategy, the handler
// and where the replay was.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRecording } from '../../bench/recording';
import { loadCore } from '../../src/core/index';
import { listParquet } from '../../src/capture/recover';
import { readReplayFiles } from '../../src/cli/backtest';
import { backtestPages, createBacktestCore, gridOf, runFiles } from '../../src/backtest/backtest';
import { feedLatency } from '../../src/backtest/latency';
import { powerProb } from '../../src/backtest/queue';
import { computeMetrics } from '../../src/backtest/metrics';
import { hangCells, hungMessage } from '../../src/backtest/hang-guard';
import { loadStrategy } from '../../src/strategy/loader';
import { resolveRun } from '../../src/strategy/resolve';
import { HANDLER_NAMES, handlerIn } from '../../src/strategy/handler-cell';

// obi-ofi trading often on the generated stream (as the backtest bench runs it)
const BENCH_STRATEGY = [
  'signal.source=l1',
  'entry.threshold=0.6',
  'exit.threshold=0',
  'entry.confirmCount=2',
  'hurdle.enabled=false',
  'entry.mode=passive',
  'exit.timeStopNs=5s',
  'gates.maxSpreadTicks=100000',
  'risk.maxDailyLossQuote=1e9',
];

const dir = mkdtempSync(join(tmpdir(), 'ringbook-hang-guard-'));
// several files of many row groups: many beats
writeRecording(dir, 200_000, 3, 60_000, { rowGroupSize: 8192 });

test('a backtest with the guard gives the same figures; the beat moved per row group', async () => {
  const { files } = await readReplayFiles(listParquet(dir));
  const grid = gridOf(files[0].meta, files[0].path);
  const strategy = await loadStrategy('obi-ofi');
  const run = resolveRun(strategy.definition, [], BENCH_STRATEGY);
  const o = {
    strategy: { definition: strategy.definition, params: run.params, settings: run.settings, describeError: strategy.describeError },
    symbol: 'BTCUSDT',
    latency: feedLatency(4, 0, 3, 0),
    queue: powerProb(2),
  };
  const figures = async (guarded: boolean) => {
    const { core } = await loadCore({ pages: backtestPages(1) });
    const bc = createBacktestCore(core, grid);
    const cells = hangCells();
    const trace = await runFiles(bc, files, grid, guarded ? { ...o, hang: cells } : o);
    return { json: JSON.stringify(computeMetrics(trace)), cells, fills: trace.fills.length };
  };
  const plain = await figures(false);
  const guarded = await figures(true);
  assert.ok(plain.fills > 0, 'the strategy traded');
  assert.is(guarded.json, plain.json);
  assert.ok(guarded.cells.beat[0] >= 200_000 / 8192, `a beat per row group: ${guarded.cells.beat[0]}`);
  assert.is(plain.cells.beat[0], 0);
  // onBook stays named between book messages (the runtime marks it only when another handler ran since)
  assert.is(handlerIn(guarded.cells.handler), 'onBook');
});

test('the message names the strategy, the handler running and where the replay was', () => {
  const cells = hangCells();
  assert.is(hungMessage('s', cells, 2000), 'strategy s: the replay has not moved for 2 s: an endless loop? (--hung-after)');
  cells.handler[0] = HANDLER_NAMES.indexOf('onTimer');
  const ns = 1_764_000_000_123_456_789n;
  cells.beat[1] = Number(BigInt.asIntN(32, ns));
  cells.beat[2] = Number(ns >> 32n);
  assert.is(
    hungMessage('s', cells, 30_000),
    'strategy s: onTimer has not returned for 30 s (replaying the records from local time 2025-11-24T16:00:00.123456789Z): an endless loop in onTimer? (--hung-after)',
  );
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
