// What a running session shows while it trades: the status line (each symbol's position, orders, fills and PnL, the
// signals and the latency), when a line is due, the figures the metrics endpoint reads, and how often it says why no
// entry is taken.
import type { SessionSummary } from '../live/trading-session';
import type { TradingSnapshot } from '../monitor/trading-metrics';
import { count, moneyIn } from '../format/numbers';
import { latencyStatus } from '../latency/format';

/** The session's figures as the metrics read them. */
export function tradingSnapshot(s: SessionSummary): TradingSnapshot {
  return {
    phase: s.phase,
    positionLot: s.positionLot,
    equityQuote: s.equityQuote,
    realisedQuote: s.realisedQuote,
    feesQuote: s.feesQuote,
    haltReason: s.haltReason,
    signals: s.signals,
    orders: s.orders,
    cancels: s.cancels,
    cancelAlls: s.cancelAlls,
    amends: s.amends,
    amendRejects: s.amendRejects,
    fills: s.fills,
    rejects: s.rejects,
    trades: s.trades,
    // per symbol: a sum of BTC and ETH lots says nothing on its own
    symbols: s.symbols.map((y) => ({ symbol: y.symbol, positionLot: y.positionLot, equityQuote: y.equityQuote })),
  };
}

/** Once halted, nothing changes but the clock: a line logged each status interval is noise; say it once, then each minute. */
export const HALTED_STATUS_EVERY_MS = 60_000;

/**
 * Whether a status line is due: at the status interval (--status-every), at once on a new phase, and when logged (not
 * redrawn in place on a terminal) at most each minute while halted. The line is looked at once a second: 50 ms of
 * slack keep a 1 s interval from skipping a beat.
 */
export function statusDue(nowMs: number, last: { at: number; phase: string }, phase: string, everyMs: number, redrawn = false): boolean {
  if (phase !== last.phase) return true;
  return nowMs - last.at >= (phase === 'HALTED' && !redrawn ? Math.max(everyMs, HALTED_STATUS_EVERY_MS) : everyMs) - 50;
}

export function statusLine(s: SessionSummary, lotText: (inst: number) => string, ccy: string): string {
  if (s.symbols.length > 1) {
    // several symbols: each one's position, orders, fills and PnL, then the totals
    const each = s.symbols.map(
      (y, i) => `${y.symbol} pos ${y.positionLot} (${lotText(i)}) orders ${y.orders} fills ${y.fills} PnL ${moneyIn(y.equityQuote, ccy)}`,
    );
    return (
      `${s.phase.padEnd(13)} ${each.join(' | ')} | total orders ${s.orders} fills ${s.fills} rejects ${s.rejects} ` +
      `PnL ${moneyIn(s.equityQuote, ccy)} (fees ${moneyIn(s.feesQuote, ccy)}) | signals ${count(s.signals)} resyncs ${s.resyncs} | ` +
      latencyStatus(s.latency)
    );
  }
  return (
    `${s.phase.padEnd(13)} pos ${String(s.positionLot).padStart(5)} lots (${lotText(0)}) | orders ${s.orders} fills ${s.fills} rejects ${s.rejects} | ` +
    `PnL ${moneyIn(s.equityQuote, ccy)} (fees ${moneyIn(s.feesQuote, ccy)}) | signals ${count(s.signals)} resyncs ${s.resyncs} | ` +
    latencyStatus(s.latency)
  );
}

/** Counters gained since `before`. */
export function since(now: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(now)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
}

/** How often, while no entry is taken, the session says why. */
export const WHY_EVERY_MS = 15_000;
