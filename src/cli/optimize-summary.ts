// What `ringbook optimize` prints: the summary of a search (ranking, walk-forward, overfitting verdicts, the choice)
// and the progress line while it runs.
import { join } from 'node:path';
import { type Objective } from '../optimize/score';
import { PSR_NEEDS, strategyThrew, testWindowsNs, walkForwardCaution, type Summary } from '../optimize/summary';
import { paramText as paramTextOf, strategyText, type StrategyIdentity } from '../optimize/report-html';
import type { TrialResult } from '../optimize/trial';
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
import { dirText } from './args';
import { jsonLogs, logger } from '../log/logger';
import { bestFile } from './optimize-results';

const log = logger('optimize');

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
      `  ${'rank'.padStart(4)} ${'trial'.padStart(6)}  ${keys.map((k, i) => k.padStart(widths[i])).join('  ')}  ${'objective'.padStart(14)} ${`net ${ccy}`.padStart(12)}${per.map((sym, i) => ` ${sym.padStart(perWidths[i])}`).join('')} ${'round trips'.padStart(11)}`,
    );
  const objectives = objectiveColumn(
    s.objective,
    shown.map((r) => r.objective),
    ccy,
  );
  for (const [i, r] of shown.entries()) {
    const nets = per.map((sym, i) => ` ${money(r.instruments?.find((x) => x.symbol === sym)?.netQuote ?? null).padStart(perWidths[i])}`);
    lines.push(
      `  ${String(r.rank).padStart(4)} ${String(r.id).padStart(6)}  ${keys.map((k, i) => paramText(k, r.params[k], ccy).padStart(widths[i])).join('  ')}  ${objectives[i].padStart(14)} ${money(r.netQuote).padStart(12)}${nets.join('')} ${count(r.roundTrips).padStart(11)}`,
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
      `  it never traded (0 fills over the whole data): chosen for doing nothing, as the ${plural(s.traded, 'trial')} that traded did worse`,
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
export function firstInvalid(results: TrialResult[]): TrialResult | null {
  // the lowest id: results come in the order trials finished
  return results.filter((r) => r.error && !r.hung).reduce<TrialResult | null>((a, r) => (a && a.id < r.id ? a : r), null);
}

/** The best whole-run net of all scored trials (null when none scored); a trial whose strategy threw is not scored. */
export function bestNet(results: TrialResult[]): number | null {
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
export function progressLine(total: number): (done: number) => void {
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
