// The strategy on the main thread (in either thread layout, src/feed/placement.ts): book messages, trades and status
// records from the pipeline's signal ring go to the strategy runtime under their instrument's index (each message
// copied into that instrument's slot: the views read it until the next one), the runtime's actions go to the order
// gateway of the action's instrument (runtime.actionInst), each gateway's events come back to the runtime with its
// instrument, and the clock ticks the timers on the 50 ms grid. The pipeline's instrument i is the runtime's
// instrument i. Nothing here decides anything: the runtime and the strategy do, the same code the backtest runs.
import { I, Kind, R, S, State, Status, readI64, readI64Big, type Instrument } from '../core/index';
import { MonotonicClock } from '../core/clock';
import { FeedHealth, TICK_NS } from './market-events';
import type { MarketPipeline } from '../feed/pipeline';
import type { Action, Event } from '../strategy/events';
import type { StrategyRuntime, RoundTrip } from '../strategy/runtime';
import type { RuntimeSettings } from '../strategy/settings';
import { Slots, copyLevels, copyRecord } from '../strategy/views';
import { duration, moneyIn, quoteCurrency, signedMoneyIn } from '../format/numbers';
import type { OrderLog } from './orderlog';
import type { LatencyProbe } from '../latency/probe';
import { isFlattenOid } from '../strategy/ids';
import { QueueTracker } from './queue-tracker';

export interface TraderCounters {
  signals: number;
  statuses: number;
  actions: number;
  orders: number;
  /** Cancels of single orders; the cancel-alls of a halt or stop are counted apart. */
  cancels: number;
  cancelAlls: number;
  /** Amendments sent, and those the venue refused. */
  amends: number;
  amendRejects: number;
  fills: number;
  /** Fills of the gateway's own flatten orders (a halt's or the stop's): the runtime's clean-up, not the strategy's trades. */
  flattenFills: number;
  rejects: number;
  feeQuote: number;
  /** Realised PnL in quote currency, from closed round trips. */
  realisedQuote: number;
}

export interface Executor {
  handle(a: Action): void;
  /** Several actions of one decision at once: places and cancels may go out as batch requests (the gateway's). */
  handleAll?(actions: readonly Action[]): void;
}

export { TICK_NS };
/** Steps a scratch runtime of warmStep takes before a fresh one replaces it. */
const WARM_RUNTIME_STEPS = 2000;

/** What the trader counts per instrument (the runtime's positions hold the fills, fees and PnL). */
export interface InstrumentCounters {
  signals: number;
  /** The strategy's orders (the gateway counts its flatten orders: BitgetGateway.stats.flattenOrders). */
  orders: number;
  cancels: number;
  cancelAlls: number;
  amends: number;
  amendRejects: number;
  /** Every reject, the flatten's too (flattenEnded.rejected of them). */
  rejects: number;
  /** Fills of the flatten orders. */
  flattenFills: number;
  /**
   * How the gateway's flatten orders ended, from the venue's answers: the runtime's `ended` counts only the orders it
   * placed, and a summary that counts the flatten as an order must say how it ended too.
   */
  flattenEnded: { filled: number; expired: number; rejected: number };
}

/** One instrument's side of the trader: its slot, its book levels, its queue estimates, its health, its gateway. */
class Lane {
  readonly counters: InstrumentCounters = {
    signals: 0,
    orders: 0,
    cancels: 0,
    cancelAlls: 0,
    amends: 0,
    amendRejects: 0,
    rejects: 0,
    flattenFills: 0,
    flattenEnded: { filled: 0, expired: 0, rejected: 0 },
  };
  readonly health = new FeedHealth();
  executor: Executor | null = null;
  /**
   * The venue's position less ours from fills, as the reconcile that halted on a mismatch found them (0 otherwise):
   * a position left by an earlier session, say. The flatten closes the venue's position and its fill moves ours by
   * as much, so the venue holds ours plus this.
   */
  venueOffsetLot = 0;
  constructor(
    readonly inst: number,
    /** The instrument's latest book message (the runtime's views read it). */
    readonly slots: Slots,
    /** The instrument's book, for a strategy that reads levels beyond the best (null when it reads none). */
    readonly levelsOf: Instrument | null,
    /** Queue estimates of our resting orders from the public book and trades (order.queueAheadLot). */
    readonly queue: QueueTracker | null,
  ) {}
}

export class Trader {
  readonly counters: TraderCounters = {
    signals: 0,
    statuses: 0,
    actions: 0,
    orders: 0,
    cancels: 0,
    cancelAlls: 0,
    amends: 0,
    amendRejects: 0,
    fills: 0,
    flattenFills: 0,
    rejects: 0,
    feeQuote: 0,
    realisedQuote: 0,
  };
  private readonly clock = new MonotonicClock();
  private running = false;
  private nextTickNs = 0n;
  private tickTimer: NodeJS.Timeout | null = null;
  private readonly wantTrades: boolean;
  /** By instrument index (the pipeline's and the runtime's). */
  private readonly lanes: Lane[];
  /** Book messages whose levels could not be read as the message left the book (another one applied since). */
  levelsMissed = 0;

  /** `executors`: each instrument's gateway by index (or one for all), or null to set them later (setExecutor). */
  constructor(
    readonly pipeline: MarketPipeline,
    readonly runtime: StrategyRuntime,
    executors: Executor | readonly Executor[] | null,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.markLagNs = markLag(runtime.settings);
    const depth = runtime.definition.depth ?? 0;
    const x = pipeline.core.x;
    this.lanes = runtime.markets.map((_, inst) => {
      const slots = new Slots(1, depth);
      runtime.attach(inst, slots, -1);
      const instrument = pipeline.instruments.find((i) => i.idx === inst) ?? null;
      const book = instrument?.book;
      const queue = book ? new QueueTracker({ qtyAt: (side, priceTick) => x.bookLevelQtyF64(book.ptr, side, priceTick) }) : null;
      return new Lane(inst, slots, slots.depth > 0 ? instrument : null, queue);
    });
    // an order is tracked by its own instrument's tracker; the others say NaN
    runtime.queueAhead = (oid) => {
      for (const l of this.lanes) {
        const n = l.queue === null ? NaN : l.queue.ahead(oid);
        if (n === n) return n;
      }
      return NaN;
    };
    this.wantTrades = runtime.wantsTrades;
    if (executors !== null) this.setExecutor(executors);
  }

  /** Per instrument, by index: what the trader counted. */
  countersOf(inst: number): InstrumentCounters {
    return this.lanes[inst].counters;
  }

  /** Own orders and fills to the recording (when recording). */
  orderLog: OrderLog | null = null;
  /** Tick-to-trade stamps of every book message and the orders it led to (src/latency). */
  probe: LatencyProbe | null = null;
  /** Every book message of our instrument: ns from the exchange's stamp to local receive (feed latency, for metrics). */
  onSignal: ((feedLatencyNs: number) => void) | null = null;
  /** After the runtime decided on a book message: ns from the frame's local receive to now (tick-to-decision). */
  onDecided: ((ns: number) => void) | null = null;
  /** Set by stop(): the kill switch that follows is an ordinary stop, not an error. */
  private stopping = false;
  /** The decision being sent, whose order log records are written after it (logDecision). */
  private unlogged: Action[] | null = null;
  private unloggedDecidedNs = 0n;
  private unloggedInsts = new Int32Array(16);

  /**
   * Late binding: the gateways need the trader's event callback before the trader can hold them. One executor serves
   * every instrument; a list gives instrument i's actions to executors[i].
   */
  setExecutor(e: Executor | readonly Executor[]): void {
    const list = Array.isArray(e) ? (e as readonly Executor[]) : null;
    if (list !== null && list.length !== this.lanes.length)
      throw new Error(`the trader has ${this.lanes.length} instruments and was given ${list.length} executors`);
    for (let i = 0; i < this.lanes.length; i++) this.lanes[i].executor = list !== null ? list[i] : (e as Executor);
  }

  /**
   * Feeds one executor (or operator) event to the runtime and carries out what it asks. `inst`: the instrument whose
   * gateway answered (its reconcile's truth is that instrument's); an operator's event is every instrument's.
   */
  handle(e: Event, inst = 0): void {
    if (this.orderLog) {
      this.logDecision(); // an answer given while its decision was being sent (a local refusal) follows it in the log
      this.clock.read();
      if (e.type === 'killSwitch') for (const l of this.lanes) this.orderLog.event(e, this.clock.ns, this.runtime.nowNs(), l.inst);
      else this.orderLog.event(e, this.clock.ns, this.runtime.nowNs(), inst);
    }
    const lane = this.lanes[inst];
    if (e.type === 'resynced') return this.resynced(e, lane);
    if (e.type === 'fill') {
      this.counters.fills++;
      if (isFlattenOid(e.clientOid)) {
        this.counters.flattenFills++;
        lane.counters.flattenFills++;
        if (e.remainingLot <= 0) lane.counters.flattenEnded.filled++;
      }
      this.counters.feeQuote += e.feeQuote;
    } else if (e.type === 'reject') {
      this.counters.rejects++;
      lane.counters.rejects++;
      if (isFlattenOid(e.clientOid)) lane.counters.flattenEnded.rejected++;
    } else if (e.type === 'amendReject') {
      this.counters.amendRejects++;
      lane.counters.amendRejects++;
    } else if (e.type === 'cancelAck' && isFlattenOid(e.clientOid)) lane.counters.flattenEnded.expired++; // its IOC's rest, ended by the venue
    if (lane.queue !== null) this.track(lane.queue, e);
    // a fill once the venue was found holding more than our fills: its line says the venue's position too
    if (lane.venueOffsetLot !== 0) this.answer(e, inst);
    else this.execute(this.runtime.handle(e, inst));
  }

  /** The runtime's answer to `e` with the instrument it is about known to describe(). */
  private answer(e: Event, inst: number): void {
    this.answering = inst;
    try {
      this.execute(this.runtime.handle(e, inst));
    } finally {
      this.answering = -1;
    }
  }

  /** The instrument whose reconcile (or fill, past a mismatch) the runtime is hearing, for describe(); -1 when none. */
  private answering = -1;

  /** The symbol whose reconcile found the venue not as our fills and orders say, when that halted the session. */
  mismatchSymbol: string | null = null;

  /**
   * A reconcile's answer. Once the session halted on a mismatch with the venue, each answer's position is the truth
   * against ours from fills, kept as the symbol's offset (an answer that agrees sets it back to 0). While trading the
   * runtime's own recheck decides: a position read just before its fill report is no offset.
   */
  private resynced(e: Extract<Event, { type: 'resynced' }>, lane: Lane): void {
    const ours = this.runtime.position(lane.inst).lot;
    const halted = this.runtime.haltReason !== null;
    if (lane.queue !== null) this.track(lane.queue, e);
    this.answer(e, lane.inst);
    const reason = this.runtime.haltReason;
    if (reason === null || !reason.includes('mismatch')) return;
    lane.venueOffsetLot = e.positionLot - ours;
    if (!halted) this.mismatchSymbol = this.runtime.markets[lane.inst].info.symbol;
  }

  /** What the venue holds beyond our fills on `inst` (see Lane.venueOffsetLot). */
  venueOffsetLot(inst: number): number {
    return this.lanes[inst].venueOffsetLot;
  }

  /**
   * The queue tracker follows our limit orders from the venue's answers: resting from the ack, re-queued by an
   * amendment. Before the runtime hears of it, so the strategy's handler of the same answer reads the estimate.
   */
  private track(q: QueueTracker, e: Event): void {
    if (e.type === 'ack') {
      const o = this.runtime.orderOf(e.clientOid);
      if (o !== null && o.type === 'limit' && (o.state === 'pending' || o.state === 'working' || o.state === 'cancelling'))
        q.joined(e.clientOid, o.side, o.priceTick);
    } else if (e.type === 'amendAck') {
      const o = this.runtime.orderOf(e.clientOid);
      if (o !== null) q.joined(e.clientOid, o.side, e.priceTick);
    } else if (e.type === 'fill') {
      if (e.remainingLot <= 0) q.left(e.clientOid);
    } else if (e.type === 'cancelAck' || e.type === 'reject') q.left(e.clientOid);
    else if (e.type === 'resynced') q.keepOnly(new Set(e.openOrders.map((o) => o.clientOid)));
  }

  /** `probe`: the actions answer a book message, whose decision and orders the latency probe stamps. */
  private execute(actions: Action[], probe: LatencyProbe | null = null): void {
    probe?.decided();
    const n = actions.length;
    if (n === 0) return;
    // the instruments are read now: the runtime's next answer replaces them
    const inst0 = this.runtime.actionInst(0);
    let mixed = false;
    const log = this.orderLog;
    if (log) {
      this.logDecision(); // an earlier decision still unlogged (one sent from inside this one's answer)
      this.unlogged = actions;
      this.unloggedDecidedNs = this.runtime.nowNs();
      if (this.unloggedInsts.length < n) this.unloggedInsts = new Int32Array(n * 2);
    }
    for (let i = 0; i < n; i++) {
      const a = actions[i];
      const inst = this.runtime.actionInst(i);
      if (inst !== inst0) mixed = true;
      if (log) this.unloggedInsts[i] = inst;
      const lane = this.lanes[inst];
      this.counters.actions++;
      if (a.type === 'place') {
        this.counters.orders++;
        lane.counters.orders++;
        probe?.order(a.clientOid);
      } else if (a.type === 'cancel') {
        this.counters.cancels++;
        lane.counters.cancels++;
      } else if (a.type === 'cancelAll') {
        this.counters.cancelAlls++;
        lane.counters.cancelAlls++;
      } else if (a.type === 'amend') {
        this.counters.amends++;
        lane.counters.amends++;
      }
    }
    if (!mixed) this.send(this.lanes[inst0].executor, actions);
    else {
      // several instruments in one answer: each instrument's actions, in their order, to its own gateway
      const per = new Map<number, Action[]>();
      for (let i = 0; i < n; i++) {
        const inst = this.runtime.actionInst(i);
        const list = per.get(inst);
        if (list) list.push(actions[i]);
        else per.set(inst, [actions[i]]);
      }
      for (const [inst, list] of per) this.send(this.lanes[inst].executor, list);
    }
    this.logDecision();
  }

  /**
   * The order log's records of the decision just sent: written once its requests are on the wire, so the log costs
   * the order nothing (docs/tuning.md, gateway→wire). The log keeps its order: any answer logged during the send
   * (handle) writes these first. local_ts is the wall clock after the send; aux, the strategy clock at the decision.
   */
  private logDecision(): void {
    const actions = this.unlogged;
    if (actions === null) return;
    this.unlogged = null;
    this.clock.read();
    for (let i = 0; i < actions.length; i++)
      this.orderLog!.action(actions[i], this.clock.ns, this.unloggedDecidedNs, this.unloggedInsts[i]);
  }

  private send(x: Executor | null, actions: Action[]): void {
    if (x === null) return;
    // one decision's places and cancels travel together: a quoter's ladder is one batch request, not one per order
    if (actions.length > 1 && x.handleAll) x.handleAll(actions);
    else for (let i = 0; i < actions.length; i++) x.handle(actions[i]);
  }

  /** A runtime log line as the session prints it: a stop not dressed as an error; null to drop it. */
  describe(level: string, message: string): string | null {
    if (this.stopping && message === 'HALTED: kill switch') return null; // the CLI says it is stopping
    // a disconnect while trading is said by the RECONCILE line that follows it ("RECONCILE: disconnect: …"): once
    if (message.startsWith('disconnect: ') && this.runtime.haltReason === null) return null;
    // a reconcile's mismatch is one symbol's: say which
    if (this.answering >= 0 && message.startsWith('HALTED: ') && message.includes('mismatch'))
      return `[${level}] HALTED: ${this.runtime.markets[this.answering].info.symbol}: ${message.slice('HALTED: '.length)}`;
    // the runtime's position is ours from fills; past a mismatch the venue's differs by what it held beyond them
    const moved = this.answering >= 0 ? / moves the position to (-?\d+)$/.exec(message) : null;
    const offset = moved ? this.lanes[this.answering].venueOffsetLot : 0;
    if (offset !== 0) return `[${level}] ${message} from our fills; the venue's is ${Number(moved![1]) + offset} lots`;
    return `[${level}] ${message}`;
  }

  /** A closed round trip in money. */
  roundTrip(t: RoundTrip): void {
    const info = this.runtime.markets[t.inst].info;
    const unit = info.tickSize * info.lotSize;
    const ccy = quoteCurrency(info.symbol);
    const gross = t.realisedTickLot * unit;
    this.counters.realisedQuote += gross;
    this.log(
      `trade closed (${t.reason}): ${t.dir > 0 ? 'long' : 'short'}, held ${duration(t.exitNs - t.entryNs)}, net ${signedMoneyIn(gross - t.feesQuote, ccy)} (gross ${moneyIn(gross, ccy)}, fees ${moneyIn(t.feesQuote, ccy)})`,
    );
  }

  /** Our clock minus the venue's (ns): the risk limit on it applies from the next message on (not only at a health change). */
  setClockOffset(ns: number): void {
    for (const l of this.lanes) l.health.clockOffsetNs = ns;
    this.runtime.setClockOffset(ns);
  }

  start(): void {
    this.running = true;
    this.clock.read();
    this.nextTickNs = (this.clock.ns / TICK_NS + 1n) * TICK_NS;
    this.markedNs = this.clock.ns;
    this.execute(this.runtime.start(Number(this.clock.ns - this.runtime.originNs)));
    this.tickTimer = setInterval(() => this.onTimer(), Number(TICK_NS / 1_000_000n));
    // single-thread layout: the pipeline hands each frame's signals over in the call that read the frame; multi:
    // this thread waits on the signal ring
    if (!this.pipeline.consume(() => this.drain())) void this.loop();
  }

  /**
   * The tick timer. A tick must reach the runtime after every message stamped before it and before every message
   * stamped at or after it, as a replay orders them (src/backtest/run.ts). Single-thread layout: a frame is stamped
   * and handed over in one call on this thread, so every message stamped before now has been seen: tick up to now.
   * Multi-thread layout: a message the feed stamped a moment ago may still be on its way through the engine (more so
   * on a loaded machine), and a tick up to now would overtake it. Ticks there go only as far as the feed's clock
   * marks (pipeline.requestClockMark), which reach this thread in ring order behind everything stamped before them
   * (drain). Should no mark come back for `markLagNs` (a stalled feed thread), ticks follow the wall clock that far
   * behind, so timers and risk checks are late, never lost; said once per spell.
   */
  private onTimer(): void {
    this.drain();
    this.clock.read();
    const now = this.clock.ns;
    if (this.nextTickNs > now) return;
    if (!this.pipeline.requestClockMark()) {
      this.ticksUntil(now);
      return;
    }
    if (now - this.markedNs <= this.markLagNs) return;
    if (!this.marksLate) {
      this.marksLate = true;
      this.log(
        `no clock mark from the feed thread for ${duration(Number(now - this.markedNs))}: timers tick ${duration(Number(this.markLagNs))} behind the wall clock until one comes (a replay may order a tick and a message differently meanwhile)`,
      );
    }
    this.unmarkedTicks++;
    this.ticksUntil(now - this.markLagNs);
  }

  /** Multi-thread layout: the stamp of the latest clock mark (ns); ticks go up to it (onTimer). */
  private markedNs = 0n;
  /**
   * How far ticks may fall behind the wall clock while no clock mark comes back (onTimer): 1 s, or less under tight
   * limits, so a stalled data path still meets the stale-data and ack checks within a quarter of their limit.
   */
  markLagNs: bigint;
  private marksLate = false;
  /** Timer rounds that ticked by the wall clock because no clock mark came back in time. */
  unmarkedTicks = 0;

  /** Every grid tick at or before `t`, in order. */
  private ticksUntil(t: bigint): void {
    if (this.nextTickNs === 0n) return; // not started: ticks begin with start()
    while (this.nextTickNs <= t) {
      const now = this.nextTickNs;
      this.nextTickNs += TICK_NS;
      this.execute(this.runtime.tick(Number(now - this.runtime.originNs)));
    }
  }

  private async loop(): Promise<void> {
    while (this.running) {
      await this.pipeline.signal.waitAsync(50);
      this.drain();
    }
  }

  /** Hands every record ready on the signal ring to the runtime (book messages, trades and statuses, by instrument). */
  drain(): void {
    const core = this.pipeline.core;
    const lanes = this.lanes;
    this.pipeline.read((at, kind) => {
      const inst = core.words[(at + R.inst) >> 2];
      const lane = inst < lanes.length ? lanes[inst] : undefined;
      if (lane === undefined) return;
      if (kind === Kind.signal) {
        const w = core.words;
        this.probe?.signal(
          w[(at + S.localTs + 4) >> 2],
          w[(at + S.localTs) >> 2] >>> 0,
          this.probe.wantsSeq ? readI64Big(w, at + S.seq) : null,
        );
        this.ticksUntil(readI64Big(w, at + S.localTs));
        this.counters.signals++;
        lane.counters.signals++;
        const recovered = lane.health.book((core.bytes[at + S.state] & State.valid) !== 0);
        if (recovered) this.execute(this.runtime.handle(recovered, inst));
        copyRecord(core.words, at, lane.slots, 0);
        if (lane.levelsOf !== null) this.levels(lane, at);
        // every message, orders or not: an order joining later stands behind what the last one showed
        if (lane.queue !== null) lane.queue.afterBook(readI64(w, at + S.exchTs));
        this.execute(this.runtime.book(inst, 0), this.probe);
        if (this.onSignal) this.onSignal(Number(readI64Big(w, at + S.localTs) - readI64Big(w, at + S.exchTs)));
        if (this.onDecided) {
          this.clock.read();
          this.onDecided(Number(this.clock.ns - readI64Big(w, at + S.localTs)));
        }
      } else if (kind === Kind.status) {
        const code = readI64(core.words, at + R.seq);
        // every tick due before the status first, as a replay hands them over (a clock mark is nothing else)
        const local = readI64Big(core.words, at + R.localTs);
        if (code === Status.clockMark) {
          if (local > this.markedNs) this.markedNs = local;
          this.marksLate = false;
        }
        this.ticksUntil(local);
        const ev = code === Status.clockMark ? null : lane.health.status(code);
        if (ev) {
          this.counters.statuses++;
          this.execute(this.runtime.handle(ev, inst));
        }
      } else if (kind === Kind.trade) {
        if (lane.queue !== null && lane.queue.size > 0)
          lane.queue.trade(
            core.bytes[at + R.side] === 1,
            readI64(core.words, at + R.price),
            readI64(core.words, at + R.qty),
            readI64(core.words, at + R.exchTs),
          );
        if (!this.wantTrades) return;
        const local = readI64Big(core.words, at + R.localTs);
        this.ticksUntil(local);
        const origin = this.runtime.originNs;
        this.execute(
          this.runtime.trade(
            inst,
            readI64(core.words, at + R.price),
            readI64(core.words, at + R.qty),
            core.bytes[at + R.side] === 1,
            Number(readI64Big(core.words, at + R.exchTs) - origin),
            Number(local - origin),
          ),
        );
      }
    });
  }

  /**
   * The book's best levels beside the message's record, when the book is still as that message left it (its message
   * count unchanged: always so in the single-thread layout, the one a strategy reading levels runs in); otherwise
   * none this message, counted.
   */
  private levels(lane: Lane, at: number): void {
    const inst = lane.levelsOf!;
    const w = this.pipeline.core.words;
    if (readI64(w, inst.ptr + I.messages) === readI64(w, at + S.msgCount)) {
      copyLevels(this.pipeline.core.x, inst.book.ptr, lane.slots, 0);
    } else this.levelsMissed++;
  }

  /** The scratch runtime of warmStep, its slots (one per instrument) and the steps it has taken. */
  private warmRt: { runtime: StrategyRuntime; slots: Slots[]; steps: number } | null = null;
  /** Makes warmStep's scratch runtime: the live one's strategy and settings (null: the strategy's path is not warmed). */
  makeWarmRuntime: (() => StrategyRuntime) | null = null;

  /**
   * One warm step of the strategy's path while the market is quiet: each instrument's latest book message handed
   * again to a scratch runtime of the same strategy (its own `create(ctx)`, state, orders and clock), whose actions go
   * nowhere, so the next real message finds the runtime's and the strategy's code and branches in the caches (at 100
   * messages/s they had gone cold: the strategy's step took ~15 µs there against ~1 µs at 5,000/s). The scratch
   * runtime is made anew every 2,000 steps: its orders are never answered. Should it fail, warming stops and says so;
   * the live runtime is never touched.
   */
  warmStep(): void {
    if (this.makeWarmRuntime === null || this.stopping) return;
    try {
      let w = this.warmRt;
      if (w === null || w.steps >= WARM_RUNTIME_STEPS) {
        const runtime = this.makeWarmRuntime();
        const depth = runtime.definition.depth ?? 0;
        const slots = this.lanes.map((_, inst) => {
          const s = new Slots(1, depth);
          runtime.attach(inst, s, -1);
          return s;
        });
        runtime.start(0);
        w = this.warmRt = { runtime, slots, steps: 0 };
      }
      w.steps++;
      for (let i = 0; i < this.lanes.length; i++) {
        const lane = this.lanes[i];
        if (lane.counters.signals === 0) continue;
        w.slots[i].i32.set(lane.slots.i32);
        w.runtime.book(i, 0);
      }
    } catch (err) {
      this.makeWarmRuntime = null;
      this.warmRt = null;
      this.log(
        `keeping the strategy's path warm stopped: ${(err as Error).message} (trading goes on, the first message after a quiet spell may be slower)`,
      );
    }
  }

  /** Kill switch: cancel everything (and flatten when asked); the caller then waits for the gateway to settle. */
  stop(flatten: boolean): void {
    this.stopping = true;
    this.running = false;
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.handle({ type: 'killSwitch', flatten });
    this.execute(this.runtime.stop());
  }
}

/** Trader.markLagNs: 1 s, capped at a quarter of risk.maxDataAgeNs and of orders.ackTimeoutNs (at least 1 ms). */
export function markLag(settings: RuntimeSettings): bigint {
  const ns = Math.min(1e9, settings.risk.maxDataAgeNs / 4, settings.orders.ackTimeoutNs / 4);
  return BigInt(Math.max(1e6, Math.floor(ns)));
}
