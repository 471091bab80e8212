// Scores of a trial on a time window, from its equity curve on the fixed sampling grid: the objective the optimizer
// ranks by, for the whole data, a walk-forward train window or a test window. Per-period Sharpe/Sortino are of the
// equity changes per grid step, annualised with √(steps per year) (365-day crypto year), as in the backtest report.
import { duration } from '../format/numbers';
import type { TrialResult } from './trial';

export const OBJECTIVES = ['net_pnl', 'sharpe', 'sortino', 'return_over_mdd', 'net_per_trade'] as const;
export type Objective = (typeof OBJECTIVES)[number];

export function parseObjective(text: string): Objective {
  if ((OBJECTIVES as readonly string[]).includes(text)) return text as Objective;
  throw new Error(`--objective "${text}" is not one of ${OBJECTIVES.join(', ')}`);
}

export interface WindowScore {
  netQuote: number;
  sharpe: number | null;
  sortino: number | null;
  maxDrawdownQuote: number;
  /** Round trips that closed in the window (as backtest counts them: `metrics.trades.count`), not fills. */
  roundTrips: number;
}

/** Equity changes per grid step inside [fromNs, toNs) (ns after the data's start). */
export function windowReturns(r: TrialResult, sampleNs: number, fromNs: number, toNs: number): number[] {
  const eq = r.equity ?? [];
  const grid = eq.length - 1; // the last point is the data's end, off the grid
  const a = Math.max(0, Math.ceil(fromNs / sampleNs));
  const b = Math.min(grid - 1, Math.floor(toNs / sampleNs));
  const out: number[] = [];
  for (let i = a; i < b; i++) out.push(eq[i + 1] - eq[i]);
  return out;
}

/**
 * `endNs` is the data's end (ns after its start): a window that reaches past it also counts the last, partial step, so
 * the whole data's net is the trial's net. The ratios use whole grid steps only.
 */
export function scoreWindow(r: TrialResult, sampleNs: number, fromNs: number, toNs: number, endNs = Infinity): WindowScore {
  const d = windowReturns(r, sampleNs, fromNs, toNs);
  const eqs = r.equity ?? [];
  const tail = toNs > endNs && eqs.length > 1 ? eqs[eqs.length - 1] - eqs[eqs.length - 2] : 0;
  const perYear = Math.sqrt((365 * 86_400e9) / sampleNs);
  let sum = 0;
  for (const x of d) sum += x;
  const mean = d.length ? sum / d.length : 0;
  let v = 0;
  let down = 0;
  for (const x of d) {
    v += (x - mean) ** 2;
    down += Math.min(0, x) ** 2;
  }
  const sd = d.length > 1 ? Math.sqrt(v / (d.length - 1)) : 0;
  const dd = d.length ? Math.sqrt(down / d.length) : 0;
  let peak = 0;
  let eq = 0;
  let mdd = 0;
  for (const x of tail === 0 ? d : [...d, tail]) {
    eq += x;
    if (eq > peak) peak = eq;
    if (peak - eq > mdd) mdd = peak - eq;
  }
  const roundTrips = (r.tradeExits ?? []).filter((t) => t >= fromNs && t < toNs).length;
  // a deviation that is only rounding noise is no risk estimate
  const tiny = 1e-12 * Math.max(1, Math.abs(mean));
  return {
    netQuote: sum + tail,
    sharpe: sd > tiny ? (mean / sd) * perYear : null,
    sortino: dd > tiny ? (mean / dd) * perYear : null,
    maxDrawdownQuote: mdd,
    roundTrips,
  };
}

/** The value ranked by (higher is better); −Infinity when the window cannot score (no round trip closed, no variance). */
export function objectiveValue(s: WindowScore, o: Objective): number {
  switch (o) {
    case 'net_pnl':
      return s.netQuote;
    case 'sharpe':
      return s.sharpe ?? -Infinity;
    case 'sortino':
      return s.sortino ?? -Infinity;
    case 'return_over_mdd':
      return s.maxDrawdownQuote > 0 ? s.netQuote / s.maxDrawdownQuote : s.netQuote > 0 ? Infinity : -Infinity;
    case 'net_per_trade':
      return s.roundTrips > 0 ? s.netQuote / s.roundTrips : -Infinity;
  }
}

const DAY_NS = 86_400e9;

/**
 * The caveat a ranking needs when its data spans less than a day: a Sharpe (or Sortino) annualised from minutes is
 * what `backtest` prints as n/a; here it still orders the trials against each other (the same scale for all), but it
 * is no ratio to compare with anything else. Null from a day of data on.
 */
export function annualisedNote(objective: Objective, spanNs: number): string | null {
  if (spanNs >= DAY_NS) return null;
  const span = duration(spanNs);
  if (objective === 'sharpe' || objective === 'sortino')
    return (
      `ranked by ${objective === 'sharpe' ? 'Sharpe' : 'Sortino'} annualised from only ${span} of data: backtest prints it as n/a under a day; ` +
      `here it only orders these trials against each other and is no ratio to compare with anything else (give a day or more of data, or --objective net_pnl)`
    );
  return `the ranked trials' sharpe is annualised from only ${span} of data: n/a as a ratio (backtest prints it as n/a under a day); it orders them, nothing more`;
}
