// The strategy API: everything a user's strategy module sees, and nothing else. A strategy is a module whose default
// export is `defineStrategy({...})`, imported from 'ringbook'; the same module runs unchanged live, in a backtest, in
// every optimizer trial and in the replay page, because the runtime hands it the same events in the same order with
// the same context everywhere.
//
// Contract, in short (docs/strategies.md is the long form):
// - Deterministic by construction: a strategy gets time only from the context (`ctx.now`, timers), randomness only
//   from `ctx.random()`, and does no I/O. The loader refuses a module that reaches for the wall clock, Math.random,
//   timers, the network, the file system, the console or the process, naming the file and line.
// - Risk stays outside: every order request passes the runtime's pre-trade checks (position and notional limits, order
//   rate limits, stale data, daily loss, kill switch) before it reaches a venue. A refused request returns null and is
//   logged with its reason; a strategy cannot loosen a limit (`ctx.limits` only reads them). A handler that throws
//   halts the session safely (cancel all, flatten as configured) and the message names the handler, file and line.
// - Units are in the names: *Tick integer price ticks, *Lot integer size lots, *Quote quote currency (e.g. USDT), *Ns
//   nanoseconds. Prices and sizes are exact integers (numbers: far below 2^53); signals are f64 ratios.
// - Views are live and reused: a Market, its book, its signals, a Trade and an OrderUpdate are read in place and change
//   with the next event. Copy a number out if you need it later; never keep a view's object across events and expect
//   it to hold the old values. Order objects are the exception: one per order, updated as the order moves.

// ---- parameters ----------------------------------------------------------------------------------------------------

/** A number or an integer (in its unit): `--set name=1.5`; bounds are inclusive except `greaterThan`. */
export interface NumberParam {
  type: 'number' | 'integer';
  /** null only with `nullable`. */
  default: number | null;
  min?: number;
  max?: number;
  /** Exclusive lower bound (e.g. a threshold that must be > 0). */
  greaterThan?: number;
  /** null (`--set name=off`) switches the feature the parameter drives off. */
  nullable?: boolean;
  /** Shown beside the value in reports: 'ticks', 'lots', 'quote', 'x', … */
  unit?: string;
  description: string;
}

/** Nanoseconds as an integer; `--set`, config and space files also take "250ms", "2s", "5m", "1h". */
export interface DurationParam {
  type: 'duration';
  default: number | null;
  min?: number;
  max?: number;
  nullable?: boolean;
  description: string;
}

export interface BooleanParam {
  type: 'boolean';
  default: boolean;
  description: string;
}

export interface ChoiceParam {
  type: 'choice';
  default: string;
  values: readonly string[];
  description: string;
}

/** One declared parameter: the optimizer's search space, config files and `--set name=value` are validated against these. */
export type ParamSpec = NumberParam | DurationParam | BooleanParam | ChoiceParam;

/** Parameters by name. Dotted names (`entry.threshold`) group into sections in config files and reports. */
export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

type ValueOf<S> = S extends { type: 'boolean' }
  ? boolean
  : S extends { type: 'choice'; values: readonly (infer V)[] }
    ? V
    : S extends { nullable: true }
      ? number | null
      : number;

/** The resolved values of declared parameters, typed from their specs. */
export type Params<P extends ParamSpecs> = { readonly [K in keyof P]: ValueOf<P[K]> };

/** A parameter value as config files, presets and reports carry it. */
export type ParamValue = number | string | boolean | null;

/** A problem between parameters (or with the operator's limits) found by `validate`. */
export interface ParamProblem {
  /** The declared parameter to change. */
  param: string;
  /** What it must be, e.g. "must be a number > exit.threshold"; the runtime adds ", got <value>". */
  message: string;
}

/** A named starting point: `--preset NAME`. */
export interface Preset {
  /** One line for --help and the docs. */
  summary: string;
  /** Values in the form of a config file: `{ "entry": { "threshold": 0.4 } }` or `{ "entry.threshold": 0.4 }`. */
  values: Readonly<Record<string, unknown>>;
}

// ---- market data -----------------------------------------------------------------------------------------------------

export type Side = 'buy' | 'sell';
export type BookSide = 'bid' | 'ask';

/** Signals the core computed for the message just applied (docs/signals.md gives each definition and unit). */
export interface Signals {
  /** Top-of-book imbalance (qB1 − qA1)/(qB1 + qA1), in [−1, 1]. */
  readonly l1: number;
  /** Imbalance over the first obiLevels levels, equal weights. */
  readonly obiN: number;
  /** Imbalance over the first obiLevels levels, weights decaying with rank. */
  readonly obiW: number;
  /** Imbalance of the depth within bandBps of the mid. */
  readonly obiBand: number;
  /** Order-flow imbalance of the best level (lots), its decayed sum and its normalised form. */
  readonly ofi: number;
  readonly ofiDecay: number;
  readonly ofiNorm: number;
  /** Multi-level OFI at level m (0-based, m < ofiLevels), lots; NaN beyond. */
  mlofi(m: number): number;
  /** Size-weighted mid (the microprice at one level), f64 ticks. */
  readonly microprice: number;
  /** z-score of the configured source over the rolling window; not meaningful until zReady. */
  readonly z: number;
  readonly zReady: boolean;
}

/** The instrument's order book as of the message being handled; ranks beyond the declared `depth` are not readable. */
export interface Book {
  /** This message's book: both sides present and not crossed. (Feed trouble is Market.healthy.) */
  readonly valid: boolean;
  readonly bestBidTick: number;
  readonly bestAskTick: number;
  readonly bestBidLot: number;
  readonly bestAskLot: number;
  /** bestAskTick − bestBidTick. */
  readonly spreadTicks: number;
  /** (bestBidTick + bestAskTick) / 2, f64 ticks. */
  readonly midTick: number;
  /** Price of the level at `rank` (0 = best) on `side`, NaN where there is no level or beyond the declared depth. */
  priceTick(side: BookSide, rank: number): number;
  /** Size of the level at `rank` on `side`, 0 where there is no level or beyond the declared depth. */
  sizeLot(side: BookSide, rank: number): number;
  /** Total size on `side` within `ticks` (≥ 0) of that side's best price (0 = the best level only), over the declared depth. */
  depthLot(side: BookSide, ticks: number): number;
}

/** One public trade (the taker's side). */
export interface Trade {
  readonly priceTick: number;
  readonly sizeLot: number;
  readonly side: Side;
  /** Exchange time of the trade, ns since the run's time origin (see StrategyContext.now). */
  readonly exchNs: number;
}

/** The last `trades` public trades of an instrument (declared in the definition), newest first. */
export interface RecentTrades {
  readonly length: number;
  /** i = 0 is the newest; a reused view, valid until the next call. */
  at(i: number): Trade;
}

/** A working or finished order of ours: one object per order, updated in place as it moves. */
export interface Order {
  readonly clientOid: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: 'limit' | 'market';
  /** Limit price; NaN for a market order. */
  readonly priceTick: number;
  readonly sizeLot: number;
  readonly filledLot: number;
  readonly reduceOnly: boolean;
  /** pending: sent, not acknowledged; working: resting or in the venue's hands; cancelling: cancel sent. */
  readonly state: 'pending' | 'working' | 'cancelling' | 'filled' | 'cancelled' | 'rejected';
  /** The strategy's label ('' when none; an order the runtime did not place, e.g. its own flatten, has ''). */
  readonly tag: string;
  /**
   * Size resting ahead of this order at its price, lots, worked out when read: the simulated venue's estimate in a
   * backtest, the live tracker's estimate from the public book and trades live (src/live/queue-tracker.ts). NaN when
   * unknown (not resting, or no estimate yet).
   */
  readonly queueAheadLot: number;
}

/** Our position in one instrument (one-way mode: signed). Fills move it, never order states. */
export interface Position {
  /** Signed size: > 0 long, < 0 short. */
  readonly lot: number;
  /** Average entry price of the open size, f64 ticks; NaN when flat. */
  readonly avgEntryTick: number;
  /** Σ entry price × size over the open size (FIFO), ticks·lots, exact: compare `px·|lot|` with it, not with the average. */
  readonly costTickLot: number;
  /** Realised PnL of closed size, quote currency (before fees). */
  readonly realisedQuote: number;
  readonly feesQuote: number;
  /** Unrealised PnL marked at the price the position would exit at now (bid for a long, ask for a short), quote. */
  readonly unrealisedQuote: number;
}

/** Static facts of an instrument. */
export interface InstrumentInfo {
  readonly symbol: string;
  /** Quote currency, e.g. "USDT": money in reports is in it. */
  readonly quote: string;
  /** Price of one tick and size of one lot in the exchange's units. */
  readonly tickSize: number;
  readonly lotSize: number;
  readonly makerFeeRate: number;
  readonly takerFeeRate: number;
  /**
   * Whether the venue keeps an order's queue place when an amendment lowers its size at the same price. False on
   * Bitget (every amendment of price or size is a cancel and a new order: docs/bitget.md §5.7) and by default on the
   * local exchange and in a backtest; true with the local exchange's `--amend-keeps-queue` or the backtest's. A price
   * change loses the place everywhere. A market maker amends a size down in place only where this is true, and
   * otherwise leaves the order or cancels and replaces it as it sees fit.
   */
  readonly amendKeepsQueue: boolean;
}

/** One instrument as the strategy sees it. The same object for the whole run; its contents move with the events. */
export interface Market {
  readonly info: InstrumentInfo;
  /** Position of this instrument in the run's instrument list (stable for the run). */
  readonly index: number;
  readonly book: Book;
  readonly signals: Signals;
  readonly trades: RecentTrades;
  readonly position: Position;
  /** Our orders on this instrument that are not finished, oldest first. */
  readonly orders: readonly Order[];
  /** False from a feed problem (a gap, a checksum mismatch, a disconnect) until the next valid book message. */
  readonly healthy: boolean;
  /** What made the data unhealthy (e.g. "gap"); '' while healthy. */
  readonly healthReason: string;
  /** Local (receive) time of the last message, ns since the run's origin. It may be earlier than ctx.now (a tick). */
  readonly localNs: number;
  /** Exchange time of the last message, ns since the run's origin. */
  readonly exchNs: number;
  /** localNs − exchNs: the feed latency (negative when the local clock is behind). */
  readonly feedLatencyNs: number;
  /** Whether this instrument may be traded (declared in `instruments.trade`), or only watched. */
  readonly tradable: boolean;
}

// ---- orders and their updates ------------------------------------------------------------------------------------

export interface PlaceRequest {
  /** Instrument symbol; defaults to the only traded instrument when there is one. */
  symbol?: string;
  side: Side;
  /** A positive integer of lots. */
  sizeLot: number;
  /** Limit price in ticks (a positive integer); omit with type 'market'. */
  priceTick?: number;
  /** Default 'limit'. */
  type?: 'limit' | 'market';
  /** Default 'gtc' for limit orders; market orders are always 'ioc'. */
  timeInForce?: 'gtc' | 'ioc' | 'fok' | 'postOnly';
  /**
   * Only reduces the position: never held back by the position limits, nor by entries that used the order rate limits
   * up (it goes until twice them: docs/strategies.md, Risk stays outside). Refused when its size and the reduce-only
   * orders already working on its side (a cancel not yet asked for) would pass the position it reduces.
   */
  reduceOnly?: boolean;
  /**
   * A label of the strategy's own (≤ 16 chars), kept on the order. Reports name each round trip (flat to flat) after
   * the tag of the order whose fill closed it ("external" for an order the runtime did not place).
   */
  tag?: string;
}

/**
 * On Bitget an amendment of price or size is a cancel and a new order at the back of the queue (docs/bitget.md §5.7),
 * so it saves a request, not the queue place; a partly filled order cannot be amended there (the answer is
 * `amendRejected`). The local exchange and the backtest's simulated venue do the same by default; with their
 * `--amend-keeps-queue` a size decrease at the same price keeps the place (the rule of many other venues). Which rule
 * the run's venue follows: `m.info.amendKeepsQueue`. At least one of the two, each a positive integer (ctx.amend throws
 * otherwise).
 */
export interface AmendRequest {
  /** New price; a price change loses the queue place on every venue. */
  priceTick?: number;
  /** New total size (a decrease keeps the queue place only where `m.info.amendKeepsQueue`: above). */
  sizeLot?: number;
}

export type OrderUpdateKind =
  'accepted' | 'rejected' | 'partiallyFilled' | 'filled' | 'cancelled' | 'cancelRejected' | 'amended' | 'amendRejected';

/** What happened to one of our orders. A reused object: read it inside onOrder. */
export interface OrderUpdate {
  readonly kind: OrderUpdateKind;
  readonly order: Order;
  /** The fill of a partiallyFilled / filled update (else NaN / 0 / false). */
  readonly fillPriceTick: number;
  readonly fillLot: number;
  readonly feeQuote: number;
  readonly maker: boolean;
  /** The venue's code and message for rejected / cancelRejected / amendRejected ('' otherwise). */
  readonly code: string;
  readonly message: string;
  /** A rejected order that may go through if sent again (a rate limit, a busy venue). */
  readonly retryable: boolean;
}

// ---- the context -------------------------------------------------------------------------------------------------

export type LogLevel = 'info' | 'warn' | 'error';

/** The operator's risk limits for this session (risk.* settings): read them to size orders; they cannot be changed here. */
export interface RiskLimits {
  readonly maxPositionLot: number;
  /** |position| × mark, ticks·lots; null: no limit. */
  readonly maxNotionalTickLot: number | null;
  /** New orders and amendments that change a price or add size, sent in the last rolling second / minute. */
  readonly maxOrdersPerSecond: number;
  readonly maxOrdersPerMinute: number;
  readonly maxDailyLossQuote: number;
}

/**
 * trading: orders go out (through the risk checks). reconciling: the runtime is asking the venue for the truth after a
 * disconnect or an unanswered request; every order request is refused until it resumes. halted: a risk breach, the
 * kill switch, a failed exit or a handler that threw stopped trading for the session.
 */
export type RuntimeStatus = 'trading' | 'reconciling' | 'halted';

export interface StrategyContext<V = Readonly<Record<string, ParamValue>>> {
  /** The resolved parameter values of this run. */
  readonly params: V;
  /** The operator's risk limits (read-only). */
  readonly limits: RiskLimits;
  /**
   * The strategy clock: ns since the run's time origin (`originNs`, 00:00 UTC of the run's first day), exact (below
   * 2^53: 104 days). Moves only with the market and the tick grid: the local receive time of the book message or trade
   * being handled, or the tick a timer fired on; an order update is handled at the clock of the last of those (so a
   * replay decides at the same times as live). Never goes back.
   */
  readonly now: number;
  /** The run's time origin, ns since the Unix epoch (exact). `originNs + BigInt(now)` is the Unix time. */
  readonly originNs: bigint;
  readonly status: RuntimeStatus;
  /** The instrument by symbol (throws on a symbol the run does not have); no symbol: the only traded instrument. */
  market(symbol?: string): Market;
  /** Every instrument of the run, in the run's order. */
  readonly markets: readonly Market[];
  /** Sends an order through the risk checks; returns its clientOid, or null when refused (the reason is logged and counted). */
  place(req: PlaceRequest): string | null;
  /**
   * Asks to cancel one order: true when this call asked for it (sent now, or as soon as the place or amend in flight is
   * answered). False, with nothing sent, for an order that is not live (finished, or not ours: counted cancel.notLive)
   * or whose cancel was already asked, by ctx.cancel, cancelAll, flatten or a halt (counted cancel.repeated): a cancel
   * never goes out twice. Throws on an id that is not a string.
   */
  cancel(clientOid: string): boolean;
  /**
   * Changes price and/or size of a working limit order (risk-checked like a place): true when the amendment went out.
   * A malformed request throws whatever the order's state, as a malformed place does: not an object, neither priceTick
   * nor sizeLot, a value that is not a positive integer; so does an amendment of a market order, or to a size not above
   * what already filled. False, with nothing sent, for an order that is not live (counted amend.notLive), an amendment
   * to the price and size it has (amend.noChange), an order busy with a request in flight or cancelling
   * (risk.denied.orderBusy, logged) or a risk limit's refusal (risk.denied.<limit>, logged).
   */
  amend(clientOid: string, req: AmendRequest): boolean;
  /** Cancels every live order (of one instrument, or all). */
  cancelAll(symbol?: string): void;
  /** Cancels the instrument's orders (or all) and closes its position with a reduce-only market order tagged 'flatten'. */
  flatten(symbol?: string): void;
  /** Our order by clientOid (live or recently finished), or null. */
  order(clientOid: string): Order | null;
  /**
   * Calls onTimer(id) once at or after `delayNs` from now. Timers fire on the runtime's tick grid (every 50 ms of
   * local time, the same grid live and in replay), so the delay is rounded up to the next tick (a delay ≤ 0: the next
   * tick). Setting an id that is already set moves it.
   */
  setTimer(id: string, delayNs: number): void;
  clearTimer(id: string): void;
  /** Uniform in [0, 1) from the run's seeded generator: the same seed, the same sequence, everywhere. */
  random(): number;
  /** A line for the session's log (kept, bounded, in reports; printed live). */
  log(message: string, level?: LogLevel): void;
  /** Adds a point (now, value) to the named series shown in reports and on the replay page. */
  record(name: string, value: number): void;
  /** Adds n to a named counter; reports list counters under "why no trades" (e.g. 'gate.spread' for an entry a gate blocked). */
  count(name: string, n?: number): void;
  /** Stops trading: cancels everything, flattens if `flatten`, and no further order is accepted this session. */
  halt(reason: string, flatten?: boolean): void;
}

// ---- the definition ------------------------------------------------------------------------------------------------

export interface StrategyHandlers {
  /** Once, before the first event. */
  onStart?(): void;
  /** After the core applied a book message of `m` and computed its signals. */
  onBook?(m: Market): void;
  /** A public trade on `m` (also in m.trades). */
  onTrade?(m: Market, t: Trade): void;
  /** An update of one of our orders (position and orders in the Market views are already updated). */
  onOrder?(u: OrderUpdate): void;
  /** A timer set with ctx.setTimer is due. */
  onTimer?(id: string): void;
  /** m's market data turned unhealthy (a gap, a resync, a disconnect: m.healthy false, m.healthReason) or recovered. */
  onHealth?(m: Market): void;
  /** The runtime lost track of orders or position (a disconnect, an unanswered request) and asks the venue; order requests are refused until onResume. */
  onReconcile?(reason: string): void;
  /** Trading again after a reconcile (orders and positions are the venue's) or an operator's reset of a halt. */
  onResume?(): void;
  /** The runtime halted the session (risk breach, kill switch, a failed exit, a handler that threw): no more orders. After it only onOrder and onStop are called. */
  onHalt?(reason: string): void;
  /** Once, at the end of the run. */
  onStop?(): void;
  /** Where the strategy is, in a word (e.g. 'IN_POSITION'): status lines and reports show it. */
  phase?(): string;
}

/** The core's signal settings a strategy may choose (docs/signals.md). */
export interface SignalSettings {
  obiLevels: number;
  obiLambda: number;
  bandBps: number;
  ofiLevels: number;
  tauNs: number;
  zWindow: number;
  zSource: 'l1' | 'obiN' | 'obiW' | 'obiBand' | 'ofi' | 'ofiDecay' | 'ofiNorm' | 'mlofi' | 'microprice';
}

export interface StrategyDefinition<P extends ParamSpecs = ParamSpecs> {
  /** Lower-case words and dashes, e.g. "signal-taker". */
  name: string;
  description?: string;
  params: P;
  /** Named starting points for `--preset NAME`. */
  presets?: Readonly<Record<string, Preset>>;
  /** Rules between parameters, and against the operator's limits: the first one broken, or nothing. */
  validate?(p: Params<P>, limits: RiskLimits): ParamProblem | null | undefined;
  /**
   * Symbols the strategy trades and watches. Omitted: it trades every instrument of the run. A run whose instruments
   * do not include a declared symbol is refused at start with the missing symbol named. `single: true`: the strategy
   * trades one instrument, the run's only one (it calls ctx.market() without a symbol, or keeps one state for all);
   * every command refuses to start it over several symbols, before anything runs.
   */
  instruments?: { trade?: readonly string[]; watch?: readonly string[]; single?: boolean };
  /** Book levels per side the strategy reads through Market.book by rank, the touch included (0 or 1: the touch only). Default 0. */
  depth?: number;
  /** Public trades kept per instrument in Market.trades. Default 0. */
  trades?: number;
  /** The core's signal settings for this run (may depend on the parameters). */
  signals?(p: Params<P>): Partial<SignalSettings>;
  /** Makes the handlers of one run; keep the run's state in this closure. */
  create(ctx: StrategyContext<Params<P>>): StrategyHandlers;
}

/** Declares a strategy: the default export of a strategy module. */
export function defineStrategy<const P extends ParamSpecs>(def: StrategyDefinition<P>): StrategyDefinition<P> {
  return def;
}
