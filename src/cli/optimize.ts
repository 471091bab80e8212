// `ringbook optimize <data> --strategy FILE|NAME --space space.json`: parameter search over a strategy's declared
// parameters, backtests on worker threads sharing the decoded recording (each worker evaluates the same bundle text);
// every trial logged with the bundle's and the core's sha256; walk-forward and overfitting controls; shards and their
// merge (which refuses shards of different bundles).
import { availableParallelism } from 'node:os';
import { appendFileSync, existsSync } from 'node:fs';
import { checkCreatableDir, checkWritableDir } from '../capture/files';
import { DamagedFile, stopOn, type SideFiles } from '../capture/read-file';
import { join, resolve } from 'node:path';
import { compileCore, createMemory, instantiateCore } from '../core/index';
import { RecordArea } from '../capture/parquet/record-groups';
import { gridOfFiles, DEFAULT_FEES } from '../backtest/backtest';
import { readSessionOrders, roundTrips } from '../backtest/orders';
import { defaultLatencySpec } from '../backtest/latency-choice';
import { parseQueue } from '../backtest/queue';
import { findWorkerDir } from '../feed/pipeline';
import { loadShared, spanOf } from '../optimize/data';
import { fundingPlain, gridPlain, type TrialInstrument } from '../optimize/instruments';
import { parseSpace, gridTrials, randomTrials, SpaceError, type Trial } from '../optimize/space';
import { parseShard, shardTrials } from '../optimize/shard';
import { parseFolds, buildFolds } from '../optimize/folds';
import { OBJECTIVES, parseObjective } from '../optimize/score';
import { TrialPool } from '../optimize/pool';
import { summarise, venueText } from '../optimize/summary';
import { strategyText } from '../optimize/report-html';
import type { TrialResult, TrialSettings } from '../optimize/trial';
import { count, duration, plural } from '../format/numbers';
import { BACKTEST } from './backtest-args';
import { checkInstrumentCount } from './instrument-count';
import { chooseSymbols } from './replay-symbols';
import { dropDamaged, withDamagedNamed, skippedLines } from './damaged-files';
import { expandInput, readReplayFiles, recordingRoot, overlapWarnings } from './replay-files';
import { fundingReplaced, fundingSource, checkFundingFlag, latencyFor, parseFees, tierRates } from './venue-models';
import { asUsage, dirText, parseCommand, UsageError, type CommandSpec } from './args';
import { lineOfKey, readJsonFile } from './json-file';
import { loadParams, presetHelp, strategyFlags } from './params';
import { coreHash, loadStrategy } from '../strategy/loader';
import { logger } from '../log/logger';
import { hungAfterFlag } from './hung-after';
import { selfCommand } from './self';
import { lockDir } from './dir-lock';
import { onStopSignals, signalExit, signalText } from './stop-signals';
import { errorText } from '../format/errors';
import { runMerge } from './optimize-merge';
import { keepEarlierResult, resumable, startJournal, summaryJson, writeResults, type Manifest } from './optimize-results';
import { bestNet, firstInvalid, hungTrials, printSummary, progressLine, strategyErrors } from './optimize-summary';

const log = logger('optimize');

export const OPTIMIZE = {
  name: 'optimize',
  usage: '<data> --space space.json [--strategy FILE|NAME] [options]',
  summary:
    "Parameter search over a strategy's declared parameters: backtests on worker threads sharing the decoded recording; every trial logged; walk-forward and overfitting controls (PSR, DSR, PBO, MinBTL); shards for many machines.",
  positionals: { name: 'one data input: a recording directory, file or glob', min: 1, max: 1 },
  subcommands: [['merge <shard dirs…> --out DIR', 'combine the results of shards run with --shard i/n (ringbook optimize merge --help)']],
  flags: {
    space: {
      type: 'string',
      arg: 'FILE',
      description: "required: the strategy's declared parameters to search: lists, {min,max,step|count[,log]} ranges (docs/optimize.md)",
    },
    ...strategyFlags(),
    method: {
      type: 'string',
      arg: 'M',
      default: 'grid',
      choices: ['grid', 'random'],
      description: 'grid: every point of the space; or random: --trials N draws, seeded',
    },
    trials: {
      type: 'int',
      arg: 'N',
      min: 1,
      description: 'with --method random only: how many trials (the grid always runs every point; with it, --trials is refused)',
    },
    seed: { type: 'int', arg: 'S', default: 1, description: 'with --method random only: the seed' },
    workers: { type: 'int', arg: 'K', min: 1, max: 256, defaultText: 'the CPU count', description: 'worker threads' },
    'walk-forward': {
      type: 'string',
      arg: 'SPEC',
      description: 'train=3d,test=1d,purge=10m[,step=1d][,anchored]: pick on train, score on the next test window',
    },
    objective: { type: 'string', arg: 'O', default: 'net_pnl', choices: OBJECTIVES, description: 'what trials are ranked by' },
    latency: {
      type: 'string',
      arg: 'M',
      defaultText: 'recorded, else feed',
      description: 'as in ringbook backtest',
      group: 'simulated venue',
    },
    queue: { type: 'string', arg: 'M', default: 'risk-averse', description: 'as in ringbook backtest', group: 'simulated venue' },
    fees: {
      type: 'string',
      arg: 'M,T',
      defaultText: `${DEFAULT_FEES.maker},${DEFAULT_FEES.taker}`,
      description: 'maker,taker fee rates',
      group: 'simulated venue',
    },
    'fee-tier': BACKTEST.flags['fee-tier'],
    funding: BACKTEST.flags.funding,
    'no-partial': { type: 'boolean', description: 'a resting order fills completely once reached', group: 'simulated venue' },
    'amend-keeps-queue': { type: 'boolean', description: 'as in ringbook backtest', group: 'simulated venue' },
    sample: { type: 'duration', arg: 'D', defaultText: 'span/2000, at least 1s', description: 'equity grid for window scores' },
    heatmap: {
      type: 'string',
      arg: 'A,B',
      defaultText: 'the first two searched',
      description: "the two parameters of the report's heat map",
    },
    out: { type: 'string', arg: 'DIR', default: 'results', description: 'results directory (one that holds an earlier result is refused)' },
    overwrite: { type: 'boolean', description: 'replace the earlier result in --out (its manifest, trials and reports)' },
    json: {
      type: 'boolean',
      description: 'print the summary as JSON (what summary.json holds; a shard: its trial count) instead of the text',
    },
    resume: {
      type: 'boolean',
      description:
        'continue the search stopped early in --out (Ctrl-C, SIGTERM, kill -9, a crash): its finished trials are kept and only the others run; the command must be the same otherwise, but for a larger --trials (extends a random search) and --walk-forward, --objective, --heatmap (summarised anew); where no search ran yet, it starts one',
    },
    shard: { type: 'string', arg: 'i/n', description: 'run only trials with id % n = i (0-based); combine with ringbook optimize merge' },
    symbol: {
      ...BACKTEST.flags.symbol,
      description:
        'the symbols every trial replays, merged in local-time order as ringbook backtest merges them (one instrument each; per-instrument and total net)',
    },
    'skip-damaged': {
      type: 'boolean',
      description:
        'leave out data files that cannot be read (torn, foreign, failing a page checksum) and list them in manifest.json; without it such a file stops the run before any trial, named',
    },
    'hung-after': hungAfterFlag('its trial is ended and recorded as hung, and the search goes on'),
  },
  examples: [
    ['optimize data/ --space space.json --preset demo', 'a grid search over the demo preset, results in results/'],
    ['optimize data/ --strategy my-strategy.ts --space space.json', "a grid search over your strategy file's declared parameters"],
    [
      'optimize data/ --space space.json --walk-forward train=3d,test=1d,purge=10m --objective sharpe',
      'walk-forward: pick on 3 days, score on the next',
    ],
  ],
  notes: `${presetHelp()}\n\nExit codes: 0 done, 1 failed, 2 bad command line, 130 stopped by Ctrl-C, 143 by SIGTERM, 129 by SIGHUP (the finished trials kept, marked partial; a second signal ends it at once). See docs/optimize.md.`,
} as const satisfies CommandSpec;

/** From this many trials a search is said to be large before it starts (a grid grows as the product of its lists). */
const LARGE_SEARCH = 10_000;

const NICE = [1, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 86400].map((s) => s * 1e9);

export async function runOptimize(argv: string[]): Promise<number> {
  if (argv[0] === 'merge') return runMerge(argv.slice(1));
  const args = parseCommand(OPTIMIZE, argv);
  if (!args) return 0;
  const values = args.values;
  if (!values.space) throw new UsageError('--space FILE is required: a JSON object of parameter → values (see ringbook optimize --help)');
  if (values.resume && values.overwrite)
    throw new UsageError('--resume keeps the finished trials in --out, --overwrite replaces them: give one of them');
  const objective = parseObjective(values.objective);
  // the strategy (bundled and checked once here; the workers evaluate the same text) and the base every trial varies:
  // its defaults, preset, --config and --set, checked once here rather than failing every trial
  const loaded = await loadStrategy(values.strategy);
  const params = await loadParams({
    command: 'optimize',
    strategy: loaded,
    preset: values.preset,
    configFile: values.config,
    sets: values.set,
  });
  const base = params.config;
  const core = coreHash();
  const strategy: Manifest['strategy'] = {
    name: params.name,
    source: loaded.bundle?.source ?? `builtin:${params.name}`,
    bundleSha256: loaded.bundle?.hash ?? null,
    coreSha256: core,
  };
  // a key given twice is refused there: JSON.parse keeps the last, and the first one's values would not be searched
  const spaceFile = readJsonFile(values.space, '--space', 'search space');
  const spaceJson = spaceFile.value;
  // a problem with the space file names the file and the key's line
  const inSpace = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof SpaceError)) throw err;
      const line = err.key ? lineOfKey(spaceFile.text, err.key) : null;
      throw new Error(`--space ${values.space}${line ? `, line ${line}` : ''}: ${err.message}`);
    }
  };
  const space = inSpace(() => parseSpace(spaceJson, params.fields, params.name));
  const keys = space.dims.map((d) => d.key);
  // a parameter fixed with --set and searched too: every trial would replace the --set value, silently
  for (const set of values.set ?? []) {
    const key = set.slice(0, set.indexOf('=')).trim();
    if (!keys.includes(key)) continue;
    const line = lineOfKey(spaceFile.text, key);
    throw new UsageError(
      `--set ${set}: ${key} is searched too (--space ${values.space}${line ? `, line ${line}` : ''}), so every trial would replace this value: drop the --set to search it, or the key from the space to fix it`,
    );
  }
  const units = Object.fromEntries(space.dims.map((d) => [d.key, d.spec.unit]));
  const seed = values.seed;
  let trials: Trial[];
  if (values.method === 'grid') {
    trials = inSpace(() => gridTrials(space));
    // the grid's size comes from the space, so a --trials N there would be silently ignored: refuse it instead
    if (values.trials !== undefined)
      throw new UsageError(
        `--trials ${values.trials} applies to --method random only; the grid (--method grid, the default) runs every point of the space: ${count(trials.length)} trial${trials.length === 1 ? '' : 's'} here. Drop --trials, or add --method random to draw ${values.trials}`,
      );
  } else {
    if (values.trials === undefined) throw new UsageError('--method random needs --trials N (a whole number ≥ 1)');
    trials = inSpace(() => randomTrials(space, values.trials!, seed));
  }
  const total = trials.length;
  const shard = values.shard ? asUsage(() => parseShard(values.shard!)) : null;
  // the spec is checked here, before any data is read; whether its folds fit the data is checked once it is loaded
  if (values['walk-forward']) asUsage(() => parseFolds(values['walk-forward']!));
  if (shard) trials = shardTrials(trials, shard.index, shard.count);
  const workers = values.workers ?? availableParallelism();
  let heatmap: [string, string] | null = keys.length >= 2 ? [keys[0], keys[1]] : null;
  if (values.heatmap) {
    const hm = values.heatmap.split(',');
    if (hm.length !== 2 || !hm.every((k) => keys.includes(k)))
      throw new UsageError(`--heatmap "${values.heatmap}" must name two searched parameters: ${keys.join(', ')}`);
    heatmap = [hm[0], hm[1]];
  }

  // before any work: an unwritable --out used to fail only after every trial had run (or spin, under /proc); made
  // only once the input and settings passed (a refusal leaves no empty directory)
  checkCreatableDir('--out', values.out);
  // held to the end: the check below, and this run's files, cannot be raced by a second search into --out
  const lock = lockDir('--out', values.out, (l) => log.warn(l));
  // Ctrl-C, SIGTERM or SIGHUP: while the data loads nothing is written and the run ends at once; once trials run it
  // stops handing them out, writes the finished ones at once (a `docker stop` kills ten seconds later), lets those in
  // flight finish and writes again; a second signal ends it at once, the finished trials written
  let pool: TrialPool | null = null;
  const finished: TrialResult[] = [];
  let keep: () => number = () => 0;
  const stop = onStopSignals({
    stop: (sig) => {
      if (!pool) {
        log.warn(`stopped by ${signalText(sig)} while loading the data, before any trial ran: nothing written (exit ${signalExit(sig)})`);
        process.exit(signalExit(sig));
      }
      pool.stop();
      log.human('\n');
      let kept = '';
      try {
        const n = keep();
        if (n) kept = `; ${plural(n, 'finished trial')} written to ${dirText(values.out)}`;
      } catch (err) {
        kept = `; the finished trials could not be written yet (${errorText(err)})`;
      }
      log.warn(
        `stopping (${signalText(sig)}): finishing the trials in flight${kept}. A second Ctrl-C, SIGTERM or SIGHUP ends it at once, keeping the finished trials …`,
      );
    },
    now: (sig) => {
      const n = keep();
      log.warn(
        `${signalText(sig)} while stopping: ended at once, the trials in flight left unfinished; ${plural(n, 'finished trial')} kept${n ? ` in ${dirText(values.out)}` : ''} (exit ${signalExit(sig)})`,
      );
    },
  });
  try {
    // --resume where no search ran yet starts one: the same command can be run again until it is done (a batch job
    // restarted on its node, a loop in a script)
    const resuming = values.resume === true && existsSync(join(values.out, 'manifest.json'));
    if (!values.resume) keepEarlierResult(values.out, values.overwrite === true);
    else if (!resuming) log.info(`--resume: no search in ${dirText(values.out)} yet: starting it`);
    const skipDamaged = values['skip-damaged'] === true;
    const requested = values.symbol
      ?.toUpperCase()
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== '');
    const input = await readReplayFiles(expandInput(args.positionals[0]), { skipDamaged });
    const damaged = input.damaged;
    // the order log and the ticker stream: a damaged file stops the search, or with --skip-damaged is left out and listed
    const side: SideFiles = { skip: skipDamaged, damaged };
    // the symbols as `ringbook backtest` takes them: --symbols in their order, else the strategy's declaration, else the only one
    const chosen = withDamagedNamed(damaged, () => chooseSymbols(input.files, requested, params.strategy.definition.instruments));
    const symbols = chosen.map((c) => c.symbol);
    checkInstrumentCount(params.strategy.definition, symbols);
    checkFundingFlag(values.funding, chosen);
    const symbol = symbols.join(',');
    const several = symbols.length > 1;
    const root = recordingRoot(resolve(chosen[0].files[0].path));
    const grids = chosen.map((c) => gridOfFiles(c.files));
    const trips = roundTrips(await readSessionOrders(root, symbols, side));
    const latency = values.latency ?? defaultLatencySpec(trips.length);
    // a malformed --latency or --queue is a mistake on the command line (exit 2), as in ringbook backtest, and so is
    // --latency recorded without own orders to take it from
    latencyFor(latency, root, symbols, trips);
    asUsage(() => parseQueue(values.queue));
    if (values.fees !== undefined && values['fee-tier'] !== undefined)
      throw new UsageError(`--fees ${values.fees} and --fee-tier ${values['fee-tier']} both set the fee rates: give one of them`);
    const fees = values.fees
      ? parseFees(values.fees)
      : values['fee-tier'] !== undefined
        ? tierRates(values['fee-tier'], chosen[0].files[0].meta.inst_type ?? 'USDT-FUTURES')
        : { ...DEFAULT_FEES };
    // funding as the backtest charges it: a flat --funding on each, else each symbol's recorded ticker, else none
    const fundings = await Promise.all(chosen.map((c) => fundingSource(values.funding, root, c.symbol, c.files[0].meta.inst_type, side)));
    const replaced = await fundingReplaced(values.funding, root, chosen, side);
    if (replaced) log.warn(`--funding ${values.funding} replaces ${replaced}: its recorded settlements are not charged in any trial`);
    log.info(`loading ${chosen.reduce((n, c) => n + c.files.length, 0)} file(s) into shared memory …`, {
      files: chosen.reduce((n, c) => n + c.files.length, 0),
    });
    const module = await compileCore();
    // a core of the main thread's own, only to decode the files (the workers instantiate theirs)
    const area = new RecordArea(await instantiateCore(module, createMemory()));
    if (skipDamaged)
      for (const c of chosen)
        c.files = await dropDamaged(c.files, area, damaged, {
          symbol: c.symbol,
          symbols: chosen.map((x) => x.symbol),
        });
    for (const line of skippedLines(damaged)) log.warn(line);
    // a file that overlaps another replays the overlap twice in every trial: said before the search, as backtest says it
    for (const c of chosen) for (const line of overlapWarnings(c.symbol, c.files)) log.warn(`WARNING ${line}`);
    const parts = [];
    try {
      for (const [i, c] of chosen.entries()) parts.push(await loadShared(c.files, area, i));
    } catch (err) {
      throw err instanceof DamagedFile ? stopOn(err) : err;
    }
    const { fromNs, toNs } = spanOf(parts);
    const rows = parts.reduce((n, p) => n + p.rows, 0);
    const span = Number(BigInt(toNs) - BigInt(fromNs));
    const sampleNs = values.sample ? values.sample * 1e6 : (NICE.find((s) => span / s <= 2000) ?? NICE[NICE.length - 1]);
    // a grid step as long as the data leaves no step to score: every window, Sharpe and PBO would be empty
    const half = span / 2;
    if (values.sample && Math.floor(span / sampleNs) < 2)
      throw new UsageError(
        `--sample ${duration(sampleNs)} leaves fewer than 2 equity steps in the data's ${duration(span)}: give at most ${duration(half >= 1e9 ? Math.floor(half / 1e9) * 1e9 : Math.floor(half / 1e6) * 1e6)}, or leave it out (${duration(NICE.find((s) => span / s <= 2000) ?? NICE[NICE.length - 1])} here)`,
      );
    const folds = values['walk-forward'] ? buildFolds(parseFolds(values['walk-forward']), BigInt(fromNs), BigInt(toNs) + 1n) : null;
    const instruments: TrialInstrument[] = chosen.map((c, i) => ({
      symbol: c.symbol,
      grid: gridPlain(grids[i]),
      funding: fundingPlain(fundings[i]),
    }));
    const settings: TrialSettings = {
      strategy: { name: params.name, bundle: loaded.bundle, coreHash: core },
      base,
      grid: grids[0],
      symbol: symbols[0],
      funding: fundingPlain(fundings[0]),
      ...(several ? { instruments } : {}),
      ...(values['fee-tier'] !== undefined ? { feeTier: values['fee-tier'].toLowerCase() } : {}),
      fees,
      latency,
      queue: values.queue,
      partialFills: !values['no-partial'],
      ...(values['amend-keeps-queue'] ? { amendKeepsQueue: true } : {}),
      signals: {},
      roundTrips: trips,
      sampleNs,
      fromNs,
      toNs,
    };
    const manifest: Manifest = {
      version: 1,
      data: chosen.flatMap((c) => c.files.map((f) => ({ path: f.path, rows: f.rows }))),
      symbol,
      ...(several ? { symbols } : {}),
      strategy,
      space: spaceJson,
      method: values.method,
      seed,
      total,
      shard,
      complete: false,
      objective,
      walkForward: values['walk-forward'] ?? null,
      settings: {
        ...withoutStrategy(settings),
        grid: gridPlain(grids[0]),
        roundTrips: trips.length,
      },
      heatmap,
      keys,
      units,
      ...(damaged.length ? { skipped: damaged.map((d) => ({ path: d.path, reason: d.reason })) } : {}),
    };
    // --resume: the trials the stopped (or smaller) search finished are kept as they are; only the others run
    const resumed = resuming ? resumable(values.out, manifest, trials) : null;
    const prior = resumed?.results ?? [];
    const done = new Set(prior.map((r) => r.id));
    const remaining = trials.filter((t) => !done.has(t.id));
    finished.push(...prior);
    if (resumed) {
      const anew = resumed.resummarised.length ? ` with ${resumed.resummarised.join(', ')}` : '';
      log.info(
        resumed.extendedFrom !== null
          ? `extending the random search in ${dirText(values.out)} from ${count(resumed.extendedFrom)} to ${count(total)} trials (the same seed draws the same first ${count(resumed.extendedFrom)}): ${count(prior.length)} finished before and kept, ${count(remaining.length)} to run${anew ? `; summarised${anew}` : ''}`
          : remaining.length
            ? `resuming the search in ${dirText(values.out)}: ${count(prior.length)} of ${count(trials.length)} trials finished before and kept, ${count(remaining.length)} to run${anew ? `; summarised${anew}` : ''}`
            : `the search in ${dirText(values.out)} had finished all ${count(trials.length)} trials: nothing to run, its result summarised again${anew}`,
        {
          kept: prior.length,
          remaining: remaining.length,
          ...(resumed.extendedFrom !== null ? { extendedFrom: resumed.extendedFrom } : {}),
        },
      );
    }
    if (remaining.length)
      log.info(
        `${strategyText(strategy)}: ${count(remaining.length)} of ${count(total)} trials${shard ? ` (shard ${shard.index}/${shard.count})` : ''} on ${Math.min(workers, remaining.length)} worker(s), ${count(rows)} records${several ? ` of ${symbols.join(', ')}` : ''}${folds ? `, ${folds.length} walk-forward folds` : ''}`,
      );
    // a search of hours must say so before it starts, not once the first progress line comes
    if (remaining.length >= LARGE_SEARCH)
      log.warn(
        `a large search: ${count(remaining.length)} trials; its ETA follows once the first trials are timed. Ctrl-C stops it, keeping the finished trials (the results then say the search was partial)`,
      );
    checkWritableDir('--out', values.out);
    const out = resolve(values.out);
    const summaryOf = (results: TrialResult[]) =>
      !shard && results.length ? summarise({ results, objective, sampleNs, fromNs, toNs, folds, base, keys }) : null;
    // the trials finished so far, as the end of a stopped search writes them (nothing when none finished)
    keep = () => {
      if (!finished.length) return 0;
      const results = [...finished].sort((a, b) => a.id - b.id);
      writeResults(out, { ...manifest, complete: results.length === trials.length }, results, summaryOf(results));
      return results.length;
    };
    // the journal: each trial's line is appended as it finishes, under a manifest that says the search is not complete,
    // so a search killed outright (kill -9, a crash, the machine gone) keeps what it finished for --resume
    const journal = join(out, 'trials.jsonl');
    startJournal(out, manifest, prior);
    const running = (pool = new TrialPool());
    const progress = progressLine(remaining.length);
    // nothing left (the search had finished): no worker is started, the result is summarised again
    const ran = !remaining.length
      ? []
      : await running.run(remaining, {
          workers,
          workerUrl: new URL('optimize.mjs', findWorkerDir()),
          module,
          shared: parts,
          settings,
          hungAfterMs: values['hung-after'],
          strategy: strategy.name,
          onResult: (r, done) => {
            finished.push(r);
            appendFileSync(journal, `${JSON.stringify(r)}\n`);
            progress(done);
          },
        });
    if (process.stderr.isTTY && remaining.length) log.human('\n');
    const results = [...prior, ...ran].sort((a, b) => a.id - b.id);
    manifest.complete = results.length === trials.length;
    const summary = summaryOf(results);
    writeResults(out, manifest, results, summary);
    // a shard is not summarised: its JSON says what it ran, for the script that waits on every shard
    if (values.json)
      console.log(
        summary
          ? summaryJson(manifest, summary)
          : JSON.stringify({ complete: manifest.complete, total: manifest.total, shard, trials: results.length }, null, 2),
      );
    else if (summary)
      printSummary(summary, keys, values.out, {
        symbol,
        symbols,
        bestNetQuote: bestNet(results),
        strategy,
        units,
        threw: strategyErrors(results),
        hung: hungTrials(results),
        invalid: firstInvalid(results),
        partial: manifest.complete ? null : { run: results.length, total: trials.length },
        venue: venueText(results, manifest.settings.amendKeepsQueue === true),
      });
    for (const line of skippedLines(damaged)) log.warn(line);
    if (!summary)
      log.info(
        `${plural(results.length, 'trial')} written to ${dirText(values.out)}${shard ? ` (shard ${shard.index}/${shard.count})` : ''}`,
      );
    // the command as the user ran it (node build/ringbook.mjs in a clone), so the line works when pasted
    if (!summary && shard && manifest.complete)
      log.info(
        `next: once all ${shard.count} shards are done, ${selfCommand()} optimize merge <the ${shard.count} shard dirs> --out results`,
      );
    if (!manifest.complete) {
      // only a stop signal ends a search short without an error
      const by = stop.by ?? 'SIGINT';
      log.warn(
        `stopped early by ${signalText(by)}: ${count(results.length)} of ${count(trials.length)} trials finished and kept (exit ${signalExit(by)}); to run the other ${count(trials.length - results.length)}: ${resumeCommand()}`,
      );
      return signalExit(by);
    }
    // a search that chose nothing (every trial threw or broke a rule) did not do its job: exit 1, as a failed run
    return summary && !summary.chosen ? 1 : 0;
  } finally {
    stop.release();
    lock.release();
  }
}

/** This command as the user ran it, with --resume (once): pasted, it continues the search it stopped. */
function resumeCommand(argv: readonly string[] = process.argv.slice(2)): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  const args = argv.filter((a) => a !== '--resume' && a !== '--overwrite');
  return `${selfCommand()} ${args.map(quote).join(' ')} --resume`;
}

/** The settings as the manifest keeps them: the bundle's text stays out (its hash is in manifest.strategy). */
function withoutStrategy(s: TrialSettings): Omit<TrialSettings, 'strategy'> {
  const { strategy: _strategy, ...rest } = s;
  return rest;
}
