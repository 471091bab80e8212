// `ringbook optimize <data> --strategy FILE|NAME --space space.json`: parameter search over a strategy's declared
// parameters, backtests on worker threads sharing the decoded recording (each worker evaluates the same bundle text);
// every trial logged with the bundle's and the core's sha256; walk-forward and overfitting controls; shards and their
// merge (which refuses shards of different bundles).
import { availableParallelism } from 'node:os';
import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { checkCreatableDir, checkWritableDir, ensureDir, writeFileDurably } from '../capture/files';
import { DamagedFile, stopOn, type SideFiles } from '../capture/read-file';
import { basename, join, resolve } from 'node:path';
import { compileCore, createMemory, instantiateCore } from '../core/index';
import { RecordArea } from '../capture/parquet/record-groups';
import { gridOfFiles, DEFAULT_FEES } from '../backtest/backtest';
import { readSessionOrders, roundTrips } from '../backtest/orders';
import { defaultLatencySpec } from '../backtest/latency-choice';
import { parseQueue } from '../backtest/queue';
import { findWorkerDir } from '../feed/pipeline';
import { loadShared, spanOf } from '../optimize/data';
import { fundingPlain, gridPlain, type GridPlain, type TrialInstrument } from '../optimize/instruments';
import { parseSpace, gridTrials, randomTrials, SpaceError, type Trial } from '../optimize/space';
import { parseShard, shardTrials } from '../optimize/shard';
import { parseFolds, buildFolds } from '../optimize/folds';
import { OBJECTIVES, parseObjective, type Objective } from '../optimize/score';
import { TrialPool } from '../optimize/pool';
import {
  PSR_NEEDS,
  rankOrder,
  strategyThrew,
  summarise,
  testWindowsNs,
  venueText,
  walkForwardCaution,
  type Summary,
} from '../optimize/summary';
import { optimizeReport, paramText as paramTextOf, strategyText, type StrategyIdentity } from '../optimize/report-html';
import type { TrialResult, TrialSettings } from '../optimize/trial';
import {
  NA,
  count,
  duration,
  fixed,
  money,
  moneyIn,
  needsMore,
  plural,
  probability,
  quoteCurrency,
  skillVerdict,
  years,
} from '../format/numbers';
import {
  BACKTEST,
  checkInstrumentCount,
  chooseSymbols,
  dropDamaged,
  expandInput,
  fundingSource,
  checkFundingFlag,
  latencyFor,
  parseFees,
  readReplayFiles,
  recordingRoot,
  overlapWarnings,
  withDamagedNamed,
  skippedLines,
  tierRates,
} from './backtest';
import { asUsage, dirText, parseCommand, UsageError, type CommandSpec } from './args';
import { lineOfKey, readJsonFile } from './json-file';
import { loadParams, presetHelp, strategyFlags } from './params';
import { coreHash, loadStrategy } from '../strategy/loader';
import { jsonLogs, logger } from '../log/logger';
import { hungAfterFlag } from './hung-after';
import { selfCommand } from './self';
import { liveHolder, lockDir, withDirLock } from './dir-lock';
import { onStopSignals, signalExit, signalText } from './stop-signals';
import { errorText } from '../format/errors';

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
        'continue the search stopped early in --out (Ctrl-C, SIGTERM, kill -9, a crash): its finished trials are kept and only the others run; the command must be the same otherwise (where no search ran yet, it starts one)',
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

export const MERGE = {
  name: 'optimize merge',
  usage: '<shard dirs…> [--out results/]',
  summary:
    'Combines the result directories of shards (optimize --shard i/n) into one result: the same summary, report and files as one unsharded run.',
  positionals: { name: 'the shard result directories', min: 1, max: 10_000 },
  flags: {
    out: {
      type: 'string',
      arg: 'DIR',
      default: 'results',
      description: 'the combined results directory (one that holds an earlier result is refused)',
    },
    overwrite: { type: 'boolean', description: 'replace the earlier result in --out' },
    json: { type: 'boolean', description: 'print the summary as JSON (what summary.json holds) instead of the text' },
  },
  examples: [
    ['optimize merge results-0 results-1 results-2 results-3 --out results', 'four shards into results/'],
    ['optimize merge shards/* --out merged', 'every shard directory under shards/'],
  ],
} as const satisfies CommandSpec;

/** Manifests written before the optimizer took --strategy: obi-ofi, hashes unknown. */
const LEGACY_STRATEGY: Manifest['strategy'] = { name: 'obi-ofi', source: 'builtin:obi-ofi', bundleSha256: null, coreSha256: null };

/** From this many trials a search is said to be large before it starts (a grid grows as the product of its lists). */
const LARGE_SEARCH = 10_000;

const NICE = [1, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 86400].map((s) => s * 1e9);

interface Manifest {
  version: 1;
  data: Array<{ path: string; rows: number }>;
  /** The symbol, or the symbols of a run of several joined with commas (BTCUSDT,ETHUSDT). */
  symbol: string;
  /** A run of several symbols: them, in the run's order. */
  symbols?: string[];
  /** The strategy every trial ran: its name, where it came from, its bundle's and core.wasm's sha256 (null: unknown). */
  strategy: StrategyIdentity & { source: string };
  space: unknown;
  method: string;
  seed: number;
  total: number;
  shard: { index: number; count: number } | null;
  complete: boolean;
  objective: Objective;
  walkForward: string | null;
  settings: Omit<TrialSettings, 'roundTrips' | 'strategy' | 'grid'> & { roundTrips: number; grid: GridPlain };
  heatmap: [string, string] | null;
  keys: string[];
  /** Searched parameter → its unit (from the strategy's declaration), for values as people read them. */
  units: Record<string, string>;
  /** Damaged input files left out with --skip-damaged, and why. */
  skipped?: Array<{ path: string; reason: string }>;
}

/** An earlier result in `out` is not replaced without --overwrite: a second search must not lose the first one's trials. */
function keepEarlierResult(out: string, overwrite: boolean): void {
  const manifest = join(out, 'manifest.json');
  if (overwrite || !existsSync(manifest)) return;
  let what = 'an earlier result';
  let resume = '';
  try {
    const m = JSON.parse(readFileSync(manifest, 'utf8')) as Partial<Manifest>;
    what = `an earlier result (${m.method ?? '?'} search${m.strategy?.name ? ` of ${m.strategy.name}` : ''}, ${plural(m.total ?? 0, 'trial')}${m.shard ? `, shard ${m.shard.index}/${m.shard.count}` : ''})`;
    // a search stopped early is the one a user most often runs again: its finished trials need not be run twice
    if (m.complete === false) {
      const n = finishedCount(out);
      what = `${what} stopped early with ${count(n)} finished`;
      resume = ` add --resume to keep them and run the rest,`;
    }
  } catch {
    // an unreadable manifest is still someone's result
  }
  throw new Error(`--out ${dirText(out)} holds ${what}: choose another --out,${resume} or add --overwrite to replace it`);
}

/**
 * The manifest with its data files named from the recording's layout on (`venue=…/…/file.parquet`, else the file's
 * name) beside their rows: the same recording read from another directory (a resume from elsewhere, a shard on a
 * machine that mounts it under another path) is the same data.
 */
function sameData(m: Manifest): Manifest {
  const tail = (path: string) => {
    const at = path.replace(/\\/g, '/').lastIndexOf('venue=');
    return at >= 0 ? path.replace(/\\/g, '/').slice(at) : basename(path);
  };
  return { ...m, data: m.data.map((d) => ({ path: tail(d.path), rows: d.rows })) };
}

/** The trials a result directory holds (lines of its trials.jsonl; 0 when it has none). */
function finishedCount(dir: string): number {
  try {
    return readFileSync(join(dir, 'trials.jsonl'), 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
}

/**
 * A result directory's trials.jsonl, each line a trial; a line that is not one is named (a file cut short or edited).
 * With `tornTail`, a last line cut short (the journal of a search killed while it appended) is left out instead.
 */
function readTrials(dir: string, tornTail = false): TrialResult[] {
  const path = join(dir, 'trials.jsonl');
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: TrialResult[] = [];
  for (const [i, l] of lines.entries()) {
    if (!l) continue;
    try {
      out.push(JSON.parse(l) as TrialResult);
    } catch {
      const last = lines.slice(i + 1).every((x) => x === '');
      if (tornTail && last) {
        log.warn(`${path}, line ${i + 1}: cut short (the search was killed while writing it): that trial runs again`);
        continue;
      }
      throw new Error(`${path}, line ${i + 1}: not a trial record (a shard cut short? re-run it)`);
    }
  }
  return out;
}

/**
 * The finished trials of the search stopped early in `out`, which --resume keeps: refused, naming the first setting
 * that differs with both values, unless `manifest` (this command's) is the same search (data, space, settings, shard,
 * strategy bundle and core); only the trials it ran with this bundle and core are kept.
 */
function resumable(out: string, manifest: Manifest, trialIds: ReadonlySet<number>): TrialResult[] {
  const path = join(out, 'manifest.json');
  const earlier = readJsonFile(path, '--resume').value as Manifest;
  const a = earlier.strategy ?? LEGACY_STRATEGY;
  const b = manifest.strategy;
  if (a.name !== b.name || a.bundleSha256 !== b.bundleSha256 || a.coreSha256 !== b.coreSha256)
    throw new UsageError(
      `--resume: ${dirText(out)} ran the strategy ${strategyText(a)}, this command runs ${strategyText(b)}: a search continues on the same bundle and core (the same strategy file, unedited, and the same ringbook build); give another --out for a new search`,
    );
  const comparable = (m: Manifest) => JSON.parse(JSON.stringify({ ...sameData(m), complete: true, strategy: null })) as unknown;
  const d = firstDifference(comparable(earlier), comparable(manifest));
  if (d)
    throw new UsageError(
      `--resume: ${dirText(out)} was run with ${differenceName(d.path)} ${valueText(d.a)}, this command with ${valueText(d.b)}: a search continues with the same command; give another --out for a new search`,
    );
  const results = readTrials(out, !earlier.complete);
  const bad = results.find((r) => (r.bundleSha256 ?? null) !== b.bundleSha256 || (r.coreSha256 ?? null) !== b.coreSha256);
  if (bad)
    throw new Error(
      `${join(out, 'trials.jsonl')}: trial ${bad.id} ran bundle sha256 ${bad.bundleSha256 ?? 'unknown'}, the manifest says ${b.bundleSha256 ?? 'unknown'}: the directory mixes runs; give another --out`,
    );
  const seen = new Set<number>();
  for (const r of results) {
    if (!trialIds.has(r.id) || seen.has(r.id))
      throw new Error(
        `${join(out, 'trials.jsonl')}: trial ${r.id} ${seen.has(r.id) ? 'is there twice' : 'is not one of this search'}: the directory mixes runs; give another --out`,
      );
    seen.add(r.id);
  }
  return results;
}

/**
 * The result's files, each written aside and renamed into place (a search stopped while it writes, or killed, leaves
 * no half-written file under its name), manifest.json last: it marks the directory as holding a result.
 */
function writeResults(out: string, manifest: Manifest, results: TrialResult[], summary: Summary | null): void {
  ensureDir(out);
  const put = (name: string, text: string) => writeFileDurably(join(out, name), Buffer.from(text));
  put('trials.jsonl', results.map((r) => JSON.stringify(r)).join('\n') + (results.length ? '\n' : ''));
  const keys = manifest.keys;
  const symbols = manifest.symbols ?? [];
  const csv = [
    [
      'id',
      ...keys,
      'error',
      'net_quote',
      ...symbols.map((s) => `net_quote_${s}`),
      'fees_quote',
      'sharpe',
      'max_drawdown_quote',
      'trades',
      'fills',
      'rank',
    ].join(','),
  ];
  // the whole-data ranking (summary.json's): a trial left out of it (invalid, hung, the strategy threw) has no rank,
  // and none has in a shard's own results (ranked when the shards are merged)
  const rank = new Map((summary ? rankOrder({ ...summary, results }) : []).map((r, i) => [r.id, i + 1]));
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
        // a trial whose strategy threw has figures, of a crashed run: its error is the halt that ended it
        r.error ?? (strategyThrew(r) ? m!.strategy!.halted!.reason : ''),
        m?.pnl.netQuote,
        ...symbols.map((s) => m?.instruments?.find((i) => i.symbol === s)?.pnl.netQuote),
        m?.pnl.feesQuote,
        m?.returns.sharpe,
        m?.drawdown.maxQuote,
        m?.trades.count,
        m?.activity.fills,
        rank.get(r.id),
      ]
        .map(cell)
        .join(','),
    );
  }
  put('trials.csv', `${csv.join('\n')}\n`);
  if (summary) {
    // a search cut short says so where its answer is read: summary.json, the choice's file name, the report
    const partial = manifest.complete ? null : { run: results.length, total: manifest.total };
    put('summary.json', `${summaryJson(manifest, summary)}\n`);
    // best.json is read by --config, which takes the strategy's fields only: a partial choice goes by another name
    const chosenFile = bestFile(manifest.complete);
    // nothing chosen, or chosen under the other name: a file of an earlier run here must not pass for this run's answer
    for (const f of [bestFile(true), bestFile(false)]) if (f !== chosenFile || !summary.chosen) rmSync(join(out, f), { force: true });
    if (summary.chosen) put(chosenFile, `${JSON.stringify(summary.chosen.config, null, 2)}\n`);
    put(
      'report.html',
      optimizeReport(summary, results, keys, manifest.heatmap, {
        symbol: manifest.symbol,
        strategy: manifest.strategy,
        units: manifest.units,
        partial,
        venue: venueText(results, manifest.settings.amendKeepsQueue === true),
      }),
    );
  }
  put('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
}

/** summary.json's text, which --json prints: the summary with whether the search finished and of how many trials. */
function summaryJson(manifest: Pick<Manifest, 'complete' | 'total'>, summary: Summary): string {
  return JSON.stringify({ complete: manifest.complete, total: manifest.total, ...summary }, null, 2);
}

/**
 * Starts the journal of a search in `out`: its manifest, marked not complete, and trials.jsonl with the trials kept
 * from before (--resume), to which each finished trial is appended. The summary, report and choice of an earlier
 * result there go now: until this search writes its own, they would pass for its answer.
 */
function startJournal(out: string, manifest: Manifest, prior: readonly TrialResult[]): void {
  ensureDir(out);
  for (const f of ['summary.json', 'trials.csv', 'report.html', bestFile(true), bestFile(false)]) rmSync(join(out, f), { force: true });
  writeFileDurably(join(out, 'trials.jsonl'), Buffer.from(prior.map((r) => `${JSON.stringify(r)}\n`).join('')));
  writeFileDurably(join(out, 'manifest.json'), Buffer.from(`${JSON.stringify({ ...manifest, complete: false }, null, 2)}\n`));
}

/** The chosen configuration's file: best.json, or best-so-far.json for a search stopped early. */
const bestFile = (complete: boolean) => (complete ? 'best.json' : 'best-so-far.json');

/** An objective's value as a trader reads it: money for P&L objectives, a ratio otherwise; n/a when it has none. */
function objectiveText(o: Objective, v: number | null, ccy: string): string {
  if (v === null || !Number.isFinite(v)) return NA;
  return o === 'net_pnl' || o === 'net_per_trade' ? moneyIn(v, ccy) : fixed(v, 3);
}

/** Why a window has no value of the objective (it is null there): what the window lacked. */
const OBJECTIVE_NA: Record<Objective, string> = {
  net_pnl: 'no equity step',
  sharpe: 'its equity did not move',
  sortino: 'no losing step',
  return_over_mdd: 'no drawdown',
  net_per_trade: 'no round trip closed',
};

/**
 * The objective column of the ranking: each value as objectiveText prints it, with more decimals (the same for the
 * whole column, up to 8) when two different values would print alike: a ranking whose values read the same looks
 * ordered by nothing (net per trade of -0.010707 and -0.010716 USDT both read -0.0107).
 */
export function objectiveColumn(o: Objective, values: ReadonlyArray<number | null>, ccy: string): string[] {
  const texts = values.map((v) => objectiveText(o, v, ccy));
  const alike = (t: string[]) =>
    values.some((a, i) =>
      values.some((b, j) => j > i && a !== null && b !== null && t[i] === t[j] && Math.abs(a - b) > 1e-12 * Math.max(1, Math.abs(a))),
    );
  if (!alike(texts)) return texts;
  const money = o === 'net_pnl' || o === 'net_per_trade';
  let out = texts;
  for (let dp = money ? 5 : 4; dp <= 8 && alike(out); dp++)
    out = values.map((v) => (v === null || !Number.isFinite(v) ? NA : money ? `${fixed(v, dp)} ${ccy}` : fixed(v, dp)));
  return out;
}

export function printSummary(
  s: Summary,
  keys: string[],
  out: string,
  o: {
    symbol: string;
    /** A run of several symbols: them, in the run's order (their nets are printed beside the total). */
    symbols?: readonly string[];
    bestNetQuote: number | null;
    strategy?: StrategyIdentity;
    units?: Record<string, string>;
    threw?: { count: number; first: string } | null;
    hung?: { count: number; first: string } | null;
    /** The first trial that broke a rule between parameters (summary.json keeps its id and reason, not its values). */
    invalid?: Pick<TrialResult, 'id' | 'params' | 'error'> | null;
    /** A search stopped early: how many of its trials ran (every line below is of those only). */
    partial?: { run: number; total: number } | null;
    /** The simulated venue the trials ran on (venueText). */
    venue?: string | null;
  },
): void {
  const ccy = quoteCurrency(o.symbols?.[0] ?? o.symbol);
  const paramText = (k: string, v: unknown, q: string) => paramTextOf(k, v, q, o.units);
  const spanNs = Number(BigInt(s.toNs) - BigInt(s.fromNs));
  // a strategy that threw comes first: every figure below is read knowing those trials are left out of them
  // trials the strategy threw or hung in: how many, the first one's message, and that the ranking leaves them out
  const leftOut = (t: { count: number; first: string } | null | undefined, what: string, then: string) =>
    t
      ? [
          `${what} in ${count(t.count)} of ${count(s.trials)} trials, ${then} (first: ${t.first})${s.scored > 0 ? '; those trials are left out of the ranking and cannot be chosen' : ''}`,
        ]
      : [];
  const threw = leftOut(o.threw, 'the strategy threw', 'which stopped trading there');
  const hung = leftOut(o.hung, 'a strategy handler hung', 'which were ended');
  // as --set takes it: durations in their short form (cooldown.ns=1s), other values bare (confirm=4)
  const setText = (params: Record<string, unknown>) =>
    Object.entries(params)
      .map(([k, v]) => `${k}=${(o.units ?? {})[k] === 'ns' || !o.units ? paramText(k, v, ccy).replace(/ /g, '') : chosenValue(v)}`)
      .join(' ');
  const crashed = s.threw;
  const failedText = `${crashed ? `, ${count(crashed)} where the strategy threw` : ''}${s.hung ? `, ${count(s.hung)} hung` : ''}`;
  const partial = o.partial
    ? [
        `stopped early: ${count(o.partial.run)} of ${count(o.partial.total)} trials ran; the ranking and the choice below are of those only, not of the whole space`,
      ]
    : [];
  const best = bestFile(!o.partial);
  const lines = [
    ...partial,
    ...threw,
    ...hung,
    ...(o.strategy ? [`strategy ${strategyText(o.strategy)}`] : []),
    `${count(s.trials)} trials (${count(s.scored)} scored, ${plural(s.invalid, 'invalid config')}${failedText}) over ${duration(spanNs)} of ${o.symbols?.join(', ') ?? o.symbol}, ranked by ${s.objective}:`,
    // what the nets below were scored with: they mean little without the costs and fills behind them
    ...(o.venue ? [`  venue: ${o.venue}`] : []),
  ];
  // which trial broke a rule and why: a count alone leaves the user to search trials.csv for it
  if (s.invalid && o.invalid)
    lines.push(
      `invalid: trial ${o.invalid.id} (${setText(o.invalid.params)}): ${o.invalid.error}${s.invalid > 1 ? `; every invalid trial's reason is in the error column of trials.csv` : ''}`,
    );
  // a ratio annualised from less than a day: said before the table that ranks by it (summary.json keeps it as note)
  if ('note' in s && s.note && (s.objective === 'sharpe' || s.objective === 'sortino')) lines.push(`note: ${s.note}`);
  const shown = s.ranked.slice(0, 10);
  // each column as wide as its name or its widest value shown, so two values never run together
  const widths = keys.map((k) => Math.max(10, k.length, ...shown.map((r) => paramText(k, r.params[k], ccy).length)));
  // a run of several symbols: each instrument's net beside the total
  const per = o.symbols && o.symbols.length > 1 ? o.symbols : [];
  const perWidths = per.map((sym) => Math.max(12, sym.length));
  if (s.ranked.length)
    lines.push(
      `  ${'rank'.padStart(4)} ${'trial'.padStart(6)}  ${keys.map((k, i) => k.padStart(widths[i])).join('  ')}  ${'objective'.padStart(14)} ${`net ${ccy}`.padStart(12)}${per.map((sym, i) => ` ${sym.padStart(perWidths[i])}`).join('')} ${'trades'.padStart(7)}`,
    );
  const objectives = objectiveColumn(
    s.objective,
    shown.map((r) => r.objective),
    ccy,
  );
  for (const [i, r] of shown.entries()) {
    const nets = per.map((sym, i) => ` ${money(r.instruments?.find((x) => x.symbol === sym)?.netQuote ?? null).padStart(perWidths[i])}`);
    lines.push(
      `  ${String(r.rank).padStart(4)} ${String(r.id).padStart(6)}  ${keys.map((k, i) => paramText(k, r.params[k], ccy).padStart(widths[i])).join('  ')}  ${objectives[i].padStart(14)} ${money(r.netQuote).padStart(12)}${nets.join('')} ${count(r.trades).padStart(7)}`,
    );
  }
  // summary.json keeps the top ranks only: every scored trial is ranked
  if (s.scored > shown.length) lines.push(`  … the top ${shown.length} of ${count(s.scored)} scored trials; every one is in trials.csv`);
  if (s.scored > 0 && s.traded === 0)
    lines.push(`no trial traded: none of the ${count(s.scored)} configurations got a fill on this data, so the ranking says nothing`);
  else if (o.bestNetQuote !== null && o.bestNetQuote <= 0)
    lines.push(
      `no configuration makes money: the best of ${count(s.scored)} trials nets ${moneyIn(o.bestNetQuote, ccy)} after fees; the ranking only says which loses least`,
    );
  // a window where the objective has no value says what it lacked (net per trade: no round trip closed there)
  const foldValue = (f: { id: number | null }, v: number | null) =>
    f.id === null
      ? `${NA} (no scored trial)`
      : v === null
        ? `${NA} (${OBJECTIVE_NA[s.objective]} in the window)`
        : objectiveText(s.objective, v, ccy);
  if (s.walkForward) {
    for (const f of s.walkForward.folds)
      lines.push(
        `  fold ${f.index}: trial ${f.id ?? '–'} in-sample ${foldValue(f, f.inSample)} → out-of-sample ${foldValue(f, f.outOfSample)}`,
      );
    const oos = s.walkForward.outOfSample;
    // the out-of-sample figures cover the folds' test windows only
    const testNs = testWindowsNs(s.walkForward);
    lines.push(
      `  walk-forward out of sample: net ${moneyIn(oos.netQuote, ccy)}, Sharpe ${testNs >= 86_400e9 ? fixed(oos.sharpe, 2) : needsMore('1 day', `${duration(testNs)} of test windows`)}`,
    );
  }
  if (s.chosen)
    lines.push(
      `${o.partial ? `chosen so far (of ${count(o.partial.run)} of ${count(o.partial.total)} trials)` : 'chosen'}: trial ${s.chosen.id} (${s.chosen.why}): ${setText(s.chosen.params)}${Object.values(s.chosen.params).some((v) => chosenValue(v) !== String(v)) ? ` (rounded here; exact in ${best}: --config ${join(dirText(out), best)})` : o.partial ? ` (in ${best})` : ''}`,
    );
  // a choice that never traded wins on doing nothing (every trading configuration lost): said, not left to a 0.00
  // (when no trial traded, the line above the choice says so already)
  if (s.chosen && s.chosen.fills === 0 && s.traded > 0)
    lines.push(
      `  it made no trades (0 fills over the whole data): chosen for doing nothing, as the ${plural(s.traded, 'trial')} that traded did worse`,
    );
  const caution = walkForwardCaution(s, ccy);
  if (caution) lines.push(caution);
  const f = s.overfitting;
  if (f) {
    lines.push(`overfitting: ${skillVerdict(f.dsr, f.trials)}`);
    lines.push(
      f.psr === null
        ? `  PSR, DSR n/a (${PSR_NEEDS})`
        : `  PSR ${probability(f.psr)} (that the chosen Sharpe is above 0), DSR ${f.dsr === null ? `n/a (${PSR_NEEDS})` : probability(f.dsr)} (the same, deflated for ${count(f.trials)} trials)`,
    );
    lines.push(
      `  PBO ${f.pbo === null ? `n/a (${f.pboNeeds ?? 'needs ≥ 2 scored trials whose equity steps differ, and ≥ 8 steps'})` : `${probability(f.pbo)} (that the in-sample best is below the median out of sample; ${f.pboBlocks} blocks of ${plural(Math.floor(f.periods / f.pboBlocks!), 'step')} of ${duration(f.periodNs)})`}`,
    );
    const btl = minBtlText(f);
    lines.push(
      `  minimum backtest length ${btl}${btl.startsWith(NA) ? '' : ` for ${count(f.trials)} trials`}; this data spans ${years(f.dataYears)}`,
    );
  }
  if (!s.chosen)
    lines.push(
      s.scored === 0 && crashed === s.trials
        ? `nothing chosen: the strategy threw in every trial, so no configuration was tried to the end; fix the strategy and run again (no best.json written)`
        : `nothing chosen: no trial could be scored (${plural(s.invalid, 'invalid config')}${failedText}); no best.json written`,
    );
  lines.push(
    `results${o.partial ? ' (partial)' : ''}: ${dirText(out)} (trials.csv, trials.jsonl, summary.json, ${s.chosen ? `${best}, ` : ''}report.html, manifest.json)`,
  );
  console.log(lines.join('\n'));
}

/** A chosen value as --set takes it, a random search's float to 6 significant digits (best.json keeps it exact). */
function chosenValue(v: unknown): string {
  return typeof v === 'number' && !Number.isInteger(v) ? String(Number(v.toPrecision(6))) : String(v);
}

/**
 * The minimum backtest length, or n/a with why: it asks how long a backtest must be for luck over N trials not to
 * reach the chosen Sharpe, which means nothing when the chosen Sharpe is not positive.
 */
export function minBtlText(f: { minBacktestYears: number | null; sharpePerPeriod: number | null }): string {
  if (f.sharpePerPeriod === null || f.sharpePerPeriod <= 0) return 'n/a (no positive Sharpe: the chosen trial did not make money per step)';
  return f.minBacktestYears === null ? 'n/a (no trial has a positive Sharpe)' : years(f.minBacktestYears);
}

/**
 * Trials in which the strategy threw (its run halted there, safely: a trial is a backtest): how many, and the first
 * one's message, which names the handler, file and line. A search over a strategy that throws ranks nothing real.
 */
export function strategyErrors(results: TrialResult[]): { count: number; first: string } | null {
  const threw = results.filter(strategyThrew);
  if (!threw.length) return null;
  return { count: threw.length, first: `trial ${threw[0].id}: ${threw[0].metrics!.strategy!.halted!.reason}` };
}

/** Trials a strategy handler hung in (ended by --hung-after): how many, and the first one's message (handler, position). */
export function hungTrials(results: TrialResult[]): { count: number; first: string } | null {
  const hung = results.filter((r) => r.hung);
  return hung.length ? { count: hung.length, first: `trial ${hung[0].id}: ${hung[0].error}` } : null;
}

/** The first trial whose values broke a rule between parameters (as summary.json counts invalid: an error, not hung). */
function firstInvalid(results: TrialResult[]): TrialResult | null {
  // the lowest id: results come in the order trials finished
  return results.filter((r) => r.error && !r.hung).reduce<TrialResult | null>((a, r) => (a && a.id < r.id ? a : r), null);
}

/** The best whole-run net of all scored trials (null when none scored); a trial whose strategy threw is not scored. */
function bestNet(results: TrialResult[]): number | null {
  let best: number | null = null;
  for (const r of results) {
    if (r.error || strategyThrew(r)) continue;
    const n = r.metrics?.pnl.netQuote;
    if (typeof n === 'number' && (best === null || n > best)) best = n;
  }
  return best;
}

/**
 * The progress line. The rate counts from the first finished trial: before it the workers start and compile, which
 * made the first ETA of a long search hours too long. Without a terminal it is logged at the first trial, once the
 * rate is measured (5 s on, so a long search says early how long it takes), and every tenth of the way.
 */
function progressLine(total: number): (done: number) => void {
  let firstAt = 0;
  let measured = false;
  return (done) => {
    const now = performance.now();
    if (done === 1) firstAt = now;
    const el = (now - firstAt) / 1000;
    const rate = done > 1 && el > 0 ? (done - 1) / el : null;
    const eta = rate ? `ETA ${duration(((total - done) / rate) * 1e9)}` : 'ETA after the next trials';
    const width = 30;
    const fill = Math.round((done / Math.max(total, 1)) * width);
    const line = `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${count(done)}/${count(total)} trials, ${rate === null ? '–' : rate.toFixed(2)}/s, ${eta}`;
    if (process.stderr.isTTY && !jsonLogs()) return log.human(`\r\x1b[K${line}`);
    const first = !measured && rate !== null && el >= 5;
    if (first) measured = true;
    if (first || done === 1 || done === total || done % Math.max(1, Math.floor(total / 10)) === 0)
      log.info(line, { event: 'progress', done, total, perSecond: rate });
  };
}

async function runMerge(argv: string[]): Promise<number> {
  const args = parseCommand(MERGE, argv);
  if (!args) return 0;
  const values = args.values;
  checkCreatableDir('--out', values.out);
  return withDirLock(
    '--out',
    values.out,
    (l) => log.warn(l),
    async () => {
      keepEarlierResult(values.out, values.overwrite === true);
      const parts = args.positionals.map((d) => {
        const p = join(d, 'manifest.json');
        if (!existsSync(p)) throw new Error(`${d} is not an optimizer result directory (no manifest.json)`);
        const manifest = readJsonFile(p, 'shard').value as Manifest;
        return { dir: d, manifest, results: readTrials(d) };
      });
      const first = parts[0].manifest;
      // the strategy is compared by name and bundle, not by the path it was loaded from (another machine, another checkout)
      const comparable = (m: Manifest) => JSON.stringify({ ...sameData(m), shard: null, complete: true, strategy: null });
      const same = (m: Manifest) => comparable(m) === comparable(first);
      const ran = (p: (typeof parts)[number]) => p.manifest.strategy ?? LEGACY_STRATEGY;
      for (const p of parts) {
        const a = ran(parts[0]);
        const b = ran(p);
        const bad = p.results.find((r) => (r.bundleSha256 ?? null) !== b.bundleSha256 || (r.coreSha256 ?? null) !== b.coreSha256);
        if (bad)
          throw new Error(
            `${join(p.dir, 'trials.jsonl')}: trial ${bad.id} ran bundle sha256 ${bad.bundleSha256 ?? 'unknown'}, the shard's manifest says ${b.bundleSha256 ?? 'unknown'}: the directory mixes runs; re-run that shard`,
          );
        if (a.name !== b.name || a.bundleSha256 !== b.bundleSha256 || a.coreSha256 !== b.coreSha256)
          throw new Error(
            `${p.dir} ran the strategy ${strategyText(b)}, ${parts[0].dir} ran ${strategyText(a)}: shards must run the same bundle on the same core (the same strategy file, unedited, and the same ringbook build)`,
          );
      }
      // the same directory twice (a glob and a name, a typo) would otherwise read as a missing shard
      const byPath = new Map<string, string>();
      for (const p of parts) {
        const earlier = byPath.get(resolve(p.dir));
        if (earlier !== undefined)
          throw new Error(
            earlier === p.dir
              ? `${p.dir} is given twice: give each shard once`
              : `${earlier} and ${p.dir} are the same directory: give each shard once`,
          );
        byPath.set(resolve(p.dir), p.dir);
      }
      for (const p of parts) {
        if (!same(p.manifest)) {
          const d = firstDifference(JSON.parse(comparable(first)), JSON.parse(comparable(p.manifest)));
          throw new Error(
            `${p.dir} was run with ${d ? `${differenceName(d.path)} ${valueText(d.b)}, ${parts[0].dir} with ${valueText(d.a)}` : `other data, space or settings than ${parts[0].dir}`}: shards must come from the same command`,
          );
        }
        if (!p.manifest.complete) {
          // a shard's journal reads as not complete while it runs: one still running is waited for, not re-run
          const running = liveHolder(p.dir);
          throw new Error(
            running
              ? `${p.dir} is still running (pid ${running.pid}: ${running.command}): merge once every shard is done`
              : `${p.dir} did not finish (stopped early): re-run that shard (with --resume, its finished trials are kept)`,
          );
        }
      }
      const count = first.shard?.count ?? 1;
      const byIndex = new Map<number, string>();
      for (const p of parts) {
        const i = p.manifest.shard?.index ?? 0;
        const other = byIndex.get(i);
        if (other !== undefined) throw new Error(`${other} and ${p.dir} are both shard ${i}/${count}: give each shard once`);
        byIndex.set(i, p.dir);
      }
      const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
      if (missing.length) throw new Error(`missing shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')} of ${count}`);
      // a shard holds the ids ≡ its index mod the count: one holding fewer lost trials (a trials.jsonl cut short, edited)
      for (const p of parts) {
        const i = p.manifest.shard?.index ?? 0;
        const expected = first.total > i ? Math.floor((first.total - 1 - i) / count) + 1 : 0;
        if (p.results.length !== expected)
          throw new Error(
            `${p.dir} (shard ${i}/${count}) holds ${plural(p.results.length, 'trial')} in trials.jsonl, its share of the search's ${plural(first.total, 'trial')} is ${expected}: re-run that shard`,
          );
      }
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
      writeResults(resolve(values.out), manifest, results, summary);
      if (values.json) console.log(summaryJson(manifest, summary));
      else
        printSummary(summary, first.keys, values.out, {
          symbol: first.symbol,
          symbols: first.symbols,
          bestNetQuote: bestNet(results),
          strategy: manifest.strategy,
          units: manifest.units,
          threw: strategyErrors(results),
          hung: hungTrials(results),
          invalid: firstInvalid(results),
          venue: venueText(results, manifest.settings.amendKeepsQueue === true),
        });
      return summary.chosen ? 0 : 1;
    },
  );
}

/** Where two manifests first differ (keys in a's order, then b's): the path of keys and both values. */
function firstDifference(a: unknown, b: unknown, path: string[] = []): { path: string[]; a: unknown; b: unknown } | null {
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  const object = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (object(a) && object(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[k], b[k], [...path, k]);
      if (d) return d;
    }
  }
  // lists (the data files, a space's values) are shown whole: which item moved means little without the rest
  return { path, a, b };
}

/** A manifest path as the option that set it, where there is one. */
function differenceName(path: string[]): string {
  const key = path.join('.');
  const named: Record<string, string> = {
    data: 'other data',
    symbol: 'the symbol',
    symbols: 'the symbols',
    space: 'the space',
    method: '--method',
    seed: '--seed',
    total: 'a search of',
    objective: '--objective',
    walkForward: '--walk-forward',
    heatmap: '--heatmap',
    'settings.feeTier': 'fee tier',
    'settings.fees': 'fee rates',
    'settings.latency': '--latency',
    'settings.queue': '--queue',
    'settings.partialFills': 'partial fills',
    'settings.amendKeepsQueue': '--amend-keeps-queue',
    'settings.sampleNs': '--sample (ns)',
    'settings.base': 'the base config',
  };
  for (let n = path.length; n > 0; n--) {
    const name = named[path.slice(0, n).join('.')];
    if (name) return n === path.length ? name : `${name} (${path.slice(n).join('.')})`;
  }
  return key;
}

/** A manifest value in an error: short JSON, cut at 100 characters. */
function valueText(v: unknown): string {
  const text = v === undefined ? 'none' : JSON.stringify(v);
  return text.length > 100 ? `${text.slice(0, 99)}…` : text;
}

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
    // --resume: the trials the stopped search finished are kept as they are; only the others run
    const prior = resuming ? resumable(values.out, manifest, new Set(trials.map((t) => t.id))) : [];
    const done = new Set(prior.map((r) => r.id));
    const remaining = trials.filter((t) => !done.has(t.id));
    finished.push(...prior);
    if (resuming)
      log.info(
        remaining.length
          ? `resuming the search in ${dirText(values.out)}: ${count(prior.length)} of ${count(trials.length)} trials finished before and kept, ${count(remaining.length)} to run`
          : `the search in ${dirText(values.out)} had finished all ${count(trials.length)} trials: nothing to run, its result summarised again`,
        { kept: prior.length, remaining: remaining.length },
      );
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
