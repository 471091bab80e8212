// The strategy on the main thread: signal and status records from the pipeline's signal ring become FSM events,
// FSM actions go to the order gateway, gateway events come back to the FSM, and the clock ticks the timers.
// Nothing here decides anything: the machine (src/fsm) does, the same one the backtest runs.
import { Kind, R, S, readI64Big } from '../core/index';
import { MonotonicClock } from '../core/clock';
import { MarketEvents, TICK_NS } from './market-events';
import type { MarketPipeline } from '../feed/pipeline';
import type { StrategyMachine, Action, Event } from '../fsm/index';
import { duration, moneyIn, quoteCurrency, signedMoneyIn } from '../format/numbers';
import type { OrderLog } from './orderlog';
import type { LatencyProbe } from '../latency/probe';

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
  /** Realised PnL in quote currency, from closed trades the machine booked. */
  realisedQuote: number;
}

export interface Executor {
  handle(a: Action): void;
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
  private readonly market = new MarketEvents();
  private nextTickNs = 0n;
  private tickTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly pipeline: MarketPipeline,
    readonly inst: number,
    readonly machine: StrategyMachine,
    private executor: Executor | null,
    private readonly log: (line: string) => void = () => {},
  ) {}

  /** Own orders and fills to the recording (when recording). */
  orderLog: OrderLog | null = null;
  /** Tick-to-trade stamps of every signal and the orders it led to (src/latency). */
  probe: LatencyProbe | null = null;
  /** Every signal the machine is given (the CLI watches what the signal does, for "why no trades"). */
  onSignal: ((e: Extract<Event, { type: 'signal' }>) => void) | null = null;
  /** Set by stop(): the kill switch that follows is an ordinary stop, not an error. */
  private stopping = false;

  /** Late binding: the gateway needs the trader's event callback before the trader can hold it. */
  setExecutor(e: Executor): void {
    this.executor = e;
  }

  /** Feeds one event to the machine and carries out what it asks. */
  handle(e: Event): void {
    if (this.orderLog && e.type !== 'signal' && e.type !== 'tick') {
      this.clock.read();
      this.orderLog.event(e, this.clock.ns);
    }
    if (e.type === 'fill') {
      this.counters.fills++;
      this.counters.feeQuote += e.feeQuote;
    } else if (e.type === 'reject') {
      this.counters.rejects++;
    }
    const actions = this.machine.handle(e);
    const probe = e.type === 'signal' ? this.probe : null;
    probe?.decided();
    for (const a of actions) {
      this.counters.actions++;
      if (a.type === 'log') {
        const line = this.describe(a.level, a.message);
        if (line) this.log(line);
        continue;
      }
      if (this.orderLog) {
        this.clock.read();
        this.orderLog.action(a, this.clock.ns, this.machine.state.nowNs);
      }
      if (a.type === 'place') {
        this.counters.orders++;
        probe?.order(a.clientOid);
      } else if (a.type === 'cancel') this.counters.cancels++;
      else if (a.type === 'cancelAll') this.counters.cancelAlls++;
      this.executor?.handle(a);
    }
  }

  /** A machine log as the trader reads it: a closed trade in money, a stop not dressed as an error; null to drop it. */
  private describe(level: string, message: string): string | null {
    if (this.stopping && message === 'HALTED: kill switch') return null; // the CLI says it is stopping
    const t = this.machine.state.lastTrade;
    if (message.startsWith('trade closed') && t) {
      const unit = this.machine.instrument.tickSize * this.machine.instrument.lotSize;
      const ccy = quoteCurrency(this.pipeline.grids[this.inst]?.symbol);
      const gross = t.realisedTickLot * unit;
      return `trade closed (${t.reason ?? 'external fill'}): ${t.dir}, held ${duration(Number(t.exitNs - t.entryNs))}, net ${signedMoneyIn(gross - t.feesQuote, ccy)} (gross ${moneyIn(gross, ccy)}, fees ${moneyIn(t.feesQuote, ccy)})`;
    }
    return `[${level}] ${message}`;
  }

  setClockOffset(ns: number): void {
    this.market.clockOffsetNs = ns;
  }

  start(): void {
    this.running = true;
    this.clock.read();
    this.nextTickNs = (this.clock.ns / TICK_NS + 1n) * TICK_NS;
    this.tickTimer = setInterval(
      () => {
        this.drain();
        this.clock.read();
        this.ticksUntil(this.clock.ns);
      },
      Number(TICK_NS / 1_000_000n),
    );
    void this.loop();
  }

  /** Every grid tick at or before `t`, in order. */
  private ticksUntil(t: bigint): void {
    if (this.nextTickNs === 0n) return; // not started: ticks begin with start()
    while (this.nextTickNs <= t) {
      const now = this.nextTickNs;
      this.nextTickNs += TICK_NS;
      this.handle({ type: 'tick', nowNs: now });
    }
  }

  private async loop(): Promise<void> {
    while (this.running) {
      await this.pipeline.signal.waitAsync(50);
      this.drain();
    }
  }

  /** Turns every record ready on the signal ring into events (signals of our instrument, health from statuses). */
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
      }
      this.market.fromRecord(core, at, (e) => {
        if (e.type === 'signal') {
          this.counters.signals++;
          this.onSignal?.(e);
        } else if (e.type === 'marketHealth' && !e.ok) this.counters.statuses++;
        this.handle(e);
      });
    });
  }

  /** Kill switch: cancel everything (and flatten when asked); the caller then waits for the gateway to settle. */
  stop(flatten: boolean): void {
    this.stopping = true;
    this.running = false;
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.handle({ type: 'killSwitch', flatten });
  }
}
