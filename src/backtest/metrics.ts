// Backtest metrics (docs/signals.md §5.2): one pure function from a BacktestTrace to a plain object that is printed as
// `--json`, as the terminal table and in the HTML report. WHEN TO USE: after a run, or per trial in the optimizer;
// the same trace always gives the same object, byte for byte once stringified.
//
// Determinism rules:
// - Keys are built in one fixed order (the interfaces below list them in that order); settings are sorted by key.
// - Every number is finite or null (null = undefined for this run: no fills, zero variance, nothing to divide by).
// - Safe integers pass through unchanged; every other float is rounded to 10 significant digits (toPrecision, which
//   ECMAScript defines exactly), so summation noise in the last bits cannot change the printed value. -0 prints as 0.
// - Bigint times are decimal strings (ns since the epoch) next to their UTC ISO form.
//
// Sign conventions follow the trace: fees are positive when paid, funding positive when received, so
// net = gross − fees + funding. Gross is taken from the final equity sample, so it includes the mark-to-mid of a
// position still open at the end; `closedGrossQuote` is the part realised by closed round trips.
import type { BacktestTrace, RecordedSeries } from './trace';
import { costsOf, type CostMetrics } from './costs';
import { duration, haveOf } from '../format/numbers';

export interface RunInfo {
  fromNs: string;
  toNs: string;
  fromUtc: string;
  toUtc: string;
  /** With --from after the first record: where the replay began, building the book before the run's start. */
  bookFromUtc?: string;
  events: number;
  tickSize: number;
  lotSize: number;
  /** The trace's own equity sampling interval and sample count. */
  seriesIntervalNs: number;
  seriesSamples: number;
}

export interface PnlMetrics {
  grossQuote: number | null;
  /** Σ fill fees, positive = paid. */
  feesQuote: number | null;
  /** Positive = received. */
  fundingQuote: number | null;
  netQuote: number | null;
  /** Realised before fees by closed round trips (part of grossQuote). */
  closedGrossQuote: number | null;
  /** fees / |gross|: the share of gross P&L paid away in fees (negative with net rebates). */
  feeShare: number | null;
}

export interface ReturnMetrics {
  /** The interval the equity was resampled at. */
  intervalNs: number;
  /** 'series' when the requested interval was finer than the sampling (finer would only add zero steps), or gave
   *  fewer than 30 intervals. */
  intervalSource: 'requested' | 'series';
  requestedIntervalNs: number;
  /** Number of ΔPnL values (equal-length intervals; a trailing partial interval is dropped). */
  samples: number;
  /** √(samples per day × 365). */
  annualisation: number;
  meanQuote: number | null;
  /** Sample standard deviation (n − 1). */
  stdQuote: number | null;
  /** √mean(min(0, ΔPnL)²) over all intervals. */
  downsideDevQuote: number | null;
  sharpe: number | null;
  sortino: number | null;
}

export interface DrawdownMetrics {
  /** Largest fall of equity from a running peak (the start counts as a peak at 0), quote, ≥ 0. */
  maxQuote: number | null;
  /** maxQuote as a percentage of `pctBaseQuote`; null when the base is 0. */
  maxPct: number | null;
  /** The capital base for maxPct: the largest position value held (exposure.maxNotionalQuote). Equity in the trace
   *  is P&L from zero, so a percentage of peak equity would be meaningless. */
  pctBaseQuote: number | null;
  /** Peak and trough of the deepest drawdown, ns since the epoch (null when equity never fell). */
  peakNs: string | null;
  troughNs: string | null;
  /** Longest time spent below a previous peak, ns. */
  maxDurationNs: number | null;
  returnOverMdd: number | null;
}

/**
 * Orders, cancels and the ratios are the strategy's own (its orders and their fills); the runtime's clean-up (its
 * flatten at a halt or the stop, its cancel-all at a halt) is counted apart. `fills`, volume and turnover are every fill.
 */
export interface ActivityMetrics {
  days: number | null;
  /** Every fill, the flatten's included. */
  fills: number;
  /** Of them, fills of the runtime's flatten. */
  flattenFills: number;
  /** The strategy's places. */
  orders: number;
  /** The strategy's cancels (each cancel-all one). */
  cancels: number;
  /** Cancel-alls the runtime sent when it halted. */
  haltCancels: number;
  /** The strategy's amendments (price and/or size of a working order), and how many of them the venue refused. */
  amends: number;
  amendRejects: number;
  rejects: number;
  /** The rejects by the venue's code and message, most frequent first. */
  rejectReasons: { reason: string; count: number }[];
  /** Round trips per day. */
  tradesPerDay: number | null;
  fillsPerDay: number | null;
  volumeLot: number | null;
  /** Σ price·qty·tickSize·lotSize over fills. */
  turnoverQuote: number | null;
  turnoverPerDayQuote: number | null;
  /** net / turnover × 1e4. */
  returnPerValueBps: number | null;
  /** The strategy's filled lots / its posted lots. */
  fillRatio: number | null;
  /** Maker lots / filled lots. */
  makerShare: number | null;
  /** orders / the strategy's fills. */
  orderToTrade: number | null;
  /** cancels / orders. */
  cancelRatio: number | null;
}

export interface TradeMetrics {
  count: number;
  longs: number;
  shorts: number;
  /** A win is a round trip with gross − fees > 0; a loss one with < 0. */
  wins: number;
  losses: number;
  winRate: number | null;
  /** Σ winning net / |Σ losing net|; null when there is no losing trade. */
  profitFactor: number | null;
  avgNetQuote: number | null;
  bestNetQuote: number | null;
  worstNetQuote: number | null;
  avgHoldingNs: number | null;
  medianHoldingNs: number | null;
  /** Round trips per exit reason, sorted by reason. */
  reasons: { reason: string; count: number }[];
}

export interface MarkoutMetrics {
  horizonNs: number;
  /** Mid move in the fill's favour, ticks; fills whose horizon ran past the data are not counted. */
  meanTicks: number | null;
  medianTicks: number | null;
  count: number;
}

export interface ExposureMetrics {
  /** The position when the replay ended (signed: negative short; the sum of the fills, a run starts flat); null for
   * several instruments together (lots of different instruments do not add: each instrument's own). */
  endPositionLot: number | null;
  /** Largest |position|, over the samples and right after every fill (a run starts flat). */
  maxPositionLot: number | null;
  /** Over the regular samples, so these are time averages; the value figures below are over the same samples. */
  meanAbsPositionLot: number | null;
  medianAbsPositionLot: number | null;
  /** Largest |position|·price·tickSize·lotSize: at the mid for samples, at the fill price after fills. */
  maxNotionalQuote: number | null;
  meanNotionalQuote: number | null;
  medianNotionalQuote: number | null;
  /** Share of samples with a non-zero position. */
  timeInMarket: number | null;
}

/** One ctx.record series in numbers: how many points (after the runtime's thinning), and its last, least, greatest and mean value. */
export interface RecordedSummary {
  name: string;
  points: number;
  last: number | null;
  min: number | null;
  max: number | null;
  mean: number | null;
}

/** How the strategy ended the run (null for a trace without the runtime's state), and which code it was. */
export interface StrategyMetrics {
  finalPhase: string;
  /** When and why the session halted (a risk breach, a failed exit, an error in the strategy); null when it did not. */
  halted: null | { reason: string; atNs: string; atUtc: string };
  /** The runtime's and the strategy's counters, sorted by name: risk.denied, gate.* / hurdle (obi-ofi) … */
  counters: Record<string, number>;
  /** Each ctx.record series in brief (absent when the strategy recorded nothing): the page and the HTML report draw them whole. */
  recorded?: RecordedSummary[];
  /** The strategy's name and the sha256 of its bundle and of core.wasm (absent when not known). */
  name?: string;
  bundleSha256?: string;
  coreSha256?: string;
}

export interface Metrics {
  run: RunInfo;
  pnl: PnlMetrics;
  /** Fees paid, rebates received, funding and its settlements (./costs). */
  costs: CostMetrics;
  returns: ReturnMetrics;
  drawdown: DrawdownMetrics;
  activity: ActivityMetrics;
  trades: TradeMetrics;
  markouts: MarkoutMetrics[];
  exposure: ExposureMetrics;
  strategy: StrategyMetrics | null;
  /**
   * The figures the run is too short (or the P&L too small) for, by path ("returns.sharpe"), with what they need: they
   * are null above, as every report prints them n/a ("needs ≥ 1 day of data, have 9.91 s"). Sorted by path.
   */
  na: Record<string, string>;
  settings: Record<string, string | number | boolean | null>;
  /**
   * A run of several instruments: each one's figures on its own grid. The fields above are then the portfolio's
   * (./portfolio): money summed, exposure as the gross position value, volume and positions in lots null (lots of
   * different instruments do not add), markouts in each fill's own ticks.
   */
  instruments?: InstrumentMetrics[];
}

/** One instrument of a several-instrument run. */
export interface InstrumentMetrics {
  symbol: string;
  tickSize: number;
  lotSize: number;
  pnl: PnlMetrics;
  activity: ActivityMetrics;
  trades: TradeMetrics;
  markouts: MarkoutMetrics[];
  exposure: ExposureMetrics;
}

export interface MetricsOptions {
  /** Resampling interval for Sharpe/Sortino, ns (default 60 s). */
  sharpeIntervalNs?: number;
}

const DAY_NS = 86_400e9;
/** Annualised ratios from less than this much data are noise, not a Sharpe. */
export const MIN_DAYS_ANNUALISED = 1;
/** Per-day rates from less than this much data are not shown. */
export const MIN_DAYS_PER_DAY = 1 / 24;
/** A fee share beyond this many times the gross: the gross is about zero and the share means nothing (format shareOf). */
const FEE_SHARE_LIMIT = 10;
/** Fewer equal intervals than this at the requested interval and the series' own interval is used instead. */
const MIN_INTERVALS = 30;
/** The returns interval when none is asked for. */
export const DEFAULT_RETURNS_INTERVAL_NS = 60e9;

/** The number as printed: finite or null, safe integers exact, other floats to 10 significant digits. */
export function fix(x: number | null): number | null {
  if (x === null || !Number.isFinite(x)) return null;
  if (Number.isSafeInteger(x)) return x === 0 ? 0 : x;
  const r = Number(x.toPrecision(10));
  return r === 0 ? 0 : r;
}

export function utc(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : '';
}

const div = (a: number, b: number): number | null => (b === 0 ? null : a / b);

function median(v: ArrayLike<number>): number | null {
  if (v.length === 0) return null;
  const s = Float64Array.from(v).sort();
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

function mean(v: ArrayLike<number>): number | null {
  if (v.length === 0) return null;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s / v.length;
}

/**
 * Where a run ended: its last market message (toNs), or later when the session's clock ran on past it (a parity
 * run's timers tick to the session's stop) and the equity was sampled or a fill landed there.
 */
export function traceEndNs(trace: BacktestTrace): bigint {
  let end = trace.toNs;
  const s = trace.series;
  if (s.length > 0 && s.ts[s.length - 1] > end) end = s.ts[s.length - 1];
  for (const f of trace.fills) if (f.localTs > end) end = f.localTs;
  return end;
}

/** Equity with any non-finite sample (no mark yet) carried from the previous one, starting from 0. */
export function cleanEquity(trace: BacktestTrace): Float64Array {
  const s = trace.series;
  const out = new Float64Array(s.length);
  let last = 0;
  for (let i = 0; i < s.length; i++) out[i] = last = Number.isFinite(s.equityQuote[i]) ? s.equityQuote[i] : last;
  return out;
}

/** Equity at t0 + k·step (last sample at or before), k = 0 … ⌊span/step⌋. */
function resample(ts: BigInt64Array, eq: Float64Array, n: number, step: bigint): Float64Array {
  const k = Math.max(0, Number((ts[n - 1] - ts[0]) / step));
  const out = new Float64Array(k + 1);
  let j = 0;
  for (let i = 0; i <= k; i++) {
    const t = ts[0] + BigInt(i) * step;
    while (j + 1 < n && ts[j + 1] <= t) j++;
    out[i] = eq[j];
  }
  return out;
}

function returns(trace: BacktestTrace, eq: Float64Array, requested: number): ReturnMetrics {
  const s = trace.series;
  const span = s.length > 0 ? s.ts[s.length - 1] - s.ts[0] : 0n;
  // A series without a usable interval gets its mean spacing, which also bounds the resampled length by its own.
  const own = s.intervalNs >= 1 ? Math.round(s.intervalNs) : span > 0n ? Math.max(1, Math.round(Number(span) / (s.length - 1))) : 0;
  const req = requested >= 1 ? Math.round(requested) : DEFAULT_RETURNS_INTERVAL_NS;
  // Resampling finer than the series only adds zero steps, which would inflate both ratios.
  let interval = Math.max(req, own);
  let source: ReturnMetrics['intervalSource'] = interval === req ? 'requested' : 'series';
  if (own > 0 && interval > own && span / BigInt(interval) < BigInt(MIN_INTERVALS)) {
    interval = own;
    source = 'series';
  }
  const grid = s.length > 0 ? resample(s.ts, eq, s.length, BigInt(interval)) : new Float64Array(0);
  const n = Math.max(0, grid.length - 1);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = grid[i + 1] - grid[i];

  const annualisation = Math.sqrt((DAY_NS / interval) * 365);
  const m = mean(d);
  let ss = 0;
  let down = 0;
  let scale = 0;
  for (const x of d) {
    ss += (x - (m as number)) ** 2;
    down += Math.min(0, x) ** 2;
    scale += Math.abs(x);
  }
  const std = n >= 2 ? Math.sqrt(ss / (n - 1)) : null;
  const dd = n >= 1 ? Math.sqrt(down / n) : null;
  // A constant step leaves only rounding noise in the deviation; a ratio over noise is not a Sharpe.
  const floor = n > 0 ? (scale / n) * 1e-9 : 0;
  const ratio = (dev: number | null): number | null => (m === null || dev === null || dev <= floor ? null : (m / dev) * annualisation);
  return {
    intervalNs: interval,
    intervalSource: source,
    requestedIntervalNs: req,
    samples: n,
    annualisation,
    meanQuote: m,
    stdQuote: std,
    downsideDevQuote: dd,
    sharpe: ratio(std),
    sortino: ratio(dd),
  };
}

interface Drawdown {
  maxQuote: number;
  peakNs: bigint | null;
  troughNs: bigint | null;
  maxDurationNs: number;
}

/** Running drawdown of an equity series whose start is a peak at 0. */
export function drawdownSeries(eq: Float64Array): Float64Array {
  const out = new Float64Array(eq.length);
  let peak = 0;
  for (let i = 0; i < eq.length; i++) {
    peak = Math.max(peak, eq[i]);
    out[i] = eq[i] - peak;
  }
  return out;
}

function drawdown(ts: BigInt64Array, eq: Float64Array): Drawdown {
  const r: Drawdown = { maxQuote: 0, peakNs: null, troughNs: null, maxDurationNs: 0 };
  let peak = 0;
  let peakAt = eq.length > 0 ? ts[0] : 0n;
  for (let i = 0; i < eq.length; i++) {
    if (eq[i] >= peak) {
      peak = eq[i];
      peakAt = ts[i];
      continue;
    }
    if (peak - eq[i] > r.maxQuote) Object.assign(r, { maxQuote: peak - eq[i], peakNs: peakAt, troughNs: ts[i] });
    r.maxDurationNs = Math.max(r.maxDurationNs, Number(ts[i] - peakAt));
  }
  return r;
}

function trades(trace: BacktestTrace): TradeMetrics {
  const t = trace.trades;
  let wins = 0,
    losses = 0,
    won = 0,
    lost = 0,
    sum = 0,
    longs = 0;
  let best = -Infinity,
    worst = Infinity;
  const hold = new Float64Array(t.length);
  const reasons = new Map<string, number>();
  t.forEach((x, i) => {
    const net = x.grossQuote - x.feesQuote;
    sum += net;
    best = Math.max(best, net);
    worst = Math.min(worst, net);
    if (net > 0) {
      wins++;
      won += net;
    } else if (net < 0) {
      losses++;
      lost -= net;
    }
    if (x.dir === 1) longs++;
    hold[i] = Number(x.exitNs - x.entryNs);
    reasons.set(x.reason, (reasons.get(x.reason) ?? 0) + 1);
  });
  return {
    count: t.length,
    longs,
    shorts: t.length - longs,
    wins,
    losses,
    winRate: div(wins, t.length),
    profitFactor: div(won, lost),
    avgNetQuote: div(sum, t.length),
    bestNetQuote: t.length ? best : null,
    worstNetQuote: t.length ? worst : null,
    avgHoldingNs: mean(hold),
    medianHoldingNs: median(hold),
    reasons: [...reasons].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([reason, count]) => ({ reason, count })),
  };
}

/** Why a markout horizon without a fill has no figure (the reports' n/a and `na`). */
export const markoutNeed = (horizonNs: number) => `needs a fill with ${duration(horizonNs)} of data after it`;
/** Why the trade figures (average, best, worst net) are missing from a run without a round trip. */
export const NEEDS_ROUND_TRIP = 'needs a closed round trip';
/** Why the profit factor (won ÷ lost) of round trips none of which lost has no figure. */
export const needsLoss = (wins: number, count: number): string =>
  `needs a losing round trip to divide by (${wins} of ${count} won, none lost)`;

function markouts(trace: BacktestTrace): MarkoutMetrics[] {
  return trace.markouts.horizonsNs.map((horizonNs, h) => {
    const v = (trace.markouts.ticks[h] ?? new Float64Array(0)).filter((x) => Number.isFinite(x));
    return { horizonNs, meanTicks: mean(v), medianTicks: median(v), count: v.length };
  });
}

function exposure(trace: BacktestTrace): ExposureMetrics {
  const s = trace.series;
  const unit = trace.tickSize * trace.lotSize;
  const fills = trace.fills;
  // The lot and the value figures are over the same samples, every one of them, so mean value ≈ mean |position| ×
  // price: a flat sample is worth 0 with or without a mid, and a held one without a mid (a gap in the book) is valued
  // at the last mid seen, else at the last fill's price before it.
  const abs = new Float64Array(s.length);
  const notional = new Float64Array(s.length);
  let maxPos = 0,
    maxNotional = 0,
    inMarket = 0,
    lastMid = NaN,
    f = 0,
    lastFillPrice = NaN;
  for (let i = 0; i < s.length; i++) {
    abs[i] = Math.abs(s.positionLot[i]) || 0;
    maxPos = Math.max(maxPos, abs[i]);
    if (abs[i] !== 0) inMarket++;
    if (Number.isFinite(s.midTick[i])) lastMid = s.midTick[i];
    while (f < fills.length && fills[f].localTs <= s.ts[i]) lastFillPrice = fills[f++].priceTick;
    const price = Number.isFinite(lastMid) ? lastMid : lastFillPrice;
    notional[i] = abs[i] === 0 || !Number.isFinite(price) ? 0 : abs[i] * price * unit;
    maxNotional = Math.max(maxNotional, notional[i]);
  }
  // Positions between samples: the running sum of fills, valued at the fill price.
  let pos = 0;
  for (const x of fills) {
    pos += x.side === 'buy' ? x.qtyLot : -x.qtyLot;
    maxPos = Math.max(maxPos, Math.abs(pos));
    maxNotional = Math.max(maxNotional, Math.abs(pos) * x.priceTick * unit);
  }
  const any = s.length > 0 || fills.length > 0;
  return {
    endPositionLot: pos,
    maxPositionLot: any ? maxPos : null,
    meanAbsPositionLot: mean(abs),
    medianAbsPositionLot: median(abs),
    maxNotionalQuote: any ? maxNotional : null,
    meanNotionalQuote: mean(notional),
    medianNotionalQuote: median(notional),
    timeInMarket: div(inMarket, s.length),
  };
}

/** Rounds every number in a freshly built (plain, acyclic) object per the rules above; key order is kept. */
function fixAll<T>(v: T): T {
  if (typeof v === 'number') return fix(v) as T;
  if (Array.isArray(v)) return v.map(fixAll) as T;
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = fixAll(x);
    return o as T;
  }
  return v;
}

function summariseRecorded(r: RecordedSeries): RecordedSummary {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let n = 0;
  for (const v of r.v)
    if (Number.isFinite(v)) {
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      n++;
    }
  const last = r.v.length ? r.v[r.v.length - 1] : NaN;
  return {
    name: r.name,
    points: r.v.length,
    last: Number.isFinite(last) ? last : null,
    min: n ? min : null,
    max: n ? max : null,
    mean: n ? sum / n : null,
  };
}

function strategyOf(trace: BacktestTrace): StrategyMetrics | null {
  const st = trace.strategy;
  if (!st) return null;
  const counters: Record<string, number> = {};
  for (const k of Object.keys(st.counters).sort()) counters[k] = st.counters[k];
  const at = st.haltedNs;
  return {
    finalPhase: st.phase,
    halted:
      st.haltReason === null ? null : { reason: st.haltReason, atNs: at === null ? '' : at.toString(), atUtc: at === null ? '' : utc(at) },
    counters,
    ...(st.records?.length ? { recorded: st.records.map(summariseRecorded) } : {}),
    ...(st.name !== undefined ? { name: st.name } : {}),
    ...(st.bundleHash ? { bundleSha256: st.bundleHash } : {}),
    ...(st.coreHash ? { coreSha256: st.coreHash } : {}),
  };
}

export function computeMetrics(trace: BacktestTrace, opts: MetricsOptions = {}): Metrics {
  const s = trace.series;
  const eq = cleanEquity(trace);
  const unit = trace.tickSize * trace.lotSize;

  let fees = 0,
    volume = 0,
    valueTickLot = 0,
    makerLot = 0;
  for (const f of trace.fills) {
    fees += f.feeQuote;
    volume += f.qtyLot;
    valueTickLot += f.priceTick * f.qtyLot;
    if (f.maker) makerLot += f.qtyLot;
  }
  const funding = Number.isFinite(trace.fundingQuote) ? trace.fundingQuote : 0;
  let closed = 0;
  for (const t of trace.trades) closed += t.grossQuote;
  // Without a single sample the closed round trips are all the P&L there is.
  const net = s.length > 0 ? eq[s.length - 1] : closed - fees + funding;
  const gross = net + fees - funding;
  const turnover = valueTickLot * unit;

  const spanNs = trace.toNs - trace.fromNs;
  const days = spanNs > 0n ? Number(spanNs) / DAY_NS : 0;

  const dd = drawdown(s.ts, eq.subarray(0, s.length));
  const several = trace.instruments !== undefined && trace.instruments.length > 1;
  const exp = several ? portfolioExposure(trace) : exposure(trace);
  const base = exp.maxNotionalQuote ?? 0;
  const c = trace.counts;
  const flattenFills = c.flattenFills ?? 0;
  const ownFills = trace.fills.length - flattenFills;
  const haltCancels = c.haltCancels ?? 0;
  const ownCancels = c.cancels - haltCancels;

  const settings: Metrics['settings'] = {};
  for (const k of Object.keys(trace.settings).sort()) {
    const v = trace.settings[k];
    settings[k] = typeof v === 'number' && !Number.isFinite(v) ? null : v;
  }

  // what every report prints n/a is null here too, with the reason (a trial's CSV and JSON read these figures)
  const na: Record<string, string> = {};
  const r = returns(trace, eq, opts.sharpeIntervalNs ?? DEFAULT_RETURNS_INTERVAL_NS);
  if (days < MIN_DAYS_ANNUALISED) {
    const need = `needs ≥ ${MIN_DAYS_ANNUALISED} day of data, have ${haveOf(days * DAY_NS, MIN_DAYS_ANNUALISED * DAY_NS)}`;
    if (r.sharpe !== null) na['returns.sharpe'] = need;
    if (r.sortino !== null) na['returns.sortino'] = need;
    r.sharpe = r.sortino = null;
  }
  const perDayNeed = `needs ≥ ${duration(MIN_DAYS_PER_DAY * DAY_NS)} of data, have ${haveOf(days * DAY_NS, MIN_DAYS_PER_DAY * DAY_NS)}`;
  const rate = (path: string, x: number): number | null => {
    if (days >= MIN_DAYS_PER_DAY) return x / days;
    na[path] = perDayNeed;
    return null;
  };
  let feeShare = div(fees, Math.abs(gross));
  if (feeShare !== null && Math.abs(feeShare) > FEE_SHARE_LIMIT) {
    na['pnl.feeShare'] = `gross P&L is about 0 (fees ${fix(fees)} against a gross of ${fix(gross)})`;
    feeShare = null;
  }
  const mk = markouts(trace);
  mk.forEach((k, h) => {
    if (k.count > 0) return;
    na[`markouts.${h}.meanTicks`] = markoutNeed(k.horizonNs);
    na[`markouts.${h}.medianTicks`] = markoutNeed(k.horizonNs);
  });
  const tr = trades(trace);
  if (trace.trades.length === 0)
    for (const f of ['winRate', 'profitFactor', 'avgNetQuote', 'bestNetQuote', 'worstNetQuote', 'avgHoldingNs', 'medianHoldingNs'])
      na[`trades.${f}`] = NEEDS_ROUND_TRIP;
  else if (tr.profitFactor === null) na['trades.profitFactor'] = needsLoss(tr.wins, tr.count);
  const tradesPerDay = rate('activity.tradesPerDay', trace.trades.length);
  const fillsPerDay = rate('activity.fillsPerDay', trace.fills.length);
  const turnoverPerDay = rate('activity.turnoverPerDayQuote', turnover);

  const m: Omit<Metrics, 'settings'> = {
    run: {
      fromNs: trace.fromNs.toString(),
      toNs: trace.toNs.toString(),
      fromUtc: utc(trace.fromNs),
      toUtc: utc(trace.toNs),
      ...(trace.bookFromNs !== undefined ? { bookFromUtc: utc(trace.bookFromNs) } : {}),
      events: trace.events,
      tickSize: trace.tickSize,
      lotSize: trace.lotSize,
      seriesIntervalNs: s.intervalNs,
      seriesSamples: s.length,
    },
    pnl: {
      grossQuote: gross,
      feesQuote: fees,
      fundingQuote: funding,
      netQuote: net,
      closedGrossQuote: closed,
      feeShare,
    },
    costs: costsOf(trace),
    returns: r,
    drawdown: {
      maxQuote: s.length > 0 ? dd.maxQuote : null,
      maxPct: s.length > 0 && base > 0 ? (dd.maxQuote / base) * 100 : null,
      pctBaseQuote: base > 0 ? base : null,
      peakNs: dd.peakNs?.toString() ?? null,
      troughNs: dd.troughNs?.toString() ?? null,
      maxDurationNs: s.length > 0 ? dd.maxDurationNs : null,
      returnOverMdd: div(net, dd.maxQuote),
    },
    activity: {
      days: days > 0 ? days : null,
      fills: trace.fills.length,
      flattenFills,
      orders: c.orders,
      cancels: ownCancels,
      haltCancels,
      amends: c.amends ?? 0,
      amendRejects: c.amendRejects ?? 0,
      rejects: c.rejects,
      rejectReasons: Object.entries(c.rejectReasons ?? {})
        .map(([reason, count]) => ({ reason, count }))
        .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1)),
      tradesPerDay,
      fillsPerDay,
      volumeLot: several ? null : volume,
      turnoverQuote: turnover,
      turnoverPerDayQuote: turnoverPerDay,
      returnPerValueBps: turnover > 0 ? (net / turnover) * 1e4 : null,
      fillRatio: div(c.filledLot - (c.flattenLot ?? 0), c.postedLot),
      makerShare: div(makerLot, volume),
      orderToTrade: div(c.orders, ownFills),
      cancelRatio: div(ownCancels, c.orders),
    },
    trades: tr,
    markouts: mk,
    exposure: exp,
    strategy: strategyOf(trace),
    na: Object.fromEntries(Object.entries(na).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
  // Settings are copied as given, not rounded: they are inputs, printed so a run can be repeated.
  if (!several) return { ...fixAll(m), settings };
  const instruments = trace.instruments!.map((it): InstrumentMetrics => {
    const one = computeMetrics({ ...trace, ...it, instruments: undefined, strategy: undefined, settings: {} }, opts);
    return {
      symbol: it.symbol,
      tickSize: it.tickSize,
      lotSize: it.lotSize,
      pnl: one.pnl,
      activity: one.activity,
      trades: one.trades,
      markouts: one.markouts,
      exposure: one.exposure,
    };
  });
  return { ...fixAll(m), settings, instruments };
}

/** A portfolio's exposure: the gross position value sampled (the series' positionLot holds it, ./portfolio). */
function portfolioExposure(trace: BacktestTrace): ExposureMetrics {
  const s = trace.series;
  const v = s.positionLot.subarray(0, s.length);
  let max = 0;
  let inMarket = 0;
  for (const x of v) {
    if (x > max) max = x;
    if (x !== 0) inMarket++;
  }
  return {
    endPositionLot: null,
    maxPositionLot: null,
    meanAbsPositionLot: null,
    medianAbsPositionLot: null,
    maxNotionalQuote: s.length > 0 ? max : null,
    meanNotionalQuote: mean(v),
    medianNotionalQuote: median(v),
    timeInMarket: div(inMarket, s.length),
  };
}
