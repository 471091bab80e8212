// What a backtest run leaves behind for the report: fills, closed round trips, order counts, markouts and an
// equity/position series sampled on the local clock. Plain data, so the metrics are a pure function of it and the
// same trace gives the same report byte for byte (CLI, optimizer and browser alike).

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
  /** Lots asked for by every place, and lots filled. */
  postedLot: number;
  filledLot: number;
}

/** How the strategy machine ended the run: read from its public state, for the reports' "why no trades" and halt. */
export interface StrategyTrace {
  /** The machine's phase at the end of the data. */
  phase: string;
  haltReason: string | null;
  /** Local time the machine halted, ns since the epoch; null when it did not. */
  haltedNs: bigint | null;
  /** The machine's counters (gate.*, hurdle, risk.denied, entry.*, exit.*, …). */
  counters: Record<string, number>;
}

export interface BacktestTrace {
  /** The grid: quote per tick and base per lot (one tick·lot = tickSize × lotSize quote). */
  tickSize: number;
  lotSize: number;
  /** Local time of the first and last market record replayed. */
  fromNs: bigint;
  toNs: bigint;
  events: number;
  fills: FillRow[];
  trades: TradeRow[];
  counts: OrderCounts;
  markouts: Markouts;
  series: Series;
  fundingQuote: number;
  /** The models and settings the run used, printed with the report (realism inputs). */
  settings: Record<string, string | number | boolean>;
  /** Absent in traces built by hand (tests). */
  strategy?: StrategyTrace;
}
