// One measured optimizer run in a process of its own: `node optimize.child.mjs <dir> <workers>` loads the
// recording into shared memory, runs a fixed grid of trials on <workers> threads (0 = load only) and prints
// {trials, seconds, steadyPerS, maxRssMB, dataMB}; steadyPerS leaves out each worker's first trial (its JIT warm-up).
import { compileCore, createMemory, instantiateCore } from '../src/core/index';
import { RecordArea } from '../src/capture/parquet/record-groups';
import { listParquet } from '../src/capture/recover';
import { gridOf } from '../src/backtest/setup';
import { replayFilesOf } from '../src/cli/backtest';
import { findWorkerDir } from '../src/feed/pipeline';
import { loadShared } from '../src/optimize/data';
import { gridTrials, parseSpace } from '../src/optimize/space';
import { TrialPool } from '../src/optimize/pool';
import type { TrialSettings } from '../src/optimize/trial';

export const BENCH_SPACE = {
  'entry.threshold': [0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
  'exit.threshold': [0, 0.1, 0.2, 0.3],
  'cooldown.ns': ['1s', '2s', '3s', '4s', '5s', '6s', '7s', '8s'],
};
const BASE = {
  signal: { source: 'l1' },
  entry: { confirmCount: 2, mode: 'passive' },
  exit: { timeStopNs: '5s' },
  hurdle: { enabled: false },
  gates: { maxSpreadTicks: 100000 },
  risk: { maxDailyLossQuote: 1e9 },
};

const [dir, workersText] = process.argv.slice(2);
const workers = Number(workersText);
const { files } = await replayFilesOf(listParquet(dir));
const grid = gridOf(files[0].meta, files[0].path);
const module = await compileCore();
const shared = await loadShared(files, new RecordArea(await instantiateCore(module, createMemory())));
const dataMB = shared.records.byteLength / 2 ** 20;
const settings: TrialSettings = {
  base: BASE,
  grid,
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
const trials = gridTrials(parseSpace(BENCH_SPACE));
const t0 = performance.now();
let done = 0;
const finished: number[] = [];
if (workers > 0) {
  const results = await new TrialPool().run(trials, {
    workers,
    workerUrl: new URL('optimize.mjs', findWorkerDir()),
    module,
    shared,
    settings,
    onResult: () => finished.push(performance.now()),
  });
  done = results.length;
}
const seconds = (performance.now() - t0) / 1000;
const from = finished[workers - 1];
const steadyPerS = done > workers ? (done - workers) / ((finished[done - 1] - from) / 1000) : 0;
console.log(JSON.stringify({ trials: done, seconds, steadyPerS, maxRssMB: process.resourceUsage().maxRSS / 1024, dataMB }));
