// The OBI/OFI taker rules of docs/signals.md §3.1 as pure functions: which number x is traded, hysteresis thresholds,
// debounce, the fee-aware cost hurdle, entry gates, exit triggers (stop-loss, take-profit, trailing, time stop,
// reversal, signal) and order prices. WHEN TO USE: the machine (machine.ts) asks these questions; they never send
// anything and never read a clock. Prices are integer ticks; P&L comparisons cross-multiply the exact cost basis.

import type { InstrumentSpec, StrategyConfig } from './config';
import type { Event } from './events';
import { NsBig } from './ns';
import type { PositionState } from './position';

const DWELL = new NsBig();
const DATA_AGE = new NsBig();
const TIME_STOP = new NsBig();
const COOLDOWN = new NsBig();
const COOLDOWN_STOP_LOSS = new NsBig();
const COOLDOWN_REVERSAL = new NsBig();

export type SignalEvent = Extract<Event, { type: 'signal' }>;
export type Dir = 'long' | 'short';
export type ExitReason = 'stopLoss' | 'takeProfit' | 'trailing' | 'timeStop' | 'reversal' | 'signal';
export type GateFail = 'invalidBook' | 'unhealthy' | 'stale' | 'feedLatency' | 'spread';

/** The traded value x of a signal, or null when there is none (invalid book, z not ready, not finite). */
export function signalValue(sig: SignalEvent, source: StrategyConfig['signal']['source']): number | null {
  if (!sig.valid) return null;
  if (source === 'z' && !sig.zReady) return null;
  const x = sig[source];
  return Number.isFinite(x) ? x : null;
}

/** Debounce state: the side x currently sits beyond θ_in on, for how many samples and since when. */
export interface Debounce {
  side: Dir | null;
  count: number;
  sinceNs: bigint;
}

export function newDebounce(): Debounce {
  return { side: null, count: 0, sinceNs: 0n };
}

/** Feeds one sample (null = no value: the run is broken, since "consecutive" means consecutive valid samples). */
export function updateDebounce(d: Debounce, x: number | null, thetaIn: number, nowNs: bigint): void {
  const side: Dir | null = x === null ? null : x >= thetaIn ? 'long' : x <= -thetaIn ? 'short' : null;
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
export function confirmedSide(d: Debounce, entry: StrategyConfig['entry'], nowNs: bigint): Dir | null {
  if (d.side === null || d.count < entry.confirmCount) return null;
  return nowNs - d.sinceNs >= DWELL.of(entry.confirmDwellNs) ? d.side : null;
}

/** Hysteresis exit: a long leaves at x ≤ θ_out, a short at x ≥ −θ_out. Also used to abandon a working entry. */
export function signalDecayed(dir: Dir, x: number | null, thetaOut: number): boolean {
  if (x === null) return false;
  return dir === 'long' ? x <= thetaOut : x >= -thetaOut;
}

/** Entry gates of §3.1 (the machine adds "no risk breach": it is HALTED on one). */
export function checkGates(g: StrategyConfig['gates'], sig: SignalEvent, healthy: boolean, nowNs: bigint): GateFail | null {
  if (!sig.valid) return 'invalidBook';
  if (!healthy) return 'unhealthy';
  if (nowNs - sig.localTs > DATA_AGE.of(g.maxDataAgeNs)) return 'stale';
  if (sig.feedLatencyNs < g.minFeedLatencyNs || sig.feedLatencyNs > g.maxFeedLatencyNs) return 'feedLatency';
  if (sig.bestAsk - sig.bestBid > g.maxSpreadTicks) return 'spread';
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
export function costHurdle(cfg: StrategyConfig, inst: InstrumentSpec, sig: SignalEvent, x: number, dir: Dir): HurdleResult {
  const h = cfg.hurdle;
  const edge = h.source === 'ofiNorm' ? sig.ofiNorm : x;
  const expectedTicks = h.coef * edge * (dir === 'long' ? 1 : -1);
  const mid = (sig.bestBid + sig.bestAsk) / 2;
  const feeIn = cfg.entry.mode === 'passive' ? inst.makerFeeRate : inst.takerFeeRate;
  const costTicks = (feeIn + inst.takerFeeRate) * mid + h.spreadMultiple * (sig.bestAsk - sig.bestBid) + h.slippageTicks + h.bufferTicks;
  return { ok: !h.enabled || expectedTicks > costTicks, expectedTicks, costTicks };
}

/** Entry order terms: passive = post_only at our touch; taker = IOC limit through the opposite touch by slipTicks. */
export function entryOrder(entry: StrategyConfig['entry'], sig: SignalEvent, dir: Dir): { priceTick: number; force: 'post_only' | 'ioc' } {
  if (entry.mode === 'passive') return { priceTick: dir === 'long' ? sig.bestBid : sig.bestAsk, force: 'post_only' };
  return { priceTick: dir === 'long' ? sig.bestAsk + entry.slipTicks : Math.max(1, sig.bestBid - entry.slipTicks), force: 'ioc' };
}

/**
 * Exit order terms for attempt `attempt` (0 = first): stop-losses go to market if configured; otherwise the first
 * exit.iocAttempts attempts are IOC limits at the exit-side touch, each escalateTicks further through it, then market.
 * Without a book price the only possible exit is market.
 */
export interface ExitTerms {
  orderType: 'limit' | 'market';
  priceTick?: number;
  force: 'ioc';
}

export function exitOrder(
  exit: StrategyConfig['exit'],
  reason: ExitReason,
  attempt: number,
  long: boolean,
  book: SignalEvent | null,
): ExitTerms {
  const market = (reason === 'stopLoss' && exit.stopLossMarket) || attempt >= exit.iocAttempts || book === null;
  if (market) return { orderType: 'market', force: 'ioc' };
  const shift = attempt * exit.escalateTicks;
  const priceTick = long ? Math.max(1, book!.bestBid - shift) : book!.bestAsk + shift;
  return { orderType: 'limit', priceTick, force: 'ioc' };
}

/** Per-position exit bookkeeping: entry time and the best exit-side touch seen (for the trailing stop). */
export interface TradeMarks {
  entryNs: bigint | null;
  bestTick: number | null;
}

/** Tracks the best exit-side touch since entry (highest bid for a long, lowest ask for a short). */
export function updateBest(t: TradeMarks, long: boolean, sig: SignalEvent): void {
  if (!sig.valid) return;
  const px = long ? sig.bestBid : sig.bestAsk;
  if (t.bestTick === null || (long ? px > t.bestTick : px < t.bestTick)) t.bestTick = px;
}

/**
 * Price-based exits in priority order (stop-loss first: it protects capital), evaluated at the exit-side touch
 * against the exact cost basis: a long's P&L per the whole position is bid·n − cost, compared with ±ticks·n.
 */
export function priceExit(exit: StrategyConfig['exit'], p: PositionState, t: TradeMarks, sig: SignalEvent): ExitReason | null {
  if (p.lot === 0 || !sig.valid) return null;
  const long = p.lot > 0;
  const n = Math.abs(p.lot);
  const px = long ? sig.bestBid : sig.bestAsk;
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
export function timeStopHit(exit: StrategyConfig['exit'], t: TradeMarks, nowNs: bigint): boolean {
  return exit.timeStopNs !== null && t.entryNs !== null && nowNs - t.entryNs >= TIME_STOP.of(exit.timeStopNs);
}

/** The first time timeStopHit is true, or null when it never will be (no time stop, no position). */
export function timeStopAt(exit: StrategyConfig['exit'], t: TradeMarks): bigint | null {
  return exit.timeStopNs !== null && t.entryNs !== null ? t.entryNs + TIME_STOP.of(exit.timeStopNs) : null;
}

/** Signal-driven exit of an open position: reversal (opposite entry confirmed, if allowed) or hysteresis. */
export function signalExit(cfg: StrategyConfig, long: boolean, x: number | null, confirmed: Dir | null): ExitReason | null {
  if (cfg.entry.allowReversal && confirmed === (long ? 'short' : 'long')) return 'reversal';
  return signalDecayed(long ? 'long' : 'short', x, cfg.exit.threshold) ? 'signal' : null;
}

/** Cooldown length after an exit for `reason` (longer after a stop-loss). */
export function cooldownNs(c: StrategyConfig['cooldown'], reason: ExitReason | null): bigint {
  if (reason === 'stopLoss') return COOLDOWN_STOP_LOSS.of(c.afterStopLossNs);
  if (reason === 'reversal') return COOLDOWN_REVERSAL.of(c.afterReversalNs);
  return COOLDOWN.of(c.ns);
}
