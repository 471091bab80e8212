// Market data health as the strategy runtime hears it, one rule for live trading and the backtest (so a replay tells
// the runtime exactly what the live session told it): a status record with a code below 20 makes the instrument's
// market unhealthy, the next valid book message makes it healthy again.
import { Status } from '../core/index';
import type { Event } from '../strategy/events';

type Health = Extract<Event, { type: 'marketHealth' }>;

/**
 * The runtime's tick grid: ticks fall on multiples of this interval of the local clock and are handed to the runtime
 * in time order with the book messages (a tick due before a message's local time goes first), so a replay that ticks
 * on the same grid (src/backtest) gives the runtime the same sequence as the live trader.
 */
export const TICK_NS = 50_000_000n;

export function statusName(code: number): string {
  return Object.entries(Status).find(([, v]) => v === code)?.[0] ?? `status ${code}`;
}

/** One instrument's feed health: the events to hand the runtime, from status records and book messages. */
export class FeedHealth {
  private unhealthy = '';
  clockOffsetNs: number | undefined;
  statuses = 0;

  get healthy(): boolean {
    return this.unhealthy === '';
  }

  /** A status record: the event that makes the market unhealthy, or null for information (codes ≥ 20). */
  status(code: number): Health | null {
    if (code >= 20) return null;
    this.statuses++;
    this.unhealthy = statusName(code);
    return { type: 'marketHealth', ok: false, reason: this.unhealthy, clockOffsetNs: this.clockOffsetNs };
  }

  /** A book message: the recovery event when a valid one ends an unhealthy spell (hand it over first), else null. */
  book(valid: boolean): Health | null {
    if (this.unhealthy === '' || !valid) return null;
    const e: Health = { type: 'marketHealth', ok: true, reason: `recovered from ${this.unhealthy}`, clockOffsetNs: this.clockOffsetNs };
    this.unhealthy = '';
    return e;
  }
}
