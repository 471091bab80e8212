// The strategy runtime: hosts one strategy's handlers for one run and stands between them and the venue. Market data
// in (book messages read in place from slots, public trades, feed health, ticks of the 50 ms grid), executor events in
// (acks, fills, cancels, rejects, resyncs, disconnects, the operator's kill switch and reset), Actions out, in order.
// What is not the strategy's lives here, the same live and in every replay: own orders (any number per side and
// instrument), positions from fills, the risk gate every order passes and the breach checks that halt, order
// timeouts → reconcile → resume or halt, the strategy's timers, round trips, counters, logs and recorded series.
//
// Deterministic: no clock (time is the latest book message's local stamp or tick, ns since the run's origin, a UTC
// midnight), no ids of its own (clientOids are rb-<tag>-<n>), so the same events give the same actions, bit for bit.
// A handler that throws halts the session (cancel all, flatten as risk.flattenOnBreach says) with the handler's name
// and the strategy file's line in the reason.
import type {
  AmendRequest,
  LogLevel,
  Market,
  Order,
  OrderUpdate,
  OrderUpdateKind,
  ParamValue,
  PlaceRequest,
  RiskLimits,
  RuntimeStatus,
  StrategyContext,
  StrategyDefinition,
  StrategyHandlers,
} from './api';
import type { Action, Event, Side, TimeInForce } from './events';
import { isFlattenOid, MAX_CLIENT_OID } from './ids';
import { AMEND, CANCEL, NONE, OwnOrder, PLACE, markCancelled, placeAnswered, requestCancel, type QueueSource } from './orders';
import { applyFill, newPosition, unrealisedTickLot, type PositionState } from './position';
import {
  DayBaseline,
  PlaceWindow,
  amountsApart,
  durationsApart,
  exposureRefusal,
  rateRefusal,
  type Refusal,
  refusalCounter,
  type BreachKind,
} from './risk';
import type { RuntimeSettings } from './settings';
import { Cursor, MarketView, PositionView, Slots, TradesView, num64 } from './views';
import { meantText, names, strictCopy, strictReads } from './strict-reads';
import { S, State } from '../core/record';
import { mulberry32 } from '../random/mulberry32';
import { duration } from '../format/numbers';
import { levenshtein } from '../format/suggest';
import { ASYNC_REFUSAL, sourceOf } from './sandbox';
import { Timers } from './timers';
import { lotText, priceText, quoteOf, quoteOfGrid, type Grid } from './units';
import { CODE_CREATE, CODE_ON_BOOK, CODE_ON_ORDER, CODE_ON_TIMER, HANDLER_NAMES as CELL_NAMES, handlerCode } from './handler-cell';
import { errorText } from '../format/errors';

/** One instrument of a run. */
export interface RuntimeInstrument {
  symbol: string;
  /** Quote currency (default: USDT for a symbol ending in it, else "quote"). */
  quote?: string;
  tickSize: number;
  lotSize: number;
  makerFeeRate: number;
  takerFeeRate: number;
  /** The venue keeps an order's queue place when an amendment only lowers its size (InstrumentInfo.amendKeepsQueue). */
  amendKeepsQueue?: boolean;
}

/** A closed round trip (flat to flat), times in ns since the run's origin. */
export interface RoundTrip {
  inst: number;
  dir: 1 | -1;
  entryNs: number;
  exitNs: number;
  /** Realised P&L of the round trip before fees, ticks·lots (exact). */
  realisedTickLot: number;
  /** Fees after the opening fill (the opening fill's own fee is the entry's, counted in the position). */
  feesQuote: number;
  /** Tag of the order whose fill closed it; 'external' for an order the runtime did not place. */
  reason: string;
}

export interface LogLine {
  /** ns since the run's origin. */
  t: number;
  level: LogLevel;
  message: string;
}

export interface RuntimeOptions {
  definition: StrategyDefinition;
  /** The strategy's resolved parameter values (flat, checked: ../params resolveValues). */
  params: Readonly<Record<string, ParamValue>>;
  settings: RuntimeSettings;
  instruments: readonly RuntimeInstrument[];
  /** The run's time origin, ns since the epoch: a UTC midnight (originOf). */
  originNs: bigint;
  /** clientOids are rb-<idTag>-<n>. */
  idTag?: string;
  /** ctx.random()'s seed. */
  seed?: number;
  /** Multi-level OFI levels the core computes (Signals.mlofi reads that many). */
  ofiLevels?: number;
  /** Slots the instruments' book messages are read from (each may be re-attached with attach()). */
  slots?: Slots;
  /** Every log line as it is written (live prints them). */
  onLog?(line: LogLine): void;
  /** Every closed round trip. */
  onRoundTrip?(trip: RoundTrip): void;
  /** Turns a strategy's error into "message (file:line)" (the loader maps the bundle's stack to the user's file). */
  describeError?(err: unknown): string;
  /** Log lines kept for reports (the newest; default 1000). */
  maxLogLines?: number;
  /** Points kept per recorded series (halving its resolution past it; default 20 000). */
  maxRecordPoints?: number;
  /** Where the runtime marks the handler it is in, for a watchdog on another thread (./handler-cell). */
  handlerCell?: Int32Array;
}

const NO_ACTIONS = Object.freeze([]) as unknown as Action[];
const DAY = 86_400_000_000_000n;
const RECENT_ORDERS = 1024;
const TWO32 = 4294967296;

/** Checks an instrument's grid facts and fee rates (a misread venue answer must not reach the risk checks). */
export function validateInstrument(inst: RuntimeInstrument): void {
  const bad = (field: string, what: string, v: unknown) => new Error(`instrument: ${field} must be ${what}, got ${JSON.stringify(v)}`);
  if (!(typeof inst.tickSize === 'number' && inst.tickSize > 0 && Number.isFinite(inst.tickSize)))
    throw bad('tickSize', 'a number > 0', inst.tickSize);
  if (!(typeof inst.lotSize === 'number' && inst.lotSize > 0 && Number.isFinite(inst.lotSize)))
    throw bad('lotSize', 'a number > 0', inst.lotSize);
  for (const k of ['makerFeeRate', 'takerFeeRate'] as const) {
    const v = inst[k];
    if (!(typeof v === 'number' && v > -0.01 && v < 0.01)) throw bad(k, 'a fraction in (-0.01, 0.01) (0.0006 = 6 bps)', v);
  }
}

/** 00:00 UTC of the day `ns` falls in: the runtime's origin for a run whose first event is at `ns`. */
export function originOf(ns: bigint): bigint {
  return ns - (((ns % DAY) + DAY) % DAY);
}

interface Trip {
  open: boolean;
  dir: 1 | -1;
  entryNs: number;
  startRealised: number;
  startFees: number;
}

interface Inst {
  setup: RuntimeInstrument;
  market: MarketView;
  /** Where its book messages are read (the views read through it too; the strategy cannot reach it). */
  cursor: Cursor;
  /** Its public trades (market.trades, kept here: a strategy that replaced that property does not stop them). */
  trades: TradesView;
  /** The runtime's own copies of what the Market view shows: those a strategy can write are not trusted. */
  tradable: boolean;
  healthy: boolean;
  healthReason: string;
  /** The feed latency of its last book message (NaN: none yet). */
  latencyNs: number;
  position: PositionState;
  posView: PositionView;
  tickLotQuote: number;
  /** Local time of the last valid book message (NaN: none yet), and its touch. */
  lastValidNs: number;
  lastValidBid: number;
  lastValidAsk: number;
  /** Live orders of the instrument, oldest first; market.orders holds their views in the same order (the strategy's copy). */
  orders: OwnOrder[];
  trip: Trip;
}

/** A series the strategy records: points (t, value), thinned to every other point past the cap. */
export class Series {
  t: number[] = [];
  v: number[] = [];
  /** Keep one point in `every` (doubles each time the cap is hit). */
  private every = 1;
  private skip = 0;
  constructor(private readonly cap: number) {}
  add(t: number, v: number): void {
    if (++this.skip < this.every) return;
    this.skip = 0;
    this.t.push(t);
    this.v.push(v);
    if (this.t.length >= this.cap) {
      this.t = this.t.filter((_, i) => i % 2 === 0);
      this.v = this.v.filter((_, i) => i % 2 === 0);
      this.every *= 2;
    }
  }
}

/** What StrategyHandlers names: the members the runtime calls (the watchdog's handler names, and phase). */
const HANDLER_NAMES: readonly (keyof StrategyHandlers)[] = [
  ...CELL_NAMES.filter((n): n is Exclude<(typeof CELL_NAMES)[number], '' | 'create'> => n !== '' && n !== 'create'),
  'phase',
];

/** The handler a member's name looks like a slip of (case, or an edit or two; one for a short name), or null. */
function misspeltHandler(key: string): string | null {
  const k = key.toLowerCase();
  let best: string | null = null;
  let bestD = Infinity;
  for (const h of HANDLER_NAMES) {
    const d = levenshtein(k, h.toLowerCase());
    if (d < bestD) [best, bestD] = [h, d];
  }
  return bestD <= (key.length <= 6 ? 1 : 2) ? best : null;
}

/**
 * What is wrong with a handler whose body runs later than its call (an async function, a generator), or null: the
 * handler would return before its body ran. Only a bundle loaded without the static check (one dropped on the replay
 * page) can still have one.
 */
function isDeferred(fn: unknown): string | null {
  if (typeof fn !== 'function') return null;
  const tag = Object.prototype.toString.call(fn);
  return tag === '[object AsyncFunction]' || tag === '[object AsyncGeneratorFunction]'
    ? `${tag === '[object AsyncFunction]' ? 'an async function' : 'an async generator'}: ${ASYNC_REFUSAL}`
    : tag === '[object GeneratorFunction]'
      ? 'a generator: its body runs only when iterated, never when the runtime calls it: make it a plain method'
      : null;
}

/**
 * create()'s answer: an object, whose handler members are functions. Other members are the strategy's own (reports
 * read obi-ofi's `inspect`), except a name a handler's is mistyped into: `onbook` would never be called, and the run
 * would only say that the strategy's conditions were never met.
 */
function checkHandlers(def: StrategyDefinition, h: unknown): asserts h is StrategyHandlers {
  const file = sourceOf(def);
  const who = `strategy ${def.name}${file ? ` (${file})` : ''}`;
  if (h === null || typeof h !== 'object')
    throw new Error(
      `${who}: create() returned ${h === null ? 'null' : typeof h === 'undefined' ? 'nothing' : `a ${typeof h}`}: it must return an object of handlers, e.g. \`return { onBook(m) { … } }\` (a missing \`return\`?)`,
    );
  const problems: string[] = [];
  for (let o: object | null = h; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o))
    for (const key of Object.getOwnPropertyNames(o)) {
      if (key === 'constructor') continue;
      if ((HANDLER_NAMES as readonly string[]).includes(key)) {
        const d = Object.getOwnPropertyDescriptor(o, key)!;
        // read without calling a getter: a handler is a method
        if ('value' in d && d.value !== undefined && typeof d.value !== 'function')
          problems.push(`${key} must be a function, got ${d.value === null ? 'null' : typeof d.value}`);
        else if ('value' in d && isDeferred(d.value) !== null) problems.push(`${key} is ${isDeferred(d.value)}`);
        continue;
      }
      const near = misspeltHandler(key);
      if (near !== null) problems.push(`${key} is not a handler: did you mean ${near}?`);
    }
  if (problems.length > 0)
    throw new Error(`${who}: the handlers create() returned: ${problems.join('; ')} (the handlers: ${HANDLER_NAMES.join(', ')})`);
}

/** Takes `x` out of `list` in place (splice would make an array of the removed one: an order ends for most fills and cancels). */
function takeOut<T>(list: T[], x: T): void {
  const i = list.indexOf(x);
  if (i < 0) return;
  for (let j = i; j < list.length - 1; j++) list[j] = list[j + 1];
  list.pop();
}

/** The fields of an order request and of an amendment (a null prototype: `k in` finds these only). */
const PLACE_FIELDS: Record<keyof PlaceRequest, true> = Object.assign(
  Object.create(null) as object,
  {
    symbol: true,
    side: true,
    sizeLot: true,
    priceTick: true,
    type: true,
    timeInForce: true,
    reduceOnly: true,
    tag: true,
  } as const,
);
const AMEND_FIELDS: Record<keyof AmendRequest, true> = Object.assign(
  Object.create(null) as object,
  {
    priceTick: true,
    sizeLot: true,
  } as const,
);

/** A request's field that is not one, with the one most likely meant. */
function unknownField(call: string, key: string, fields: object): string {
  return `${call}: ${JSON.stringify(key)} is not a field of the request${meantText(key, Object.keys(fields), `a ${call} request`)}`;
}

/** An amendment as a refusal names it (made only when one is refused: a market maker amends on most messages). */
function amendText(g: Grid, clientOid: string, size: number, price: number): string {
  return `amend of ${clientOid} to ${lotText(g, size)} at ${priceText(g, price)}`;
}

export class StrategyRuntime {
  readonly definition: StrategyDefinition;
  readonly settings: RuntimeSettings;
  readonly originNs: bigint;
  readonly markets: MarketView[];
  readonly ctx: StrategyContext;
  /** The same context, with its clock writable here. */
  private readonly cx: Context;
  readonly counters: Record<string, number> = {};
  /** Closed round trips (bounded by the run; the backtest reads them as they close). */
  readonly roundTrips: RoundTrip[] = [];
  /**
   * How the run's orders ended: filled; cancelled by the strategy (ctx.cancel, cancelAll, flatten); cancelled by the
   * runtime (its cancel-all at a halt, the stop's kill switch included, or a reconcile, or gone from the venue at a
   * reconcile); expired (an IOC, FOK or market order the venue ended with nothing more to take); cancelled by the
   * venue unasked (a resting order: post-only that would take, reduce-only beyond the position); rejected.
   */
  readonly ended = { filled: 0, cancelled: 0, runtimeCancelled: 0, expired: 0, venueCancelled: 0, rejected: 0 };
  readonly series = new Map<string, Series>();
  /** The newest log lines (at most maxLogLines) and how many were written in all. */
  readonly logs: LogLine[] = [];
  logCount = 0;

  /** The clock: ns since originNs. */
  now = -Infinity;
  status: RuntimeStatus = 'trading';
  haltReason: string | null = null;
  /** When the session halted (ns since the origin); NaN while it has not. */
  haltedNs = NaN;

  private readonly h: StrategyHandlers;
  private readonly insts: Inst[];
  /** The currency money is in, for messages: the instruments' quote ("quote" when they differ or it is not known). */
  private readonly quote: string;
  private readonly orders = new Map<string, OwnOrder>();
  /**
   * Finished orders, for ctx.order() and late fills: the last RECENT_ORDERS, a ring (bounded memory, O(1) to
   * remember; looked up newest first, which is rare: a strategy holds its Orders, and late fills are few).
   */
  private readonly finished: OwnOrder[] = [];
  private finishedNext = 0;
  private liveOrders = 0;
  private openPositions = 0;
  /**
   * The actions of the event being handled (the first outN) and their instruments: arrays kept for the run, never
   * shortened (a new array, or one cut to length 0, takes room for 16 at its first push: ~150 bytes each, and an event
   * that acts — a market maker's every few messages — made two). taken() hands out a copy of exactly the actions.
   */
  private readonly out: Action[] = [];
  private outN = 0;
  private outInst: number[] = [];
  /** The instruments of the last answer (taken() hands out a copy of `out` and swaps these, so actionInst reads them after). */
  private takenInst: number[] = [];
  private readonly window = new PlaceWindow();
  private readonly day = new DayBaseline();
  private clockOffsetNs: number | null = null;
  /** The reconcile under way; `awaiting[i]`: instrument i's venue truth (its executor's resynced) is still to come. */
  private reconcile = { attempts: 0, sentNs: 0, reason: '', awaiting: [] as boolean[] };
  venueMismatch = false;
  /** clientOids are numbered here, never reused: rb-<tag>-<n>. */
  private nextOid = 1;
  private readonly idTag: string;
  private readonly random: () => number;
  /**
   * A full risk check passed, and nothing it reads has changed since but the clock, the feed latency of later messages,
   * the touch of flat instruments, and exposure going down (riskCheck's fast path; see there).
   */
  private riskClean = false;
  /** Since that check: the first time an instrument exposed then can go stale (Infinity: none was exposed). */
  private riskSafeUntil = Infinity;
  /** Since that check the exit-side touch of a position moved: equity and notional must be checked again. */
  private riskMarked = false;
  /** computeEquity's answer. */
  private equityNow = 0;
  /** Tests: every check the fast path passes is made in full too, and must pass; how many were, and how many not. */
  auditRisk = false;
  riskFastPasses = 0;
  riskFullChecks = 0;
  /** The feed latency breach() checks (NaN: none). */
  private breachLat = NaN;
  /** quietUntil's answer for the current state (NaN: not known, call quietUntil): a loop reads it without a call. */
  quietNs = NaN;
  /** Something quietUntil depends on changed during the current event. */
  private dirty = false;
  /** The earliest order timeout (T_ack), NaN when it must be worked out again. */
  private ackDue = NaN;
  private readonly timers = new Timers();
  private readonly update = new Update();
  private readonly maxLog: number;
  private readonly maxPoints: number;
  private readonly originHi: number;
  private readonly originLo: number;
  private started = false;
  private stopped = false;
  /** Refusal logs by kind: when one was last written, and how many were held back since. */
  private readonly refusalLog = new Map<string, { t: number; held: number }>();
  /** Called for every book message, before the strategy (reports watch what the signal did). */
  observer: ((m: Market) => void) | null = null;
  /** Queue estimates for our resting orders (order.queueAheadLot): the simulated venue's, or the live tracker's. */
  private readonly queue: QueueSource = { ahead: null };

  /**
   * The handler running now (./handler-cell), for a watchdog on another thread: whenever strategy code runs, the cell
   * names the innermost handler it runs in. onBook is only ever called from outside every handler, so the cell keeps
   * naming it after it returns (until another handler runs): a book message then costs a compare of `cellCode`, not
   * shared-memory stores, and strategy code runs only in handlers, so a thread stuck in it is in the one named.
   */
  private readonly handlerCell: Int32Array;
  /** What the runtime last wrote into handlerCell. */
  private cellCode = 0;

  /** Lots ahead of a resting order of ours, by clientOid: the backtest's simulated venue or the live queue tracker. */
  set queueAhead(f: ((clientOid: string) => number) | null) {
    this.queue.ahead = f;
  }

  constructor(private readonly o: RuntimeOptions) {
    this.definition = o.definition;
    this.settings = o.settings;
    this.originNs = o.originNs;
    this.originHi = Number(BigInt.asIntN(64, o.originNs) >> 32n);
    this.originLo = Number(BigInt.asUintN(32, o.originNs));
    this.idTag = o.idTag ?? 'bt';
    if (!/^[A-Za-z0-9_]{1,32}$/.test(this.idTag))
      throw new Error(`clientOid run tag must be 1–32 of [A-Za-z0-9_], got ${JSON.stringify(this.idTag)}`);
    this.random = mulberry32(o.seed ?? 1);
    this.maxLog = o.maxLogLines ?? 1000;
    this.maxPoints = o.maxRecordPoints ?? 20_000;
    const def = o.definition;
    const trade = def.instruments?.trade;
    const watch = def.instruments?.watch ?? [];
    const symbols = o.instruments.map((i) => i.symbol);
    for (const s of [...(trade ?? []), ...watch])
      if (!symbols.includes(s))
        throw new Error(`strategy ${def.name} declares ${s}, which this run does not have (instruments: ${symbols.join(', ') || 'none'})`);
    for (const i of o.instruments) validateInstrument(i);
    const slots = o.slots ?? new Slots(o.instruments.length, def.depth ?? 0);
    this.insts = o.instruments.map((setup, index) => {
      const tickLotQuote = setup.tickSize * setup.lotSize;
      const position = newPosition();
      const posView = new PositionView(position, tickLotQuote);
      const tradable = trade ? trade.includes(setup.symbol) : !watch.includes(setup.symbol);
      const cursor = new Cursor(slots);
      const market = new MarketView(
        strictCopy(
          {
            symbol: setup.symbol,
            quote: setup.quote ?? quoteOf(setup.symbol),
            tickSize: setup.tickSize,
            lotSize: setup.lotSize,
            makerFeeRate: setup.makerFeeRate,
            takerFeeRate: setup.takerFeeRate,
            amendKeepsQueue: setup.amendKeepsQueue === true,
          },
          'm.info',
        ),
        index,
        cursor,
        posView,
        tradable,
        o.ofiLevels ?? 5,
        def.trades ?? 0,
        def.depth ?? 0,
      );
      return {
        setup,
        market,
        cursor,
        trades: market.trades,
        tradable,
        healthy: true,
        healthReason: '',
        latencyNs: NaN,
        position,
        posView,
        tickLotQuote,
        lastValidNs: NaN,
        lastValidBid: NaN,
        lastValidAsk: NaN,
        orders: [],
        trip: { open: false, dir: 1, entryNs: 0, startRealised: 0, startFees: 0 },
      };
    });
    this.markets = this.insts.map((i) => i.market);
    const quotes = new Set(o.instruments.map(quoteOfGrid));
    this.quote = quotes.size === 1 ? [...quotes][0] : 'quote';
    // The strategy reads the limits and its parameters; the runtime decides on the settings themselves. It gets copies
    // of exactly what the API lists, frozen: writing to one throws (strict code) or does nothing, and decides nothing.
    const r = o.settings.risk;
    this.limits = strictCopy(
      {
        maxPositionLot: r.maxPositionLot,
        maxNotionalTickLot: r.maxNotionalTickLot,
        maxOrdersPerSecond: r.maxOrdersPerSecond,
        maxOrdersPerMinute: r.maxOrdersPerMinute,
        maxDailyLossQuote: r.maxDailyLossQuote,
      },
      'ctx.limits',
    );
    this.ctx = this.cx = new Context(this, strictCopy({ ...o.params }, 'ctx.params'));
    this.handlerCell = o.handlerCell ?? new Int32Array(1);
    this.mark(CODE_CREATE);
    // create() runs before any order could exist: a throw there fails the start instead of halting a session
    try {
      // the definition is typed from its own specs; its values are the resolved ones of those specs
      this.h = def.create(this.ctx as unknown as Parameters<typeof def.create>[0]);
    } catch (err) {
      const what = o.describeError ? o.describeError(err) : errorText(err);
      throw new Error(`strategy ${def.name}: create() failed: ${what}`);
    } finally {
      this.mark(0);
    }
    checkHandlers(def, this.h);
  }

  // ---- inputs ----------------------------------------------------------------------------------------------------

  /** Points instrument `inst`'s views at another slot buffer (after it grew), its latest message at byte `base`. */
  attach(inst: number, slots: Slots, base: number): void {
    this.insts[inst].cursor.point(slots, base);
  }

  /** Whether anything may read the Market views (signals, book): a handler that gets the market, or an observer. */
  get readsViews(): boolean {
    const h = this.h;
    return (
      !!(
        h.onBook ||
        h.onTrade ||
        h.onTimer ||
        h.onOrder ||
        h.onHealth ||
        h.onReconcile ||
        h.onResume ||
        h.onHalt ||
        h.onStart ||
        h.onStop
      ) || this.observer !== null
    );
  }

  /** Calls onStart (once, before the first event); `t`: the run's first local time (ns since the origin). */
  start(t?: number): Action[] {
    this.begin();
    if (t !== undefined && t > this.now) this.cx.now = this.now = t;
    if (!this.started) {
      this.started = true;
      if (this.h.onStart) this.call('onStart', () => this.h.onStart!());
    }
    return this.taken();
  }

  /** A book message of instrument `inst`, in the slot at byte `base` of its slots (the core's signal record). */
  book(inst: number, base: number): Action[] {
    const quiet = this.quietNs;
    this.begin();
    const I = this.insts[inst];
    const m = I.market;
    const c = I.cursor;
    c.base = base;
    c.fields = c.slots.f64;
    c.fieldAt = (base + S.fields) / 8;
    const w = c.slots.i32;
    // the stamps from their halves relative to the origin's: no bigint (rel(), written out: this is the hot path)
    const lw = (base + S.localTs) >> 2;
    const ew = (base + S.exchTs) >> 2;
    const local = (w[lw + 1] - this.originHi) * TWO32 + ((w[lw] >>> 0) - this.originLo);
    const exch = (w[ew + 1] - this.originHi) * TWO32 + ((w[ew] >>> 0) - this.originLo);
    m.localNs = local;
    m.exchNs = exch;
    I.latencyNs = local - exch;
    if (local > this.now) this.cx.now = this.now = local;
    const state = c.slots.u8[base + S.state];
    const bid = num64(w, base + S.bestBid);
    const ask = num64(w, base + S.bestAsk);
    c.state = state;
    c.bid = bid;
    c.ask = ask;
    if ((state & State.valid) !== 0 && !(local < I.lastValidNs)) {
      I.lastValidNs = local;
      // the exit-side touch marks a position (equity, notional): a new one needs a full risk check
      const lot = I.position.lot;
      if (lot > 0 ? bid !== I.lastValidBid : lot < 0 && ask !== I.lastValidAsk) this.riskMarked = true;
      I.lastValidBid = bid;
      I.lastValidAsk = ask;
      I.posView.bidTick = bid;
      I.posView.askTick = ask;
    }
    if (this.observer !== null) this.observer(m);
    if (this.status === 'halted') return this.taken();
    this.dirty = false;
    this.breachLat = local - exch;
    if (this.riskCheck(inst)) return this.taken();
    // the runtime's own timers run only while orders are live or a reconcile is under way
    if ((this.liveOrders !== 0 || this.status === 'reconciling') && this.runtimeTimers()) return this.taken();
    if (this.h.onBook) this.callBook(m);
    // A message that neither acted nor changed what quietUntil reads only moves deadlines later: keep the answer.
    if (this.outN === 0 && !this.dirty) this.quietNs = quiet;
    return this.taken();
  }

  /** A public trade of `inst` reaching the strategy at local time `localNs` (ns since the origin). */
  trade(inst: number, priceTick: number, sizeLot: number, takerBuy: boolean, exchNs: number, localNs: number): Action[] {
    this.begin();
    const m = this.insts[inst].market;
    const trades = this.insts[inst].trades;
    trades.push(priceTick, sizeLot, takerBuy, exchNs);
    if (localNs > this.now) this.cx.now = this.now = localNs;
    if (this.status === 'halted' || !this.h.onTrade) return this.taken();
    this.call('onTrade', () => this.h.onTrade!(m, trades.newest()));
    return this.taken();
  }

  /** A tick of the 50 ms grid at `t` (ns since the origin): timers fire. */
  tick(t: number): Action[] {
    this.begin();
    if (t > this.now) this.cx.now = this.now = t;
    if (this.status === 'halted') return this.taken();
    this.breachLat = NaN;
    if (this.riskCheck(-1)) return this.taken();
    if (this.runtimeTimers()) return this.taken();
    this.fireTimers();
    return this.taken();
  }

  /** An executor or operator event (market health for instrument `inst`). */
  handle(ev: Event, inst = 0): Action[] {
    this.begin();
    switch (ev.type) {
      case 'ack':
        this.onAck(ev.clientOid);
        break;
      case 'reject':
        this.onReject(ev);
        break;
      case 'fill':
        this.onFill(ev, inst);
        break;
      case 'cancelAck':
        this.onCancelAck(ev.clientOid);
        break;
      case 'cancelReject':
        this.onCancelReject(ev);
        break;
      case 'amendAck':
        this.onAmendAck(ev);
        break;
      case 'amendReject':
        this.onAmendReject(ev);
        break;
      case 'disconnect':
        this.onDisconnect(ev.reason);
        break;
      case 'resynced':
        this.onResynced(ev, inst);
        break;
      case 'marketHealth':
        this.onHealth(inst, ev);
        break;
      case 'killSwitch':
        this.halt('kill switch', ev.flatten);
        break;
      case 'manualReset':
        this.onManualReset();
        break;
      case 'clockOffset':
        this.setClockOffset(ev.offsetNs);
        break;
      default:
        this.log('warn', `unknown event ${JSON.stringify((ev as { type: unknown }).type)}`);
    }
    return this.taken();
  }

  /**
   * Our clock minus the venue's (ns), as live trading measured it (the gateway at the start, the recorder since): the
   * next risk check holds it to risk.maxClockOffsetNs. No handler is called.
   */
  setClockOffset(ns: number): void {
    this.clockOffsetNs = ns;
    this.riskClean = false;
  }

  /** Calls onStop (once, at the end of the run). */
  stop(): Action[] {
    this.begin();
    if (!this.stopped) {
      this.stopped = true;
      if (this.h.onStop) this.call('onStop', () => this.h.onStop!());
    }
    return this.taken();
  }

  // ---- what the loops read ---------------------------------------------------------------------------------------

  /** The instrument each action of the last answer is for (parallel to it). */
  actionInst(i: number): number {
    return this.takenInst[i] ?? 0;
  }

  position(inst = 0): PositionState {
    return this.insts[inst].position;
  }

  /** Live orders of ours (all instruments). */
  get liveOrderCount(): number {
    return this.liveOrders;
  }

  /** Whether strategy code is in create() (order requests are refused there). */
  get creating(): boolean {
    return this.cellCode === CODE_CREATE;
  }

  /** Where the strategy is: the runtime's halt or reconcile, else the strategy's own word (default TRADING). */
  get phase(): string {
    if (this.status === 'halted') return 'HALTED';
    if (this.status === 'reconciling') return 'RECONCILE';
    try {
      return this.h.phase?.() ?? 'TRADING';
    } catch (err) {
      // read by status lines at any moment, so it cannot halt (a live session would then differ from its replay); said
      // where the phase is shown instead of a word that hid the bug
      return `phase() threw: ${this.o.describeError ? this.o.describeError(err) : errorText(err)}`;
    }
  }

  /** Ticks only matter while something can time out: orders, a position, a strategy timer, a reconcile. */
  get needsTicks(): boolean {
    if (this.status === 'halted') return false;
    return this.status === 'reconciling' || this.liveOrders > 0 || this.openPositions > 0 || this.timers.size > 0;
  }

  /**
   * For a replay loop that may hold book messages back: a time (ns since the origin) before which a book message of
   * any instrument — valid, with a feed latency inside the risk limits, stamped no earlier than the one before it —
   * would change nothing but the views, the last valid touch and the clock (-Infinity: not so). Then handing the
   * runtime only the last of a run of such messages leaves it as handing it every one: nothing reads the views (no
   * onBook, no observer), no order or position can time out or be marked, no timer is set, and the risk check's
   * flat-and-clean path passes them all (the daily-loss day ends at the time returned).
   */
  inertBookUntil(): number {
    const day = this.day;
    if (
      this.h.onBook ||
      this.observer !== null ||
      this.status !== 'trading' ||
      !this.riskClean ||
      this.openPositions !== 0 ||
      this.liveOrders !== 0 ||
      this.timers.size !== 0 ||
      day.day < 0 ||
      this.now < day.fromNs ||
      this.now >= day.toNs
    )
      return -Infinity;
    return day.toNs;
  }

  /** Public trades reach the strategy: it keeps some (`trades` in its definition) or handles them (onTrade). */
  get wantsTrades(): boolean {
    return (this.definition.trades ?? 0) > 0 || this.h.onTrade !== undefined;
  }

  /** A handler or an observer reads every book message: inertBookUntil() is then -Infinity, whatever else holds. */
  get readsEveryBook(): boolean {
    return !!this.h.onBook || this.observer !== null;
  }

  /** The runtime's clock as ns since the epoch. */
  nowNs(): bigint {
    return this.originNs + BigInt(this.now === -Infinity ? 0 : this.now);
  }

  /** An absolute stamp (ns since the epoch, in memory) as ns since the origin, from its halves: no bigint. */
  rel(w: Int32Array, byteOffset: number): number {
    return (w[(byteOffset >> 2) + 1] - this.originHi) * TWO32 + ((w[byteOffset >> 2] >>> 0) - this.originLo);
  }

  /**
   * For a replay that skips idle ticks: a time before which a tick, with no other event between, would change nothing
   * but the clock (Infinity: no tick will, until the next event). A tick at or after it must be delivered, and so must
   * the last skipped tick before any event other than a book message stamped at or after it. What a tick checks: the
   * daily-loss day bound, stale data while exposed, the order timeouts (or the reconcile re-send) and the strategy's
   * timers; position, notional and clock-offset limits were checked by the event that last moved their inputs. An
   * earlier answer than the true one only costs a tick delivered for nothing.
   */
  quietUntil(): number {
    if (this.quietNs !== this.quietNs) this.computeQuiet();
    return this.quietNs;
  }

  /**
   * Works out quietNs (a replay loop reads the field after calling this when it is NaN): no number returned, so none
   * boxed by a call that is not inlined, once for every skipped tick.
   */
  computeQuiet(): void {
    if (this.status === 'halted') {
      this.quietNs = Infinity;
      return;
    }
    if (this.day.day < 0) {
      this.quietNs = this.now;
      return;
    }
    let at = this.day.toNs;
    const insts = this.insts;
    for (let i = 0; i < insts.length; i++) {
      const I = insts[i];
      if (I.position.lot !== 0 || I.orders.length > 0) {
        if (I.lastValidNs !== I.lastValidNs) {
          this.quietNs = this.now;
          return;
        }
        const stale = I.lastValidNs + this.settings.risk.maxDataAgeNs + 1; // staleDataAt, written out: no boxed number
        if (stale < at) at = stale;
      }
    }
    if (this.status === 'reconciling') {
      const due = this.reconcile.sentNs + this.settings.orders.reconcileTimeoutNs;
      if (due < at) at = due;
    } else {
      if (this.ackDue !== this.ackDue) this.computeAckDue();
      if (this.ackDue < at) at = this.ackDue;
    }
    const timers = this.timers;
    timers.soonest();
    this.quietNs = timers.due0 < at ? timers.due0 : at;
  }

  // ---- the handlers' context -------------------------------------------------------------------------------------

  /** ctx.place. */
  place(req: PlaceRequest): string | null {
    if (req === null || typeof req !== 'object') throw new TypeError('ctx.place needs a request object: { side, sizeLot, priceTick }');
    // a misspelt field would be dropped and the order sent without it (`reduceonly`: an entry where an exit was meant;
    // `timeinforce`: a resting order where an IOC was), or said as a missing one (`price`: needs priceTick)
    for (const k in req) if (!(k in PLACE_FIELDS)) throw new TypeError(unknownField('ctx.place', k, PLACE_FIELDS));
    const inst = this.instOf(req.symbol, 'ctx.place');
    const I = this.insts[inst];
    const symbol = I.setup.symbol;
    if (!I.tradable) throw new Error(`ctx.place: ${this.untradable(symbol)}`);
    const side = req.side;
    if (side !== 'buy' && side !== 'sell') throw new TypeError(`ctx.place: side must be 'buy' or 'sell', got ${JSON.stringify(side)}`);
    const size = req.sizeLot;
    if (!(Number.isSafeInteger(size) && size > 0))
      throw new TypeError(`ctx.place: sizeLot must be a positive integer of lots, got ${String(size)}`);
    const type = req.type ?? 'limit';
    let price = NaN;
    let force: TimeInForce;
    if (type === 'limit') {
      price = req.priceTick as number;
      if (!(Number.isSafeInteger(price) && price > 0))
        throw new TypeError(`ctx.place: a limit order needs priceTick, a positive integer of ticks, got ${String(req.priceTick)}`);
      const tif = req.timeInForce ?? 'gtc';
      if (tif !== 'gtc' && tif !== 'ioc' && tif !== 'fok' && tif !== 'postOnly')
        throw new TypeError(`ctx.place: timeInForce must be gtc, ioc, fok or postOnly, got ${JSON.stringify(tif)}`);
      force = tif === 'postOnly' ? 'post_only' : tif;
    } else if (type === 'market') {
      if (req.priceTick !== undefined) throw new TypeError('ctx.place: a market order takes no priceTick');
      if (req.timeInForce !== undefined && req.timeInForce !== 'ioc') throw new TypeError('ctx.place: a market order is always ioc');
      force = 'ioc';
    } else throw new TypeError(`ctx.place: type must be 'limit' or 'market', got ${JSON.stringify(type)}`);
    const tag = req.tag ?? '';
    if (typeof tag !== 'string' || tag.length > 16)
      throw new TypeError(`ctx.place: tag must be a string of at most 16 characters, got ${JSON.stringify(tag)}`);
    const ro = req.reduceOnly;
    if (ro !== undefined && ro !== true && ro !== false)
      throw new TypeError(`ctx.place: reduceOnly must be true or false, got ${JSON.stringify(ro)}`);
    const reduceOnly = ro === true;
    const refusal = this.refusal(I, side, size, reduceOnly, price);
    if (refusal !== null) {
      // the order in words only when the line is written (one a second per limit): a flood of refusals formats none
      this.refuse(
        () => `${side} ${lotText(I.setup, size)} ${symbol} ${type === 'limit' ? `at ${priceText(I.setup, price)}` : 'at market'}`,
        refusal,
      );
      return null;
    }
    return this.send(inst, side, type, price, size, force, reduceOnly, tag).clientOid;
  }

  /** Why `symbol`, an instrument of the run, takes no orders: watched as declared, or not declared at all. */
  private untradable(symbol: string): string {
    const ins = this.definition.instruments;
    if (ins?.watch?.includes(symbol)) return `${symbol} is watched, not traded (list it in instruments.trade)`;
    return `${symbol} is not one the strategy trades (instruments.trade: ${ins?.trade?.join(', ') || 'none'}): list it in instruments.trade to trade it`;
  }

  /** Why an order may not go out now (status, rate limits, position and notional), or null. */
  private refusal(I: Inst, side: Side, size: number, reduceOnly: boolean, priceTick: number): Refusal | null {
    if (this.status !== 'trading') return this.stateRefusal();
    const cfg = this.settings.risk;
    if (reduceOnly) {
      // an exit: never held back by entries that used the rate limits up (it has an allowance of its own), but not
      // a way around them either, and never more than the position it reduces
      const rate = rateRefusal(cfg, this.window, this.now, true);
      return rate !== null ? rate : size > 0 ? this.reduceOnlyRefusal(I, side, size) : null;
    }
    const rate = rateRefusal(cfg, this.window, this.now);
    if (rate !== null) return rate;
    const dir = side === 'buy' ? 1 : -1;
    let worst = I.position.lot + dir * size;
    for (const o of I.orders) if (o.side === side && !o.reduceOnly) worst += dir * o.remainingLot;
    let price = priceTick;
    if (price !== price) price = side === 'buy' ? I.lastValidAsk : I.lastValidBid;
    if (price !== price && cfg.maxNotionalTickLot !== null && Math.abs(worst) > Math.abs(I.position.lot))
      return { limit: 'maxNotionalTickLot', text: 'notional: no valid book yet to price a market order at' };
    return exposureRefusal(cfg, worst, price === price ? price : 0);
  }

  /**
   * A reduce-only order of `size` more lots on `side` with the reduce-only orders already working there (a cancel not
   * yet asked for) would pass the position it reduces. The venue would refuse the excess (Bitget cancels the older
   * ones), so it could only ever be requests: a strategy that re-placed its exits on every message flooded the venue.
   */
  private reduceOnlyRefusal(I: Inst, side: Side, size: number): Refusal | null {
    const lot = I.position.lot;
    const reducible = side === 'sell' ? Math.max(0, lot) : Math.max(0, -lot);
    let working = 0;
    for (const o of I.orders) if (o.side === side && o.reduceOnly && o.state !== 'cancelling') working += o.remainingLot;
    if (working + size <= reducible) return null;
    const lots = (n: number) => lotText(I.setup, n);
    return {
      limit: 'reduceOnlySize',
      text: `reduce-only: ${lots(size)}${working > 0 ? ` and ${lots(working)} working on that side` : ''} would pass the position of ${lots(reducible)} it reduces`,
    };
  }

  /** Halted or reconciling: no order goes out, whatever it is. */
  private stateRefusal(): Refusal {
    return this.status === 'halted'
      ? { limit: 'halted', text: `halted (${this.haltReason})` }
      : { limit: 'reconciling', text: `reconciling with the venue (${this.reconcile.reason})` };
  }

  private refuse(what: string | (() => string), refusal: Refusal): void {
    this.count('risk.denied');
    this.count(refusalCounter(refusal)); // which limit (or state) said no: the reports name it
    const reason = refusal.text;
    // one line a second per limit; the others counted into the next
    const kind = refusal.limit;
    const r = this.refusalLog.get(kind);
    if (r && this.now - r.t < 1e9) {
      r.held++;
      return;
    }
    this.log(
      'warn',
      `refused ${typeof what === 'string' ? what : what()}: ${reason}${r && r.held > 0 ? ` (and ${r.held} more refused for the same reason before)` : ''}`,
    );
    this.refusalLog.set(kind, { t: this.now, held: 0 });
  }

  /** A new order: unique clientOid, counted in the rate window, its place action queued. */
  private send(
    inst: number,
    side: Side,
    type: 'limit' | 'market',
    price: number,
    size: number,
    force: TimeInForce,
    reduceOnly: boolean,
    tag: string,
  ): OwnOrder {
    const clientOid = `rb-${this.idTag}-${this.nextOid++}`;
    if (clientOid.length > MAX_CLIENT_OID) throw new Error(`clientOid ${clientOid} is longer than ${MAX_CLIENT_OID} characters`);
    const I = this.insts[inst];
    // an instrument exposed for the first time since the last full risk check is checked for stale data from now on
    if (I.orders.length === 0 && I.position.lot === 0) this.riskClean = false;
    const o = new OwnOrder(clientOid, inst, I.setup.symbol, side, type, price, size, force, reduceOnly, tag, this.now);
    o.queue = this.queue;
    this.orders.set(clientOid, o);
    I.orders.push(o);
    I.market.orders.push(o.view);
    this.liveOrders++;
    this.ackDue = NaN;
    this.window.note(this.now);
    this.push(inst, o.placeAction());
    return o;
  }

  /**
   * ctx.cancel: true when this call asked for the order's cancel (sent now, or with the answer to the place or amend in
   * flight). Nothing goes out for an order that is not live or whose cancel was already asked (by ctx.cancel, cancelAll,
   * flatten or the runtime's own cancel-all): false, counted (cancel.notLive, cancel.repeated) for the reports.
   */
  cancel(clientOid: string): boolean {
    if (typeof clientOid !== 'string')
      throw new TypeError(`ctx.cancel: clientOid must be a string (an id ctx.place returned), got ${String(clientOid)}`);
    const o = this.orders.get(clientOid);
    if (o === undefined) {
      this.count('cancel.notLive');
      return false;
    }
    if (o.cancelSent || o.cancelWanted) {
      this.count('cancel.repeated');
      return false;
    }
    const a = requestCancel(o, this.now);
    if (a !== null) {
      this.ackDue = NaN;
      this.push(o.inst, a);
    }
    return true;
  }

  /**
   * ctx.amend: true when the amendment went out. The request is checked first, whatever the order's state: a malformed
   * one (not an object, neither priceTick nor sizeLot, a value that is not a positive integer) throws, as ctx.place's
   * do. Then the order: a market order, or a size not above what already filled, throws too; one that is not live, or
   * an amendment to the price and size it has, sends nothing (false, counted amend.notLive, amend.noChange); a busy order
   * or a risk limit refuses it (false, logged and counted under risk.denied.<limit>).
   */
  amend(clientOid: string, req: AmendRequest): boolean {
    if (typeof clientOid !== 'string')
      throw new TypeError(`ctx.amend: clientOid must be a string (an id ctx.place returned), got ${String(clientOid)}`);
    if (req === null || typeof req !== 'object') throw new TypeError('ctx.amend needs a request object: { priceTick?, sizeLot? }');
    const newPrice = req.priceTick;
    const newSize = req.sizeLot;
    for (const k in req) if (!(k in AMEND_FIELDS)) throw new TypeError(unknownField('ctx.amend', k, AMEND_FIELDS));
    if (newPrice === undefined && newSize === undefined)
      throw new TypeError('ctx.amend: an amendment needs a new priceTick or sizeLot (or both)');
    if (newPrice !== undefined && !(Number.isSafeInteger(newPrice) && newPrice > 0))
      throw new TypeError(`ctx.amend: priceTick must be a positive integer of ticks, got ${String(newPrice)}`);
    if (newSize !== undefined && !(Number.isSafeInteger(newSize) && newSize > 0))
      throw new TypeError(`ctx.amend: sizeLot must be a positive integer of lots, got ${String(newSize)}`);
    const o = this.orders.get(clientOid);
    if (o === undefined) {
      if (this.finishedOrder(clientOid)?.type === 'market') throw new TypeError(`ctx.amend: ${clientOid} is a market order`);
      this.count('amend.notLive');
      return false;
    }
    if (o.type !== 'limit') throw new TypeError(`ctx.amend: ${clientOid} is a market order`);
    const price = newPrice ?? o.priceTick;
    const size = newSize ?? o.sizeLot;
    if (!(size > o.filledLot))
      throw new TypeError(`ctx.amend: sizeLot must be an integer above the ${o.filledLot} lots already filled, got ${String(size)}`);
    if (o.inFlight !== NONE || o.state !== 'working') {
      this.refuse(amendText(this.insts[o.inst].setup, clientOid, size, price), {
        limit: 'orderBusy',
        text: `order busy: ${o.state === 'working' ? 'a request is in flight' : `it is ${o.state}`}`,
      });
      return false;
    }
    if (price === o.priceTick && size === o.sizeLot) {
      // the venue would refuse it (nothing to change): no request
      this.count('amend.noChange');
      return false;
    }
    // a request the rate limits count: more size, or a new price (a reduce-only order's too: an exit re-priced on
    // every message is a flood like any other)
    const adds = size > o.sizeLot || price !== o.priceTick;
    const refusal = adds
      ? this.refusal(this.insts[o.inst], o.side, size - o.sizeLot, o.reduceOnly, price)
      : this.status === 'trading'
        ? null
        : this.stateRefusal();
    if (refusal !== null) {
      this.refuse(amendText(this.insts[o.inst].setup, clientOid, size, price), refusal);
      return false;
    }
    if (adds) this.window.note(this.now);
    o.inFlight = AMEND;
    o.requestNs = this.now;
    this.ackDue = NaN;
    // each shape made whole (no property added after): the action's readers stay monomorphic per shape; something
    // changes (amend.noChange above)
    const a: Action =
      price === o.priceTick
        ? { type: 'amend', clientOid, qtyLot: size }
        : size === o.sizeLot
          ? { type: 'amend', clientOid, priceTick: price }
          : { type: 'amend', clientOid, priceTick: price, qtyLot: size };
    this.push(o.inst, a);
    return true;
  }

  /** ctx.cancelAll: cancels every live order of ours (of one instrument, or all). */
  cancelAllOf(symbol: string | undefined): void {
    const only = symbol === undefined ? -1 : this.instOf(symbol, 'ctx.cancelAll');
    for (let i = 0; i < this.insts.length; i++) {
      if (only >= 0 && i !== only) continue;
      const I = this.insts[i];
      if (I.orders.length === 0) continue;
      this.push(i, { type: 'cancelAll' });
      for (const o of I.orders) markCancelled(o);
    }
  }

  /** ctx.flatten. */
  flattenOf(symbol: string | undefined): void {
    this.cancelAllOf(symbol);
    const only = symbol === undefined ? -1 : this.instOf(symbol, 'ctx.flatten');
    for (let i = 0; i < this.insts.length; i++) {
      if (only >= 0 && i !== only) continue;
      const I = this.insts[i];
      const lot = I.position.lot;
      if (lot === 0) continue;
      const what = `flatten of ${I.setup.symbol}'s ${lot > 0 ? 'long' : 'short'} of ${lotText(I.setup, Math.abs(lot))}`;
      if (this.status !== 'trading') this.refuse(what, this.stateRefusal());
      else this.send(i, lot > 0 ? 'sell' : 'buy', 'market', NaN, Math.abs(lot), 'ioc', true, 'flatten');
    }
  }

  /** The runtime's own record of an order (live or recently finished), for its hosts and tests: never the strategy's. */
  ownOrder(clientOid: string): OwnOrder | null {
    return this.orders.get(clientOid) ?? this.finishedOrder(clientOid) ?? null;
  }

  orderOf(clientOid: string): Order | null {
    return (this.orders.get(clientOid) ?? this.finishedOrder(clientOid))?.view ?? null;
  }

  setTimer(id: string, delayNs: number): void {
    if (typeof id !== 'string') throw new TypeError(`ctx.setTimer: id must be a string, got ${typeof id}`);
    if (typeof delayNs !== 'number' || delayNs !== delayNs)
      throw new TypeError(`ctx.setTimer: delayNs must be a number of ns, got ${String(delayNs)}`);
    this.timers.set(id, this.now + (delayNs > 0 ? delayNs : 0));
    this.dirty = true;
    this.quietNs = NaN;
  }

  clearTimer(id: string): void {
    if (this.timers.clear(id)) {
      this.dirty = true;
      this.quietNs = NaN;
    }
  }

  nextRandom(): number {
    return this.random();
  }

  record(name: string, value: number): void {
    let s = this.series.get(name);
    if (s === undefined) {
      if (typeof name !== 'string' || name === '') throw new TypeError('ctx.record: a series needs a name');
      s = new Series(this.maxPoints);
      this.series.set(name, s);
    }
    s.add(this.now, value);
  }

  count(name: string, n = 1): void {
    this.counters[name] = (this.counters[name] ?? 0) + n;
  }

  log(level: LogLevel, message: string): void {
    const line: LogLine = { t: this.now, level, message };
    this.logCount++;
    if (this.logs.length >= this.maxLog) this.logs.shift();
    this.logs.push(line);
    this.o.onLog?.(line);
  }

  /** What ctx.limits hands out: the documented RiskLimits fields, copied and frozen (see the constructor). */
  readonly limits: RiskLimits;

  // ---- executor events -------------------------------------------------------------------------------------------

  private onAck(clientOid: string): void {
    const o = this.orders.get(clientOid);
    if (o === undefined) return this.count('ack.unknown');
    const a = placeAnswered(o, this.now);
    this.ackDue = NaN;
    if (a !== null) this.push(o.inst, a);
    this.deliver(o, 'accepted');
  }

  private onReject(ev: Extract<Event, { type: 'reject' }>): void {
    const o = this.orders.get(ev.clientOid);
    if (o === undefined) return this.count('reject.unknown');
    this.end(o, 'rejected');
    this.log('warn', `${o.tag || 'order'} ${o.clientOid} rejected: ${ev.code} ${ev.message}${ev.retryable ? ' (retryable)' : ''}`);
    this.deliver(o, 'rejected', ev.code, ev.message, ev.retryable);
  }

  /** `from`: the instrument whose executor reported it, for a fill of an order the runtime did not place (a flatten's). */
  private onFill(ev: Extract<Event, { type: 'fill' }>, from = 0): void {
    let o = this.orders.get(ev.clientOid);
    const known = o ?? this.finishedOrder(ev.clientOid);
    // duplicates are checked per order (a fill of an order we no longer remember is booked as it comes)
    if (known !== undefined && known.sawTrade(ev.tradeId)) {
      this.count('fill.duplicate');
      return this.log('warn', `duplicate fill ${ev.clientOid}/${ev.tradeId} ignored`);
    }
    const inst = known !== undefined ? known.inst : from < this.insts.length ? from : 0;
    const I = this.insts[inst];
    this.riskClean = false;
    this.dirty = true;
    this.quietNs = NaN;
    const before = I.position.lot;
    applyFill(I.position, ev.side, ev.priceTick, ev.qtyLot, ev.feeQuote);
    const after = I.position.lot;
    if ((before === 0) !== (after === 0)) this.openPositions += after === 0 ? -1 : 1;
    let done = false;
    if (o !== undefined) {
      o.filledLot += ev.qtyLot;
      done = ev.remainingLot <= 0;
      // A full fill ends the order and any request in flight with it (a pending cancel can only be rejected now).
      if (done) this.end(o, 'filled');
      else {
        const a = placeAnswered(o, this.now);
        this.ackDue = NaN;
        if (a !== null) this.push(o.inst, a);
      }
    } else {
      this.count('fill.unknownOrder');
      // ringbook's own flatten: a session halted by a limit or a failure has the halt's (flattenOnBreach); the kill
      // switch (the session's stop: its end, a signal, the operator) halts too, and its flatten is the stop's
      const whose = isFlattenOid(ev.clientOid)
        ? this.status === 'halted' && this.haltReason !== 'kill switch'
          ? "the halt's flatten"
          : "the stop's flatten"
        : 'not a live order of ours: a late fill';
      this.log('info', `fill for ${ev.clientOid} (${whose}) moves the position to ${after}`);
      if (known !== undefined) o = known;
      else {
        o = this.external(ev, inst);
        o.sawTrade(ev.tradeId);
      }
      o.filledLot += ev.qtyLot;
    }
    this.roundTrip(I, inst, before, after, o.tag, ev.feeQuote, ev.qtyLot);
    if (this.status !== 'halted') {
      this.breachLat = NaN;
      this.riskCheck(-1);
    }
    this.deliver(o, done || o.state === 'filled' ? 'filled' : 'partiallyFilled', '', '', false, ev);
  }

  /** An Order for a fill of an order the runtime did not place (its flatten at a halt, a manual order). */
  private external(ev: Extract<Event, { type: 'fill' }>, inst: number): OwnOrder {
    const I = this.insts[inst];
    const o = new OwnOrder(
      ev.clientOid,
      inst,
      I.setup.symbol,
      ev.side,
      'market',
      NaN,
      ev.qtyLot + Math.max(0, ev.remainingLot),
      'ioc',
      false,
      '',
      this.now,
    );
    o.state = ev.remainingLot <= 0 ? 'filled' : 'working';
    o.inFlight = NONE;
    this.remember(o);
    return o;
  }

  /**
   * Round trips, flat to flat: opened by the fill that leaves flat (or flips), closed by the one that returns to flat
   * (or flips). A round trip closed while halted or reconciling is the runtime's clean-up, not one of the strategy's.
   * Its fees are those of every fill in it, the opening one included; a fill that flips the position pays into both
   * trips in proportion to the lots that close the one and open the other (`fee` and `qty`: the fill's).
   */
  private roundTrip(I: Inst, inst: number, before: number, after: number, tag: string, fee: number, qty: number): void {
    const t = I.trip;
    const p = I.position;
    const flip = before !== 0 && after !== 0 && Math.sign(before) !== Math.sign(after);
    // the part of this fill's fee that opens a trip: all of it from flat, the lots beyond the old position on a flip
    const opening = after === 0 ? 0 : before === 0 ? fee : flip ? (fee * Math.abs(after)) / qty : 0;
    if (t.open && before !== 0 && (after === 0 || flip)) {
      t.open = false;
      if (this.status === 'trading') {
        const trip: RoundTrip = {
          inst,
          dir: t.dir,
          entryNs: t.entryNs,
          exitNs: this.now,
          realisedTickLot: p.realisedTickLot - t.startRealised,
          feesQuote: p.feesQuote - opening - t.startFees,
          reason: tag !== '' ? tag : 'external',
        };
        this.roundTrips.push(trip);
        this.o.onRoundTrip?.(trip);
      }
    }
    if (after !== 0 && (before === 0 || flip)) this.openTrip(I, opening);
  }

  /** A trip opens on the position as it is now, whose fees include `openingFee` of the trip's own first fill. */
  private openTrip(I: Inst, openingFee = 0): void {
    const t = I.trip;
    t.open = true;
    t.dir = I.position.lot > 0 ? 1 : -1;
    t.entryNs = this.now;
    t.startRealised = I.position.realisedTickLot;
    t.startFees = I.position.feesQuote - openingFee;
  }

  private onCancelAck(clientOid: string): void {
    const o = this.orders.get(clientOid);
    if (o === undefined) return this.count('cancelAck.unknown');
    this.end(o, 'cancelled');
    this.deliver(o, 'cancelled');
  }

  private onCancelReject(ev: Extract<Event, { type: 'cancelReject' }>): void {
    const o = this.orders.get(ev.clientOid);
    if (o === undefined) return this.count('cancelReject.unknown');
    if (o.inFlight === CANCEL) o.inFlight = NONE;
    // Usually "already filled": the fill report is on its way. If it never comes, T_ack sends us to reconcile.
    o.awaitFillSinceNs = this.now;
    this.ackDue = NaN;
    this.dirty = true;
    this.log('info', `cancel of ${o.clientOid} rejected (${ev.code} ${ev.message}): waiting for the fill report`);
    this.deliver(o, 'cancelRejected', ev.code, ev.message);
  }

  private onAmendAck(ev: Extract<Event, { type: 'amendAck' }>): void {
    const o = this.orders.get(ev.clientOid);
    if (o === undefined) return this.count('amendAck.unknown');
    if (o.inFlight === AMEND) o.inFlight = NONE;
    o.priceTick = ev.priceTick;
    o.sizeLot = ev.qtyLot;
    this.ackDue = NaN;
    this.dirty = true;
    const a = o.cancelWanted ? requestCancel(o, this.now) : null;
    if (a !== null) this.push(o.inst, a);
    this.deliver(o, 'amended');
  }

  private onAmendReject(ev: Extract<Event, { type: 'amendReject' }>): void {
    const o = this.orders.get(ev.clientOid);
    if (o === undefined) return this.count('amendReject.unknown');
    if (o.inFlight === AMEND) o.inFlight = NONE;
    this.ackDue = NaN;
    this.dirty = true;
    this.log('info', `amend of ${o.clientOid} rejected (${ev.code} ${ev.message})`);
    const a = o.cancelWanted ? requestCancel(o, this.now) : null;
    if (a !== null) this.push(o.inst, a);
    this.deliver(o, 'amendRejected', ev.code, ev.message);
  }

  private onDisconnect(reason: string): void {
    this.log('warn', `disconnect: ${reason}`);
    if (this.status === 'halted') {
      // Still halted, but our picture of the venue is stale: cancel everything and ask for the truth.
      for (let i = 0; i < this.insts.length; i++) {
        this.push(i, { type: 'cancelAll' });
        this.push(i, { type: 'reconcile' });
        for (const o of this.insts[i].orders) markCancelled(o, true);
      }
      return;
    }
    this.enterReconcile(`disconnect: ${reason}`, true);
  }

  private onResynced(ev: Extract<Event, { type: 'resynced' }>, inst = 0): void {
    const I = this.insts[inst];
    const venueOids = new Set(ev.openOrders.map((x) => x.clientOid));
    const unknown = ev.openOrders.filter((x) => !this.orders.has(x.clientOid)).map((x) => x.clientOid);
    const mismatch =
      ev.positionLot !== I.position.lot
        ? `venue position ${ev.positionLot} lots ≠ ${I.position.lot} from fills`
        : unknown.length > 0
          ? `venue has orders we do not know: ${unknown.join(', ')}`
          : null;
    // Orders the venue no longer lists are over (cancelled or filled; a missed fill shows up as a mismatch).
    const dropGone = () => {
      for (const o of [...I.orders]) {
        if (venueOids.has(o.clientOid)) continue;
        o.byRuntime = true;
        this.end(o, 'cancelled');
        this.deliver(o, 'cancelled', '', 'not open at the venue after a reconcile');
      }
    };
    this.dirty = true;
    this.quietNs = NaN;
    switch (this.status) {
      case 'reconciling':
        dropGone();
        if (mismatch) {
          this.venueMismatch = true;
          return this.halt(`reconcile mismatch: ${mismatch}`, false);
        }
        if (ev.openOrders.length > 0) {
          // Known orders still open: cancel them and look again (bounded by orders.maxReconcileAttempts).
          if (this.reconcile.attempts >= this.settings.orders.maxReconcileAttempts)
            return this.halt(`reconcile: ${ev.openOrders.length} orders still open after ${this.reconcile.attempts} attempts`, false);
          this.reconcile.attempts += 1;
          this.reconcile.sentNs = this.now;
          this.push(inst, { type: 'cancelAll' });
          this.push(inst, { type: 'reconcile' });
          for (const o of I.orders) markCancelled(o, true);
          return;
        }
        // with several instruments each one's executor answers for it: trade again once every one has
        this.reconcile.awaiting[inst] = false;
        if (this.reconcile.awaiting.includes(true)) return;
        this.status = 'trading';
        this.log('info', 'reconciled: trading again');
        for (const J of this.insts) if (J.position.lot !== 0 && !J.trip.open) this.openTrip(J);
        if (this.h.onResume) this.call('onResume', () => this.h.onResume!());
        return;
      case 'halted':
        dropGone();
        this.venueMismatch = mismatch !== null;
        if (ev.openOrders.length > 0) {
          this.push(inst, { type: 'cancelAll' });
          for (const o of I.orders) markCancelled(o, true);
        }
        return;
      default:
        // Unsolicited (a reconcile the executor ran of its own accord: at start, after an answer it could not read, a
        // second look it owed): comparable only when nothing of ours is working.
        if (this.liveOrders === 0) {
          if (ev.positionLot !== I.position.lot && ev.openOrders.length === 0) {
            // The venue's position is read apart from its fill reports: an order cancelled (or flattened) just as it
            // traded shows in the position before its fill report arrives, and nothing of ours is live to say so.
            // Look again before trusting it: RECONCILE holds the strategy and asks again, and a position that still
            // differs then halts (reconcile mismatch).
            this.count('resync.recheck');
            return this.enterReconcile(`resync: ${mismatch}; asking the venue again`, false);
          }
          if (mismatch || ev.openOrders.length > 0) {
            this.venueMismatch = true;
            return this.halt(`resync mismatch: ${mismatch ?? `venue has ${ev.openOrders.length} open orders`}`, false);
          }
          return this.count('resync.ok');
        }
        return this.count('resync.ignored');
    }
  }

  private onHealth(inst: number, ev: Extract<Event, { type: 'marketHealth' }>): void {
    const m = this.insts[inst].market;
    this.riskClean = false;
    const I = this.insts[inst];
    I.healthy = m.healthy = ev.ok;
    I.healthReason = m.healthReason = ev.ok ? '' : ev.reason;
    if (ev.clockOffsetNs !== undefined) this.clockOffsetNs = ev.clockOffsetNs;
    this.breachLat = NaN;
    if (this.status === 'halted' || this.riskCheck(-1)) return;
    if (this.h.onHealth) this.call('onHealth', () => this.h.onHealth!(m));
  }

  private onManualReset(): void {
    if (this.status !== 'halted') return this.log('info', `manualReset ignored while ${this.status}`);
    const blockers = this.resetBlockers();
    if (blockers.length > 0) {
      this.log('warn', `manual reset refused: ${blockers.join('; ')}`);
      // Orders we cannot confirm closed: ask the venue, so the next reset can succeed.
      if (this.liveOrders > 0)
        for (let i = 0; i < this.insts.length; i++) if (this.insts[i].orders.length > 0) this.push(i, { type: 'reconcile' });
      return;
    }
    this.status = 'trading';
    this.haltReason = null;
    this.haltedNs = NaN;
    this.riskClean = false;
    this.dirty = true;
    this.quietNs = NaN;
    this.log('info', 'manual reset: trading enabled');
    if (this.h.onResume) this.call('onResume', () => this.h.onResume!());
  }

  /** Why a halt may not be left now (empty = flat, risk ok, data healthy and fresh). */
  private resetBlockers(): string[] {
    const cfg = this.settings.risk;
    const out: string[] = [];
    for (const I of this.insts) {
      const sym = this.insts.length > 1 ? `${I.setup.symbol}: ` : '';
      if (I.position.lot !== 0) out.push(`${sym}position ${I.position.lot} lots, not flat`);
      if (I.orders.length > 0) out.push(`${sym}${I.orders.length} orders not confirmed closed (reconcile requested)`);
      if (!I.healthy) out.push(`${sym}market data unhealthy (${I.healthReason})`);
      if (I.lastValidNs !== I.lastValidNs) out.push(`${sym}no valid market data yet`);
      else {
        if (this.now - I.lastValidNs > cfg.maxDataAgeNs) out.push(`${sym}market data stale (${duration(this.now - I.lastValidNs)} old)`);
        const lat = I.latencyNs;
        if (lat < cfg.minFeedLatencyNs || lat > cfg.maxFeedLatencyNs) out.push(`${sym}feed latency ${lat} ns out of band`);
      }
    }
    if (this.venueMismatch) out.push('the venue disagrees with our fills or orders (flatten at the venue and restart)');
    const loss = this.day.loss(this.now, this.equity());
    if (loss > cfg.maxDailyLossQuote) {
      const [l, max] = amountsApart(loss, cfg.maxDailyLossQuote);
      out.push(`daily loss ${l} ${this.quote} > max ${max} ${this.quote}`);
    }
    const offset = this.clockOffsetNs;
    if (offset !== null && Math.abs(offset) > cfg.maxClockOffsetNs) out.push(`clock offset ${offset} ns out of band`);
    return out;
  }

  // ---- timers, risk, halts ---------------------------------------------------------------------------------------

  /** The runtime's own timers: the reconcile re-send, or an order request unanswered for T_ack. True when it moved the status. */
  private runtimeTimers(): boolean {
    if (this.status === 'reconciling') {
      if (this.now < this.reconcile.sentNs + this.settings.orders.reconcileTimeoutNs) return false;
      if (this.reconcile.attempts >= this.settings.orders.maxReconcileAttempts) {
        this.halt(`reconcile: no answer after ${this.reconcile.attempts} attempts`, false);
        return true;
      }
      this.reconcile.attempts += 1;
      this.reconcile.sentNs = this.now;
      this.dirty = true;
      this.quietNs = NaN;
      for (let i = 0; i < this.insts.length; i++) this.push(i, { type: 'reconcile' });
      return false;
    }
    if (this.liveOrders === 0) return false;
    // the cached due time read as a field: a method returning it would box a new number on every book message
    if (this.ackDue !== this.ackDue) this.computeAckDue();
    if (this.now < this.ackDue) return false;
    const ack = this.settings.orders.ackTimeoutNs;
    for (const o of this.orders.values()) {
      const place = o.inFlight !== NONE && this.now - o.requestNs >= ack;
      if (place || (o.awaitFillSinceNs === o.awaitFillSinceNs && this.now - o.awaitFillSinceNs >= ack)) {
        const what = place
          ? o.inFlight === PLACE
            ? 'place'
            : o.inFlight === CANCEL
              ? 'cancel'
              : 'amend'
          : 'fill report after a rejected cancel';
        this.enterReconcile(`no answer to ${what} of ${o.clientOid} within T_ack`, false);
        return true;
      }
    }
    return false;
  }

  /** Works out ackDue, the earliest order timeout (T_ack) of the live orders (Infinity: none). */
  private computeAckDue(): void {
    const ack = this.settings.orders.ackTimeoutNs;
    let at = Infinity;
    // the live orders by instrument (the same as this.orders): index loops, no Map iterator each time an order moves
    const insts = this.insts;
    for (let k = 0; k < insts.length; k++) {
      const list = insts[k].orders;
      for (let i = 0; i < list.length; i++) {
        const o = list[i];
        if (o.inFlight !== NONE && o.requestNs + ack < at) at = o.requestNs + ack;
        if (o.awaitFillSinceNs === o.awaitFillSinceNs && o.awaitFillSinceNs + ack < at) at = o.awaitFillSinceNs + ack;
      }
    }
    this.ackDue = at;
  }

  /** Fires the strategy timers due at the tick now (those set before it), earliest first, ties in the order set. */
  private fireTimers(): void {
    this.timers.soonest();
    if (this.timers.due0 > this.now) return;
    const due = this.timers.dueBy(this.now);
    for (let i = 0; i < due.length; i++) {
      const { id, due: at, seq } = due[i];
      if (this.status === 'halted') return;
      // set again (moved) by a handler that ran before it: not due any more
      if (!this.timers.still(id, at, seq)) continue;
      this.clearTimer(id);
      // call() written out: no closure per timer
      if (this.h.onTimer) {
        const was = this.cellCode;
        this.mark(CODE_ON_TIMER);
        try {
          this.h.onTimer(id);
        } catch (err) {
          this.strategyFailed('onTimer', err);
        }
        this.mark(was);
      }
    }
  }

  private equity(): number {
    this.computeEquity();
    return this.equityNow;
  }

  /** equityNow: equity in quote now (a field, not a return value: a double returned by a call is a heap number). */
  private computeEquity(): void {
    // equityQuote written out, with no `number | null` mark: a number that may be null is a heap number
    let eq = 0;
    const insts = this.insts;
    for (let i = 0; i < insts.length; i++) {
      const I = insts[i];
      const p = I.position;
      const lot = p.lot;
      const unreal = lot === 0 || I.lastValidNs !== I.lastValidNs ? 0 : unrealisedTickLot(p, lot > 0 ? I.lastValidBid : I.lastValidAsk);
      eq += (p.realisedTickLot + unreal) * I.tickLotQuote - p.feesQuote;
    }
    this.equityNow = eq;
  }

  /**
   * The breach checks; true when one halted. `inst` and breachLat: the book message being handled and its feed latency
   * (−1 and NaN: none); the latency travels in a field because a double argument is a new heap number on every call.
   *
   * The fast path gives the full check's answer without making it. Since a full check passed (riskClean), positions,
   * fees and the clock offset have not moved (a fill or a health report clears riskClean), nor has an instrument become
   * exposed (send() clears it): so |position| is what passed, and so are equity, the daily loss inside the same UTC day
   * and notional unless the exit-side touch of a position moved (riskMarked: those are checked again, as the full check
   * does). Stale data is passed only at riskSafeUntil (last valid times only grow), so before it only the new message's
   * feed latency can breach. Whatever the fast path cannot pass goes to the full check, for its answer and message.
   */
  private riskCheck(inst: number): boolean {
    const feedLatencyNs = this.breachLat;
    const cfg = this.settings.risk;
    const day = this.day;
    if (
      this.riskClean &&
      this.now < this.riskSafeUntil &&
      this.now >= day.fromNs &&
      this.now < day.toNs &&
      day.day >= 0 &&
      (feedLatencyNs !== feedLatencyNs || (feedLatencyNs >= cfg.minFeedLatencyNs && feedLatencyNs <= cfg.maxFeedLatencyNs)) &&
      (!this.riskMarked || this.marksPass())
    ) {
      this.riskMarked = false;
      if (this.auditRisk) this.auditFastPass(inst);
      return false;
    }
    if (this.auditRisk) this.riskFullChecks++;
    const b = this.breach(inst);
    if (b === null) {
      this.riskClean = true;
      this.riskMarked = false;
      this.setRiskSafeUntil();
      return false;
    }
    this.count(`breach.${b[0]}`);
    this.halt(`risk breach (${b[0]}): ${b[1]}`, cfg.flattenOnBreach);
    return true;
  }

  /** riskSafeUntil: the first time an instrument exposed now can pass the stale-data limit (Infinity: none is exposed). */
  private setRiskSafeUntil(): void {
    let at = Infinity;
    const insts = this.insts;
    const age = this.settings.risk.maxDataAgeNs;
    for (let i = 0; i < insts.length; i++) {
      const I = insts[i];
      if (I.position.lot === 0 && I.orders.length === 0) continue;
      const t = I.lastValidNs + age + 1; // staleDataAt, written out (no boxed number)
      if (!(t >= at)) at = t; // NaN (no valid data yet) too: the full check then runs every time
    }
    this.riskSafeUntil = at;
  }

  /**
   * The full check's daily-loss and notional checks at the touches now (the day of its baseline is the current one:
   * riskCheck's fast path made sure), the same arithmetic; true when both pass.
   */
  private marksPass(): boolean {
    const cfg = this.settings.risk;
    this.computeEquity();
    if (this.day.startEquityQuote - this.equityNow > cfg.maxDailyLossQuote) return false;
    if (cfg.maxNotionalTickLot === null) return true;
    const insts = this.insts;
    for (let i = 0; i < insts.length; i++) {
      const I = insts[i];
      const lot = I.position.lot;
      const mark = lot === 0 || I.lastValidNs !== I.lastValidNs ? NaN : lot > 0 ? I.lastValidBid : I.lastValidAsk;
      const pos = Math.abs(lot);
      if (mark === mark && pos * mark > cfg.maxNotionalTickLot) return false;
    }
    return true;
  }

  /** auditRisk: the full check must agree with a pass of the fast path (it changes nothing inside the day checked). */
  private auditFastPass(inst: number): void {
    this.riskFastPasses++;
    const b = this.breach(inst);
    if (b !== null) throw new Error(`risk fast path passed what the full check breaches (${b[0]}): ${b[1]} at ${this.now}`);
  }

  /** The breach checks in full (the message's feed latency in breachLat). */
  private breach(inst: number): [BreachKind, string] | null {
    const feedLatencyNs = this.breachLat;
    const cfg = this.settings.risk;
    const day = this.day;
    this.computeEquity();
    // DayBaseline.loss, with its rare roll to a new day apart: no number passed or returned boxed on every check
    if (day.day < 0 || this.now < day.fromNs || this.now >= day.toNs) {
      const dayBefore = day.day;
      day.loss(this.now, this.equityNow);
      if (day.day !== dayBefore) {
        this.dirty = true;
        this.quietNs = NaN;
      }
    }
    const loss = day.startEquityQuote - this.equityNow;
    if (loss > cfg.maxDailyLossQuote) {
      const [l, max] = amountsApart(loss, cfg.maxDailyLossQuote); // never "100 > max 100"
      return ['dailyLoss', `daily loss ${l} ${this.quote} > max ${max} ${this.quote}`];
    }
    const insts = this.insts;
    const many = insts.length > 1;
    for (let i = 0; i < insts.length; i++) {
      const I = insts[i];
      const sym = many ? `${I.setup.symbol}: ` : '';
      const lot = I.position.lot;
      const pos = Math.abs(lot);
      if (pos > cfg.maxPositionLot) return ['position', `${sym}|position| ${pos} lots > max ${cfg.maxPositionLot}`];
      const mark = lot === 0 || I.lastValidNs !== I.lastValidNs ? NaN : lot > 0 ? I.lastValidBid : I.lastValidAsk;
      if (cfg.maxNotionalTickLot !== null && mark === mark && pos * mark > cfg.maxNotionalTickLot)
        return ['notional', `${sym}notional ${pos * mark} ticks·lots > max ${cfg.maxNotionalTickLot}`];
      if (lot !== 0 || I.orders.length > 0) {
        if (I.lastValidNs !== I.lastValidNs) return ['staleData', `${sym}exposed with no valid market data`];
        // staleDataAt, written out
        if (this.now >= I.lastValidNs + cfg.maxDataAgeNs + 1) {
          const [age, max] = durationsApart(this.now - I.lastValidNs, cfg.maxDataAgeNs); // never "5 s old > 5 s"
          return ['staleData', `${sym}last valid signal ${age} old > risk.maxDataAgeNs ${max} while exposed`];
        }
      }
    }
    if (feedLatencyNs === feedLatencyNs && (feedLatencyNs < cfg.minFeedLatencyNs || feedLatencyNs > cfg.maxFeedLatencyNs)) {
      const sym = many ? `${this.insts[inst].setup.symbol}: ` : '';
      const low = feedLatencyNs < cfg.minFeedLatencyNs;
      const [seen, limit] = durationsApart(feedLatencyNs, low ? cfg.minFeedLatencyNs : cfg.maxFeedLatencyNs);
      const bound = low ? `below risk.minFeedLatencyNs ${limit}` : `above risk.maxFeedLatencyNs ${limit}`;
      return ['feedLatency', `${sym}feed latency ${seen} ${bound}`];
    }
    if (this.clockOffsetNs !== null && Math.abs(this.clockOffsetNs) > cfg.maxClockOffsetNs) {
      const [off, max] = durationsApart(Math.abs(this.clockOffsetNs), cfg.maxClockOffsetNs);
      return ['clockOffset', `clock offset ${this.clockOffsetNs < 0 ? '-' : ''}${off} beyond risk.maxClockOffsetNs ±${max}`];
    }
    return null;
  }

  /** Order or position state unknown: optionally cancel everything, ask the venue; orders are refused meanwhile. */
  private enterReconcile(reason: string, cancelAll: boolean): void {
    this.log('warn', `RECONCILE: ${reason}`);
    for (let i = 0; i < this.insts.length; i++) {
      if (cancelAll) {
        this.push(i, { type: 'cancelAll' });
        for (const o of this.insts[i].orders) markCancelled(o, true);
      }
      this.push(i, { type: 'reconcile' });
    }
    this.reconcile = { attempts: 1, sentNs: this.now, reason, awaiting: this.insts.map(() => true) };
    this.status = 'reconciling';
    this.dirty = true;
    this.quietNs = NaN;
    if (this.h.onReconcile) this.call('onReconcile', () => this.h.onReconcile!(reason));
  }

  /** Cancel all (and flatten if asked), then halted. Every breach, the kill switch, a strategy's halt or error. */
  halt(reason: string, flatten: boolean): void {
    // Halting again (the operator's kill switch re-issued) sends the cancel-all (and flatten) again: the first may
    // have been lost. The strategy heard the first.
    const again = this.status === 'halted';
    this.log('error', `HALTED: ${reason}`);
    for (let i = 0; i < this.insts.length; i++) {
      this.push(i, { type: 'cancelAll' });
      if (flatten) this.push(i, { type: 'flatten' });
      for (const o of this.insts[i].orders) markCancelled(o, true);
    }
    this.status = 'halted';
    this.haltReason = reason;
    if (again) return;
    this.haltedNs = this.now;
    this.dirty = true;
    this.quietNs = NaN;
    if (this.h.onHalt) this.call('onHalt', () => this.h.onHalt!(reason));
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  /**
   * Ends a live order (it leaves the live set; kept a while for ctx.order and for a late fill, which still moves the
   * position). A late answer of another kind is not passed on (the order's end was): it is counted as
   * <answer>.unknown, which reports put in words (explain.ts counterNote).
   */
  private end(o: OwnOrder, state: 'filled' | 'cancelled' | 'rejected'): void {
    if (state !== 'cancelled') this.ended[state]++;
    else if (o.byRuntime) this.ended.runtimeCancelled++;
    else if (o.cancelSent || o.cancelWanted) this.ended.cancelled++;
    else if (o.force === 'ioc' || o.force === 'fok') this.ended.expired++;
    else this.ended.venueCancelled++;
    o.state = state;
    o.inFlight = NONE;
    o.awaitFillSinceNs = NaN;
    o.cancelWanted = false;
    this.orders.delete(o.clientOid);
    const I = this.insts[o.inst];
    takeOut(I.orders, o);
    takeOut(I.market.orders, o.view);
    this.liveOrders--;
    this.ackDue = NaN;
    this.dirty = true;
    this.quietNs = NaN;
    this.remember(o);
  }

  private remember(o: OwnOrder): void {
    if (this.finished.length < RECENT_ORDERS) this.finished.push(o);
    else this.finished[this.finishedNext] = o;
    this.finishedNext = (this.finishedNext + 1) % RECENT_ORDERS;
  }

  /** A finished order still remembered, newest first. */
  private finishedOrder(clientOid: string): OwnOrder | undefined {
    const r = this.finished;
    const n = r.length;
    for (let k = 1; k <= n; k++) {
      const o = r[(this.finishedNext - k + n) % n];
      if (o.clientOid === clientOid) return o;
    }
    return undefined;
  }

  /** onOrder with the reused update object. */
  private deliver(
    o: OwnOrder,
    kind: OrderUpdateKind,
    code = '',
    message = '',
    retryable = false,
    fill?: Extract<Event, { type: 'fill' }>,
  ): void {
    if (!this.h.onOrder) return;
    const u = this.update;
    u.kind = kind;
    u.order = o.view;
    u.code = code;
    u.message = message;
    u.retryable = retryable;
    u.fillPriceTick = fill ? fill.priceTick : NaN;
    u.fillLot = fill ? fill.qtyLot : 0;
    u.feeQuote = fill ? fill.feeQuote : 0;
    u.maker = fill ? fill.maker : false;
    // call() written out: a market maker gets an update for most actions, and a closure each is garbage
    const was = this.cellCode;
    this.mark(CODE_ON_ORDER);
    try {
      this.h.onOrder(u);
    } catch (err) {
      this.strategyFailed('onOrder', err);
    }
    this.mark(was);
  }

  private instOf(symbol: string | undefined, who: string): number {
    if (symbol === undefined) {
      if (this.insts.length === 1) return 0;
      const traded = this.insts.filter((i) => i.tradable);
      if (traded.length === 1) return this.insts.indexOf(traded[0]);
      throw new Error(
        `${who}: this run has several instruments (${this.insts.map((i) => i.setup.symbol).join(', ')}): name the symbol (a strategy for one instrument declares instruments: { single: true }, and is refused over several before it starts)`,
      );
    }
    for (let i = 0; i < this.insts.length; i++) if (this.insts[i].setup.symbol === symbol) return i;
    throw new Error(`${who}: no instrument ${JSON.stringify(symbol)} in this run (${this.insts.map((i) => i.setup.symbol).join(', ')})`);
  }

  marketOf(symbol: string | undefined): Market {
    return this.insts[this.instOf(symbol, 'ctx.market')].market;
  }

  private push(inst: number, a: Action): void {
    const n = this.outN++;
    this.out[n] = a;
    this.outInst[n] = inst;
  }

  /**
   * Every event: quietUntil is worked out again after it (book() keeps the answer when nothing changed). Actions asked
   * for between events (ctx used outside a handler) go out with this event's.
   */
  private begin(): void {
    this.quietNs = NaN;
  }

  /** The actions of the event just handled (most have none: a shared empty array). */
  private taken(): Action[] {
    const n = this.outN;
    if (n === 0) return NO_ACTIONS;
    this.outN = 0;
    const out = this.out;
    const taken = n === 1 ? [out[0]] : out.slice(0, n);
    const inst = this.takenInst;
    this.takenInst = this.outInst;
    this.outInst = inst;
    return taken;
  }

  /** Runs strategy code; a throw halts the session with the handler's name and the strategy's file and line. */
  private call<T>(handler: string, fn: () => T): T | undefined {
    const was = this.cellCode;
    this.mark(handlerCode(handler));
    try {
      return fn();
    } catch (err) {
      this.strategyFailed(handler, err);
      return undefined;
    } finally {
      this.mark(was);
    }
  }

  /** onBook, the hot path of call(): no closure per message. */
  private callBook(m: MarketView): void {
    // left marked after it returns (see handlerCell)
    if (this.cellCode !== CODE_ON_BOOK) this.mark(CODE_ON_BOOK);
    try {
      this.h.onBook!(m);
    } catch (err) {
      this.strategyFailed('onBook', err);
    }
  }

  private mark(code: number): void {
    this.cellCode = code;
    this.handlerCell[0] = code;
  }

  private strategyFailed(handler: string, err: unknown): void {
    const what = this.o.describeError ? this.o.describeError(err) : errorText(err);
    this.count('strategy.error');
    const reason = `strategy error in ${handler}: ${what}`;
    if (this.status === 'halted') return this.log('error', reason);
    this.halt(reason, this.settings.risk.flattenOnBreach);
  }
}

/** An order request from create(): before the run has a market, a clock or its first event. */
const inCreate = (call: string) =>
  `${call} in create(): create() makes the handlers before the run has a market or a clock, and a live session calls it again for its scratch copy: act from a handler (onStart at the earliest)`;

/** The reused OrderUpdate. */
class Update implements OrderUpdate {
  kind: OrderUpdateKind = 'accepted';
  order!: Order;
  fillPriceTick = NaN;
  fillLot = 0;
  feeQuote = 0;
  maker = false;
  code = '';
  message = '';
  retryable = false;
}

/** The one context a run's handlers get. */
class Context implements StrategyContext {
  readonly markets: readonly Market[];
  /** The runtime's clock, copied here as it moves: a field read, not a getter (hot in every handler). */
  now = 0;
  /** Private in the language, not only in the types: the runtime is not the strategy's to reach. */
  readonly #rt: StrategyRuntime;
  constructor(
    rt: StrategyRuntime,
    readonly params: Readonly<Record<string, ParamValue>>,
  ) {
    this.#rt = rt;
    this.markets = Object.freeze(rt.markets.slice());
  }
  get limits(): RiskLimits {
    return this.#rt.limits;
  }
  get originNs(): bigint {
    return this.#rt.originNs;
  }
  get status(): RuntimeStatus {
    return this.#rt.status;
  }
  market(symbol?: string): Market {
    return this.#rt.marketOf(symbol);
  }
  place(req: PlaceRequest): string | null {
    if (this.#rt.creating) throw new Error(inCreate('ctx.place'));
    return this.#rt.place(req);
  }
  cancel(clientOid: string): boolean {
    if (this.#rt.creating) throw new Error(inCreate('ctx.cancel'));
    return this.#rt.cancel(clientOid);
  }
  amend(clientOid: string, req: AmendRequest): boolean {
    if (this.#rt.creating) throw new Error(inCreate('ctx.amend'));
    return this.#rt.amend(clientOid, req);
  }
  cancelAll(symbol?: string): void {
    if (this.#rt.creating) throw new Error(inCreate('ctx.cancelAll'));
    this.#rt.cancelAllOf(symbol);
  }
  flatten(symbol?: string): void {
    if (this.#rt.creating) throw new Error(inCreate('ctx.flatten'));
    this.#rt.flattenOf(symbol);
  }
  order(clientOid: string): Order | null {
    return this.#rt.orderOf(clientOid);
  }
  setTimer(id: string, delayNs: number): void {
    this.#rt.setTimer(id, delayNs);
  }
  clearTimer(id: string): void {
    this.#rt.clearTimer(id);
  }
  random(): number {
    return this.#rt.nextRandom();
  }
  log(message: string, level: LogLevel = 'info'): void {
    if (level !== 'info' && level !== 'warn' && level !== 'error')
      throw new TypeError(`ctx.log: level must be 'info', 'warn' or 'error', got ${JSON.stringify(level)}`);
    this.#rt.log(level, String(message));
  }
  record(name: string, value: number): void {
    // NaN is a gap (a value not known then); anything else that is not a number was a point the report shows as none
    if (typeof value !== 'number')
      throw new TypeError(
        `ctx.record: ${JSON.stringify(name)} takes numbers, got ${typeof value === 'string' ? JSON.stringify(value) : typeof value}`,
      );
    this.#rt.record(name, value);
  }
  count(name: string, n = 1): void {
    // a count is whole: 1.5 read as "counted 2 times", NaN as none at all
    if (!(Number.isSafeInteger(n) && n >= 0))
      throw new TypeError(`ctx.count: n must be a whole number ≥ 0, got ${String(n)} (for ${JSON.stringify(name)})`);
    if (typeof name !== 'string' || name === '') throw new TypeError('ctx.count: a counter needs a name');
    this.#rt.count(name, n);
  }
  halt(reason: string, flatten = false): void {
    if (this.#rt.creating) throw new Error(inCreate('ctx.halt'));
    this.#rt.halt(String(reason), flatten);
  }
}

// `ctx.nwo`, `u.kind` misspelt, `ctx.params.treshold` (below) throw naming the nearest instead of reading undefined
// (strict-reads.ts); a correct read never reaches the check
strictReads(
  Context,
  'ctx',
  names<StrategyContext>({
    params: 1,
    limits: 1,
    now: 1,
    originNs: 1,
    status: 1,
    market: 1,
    markets: 1,
    place: 1,
    cancel: 1,
    amend: 1,
    cancelAll: 1,
    flatten: 1,
    order: 1,
    setTimer: 1,
    clearTimer: 1,
    random: 1,
    log: 1,
    record: 1,
    count: 1,
    halt: 1,
  }),
);
strictReads(
  Update,
  'u',
  names<OrderUpdate>({ kind: 1, order: 1, fillPriceTick: 1, fillLot: 1, feeQuote: 1, maker: 1, code: 1, message: 1, retryable: 1 }),
);
