// An optimize result directory (--out): its manifest, trials.jsonl journal, trials.csv, summary, choice and report;
// an earlier result kept unless --overwrite, a search stopped early continued with --resume (the same command, but for
// a random search's larger --trials and how the trials are summarised).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { ensureDir, writeFileDurably } from '../capture/files';
import { basename, join } from 'node:path';
import { type GridPlain } from '../optimize/instruments';
import { type Objective } from '../optimize/score';
import { rankOrder, strategyThrew, venueText, type Summary } from '../optimize/summary';
import { optimizeReport, strategyText, type StrategyIdentity } from '../optimize/report-html';
import type { Trial } from '../optimize/space';
import type { TrialResult, TrialSettings } from '../optimize/trial';
import { count, plural } from '../format/numbers';
import { dirText, UsageError } from './args';
import { readJsonFile } from './json-file';
import { logger } from '../log/logger';

const log = logger('optimize');

/** Manifests written before the optimizer took --strategy: obi-ofi, hashes unknown. */
export const LEGACY_STRATEGY: Manifest['strategy'] = { name: 'obi-ofi', source: 'builtin:obi-ofi', bundleSha256: null, coreSha256: null };

export interface Manifest {
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
export function keepEarlierResult(out: string, overwrite: boolean): void {
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
    } else if (m.method === 'random') resume = ` add --resume with a larger --trials to extend it (only the new trials run),`;
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
export function sameData(m: Manifest): Manifest {
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
export function readTrials(dir: string, tornTail = false): TrialResult[] {
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

/** What --resume keeps of the search in `out`, and how this command goes beyond it. */
export interface Resumed {
  /** Its finished trials, as they ran. */
  results: TrialResult[];
  /** A random search extended with a larger --trials: the count it was run with (null: the same count). */
  extendedFrom: number | null;
  /** How it is summarised differently (--walk-forward, --objective, --heatmap), as the option and the earlier value. */
  resummarised: string[];
}

/**
 * Summary settings: no trial reads them (each runs once over the whole data, its windows scored afterwards), so a
 * search resumed with others keeps its trials and is only summarised anew.
 */
const SUMMARY_ONLY = ['objective', 'walkForward', 'heatmap'] as const;

/**
 * The finished trials of the search in `out`, which --resume keeps: refused, naming the first setting that differs
 * with both values, unless `manifest` (this command's) is the same search (data, space, settings, shard, strategy
 * bundle and core) or extends it: a random search to a larger --trials (the same seed draws the same first trials:
 * randomTrials is prefix-stable, and every kept trial's values are checked against this command's trial of its id).
 * Only the trials it ran with this bundle and core are kept.
 */
export function resumable(out: string, manifest: Manifest, trials: readonly Trial[]): Resumed {
  const path = join(out, 'manifest.json');
  const earlier = readJsonFile(path, '--resume').value as Manifest;
  const a = earlier.strategy ?? LEGACY_STRATEGY;
  const b = manifest.strategy;
  if (a.name !== b.name || a.bundleSha256 !== b.bundleSha256 || a.coreSha256 !== b.coreSha256)
    throw new UsageError(
      `--resume: ${dirText(out)} ran the strategy ${strategyText(a)}, this command runs ${strategyText(b)}: a search continues on the same bundle and core (the same strategy file, unedited, and the same ringbook build); give another --out for a new search`,
    );
  // the trial count is compared below (a random search may grow), and how the trials are summarised not at all
  const comparable = (m: Manifest) => {
    const c: Record<string, unknown> = { ...sameData(m), complete: true, strategy: null, total: null };
    for (const k of SUMMARY_ONLY) delete c[k];
    return JSON.parse(JSON.stringify(c)) as unknown;
  };
  const d = firstDifference(comparable(earlier), comparable(manifest));
  if (d)
    throw new UsageError(
      `--resume: ${dirText(out)} was run with ${differenceName(d.path)} ${valueText(d.a)}, this command with ${valueText(d.b)}: a search continues with the same command; give another --out for a new search`,
    );
  // the space, method and seed are the same here: only a random search's --trials can make the count differ
  if (manifest.total < earlier.total)
    throw new UsageError(
      `--resume: ${dirText(out)} holds a random search of ${count(earlier.total)} trials, this command asks for ${count(manifest.total)}: a search is extended, never cut short (its summary counts every trial it ran); give --trials ${earlier.total} or more, or another --out for a new search`,
    );
  const results = readTrials(out, !earlier.complete);
  const bad = results.find((r) => (r.bundleSha256 ?? null) !== b.bundleSha256 || (r.coreSha256 ?? null) !== b.coreSha256);
  if (bad)
    throw new Error(
      `${join(out, 'trials.jsonl')}: trial ${bad.id} ran bundle sha256 ${bad.bundleSha256 ?? 'unknown'}, the manifest says ${b.bundleSha256 ?? 'unknown'}: the directory mixes runs; give another --out`,
    );
  const byId = new Map(trials.map((t) => [t.id, t]));
  const seen = new Set<number>();
  for (const r of results) {
    const t = byId.get(r.id);
    if (!t || seen.has(r.id))
      throw new Error(
        `${join(out, 'trials.jsonl')}: trial ${r.id} ${seen.has(r.id) ? 'is there twice' : 'is not one of this search'}: the directory mixes runs; give another --out`,
      );
    // a kept trial is this search's trial of its id only if it ran the same values (an extended random search draws
    // its first trials again: a draw that changed would mix two searches under one seed)
    if (JSON.stringify(r.params) !== JSON.stringify(t.params))
      throw new Error(
        `${join(out, 'trials.jsonl')}: trial ${r.id} ran ${valueText(r.params)}, this command's trial ${r.id} is ${valueText(t.params)}: the search drew other trials than this command does; give another --out for a new search`,
      );
    seen.add(r.id);
  }
  const resummarised = SUMMARY_ONLY.filter((k) => JSON.stringify(earlier[k] ?? null) !== JSON.stringify(manifest[k] ?? null)).map(
    (k) => `${differenceName([k])} (was ${earlier[k] == null ? 'none' : valueText(earlier[k])})`,
  );
  return { results, extendedFrom: manifest.total > earlier.total ? earlier.total : null, resummarised };
}

/**
 * The result's files, each written aside and renamed into place (a search stopped while it writes, or killed, leaves
 * no half-written file under its name), manifest.json last: it marks the directory as holding a result.
 */
export function writeResults(out: string, manifest: Manifest, results: TrialResult[], summary: Summary | null): void {
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
      'round_trips',
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
export function summaryJson(manifest: Pick<Manifest, 'complete' | 'total'>, summary: Summary): string {
  return JSON.stringify({ complete: manifest.complete, total: manifest.total, ...summary }, null, 2);
}

/**
 * Starts the journal of a search in `out`: its manifest, marked not complete, and trials.jsonl with the trials kept
 * from before (--resume), to which each finished trial is appended. The summary, report and choice of an earlier
 * result there go now: until this search writes its own, they would pass for its answer.
 */
export function startJournal(out: string, manifest: Manifest, prior: readonly TrialResult[]): void {
  ensureDir(out);
  for (const f of ['summary.json', 'trials.csv', 'report.html', bestFile(true), bestFile(false)]) rmSync(join(out, f), { force: true });
  writeFileDurably(join(out, 'trials.jsonl'), Buffer.from(prior.map((r) => `${JSON.stringify(r)}\n`).join('')));
  writeFileDurably(join(out, 'manifest.json'), Buffer.from(`${JSON.stringify({ ...manifest, complete: false }, null, 2)}\n`));
}

/** The chosen configuration's file: best.json, or best-so-far.json for a search stopped early. */
export const bestFile = (complete: boolean) => (complete ? 'best.json' : 'best-so-far.json');

/** Where two manifests first differ (keys in a's order, then b's): the path of keys and both values. */
export function firstDifference(a: unknown, b: unknown, path: string[] = []): { path: string[]; a: unknown; b: unknown } | null {
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
export function differenceName(path: string[]): string {
  const key = path.join('.');
  const named: Record<string, string> = {
    data: 'other data',
    symbol: 'the symbol',
    symbols: 'the symbols',
    space: 'the space',
    method: '--method',
    seed: '--seed',
    total: '--trials',
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
export function valueText(v: unknown): string {
  const text = v === undefined ? 'none' : JSON.stringify(v);
  return text.length > 100 ? `${text.slice(0, 99)}…` : text;
}
