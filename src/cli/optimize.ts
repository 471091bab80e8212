// `ringbook optimize <data> --space space.json`: parameter search over backtests on worker threads sharing the
// decoded recording; every trial logged; walk-forward and overfitting controls; shards and their merge.
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compileCore, createMemory, instantiateCore } from '../core/index';
import { RecordArea } from '../capture/record-groups';
import { resolveConfig } from '../fsm/index';
import { gridOf, DEFAULT_FEES } from '../backtest/backtest';
import { readOwnOrders, roundTrips } from '../backtest/orders';
import { parseLatency } from '../backtest/latency';
import { parseQueue } from '../backtest/queue';
import { findWorkerDir } from '../feed/pipeline';
import { loadShared } from '../optimize/data';
import { parseSpace, gridTrials, randomTrials, type Trial } from '../optimize/space';
import { parseShard, shardTrials } from '../optimize/shard';
import { parseFolds, buildFolds } from '../optimize/folds';
import { parseObjective, type Objective } from '../optimize/score';
import { TrialPool } from '../optimize/pool';
import { summarise, type Summary } from '../optimize/summary';
import { optimizeReport } from '../optimize/report-html';
import type { TrialResult, TrialSettings } from '../optimize/trial';
import { expandInput, parseFees, replayFilesOf, recordingRoot } from './backtest';
import { parseDuration } from './duration';

const HELP = `ringbook optimize <data> --space space.json [options]
ringbook optimize merge <shard dirs…> --out results/

  --config FILE          base strategy config (JSON); the space's parameters vary on top of it
  --space FILE           parameters to search: lists, {min,max,step|count[,log]} ranges (see docs/optimize.md)
  --method grid|random   grid (default) or seeded random search (--trials N, --seed S)
  --trials N             random search: how many trials
  --workers K            worker threads (default: the CPU count)
  --walk-forward SPEC    train=3d,test=1d,purge=10m[,step=1d][,anchored]: pick on train, score on the next test window
  --objective O          net_pnl (default) | sharpe | sortino | return_over_mdd | net_per_trade
  --latency, --queue, --fees, --no-partial   the simulated venue, as in ringbook backtest
  --sample D             equity grid for window scores (default: span/2000, at least 1s)
  --heatmap A,B          the two parameters of the report's heat map (default: the first two searched)
  --out DIR              results directory (default results/)
  --shard i/n            run only trials with id % n = i (0-based); combine with \`ringbook optimize merge\`
  --symbol S             the symbol when the data holds several`;

const NICE = [1, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 86400].map((s) => s * 1e9);

interface Manifest {
  version: 1;
  data: Array<{ path: string; rows: number }>;
  symbol: string;
  space: unknown;
  method: string;
  seed: number;
  total: number;
  shard: { index: number; count: number } | null;
  complete: boolean;
  objective: Objective;
  walkForward: string | null;
  settings: Omit<TrialSettings, 'roundTrips'> & { roundTrips: number };
  heatmap: [string, string] | null;
  keys: string[];
}

function writeResults(out: string, manifest: Manifest, results: TrialResult[], summary: Summary | null): void {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(out, 'trials.jsonl'), results.map((r) => JSON.stringify(r)).join('\n') + (results.length ? '\n' : ''));
  const keys = manifest.keys;
  const csv = [['id', ...keys, 'error', 'net_quote', 'fees_quote', 'sharpe', 'max_drawdown_quote', 'trades', 'fills'].join(',')];
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  for (const r of results) {
    const m = r.metrics;
    csv.push(
      [
        r.id,
        ...keys.map((k) => r.params[k]),
        r.error ?? '',
        m?.pnl.netQuote,
        m?.pnl.feesQuote,
        m?.returns.sharpe,
        m?.drawdown.maxQuote,
        m?.trades.count,
        m?.activity.fills,
      ]
        .map(cell)
        .join(','),
    );
  }
  writeFileSync(join(out, 'trials.csv'), `${csv.join('\n')}\n`);
  if (summary) {
    writeFileSync(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    if (summary.chosen) writeFileSync(join(out, 'best.json'), `${JSON.stringify(summary.chosen.config, null, 2)}\n`);
    writeFileSync(join(out, 'report.html'), optimizeReport(summary, results, keys, manifest.heatmap));
  }
}

function printSummary(s: Summary, keys: string[], out: string): void {
  const lines = [`${s.trials} trials (${s.scored} scored, ${s.invalid} invalid configs), objective ${s.objective}:`];
  lines.push(
    `  ${'rank'.padStart(4)} ${'trial'.padStart(6)}  ${keys.map((k) => k.padStart(Math.max(10, k.length))).join(' ')}  ${'objective'.padStart(12)} ${'net'.padStart(12)} ${'trades'.padStart(7)}`,
  );
  for (const r of s.ranked.slice(0, 10)) {
    lines.push(
      `  ${String(r.rank).padStart(4)} ${String(r.id).padStart(6)}  ${keys.map((k) => String(r.params[k]).padStart(Math.max(10, k.length))).join(' ')}  ${String(r.objective).padStart(12)} ${String(r.netQuote).padStart(12)} ${String(r.trades).padStart(7)}`,
    );
  }
  if (s.walkForward) {
    for (const f of s.walkForward.folds)
      lines.push(`  fold ${f.index}: trial ${f.id} in-sample ${f.inSample} → out-of-sample ${f.outOfSample}`);
    lines.push(`  walk-forward out of sample: net ${s.walkForward.outOfSample.netQuote}, Sharpe ${s.walkForward.outOfSample.sharpe}`);
  }
  if (s.chosen) lines.push(`chosen: trial ${s.chosen.id} (${s.chosen.why}) ${JSON.stringify(s.chosen.params)}`);
  const o = s.overfitting;
  if (o)
    lines.push(
      `  PSR ${o.psr}, DSR ${o.dsr} over N = ${o.trials} trials (deploy only if DSR > 0.95), PBO ${o.pbo ?? '–'}, MinBTL ${o.minBacktestYears ?? '–'} years vs ${o.dataYears} of data`,
    );
  lines.push(`results: ${out}/ (trials.csv, trials.jsonl, summary.json, best.json, report.html)`);
  console.log(lines.join('\n'));
}

function progress(done: number, total: number, started: number): void {
  const el = (performance.now() - started) / 1000;
  const rate = done / Math.max(el, 1e-3);
  const eta = rate > 0 ? (total - done) / rate : 0;
  const width = 30;
  const fill = Math.round((done / Math.max(total, 1)) * width);
  const line = `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total} trials, ${rate.toFixed(2)}/s, ETA ${eta.toFixed(0)} s`;
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${line}`);
  else if (done === 1 || done === total || done % Math.max(1, Math.floor(total / 10)) === 0) process.stderr.write(`${line}\n`);
}

async function runMerge(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { out: { type: 'string', default: 'results' } },
    allowPositionals: true,
    strict: true,
  });
  if (!positionals.length)
    throw new Error('merge needs the shard result directories: ringbook optimize merge results-0 results-1 … --out results');
  const parts = positionals.map((d) => {
    const p = join(d, 'manifest.json');
    if (!existsSync(p)) throw new Error(`${d} is not an optimizer result directory (no manifest.json)`);
    const manifest = JSON.parse(readFileSync(p, 'utf8')) as Manifest;
    const results = readFileSync(join(d, 'trials.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as TrialResult);
    return { dir: d, manifest, results };
  });
  const first = parts[0].manifest;
  const same = (m: Manifest) =>
    JSON.stringify({ ...m, shard: null, complete: true }) === JSON.stringify({ ...first, shard: null, complete: true });
  for (const p of parts) {
    if (!same(p.manifest))
      throw new Error(`${p.dir} was run with other data, space or settings than ${parts[0].dir}: shards must come from the same command`);
    if (!p.manifest.complete) throw new Error(`${p.dir} did not finish (stopped early): re-run that shard`);
  }
  const count = first.shard?.count ?? 1;
  const have = new Set(parts.map((p) => p.manifest.shard?.index ?? 0));
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !have.has(i));
  if (missing.length) throw new Error(`missing shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')} of ${count}`);
  if (have.size !== parts.length) throw new Error('a shard was given twice');
  const results = parts.flatMap((p) => p.results).sort((a, b) => a.id - b.id);
  if (results.length !== first.total) throw new Error(`the shards hold ${results.length} trials, the search has ${first.total}`);
  const folds = first.walkForward
    ? buildFolds(parseFolds(first.walkForward), BigInt(first.settings.fromNs), BigInt(first.settings.toNs) + 1n)
    : null;
  const summary = summarise({
    results,
    objective: first.objective,
    sampleNs: first.settings.sampleNs,
    fromNs: first.settings.fromNs,
    toNs: first.settings.toNs,
    folds,
    base: first.settings.base,
    keys: first.keys,
  });
  const manifest: Manifest = { ...first, shard: null, complete: true };
  writeResults(resolve(values.out!), manifest, results, summary);
  printSummary(summary, first.keys, values.out!);
  return 0;
}

export async function runOptimize(argv: string[]): Promise<number> {
  if (argv[0] === 'merge') return runMerge(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      space: { type: 'string' },
      method: { type: 'string', default: 'grid' },
      trials: { type: 'string' },
      seed: { type: 'string', default: '1' },
      workers: { type: 'string' },
      'walk-forward': { type: 'string' },
      objective: { type: 'string', default: 'net_pnl' },
      latency: { type: 'string' },
      queue: { type: 'string', default: 'risk-averse' },
      fees: { type: 'string' },
      'no-partial': { type: 'boolean', default: false },
      sample: { type: 'string' },
      heatmap: { type: 'string' },
      out: { type: 'string', default: 'results' },
      shard: { type: 'string' },
      symbol: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 1)
    throw new Error(
      'optimize needs one data input (a recording directory, file or glob) and --space FILE, e.g. ringbook optimize data/ --space space.json',
    );
  if (!values.space) throw new Error('--space FILE is required: a JSON object of parameter → values (see ringbook optimize --help)');
  const objective = parseObjective(values.objective!);
  const base = values.config ? JSON.parse(readFileSync(resolve(values.config), 'utf8')) : {};
  resolveConfig(base, []); // a bad base config fails here, not in every trial
  const spaceJson = JSON.parse(readFileSync(resolve(values.space), 'utf8'));
  const space = parseSpace(spaceJson);
  const keys = space.dims.map((d) => d.key);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed "${values.seed}" must be a whole number`);
  let trials: Trial[];
  if (values.method === 'grid') trials = gridTrials(space);
  else if (values.method === 'random') {
    const n = Number(values.trials);
    if (!Number.isInteger(n) || n < 1) throw new Error('--method random needs --trials N (a whole number ≥ 1)');
    trials = randomTrials(space, n, seed);
  } else throw new Error(`--method "${values.method}" must be grid or random`);
  const total = trials.length;
  const shard = values.shard ? parseShard(values.shard) : null;
  if (shard) trials = shardTrials(trials, shard.index, shard.count);
  const workers = values.workers ? Number(values.workers) : availableParallelism();
  if (!Number.isInteger(workers) || workers < 1 || workers > 256)
    throw new Error(`--workers "${values.workers}" must be a whole number from 1 to 256`);
  let heatmap: [string, string] | null = keys.length >= 2 ? [keys[0], keys[1]] : null;
  if (values.heatmap) {
    const hm = values.heatmap.split(',');
    if (hm.length !== 2 || !hm.every((k) => keys.includes(k)))
      throw new Error(`--heatmap "${values.heatmap}" must name two searched parameters: ${keys.join(', ')}`);
    heatmap = [hm[0], hm[1]];
  }

  const files = await replayFilesOf(expandInput(positionals[0]), values.symbol?.toUpperCase());
  const grid = gridOf(files[0].meta, files[0].path);
  const symbol = files[0].meta.symbol!;
  const trips = roundTrips(await readOwnOrders(recordingRoot(resolve(files[0].path)), symbol));
  const latency = values.latency ?? (trips.length ? 'recorded' : 'feed');
  parseLatency(latency, () => trips);
  parseQueue(values.queue!);
  const fees = values.fees ? parseFees(values.fees) : { ...DEFAULT_FEES };
  process.stderr.write(`loading ${files.length} file(s) into shared memory …\n`);
  const module = await compileCore();
  // a core of the main thread's own, only to decode the files (the workers instantiate theirs)
  const shared = await loadShared(files, new RecordArea(await instantiateCore(module, createMemory())));
  const span = Number(BigInt(shared.toNs) - BigInt(shared.fromNs));
  const sampleNs = values.sample
    ? parseDuration('--sample', values.sample) * 1e6
    : (NICE.find((s) => span / s <= 2000) ?? NICE[NICE.length - 1]);
  const folds = values['walk-forward']
    ? buildFolds(parseFolds(values['walk-forward']), BigInt(shared.fromNs), BigInt(shared.toNs) + 1n)
    : null;
  const settings: TrialSettings = {
    base,
    grid,
    fees,
    latency,
    queue: values.queue!,
    partialFills: !values['no-partial'],
    signals: {},
    roundTrips: trips,
    sampleNs,
    fromNs: shared.fromNs,
    toNs: shared.toNs,
  };
  const manifest: Manifest = {
    version: 1,
    data: files.map((f) => ({ path: f.path, rows: f.rows })),
    symbol,
    space: spaceJson,
    method: values.method!,
    seed,
    total,
    shard,
    complete: false,
    objective,
    walkForward: values['walk-forward'] ?? null,
    settings: {
      ...settings,
      grid: { ...grid, priceStep: String(grid.priceStep), sizeStep: String(grid.sizeStep) } as any,
      roundTrips: trips.length,
    },
    heatmap,
    keys,
  };
  process.stderr.write(
    `${trials.length} of ${total} trials${shard ? ` (shard ${shard.index}/${shard.count})` : ''} on ${Math.min(workers, trials.length)} worker(s), ${shared.rows} records${folds ? `, ${folds.length} walk-forward folds` : ''}\n`,
  );
  const pool = new TrialPool();
  const onSig = () => {
    if (!pool.stopping) process.stderr.write('\nstopping: finishing the trials in flight (Ctrl-C again to abort) …\n');
    else process.exit(130);
    pool.stop();
  };
  process.on('SIGINT', onSig);
  const started = performance.now();
  const results = await pool.run(trials, {
    workers,
    workerUrl: new URL('optimize.mjs', findWorkerDir()),
    module,
    shared,
    settings,
    onResult: (_r, done, n) => progress(done, n, started),
  });
  process.off('SIGINT', onSig);
  if (process.stderr.isTTY) process.stderr.write('\n');
  manifest.complete = results.length === trials.length;
  const out = resolve(values.out!);
  const summary =
    !shard && results.length
      ? summarise({ results, objective, sampleNs, fromNs: shared.fromNs, toNs: shared.toNs, folds, base, keys })
      : null;
  writeResults(out, manifest, results, summary);
  if (summary) printSummary(summary, keys, values.out!);
  else
    process.stderr.write(
      `${results.length} trials written to ${values.out}/; combine the shards with: ringbook optimize merge <dirs…> --out results\n`,
    );
  if (!manifest.complete) process.stderr.write(`stopped early: ${results.length} of ${trials.length} trials finished and kept\n`);
  return manifest.complete ? 0 : 130;
}
