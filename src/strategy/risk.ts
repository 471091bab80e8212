// The risk gate's rules, over plain numbers (ns since the run's origin): breach checks (→ cancel all, optionally
// flatten, halt) and pre-trade checks (an order that could pass a limit is refused, never sent). The runtime runs the
// breach checks on every book message, tick, fill and health report, and the pre-trade checks before every order; a
// strategy cannot reach them.
//
// Money: equity in ticks·lots is exact (position.ts); it becomes quote currency only here, times tickSize·lotSize,
// where fees (already quote) are subtracted. Daily loss is measured from the equity at the first check of the UTC day.
import { count, duration } from '../format/numbers';
import type { RiskSettings } from './settings';
import { unrealisedTickLot, type PositionState } from './position';

export type BreachKind = 'dailyLoss' | 'position' | 'notional' | 'staleData' | 'feedLatency' | 'clockOffset';

export interface Breach {
  kind: BreachKind;
  message: string;
}

export const SECOND_NS = 1e9;
export const MINUTE_NS = 60e9;
export const DAY_NS = 86_400e9;

/** Times of the places in the last rolling minute, oldest first (a ring that grows when a minute holds more). */
export class PlaceWindow {
  private t = new Float64Array(64);
  private head = 0;
  private n = 0;
  /**
   * The oldest `old` places were at or before `oldBefore`, the start of the last second inLastSecond was asked about:
   * a market maker asks before every order, with many in the last second, and each asking counted them all again.
   */
  private old = 0;
  private oldBefore = -Infinity;

  get size(): number {
    return this.n;
  }

  /** Forgets places at or before now − 1 min. */
  prune(nowNs: number): void {
    const minuteAgo = nowNs - MINUTE_NS;
    const mask = this.t.length - 1;
    while (this.n > 0 && this.t[this.head] <= minuteAgo) {
      this.head = (this.head + 1) & mask;
      this.n--;
      if (this.old > 0) this.old--;
    }
  }

  note(nowNs: number): void {
    this.prune(nowNs);
    if (this.n === this.t.length) {
      const next = new Float64Array(this.t.length * 2);
      for (let i = 0; i < this.n; i++) next[i] = this.t[(this.head + i) & (this.t.length - 1)];
      this.t = next;
      this.head = 0;
    }
    this.t[(this.head + this.n) & (this.t.length - 1)] = nowNs;
    this.n++;
  }

  /** Places within the last second (p > now − 1 s): those after the oldest `old` (places are noted in time order). */
  inLastSecond(nowNs: number): number {
    const secondAgo = nowNs - SECOND_NS;
    // a time before the last asked (not the runtime's clock, which only moves on): count again from the oldest
    if (secondAgo < this.oldBefore) this.old = 0;
    this.oldBefore = secondAgo;
    const mask = this.t.length - 1;
    while (this.old < this.n && this.t[(this.head + this.old) & mask] <= secondAgo) this.old++;
    return this.n - this.old;
  }
}

/** What said no to an order: a risk.* limit, the runtime's state, or an amend of an order already busy. */
export type RefusalLimit =
  | 'maxOrdersPerSecond'
  | 'maxOrdersPerMinute'
  | 'maxPositionLot'
  | 'maxNotionalTickLot'
  | 'reduceOnlySize'
  | 'halted'
  | 'reconciling'
  | 'orderBusy';

/** An order refused: what said no (its counter is risk.denied.<limit>), and why in words for the log. */
export interface Refusal {
  limit: RefusalLimit;
  text: string;
}

/** "5 orders and price changes were sent", "1 order or price change was sent": what the rate window counts. */
export function requestsSent(n: number): string {
  return n === 1 ? '1 order or price change was sent' : `${n} orders and price changes were sent`;
}

/**
 * Why the order rate limits refuse another request (a new order, or an amendment that changes the price or adds
 * size) now, or null. A reduce-only request (an exit) is counted like the others but goes until the window holds
 * twice the limit: entries that used the limit up never hold an exit back, and a loop of exits still meets a bound.
 */
export function rateRefusal(cfg: RiskSettings, w: PlaceWindow, nowNs: number, reduceOnly = false): Refusal | null {
  w.prune(nowNs);
  const inSecond = w.inLastSecond(nowNs);
  const k = reduceOnly ? 2 : 1;
  if (inSecond >= k * cfg.maxOrdersPerSecond)
    return {
      limit: 'maxOrdersPerSecond',
      text: `order rate: ${requestsSent(inSecond)} in the last second (max ${count(cfg.maxOrdersPerSecond)}${reduceOnly ? ', twice that for reduce-only' : ''})`,
    };
  if (w.size >= k * cfg.maxOrdersPerMinute)
    return {
      limit: 'maxOrdersPerMinute',
      text: `order rate: ${requestsSent(w.size)} in the last minute (max ${count(cfg.maxOrdersPerMinute)}${reduceOnly ? ', twice that for reduce-only' : ''})`,
    };
  return null;
}

/** The counter a refusal is kept under beside the total `risk.denied`: a constant string, so a refusal allocates no name. */
export function refusalCounter(r: Refusal): string {
  return DENIED[r.limit];
}

const DENIED: Readonly<Record<RefusalLimit, string>> = {
  maxOrdersPerSecond: 'risk.denied.maxOrdersPerSecond',
  maxOrdersPerMinute: 'risk.denied.maxOrdersPerMinute',
  maxPositionLot: 'risk.denied.maxPositionLot',
  maxNotionalTickLot: 'risk.denied.maxNotionalTickLot',
  reduceOnlySize: 'risk.denied.reduceOnlySize',
  halted: 'risk.denied.halted',
  reconciling: 'risk.denied.reconciling',
  orderBusy: 'risk.denied.orderBusy',
};

/**
 * Why an order that can only add to |position| may not go out: `worstLot` is the signed position it would leave if it
 * and every live order on its side filled; `priceTick` the price the notional is checked at.
 */
export function exposureRefusal(cfg: RiskSettings, worstLot: number, priceTick: number): Refusal | null {
  const after = Math.abs(worstLot);
  if (after > cfg.maxPositionLot) return { limit: 'maxPositionLot', text: `position: ${after} lots would pass max ${cfg.maxPositionLot}` };
  if (cfg.maxNotionalTickLot !== null && after * priceTick > cfg.maxNotionalTickLot)
    return { limit: 'maxNotionalTickLot', text: `notional: ${after * priceTick} ticks·lots would pass max ${cfg.maxNotionalTickLot}` };
  return null;
}

/** Equity in quote: realised + unrealised at mark (exact ticks·lots, converted once) − fees. */
export function equityQuote(p: PositionState, markTick: number | null, tickLotQuote: number): number {
  const unreal = markTick === null ? 0 : unrealisedTickLot(p, markTick);
  return (p.realisedTickLot + unreal) * tickLotQuote - p.feesQuote;
}

/** The UTC day's baseline of the daily-loss limit; day bounds on the run's clock (its origin is a UTC midnight). */
export class DayBaseline {
  /** Day number since the origin; -1 before the first check. */
  day = -1;
  fromNs = 0;
  toNs = 0;
  startEquityQuote = 0;

  /** Loss since the UTC day began (positive = lost) at equity `eq`; rolls the baseline when the day changed. */
  loss(nowNs: number, eq: number): number {
    if (this.day < 0 || nowNs < this.fromNs || nowNs >= this.toNs) {
      const day = Math.floor(nowNs / DAY_NS);
      if (this.day !== day) {
        this.day = day;
        this.startEquityQuote = eq;
      }
      this.fromNs = day * DAY_NS;
      this.toNs = this.fromNs + DAY_NS;
    }
    return this.startEquityQuote - eq;
  }
}

/** The first time the stale-data limit is passed (now − last valid message > maxDataAgeNs) while exposed. */
export function staleDataAt(cfg: RiskSettings, lastValidLocalNs: number): number {
  return lastValidLocalNs + cfg.maxDataAgeNs + 1;
}

export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Fixed decimals without the zeros that say nothing ("5.000" → "5", "5.0010" → "5.001"); '-' kept as duration() writes it. */
function bare(x: number, dp: number): string {
  const t = x.toFixed(dp);
  return t.includes('.') ? t.replace(/\.?0+$/, '') : t;
}

/**
 * A value and the limit it passed, as a halt or refusal message compares them ("5.001 s old > 5 s"): each as
 * duration() writes it, unless its three significant figures make two different values read the same ("5 s > 5 s"),
 * then both in one unit with the first number of decimals that tells them apart (at worst, integer ns).
 */
export function durationsApart(valueNs: number, limitNs: number): [string, string] {
  const x = duration(valueNs);
  const y = duration(limitNs);
  if (x !== y || valueNs === limitNs) return [x, y];
  const m = Math.max(Math.abs(valueNs), Math.abs(limitNs));
  const [unit, name] = m >= 1e9 ? [1e9, 's'] : m >= 1e6 ? [1e6, 'ms'] : m >= 1e3 ? [1e3, 'µs'] : [1, 'ns'];
  for (let dp = 0; dp <= 9; dp++)
    if ((valueNs / unit).toFixed(dp) !== (limitNs / unit).toFixed(dp))
      return [`${bare(valueNs / unit, dp)} ${name}`, `${bare(limitNs / unit, dp)} ${name}`];
  return [`${valueNs} ns`, `${limitNs} ns`];
}

/** The same for amounts (quote currency): six decimals at most, as before, unless those read the same. */
export function amountsApart(value: number, limit: number): [string, string] {
  const x = String(round6(value));
  const y = String(limit);
  if (x !== y || value === limit) return [x, y];
  for (let dp = 7; dp <= 15; dp++) if (value.toFixed(dp) !== limit.toFixed(dp)) return [bare(value, dp), bare(limit, dp)];
  return [String(value), String(limit)];
}
