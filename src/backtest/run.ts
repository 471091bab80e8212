// The backtest event loop: recorded market records through the same core and the same strategy runtime as live,
// with the simulated venue (./simexchange) in place of the gateway, on two timelines (docs/signals.md §4.2).
//
// Every book message changes the venue's book at its exch_ts and reaches the strategy at its local_ts. One pass
// in recording order does both: before a message is applied, every scheduled event earlier than its exchange time
// runs (orders reaching the venue see the book as of then; answers, book messages and timer ticks reach the runtime
// in local-time order); after it, resting orders update their queue and may fill, and the message is queued for its
// local time. Because later messages are applied before an earlier one is delivered, the core writes each message's
// signal record into a slot of its own (a ring in core memory): the strategy reads the book as it was when its message
// completed, never the core's newer one, and nothing is copied. At equal times: venue arrivals, then ticks,
// then answers, then market events. A local stamp earlier than the exchange stamp (local clock behind) is delivered at
// the exchange time and counted.
//
// Timer ticks fall on the live trader's grid, but a tick before the runtime's quietUntil is not handed over: it would
// only move the runtime's clock, and the message after it moves the clock further. The last skipped tick is handed
// over before any other event (or a message stamped earlier), so the runtime sees the clock it would have.
//
// Times inside the loop are ns relative to the first record's local_ts, as doubles (exact for 104 days); the runtime
// counts from a UTC midnight (its origin), a constant offset away. What travels to and from the venue waits in the
// agenda (./agenda); markouts, the equity series and funding are kept by ./recorders.
import {
  REC_SIZE,
  I,
  Kind,
  R,
  REPLAY_RING,
  REPLAY_SIGNAL,
  S,
  State,
  Status,
  endsMessage,
  readI64,
  type Core,
  type Engine,
  type Instrument,
  type Ring,
} from '../core/index';
import { columnsToRecords } from '../capture/parquet/reader';
import type { Columns } from '../capture/schema';
import type { Action, Event } from '../strategy/events';
import type { ParamValue, StrategyDefinition } from '../strategy/api';
import { StrategyRuntime, originOf, type LogLine, type RuntimeInstrument } from '../strategy/runtime';
import type { RuntimeSettings } from '../strategy/settings';
import { Slots, num64, slotBytes, RECORD_BYTES, LEVEL_COUNTS } from '../strategy/views';
import { FeedHealth, TICK_NS } from '../live/market-events';
import { SimExchange, type VenueBook } from './simexchange';
import type { LatencyModel } from './latency';
import type { QueueModel } from './queue';
import type { BacktestTrace, FillRow, InstrumentTrace, OrderCounts, StrategyTrace, TradeRow } from './trace';
import { ANSWER, ARRIVE, Agenda } from './agenda';
import { Recorders, type RecorderOptions } from './recorders';
import { portfolioTrace } from './portfolio';
import { FillLog } from './fill-log';
import type { MergeCursor } from './merge-cursor';
import { isFlattenOid } from '../strategy/ids';

/** The strategy of a run and how to start it: the runtime is made when the first record gives the run its origin. */
export interface StrategyRun {
  definition: StrategyDefinition;
  /** Resolved parameter values (ctx.params). */
  params: Readonly<Record<string, ParamValue>>;
  settings: RuntimeSettings;
  /** clientOids are rb-<idTag>-<n>. */
  idTag?: string;
  seed?: number;
  /** Multi-level OFI levels the core computes this run. */
  ofiLevels?: number;
  /** Provenance for the trace: the bundle's and the core's sha256 (null when not known). */
  bundleHash?: string | null;
  coreHash?: string | null;
  describeError?(err: unknown): string;
  onLog?(line: LogLine): void;
  /** Where the runtime marks the handler it is in, for a watchdog on another thread (./hang-guard). */
  handlerCell?: Int32Array;
}

export interface BacktestOptions {
  strategy: StrategyRun;
  instrument: RuntimeInstrument;
  /**
   * Several instruments (instrument i is the core's instrument i, BacktestCore.insts[i]); `instrument` is then the
   * first. Each gets its own record ring, simulated venue and recorders; the runtime, the agenda and the ticks are shared.
   */
  instruments?: readonly RuntimeInstrument[];
  latency: LatencyModel;
  queue: QueueModel;
  partialFills?: boolean;
  /** Replay window on the local clock: earlier records build the book without trading; later ones are not read. */
  fromNs?: bigint;
  toNs?: bigint;
  /** Equity/position sampling interval (local clock); the series halves its resolution past `maxSamples`. */
  sampleNs?: number;
  maxSamples?: number;
  markoutNs?: readonly number[];
  /** Funding rate per 8 h settlement (00:00, 08:00, 16:00 UTC), paid by longs when positive. */
  fundingRate?: number;
  /** Recorded settlements with their rates and marks (./funding): charged instead of fundingRate. */
  fundingSettlements?: RecorderOptions['fundingSettlements'];
  /** Several instruments: each one's recorded settlements, by instrument index (in place of `fundingSettlements`). */
  fundingSettlementsOf?: ReadonlyArray<RecorderOptions['fundingSettlements']>;
  /** Every action the runtime takes, with the local time it was taken, the runtime's own clock then and its instrument. */
  onAction?(localNs: bigint, a: Action, decidedNs: bigint, inst: number): void;
  /** Every event the runtime is given except book messages, trades and ticks, with its local time and instrument. */
  onEvent?(localNs: bigint, e: Event, inst: number): void;
  /** The runtime, once the first record made it (set its observer to watch every book message). */
  onRuntime?(rt: StrategyRuntime): void;
  /**
   * Hand the runtime every timer tick, even those it says would change nothing but its clock (by default these are
   * skipped, and the last one is handed over before the next event that could tell the difference). Same results;
   * for tests that hold the two to each other.
   */
  everyTick?: boolean;
  /**
   * Hand the runtime every book message at once, even those it says would change nothing but its views and clock (by
   * default a run of these is held back and only its last handed over, before anything else happens). Same results;
   * for tests that hold the two to each other.
   */
  everyBook?: boolean;
  /**
   * A venue in place of the simulated one, made at construction (--parity: the session's recorded answers,
   * ./recorded-venue). `answerAt` schedules an answer of instrument `inst` (default 0) for the strategy clock `clockNs`
   * (ns since the epoch): after every market event and tick stamped at that time, and after the answers scheduled
   * before it for the same time. One venue serves every instrument (its arrivals say whose).
   */
  venue?(answerAt: (clockNs: bigint, e: Event, inst?: number) => void): Venue;
  /** Run the clock on to this local time (ns since the epoch) when the data ends before it (--parity: the session's stop). */
  endNs?: bigint;
}

/** What the loop asks of a venue: the simulated one (./simexchange) or the recorded answers of a session. */
export interface Venue {
  readonly hasResting: boolean;
  /** `inst`: the instrument the action is for (the simulated venue is one instrument's and ignores it). */
  arrive(t: number, a: Action, inst?: number): void;
  /** `t`: the venue clock (exchange time held monotonic); `exch`: the message's exchange stamp as recorded. */
  trade(t: number, takerSide: number, price: number, qty: number, exch: number): void;
  afterBook(t: number, exch: number): void;
  queueAhead(clientOid: string): number;
}

/** The core-side pieces a backtest runs on; reusable across runs (the optimizer runs many on one). */
export interface BacktestCore {
  core: Core;
  engine: Engine;
  inst: Instrument;
  /** Every instrument of the core (several: a merged replay); absent: `inst` only. */
  insts?: readonly Instrument[];
  /** Staging area in core memory for `stagingRecords` 64-byte records, and the output ring. */
  staging: number;
  stagingRecords: number;
  out: Ring;
  /**
   * The record ring: `recordSlots` (a power of two) slots of slotBytes(MAX_DEPTH) bytes at byte `records`, where the
   * core writes each replayed book message's signal record (the instrument's signal-out pointer) for the strategy to
   * read at the message's local time.
   */
  records: number;
  /** Each instrument's record ring (`records` is the first); absent: `records` only. */
  recordsOf?: readonly number[];
  recordSlots: number;
}

/** A run's order counts before anything happened. */
function newCounts(): Required<OrderCounts> {
  return {
    orders: 0,
    cancels: 0,
    rejects: 0,
    amends: 0,
    amendRejects: 0,
    postedLot: 0,
    filledLot: 0,
    flattenFills: 0,
    flattenLot: 0,
    haltCancels: 0,
    rejectReasons: {},
  };
}

/** The most book levels a side a strategy may declare (`depth`). */
export const MAX_DEPTH = 32;
/** The most instruments one backtest replays (the core's engine has room for 64). */
export const MAX_INSTRUMENTS = 64;
/** feedMerged's limit: a message stamped before it, at or before it, or no limit. */
export const BEFORE = 0;
export const INCLUSIVE = 1;
export const NO_LIMIT = 2;
/** Bytes of the record ring a run cycles through (about): small enough to stay in the caches beside the core's book. */
const RING_BYTES = 128 * 1024;

/** Slots of `stride` bytes the record ring holds in a run: a power of two near RING_BYTES (≥ 64), within the area. */
function ringSlots(areaSlots: number, stride: number): number {
  const room = Math.min((areaSlots * slotBytes(MAX_DEPTH)) / stride, Math.max(64, RING_BYTES / stride));
  return 2 ** Math.floor(Math.log2(room));
}

const TWO32 = 4294967296;
// Market event kinds in the queue.
const OTHER = 0;
const BOOK = 1;
const TRADE = 2;
// Record words (Int32 index offsets within a 64-byte record) the loop reads.
const W_EXCH = R.exchTs >> 2;
const W_LOCAL = R.localTs >> 2;
const W_PRICE = R.price >> 2;
const W_QTY = R.qty >> 2;

/**
 * A record's exchange (w = its R.exchTs word) or local (R.localTs word) stamp on the loop's clock, from the halves of
 * the first record's local stamp: no bigint per record.
 */
function stamp(w: Int32Array, p: number, hi0: number, lo0: number): number {
  return (w[p + 1] - hi0) * TWO32 + ((w[p] >>> 0) - lo0);
}

/** The venue's view of the replayed book: the core's book now (read as f64: no BigInt per read). */
function coreBook(inst: Instrument): VenueBook {
  const x = inst.core.x;
  const ptr = inst.book.ptr;
  const price = (side: 1 | 2, i: number): number | null => {
    const p = x.bookPriceF64(ptr, side, i);
    return p === p ? p : null;
  };
  const best = (side: 1 | 2): number | null => {
    const p = x.bookBestF64(ptr, side);
    return p === p ? p : null;
  };
  return {
    bestBid: () => best(1),
    bestAsk: () => best(2),
    level: (side, i) => {
      const p = price(side, i);
      return p === null ? null : { price: p, qty: x.bookQtyF64(ptr, side, i) };
    },
    qtyAt: (side, p) => x.bookLevelQtyF64(ptr, side, p),
  };
}

export class Backtest {
  private readonly agenda = new Agenda();
  // Market events (book messages, trades, health) come in local-time order: a FIFO beside the agenda, no heap work
  // for them. A few are pending at a time (one feed latency's worth). Indices only grow (masked into the arrays).
  private cap = 256;
  private mask = 255;
  /** Delivery time, and each event's own local stamp (earlier than the delivery time when clamped). */
  private qT = new Float64Array(256);
  private qL = new Float64Array(256);
  private qK = new Uint8Array(256);
  /** The instrument of each event. */
  private qI = new Uint8Array(256);
  /** Book messages: the record (an index into its instrument's record ring), or -1 when it had to be copied to `spill`. */
  private qR = new Int32Array(256);
  /** Trades: price, size, taker side (1 buy), exchange time. */
  private qX = new Float64Array(256 * 4);
  private qE: Array<Event | undefined> = new Array<Event | undefined>(256).fill(undefined);
  private head = 0;
  private tail = 0;
  /** Per instrument: queue index of the last book message delivered; -1 before the first. */
  private readonly lastBook: number[];
  /**
   * The record rings in core memory (BacktestCore.recordsOf), one per instrument: the core writes each book message's
   * signal record (and the loop its best levels) into its instrument's next slot, where it stays until the strategy
   * has read it — nothing is copied. Per instrument, records from `recLow` (the one the views read) to `recTail` (the
   * next to write) are in use. `ring` is the view of core memory every ring is read through.
   */
  private readonly ring: Slots;
  private readonly ringMask: number;
  private readonly ringAt: number[];
  private readonly recTail: number[];
  private readonly recLow: number[];
  /** Word index of each instrument's signal-out pointer (where the core writes its next record). */
  private readonly signalOut: number[];
  /** Records that no longer fitted a ring (a feed far behind): copied here, by queue slot. Rarely used. */
  private spill: Slots;
  /** Per instrument, the views read a spilled record: its queue index, protected from reuse until its next delivery (-1: none). */
  private readonly lastSpill: number[];
  /** The lowest of lastSpill's (-1: none): the queue keeps slots from there. */
  private spillFloor = -1;
  /** Public trades go to the runtime (the definition's `trades`, then, from begin(), the runtime's wantsTrades). */
  private wantTrades: boolean;
  private readonly depth: number;
  private readonly health: FeedHealth[];
  /** The venue of each instrument (the simulated one, or the recorded answers of a session). */
  readonly venues: Venue[];
  /** The first instrument's venue. */
  readonly sim: Venue;
  private rt!: StrategyRuntime;
  private base = 0n;
  private baseAbs = 0;
  /** The first record's local stamp as halves, and the window's ends, on the loop's clock (set at the first record). */
  private hi0 = 0;
  private lo0 = 0;
  private toRel = Infinity;
  /** Where a merged replay of one instrument stops (feedMerged), on the loop's clock; Infinity otherwise. */
  private limit = Infinity;
  private fromRel = -Infinity;
  /** The runtime's clock minus the loop's (the runtime counts from the UTC midnight before the first record). */
  private rtOff = 0;
  private started = false;
  private inMessage = false;
  /** The instrument of the message being replayed. */
  private cur = 0;
  /** The core put records in the output ring since the last message end. */
  private ringUsed = false;
  private lastExch = -Infinity;
  /** drainUntil's bound (a field, not an argument: a double argument is a new heap number on every call). */
  private until = -Infinity;
  /** The local time of the event being handed to the runtime (for the same reason a field), and an answer's venue time. */
  private evT = 0;
  private evExch = 0;
  /** The instrument of the event being handed to the runtime. */
  private evI = 0;
  private lastLocal = 0;
  /** Local stamp of the last replayed message (unclamped), on the loop's clock. */
  private lastLocalRel = 0;
  /** The next timer tick (local time), Infinity when none is scheduled: one at a time, outside the agenda. */
  private tickAt = Infinity;
  /** The last tick skipped as quiet and not yet superseded (NaN: none); ticks handed over / skipped. */
  private pendingTick = NaN;
  ticks = 0;
  ticksSkipped = 0;
  /** Book messages held back (the runtime got only the last of each run of them). */
  booksHeld = 0;
  /** Times heldRun went on from one instrument's messages to another's without leaving its loop (a merged replay). */
  heldTurns = 0;
  private tickOffset = 0;
  private trades = 0;
  /** Each instrument's mid (ticks) as of the last book message delivered. */
  private readonly mid: Float64Array;
  private msgLocal = 0;
  /** heldRun's answer: the core's result for the message it applied and left to staged (0: none). */
  private runR = 0;
  /** Such a message of feedStreams' heldRun, for staged to finish first (0: none). */
  private pendingR = 0;
  /** Feed latency (local − exchange stamp) of the last replayed message: holdBook's argument, a field for the same reason. */
  private msgFeed = 0;
  /** Local time of the last replayed message: the run ends there. */
  private dataEnd = 0;
  private msgWanted = true;
  private ended = false;
  /**
   * Book messages held back (./runtime inertBookUntil): while nothing is pending anywhere and the runtime says book
   * messages stamped before `inertTo` (its clock) change nothing but its views and clock, a valid message with its feed
   * latency inside [minLat, maxLat] is not queued: its samples are taken and its mid noted, and only the last of a
   * run is handed over (flushBooks), before anything else is queued or the run ends. Per instrument: its record (-1:
   * none held), delivery time and local stamp; `held` counts the instruments holding one.
   */
  private inertTo = -Infinity;
  private minLat = 0;
  private maxLat = 0;
  private readonly heldR: number[];
  private readonly heldT: Float64Array;
  private readonly heldL: Float64Array;
  private held = 0;

  // trace
  events = 0;
  /** Book messages delivered at the exchange time because their local stamp was earlier (local clock behind). */
  clampedLocal = 0;
  private readonly fillLog: FillLog;
  private readonly tradeRows: TradeRow[] = [];
  /**
   * Orders, cancels, rejects and lots; among them the runtime's own clean-up (not the strategy's doing, shown apart):
   * its flatten's fills (clientOid rbflat-…) and their lots, and the cancel-alls it sent while halted.
   */
  private readonly counts = newCounts();
  /** Several instruments: each one's fills, round trips and counts (the totals are above). */
  private readonly per: Array<{ fills: FillRow[]; trades: TradeRow[]; counts: Required<OrderCounts> }>;
  /** Per instrument: markouts, the equity/position/mid series and funding. */
  private readonly rec: Recorders[];
  private readonly instruments: readonly RuntimeInstrument[];
  private readonly n: number;
  private readonly tickLotQuote: number[];
  private readonly tickNs = Number(TICK_NS);

  constructor(
    private readonly c: BacktestCore,
    private readonly o: BacktestOptions,
  ) {
    const def = o.strategy.definition;
    const depth = def.depth ?? 0;
    if (!(Number.isInteger(depth) && depth >= 0 && depth <= MAX_DEPTH))
      throw new Error(`strategy ${def.name}: depth must be an integer of levels in [0, ${MAX_DEPTH}], got ${String(depth)}`);
    const trades = def.trades ?? 0;
    if (!(Number.isInteger(trades) && trades >= 0 && trades <= 100_000))
      throw new Error(`strategy ${def.name}: trades must be an integer in [0, 100000], got ${String(trades)}`);
    this.depth = depth;
    this.wantTrades = trades > 0;
    const insts = o.instruments ?? [o.instrument];
    const cores = c.insts ?? [c.inst];
    const rings = c.recordsOf ?? [c.records];
    if (insts.length > cores.length || insts.length > rings.length || insts.length > MAX_INSTRUMENTS)
      throw new Error(`the backtest core has ${cores.length} instrument(s), the run asks for ${insts.length}`);
    this.instruments = insts;
    const n = (this.n = insts.length);
    const core = c.core;
    // Slots as wide as the strategy's depth, and no more of them than stay in cache: each message's record is written
    // to the next slot, and a ring larger than the caches evicts the core's book on every message. Messages pending
    // beyond it (a feed far behind) spill to JS slots.
    this.ring = new Slots(0, depth, { i32: core.words, f64: core.f64, u8: core.bytes });
    this.ringMask = ringSlots(c.recordSlots, this.ring.stride) - 1;
    this.spill = new Slots(this.cap, depth);
    this.ringAt = rings.slice(0, n);
    this.recTail = new Array<number>(n).fill(0);
    this.recLow = new Array<number>(n).fill(0);
    this.lastBook = new Array<number>(n).fill(-1);
    this.lastSpill = new Array<number>(n).fill(-1);
    this.heldR = new Array<number>(n).fill(-1);
    this.heldT = new Float64Array(n);
    this.heldL = new Float64Array(n);
    this.signalOut = cores.slice(0, n).map((i) => (i.ptr + I.signalOut) >> 2);
    this.health = insts.map(() => new FeedHealth());
    this.mid = new Float64Array(n).fill(NaN);
    this.tickLotQuote = insts.map((i) => i.tickSize * i.lotSize);
    this.rec = this.tickLotQuote.map(
      (q, i) => new Recorders(q, o.fundingSettlementsOf ? { ...o, fundingSettlements: o.fundingSettlementsOf[i] } : o),
    );
    this.fillLog = new FillLog(n);
    this.per = insts.map(() => ({ fills: [], trades: [], counts: newCounts() }));
    // half a nanosecond after the clock's time on the loop's: after the signal or tick stamped then, before the next
    const given = o.venue?.((ns, e, inst = 0) => this.agenda.push(Number(ns - this.base) + 0.5, ANSWER, inst, undefined, e, NaN));
    this.venues = given
      ? insts.map(() => given)
      : insts.map(
          (instrument, i) =>
            new SimExchange({
              book: coreBook(cores[i]),
              instrument,
              queue: o.queue,
              partialFills: o.partialFills,
              amendKeepsQueue: instrument.amendKeepsQueue,
              deliver: (t, e) => this.agenda.push(t + this.o.latency.response(this.baseAbs + t), ANSWER, i, undefined, e, t),
            }),
        );
    this.sim = this.venues[0];
  }

  /** The runtime (made at the first record), with every book message replayed so far handed over. */
  get runtime(): StrategyRuntime {
    if (this.held !== 0) this.flushBooks();
    return this.rt;
  }

  /** True once the replay window's end (toNs) was reached: later records are not wanted. */
  get done(): boolean {
    return this.ended;
  }

  /** Replays `rows` records given as columns (one row group, or part of one), in recording order. */
  feed(cols: Columns, rows: number): void {
    const { core, staging, stagingRecords } = this.c;
    for (let start = 0; start < rows && !this.ended; start += stagingRecords) {
      const n = Math.min(stagingRecords, rows - start);
      const part: Columns = {};
      for (const k in cols) part[k] = cols[k].subarray(start, start + n) as Int32Array | BigInt64Array;
      columnsToRecords(part, n, core.words, staging >> 2, this.c.inst.idx);
      this.staged(staging, n, 0);
    }
  }

  /**
   * Replays `rows` 64-byte records (16 words each, instrument 0) from record `from` of `words` — e.g. a recording
   * decoded once into shared memory: each chunk is one block copy into the staging area.
   */
  feedRecords(words: Int32Array, from: number, rows: number): void {
    const { core, staging, stagingRecords } = this.c;
    for (let start = 0; start < rows && !this.ended; start += stagingRecords) {
      const n = Math.min(stagingRecords, rows - start);
      core.words.set(words.subarray((from + start) * 16, (from + start + n) * 16), staging >> 2);
      this.staged(staging, n, 0);
    }
  }

  /** Replays `rows` records already in core memory from byte address `ptr` (see capture/parquet/record-groups), in place. */
  feedCore(ptr: number, rows: number): void {
    if (!this.ended) this.staged(ptr, rows, 0);
  }

  /**
   * Several instruments merged in local-time order (./merge): replays instrument `inst`'s records in core memory from
   * byte address `ptr` (at most `rows`, in place) while the message that starts next is stamped (local_ts of its first
   * record) before the limit — the next message of another instrument, ns since the epoch as its halves `limitHi` and
   * `limitLo` (signed words) — or at it with INCLUSIVE (the other instrument comes later in the run's order); with
   * NO_LIMIT, to the end. Returns the records replayed; a message that goes on past `rows` is finished first by the
   * next call for the same instrument (`inMessageNow`).
   */
  feedMerged(inst: number, ptr: number, rows: number, limitHi: number, limitLo: number, mode: number): number {
    if (this.ended || rows <= 0) return 0;
    if (!this.started) this.begin(this.c.core.words, ptr >> 2);
    // stamps are whole ns on the loop's clock: half a ns below the limit stops at it
    this.limit =
      mode === NO_LIMIT ? Infinity : (limitHi - this.hi0) * TWO32 + ((limitLo >>> 0) - this.lo0) - (mode === INCLUSIVE ? 0 : 0.5);
    const n = this.staged(ptr, rows, inst);
    this.limit = Infinity;
    return n;
  }

  /**
   * Several instruments merged in local-time order as the merge (./merge) decodes them: replays the streams' pieces in
   * `c` in place, always the message with the earliest local stamp (its first record's; equal stamps: the lower
   * instrument first), a message cut at the end of a piece going on in the same stream's next piece first. Returns
   * the stream whose piece is used up (the merge decodes its next one), or -1 once every stream ended or the window
   * did. While messages would only be held back, heldRun takes them from stream to stream in one loop; otherwise
   * staged runs one stream's messages up to the next of another's.
   */
  feedStreams(c: MergeCursor): number {
    for (;;) {
      if (this.ended) return -1;
      let s = c.cur;
      // a message heldRun applied, or one cut at its piece's end, goes on in its own stream
      if (this.pendingR === 0 && !(this.inMessage && s >= 0 && c.live[s] === 1)) s = c.first(-1);
      if (s < 0) return -1;
      const k = c.inst[s];
      const pos = c.pos[s];
      if (!this.started) this.begin(this.c.core.words, (c.ptr[s] >> 2) + pos * 16);
      c.cur = s;
      this.cur = k;
      this.limitOf(c, s);
      if (this.pendingR === 0 && !this.inMessage && this.holdable(k)) {
        const events = this.events;
        this.heldRun(c.ptr[s], pos, c.rows[s], c);
        this.limit = Infinity;
        // the streams' next stamps, as heldRun left them
        for (let q = 0; q < c.n; q++) if (c.live[q] === 1 && c.pos[q] < c.rows[q]) c.head(q);
        const t = c.cur;
        if (c.pos[t] >= c.rows[t]) return t;
        this.pendingR = this.runR;
        // stopped at a message that needs staged (applied when pendingR is set): again from the merge's choice
        if (this.pendingR !== 0 || this.events !== events) continue;
      }
      const got = this.staged(c.ptr[s] + pos * REC_SIZE, c.rows[s] - pos, k);
      this.limit = Infinity;
      c.pos[s] = pos + got;
      if (pos + got >= c.rows[s]) return this.ended ? -1 : s;
      if (got === 0 && !this.ended) throw new Error(`merge made no progress on instrument ${k}`);
      c.head(s);
    }
  }

  /** Stream s of `c` goes on while its messages start before the next of another stream's (`limit`, the loop's clock). */
  private limitOf(c: MergeCursor, s: number): void {
    const t = c.first(s);
    // stamps are whole ns on the loop's clock: half a ns below the limit stops at it (feedMerged's BEFORE)
    this.limit = t < 0 ? Infinity : (c.hi[t] - this.hi0) * TWO32 + ((c.lo[t] >>> 0) - this.lo0) - (c.inst[s] < c.inst[t] ? 0 : 0.5);
  }

  /**
   * Nothing pending (market events, agenda, ticks), the runtime letting book messages by, no public trades wanted, and
   * instrument k's venue idle and feed healthy: heldRun may take its messages.
   */
  private holdable(k: number): boolean {
    return (
      this.inertTo !== -Infinity &&
      this.head === this.tail &&
      this.agenda.size === 0 &&
      this.tickAt === Infinity &&
      this.pendingTick !== this.pendingTick &&
      !this.wantTrades &&
      !this.venues[k].hasResting &&
      this.health[k].healthy
    );
  }

  /** A message was cut at the end of the records given: the next call must carry on with the same instrument. */
  get inMessageNow(): boolean {
    return this.inMessage;
  }

  /** Where the run's figures start: --from when it is after the first record (the records before it build the book). */
  private windowFrom(): bigint {
    const f = this.o.fromNs;
    return f !== undefined && f > this.base ? f : this.base;
  }

  /** The first record: the run's clock, the runtime (its origin is the UTC midnight before it), onStart. */
  private begin(w: Int32Array, at: number): void {
    this.started = true;
    this.base = (BigInt(w[at + W_LOCAL + 1]) << 32n) | BigInt(w[at + W_LOCAL] >>> 0);
    this.baseAbs = Number(this.base);
    this.hi0 = Number(BigInt.asIntN(64, this.base) >> 32n);
    this.lo0 = Number(BigInt.asUintN(32, this.base));
    // the window's ends on the loop's clock
    this.toRel = this.o.toNs === undefined ? Infinity : Number(this.o.toNs - this.base);
    this.fromRel = this.o.fromNs === undefined ? -Infinity : Number(this.o.fromNs - this.base);
    this.tickOffset = Number(((this.base % TICK_NS) + TICK_NS) % TICK_NS);
    const origin = originOf(this.base);
    this.rtOff = Number(this.base - origin);
    const s = this.o.strategy;
    this.minLat = s.settings.risk.minFeedLatencyNs;
    this.maxLat = s.settings.risk.maxFeedLatencyNs;
    this.rt = new StrategyRuntime({
      definition: s.definition,
      params: s.params,
      settings: s.settings,
      instruments: this.instruments,
      originNs: origin,
      idTag: s.idTag,
      seed: s.seed,
      ofiLevels: s.ofiLevels,
      slots: this.ring,
      describeError: s.describeError,
      onLog: s.onLog,
      handlerCell: s.handlerCell,
    });
    const venues = this.venues;
    if (this.n === 1) this.rt.queueAhead = (oid) => venues[0].queueAhead(oid);
    else
      this.rt.queueAhead = (oid) => {
        // an order is known to one venue only; NaN from the others
        for (let i = 0; i < venues.length; i++) {
          const q = venues[i].queueAhead(oid);
          if (q === q) return q;
        }
        return NaN;
      };
    for (let i = 0; i < this.n; i++) {
      this.rec[i].start(this.base, this.rt.position(i), this.windowFrom());
      // a settlement counts a fill by its venue stamp: one made before it and answered after it is held at it
      this.rec[i].inFlightLot = (t) => {
        let lot = 0;
        this.agenda.eachAnswer((e, inst, exchT) => {
          if (inst === i && e.type === 'fill' && exchT < t) lot += e.side === 'buy' ? e.qtyLot : -e.qtyLot;
        });
        return lot;
      };
    }
    // a strategy with onTrade gets the public trades without declaring `trades` (it keeps none in m.trades)
    this.wantTrades = this.rt.wantsTrades;
    this.o.onRuntime?.(this.rt);
    for (let i = 0; i < this.n; i++) this.rt.attach(i, this.ring, -1);
    this.evT = 0;
    this.settle(this.rt.start(this.rtOff));
  }

  /**
   * Runs `n` records of instrument `inst` from byte address `ptr`, message by message (a message may continue in the
   * next chunk), until a message would start after `limit` (the loop's clock; feedMerged); returns the records run.
   */
  private staged(ptr: number, n: number, inst: number): number {
    const { core, engine, out } = this.c;
    const w = core.words;
    const at = ptr >> 2;
    if (!this.started) this.begin(w, at);
    // the core's replayMessage called directly (no wrapper per message)
    const x = core.x;
    const ep = engine.ptr;
    const ob = out.base;
    const ag = this.agenda;
    this.cur = inst;
    const hi0 = this.hi0;
    const lo0 = this.lo0;
    const toRel = this.toRel;
    const fromRel = this.fromRel;
    const lim = this.limit;
    const check = toRel !== Infinity || lim !== Infinity;
    const venue = this.venues[inst];
    let i = 0;
    // the message at i when heldRun applied it but left the rest to this loop (0: not applied); the first may come
    // from feedStreams' heldRun
    let r = this.pendingR;
    this.pendingR = 0;
    while (i < n) {
      if (r === 0 && !this.inMessage) {
        const p = at + i * 16;
        if (check) {
          const tl0 = stamp(w, p + W_LOCAL, hi0, lo0);
          // another instrument's turn first: the window ends only when the merged order reaches it
          if (tl0 > lim) return i;
          if (tl0 >= toRel) {
            this.ended = true;
            return i;
          }
        }
        if (this.holdable(inst)) {
          const from = i;
          i = this.heldRun(ptr, i, n, null);
          if (i >= n) return n;
          r = this.runR;
          // stopped before message i: its window checks above first
          if (r === 0 && i !== from) continue;
        }
        if (r === 0) {
          const q = at + i * 16;
          let te = stamp(w, q + W_EXCH, hi0, lo0);
          if (te < this.lastExch) te = this.lastExch; // exchange stamps running backwards: hold the venue clock
          this.lastExch = te;
          // nothing queued, on the agenda or ticking (most messages while book messages are held back): nothing to run
          if (this.head !== this.tail || ag.size !== 0 || this.tickAt !== Infinity || this.pendingTick === this.pendingTick) {
            this.until = te;
            this.drainUntil();
          }
          // a book message's signal record goes to the next slot of the record ring (trades and statuses make none)
          const kind = w[q] & 0xff;
          if (kind !== Kind.trade && kind !== Kind.status) this.nextRecord(w);
        }
      }
      // the signal stays in the instrument's last-signal record and trades are not copied out: only statuses
      // (rare) come through the output ring
      if (r === 0) r = x.engineReplayMessage(ep, ptr + i * REC_SIZE, n - i, ob);
      if ((r & REPLAY_RING) !== 0) this.ringUsed = true; // maybe by the part of a message in the previous piece
      const j = i + (r & 0xffff) - 1;
      const head = w[at + j * 16];
      const k = head & 0xff;
      const complete = endsMessage(k, head >>> 16);
      this.events += j - i + 1;
      this.inMessage = !complete;
      if (complete) {
        const p = at + j * 16;
        const te = this.lastExch;
        const tl = stamp(w, p + W_LOCAL, hi0, lo0);
        this.msgLocal = Math.max(tl, te);
        if (this.msgLocal > this.dataEnd) this.dataEnd = this.msgLocal;
        if (tl < te) this.clampedLocal++;
        this.lastLocalRel = tl;
        this.msgWanted = tl >= fromRel;
        // the message's exchange stamp as recorded: the venue orders a trade and a book message by it (te is held)
        const exch = stamp(w, p + W_EXCH, hi0, lo0);
        const feedNs = tl - exch;
        this.msgFeed = feedNs;
        const lat = this.o.latency;
        // a status record carries no exchange stamp (the recorder's clock-offset estimate, a disconnect): no feed latency
        if (lat.feed !== undefined && k !== Kind.status) {
          lat.feed[0] = this.baseAbs + te;
          lat.feed[1] = feedNs;
          lat.observeFeed!();
        }
        const resting = venue.hasResting;
        if (k === Kind.trade) {
          // prices and sizes in ticks and lots are far below 2^53
          const side = (head >> 8) & 0xff;
          if (resting || this.wantTrades) {
            const price = w[p + W_PRICE + 1] * TWO32 + (w[p + W_PRICE] >>> 0);
            const qty = w[p + W_QTY + 1] * TWO32 + (w[p + W_QTY] >>> 0);
            if (resting) venue.trade(te, side, price, qty, exch);
            if (this.wantTrades && this.msgWanted) this.queueTrade(price, qty, side === 1, te);
          }
        } else if (resting) {
          venue.afterBook(te, exch);
        }
        if (this.ringUsed) {
          this.ringUsed = false;
          this.collect(core, out);
        }
        if ((r & REPLAY_SIGNAL) !== 0 && this.msgWanted && !(tl < this.inertTo && this.holdBook())) this.queueBook();
      }
      i = j + 1;
      r = 0;
    }
    return n;
  }

  /**
   * staged's loop for a run of messages that change nothing but what holdBook notes (nothing pending, no venue orders
   * resting, no public trades wanted, a healthy feed, runtime.inertBookUntil ahead): the same work per message with
   * everything it reads and writes in locals, so a no-op strategy costs little more than the core. From record `i` of
   * `n` at byte `ptr` (a message starts there) of instrument `cur`, it replays and finishes each message while staged
   * would only hold it back (a book message) or note it (a public trade), and returns the index of the first message it
   * did not finish. That message, when heldRun already applied it (something about it needs staged: a status, a sample
   * due, a latency or stamp holdBook refuses, its end past `n`…), has the core's answer in runR (0: not applied).
   *
   * It stops at `limit` (a merged replay: another instrument's next message goes first) — or, given the merge's cursor
   * `c` (feedStreams), goes on with that instrument's messages in the same loop, from stream to stream in the merge's
   * order, while each instrument's venue is idle and its feed healthy; the stream it stopped in is then `c.cur`, at
   * `c.pos` (the index returned). One loop for the merge: it takes the instruments' messages about one at a time.
   */
  private heldRun(ptr: number, i: number, n: number, c: MergeCursor | null): number {
    const w = this.c.core.words;
    const x = this.c.core.x;
    const ep = this.c.engine.ptr;
    const ob = this.c.out.base;
    const hi0 = this.hi0;
    const lo0 = this.lo0;
    const fromRel = this.fromRel;
    const inertTo = this.inertTo;
    const minLat = this.minLat;
    const maxLat = this.maxLat;
    const u8 = this.ring.u8;
    const stride = this.ring.stride;
    const rmask = this.ringMask;
    const lat = this.o.latency;
    const feedIn = lat.feed;
    // the first sample, markout or funding due (advanceTo): a message reaching it is left to staged
    let due = Infinity;
    for (let q = 0; q < this.n; q++) {
      const rc = this.rec[q];
      due = Math.min(due, rc.nextSample, rc.nextFunding, rc.nextMark);
    }
    let lastExch = this.lastExch;
    let events = 0;
    let clamped = 0;
    let dataEnd = this.dataEnd;
    let lastLocalRel = this.lastLocalRel;
    let lastLocal = NaN; // msgLocal of the last message finished here
    let r = 0;
    const toRel = this.toRel;
    let lim = this.limit;
    let k = this.cur;
    let s = c === null ? -1 : c.cur;
    for (;;) {
      // instrument k's ring and what it holds back
      const at = ptr >> 2;
      const ringAt = this.ringAt[k];
      const sigOut = this.signalOut[k];
      let recTail = this.recTail[k];
      const recLow = this.recLow[k];
      let heldR = this.heldR[k];
      let heldL = this.heldL[k];
      let heldT = this.heldT[k];
      let heldAt = -1; // byte address of the last record held here (-1: none)
      const check = toRel !== Infinity || lim !== Infinity;
      let turn = NaN; // the local stamp of the message at i when another instrument's goes first
      while (i < n) {
        const p = at + i * 16;
        if (check) {
          const tl0 = stamp(w, p + W_LOCAL, hi0, lo0);
          if (tl0 > lim) {
            turn = tl0;
            break;
          }
          if (!(tl0 < toRel)) break;
        }
        let te = stamp(w, p + W_EXCH, hi0, lo0);
        if (te < lastExch) te = lastExch;
        lastExch = te;
        const kind = w[p] & 0xff;
        if (kind === Kind.status) break;
        const book = kind !== Kind.trade;
        const slot = ringAt + (recTail & rmask) * stride;
        if (book) {
          if (recTail - (heldAt >= 0 ? heldR : recLow) >= rmask) break; // the ring is full: staged spills
          w[sigOut] = slot;
        }
        r = x.engineReplayMessage(ep, ptr + i * REC_SIZE, n - i, ob);
        const j = i + (r & 0xffff) - 1;
        const head = w[at + j * 16];
        if ((r & REPLAY_RING) !== 0 || !endsMessage(head & 0xff, head >>> 16)) break;
        const e = at + j * 16;
        const tl = stamp(w, e + W_LOCAL, hi0, lo0);
        const msgLocal = tl > te ? tl : te;
        if (!(msgLocal < due) || tl < fromRel || !(tl < inertTo)) break;
        const feedNs = tl - stamp(w, e + W_EXCH, hi0, lo0);
        let hold = false;
        if (book && (r & REPLAY_SIGNAL) !== 0) {
          if (!(feedNs >= minLat && feedNs <= maxLat) || (heldR >= 0 && tl < heldL) || (u8[slot + S.state] & State.valid) === 0) break;
          hold = true;
        }
        // nothing below can refuse the message: it is finished here, as staged and holdBook would
        r = 0;
        events += j - i + 1;
        if (msgLocal > dataEnd) dataEnd = msgLocal;
        if (tl < te) clamped++;
        lastLocalRel = tl;
        if (feedIn !== undefined) {
          feedIn[0] = this.baseAbs + te;
          feedIn[1] = feedNs;
          lat.observeFeed!();
        }
        if (hold) {
          if (heldR >= 0) this.booksHeld++;
          else this.held++;
          heldR = recTail++;
          heldL = tl;
          heldT = msgLocal;
          heldAt = slot;
          if (this.depth > 0) this.writeLevels(k, slot);
        }
        lastLocal = msgLocal;
        i = j + 1;
      }
      if (heldAt >= 0) {
        this.recTail[k] = recTail;
        this.heldR[k] = heldR;
        this.heldL[k] = heldL;
        this.heldT[k] = heldT;
        // nothing reads the record the views point at until the runtime gets the held one: its slot may be reused
        this.recLow[k] = heldR;
        this.evT = heldT;
        if (heldT > this.lastLocal) this.lastLocal = heldT;
        this.mid[k] = (num64(this.ring.i32, heldAt + S.bestBid) + num64(this.ring.i32, heldAt + S.bestAsk)) / 2;
      }
      if (turn !== turn || c === null) break;
      // the merge's next message is another stream's: on there, when its instrument's messages would be held too
      c.pos[s] = i;
      if (c.n === 2) {
        // the other stream's message was the limit, and this one's is the other's (at equal stamps the lower
        // instrument first); the streams' stamps are read again when the loop ends
        const t = 1 - s;
        lim = turn - (c.inst[t] < c.inst[s] ? 0 : 0.5);
        s = t;
      } else {
        c.head(s);
        s = c.first(-1);
        this.limitOf(c, s);
        lim = this.limit;
      }
      k = c.inst[s];
      i = c.pos[s];
      if (this.venues[k].hasResting || !this.health[k].healthy) break;
      this.heldTurns++;
      ptr = c.ptr[s];
      n = c.rows[s];
    }
    this.lastExch = lastExch;
    this.events += events;
    this.clampedLocal += clamped;
    this.dataEnd = dataEnd;
    this.lastLocalRel = lastLocalRel;
    this.runR = r;
    if (lastLocal === lastLocal) {
      this.msgLocal = lastLocal;
      this.msgWanted = true;
    }
    if (c !== null) {
      c.cur = s;
      c.pos[s] = i;
    }
    return i;
  }

  /** A queue entry of the current instrument at the message's local time; returns its index masked (its slot). */
  private enqueue(kind: number): number {
    if (this.held !== 0) this.flushBooks(); // held book messages come first
    // a spilled record the views read keeps its queue slot until the next delivery
    const f = this.spillFloor;
    const floor = f >= 0 && f < this.head ? f : this.head;
    if (this.tail - floor >= this.cap) this.grow(floor);
    const s = this.tail++ & this.mask;
    this.qT[s] = this.msgLocal;
    this.qL[s] = this.lastLocalRel;
    this.qK[s] = kind;
    this.qI[s] = this.cur;
    return s;
  }

  /**
   * A health event at the current message's local time. The slot first, then the store: enqueue may grow the queue
   * into new arrays, and `this.qE[this.enqueue(…)] = e` would store into the old one (its object is read first).
   */
  private queueEvent(e: Event): void {
    const s = this.enqueue(OTHER);
    this.qE[s] = e;
  }

  /** Points the core at the next free slot of the current instrument's record ring for the book message about to be applied. */
  private nextRecord(w: Int32Array): void {
    const k = this.cur;
    if (this.recTail[k] - this.recLow[k] >= this.ringMask) this.spillRecords(k);
    w[this.signalOut[k]] = this.ringAt[k] + (this.recTail[k] & this.ringMask) * this.ring.stride;
  }

  /** The lowest queue index a spilled record the views read holds (-1: none). */
  private floorSpill(): void {
    let f = -1;
    for (let i = 0; i < this.n; i++) {
      const v = this.lastSpill[i];
      if (v >= 0 && (f < 0 || v < f)) f = v;
    }
    this.spillFloor = f;
  }

  /**
   * Instrument `k`'s ring is full (the feed runs a ring's worth of messages behind): the views' record and every queued
   * one of it move to the spill slots, freeing the ring. Never in ordinary data; correct if it happens.
   */
  private spillRecords(k: number): void {
    const st = this.ring.stride;
    const copy = (r: number, toSlot: number) => {
      const from = this.ringAt[k] + (r & this.ringMask) * st;
      this.spill.u8.set(this.ring.u8.subarray(from, from + st), toSlot * st);
    };
    const v = this.lastBook[k];
    if (v >= 0 && v < this.head && this.qR[v & this.mask] >= 0) {
      // the views' record: keep it in its (delivered) queue slot, protected until the next delivery
      copy(this.qR[v & this.mask], v & this.mask);
      this.qR[v & this.mask] = -1;
      this.lastSpill[k] = v;
      this.floorSpill();
      this.rt.attach(k, this.spill, (v & this.mask) * st);
    }
    for (let i = this.head; i < this.tail; i++) {
      const q = i & this.mask;
      if (this.qK[q] === BOOK && this.qI[q] === k && this.qR[q] >= 0) {
        copy(this.qR[q], q);
        this.qR[q] = -1;
      }
    }
    this.recLow[k] = this.recTail[k];
  }

  /**
   * The message just completed: its recovery from a feed problem (if it ends one), then its entry. Its record is in the
   * ring where the core wrote it; a strategy that reads depth gets the book's best levels written beside it.
   */
  private queueBook(): void {
    const k = this.cur;
    const sl = this.ring;
    const base = this.ringAt[k] + (this.recTail[k] & this.ringMask) * sl.stride;
    const health = this.health[k];
    if (!health.healthy) {
      const recovered = health.book((sl.u8[base + S.state] & State.valid) !== 0);
      if (recovered !== null) this.queueEvent(recovered);
    }
    const s = this.enqueue(BOOK);
    this.qR[s] = this.recTail[k]++;
    if (this.depth > 0) this.writeLevels(k, base);
  }

  /** The best levels of instrument k's book beside its record at byte `base` of the ring, for a strategy that reads depth. */
  private writeLevels(k: number, base: number): void {
    const sl = this.ring;
    const x = this.c.core.x;
    const book = (this.c.insts ?? [this.c.inst])[k].book.ptr;
    const lv = base + RECORD_BYTES;
    const d = this.depth * 8;
    sl.i32[(base + LEVEL_COUNTS) >> 2] = x.bookTop(book, 1, this.depth, lv, lv + d);
    sl.i32[(base + LEVEL_COUNTS + 4) >> 2] = x.bookTop(book, 2, this.depth, lv + 2 * d, lv + 3 * d);
  }

  /**
   * The message just completed, stamped lastLocalRel (the loop's clock) before inertTo, with feed latency msgFeed: held back
   * instead of queued when nothing is pending (no market event, agenda entry or tick), its feed is healthy, its book
   * valid, its latency inside the risk limits and its stamp no earlier than the message held before it. It is then
   * delivered as far as the loop is concerned (samples due by its delivery time, its mid); the runtime gets it when
   * the next message does not qualify, something is queued, or the run ends (flushBooks). False: queue it.
   */
  private holdBook(): boolean {
    const k = this.cur;
    const tl = this.lastLocalRel;
    const feedNs = this.msgFeed;
    if (this.head !== this.tail || this.agenda.size !== 0 || this.tickAt !== Infinity || this.pendingTick === this.pendingTick)
      return false;
    if (!(feedNs >= this.minLat && feedNs <= this.maxLat) || !this.health[k].healthy) return false;
    const before = this.heldR[k] >= 0;
    if (before && tl < this.heldL[k]) return false;
    const sl = this.ring;
    const base = this.ringAt[k] + (this.recTail[k] & this.ringMask) * sl.stride;
    if ((sl.u8[base + S.state] & State.valid) === 0) return false;
    const r = this.recTail[k]++;
    if (this.depth > 0) this.writeLevels(k, base);
    if (before) this.booksHeld++;
    else this.held++;
    this.heldR[k] = r;
    this.heldT[k] = this.msgLocal;
    this.heldL[k] = tl;
    // nothing reads the record the views point at until the runtime gets this one: its slot may be reused
    this.recLow[k] = r;
    this.evT = this.msgLocal;
    this.advanceTo();
    this.mid[k] = (num64(sl.i32, base + S.bestBid) + num64(sl.i32, base + S.bestAsk)) / 2;
    return true;
  }

  /** Hands the runtime each instrument's held book message (the queue is empty: each is queued and taken at once). */
  private flushBooks(): void {
    this.held = 0;
    for (let k = 0; k < this.n; k++) {
      const r = this.heldR[k];
      if (r < 0) continue;
      this.heldR[k] = -1;
      const s = this.enqueue(BOOK);
      this.qT[s] = this.heldT[k];
      this.qL[s] = this.heldL[k];
      this.qI[s] = k;
      this.qR[s] = r;
      const h = this.head++;
      this.evT = this.heldT[k];
      this.bookEvent(h);
    }
  }

  private queueTrade(price: number, qty: number, takerBuy: boolean, exchT: number): void {
    const s = this.enqueue(TRADE);
    const x = this.qX;
    x[s * 4] = price;
    x[s * 4 + 1] = qty;
    x[s * 4 + 2] = takerBuy ? 1 : 0;
    x[s * 4 + 3] = exchT;
  }

  /** Doubles the queue, keeping the pending entries (and spilled records the views read) in place by index. */
  private grow(floor: number): void {
    const cap = this.cap * 2;
    const mask = cap - 1;
    const t = new Float64Array(cap);
    const l = new Float64Array(cap);
    const k = new Uint8Array(cap);
    const ins = new Uint8Array(cap);
    const r = new Int32Array(cap);
    const x = new Float64Array(cap * 4);
    const e = new Array<Event | undefined>(cap).fill(undefined);
    const spill = new Slots(cap, this.depth);
    const stride = spill.stride;
    for (let i = floor; i < this.tail; i++) {
      const a = i & this.mask;
      const b = i & mask;
      t[b] = this.qT[a];
      l[b] = this.qL[a];
      k[b] = this.qK[a];
      ins[b] = this.qI[a];
      r[b] = this.qR[a];
      e[b] = this.qE[a];
      for (let q = 0; q < 4; q++) x[b * 4 + q] = this.qX[a * 4 + q];
      if (this.qR[a] < 0) spill.u8.set(this.spill.u8.subarray(a * stride, (a + 1) * stride), b * stride);
    }
    this.qT = t;
    this.qL = l;
    this.qK = k;
    this.qI = ins;
    this.qR = r;
    this.qX = x;
    this.qE = e;
    this.spill = spill;
    this.cap = cap;
    this.mask = mask;
    for (let i = 0; i < this.n; i++) if (this.lastSpill[i] >= 0) this.rt.attach(i, spill, (this.lastSpill[i] & mask) * stride);
  }

  /**
   * Status records of the message just applied (all replayMessage puts in the ring) → health events at its local time,
   * and the recorder's clock-offset estimates, which live trading held to risk.maxClockOffsetNs from when they were made.
   * An estimate before the window is the one in force when it opens.
   */
  private collect(core: Core, out: Ring): void {
    const n = out.readable(1 << 20);
    const health = this.health[this.cur];
    for (let q = 0; q < n; q++) {
      const at = out.slot(out.tail + q);
      if (core.bytes[at] !== Kind.status) continue;
      const code = readI64(core.words, at + R.seq);
      if (code === Status.clockOffset) {
        const offsetNs = readI64(core.words, at + R.price);
        if (this.msgWanted) this.queueEvent({ type: 'clockOffset', offsetNs });
        else this.rt.setClockOffset(offsetNs);
        continue;
      }
      if (!this.msgWanted) continue;
      const ev = health.status(code);
      if (ev !== null) this.queueEvent(ev);
    }
    out.release(n);
  }

  /**
   * Runs every scheduled event before `until` (strictly), in order: the agenda's venue arrivals and answers, the timer
   * tick and the market events, at equal times in the order arrivals, tick, answers, market events.
   */
  private drainUntil(): void {
    const t = this.until;
    const ag = this.agenda;
    for (;;) {
      // the common case, nothing on the agenda and no tick pending or skipped: the market events due, in order
      if (ag.size === 0 && this.tickAt === Infinity && this.pendingTick !== this.pendingTick) {
        const h = this.head;
        if (h >= this.tail) return;
        const s = h & this.mask;
        const st = this.qT[s];
        if (!(st < t)) return;
        this.head = h + 1;
        this.evT = st;
        this.market(h);
        continue;
      }
      const topT = ag.topT;
      const h = this.head;
      const st = h < this.tail ? this.qT[h & this.mask] : Infinity;
      const tt = this.tickAt;
      if (tt < topT || (tt === topT && ag.topKind > ARRIVE)) {
        if (tt < t && tt <= st) {
          this.tickAt = Infinity;
          if (!this.o.everyTick && tt < this.quietUntil()) {
            this.ticksSkipped++;
            this.pendingTick = tt;
            this.evT = tt;
            // scheduleTick from a grid point: the next is one step on (exact: integers below 2^53)
            if (this.rt.needsTicks) this.tickAt = tt + this.tickNs;
          } else {
            this.evT = tt;
            this.tickEvent();
          }
          continue;
        }
      }
      if (st < t && st < topT && st < tt) {
        this.head = h + 1;
        this.evT = st;
        this.market(h);
        continue;
      }
      if (!(topT < t) || tt < topT || (tt === topT && ag.topKind !== ARRIVE)) return;
      ag.pop();
      if (ag.kind === ARRIVE) this.venues[ag.inst].arrive(ag.t, ag.action!, ag.inst);
      else {
        if (this.pendingTick === this.pendingTick) this.flushTick();
        const x = ag.exchT;
        this.evT = ag.t;
        this.evExch = x === x ? x : ag.t;
        this.evI = ag.inst;
        this.answerEvent(ag.event!);
      }
    }
  }

  /** Market event `h` of the queue (already taken off it), due at local time evT. */
  private market(h: number): void {
    const s = h & this.mask;
    const kind = this.qK[s];
    // a message stamped at or after the skipped tick moves the clock past it; anything else sees it first
    if (this.pendingTick === this.pendingTick) {
      if (kind === OTHER || this.qL[s] < this.pendingTick) {
        const st = this.evT;
        this.flushTick();
        this.evT = st;
      } else this.pendingTick = NaN;
    }
    if (kind === BOOK) this.bookEvent(h);
    else if (kind === TRADE) this.tradeEvent(s);
    else {
      const e = this.qE[s]!;
      this.qE[s] = undefined;
      this.evExch = this.evT;
      this.evI = this.qI[s];
      this.answerEvent(e);
    }
  }

  /** The runtime's quietUntil on the loop's clock, read as its field (worked out there when not known): no boxed number. */
  private quietUntil(): number {
    const rt = this.rt;
    if (rt.quietNs !== rt.quietNs) rt.computeQuiet();
    return rt.quietNs - this.rtOff;
  }

  /** Hands the runtime the last skipped tick (it acts on nothing but the clock: quietUntil said so). */
  private flushTick(): void {
    this.evT = this.pendingTick;
    this.tickEvent();
  }

  /** A queued book message at local time evT, queue entry `i`: read in its instrument's ring where the core wrote it. */
  private bookEvent(i: number): void {
    const q = i & this.mask;
    const k = this.qI[q];
    this.lastBook[k] = i;
    this.evI = k;
    const r = this.qR[q];
    if (r >= 0) {
      this.recLow[k] = r;
      if (this.lastSpill[k] >= 0) {
        this.lastSpill[k] = -1;
        this.floorSpill();
        this.rt.attach(k, this.ring, -1);
      }
      this.bookDelivery(this.ring, this.ringAt[k] + (r & this.ringMask) * this.ring.stride);
      return;
    }
    this.lastSpill[k] = i;
    this.floorSpill();
    this.rt.attach(k, this.spill, -1);
    this.bookDelivery(this.spill, q * this.spill.stride);
  }

  /**
   * A book message of instrument evI reaches the runtime at local time evT (the hot path), read from `sl` at byte
   * `base`. Times travel in fields here, not arguments: a double passed to a call V8 does not inline is a new heap
   * number every time.
   */
  private bookDelivery(sl: Slots, base: number): void {
    this.advanceTo();
    const k = this.evI;
    if ((sl.u8[base + S.state] & State.valid) !== 0) this.mid[k] = (num64(sl.i32, base + S.bestBid) + num64(sl.i32, base + S.bestAsk)) / 2;
    const rt = this.rt;
    const actions = rt.book(k, base);
    // settle's first case, when it would change nothing (most messages to a strategy with onBook): no call
    if (
      actions.length === 0 &&
      this.trades === rt.roundTrips.length &&
      (this.tickAt !== Infinity || !rt.needsTicks) &&
      this.inertTo === -Infinity &&
      rt.readsEveryBook
    )
      return;
    this.settle(actions);
  }

  /** A queued public trade (queue slot `s`) at local time evT. */
  private tradeEvent(s: number): void {
    this.advanceTo();
    const x = this.qX;
    this.settle(this.rt.trade(this.qI[s], x[s * 4], x[s * 4 + 1], x[s * 4 + 2] === 1, x[s * 4 + 3] + this.rtOff, this.qL[s] + this.rtOff));
  }

  /** A timer tick at local time evT. */
  private tickEvent(): void {
    this.advanceTo();
    this.ticks++;
    this.pendingTick = NaN; // a later tick supersedes a skipped one
    this.settle(this.rt.tick(this.evT + this.rtOff));
  }

  /** A venue answer or a health report of instrument evI at local time evT (an answer left the venue at evExch). */
  private answerEvent(e: Event): void {
    const t = this.evT;
    const k = this.evI;
    this.advanceTo();
    this.o.onEvent?.(this.absNs(t), e, k);
    if (e.type === 'fill') {
      // the fill's number among its instrument's (the report's rows are made at the end: ./fill-log)
      const no = this.fillLog.add(t, this.evExch, e.side === 'buy', e.priceTick, e.qtyLot, e.feeQuote, e.maker, k);
      this.counts.filledLot += e.qtyLot;
      if (this.n > 1) this.per[k].counts.filledLot += e.qtyLot;
      if (isFlattenOid(e.clientOid)) {
        this.counts.flattenFills++;
        this.counts.flattenLot += e.qtyLot;
        if (this.n > 1) {
          this.per[k].counts.flattenFills++;
          this.per[k].counts.flattenLot += e.qtyLot;
        }
      }
      this.rec[k].fill(t, no, e.side === 'buy' ? 1 : -1, e.priceTick);
    } else if (e.type === 'amendReject') {
      this.counts.amendRejects++;
      if (this.n > 1) this.per[k].counts.amendRejects++;
    } else if (e.type === 'reject') {
      this.counts.rejects++;
      const why = `${e.code} ${e.message}`;
      const by = this.counts.rejectReasons;
      by[why] = (by[why] ?? 0) + 1;
      if (this.n > 1) {
        const c = this.per[k].counts;
        c.rejects++;
        c.rejectReasons[why] = (c.rejectReasons[why] ?? 0) + 1;
      }
    }
    this.settle(this.rt.handle(e, k));
  }

  private absNs(t: number): bigint {
    return this.base + BigInt(Math.round(t));
  }

  /** What the runtime did with the event at evT: a closed round trip to the trace, its actions on their way. */
  private settle(actions: Action[]): void {
    const rt = this.rt;
    // most events close no round trip and act on nothing
    if (actions.length === 0 && this.trades === rt.roundTrips.length) {
      if (this.tickAt === Infinity && rt.needsTicks) this.scheduleTick();
      if (!this.o.everyBook) this.inertTo = rt.inertBookUntil() - this.rtOff; // on the loop's clock
      return;
    }
    this.inertTo = -Infinity;
    const t = this.evT;
    const trips = rt.roundTrips;
    while (this.trades < trips.length) {
      const tr = trips[this.trades++];
      const row: TradeRow = {
        dir: tr.dir,
        entryNs: rt.originNs + BigInt(tr.entryNs),
        exitNs: rt.originNs + BigInt(tr.exitNs),
        grossQuote: tr.realisedTickLot * this.tickLotQuote[tr.inst],
        feesQuote: tr.feesQuote,
        reason: tr.reason,
      };
      this.tradeRows.push(row);
      if (this.n > 1) this.per[tr.inst].trades.push(row);
    }
    // an index loop: most events return the runtime's shared empty array, and for-of over two kinds of array
    // (frozen and not) is a polymorphic iteration on every event
    for (let i = 0; i < actions.length; i++) {
      const a = actions[i];
      const k = rt.actionInst(i);
      if (this.o.onAction) this.o.onAction(this.absNs(t), a, rt.nowNs(), k);
      const c = this.counts;
      const pc = this.n > 1 ? this.per[k].counts : null;
      if (a.type === 'place') {
        c.orders++;
        c.postedLot += a.qtyLot;
        if (pc) {
          pc.orders++;
          pc.postedLot += a.qtyLot;
        }
      } else if (a.type === 'amend') {
        c.amends++;
        if (pc) pc.amends++;
      } else if (a.type === 'cancel' || a.type === 'cancelAll') {
        c.cancels++;
        if (pc) pc.cancels++;
        // a cancel-all sent while halted is the halt's (a halted strategy sends nothing)
        if (a.type === 'cancelAll' && rt.status === 'halted') {
          c.haltCancels++;
          if (pc) pc.haltCancels++;
        }
      }
      this.agenda.push(t + this.o.latency.entry(this.baseAbs + t), ARRIVE, k, a, undefined, NaN);
    }
    if (this.tickAt === Infinity && rt.needsTicks) this.scheduleTick();
  }

  /**
   * Ticks only matter while something can time out: orders, a position, a strategy timer, a reconcile. The next grid
   * point after evT (callers check that none is scheduled and the runtime needs one).
   */
  private scheduleTick(): void {
    if (this.tickAt !== Infinity || !this.rt.needsTicks) return;
    const g = this.tickNs;
    // grid points are multiples of TICK_NS on the absolute clock: rel = k·g − offset
    this.tickAt = (Math.floor((this.evT + this.tickOffset) / g) + 1) * g - this.tickOffset;
  }

  /** Samples, markouts and funding due up to local time evT, with the state as it was before it. */
  private advanceTo(): void {
    const t = this.evT;
    if (t > this.lastLocal) this.lastLocal = t;
    // most events fall between two samples with no markout due: one comparison
    const rec = this.rec[0];
    if (this.n === 1) {
      if (t < rec.nextSample && t < rec.nextFunding && t < rec.nextMark) return;
      rec.advance(t, this.mid[0]);
      return;
    }
    for (let i = 0; i < this.n; i++) {
      const r = this.rec[i];
      if (t >= r.nextSample || t >= r.nextFunding || t >= r.nextMark) r.advance(t, this.mid[i]);
    }
  }

  /**
   * Ends the run at the local time of the last replayed message (or endNs, when later): events due by then run, later
   * ones are dropped.
   */
  finish(settings: Record<string, string | number | boolean> = {}): BacktestTrace {
    if (!this.started) throw new Error('no market data was replayed: the recording (or the --from/--to window) holds no records');
    if (this.held !== 0) this.flushBooks();
    const end = Math.max(this.lastLocal, this.dataEnd, this.o.endNs === undefined ? -Infinity : Number(this.o.endNs - this.base));
    this.until = end + 1;
    this.drainUntil();
    if (this.pendingTick === this.pendingTick) this.flushTick(); // the runtime's clock as if every tick came
    this.evT = end;
    this.advanceTo();
    this.rt.stop(); // its actions have no market left to reach
    for (const w of this.signalOut) this.c.core.words[w] = 0; // each instrument's signal record is its own again
    // the final sample: the state at the end of the data
    const done = this.rec.map((r, i) => r.finish(end, this.mid[i]));
    const inst0 = this.o.instrument;
    const fills = this.fillLog.rows(
      this.base,
      this.instruments.map((i) => i.symbol),
    );
    for (let i = 0; i < this.n; i++) this.per[i].fills = fills.per[i];
    // an instrument whose book was never valid at a sample (no snapshot in the data: the file that held it left out as
    // damaged, a recording cut short) could not be traded: said in the report, not left to a flat PnL
    const neverValid = this.instruments.filter((_, i) => !done[i].series.midTick.some((m) => m === m)).map((ins) => ins.symbol);
    if (neverValid.length) settings = { ...settings, booksNeverValid: neverValid.join(', ') };
    const trace: BacktestTrace = {
      tickSize: inst0.tickSize,
      lotSize: inst0.lotSize,
      fromNs: this.windowFrom(),
      ...(this.windowFrom() > this.base ? { bookFromNs: this.base } : {}),
      toNs: this.base + BigInt(this.lastLocalRel),
      events: this.events,
      fills: fills.all,
      trades: this.tradeRows,
      counts: { ...this.counts, rejectReasons: { ...this.counts.rejectReasons } },
      markouts: done[0].markouts,
      series: done[0].series,
      fundingQuote: done[0].fundingQuote,
      fundingSettlements: done[0].fundingSettlements,
      strategy: this.strategyTrace(),
      settings: {
        latency: this.o.latency.name,
        queue: this.o.queue.name,
        partialFills: this.o.partialFills !== false,
        makerFeeRate: inst0.makerFeeRate,
        takerFeeRate: inst0.takerFeeRate,
        fundingRate: this.o.fundingRate ?? 0,
        tickNs: this.tickNs,
        clampedLocal: this.clampedLocal,
        ...settings,
      },
    };
    if (this.n === 1) return trace;
    const instruments: InstrumentTrace[] = this.instruments.map((ins, i) => ({
      symbol: ins.symbol,
      tickSize: ins.tickSize,
      lotSize: ins.lotSize,
      makerFeeRate: ins.makerFeeRate,
      takerFeeRate: ins.takerFeeRate,
      fills: this.per[i].fills,
      trades: this.per[i].trades,
      counts: { ...this.per[i].counts, rejectReasons: { ...this.per[i].counts.rejectReasons } },
      markouts: done[i].markouts,
      series: done[i].series,
      fundingQuote: done[i].fundingQuote,
      fundingSettlements: done[i].fundingSettlements,
    }));
    return portfolioTrace(trace, instruments);
  }

  /** How the strategy ended the run, what it recorded and logged (times as ns since the first record). */
  private strategyTrace(): StrategyTrace {
    const rt = this.rt;
    const s = this.o.strategy;
    const rel = (t: number) => t - this.rtOff;
    return {
      name: s.definition.name,
      bundleHash: s.bundleHash ?? null,
      coreHash: s.coreHash ?? null,
      phase: rt.phase,
      haltReason: rt.haltReason,
      haltedNs: rt.haltedNs === rt.haltedNs ? rt.originNs + BigInt(rt.haltedNs) : null,
      counters: { ...rt.counters },
      records: [...rt.series].map(([name, sr]) => ({ name, t: Float64Array.from(sr.t, rel), v: Float64Array.from(sr.v) })),
      logs: rt.logs.map((l) => ({ t: rel(l.t), level: l.level, message: l.message })),
      logCount: rt.logCount,
    };
  }
}
