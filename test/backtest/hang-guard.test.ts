// The replay's hang guard costs a store per chunk of records and changes nothing: a backtest and an optimizer trial
// with its cells give the same figures as without, the beat moves once per chunk taken, and the message names the
// strategy, the handler and where the replay was.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRecording } from '../../bench/recording';
import { loadCore, instantiateCore, compileCore, createMemory } from '../../src/core/index';
import { RecordArea } from '../../src/capture/parquet/record-groups';
import { listParquet } from '../../src/capture/recover';
import { readReplayFiles } from '../../src/cli/replay-files';
import { backtestPages, createBacktestCore, gridOf, runFiles } from '../../src/backtest/backtest';
import { feedLatency } from '../../src/backtest/latency';
import { powerProb } from '../../src/backtest/queue';
import { computeMetrics } from '../../src/backtest/metrics';
import { hangCells, hungMessage } from '../../src/backtest/hang-guard';
import { loadStrategy } from '../../src/strategy/loader';
import { resolveRun } from '../../src/strategy/resolve';
import { HANDLER_NAMES, handlerIn } from '../../src/strategy/handler-cell';
import { loadShared, sharedRecords } from '../../src/optimize/data';
import { runTrial, trialStrategy, type TrialSettings } from '../../src/optimize/trial';
import { BENCH_STRATEGY } from '../../bench/strategy-sets';

const dir = mkdtempSync(join(tmpdir(), 'ringbook-hang-guard-'));
// several files of many row groups: many beats, and more records than one chunk of a trial
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

test('an optimizer trial with the guard gives the same result, fed in chunks of whole staging pieces', async () => {
  const { files } = await readReplayFiles(listParquet(dir));
  const grid = gridOf(files[0].meta, files[0].path);
  const module = await compileCore();
  const shared = await loadShared(files, new RecordArea(await instantiateCore(module, createMemory())));
  const strategy = await loadStrategy('obi-ofi');
  const settings: TrialSettings = {
    strategy: { name: 'obi-ofi', bundle: strategy.bundle, coreHash: null },
    base: {},
    grid,
    symbol: 'BTCUSDT',
    fees: { maker: 0.0002, taker: 0.0006 },
    latency: 'feed',
    queue: 'power:2',
    partialFills: true,
    signals: {},
    roundTrips: [],
    sampleNs: 1e9,
    fromNs: shared.fromNs,
    toNs: shared.toNs,
  };
  // the same values, as a search hands them to a trial (typed: durations in ns)
  const trial = {
    id: 0,
    params: {
      'signal.source': 'l1',
      'entry.threshold': 0.6,
      'exit.threshold': 0,
      'entry.confirmCount': 2,
      'hurdle.enabled': false,
      'entry.mode': 'passive',
      'exit.timeStopNs': 5e9,
      'gates.maxSpreadTicks': 100000,
      'risk.maxDailyLossQuote': 1e9,
    },
  };
  const result = async (guarded: boolean) => {
    const { core } = await loadCore({ pages: backtestPages(1) });
    const bc = createBacktestCore(core, grid);
    const cells = hangCells();
    const r = await runTrial(
      bc,
      [{ records: sharedRecords(shared), rows: shared.rows }],
      settings,
      trial,
      trialStrategy(settings),
      guarded ? cells : undefined,
    );
    return { json: JSON.stringify(r), cells, fills: r.metrics?.activity.fills ?? 0 };
  };
  const plain = await result(false);
  const guarded = await result(true);
  assert.ok(plain.fills > 0, `the trial traded: ${plain.json.slice(0, 300)}`);
  assert.is(guarded.json, plain.json);
  assert.is(guarded.cells.beat[0], Math.ceil(shared.rows / (4096 * 16)));
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
