// The OBI/OFI taker rules of docs/signals.md §3.1 as pure functions: which number x is traded, hysteresis thresholds,
// debounce, the fee-aware cost hurdle, entry gates, exit triggers (stop-loss, take-profit, trailing, time stop,
// reversal, signal) and order prices. obi-ofi's handlers ask these questions; they never send anything and never read
// a clock (time is ctx.now, ns since the run's origin). Prices are integer ticks; P&L comparisons cross-multiply the
// exact cost basis.
import type { InstrumentInfo } from 'ringbook';
import type { ObiOfiConfig } from './params';

/** What the rules read of a book message: a Market satisfies it (tests pass plain objects). */
export interface Sample {
  readonly book: { readonly valid: boolean; readonly bestBidTick: number; readonly bestAskTick: number };
  readonly signals: { readonly l1: number; readonly obiN: number; readonly ofiNorm: number; readonly z: number; readonly zReady: boolean };
  /** Local time of the message and local − exchange time, ns. */
  readonly localNs: number;
  readonly feedLatencyNs: number;
}

/** A touch: the last valid one, for exit prices. */
export interface Touch {
  bidTick: number;
  askTick: number;
}

export type Dir = 'long' | 'short';
export type ExitReason = 'stopLoss' | 'takeProfit' | 'trailing' | 'timeStop' | 'reversal' | 'signal';
export type GateFail = 'invalidBook' | 'unhealthy' | 'stale' | 'feedLatency' | 'spread';
export type Fees = Pick<InstrumentInfo, 'makerFeeRate' | 'takerFeeRate'>;

/**
 * The traded value x of a message, or NaN when there is none (invalid book, z not ready, not finite). "None" is NaN,
 * not null, throughout these rules: every comparison with NaN is false, which is what "no value" must do (no side, no
 * decay, no reset), and a number-only value stays unboxed on the hot path.
 */
export function signalValue(m: Sample, source: ObiOfiConfig['signal']['source']): number {
  if (!m.book.valid) return NaN;
  const s = m.signals;
  let x: number;
  switch (source) {
    case 'z':
      if (!s.zReady) return NaN;
      x = s.z;
      break;
    case 'l1':
      x = s.l1;
      break;
    case 'obiN':
      x = s.obiN;
      break;
    default:
      x = s.ofiNorm;
  }
  return x - x === 0 ? x : NaN; // finite
}

/** Debounce state: the side x currently sits beyond θ_in on, for how many samples and since when. */
export interface Debounce {
  side: Dir | null;
  count: number;
  sinceNs: number;
}

export function newDebounce(): Debounce {
  return { side: null, count: 0, sinceNs: 0 };
}

export function resetDebounce(d: Debounce): void {
  d.side = null;
  d.count = 0;
  d.sinceNs = 0;
}

/** Feeds one sample (NaN = no value: the run is broken, since "consecutive" means consecutive valid samples). */
export function updateDebounce(d: Debounce, x: number, thetaIn: number, nowNs: number): void {
  const side: Dir | null = x >= thetaIn ? 'long' : x <= -thetaIn ? 'short' : null;
  if (side === null) {
    d.side = null;
    d.count = 0;
  } else if (side === d.side) {
    d.count += 1;
  } else {
    d.side = side;
    d.count = 1;
    d.sinceNs = nowNs;
  }
}

/** The side whose entry signal is confirmed: k consecutive samples and (if set) the minimum dwell. */
export function confirmedSide(d: Debounce, entry: ObiOfiConfig['entry'], nowNs: number): Dir | null {
  if (d.side === null || d.count < entry.confirmCount) return null;
  return nowNs - d.sinceNs >= entry.confirmDwellNs ? d.side : null;
}

/** Hysteresis exit: a long leaves at x ≤ θ_out, a short at x ≥ −θ_out. Also used to abandon a working entry. */
export function signalDecayed(dir: Dir, x: number, thetaOut: number): boolean {
  return dir === 'long' ? x <= thetaOut : x >= -thetaOut; // false for NaN
}

/** Entry gates of §3.1 (the runtime adds "no risk breach": it halts on one). */
export function checkGates(g: ObiOfiConfig['gates'], m: Sample, healthy: boolean, nowNs: number): GateFail | null {
  if (!m.book.valid) return 'invalidBook';
  if (!healthy) return 'unhealthy';
  if (nowNs - m.localNs > g.maxDataAgeNs) return 'stale';
  const lat = m.feedLatencyNs;
  if (lat < g.minFeedLatencyNs || lat > g.maxFeedLatencyNs) return 'feedLatency';
  if (m.book.bestAskTick - m.book.bestBidTick > g.maxSpreadTicks) return 'spread';
  return null;
}

export interface HurdleResult {
  ok: boolean;
  /** Expected favourable move, ticks (negative: the edge points the other way). */
  expectedTicks: number;
  /** Round-trip cost, ticks: (fee in + fee out)·mid + spreadMultiple·spread + slippage + buffer. */
  costTicks: number;
}

/**
 * §3.1 cost hurdle in ticks: E[ΔP] > (fee_in + fee_out)·M + k·S + slippage + buffer, the per-mid form multiplied
 * through by the mid M. fee_in is the maker rate for a passive entry, else taker; exits are taker.
 */
export function costHurdle(cfg: ObiOfiConfig, fees: Fees, m: Sample, x: number, dir: Dir): HurdleResult {
  const expectedTicks = hurdleEdge(cfg, m, x, dir);
  const costTicks = hurdleCost(cfg, fees, m);
  return { ok: !cfg.hurdle.enabled || expectedTicks > costTicks, expectedTicks, costTicks };
}

/** costHurdle(…).ok without the result object (obi-ofi asks on most messages a confirmed signal meets). */
export function hurdleOk(cfg: ObiOfiConfig, fees: Fees, m: Sample, x: number, dir: Dir): boolean {
  return !cfg.hurdle.enabled || hurdleEdge(cfg, m, x, dir) > hurdleCost(cfg, fees, m);
}

/** The hurdle's expected favourable move, ticks. */
function hurdleEdge(cfg: ObiOfiConfig, m: Sample, x: number, dir: Dir): number {
  const h = cfg.hurdle;
  const edge = h.source === 'ofiNorm' ? m.signals.ofiNorm : x;
  return h.coef * edge * (dir === 'long' ? 1 : -1);
}

/** The hurdle's round-trip cost, ticks. */
function hurdleCost(cfg: ObiOfiConfig, fees: Fees, m: Sample): number {
  const h = cfg.hurdle;
  const bid = m.book.bestBidTick;
  const ask = m.book.bestAskTick;
  const mid = (bid + ask) / 2;
  const feeIn = cfg.entry.mode === 'passive' ? fees.makerFeeRate : fees.takerFeeRate;
  return (feeIn + fees.takerFeeRate) * mid + h.spreadMultiple * (ask - bid) + h.slippageTicks + h.bufferTicks;
}

/** Entry order terms: passive = postOnly at our touch; taker = IOC limit through the opposite touch by slipTicks. */
export function entryOrder(entry: ObiOfiConfig['entry'], m: Sample, dir: Dir): { priceTick: number; timeInForce: 'postOnly' | 'ioc' } {
  const bid = m.book.bestBidTick;
  const ask = m.book.bestAskTick;
  if (entry.mode === 'passive') return { priceTick: dir === 'long' ? bid : ask, timeInForce: 'postOnly' };
  return { priceTick: dir === 'long' ? ask + entry.slipTicks : Math.max(1, bid - entry.slipTicks), timeInForce: 'ioc' };
}

/**
 * Exit order terms for attempt `attempt` (0 = first): stop-losses go to market if configured; otherwise the first
 * exit.iocAttempts attempts are IOC limits at the exit-side touch, each escalateTicks further through it, then market.
 * Without a book price the only possible exit is market.
 */
export interface ExitTerms {
  type: 'limit' | 'market';
  priceTick?: number;
}

export function exitOrder(exit: ObiOfiConfig['exit'], reason: ExitReason, attempt: number, long: boolean, touch: Touch | null): ExitTerms {
  const market = (reason === 'stopLoss' && exit.stopLossMarket) || attempt >= exit.iocAttempts || touch === null;
  if (market) return { type: 'market' };
  const shift = attempt * exit.escalateTicks;
  const priceTick = long ? Math.max(1, touch!.bidTick - shift) : touch!.askTick + shift;
  return { type: 'limit', priceTick };
}

/** Per-position exit bookkeeping: entry time and the best exit-side touch seen (for the trailing stop). */
export interface TradeMarks {
  entryNs: number | null;
  bestTick: number | null;
}

/** Tracks the best exit-side touch since entry (highest bid for a long, lowest ask for a short). */
export function updateBest(t: TradeMarks, long: boolean, m: Sample): void {
  if (!m.book.valid) return;
  const px = long ? m.book.bestBidTick : m.book.bestAskTick;
  if (t.bestTick === null || (long ? px > t.bestTick : px < t.bestTick)) t.bestTick = px;
}

/** The position the price exits look at: signed lots and the exact cost basis (Position.lot, Position.costTickLot). */
export interface OpenPosition {
  readonly lot: number;
  readonly costTickLot: number;
}

/**
 * Price-based exits in priority order (stop-loss first: it protects capital), evaluated at the exit-side touch
 * against the exact cost basis: a long's P&L per the whole position is bid·n − cost, compared with ±ticks·n.
 */
export function priceExit(exit: ObiOfiConfig['exit'], p: OpenPosition, t: TradeMarks, m: Sample): ExitReason | null {
  if (p.lot === 0 || !m.book.valid) return null;
  const long = p.lot > 0;
  const n = Math.abs(p.lot);
  const px = long ? m.book.bestBidTick : m.book.bestAskTick;
  const pnl = long ? px * n - p.costTickLot : p.costTickLot - px * n;
  if (exit.stopLossTicks !== null && pnl <= -exit.stopLossTicks * n) return 'stopLoss';
  if (exit.takeProfitTicks !== null && pnl >= exit.takeProfitTicks * n) return 'takeProfit';
  if (exit.trailingTicks !== null && t.bestTick !== null) {
    const bestPnl = long ? t.bestTick * n - p.costTickLot : p.costTickLot - t.bestTick * n;
    const retrace = long ? t.bestTick - px : px - t.bestTick;
    if (bestPnl >= exit.trailingActivationTicks * n && retrace >= exit.trailingTicks) return 'trailing';
  }
  return null;
}

/** Time stop: the position is older than exit.timeStopNs (measured from the first entry fill). */
export function timeStopHit(exit: ObiOfiConfig['exit'], t: TradeMarks, nowNs: number): boolean {
  return exit.timeStopNs !== null && t.entryNs !== null && nowNs - t.entryNs >= exit.timeStopNs;
}

/**
 * The first time timeStopHit is true, NaN when it never will be (no time stop, no position): NaN, not null, so the
 * strategy's deadline checks keep it unboxed.
 */
export function timeStopNs(exit: ObiOfiConfig['exit'], t: TradeMarks): number {
  return exit.timeStopNs !== null && t.entryNs !== null ? t.entryNs + exit.timeStopNs : NaN;
}

/** Signal-driven exit of an open position: reversal (opposite entry confirmed, if allowed) or hysteresis. */
export function signalExit(cfg: ObiOfiConfig, long: boolean, x: number, confirmed: Dir | null): ExitReason | null {
  if (cfg.entry.allowReversal && confirmed === (long ? 'short' : 'long')) return 'reversal';
  return signalDecayed(long ? 'long' : 'short', x, cfg.exit.threshold) ? 'signal' : null;
}

/** Cooldown length after an exit for `reason` (longer after a stop-loss). */
export function cooldownNs(c: ObiOfiConfig['cooldown'], reason: ExitReason | null): number {
  if (reason === 'stopLoss') return c.afterStopLossNs;
  if (reason === 'reversal') return c.afterReversalNs;
  return c.ns;
}
