// One measured optimizer run in a process of its own: `node optimize.child.mjs <dir> <workers> [maxTrials]` loads the
// recording into shared memory, runs a fixed grid of trials (the first maxTrials of it, for tests) on <workers>
// threads (0 = load only) and prints {trials, seconds, steadyPerS, maxRssMB, dataMB, strategy}; steadyPerS leaves out
// each worker's first trial (its JIT warm-up). The strategy runs as `ringbook optimize` runs it: obi-ofi bundled from
// its source and checked by the loader, its parameters resolved by the CLI's code, each worker evaluating the bundle
// text, and every trial carrying the bundle's and core.wasm's sha256 (the child fails if one does not): the bench
// measures what users run, sandbox and provenance included.
import { compileCore, createMemory, instantiateCore } from '../src/core/index';
import { RecordArea } from '../src/capture/parquet/record-groups';
import { listParquet } from '../src/capture/recover';
import { gridOf } from '../src/backtest/setup';
import { replayFilesOf } from '../src/cli/replay-files';
import { findWorkerDir } from '../src/feed/pipeline';
import { loadShared } from '../src/optimize/data';
import { gridTrials, parseSpace } from '../src/optimize/space';
import { TrialPool } from '../src/optimize/pool';
import type { TrialSettings } from '../src/optimize/trial';
import { coreHash, loadStrategy } from '../src/strategy/loader';
import { DEFAULT_STRATEGY } from '../src/strategy/builtins/index';
import { loadParams } from '../src/cli/params';

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

const [dir, workersText, maxTrialsText] = process.argv.slice(2);
const workers = Number(workersText);
// as src/cli/optimize.ts: the strategy bundled and checked once, its base parameters resolved once
const loaded = await loadStrategy(DEFAULT_STRATEGY);
const bundle = loaded.bundle;
if (!bundle) throw new Error(`optimize bench: the source of ${DEFAULT_STRATEGY} is not found: run it from a build of the repository`);
const params = await loadParams({ command: 'bench', strategy: loaded, base: { config: BASE, source: 'the bench' } });
const core = coreHash();
if (!core) throw new Error('optimize bench: core.wasm not found beside the bench');
const { files } = await replayFilesOf(listParquet(dir));
const grid = gridOf(files[0].meta, files[0].path);
const module = await compileCore();
const shared = await loadShared(files, new RecordArea(await instantiateCore(module, createMemory())));
const dataMB = shared.records.byteLength / 2 ** 20;
const settings: TrialSettings = {
  strategy: { name: params.name, bundle, coreHash: core },
  base: params.config,
  grid,
  symbol: files[0].meta.symbol,
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
const trials = gridTrials(parseSpace(BENCH_SPACE, params.fields, params.name)).slice(0, maxTrialsText ? Number(maxTrialsText) : undefined);
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
  const bad = results.find((r) => r.error || r.bundleSha256 !== bundle.hash || r.coreSha256 !== core);
  if (bad) throw new Error(`optimize bench: trial ${bad.id} ${bad.error ?? `ran bundle ${bad.bundleSha256} on core ${bad.coreSha256}`}`);
}
const seconds = (performance.now() - t0) / 1000;
const from = finished[workers - 1];
const steadyPerS = done > workers ? (done - workers) / ((finished[done - 1] - from) / 1000) : 0;
const strategy = { name: params.name, bundleSha256: bundle.hash, coreSha256: core };
console.log(JSON.stringify({ trials: done, seconds, steadyPerS, maxRssMB: process.resourceUsage().maxRSS / 1024, dataMB, strategy }));
