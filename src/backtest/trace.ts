// What a backtest run leaves behind for the report: fills, closed round trips, order counts, markouts and an
// equity/position series sampled on the local clock. Plain data, so the metrics are a pure function of it and the
// same trace gives the same report byte for byte (CLI, optimizer and browser alike).
import type { SettlementRow } from './funding';

export interface FillRow {
  /** When the strategy learnt of the fill (local clock) and when it happened at the venue (exchange clock), ns. */
  localTs: bigint;
  exchTs: bigint;
  side: 'buy' | 'sell';
  priceTick: number;
  qtyLot: number;
  /** Fee paid in quote currency (negative = rebate). */
  feeQuote: number;
  maker: boolean;
  /** The instrument filled (absent in traces built by hand). */
  symbol?: string;
}

export interface TradeRow {
  dir: 1 | -1;
  entryNs: bigint;
  exitNs: bigint;
  /** Realised P&L of the round trip before fees, quote currency. */
  grossQuote: number;
  feesQuote: number;
  reason: string;
}

/** Mid moves after each fill, signed in the fill's favour (a buy followed by a rise is positive), in ticks. */
export interface Markouts {
  horizonsNs: readonly number[];
  /** markouts[h][i]: horizon h, fill i (NaN when the data ended before the horizon). */
  ticks: Float64Array[];
}

/** Equity and position sampled every `intervalNs` of local time (the last sample is the end of the data). */
export interface Series {
  intervalNs: number;
  /** Sample times, ns since the epoch (local clock). */
  ts: BigInt64Array;
  /** Mark-to-mid equity change since the start, quote currency, net of fees: realised + unrealised − fees + funding. */
  equityQuote: Float64Array;
  positionLot: Float64Array;
  midTick: Float64Array;
  length: number;
}

export interface OrderCounts {
  orders: number;
  cancels: number;
  rejects: number;
  /** Amendments asked for, and those the venue refused (amendReject). Absent in traces built by hand (taken as 0). */
  amends?: number;
  amendRejects?: number;
  /** Lots asked for by every place, and lots filled (the flatten's too). */
  postedLot: number;
  filledLot: number;
  /**
   * The runtime's own clean-up, counted in the figures above but not the strategy's doing (the loop, ./run, counts
   * them): fills of its flatten (clientOid rbflat-…) and their lots, and cancel-alls it sent while halted. Absent in
   * traces built by hand (taken as 0).
   */
  flattenFills?: number;
  flattenLot?: number;
  haltCancels?: number;
  /** The rejects by reason (the venue's code and message): how many of each. Absent in traces built by hand. */
  rejectReasons?: Record<string, number>;
}

/** A series the strategy recorded with ctx.record: points at ns since the trace's first record. */
export interface RecordedSeries {
  name: string;
  t: Float64Array;
  v: Float64Array;
}

/** How the strategy ended the run (from the runtime), what it recorded and logged, and which code it was. */
export interface StrategyTrace {
  /** The strategy's name, and the sha256 of the bundle that ran and of core.wasm (null when not known). */
  name?: string;
  bundleHash?: string | null;
  coreHash?: string | null;
  /** Where the strategy was at the end of the data (HALTED, RECONCILE, or the strategy's own word). */
  phase: string;
  haltReason: string | null;
  /** Local time the session halted, ns since the epoch; null when it did not. */
  haltedNs: bigint | null;
  /** The runtime's and the strategy's counters (risk.denied, breach.*, gate.*, hurdle, entry.*, exit.*, …). */
  counters: Record<string, number>;
  /** ctx.record series (bounded: thinned past the runtime's cap). */
  records?: RecordedSeries[];
  /** The newest ctx.log and runtime log lines (t: ns since the first record), and how many were written in all. */
  logs?: Array<{ t: number; level: string; message: string }>;
  logCount?: number;
}

export interface BacktestTrace {
  /** The grid: quote per tick and base per lot (one tick·lot = tickSize × lotSize quote). */
  tickSize: number;
  lotSize: number;
  /** Local time of the run's start (the first record replayed, or --from when later) and of the last record replayed. */
  fromNs: bigint;
  toNs: bigint;
  /** With --from after the first record: that record's local time (the records from it to fromNs build the book, untraded). */
  bookFromNs?: bigint;
  events: number;
  fills: FillRow[];
  trades: TradeRow[];
  counts: OrderCounts;
  markouts: Markouts;
  series: Series;
  fundingQuote: number;
  /** Each settlement charged (recorded or flat), in time order; absent in traces built by hand (tests). */
  fundingSettlements?: SettlementRow[];
  /** The models and settings the run used, printed with the report (realism inputs). */
  settings: Record<string, string | number | boolean>;
  /** Absent in traces built by hand (tests). */
  strategy?: StrategyTrace;
  /**
   * A run of several instruments: each one's own trace (its grid, fills, round trips, counts, markouts, series and
   * funding). The fields above are then the portfolio's, in quote units (./portfolio): tickSize and lotSize 1, fill
   * prices in quote and sizes in base, the equity summed, positionLot the gross position value, no mid.
   */
  instruments?: InstrumentTrace[];
}

/** One instrument of a several-instrument run. */
export interface InstrumentTrace {
  symbol: string;
  tickSize: number;
  lotSize: number;
  makerFeeRate: number;
  takerFeeRate: number;
  fills: FillRow[];
  trades: TradeRow[];
  counts: OrderCounts;
  markouts: Markouts;
  series: Series;
  fundingQuote: number;
  /** Each settlement charged to it, in time order. */
  fundingSettlements?: SettlementRow[];
}
