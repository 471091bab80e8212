// The strategy on the main thread (in either thread layout, src/feed/placement.ts): book messages and status records
// from the pipeline's signal ring go to the strategy
// runtime (each message copied into the instrument's slot: the views read it until the next one), the runtime's
// actions go to the order gateway, gateway events come back to the runtime, and the clock ticks the timers on the 50 ms
// grid. Nothing here decides anything: the runtime and the strategy do, the same code the backtest runs.
import { I, Kind, R, S, State, readI64, readI64Big, type Instrument } from '../core/index';
import { MonotonicClock } from '../core/clock';
import { FeedHealth, TICK_NS } from './market-events';
import type { MarketPipeline } from '../feed/pipeline';
import type { Action, Event } from '../strategy/events';
import type { StrategyRuntime, RoundTrip } from '../strategy/runtime';
import { Slots, copyLevels, copyRecord } from '../strategy/views';
import { duration, moneyIn, quoteCurrency, signedMoneyIn } from '../format/numbers';
import type { OrderLog } from './orderlog';
import type { LatencyProbe } from '../latency/probe';
import { QueueTracker } from './queue-tracker';

export interface TraderCounters {
  signals: number;
  statuses: number;
  actions: number;
  orders: number;
  /** Cancels of single orders; the cancel-alls of a halt or stop are counted apart. */
  cancels: number;
  cancelAlls: number;
  fills: number;
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

export class Trader {
  readonly counters: TraderCounters = {
    signals: 0,
    statuses: 0,
    actions: 0,
    orders: 0,
    cancels: 0,
    cancelAlls: 0,
    fills: 0,
    rejects: 0,
    feeQuote: 0,
    realisedQuote: 0,
  };
  private readonly clock = new MonotonicClock();
  private running = false;
  private readonly health = new FeedHealth();
  private nextTickNs = 0n;
  private tickTimer: NodeJS.Timeout | null = null;
  /** The instrument's latest book message (the runtime's views read it). */
  private readonly slots: Slots;
  private readonly wantTrades: boolean;
  /** The instrument's book, for a strategy that reads levels beyond the best (null when it reads none). */
  private readonly levelsOf: Instrument | null;
  /** Book messages whose levels could not be read as the message left the book (another one applied since). */
  levelsMissed = 0;
  /** Queue estimates of our resting orders from the public book and trades (order.queueAheadLot). */
  readonly queue: QueueTracker | null;

  constructor(
    readonly pipeline: MarketPipeline,
    readonly inst: number,
    readonly runtime: StrategyRuntime,
    private executor: Executor | null,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.slots = new Slots(1, runtime.definition.depth ?? 0);
    runtime.attach(0, this.slots, -1);
    this.levelsOf = this.slots.depth > 0 ? (pipeline.instruments.find((i) => i.idx === inst) ?? null) : null;
    const book = pipeline.instruments.find((i) => i.idx === inst)?.book;
    if (book) {
      const x = pipeline.core.x;
      this.queue = new QueueTracker({ qtyAt: (side, priceTick) => x.bookLevelQtyF64(book.ptr, side, priceTick) });
      runtime.queueAhead = (oid) => this.queue!.ahead(oid);
    } else this.queue = null;
    this.wantTrades = (runtime.definition.trades ?? 0) > 0;
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

  /** Late binding: the gateway needs the trader's event callback before the trader can hold it. */
  setExecutor(e: Executor): void {
    this.executor = e;
  }

  /** Feeds one executor (or operator) event to the runtime and carries out what it asks. */
  handle(e: Event): void {
    if (this.orderLog) {
      this.clock.read();
      this.orderLog.event(e, this.clock.ns, this.runtime.nowNs());
    }
    if (e.type === 'fill') {
      this.counters.fills++;
      this.counters.feeQuote += e.feeQuote;
    } else if (e.type === 'reject') {
      this.counters.rejects++;
    }
    if (this.queue !== null) this.track(e);
    this.execute(this.runtime.handle(e, 0));
  }

  /**
   * The queue tracker follows our limit orders from the venue's answers: resting from the ack, re-queued by an
   * amendment. Before the runtime hears of it, so the strategy's handler of the same answer reads the estimate.
   */
  private track(e: Event): void {
    const q = this.queue!;
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
    for (let i = 0; i < actions.length; i++) {
      const a = actions[i];
      this.counters.actions++;
      if (this.orderLog) {
        this.clock.read();
        this.orderLog.action(a, this.clock.ns, this.runtime.nowNs());
      }
      if (a.type === 'place') {
        this.counters.orders++;
        probe?.order(a.clientOid);
      } else if (a.type === 'cancel') this.counters.cancels++;
      else if (a.type === 'cancelAll') this.counters.cancelAlls++;
    }
    const x = this.executor;
    if (x === null || actions.length === 0) return;
    // one decision's places and cancels travel together: a quoter's ladder is one batch request, not one per order
    if (actions.length > 1 && x.handleAll) x.handleAll(actions);
    else for (let i = 0; i < actions.length; i++) x.handle(actions[i]);
  }

  /** A runtime log line as the session prints it: a stop not dressed as an error; null to drop it. */
  describe(level: string, message: string): string | null {
    if (this.stopping && message === 'HALTED: kill switch') return null; // the CLI says it is stopping
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

  setClockOffset(ns: number): void {
    this.health.clockOffsetNs = ns;
  }

  start(): void {
    this.running = true;
    this.clock.read();
    this.nextTickNs = (this.clock.ns / TICK_NS + 1n) * TICK_NS;
    this.execute(this.runtime.start(Number(this.clock.ns - this.runtime.originNs)));
    this.tickTimer = setInterval(
      () => {
        this.drain();
        this.clock.read();
        this.ticksUntil(this.clock.ns);
      },
      Number(TICK_NS / 1_000_000n),
    );
    // single-thread layout: the pipeline hands each frame's signals over in the call that read the frame; multi:
    // this thread waits on the signal ring
    if (!this.pipeline.consume(() => this.drain())) void this.loop();
  }

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

  /** Hands every record ready on the signal ring to the runtime (book messages, trades and statuses of our instrument). */
  drain(): void {
    const core = this.pipeline.core;
    this.pipeline.read((at, kind) => {
      if (core.words[(at + R.inst) >> 2] !== this.inst) return;
      if (kind === Kind.signal) {
        const w = core.words;
        this.probe?.signal(
          w[(at + S.localTs + 4) >> 2],
          w[(at + S.localTs) >> 2] >>> 0,
          this.probe.wantsSeq ? readI64Big(w, at + S.seq) : null,
        );
        this.ticksUntil(readI64Big(w, at + S.localTs));
        this.counters.signals++;
        const recovered = this.health.book((core.bytes[at + S.state] & State.valid) !== 0);
        if (recovered) this.execute(this.runtime.handle(recovered, 0));
        copyRecord(core.words, at, this.slots, 0);
        if (this.levelsOf !== null) this.levels(at);
        if (this.queue !== null && this.queue.size > 0) this.queue.afterBook();
        this.execute(this.runtime.book(0, 0), this.probe);
        if (this.onSignal) this.onSignal(Number(readI64Big(w, at + S.localTs) - readI64Big(w, at + S.exchTs)));
        if (this.onDecided) {
          this.clock.read();
          this.onDecided(Number(this.clock.ns - readI64Big(w, at + S.localTs)));
        }
      } else if (kind === Kind.status) {
        const ev = this.health.status(readI64(core.words, at + R.seq));
        if (ev) {
          this.counters.statuses++;
          this.execute(this.runtime.handle(ev, 0));
        }
      } else if (kind === Kind.trade) {
        if (this.queue !== null && this.queue.size > 0)
          this.queue.trade(core.bytes[at + R.side] === 1, readI64(core.words, at + R.price), readI64(core.words, at + R.qty));
        if (!this.wantTrades) return;
        const local = readI64Big(core.words, at + R.localTs);
        this.ticksUntil(local);
        const origin = this.runtime.originNs;
        this.execute(
          this.runtime.trade(
            0,
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
  private levels(at: number): void {
    const inst = this.levelsOf!;
    const w = this.pipeline.core.words;
    if (readI64(w, inst.ptr + I.messages) === readI64(w, at + S.msgCount)) {
      copyLevels(this.pipeline.core.x, inst.book.ptr, this.slots, 0);
    } else this.levelsMissed++;
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
