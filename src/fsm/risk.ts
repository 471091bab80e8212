// Risk limits: breach checks (→ RISK_BREACH: cancel all, optionally flatten, HALTED) and pre-trade checks (an entry
// that would pass a limit is denied, never sent). WHEN TO USE: the machine calls checkBreach on every signal, tick,
// fill and health event outside HALTED, and preTrade before every entry. Pure functions over explicit inputs.
//
// Money: equity in ticks·lots is exact (position.ts); it becomes quote currency only here, times tickSize·lotSize,
// where fees (already quote) are subtracted. Daily loss is measured from the equity at the first event of the UTC day.

import type { StrategyConfig } from './config';
import { NsBig } from './ns';
import { unrealisedTickLot, type PositionState } from './position';

export type BreachKind = 'dailyLoss' | 'position' | 'notional' | 'staleData' | 'feedLatency' | 'clockOffset';

export interface Breach {
  kind: BreachKind;
  message: string;
}

export interface RiskState {
  /** Local times of places in the last rolling minute, oldest first. */
  placesNs: bigint[];
  /** UTC day number (now / 1 day) the baseline belongs to; null before the first check. */
  day: bigint | null;
  /** That day's bounds [from, to) in ns: most checks only compare with them (a bigint division allocates). */
  dayFromNs: bigint;
  dayToNs: bigint;
  /** Equity (quote) at the start of `day`. */
  dayStartEquityQuote: number;
}

/** What the risk checks look at, gathered by the machine. */
export interface RiskView {
  nowNs: bigint;
  position: PositionState;
  /** Price the position would exit at (bid for a long, ask for a short), or null with no valid book yet. */
  markTick: number | null;
  /** Quote value of one tick·lot (tickSize × lotSize). */
  tickLotQuote: number;
  /** Local time of the last valid signal, or null. */
  lastValidLocalTs: bigint | null;
  /** Feed latency of the signal being handled (only on signal events). */
  feedLatencyNs: number | null;
  clockOffsetNs: number | null;
  /** Position ≠ 0 or live orders: stale data only breaches while something is at stake. */
  exposed: boolean;
}

const NS_PER_DAY = 86_400_000_000_000n;
const DATA_AGE = new NsBig();
const SECOND = 1_000_000_000n;
const MINUTE = 60n * SECOND;

export function newRiskState(): RiskState {
  return { placesNs: [], day: null, dayFromNs: 0n, dayToNs: 0n, dayStartEquityQuote: 0 };
}

/** Equity in quote: realised + unrealised at mark (exact ticks·lots, converted once) − fees. */
export function equityQuote(p: PositionState, markTick: number | null, tickLotQuote: number): number {
  const unreal = markTick === null ? 0 : unrealisedTickLot(p, markTick);
  return (p.realisedTickLot + unreal) * tickLotQuote - p.feesQuote;
}

/** Loss since the UTC day began (positive = lost); rolls the baseline when the day changes. */
export function dailyLossQuote(r: RiskState, v: RiskView): number {
  const eq = equityQuote(v.position, v.markTick, v.tickLotQuote);
  if (r.day === null || v.nowNs < r.dayFromNs || v.nowNs >= r.dayToNs) {
    const day = v.nowNs / NS_PER_DAY;
    if (r.day !== day) {
      r.day = day;
      r.dayStartEquityQuote = eq;
    }
    // the times with this day number, [day·D, (day + 1)·D) when positive; before the epoch (never in practice) the
    // empty range, so every check divides again
    r.dayFromNs = v.nowNs >= 0n ? day * NS_PER_DAY : 0n;
    r.dayToNs = v.nowNs >= 0n ? r.dayFromNs + NS_PER_DAY : 0n;
  }
  return r.dayStartEquityQuote - eq;
}

/** The first limit the current state is past, or null. Mutates only the daily baseline. */
export function checkBreach(cfg: StrategyConfig['risk'], r: RiskState, v: RiskView): Breach | null {
  const loss = dailyLossQuote(r, v);
  if (loss > cfg.maxDailyLossQuote) return { kind: 'dailyLoss', message: `daily loss ${round(loss)} quote > max ${cfg.maxDailyLossQuote}` };
  const pos = Math.abs(v.position.lot);
  if (pos > cfg.maxPositionLot) return { kind: 'position', message: `|position| ${pos} lots > max ${cfg.maxPositionLot}` };
  if (cfg.maxNotionalTickLot !== null && v.markTick !== null && pos * v.markTick > cfg.maxNotionalTickLot) {
    return { kind: 'notional', message: `notional ${pos * v.markTick} ticks·lots > max ${cfg.maxNotionalTickLot}` };
  }
  if (v.exposed) {
    if (v.lastValidLocalTs === null) return { kind: 'staleData', message: 'exposed with no valid market data' };
    if (v.nowNs >= staleDataAt(cfg, v.lastValidLocalTs)) {
      return {
        kind: 'staleData',
        message: `last valid signal ${v.nowNs - v.lastValidLocalTs} ns old > max ${cfg.maxDataAgeNs} ns while exposed`,
      };
    }
  }
  if (v.feedLatencyNs !== null && (v.feedLatencyNs < cfg.minFeedLatencyNs || v.feedLatencyNs > cfg.maxFeedLatencyNs)) {
    return {
      kind: 'feedLatency',
      message: `feed latency ${v.feedLatencyNs} ns outside [${cfg.minFeedLatencyNs}, ${cfg.maxFeedLatencyNs}]`,
    };
  }
  if (v.clockOffsetNs !== null && Math.abs(v.clockOffsetNs) > cfg.maxClockOffsetNs) {
    return { kind: 'clockOffset', message: `clock offset ${v.clockOffsetNs} ns beyond ±${cfg.maxClockOffsetNs}` };
  }
  return null;
}

/** The first time the stale-data limit is passed (now − last valid signal > maxDataAgeNs) while exposed. */
export function staleDataAt(cfg: StrategyConfig['risk'], lastValidLocalTs: bigint): bigint {
  return lastValidLocalTs + DATA_AGE.of(cfg.maxDataAgeNs) + 1n;
}

/** Why an entry of `qtyLot` at `priceTick` may not go out now, or null. Exits are never denied (they reduce risk). */
export function preTrade(
  cfg: StrategyConfig['risk'],
  r: RiskState,
  nowNs: bigint,
  positionLot: number,
  qtyLot: number,
  priceTick: number,
): string | null {
  prune(r, nowNs);
  // oldest first: count back from the newest while inside the second
  let inSecond = 0;
  // p > now − 1 s ⇔ now − p < 1 s on integers: one bigint subtraction instead of one per place
  const secondAgo = nowNs - SECOND;
  for (let i = r.placesNs.length - 1; i >= 0 && r.placesNs[i] > secondAgo; i--) inSecond++;
  if (inSecond >= cfg.maxOrdersPerSecond) return `order rate: ${inSecond} placed in the last second (max ${cfg.maxOrdersPerSecond})`;
  if (r.placesNs.length >= cfg.maxOrdersPerMinute)
    return `order rate: ${r.placesNs.length} placed in the last minute (max ${cfg.maxOrdersPerMinute})`;
  const after = Math.abs(positionLot) + qtyLot;
  if (after > cfg.maxPositionLot) return `position: ${after} lots would pass max ${cfg.maxPositionLot}`;
  if (cfg.maxNotionalTickLot !== null && after * priceTick > cfg.maxNotionalTickLot) {
    return `notional: ${after * priceTick} ticks·lots would pass max ${cfg.maxNotionalTickLot}`;
  }
  return null;
}

/** Counts a place (entries and exits alike) in the rolling windows. */
export function notePlace(r: RiskState, nowNs: bigint): void {
  prune(r, nowNs);
  r.placesNs.push(nowNs);
}

function prune(r: RiskState, nowNs: bigint): void {
  let i = 0;
  const minuteAgo = nowNs - MINUTE;
  while (i < r.placesNs.length && r.placesNs[i] <= minuteAgo) i++;
  if (i > 0) r.placesNs.splice(0, i);
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
