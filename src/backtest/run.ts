// The backtest event loop: recorded market records through the same core and the same strategy machine as live,
// with the simulated venue (./simexchange) in place of the gateway, on two timelines (docs/signals.md §4.2).
//
// Every book message changes the venue's book at its exch_ts and reaches the strategy at its local_ts. One pass
// in recording order does both: before a message is applied, every scheduled event earlier than its exchange time
// runs (orders reaching the venue see the book as of then; answers, signals and timer ticks reach the machine in
// local-time order); after it, resting orders update their queue and may fill, and the message's signal is
// scheduled for its local time. At equal times: venue arrivals, then ticks, then answers, then signals. A local
// stamp earlier than the exchange stamp (local clock behind) is delivered at the exchange time and counted.
//
// Timer ticks fall on the live trader's grid, but a tick before the machine's quietUntilNs is not handed over: it
// would only move the machine's clock, and the signal after it moves the clock further. The last skipped tick is
// handed over before any other event (or a signal stamped earlier), so the machine sees the clock it would have.
//
// Times inside the loop are ns relative to the first record's local_ts, as doubles (exact for 104 days).
// What travels to and from the venue waits in the agenda (./agenda); markouts, the equity series and funding are
// kept by ./recorders.
import { REC_SIZE, Kind, REPLAY_RING, REPLAY_SIGNAL, endsMessage, type Core, type Engine, type Instrument, type Ring } from '../core/index';
import { columnsToRecords } from '../capture/parquet/reader';
import type { Columns } from '../capture/schema';
import type { Action, Event, InstrumentSpec, StrategyMachine } from '../fsm/index';
import { MarketEvents, TICK_NS } from '../live/market-events';
import { SimExchange, type VenueBook } from './simexchange';
import type { LatencyModel } from './latency';
import type { QueueModel } from './queue';
import type { BacktestTrace, FillRow, TradeRow } from './trace';
import { ANSWER, ARRIVE, Agenda, SIGNAL, TICK } from './agenda';
import { Recorders } from './recorders';

type SignalEvent = Extract<Event, { type: 'signal' }>;

export interface BacktestOptions {
  machine: StrategyMachine;
  instrument: InstrumentSpec;
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
  /** Every action the machine takes, with the local time it was taken and the machine's own clock then. */
  onAction?(localNs: bigint, a: Action, decidedNs: bigint): void;
  /** Every event the machine is given except signals and ticks, with its local time. */
  onEvent?(localNs: bigint, e: Event): void;
  /** Every signal as the machine gets it (local time order): charts, logs. */
  onSignal?(localNs: bigint, e: Extract<Event, { type: 'signal' }>): void;
  /**
   * Hand the machine every timer tick, even those it says would change nothing but its clock (by default these are
   * skipped, and the last one is handed over before the next event that could tell the difference). Same results;
   * for tests that hold the two to each other.
   */
  everyTick?: boolean;
}

/** The core-side pieces a backtest runs on; reusable across runs (the optimizer runs many on one). */
export interface BacktestCore {
  core: Core;
  engine: Engine;
  inst: Instrument;
  /** Staging area in core memory for `stagingRecords` 64-byte records, and the output ring. */
  staging: number;
  stagingRecords: number;
  out: Ring;
}

const TWO32 = 4294967296;

/**
 * A record's exchange (its low word at p = record + 2) or local (p = record + 4) stamp on the loop's clock, from the
 * halves of the first record's local stamp: no bigint per record.
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
  return {
    bestBid: () => price(1, 0),
    bestAsk: () => price(2, 0),
    level: (side, i) => {
      const p = price(side, i);
      return p === null ? null : { price: p, qty: x.bookQtyF64(ptr, side, i) };
    },
    qtyAt: (side, p) => x.bookLevelQtyF64(ptr, side, p),
  };
}

export class Backtest {
  private readonly agenda = new Agenda();
  // Market events (signals, health) come in local-time order: a FIFO ring beside the agenda, no heap work for
  // them. A few are pending at a time (one feed latency's worth); a delivered slot is cleared at once, so the young
  // generation's collections do not keep copying events that were already handled.
  private sigT = new Float64Array(64);
  /** Each market event's own local stamp on the loop's clock (earlier than sigT when clamped). */
  private sigL = new Float64Array(64);
  /** 1 where the market event is a signal: the hot path reads this, not the event's type. */
  private sigS = new Uint8Array(64);
  private sigE: Array<Event | undefined> = new Array<Event | undefined>(64).fill(undefined);
  private sigMask = 63;
  private sigHead = 0;
  private sigTail = 0;
  private readonly onMarket = (e: Event): void => {
    if (this.sigTail - this.sigHead > this.sigMask) this.growSignals();
    const i = this.sigTail++ & this.sigMask;
    this.sigT[i] = this.msgLocal;
    this.sigL[i] = this.lastLocalRel;
    this.sigS[i] = e.type === 'signal' ? 1 : 0;
    this.sigE[i] = e;
  };
  private readonly market = new MarketEvents();
  readonly sim: SimExchange;
  private readonly machine: StrategyMachine;
  /** Local time (machine clock) the machine halted at; null while it has not. */
  private haltedNs: bigint | null = null;
  private base = 0n;
  private baseAbs = 0;
  private started = false;
  private inMessage = false;
  /** The core put records in the output ring since the last message end. */
  private ringUsed = false;
  private lastExch = -Infinity;
  private lastLocal = 0;
  /** Local stamp of the last replayed message (unclamped), on the loop's clock. */
  private lastLocalRel = 0;
  /** The next timer tick (local time), Infinity when none is scheduled: one at a time, outside the agenda. */
  private tickAt = Infinity;
  private readonly tickEvent = { type: 'tick' as const, nowNs: 0n };
  /** The last tick skipped as quiet and not yet superseded (NaN: none); ticks handed over / skipped. */
  private pendingTick = NaN;
  ticks = 0;
  ticksSkipped = 0;
  /** The machine's quietUntilNs on the loop's clock, and the answer it was converted from. */
  private quietRel = -Infinity;
  private quietNs: bigint | null | undefined = undefined;
  private tickOffset = 0;
  private trades = 0;
  private mid = NaN;
  private msgLocal = 0;
  /** Local time of the last replayed message: the run ends there. */
  private dataEnd = 0;
  private msgWanted = true;
  private ended = false;

  // trace
  events = 0;
  /** Signals delivered at the exchange time because their local stamp was earlier (local clock behind). */
  clampedLocal = 0;
  private readonly fills: FillRow[] = [];
  private readonly tradeRows: TradeRow[] = [];
  private readonly counts = { orders: 0, cancels: 0, rejects: 0, postedLot: 0, filledLot: 0 };
  /** Markouts, the equity/position/mid series and funding. */
  private readonly rec: Recorders;
  private readonly tickLotQuote: number;
  private readonly tickNs = Number(TICK_NS);
  private lastTickT = NaN;
  private lastTickNs = 0n;

  constructor(
    private readonly c: BacktestCore,
    private readonly o: BacktestOptions,
  ) {
    this.machine = o.machine;
    this.tickLotQuote = o.instrument.tickSize * o.instrument.lotSize;
    this.rec = new Recorders(o.machine, this.tickLotQuote, o);
    this.sim = new SimExchange({
      book: coreBook(c.inst),
      instrument: o.instrument,
      queue: o.queue,
      partialFills: o.partialFills,
      deliver: (t, e) => this.agenda.push({ t: t + this.o.latency.response(this.baseAbs + t), kind: ANSWER, event: e, exchT: t }),
    });
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
      this.staged(staging, n);
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
      this.staged(staging, n);
    }
  }

  /** Replays `rows` records already in core memory from byte address `ptr` (see capture/parquet/record-groups), in place. */
  feedCore(ptr: number, rows: number): void {
    if (!this.ended) this.staged(ptr, rows);
  }

  /** Runs `n` records from byte address `ptr`, message by message (a message may continue in the next chunk). */
  private staged(ptr: number, n: number): void {
    const { core, engine, out } = this.c;
    const w = core.words;
    const at = ptr >> 2;
    if (!this.started) {
      this.started = true;
      this.base = (BigInt(w[at + 5]) << 32n) | BigInt(w[at + 4] >>> 0);
      this.baseAbs = Number(this.base);
      this.tickOffset = Number(((this.base % TICK_NS) + TICK_NS) % TICK_NS);
      this.rec.start(this.base);
    }
    const hi0 = Number(BigInt.asIntN(64, this.base) >> 32n);
    const lo0 = Number(BigInt.asUintN(32, this.base));
    // the window's ends on the loop's clock
    const toRel = this.o.toNs === undefined ? Infinity : Number(this.o.toNs - this.base);
    const fromRel = this.o.fromNs === undefined ? -Infinity : Number(this.o.fromNs - this.base);
    const signalAt = this.c.inst.lastSignalOffset;
    let i = 0;
    while (i < n) {
      if (!this.inMessage) {
        const p = at + i * 16;
        if (toRel !== Infinity && stamp(w, p + 4, hi0, lo0) >= toRel) {
          this.ended = true;
          return;
        }
        let te = stamp(w, p + 2, hi0, lo0);
        if (te < this.lastExch) te = this.lastExch; // exchange stamps running backwards: hold the venue clock
        this.lastExch = te;
        this.drainUntil(te);
      }
      // the signal stays in the instrument's last-signal record and trades are not copied out: only statuses
      // (rare) come through the output ring
      const r = engine.replayMessage(ptr + i * REC_SIZE, n - i, out);
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
        const tl = stamp(w, p + 4, hi0, lo0);
        this.msgLocal = Math.max(tl, te);
        if (this.msgLocal > this.dataEnd) this.dataEnd = this.msgLocal;
        if (tl < te) this.clampedLocal++;
        this.lastLocalRel = tl;
        this.msgWanted = tl >= fromRel;
        if (this.o.latency.observeFeed) this.o.latency.observeFeed(this.baseAbs + te, tl - stamp(w, p + 2, hi0, lo0));
        if (k === Kind.trade) {
          // prices and sizes in ticks and lots are far below 2^53
          if (this.sim.hasResting)
            this.sim.trade(te, (head >> 8) & 0xff, w[p + 7] * TWO32 + (w[p + 6] >>> 0), w[p + 9] * TWO32 + (w[p + 8] >>> 0));
        } else {
          this.sim.afterBook(te);
        }
        if (this.ringUsed) {
          this.ringUsed = false;
          this.collect(core, out);
        }
        if ((r & REPLAY_SIGNAL) !== 0 && this.msgWanted) this.market.fromRecord(core, signalAt, this.onMarket);
      }
      i = j + 1;
    }
  }

  /** Doubles the signal ring, keeping the pending events in order. */
  private growSignals(): void {
    const n = this.sigTail - this.sigHead;
    const t = new Float64Array(this.sigT.length * 2);
    const l = new Float64Array(t.length);
    const sg = new Uint8Array(t.length);
    const e = new Array<Event | undefined>(t.length).fill(undefined);
    for (let k = 0; k < n; k++) {
      t[k] = this.sigT[(this.sigHead + k) & this.sigMask];
      l[k] = this.sigL[(this.sigHead + k) & this.sigMask];
      sg[k] = this.sigS[(this.sigHead + k) & this.sigMask];
      e[k] = this.sigE[(this.sigHead + k) & this.sigMask];
    }
    this.sigT = t;
    this.sigL = l;
    this.sigS = sg;
    this.sigE = e;
    this.sigMask = t.length - 1;
    this.sigHead = 0;
    this.sigTail = n;
  }

  /**
   * Status records of the message just applied (all replayMessage puts in the ring) → scheduled strategy events at
   * the message's local time.
   */
  private collect(core: Core, out: Ring): void {
    const n = out.readable(1 << 20);
    if (this.msgWanted) for (let q = 0; q < n; q++) this.market.fromRecord(core, out.slot(out.tail + q), this.onMarket);
    out.release(n);
  }

  /**
   * Runs every scheduled event before `t` (strictly), in order: the agenda's venue arrivals and answers, the timer
   * tick and the market events, at equal times in the order arrivals, tick, answers, market events.
   */
  private drainUntil(t: number): void {
    const ag = this.agenda;
    for (;;) {
      const top = ag.peek();
      const topT = top === undefined ? Infinity : top.t;
      const h = this.sigHead;
      const st = h < this.sigTail ? this.sigT[h & this.sigMask] : Infinity;
      const tt = this.tickAt;
      if (tt < topT || (tt === topT && top !== undefined && top.kind !== ARRIVE)) {
        if (tt < t && tt <= st) {
          this.tickAt = Infinity;
          if (!this.o.everyTick && tt < this.quietUntil()) {
            this.ticksSkipped++;
            this.pendingTick = tt;
            this.scheduleTick(tt);
          } else {
            this.localEvent(tt, TICK, undefined, undefined);
          }
          continue;
        }
      }
      if (st < t && st < topT && st < tt) {
        const e = this.sigE[h & this.sigMask]!;
        const own = this.sigL[h & this.sigMask];
        const signal = this.sigS[h & this.sigMask] === 1;
        this.sigE[h & this.sigMask] = undefined;
        this.sigHead = h + 1;
        // indices restart when the ring empties (they are masked as int32)
        if (this.sigHead === this.sigTail) this.sigHead = this.sigTail = 0;
        // a signal stamped at or after the skipped tick moves the clock past it; anything else sees it first
        if (this.pendingTick === this.pendingTick) {
          if (!signal || own < this.pendingTick) this.flushTick();
          else this.pendingTick = NaN;
        }
        if (signal) this.signalEvent(st, e as SignalEvent);
        else this.localEvent(st, SIGNAL, e, undefined);
        continue;
      }
      if (!top || !(top.t < t) || tt < topT || (tt === topT && top.kind !== ARRIVE)) return;
      ag.pop();
      if (top.kind === ARRIVE) this.sim.arrive(top.t, top.action!);
      else {
        if (this.pendingTick === this.pendingTick) this.flushTick();
        this.localEvent(top.t, top.kind, top.event, top.exchT);
      }
    }
  }

  /** The machine's quietUntilNs on the loop's clock (converted again only when the answer changes). */
  private quietUntil(): number {
    const q = this.machine.quietUntilNs();
    if (q !== this.quietNs) {
      this.quietNs = q;
      this.quietRel = q === null ? Infinity : Number(q - this.base);
    }
    return this.quietRel;
  }

  /** Hands the machine the last skipped tick (it acts on nothing but the clock: quietUntilNs said so). */
  private flushTick(): void {
    const tt = this.pendingTick;
    this.pendingTick = NaN;
    this.localEvent(tt, TICK, undefined, undefined);
  }

  /** A signal at local time `t` (the hot path of localEvent). */
  private signalEvent(t: number, e: SignalEvent): void {
    this.advanceTo(t);
    if (e.valid) this.mid = (e.bestBid + e.bestAsk) / 2;
    this.o.onSignal?.(e.localTs, e);
    this.settle(t, this.machine.handleSignal(e));
  }

  /** A strategy-side event other than a signal (signalEvent) at local time `t`: a tick, an answer, a health report. */
  private localEvent(t: number, kind: number, event: Event | undefined, exchT: number | undefined): void {
    this.advanceTo(t);
    let e: Event;
    if (kind === TICK) {
      this.ticks++;
      this.pendingTick = NaN; // a later tick supersedes a skipped one
      // one grid step after the last tick (most ticks): a bigint addition instead of a conversion (5× dearer)
      const nowNs = t - this.lastTickT === this.tickNs ? this.lastTickNs + TICK_NS : this.base + BigInt(t);
      this.lastTickT = t;
      this.lastTickNs = nowNs;
      // the machine keeps nothing of a tick but its time: one event object serves them all
      e = this.tickEvent;
      this.tickEvent.nowNs = nowNs;
    } else {
      e = event!;
      this.o.onEvent?.(this.absNs(t), e);
      if (e.type === 'fill') {
        this.fills.push({
          localTs: this.absNs(t),
          exchTs: this.absNs(exchT ?? t),
          side: e.side,
          priceTick: e.priceTick,
          qtyLot: e.qtyLot,
          feeQuote: e.feeQuote,
          maker: e.maker,
        });
        this.counts.filledLot += e.qtyLot;
        this.rec.fill(t, this.fills.length - 1, e.side === 'buy' ? 1 : -1, e.priceTick);
      } else if (e.type === 'reject') {
        this.counts.rejects++;
      }
    }
    this.dispatch(t, e);
  }

  private absNs(t: number): bigint {
    return this.base + BigInt(Math.round(t));
  }

  private dispatch(t: number, e: Event): void {
    this.settle(t, this.machine.handle(e));
  }

  /** What the machine did with the event at `t`: a closed trade to the trace, its actions on their way. */
  private settle(t: number, actions: Action[]): void {
    const st = this.machine.state;
    if (st.trades !== this.trades) {
      this.trades = st.trades;
      const lt = st.lastTrade;
      if (lt) {
        this.tradeRows.push({
          dir: lt.dir === 'long' ? 1 : -1,
          entryNs: lt.entryNs,
          exitNs: lt.exitNs,
          grossQuote: lt.realisedTickLot * this.tickLotQuote,
          feesQuote: lt.feesQuote,
          reason: lt.reason ?? 'external',
        });
      }
    }
    // an index loop: most events return the machine's shared empty array, and for-of over two kinds of array
    // (frozen and not) is a polymorphic iteration on every event
    for (let i = 0; i < actions.length; i++) {
      const a = actions[i];
      if (a.type === 'log') {
        // a halt logs first: the time of the first log in HALTED is the time it halted
        if (this.haltedNs === null && st.phase === 'HALTED') this.haltedNs = st.nowNs;
        continue;
      }
      if (this.o.onAction) this.o.onAction(this.absNs(t), a, st.nowNs);
      if (a.type === 'place') {
        this.counts.orders++;
        this.counts.postedLot += a.qtyLot;
      } else if (a.type === 'cancel' || a.type === 'cancelAll') {
        this.counts.cancels++;
      }
      this.agenda.push({ t: t + this.o.latency.entry(this.baseAbs + t), kind: ARRIVE, action: a });
    }
    this.scheduleTick(t);
  }

  /** Ticks only matter while something can time out: the machine is busy, has orders, or holds a position. */
  private scheduleTick(t: number): void {
    if (this.tickAt !== Infinity) return;
    const st = this.machine.state;
    const busy = st.phase === 'IDLE' ? st.orders.size > 0 || st.position.lot !== 0 : st.phase !== 'HALTED';
    if (!busy) return;
    const g = this.tickNs;
    // grid points are multiples of TICK_NS on the absolute clock: rel = k·g − offset
    const next = (Math.floor((t + this.tickOffset) / g) + 1) * g - this.tickOffset;
    this.tickAt = next;
  }

  /** Samples, markouts and funding due up to local time `t`, with the state as it was before `t`. */
  private advanceTo(t: number): void {
    if (t > this.lastLocal) this.lastLocal = t;
    // most events fall between two samples with no markout due: one comparison
    const rec = this.rec;
    if (t < rec.nextSample && t < rec.nextFunding && t < rec.nextMark) return;
    rec.advance(t, this.mid);
  }

  /** Ends the run at the local time of the last replayed message: events due by then run, later ones are dropped. */
  finish(settings: Record<string, string | number | boolean> = {}): BacktestTrace {
    const end = Math.max(this.lastLocal, this.dataEnd);
    this.drainUntil(end + 1);
    if (this.pendingTick === this.pendingTick) this.flushTick(); // the machine's clock as if every tick came
    this.advanceTo(end);
    // the final sample: the state at the end of the data
    const { markouts, series, fundingQuote } = this.rec.finish(end, this.mid);
    return {
      tickSize: this.o.instrument.tickSize,
      lotSize: this.o.instrument.lotSize,
      fromNs: this.base,
      toNs: this.base + BigInt(this.lastLocalRel),
      events: this.events,
      fills: this.fills,
      trades: this.tradeRows,
      counts: { ...this.counts },
      markouts,
      series,
      fundingQuote,
      strategy: {
        phase: this.machine.state.phase,
        haltReason: this.machine.state.haltReason,
        haltedNs: this.haltedNs,
        counters: { ...this.machine.state.counters },
      },
      settings: {
        latency: this.o.latency.name,
        queue: this.o.queue.name,
        partialFills: this.o.partialFills !== false,
        makerFeeRate: this.o.instrument.makerFeeRate,
        takerFeeRate: this.o.instrument.takerFeeRate,
        fundingRate: this.o.fundingRate ?? 0,
        tickNs: this.tickNs,
        clampedLocal: this.clampedLocal,
        ...settings,
      },
    };
  }
}
