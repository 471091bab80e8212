// From every trial's result to the optimizer's answer: the ranking by the objective, the chosen configuration,
// walk-forward in-sample vs out-of-sample, and the overfitting controls (PSR, DSR over all N trials, MinBTL, PBO).
// A pure function of the trial results, so a merged set of shards summarises exactly like an unsharded run.
import { fix } from '../backtest/metrics';
import { psr, dsr, expectedMaxSharpe, mean, minBTL, pbo, sharpe as sharpeOf, variance } from './stats';
import { annualisedNote, objectiveValue, scoreWindow, windowReturns, type Objective } from './score';
import type { Fold } from './folds';
import type { TrialResult } from './trial';
import { count, haveOf, moneyIn } from '../format/numbers';

const DAY_NS = 86_400e9;

/** Why PSR and DSR have no value: they need the chosen trial's equity to have moved over ≥ 2 steps. */
export const PSR_NEEDS = "needs the chosen trial's equity to move over ≥ 2 steps";

export interface SummaryInput {
  results: TrialResult[];
  objective: Objective;
  sampleNs: number;
  /** Data span on the local clock, ns since the epoch as decimal strings. */
  fromNs: string;
  toNs: string;
  folds: Fold[] | null;
  base: unknown;
  keys: string[];
}

const num = (x: number) => (Number.isFinite(x) ? fix(x) : null);

function rel(ns: bigint, from: bigint): number {
  return Number(ns - from);
}

/**
 * A trial whose strategy threw: its run halted where it threw, so its figures are of a crashed strategy, not of its
 * parameters. It counts in N (with Sharpe 0, as an invalid one) but is never ranked, picked or chosen.
 */
export function strategyThrew(r: TrialResult): boolean {
  return r.metrics?.strategy?.halted?.reason.startsWith('strategy error') ?? false;
}

/** Rank order: objective descending, trial id ascending on ties (deterministic); invalid and crashed trials left out. */
function ranked(results: TrialResult[], value: (r: TrialResult) => number): TrialResult[] {
  return results
    .filter((r) => !r.error && !strategyThrew(r))
    .map((r) => ({ r, v: value(r) }))
    .sort((a, b) => b.v - a.v || a.r.id - b.r.id)
    .map((x) => x.r);
}

/** The trials in rank order on the whole data (summary.json's `ranked`, every one): those left out are not in it. */
export function rankOrder(s: Pick<SummaryInput, 'results' | 'objective' | 'sampleNs' | 'fromNs' | 'toNs'>): TrialResult[] {
  const span = rel(BigInt(s.toNs), BigInt(s.fromNs));
  return ranked(s.results, (r) => objectiveValue(scoreWindow(r, s.sampleNs, 0, span + 1, span), s.objective));
}

export function summarise(s: SummaryInput) {
  const from = BigInt(s.fromNs);
  const span = rel(BigInt(s.toNs), from);
  const order = rankOrder(s);
  const errors = s.results.filter((r) => r.error && !r.hung);
  const row = (r: TrialResult, rank: number) => {
    const w = scoreWindow(r, s.sampleNs, 0, span + 1, span);
    return {
      rank,
      id: r.id,
      params: r.params,
      objective: num(objectiveValue(w, s.objective)),
      netQuote: num(w.netQuote),
      sharpe: num(w.sharpe ?? NaN),
      maxDrawdownQuote: num(w.maxDrawdownQuote),
      roundTrips: w.roundTrips,
      feesQuote: r.metrics?.pnl.feesQuote ?? null,
      fills: r.metrics?.activity.fills ?? 0,
      // a run of several symbols: each instrument's net over the whole data (the net above is their total)
      ...(r.metrics?.instruments
        ? { instruments: r.metrics.instruments.map((i) => ({ symbol: i.symbol, netQuote: i.pnl.netQuote })) }
        : {}),
    };
  };

  let walkForward = null;
  let chosen = order[0] ?? null;
  if (s.folds && s.folds.length) {
    const oosReturns: number[] = [];
    const folds = s.folds.map((f) => {
      const [tf, tt, sf, st] = [f.trainFrom, f.trainTo, f.testFrom, f.testTo].map((x) => rel(x, from));
      const pick = ranked(s.results, (r) => objectiveValue(scoreWindow(r, s.sampleNs, tf, tt), s.objective))[0];
      if (!pick)
        return {
          index: f.index,
          trainFrom: String(f.trainFrom),
          trainTo: String(f.trainTo),
          testFrom: String(f.testFrom),
          testTo: String(f.testTo),
          id: null,
          params: null,
          inSample: null,
          outOfSample: null,
          inSampleNetQuote: null,
          outOfSampleNetQuote: null,
        };
      const is = scoreWindow(pick, s.sampleNs, tf, tt);
      const oos = scoreWindow(pick, s.sampleNs, sf, st);
      oosReturns.push(...windowReturns(pick, s.sampleNs, sf, st));
      return {
        index: f.index,
        trainFrom: String(f.trainFrom),
        trainTo: String(f.trainTo),
        testFrom: String(f.testFrom),
        testTo: String(f.testTo),
        id: pick.id,
        params: pick.params,
        inSample: num(objectiveValue(is, s.objective)),
        outOfSample: num(objectiveValue(oos, s.objective)),
        inSampleNetQuote: num(is.netQuote),
        outOfSampleNetQuote: num(oos.netQuote),
      };
    });
    const last = folds[folds.length - 1];
    chosen = last.id === null ? chosen : (s.results.find((r) => r.id === last.id) ?? chosen);
    const oosNet = oosReturns.reduce((a, b) => a + b, 0);
    const perYear = Math.sqrt((365 * 86_400e9) / s.sampleNs);
    walkForward = {
      folds,
      outOfSample: { netQuote: num(oosNet), sharpe: num(sharpeOf(oosReturns) * perYear), periods: oosReturns.length },
      inSampleMean: num(mean(folds.map((f) => f.inSample ?? NaN).filter(Number.isFinite))),
      outOfSampleMean: num(mean(folds.map((f) => f.outOfSample ?? NaN).filter(Number.isFinite))),
    };
  }

  // Overfitting controls on the whole data's per-step P&L: every trial counts in N, failed ones with Sharpe 0.
  const returnsOf = (r: TrialResult) => windowReturns(r, s.sampleNs, 0, span + 1);
  const finite = (x: number) => (Number.isFinite(x) ? x : 0);
  const trialSharpes = s.results.map((r) => (r.error || strategyThrew(r) ? 0 : finite(sharpeOf(returnsOf(r)))));
  let overfitting = null;
  if (chosen) {
    const ret = returnsOf(chosen);
    const v = trialSharpes.length > 1 ? variance(trialSharpes) : 0;
    const sr0 = expectedMaxSharpe(v, trialSharpes.length);
    const perYear = Math.sqrt((365 * 86_400e9) / s.sampleNs);
    const scored = s.results.filter((r) => !r.error && !strategyThrew(r));
    const matrix = scored.map(returnsOf);
    const periods = matrix.length ? matrix[0].length : 0;
    const blocks = Math.min(16, Math.floor(periods / 2)) & ~1; // even, and at least 2 periods a block
    let pboValue: number | null = null;
    // trials with the same result everywhere (nothing traded, or a parameter nothing reads) leave nothing to select
    const distinct = new Set(matrix.map((row) => row.join(','))).size;
    if (distinct >= 2 && blocks >= 4) pboValue = num(pbo(matrix, blocks));
    // the condition that was not met, in the words the reports print after "n/a"
    const pboNeeds =
      pboValue !== null
        ? null
        : scored.length < 2
          ? `needs ≥ 2 scored trials, have ${scored.length}`
          : blocks < 4
            ? `needs ≥ 8 equity steps, have ${periods}`
            : `needs ≥ 2 trials whose equity steps differ: all ${scored.length} scored trials moved alike, step for step`;
    const annualMax = sr0 * perYear;
    const sharpe = num(sharpeOf(ret));
    // what the reports print n/a is null here too, with the reason in `na` (as a backtest's --json does)
    const na: Record<string, string> = {};
    if (span < DAY_NS) na.sharpeAnnual = `needs ≥ 1 day of data, have ${haveOf(span, DAY_NS)}`;
    if (sharpe === null || sharpe <= 0) na.minBacktestYears = 'no positive Sharpe: the chosen trial did not make money per step';
    else if (!(annualMax > 0)) na.minBacktestYears = 'no trial has a positive Sharpe';
    overfitting = {
      trials: s.results.length,
      periods: ret.length,
      periodNs: s.sampleNs,
      sharpePerPeriod: sharpe,
      sharpeAnnual: na.sharpeAnnual ? null : num(sharpeOf(ret) * perYear),
      psr: num(psr(ret, 0)),
      dsr: num(dsr(ret, trialSharpes)),
      expectedMaxSharpePerPeriod: num(sr0),
      trialSharpeVariance: num(trialSharpes.length > 1 ? variance(trialSharpes) : 0),
      minBacktestYears: na.minBacktestYears ? null : num(minBTL(s.results.length, annualMax)),
      dataYears: num(span / (365 * 86_400e9)),
      pbo: pboValue,
      pboBlocks: pboValue === null ? null : blocks,
      pboNeeds,
      na,
    };
  }

  const top = order.slice(0, 20).map((r, i) => row(r, i + 1));
  const note = annualisedNote(s.objective, span);
  return {
    objective: s.objective,
    /** What the figures cannot mean on this data (a Sharpe annualised from less than a day); absent when nothing. */
    ...(note ? { note } : {}),
    trials: s.results.length,
    scored: order.length,
    /** Scored trials with at least one fill: with none, the ranking is of configurations that did nothing. */
    traded: order.filter((r) => (r.metrics?.activity.fills ?? 0) > 0).length,
    invalid: errors.length,
    /** Trials whose strategy threw (halted there): counted in N, never ranked or chosen. */
    threw: s.results.filter(strategyThrew).length,
    /** Trials a strategy handler hung in (--hung-after: their workers were ended): counted in N, never ranked or chosen. */
    hung: s.results.filter((r) => r.hung).length,
    invalidExamples: errors.slice(0, 3).map((r) => ({ id: r.id, error: r.error })),
    sampleNs: s.sampleNs,
    fromNs: s.fromNs,
    toNs: s.toNs,
    ranked: top,
    chosen: chosen
      ? {
          id: chosen.id,
          params: chosen.params,
          why: s.folds?.length ? 'picked on the last walk-forward train window' : 'best objective on the whole data',
          /** Its fills over the whole data: none, and its figures are those of doing nothing. */
          fills: chosen.metrics?.activity.fills ?? 0,
          config: withTrial(s.base, chosen.params),
        }
      : null,
    walkForward,
    overfitting,
  };
}

export type Summary = ReturnType<typeof summarise>;

/**
 * The chosen trial's full config: the run's resolved base (every parameter, in sections, as the CLI resolved it for
 * the strategy) with the trial's values set at their dotted paths. The trial resolved without error in its worker, so
 * its values are already canonical (integer ns, numbers); no strategy definition is needed here, and a merge of
 * shards (which may not have the strategy's file) writes the same best.json as the unsharded run.
 */
export function withTrial(base: unknown, params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out = structuredClone(base ?? {}) as Record<string, unknown>;
  for (const [path, v] of Object.entries(params)) {
    const parts = path.split('.');
    let o = out;
    for (const part of parts.slice(0, -1)) {
      const next = o[part];
      o = (next !== null && typeof next === 'object' ? next : (o[part] = {})) as Record<string, unknown>;
    }
    o[parts[parts.length - 1]] = v;
  }
  return out;
}

/**
 * Walk-forward chooses the last fold's pick, whatever the whole data says of it: a caution when that pick lost out of
 * sample or ranks in the lower half on the whole data (the summary keeps the top ranks only: below them is lower).
 */
export function walkForwardCaution(s: Summary, ccy: string): string | null {
  const wf = s.walkForward;
  const chosen = s.chosen;
  if (!wf || !chosen) return null;
  const rank = s.ranked.find((r) => r.id === chosen.id)?.rank ?? null;
  const low = s.scored >= 4 && (rank === null ? s.ranked.length < s.scored : rank > s.scored / 2);
  const lost = wf.outOfSample.netQuote !== null && wf.outOfSample.netQuote < 0;
  if (!low && !lost) return null;
  const where = rank === null ? `below the top ${count(s.ranked.length)} of ${count(s.scored)}` : `${count(rank)} of ${count(s.scored)}`;
  return `caution: the walk-forward choice (trial ${chosen.id}, the last fold's pick) ranks ${where} on the whole data${lost ? ` and lost ${moneyIn(-wf.outOfSample.netQuote!, ccy)} out of sample` : ''}: check it before trading it`;
}

/** How long the walk-forward's test windows run together: the data its out-of-sample figures are of. */
export function testWindowsNs(wf: { folds: ReadonlyArray<{ testFrom: string; testTo: string }> }): number {
  return wf.folds.reduce((n, f) => n + Number(BigInt(f.testTo) - BigInt(f.testFrom)), 0);
}

/**
 * The simulated venue every trial ran on, in the words `backtest` prints under Settings: a ranking of nets means
 * little without the latency, queue, fees and funding it was scored with. Null when no trial has metrics.
 */
export function venueText(results: readonly TrialResult[], amendKeepsQueue = false): string | null {
  const st = results.find((r) => r.metrics?.settings)?.metrics?.settings as Record<string, unknown> | undefined;
  if (!st) return null;
  const pct = (r: unknown) => (typeof r === 'number' ? `${Number((r * 100).toPrecision(6))} %` : '?');
  const funding =
    typeof st.funding === 'string'
      ? st.funding
      : typeof st.fundingRate === 'number' && st.fundingRate !== 0
        ? `flat ${st.fundingRate} per 8 h settlement`
        : 'none';
  return [
    `latency ${String(st.latency)}`,
    `queue ${String(st.queue)}${amendKeepsQueue ? ' (an amendment down keeps the queue place)' : ''}`,
    `fees maker ${pct(st.makerFeeRate)}, taker ${pct(st.takerFeeRate)}${st.feeTier ? ` (${String(st.feeTier)})` : ''}`,
    st.partialFills === false ? 'no partial fills' : 'partial fills',
    `funding ${funding}`,
  ].join(', ');
}
