// A trading session's metrics: orders, fills, rejects, the position, PnL, the strategy's state and kill switch, and
// tick-to-decision. They read a small snapshot interface, not the strategy machine, so whatever runs the strategy
// only has to fill in a TradingSnapshot.
import type { Histogram } from 'prom-client';
import { Metrics, DECISION_BUCKETS } from './metrics';

/** What the metrics need from a trading session, in plain numbers. */
export interface TradingSnapshot {
  /** The strategy's phase or state name (IDLE, ENTERING, …). */
  phase: string;
  positionLot: number;
  /** Net PnL marked to the mid, realised PnL, fees paid: quote currency. */
  equityQuote: number;
  realisedQuote: number;
  feesQuote: number;
  /** Why the strategy halted (the kill switch or a risk limit), or null while it trades. */
  haltReason: string | null;
  signals: number;
  orders: number;
  cancels: number;
  cancelAlls: number;
  /** Amendments sent, and those the venue refused. */
  amends: number;
  amendRejects: number;
  fills: number;
  rejects: number;
  /** Round trips closed. */
  trades: number;
  /**
   * Each symbol's position and net PnL, for a session of several: lots of BTCUSDT and of ETHUSDT do not add up to
   * anything, so positionLot alone cannot tell an operator what is held.
   */
  symbols?: ReadonlyArray<{ symbol: string; positionLot: number; equityQuote: number }>;
}

export interface TradingMetrics {
  tickToDecision: Histogram;
  /** Observes one decision: ns from the frame's local receive to the strategy's answer. */
  observeDecisionNs(ns: number): void;
}

/** Registers the trading metrics on `m`; `snapshot` is read at every scrape. */
export function tradingMetrics(m: Metrics, snapshot: () => TradingSnapshot, quote: string): TradingMetrics {
  const total = (name: string, help: string, read: (s: TradingSnapshot) => number) => m.total(name, help, () => read(snapshot()));
  total('ringbook_signals_total', 'Signals the strategy was given.', (s) => s.signals);
  total('ringbook_orders_total', 'Orders placed.', (s) => s.orders);
  total('ringbook_cancels_total', 'Single orders cancelled (cancel-alls apart).', (s) => s.cancels);
  total('ringbook_cancel_alls_total', 'Cancel-alls (a halt, the stop at the end).', (s) => s.cancelAlls);
  total('ringbook_amends_total', 'Amendments of working orders sent (price and/or size).', (s) => s.amends);
  total('ringbook_amend_rejects_total', 'Amendments the exchange refused.', (s) => s.amendRejects);
  total('ringbook_fills_total', 'Fills of own orders.', (s) => s.fills);
  total('ringbook_rejects_total', 'Orders the exchange rejected.', (s) => s.rejects);
  total('ringbook_round_trips_total', 'Round trips closed.', (s) => s.trades);
  m.gauge('ringbook_position_lots', 'Position in lots (negative: short); with several symbols, their sum.', () => snapshot().positionLot);
  m.gauge('ringbook_symbol_position_lots', 'Position in lots by symbol (negative: short).', ['symbol'], () =>
    snapshot().symbols?.map((y) => [{ symbol: y.symbol }, y.positionLot]),
  );
  m.gauge(
    'ringbook_symbol_pnl_quote',
    `Net PnL by symbol in the quote currency (${quote}), marked to the mid.`,
    ['symbol', 'currency'],
    () => snapshot().symbols?.map((y) => [{ symbol: y.symbol, currency: quote }, y.equityQuote]),
  );
  m.gauge(
    'ringbook_pnl_quote',
    `PnL in the quote currency (${quote}): net (marked to the mid), realised, fees paid.`,
    ['kind', 'currency'],
    () => {
      const s = snapshot();
      return [
        [{ kind: 'net', currency: quote }, s.equityQuote],
        [{ kind: 'realised', currency: quote }, s.realisedQuote],
        [{ kind: 'fees', currency: quote }, s.feesQuote],
      ];
    },
  );
  m.gauge('ringbook_strategy_phase', "The strategy's phase (1 for the current one).", ['phase'], () => [[{ phase: snapshot().phase }, 1]]);
  m.gauge('ringbook_kill_switch', 'Whether the strategy is halted (kill switch or risk limit: 1) or trading (0).', () =>
    snapshot().haltReason === null ? 0 : 1,
  );
  const tickToDecision = m.histogram(
    'ringbook_tick_to_decision_seconds',
    "Local receive of the market-data frame → the strategy's decision on the signal it made.",
    DECISION_BUCKETS,
  );
  return { tickToDecision, observeDecisionNs: (ns) => tickToDecision.observe(ns * 1e-9) };
}
