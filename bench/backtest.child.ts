// One measured backtest in a process of its own (so its peak RSS is its own): `node backtest.child.mjs <dir> <mode>
// [param=value …]` (parameters over the mode's own, for profiling) prints {events, seconds, fills, maxRssMB}. Modes: strategy:<FILE|NAME> (Parquet → core → strategy runtime with that
// strategy → simulated venue; obi-ofi and signal-taker with parameters that trade often on the generated stream, mm-glft
// quoting three levels a side all the time),
// core (Parquet → core only), records (the core's Parquet decoder only), read (the typed-column reader only), generic
// (obi-ofi, with hyparquet's general reader instead of ours), symbols:<FILE|NAME> (every symbol of the recording, merged
// in local-time order, through the runtime with that strategy).
import { loadCore } from '../src/core/index';
import { rowGroups, setFastRead } from '../src/capture/parquet/reader';
import { recordGroups } from '../src/capture/parquet/record-groups';
import { replay } from '../src/backtest/feeder';
import { backtestPages, createBacktestCore, gridOf, runFiles, runSymbols } from '../src/backtest/backtest';
import { feedLatency } from '../src/backtest/latency';
import { powerProb } from '../src/backtest/queue';
import { chooseSymbols } from '../src/cli/replay-symbols';
import { readReplayFiles } from '../src/cli/replay-files';
import { listParquet } from '../src/capture/recover';
import { withFileSource } from '../src/capture/file-source';
import { loadStrategy } from '../src/strategy/loader';
import { resolveRun } from '../src/strategy/resolve';
import { BENCH_MM_GLFT, BENCH_SIGNAL_TAKER, BENCH_STRATEGY } from './strategy-sets';

const [dir, mode, ...extraSets] = process.argv.slice(2);
if (!dir) throw new Error('usage: backtest.child <dir> <mode> [param=value …]');
const merged = mode.startsWith('symbols:');
const all = (await readReplayFiles(listParquet(dir))).files;
const symbolSets = chooseSymbols(all, merged ? [...new Set(all.map((f) => f.meta.symbol!))].sort() : undefined, undefined).map((c) => ({
  ...c,
  grid: gridOf(c.files[0].meta, c.files[0].path),
}));
const { files, grid } = symbolSets[0];
const { core } = await loadCore({ pages: backtestPages(symbolSets.length) });
const bc = createBacktestCore(
  core,
  symbolSets.map((c) => c.grid),
);
if (mode === 'generic') setFastRead(false);
// the strategy is loaded (bundled, checked, evaluated) before the clock starts: a backtest's cost is the replay
const spec = mode === 'generic' ? 'obi-ofi' : /^(strategy|symbols):/.test(mode) ? mode.slice(mode.indexOf(':') + 1) : null;
const strategy = spec ? await loadStrategy(spec) : null;
const t0 = performance.now();
let events = 0;
let fills = 0;
if (mode === 'read') {
  for (const f of files)
    await withFileSource(f.path, async (file) => {
      for await (const g of rowGroups(file)) events += g.rows;
    });
} else if (mode === 'records') {
  for (const f of files)
    await withFileSource(f.path, async (file) => {
      for await (const g of recordGroups(file, bc.area(), 0)) events += g.rows;
    });
} else if (mode === 'core') {
  bc.reset({});
  events = await replay(files, {
    engine: bc.engine,
    inst: 0,
    area: bc.area(),
    out: bc.out,
    onOutput: (r) => r.release(r.readable(1 << 20)),
  });
} else if (strategy) {
  const def = strategy.definition;
  const sets =
    def.name === 'obi-ofi'
      ? BENCH_STRATEGY
      : def.name === 'signal-taker'
        ? BENCH_SIGNAL_TAKER
        : def.name === 'mm-glft'
          ? BENCH_MM_GLFT
          : [];
  const run = resolveRun(def, [], [...sets, ...extraSets]);
  const o = {
    strategy: { definition: def, params: run.params, settings: run.settings, describeError: strategy.describeError },
    symbol: files[0].meta.symbol ?? 'BTCUSDT',
    latency: feedLatency(4, 0, 3, 0),
    queue: powerProb(2),
  };
  const trace = merged ? await runSymbols(bc, symbolSets, o) : await runFiles(bc, files, grid, o);
  events = trace.events;
  fills = trace.fills.length;
} else throw new Error(`unknown mode ${mode}`);
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ events, seconds, fills, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
