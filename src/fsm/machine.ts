// The strategy / position state machine of docs/signals.md §3.3 for one instrument. WHEN TO USE: one machine per
// instrument and run; feed it every Event in local-time order (signals, order reports, ticks, health, operator
// commands) and execute the Actions it returns, in order. It never reads a clock (time is the latest signal localTs
// or tick nowNs) and never makes ids (the injected nextId does), so a replay of the same events with the same id
// generator returns the same actions, bit for bit.
//
// One dispatch per event type; each handler does the bookkeeping (position from fills, order requests) and then the
// phase's transition, so every row of the §3.3 table lives in one place. docs/strategy.md is the table as built.

import { validateConfig, validateInstrument, type InstrumentSpec, type StrategyConfig } from './config';
import type { Action, Event } from './events';
import { MAX_CLIENT_OID } from './ids';
import { NsBig } from './ns';
import { RecentKeys } from './recent';
import {
  ackOverdue,
  markAllCancelled,
  newOrder,
  placeAction,
  placeAnswered,
  requestCancel,
  type OrderBook,
  type OrderTerms,
  type OwnOrder,
} from './orders';
import { applyFill, newPosition, type PositionState } from './position';
import { checkBreach, dailyLossQuote, newRiskState, notePlace, preTrade, staleDataAt, type RiskState, type RiskView } from './risk';
import {
  checkGates,
  confirmedSide,
  cooldownNs,
  costHurdle,
  entryOrder,
  exitOrder,
  newDebounce,
  priceExit,
  signalDecayed,
  signalExit,
  signalValue,
  timeStopAt,
  updateBest,
  updateDebounce,
  type Debounce,
  type Dir,
  type ExitReason,
  type GateFail,
  type SignalEvent,
  type TradeMarks,
} from './strategy';

export type Phase = 'IDLE' | 'ENTRY_PENDING' | 'IN_POSITION' | 'EXIT_PENDING' | 'COOLDOWN' | 'RECONCILE' | 'HALTED';
export const PHASES: readonly Phase[] = ['IDLE', 'ENTRY_PENDING', 'IN_POSITION', 'EXIT_PENDING', 'COOLDOWN', 'RECONCILE', 'HALTED'];

/** Phases that may trade: timers run and signals are read. RECONCILE and HALTED freeze signals. */
function trading(p: Phase): boolean {
  return p !== 'RECONCILE' && p !== 'HALTED';
}

/** The round trip just booked (flat again). */
export interface ClosedTrade {
  dir: Dir;
  entryNs: bigint;
  exitNs: bigint;
  /** Realised P&L of the round trip, ticks·lots (exact). */
  realisedTickLot: number;
  feesQuote: number;
  /** Why it was closed; null when a fill we did not send (flatten, late fill) closed it. */
  reason: ExitReason | null;
}

/** Everything the machine knows. Plain data (Maps, bigints): inspect it, never mutate it from outside. */
export interface MachineState {
  phase: Phase;
  /** Latest local time seen (signal localTs / tick nowNs); never goes back. */
  nowNs: bigint;
  position: PositionState;
  /** Our live orders by clientOid. */
  orders: OrderBook;
  market: {
    last: SignalEvent | null;
    /** The latest valid signal: the book prices exits and marks are read from. */
    lastValid: SignalEvent | null;
    healthy: boolean;
    healthReason: string;
    clockOffsetNs: number | null;
  };
  debounce: Debounce;
  trade: TradeMarks & {
    /** Direction of the entry being worked (ENTRY_PENDING). */
    entryDir: Dir | null;
    /** The entry order being worked and the exit order being worked; any other live order is a straggler whose
     * only effect is its fills. */
    entryOid: string | null;
    exitOid: string | null;
    exitReason: ExitReason | null;
    /** An exit triggered while the entry was still working: sent once the entry is done. */
    pendingExit: ExitReason | null;
    /** Exit re-sends so far (R bounds them). */
    exitRetries: number;
    startRealisedTickLot: number;
    startFeesQuote: number;
  };
  cooldownUntilNs: bigint;
  risk: RiskState;
  reconcile: { attempts: number; sentNs: bigint; reason: string };
  haltReason: string | null;
  /** The last venue resync (while HALTED or on the way there) disagreed with our fills or orders. */
  venueMismatch: boolean;
  trades: number;
  lastTrade: ClosedTrade | null;
  /** How often each non-transition outcome happened (gate.*, hurdle, risk.denied, fill.duplicate, …). */
  counters: Record<string, number>;
  /** The last RECENT_OIDS clientOids this machine has sent (a repeat from nextId is a bug: it throws). */
  usedOids: RecentKeys;
  /** The last SEEN_FILLS fill keys (clientOid/tradeId), to drop duplicate reports. */
  seenFills: RecentKeys;
}

export interface MachineOptions {
  config: StrategyConfig;
  instrument: InstrumentSpec;
  /** Returns a fresh clientOid (≤ 50 chars, never repeated), e.g. sequentialIds('run1'). */
  nextId: () => string;
}

/** What handle returns for an event without actions: frozen, so no caller can add to another's. */
const NO_ACTIONS = Object.freeze([]) as unknown as Action[];

// Counter names as constants: a name built per event is a new string to hash on every count.
const GATE_COUNTER: Record<GateFail, string> = {
  invalidBook: 'gate.invalidBook',
  unhealthy: 'gate.unhealthy',
  stale: 'gate.stale',
  feedLatency: 'gate.feedLatency',
  spread: 'gate.spread',
};

const ACK_TIMEOUT = new NsBig();
const WORK_TIMEOUT = new NsBig();
const RECONCILE_TIMEOUT = new NsBig();
const EXIT_TIMEOUT = new NsBig();
const DATA_AGE = new NsBig();

/**
 * The machine's timers. Each has one deadline (timerDue) and one action (fireTimer); PHASE_TIMERS says which run in
 * each phase, in the order they are checked. timers() fires the due ones and quietUntilNs waits for the earliest of
 * the same deadlines, so a timer added here is both fired and waited for.
 */
type Timer =
  /** RECONCILE: the venue has not answered within T_reconcile: ask again, or halt after the last attempt. */
  | 'reconcileResend'
  /** An order request (or the fill report after a rejected cancel) unanswered within T_ack: RECONCILE. */
  | 'ackTimeout'
  /** The entry has worked for T_work since its ack: cancel it. */
  | 'entryWork'
  /** Time stop on the filled part of a working entry: exit once the entry is done. */
  | 'entryTimeStop'
  /** Time stop of the position: exit. */
  | 'timeStop'
  /** The exit has not filled by its deadline: cancel and retry it, or halt after the last retry. */
  | 'exitDeadline'
  /** Cooldown over (flat, no orders, the signal back inside θ_reset): IDLE. */
  | 'cooldownEnd';

const PHASE_TIMERS: Readonly<Record<Phase, readonly Timer[]>> = {
  IDLE: ['ackTimeout'],
  ENTRY_PENDING: ['ackTimeout', 'entryWork', 'entryTimeStop'],
  IN_POSITION: ['ackTimeout', 'timeStop'],
  EXIT_PENDING: ['ackTimeout', 'exitDeadline'],
  COOLDOWN: ['ackTimeout', 'cooldownEnd'],
  RECONCILE: ['reconcileResend'],
  HALTED: [],
};

// Fill ids remembered for de-duplication (a gateway may report one fill on both the stream and REST).
const SEEN_FILLS = 4096;
// clientOids remembered for the repeat check: bounded, so a months-long backtest's memory stays flat.
const RECENT_OIDS = 4096;

export class StrategyMachine {
  readonly config: StrategyConfig;
  readonly instrument: InstrumentSpec;
  private readonly nextId: () => string;
  private readonly s: MachineState;
  private out: Action[] = [];
  /** A full risk check passed since the position, fees or clock offset last changed (riskCheck's fast path). */
  private riskClean = false;
  /** quietUntilNs's answer for the current state; undefined when it must be worked out again. */
  private quiet: bigint | null | undefined = undefined;

  constructor(opts: MachineOptions) {
    validateConfig(opts.config);
    validateInstrument(opts.instrument);
    this.config = opts.config;
    this.instrument = opts.instrument;
    this.nextId = opts.nextId;
    this.s = {
      phase: 'IDLE',
      nowNs: 0n,
      position: newPosition(),
      orders: new Map(),
      market: { last: null, lastValid: null, healthy: true, healthReason: '', clockOffsetNs: null },
      debounce: newDebounce(),
      trade: {
        entryNs: null,
        bestTick: null,
        entryDir: null,
        entryOid: null,
        exitOid: null,
        exitReason: null,
        pendingExit: null,
        exitRetries: 0,
        startRealisedTickLot: 0,
        startFeesQuote: 0,
      },
      cooldownUntilNs: 0n,
      risk: newRiskState(),
      reconcile: { attempts: 0, sentNs: 0n, reason: '' },
      haltReason: null,
      venueMismatch: false,
      trades: 0,
      lastTrade: null,
      counters: {},
      usedOids: new RecentKeys(RECENT_OIDS),
      seenFills: new RecentKeys(SEEN_FILLS),
    };
    this.view.tickLotQuote = opts.instrument.tickSize * opts.instrument.lotSize;
  }

  get state(): Readonly<MachineState> {
    return this.s;
  }

  get phase(): Phase {
    return this.s.phase;
  }

  /** Applies one event; returns the actions to execute, in order (most events have none: a shared empty array). */
  handle(ev: Event): Action[] {
    if (ev.type === 'signal') return this.handleSignal(ev);
    if (this.out.length > 0) this.out = []; // left over from a handler that threw
    this.quiet = undefined;
    switch (ev.type) {
      case 'tick':
        this.onTick(ev.nowNs);
        break;
      case 'ack':
        this.onAck(ev.clientOid);
        break;
      case 'reject':
        this.onReject(ev);
        break;
      case 'fill':
        this.onFill(ev);
        break;
      case 'cancelAck':
        this.onCancelAck(ev.clientOid);
        break;
      case 'cancelReject':
        this.onCancelReject(ev);
        break;
      case 'disconnect':
        this.onDisconnect(ev.reason);
        break;
      case 'resynced':
        this.onResynced(ev);
        break;
      case 'marketHealth':
        this.onHealth(ev);
        break;
      case 'killSwitch':
        this.halt('kill switch', ev.flatten);
        break;
      case 'manualReset':
        this.onManualReset();
        break;
      default:
        this.log('warn', `unknown event ${JSON.stringify((ev as { type: unknown }).type)}`);
    }
    return this.taken();
  }

  /**
   * handle() for an event the caller knows to be a signal (the replay's hot path: no dispatch on the event's type,
   * whose shape differs from event to event).
   */
  handleSignal(sig: SignalEvent): Action[] {
    if (this.out.length > 0) this.out = [];
    const quiet = this.quiet;
    const phase = this.s.phase;
    this.quiet = undefined;
    this.onSignal(sig);
    // A signal that neither acted nor moved the phase only moves deadlines later (see quietUntilNs).
    if (this.out.length === 0 && this.s.phase === phase) this.quiet = quiet;
    return this.taken();
  }

  /** The actions of the event just handled (most have none: a shared empty array). */
  private taken(): Action[] {
    const out = this.out;
    if (out.length === 0) return NO_ACTIONS;
    this.out = [];
    return out;
  }

  /**
   * For a replay that skips idle timer ticks: a local time before which a tick, with no other event between, would
   * change nothing but nowNs (null: no tick will do more, until the next event). A tick at or after it must be
   * delivered, and so must the last skipped tick before any event other than a signal stamped at or after it (or
   * nowNs at that event would differ). What onTick checks: the daily-loss day bound, stale data while exposed, and the
   * deadline of every timer of the phase (PHASE_TIMERS, timerDue: the ones timers() fires); the position, notional
   * and clock-offset limits were checked by the event that last moved their inputs. An earlier answer than the true one only costs a tick delivered for nothing.
   */
  quietUntilNs(): bigint | null {
    if (this.quiet === undefined) this.quiet = this.computeQuiet();
    return this.quiet;
  }

  private computeQuiet(): bigint | null {
    const s = this.s;
    if (s.phase === 'HALTED') return null; // a tick only moves the clock (no risk check, no timers)
    if (s.risk.day === null || s.nowNs < 0n) return s.nowNs; // the next check sets the day's baseline
    let at: bigint = s.risk.dayToNs;
    if (s.position.lot !== 0 || s.orders.size > 0) {
      const last = s.market.lastValid;
      if (last === null) return s.nowNs;
      const stale = staleDataAt(this.config.risk, last.localTs);
      if (stale < at) at = stale;
    }
    const timers = PHASE_TIMERS[s.phase];
    for (let i = 0; i < timers.length; i++) {
      const due = this.timerDue(timers[i]);
      if (due !== null && due < at) at = due;
    }
    return at;
  }

  // ---- events ----------------------------------------------------------------------------------------------------

  private onSignal(sig: SignalEvent): void {
    const s = this.s;
    this.advance(sig.localTs);
    s.market.last = sig;
    if (sig.valid && (s.market.lastValid === null || sig.localTs >= s.market.lastValid.localTs)) s.market.lastValid = sig;
    const x = signalValue(sig, this.config.signal.source);
    // Signals are frozen outside the trading phases: a debounce run never spans a disconnect or a halt.
    if (trading(s.phase)) updateDebounce(s.debounce, x, this.config.entry.threshold, sig.localTs);
    if (s.position.lot !== 0) updateBest(s.trade, s.position.lot > 0, sig);
    if (s.phase !== 'HALTED' && this.riskCheck(sig.feedLatencyNs)) return;
    const before = s.phase;
    this.timers();
    // At most one transition per event: a timer that moved the phase (cooldown over, ack timeout) wins this event.
    if (s.phase !== before) return;
    switch (s.phase) {
      case 'IDLE':
        this.tryEnter(sig, x);
        break;
      case 'ENTRY_PENDING':
        this.entrySignal(sig, x);
        break;
      case 'IN_POSITION':
        this.positionSignal(sig, x);
        break;
      default:
        break;
    }
  }

  private onTick(nowNs: bigint): void {
    this.advance(nowNs);
    if (this.s.phase !== 'HALTED' && this.riskCheck(null)) return;
    this.timers();
  }

  private onAck(clientOid: string): void {
    const o = this.s.orders.get(clientOid);
    if (!o) return this.count('ack.unknown');
    placeAnswered(o, this.s.nowNs, this.out);
    // T_work runs from the ack: the venue has the order from then on.
    if (o.role === 'entry' && o.workUntilNs === null) o.workUntilNs = this.s.nowNs + WORK_TIMEOUT.of(this.config.entry.workTimeoutNs);
  }

  private onReject(ev: Extract<Event, { type: 'reject' }>): void {
    const s = this.s;
    const o = s.orders.get(ev.clientOid);
    if (!o) return this.count('reject.unknown');
    s.orders.delete(o.clientOid);
    this.log('warn', `${o.role} ${o.clientOid} rejected: ${ev.code} ${ev.message}${ev.retryable ? ' (retryable)' : ''}`);
    if (s.phase === 'ENTRY_PENDING' && o.clientOid === s.trade.entryOid) {
      if (s.position.lot !== 0) return this.finishEntry();
      if (ev.retryable) this.to('IDLE');
      else this.startCooldown(null);
    } else if (s.phase === 'EXIT_PENDING' && o.clientOid === s.trade.exitOid) {
      this.exitDone(o, false);
    }
  }

  private onFill(ev: Extract<Event, { type: 'fill' }>): void {
    const s = this.s;
    const key = `${ev.clientOid}/${ev.tradeId}`;
    if (s.seenFills.has(key)) {
      this.count('fill.duplicate');
      return this.log('warn', `duplicate fill ${key} ignored`);
    }
    s.seenFills.add(key);
    this.riskClean = false;
    const before = s.position.lot;
    applyFill(s.position, ev.side, ev.priceTick, ev.qtyLot, ev.feeQuote);
    const after = s.position.lot;
    if (after !== 0 && (before === 0 || Math.sign(before) !== Math.sign(after))) this.openTrade();
    const o = s.orders.get(ev.clientOid);
    let done = false;
    if (o) {
      o.filledLot += ev.qtyLot;
      done = ev.remainingLot <= 0;
      // A full fill ends the order and any request in flight with it (a pending cancel can only be rejected now).
      if (done) s.orders.delete(o.clientOid);
      else placeAnswered(o, s.nowNs, this.out);
    } else {
      this.count('fill.unknownOrder');
      this.log('info', `fill for ${ev.clientOid} (not a live order of ours: late fill or flatten) moves the position to ${after}`);
    }
    if (s.phase !== 'HALTED' && this.riskCheck(null)) return;
    switch (s.phase) {
      case 'IDLE':
      case 'COOLDOWN':
        if (after !== 0) {
          this.log('warn', `position ${after} from a fill while ${s.phase}: exits armed`);
          this.to('IN_POSITION');
        }
        break;
      case 'ENTRY_PENDING':
        if (!s.orders.has(s.trade.entryOid ?? '')) this.finishEntry();
        break;
      case 'IN_POSITION':
        if (after === 0) this.closeTrade(null);
        break;
      case 'EXIT_PENDING':
        if (after === 0) {
          for (const live of s.orders.values()) requestCancel(live, s.nowNs, this.out);
          this.closeTrade(s.trade.exitReason);
        } else if (o && ev.clientOid === s.trade.exitOid && done) {
          this.exitDone(o, true);
        }
        break;
      default:
        break;
    }
  }

  private onCancelAck(clientOid: string): void {
    const s = this.s;
    const o = s.orders.get(clientOid);
    if (!o) return this.count('cancelAck.unknown');
    s.orders.delete(clientOid);
    if (s.phase === 'ENTRY_PENDING' && clientOid === s.trade.entryOid) this.finishEntry();
    else if (s.phase === 'EXIT_PENDING' && clientOid === s.trade.exitOid) this.exitDone(o, false);
  }

  private onCancelReject(ev: Extract<Event, { type: 'cancelReject' }>): void {
    const o = this.s.orders.get(ev.clientOid);
    if (!o) return this.count('cancelReject.unknown');
    if (o.inFlight === 'cancel') o.inFlight = null;
    // Usually "already filled": the fill report is on its way. If it never comes, T_ack sends us to RECONCILE.
    o.awaitFillSinceNs = this.s.nowNs;
    this.log('info', `cancel of ${o.clientOid} rejected (${ev.code} ${ev.message}): waiting for the fill report`);
  }

  private onDisconnect(reason: string): void {
    this.log('warn', `disconnect: ${reason}`);
    if (this.s.phase === 'HALTED') {
      // Still halted, but our picture of the venue is stale: cancel everything and ask for the truth.
      this.out.push({ type: 'cancelAll' }, { type: 'reconcile' });
      markAllCancelled(this.s.orders);
      return;
    }
    this.enterReconcile(`disconnect: ${reason}`, true);
  }

  private onResynced(ev: Extract<Event, { type: 'resynced' }>): void {
    const s = this.s;
    const venueOids = new Set(ev.openOrders.map((o) => o.clientOid));
    const unknown = ev.openOrders.filter((o) => !s.orders.has(o.clientOid)).map((o) => o.clientOid);
    const mismatch =
      ev.positionLot !== s.position.lot
        ? `venue position ${ev.positionLot} lots ≠ ${s.position.lot} from fills`
        : unknown.length > 0
          ? `venue has orders we do not know: ${unknown.join(', ')}`
          : null;
    const dropGone = () => {
      // Orders the venue no longer lists are over (cancelled or filled; a missed fill shows up as a mismatch).
      for (const oid of [...s.orders.keys()]) if (!venueOids.has(oid)) s.orders.delete(oid);
    };
    switch (s.phase) {
      case 'RECONCILE':
        dropGone();
        if (mismatch) {
          s.venueMismatch = true;
          return this.halt(`reconcile mismatch: ${mismatch}`, false);
        }
        if (ev.openOrders.length > 0) {
          // Known orders still open: cancel them and look again (bounded by orders.maxReconcileAttempts).
          if (s.reconcile.attempts >= this.config.orders.maxReconcileAttempts) {
            return this.halt(`reconcile: ${ev.openOrders.length} orders still open after ${s.reconcile.attempts} attempts`, false);
          }
          s.reconcile.attempts += 1;
          s.reconcile.sentNs = s.nowNs;
          this.out.push({ type: 'cancelAll' }, { type: 'reconcile' });
          markAllCancelled(s.orders);
          return;
        }
        if (s.position.lot === 0) return this.startCooldown(null);
        if (s.trade.entryNs === null) this.openTrade();
        return this.to('IN_POSITION');
      case 'HALTED':
        dropGone();
        s.venueMismatch = mismatch !== null;
        if (ev.openOrders.length > 0) {
          this.out.push({ type: 'cancelAll' });
          markAllCancelled(s.orders);
        }
        return;
      default:
        // Unsolicited (the gateway's periodic REST check): comparable only when nothing of ours is working.
        if ((s.phase === 'IDLE' || s.phase === 'IN_POSITION' || s.phase === 'COOLDOWN') && s.orders.size === 0) {
          if (mismatch || ev.openOrders.length > 0) {
            s.venueMismatch = true;
            return this.halt(`resync mismatch: ${mismatch ?? `venue has ${ev.openOrders.length} open orders`}`, false);
          }
          return this.count('resync.ok');
        }
        return this.count('resync.ignored');
    }
  }

  private onHealth(ev: Extract<Event, { type: 'marketHealth' }>): void {
    const s = this.s;
    this.riskClean = false;
    s.market.healthy = ev.ok;
    s.market.healthReason = ev.reason;
    if (ev.clockOffsetNs !== undefined) s.market.clockOffsetNs = ev.clockOffsetNs;
    // A resyncing book breaks the debounce run: samples on either side of it are not consecutive.
    if (!ev.ok) s.debounce = newDebounce();
    if (s.phase !== 'HALTED') this.riskCheck(null);
  }

  private onManualReset(): void {
    const s = this.s;
    if (s.phase !== 'HALTED') return this.log('info', `manualReset ignored in ${s.phase}`);
    const blockers = this.resetBlockers();
    if (blockers.length > 0) {
      this.log('warn', `manual reset refused: ${blockers.join('; ')}`);
      // Orders we cannot confirm closed: ask the venue, so the next reset can succeed.
      if (s.orders.size > 0) this.out.push({ type: 'reconcile' });
      return;
    }
    s.haltReason = null;
    s.debounce = newDebounce();
    this.riskClean = false;
    this.log('info', 'manual reset: trading enabled');
    this.to('IDLE');
  }

  // ---- transitions -----------------------------------------------------------------------------------------------

  /** Fires the timers of the phase that are due (PHASE_TIMERS order); one that moves the phase ends the round. */
  private timers(): void {
    const s = this.s;
    const phase = s.phase;
    const timers = PHASE_TIMERS[phase];
    for (let i = 0; i < timers.length; i++) {
      const due = this.timerDue(timers[i]);
      if (due === null || s.nowNs < due) continue;
      this.fireTimer(timers[i]);
      if (s.phase !== phase) return;
    }
  }

  /** When `timer` fires in the current state; null while it is not armed. */
  private timerDue(timer: Timer): bigint | null {
    const s = this.s;
    const cfg = this.config;
    switch (timer) {
      case 'reconcileResend':
        return s.reconcile.sentNs + RECONCILE_TIMEOUT.of(cfg.orders.reconcileTimeoutNs);
      case 'ackTimeout': {
        if (s.orders.size === 0) return null;
        const ack = ACK_TIMEOUT.of(cfg.orders.ackTimeoutNs);
        let at: bigint | null = null;
        for (const o of s.orders.values()) {
          if (o.inFlight !== null) {
            const due = o.requestNs + ack;
            if (at === null || due < at) at = due;
          }
          if (o.awaitFillSinceNs !== null) {
            const due = o.awaitFillSinceNs + ack;
            if (at === null || due < at) at = due;
          }
        }
        return at;
      }
      case 'entryWork': {
        const entry = this.current('entry');
        return entry && entry.workUntilNs !== null && !entry.cancelSent ? entry.workUntilNs : null;
      }
      case 'entryTimeStop':
        return s.position.lot !== 0 && s.trade.pendingExit === null ? timeStopAt(cfg.exit, s.trade) : null;
      case 'timeStop':
        return timeStopAt(cfg.exit, s.trade);
      case 'exitDeadline': {
        const exit = this.current('exit');
        return exit && !exit.timedOut && exit.deadlineNs !== null ? exit.deadlineNs : null;
      }
      case 'cooldownEnd':
        return s.orders.size === 0 && s.position.lot === 0 ? s.cooldownUntilNs : null;
    }
  }

  /** What `timer` does once due. */
  private fireTimer(timer: Timer): void {
    const s = this.s;
    const cfg = this.config;
    switch (timer) {
      case 'reconcileResend':
        if (s.reconcile.attempts >= cfg.orders.maxReconcileAttempts)
          return this.halt(`reconcile: no answer after ${s.reconcile.attempts} attempts`, false);
        s.reconcile.attempts += 1;
        s.reconcile.sentNs = s.nowNs;
        this.out.push({ type: 'reconcile' });
        return;
      case 'ackTimeout': {
        const overdue = ackOverdue(s.orders, s.nowNs, ACK_TIMEOUT.of(cfg.orders.ackTimeoutNs))!;
        const what = overdue.inFlight ?? 'fill report after a rejected cancel';
        return this.enterReconcile(`no answer to ${what} of ${overdue.clientOid} within T_ack`, false);
      }
      case 'entryWork':
        this.count('entry.workTimeout');
        requestCancel(this.current('entry')!, s.nowNs, this.out);
        return;
      case 'entryTimeStop':
        return this.armPendingExit('timeStop');
      case 'timeStop':
        return this.sendExit('timeStop');
      case 'exitDeadline':
        return this.exitTimedOut(this.current('exit')!);
      case 'cooldownEnd':
        if (this.resetOk()) this.to('IDLE');
        return;
    }
  }

  /** IDLE + SIGNAL_ENTER: debounce confirmed, gates ok, edge > cost, pre-trade risk ok → entry, T_ack. */
  private tryEnter(sig: SignalEvent, x: number | null): void {
    const s = this.s;
    const cfg = this.config;
    const dir = confirmedSide(s.debounce, cfg.entry, s.nowNs);
    if (dir === null || x === null) return;
    const gate = checkGates(cfg.gates, sig, s.market.healthy, s.nowNs);
    if (gate) return this.count(GATE_COUNTER[gate]);
    if (!costHurdle(cfg, this.instrument, sig, x, dir).ok) return this.count('hurdle');
    const terms = entryOrder(cfg.entry, sig, dir);
    const deny = preTrade(cfg.risk, s.risk, s.nowNs, s.position.lot, cfg.entry.qtyLot, terms.priceTick);
    if (deny) return this.count('risk.denied');
    s.trade.entryDir = dir;
    s.trade.pendingExit = null;
    s.trade.exitReason = null;
    s.trade.exitRetries = 0;
    const side = dir === 'long' ? 'buy' : 'sell';
    s.trade.entryOid = this.place(
      { role: 'entry', side, orderType: 'limit', force: terms.force, priceTick: terms.priceTick, qtyLot: cfg.entry.qtyLot },
      null,
      false,
    );
    this.to('ENTRY_PENDING');
  }

  /** ENTRY_PENDING + signal: abandon the entry when the signal decays below θ_out; arm exits on a partial fill. */
  private entrySignal(sig: SignalEvent, x: number | null): void {
    const s = this.s;
    // the pure test first: most signals do not decay the entry, and the order lookup is a hash of its clientOid
    if (s.trade.entryDir && signalDecayed(s.trade.entryDir, x, this.config.exit.threshold)) {
      const entry = this.current('entry');
      if (entry && !entry.cancelSent && !entry.cancelWanted) {
        this.count('entry.decayed');
        requestCancel(entry, s.nowNs, this.out);
      }
    }
    if (s.position.lot !== 0 && s.trade.pendingExit === null) {
      const reason = priceExit(this.config.exit, s.position, s.trade, sig);
      if (reason) this.armPendingExit(reason);
    }
  }

  /** IN_POSITION + signal: stop-loss, take-profit, trailing, then reversal or hysteresis exit. */
  private positionSignal(sig: SignalEvent, x: number | null): void {
    const s = this.s;
    const reason =
      priceExit(this.config.exit, s.position, s.trade, sig) ??
      signalExit(this.config, s.position.lot > 0, x, confirmedSide(s.debounce, this.config.entry, s.nowNs));
    if (reason) this.sendExit(reason);
  }

  /** An exit fired on the filled part of a working entry: cancel the entry, exit when it is done. */
  private armPendingExit(reason: ExitReason): void {
    const entry = this.current('entry');
    this.s.trade.pendingExit = reason;
    if (entry) requestCancel(entry, this.s.nowNs, this.out);
  }

  /** The entry order is over (filled, cancelled, rejected): COOLDOWN when flat, else exits armed. */
  private finishEntry(): void {
    const s = this.s;
    if (s.position.lot === 0) return this.startCooldown(null);
    if (s.trade.pendingExit) return this.sendExit(s.trade.pendingExit);
    this.to('IN_POSITION');
  }

  private sendExit(reason: ExitReason): void {
    const s = this.s;
    s.trade.exitReason = reason;
    s.trade.pendingExit = null;
    s.trade.exitRetries = 0;
    this.count(`exit.${reason}`);
    this.placeExit(0);
    this.to('EXIT_PENDING');
  }

  /** A reduce-only exit for the whole position, priced per the escalation ladder for `attempt`. */
  private placeExit(attempt: number): void {
    const s = this.s;
    const long = s.position.lot > 0;
    const terms = exitOrder(this.config.exit, s.trade.exitReason ?? 'signal', attempt, long, s.market.lastValid);
    s.trade.exitOid = this.place(
      {
        role: 'exit',
        side: long ? 'sell' : 'buy',
        orderType: terms.orderType,
        force: terms.force,
        priceTick: terms.priceTick,
        qtyLot: Math.abs(s.position.lot),
      },
      s.nowNs + EXIT_TIMEOUT.of(this.config.exit.timeoutNs),
      true,
    );
  }

  /** The exit order is over. Flat → COOLDOWN; filled but not flat (late entry fills) → exit the rest; else retry/HALT. */
  private exitDone(o: OwnOrder, filled: boolean): void {
    const s = this.s;
    if (s.position.lot === 0) return this.closeTrade(s.trade.exitReason);
    if (filled) return this.placeExit(s.trade.exitRetries);
    const R = this.config.exit.maxRetries;
    if (s.trade.exitRetries >= R)
      return this.halt(`exit failed: ${o.clientOid} not done after ${R} retries, position ${s.position.lot}`, false);
    s.trade.exitRetries += 1;
    this.count('exit.retry');
    this.placeExit(s.trade.exitRetries);
  }

  /** EXIT_PENDING + TIMEOUT: retries left → cancel, re-send when the cancel resolves; none left → HALTED. */
  private exitTimedOut(o: OwnOrder): void {
    const R = this.config.exit.maxRetries;
    this.count('exit.timeout');
    if (this.s.trade.exitRetries >= R)
      return this.halt(`exit failed: ${o.clientOid} timed out after ${R} retries, position ${this.s.position.lot}`, false);
    o.timedOut = true;
    requestCancel(o, this.s.nowNs, this.out);
  }

  private closeTrade(reason: ExitReason | null): void {
    const s = this.s;
    const t = s.trade;
    s.trades += 1;
    s.lastTrade = {
      dir: t.entryDir ?? 'long',
      entryNs: t.entryNs ?? s.nowNs,
      exitNs: s.nowNs,
      realisedTickLot: s.position.realisedTickLot - t.startRealisedTickLot,
      feesQuote: s.position.feesQuote - t.startFeesQuote,
      reason,
    };
    this.log(
      'info',
      `trade closed (${reason ?? 'external fill'}): ${s.lastTrade.realisedTickLot} ticks·lots, fees ${s.lastTrade.feesQuote} quote`,
    );
    t.entryNs = null;
    t.bestTick = null;
    this.startCooldown(reason);
  }

  /** A position just opened (or flipped): time stop and trailing stop run from here, the trade's P&L from here. */
  private openTrade(): void {
    const t = this.s.trade;
    t.entryNs = this.s.nowNs;
    t.bestTick = null;
    t.entryDir = this.s.position.lot > 0 ? 'long' : 'short';
    t.startRealisedTickLot = this.s.position.realisedTickLot;
    t.startFeesQuote = this.s.position.feesQuote;
  }

  private startCooldown(reason: ExitReason | null): void {
    this.s.cooldownUntilNs = this.s.nowNs + cooldownNs(this.config.cooldown, reason);
    this.to('COOLDOWN');
  }

  /** θ_reset: leave COOLDOWN only once the signal has come back inside ±θ_reset. */
  private resetOk(): boolean {
    const th = this.config.cooldown.resetThreshold;
    if (th === null) return true;
    const last = this.s.market.last;
    const x = last ? signalValue(last, this.config.signal.source) : null;
    return x !== null && Math.abs(x) < th;
  }

  /** Order or position state unknown: optionally cancel everything, ask the venue, freeze signals. */
  private enterReconcile(reason: string, cancelAll: boolean): void {
    const s = this.s;
    this.log('warn', `RECONCILE: ${reason}`);
    if (cancelAll) {
      this.out.push({ type: 'cancelAll' });
      markAllCancelled(s.orders);
    }
    this.out.push({ type: 'reconcile' });
    s.reconcile = { attempts: 1, sentNs: s.nowNs, reason };
    s.debounce = newDebounce();
    s.trade.pendingExit = null;
    this.to('RECONCILE');
  }

  /** Cancel all (and flatten if asked), then HALTED. Used by every breach, the kill switch and failed exits. */
  private halt(reason: string, flatten: boolean): void {
    const s = this.s;
    this.log('error', `HALTED: ${reason}`);
    this.out.push({ type: 'cancelAll' });
    if (flatten) this.out.push({ type: 'flatten' });
    markAllCancelled(s.orders);
    s.haltReason = reason;
    s.debounce = newDebounce();
    s.trade.pendingExit = null;
    this.to('HALTED');
  }

  /** RISK_BREACH check; true if it halted. */
  private riskCheck(feedLatencyNs: number | null): boolean {
    const s = this.s;
    const r = s.risk;
    // Flat with no orders, inside the day of the daily baseline, nothing changed since a full check passed: only the
    // feed latency can breach (the mark does not count while flat, stale data only while exposed, and the rest
    // moves only with fills and health reports). Most signals of a strategy waiting for an entry are checked so.
    if (this.riskClean && s.position.lot === 0 && s.orders.size === 0 && r.day !== null && s.nowNs >= r.dayFromNs && s.nowNs < r.dayToNs) {
      const cfg = this.config.risk;
      if (feedLatencyNs === null || (feedLatencyNs >= cfg.minFeedLatencyNs && feedLatencyNs <= cfg.maxFeedLatencyNs)) return false;
    }
    const b = checkBreach(this.config.risk, r, this.riskView(feedLatencyNs));
    if (!b) {
      this.riskClean = true;
      return false;
    }
    this.count(`breach.${b.kind}`);
    this.halt(`risk breach (${b.kind}): ${b.message}`, this.config.risk.flattenOnBreach);
    return true;
  }

  // One view, refilled on every check: risk checks run on every event and only read it.
  private readonly view: RiskView = {
    nowNs: 0n,
    position: newPosition(),
    markTick: null,
    tickLotQuote: 0,
    lastValidLocalTs: null,
    feedLatencyNs: null,
    clockOffsetNs: null,
    exposed: false,
  };

  private riskView(feedLatencyNs: number | null): RiskView {
    const s = this.s;
    const book = s.market.lastValid;
    const lot = s.position.lot;
    const v = this.view;
    v.nowNs = s.nowNs;
    v.position = s.position;
    v.markTick = book === null || lot === 0 ? null : lot > 0 ? book.bestBid : book.bestAsk;
    v.lastValidLocalTs = book?.localTs ?? null;
    v.feedLatencyNs = feedLatencyNs;
    v.clockOffsetNs = s.market.clockOffsetNs;
    v.exposed = lot !== 0 || s.orders.size > 0;
    return v;
  }

  /** Why HALTED may not be left now (empty = flat, risk ok, data healthy). */
  private resetBlockers(): string[] {
    const s = this.s;
    const cfg = this.config;
    const out: string[] = [];
    if (s.position.lot !== 0) out.push(`position ${s.position.lot} lots, not flat`);
    if (s.orders.size > 0) out.push(`${s.orders.size} orders not confirmed closed (reconcile requested)`);
    if (s.venueMismatch) out.push('the venue disagrees with our fills or orders (flatten at the venue and restart)');
    const view = this.riskView(null);
    const loss = dailyLossQuote(s.risk, view);
    if (loss > cfg.risk.maxDailyLossQuote) out.push(`daily loss ${loss} quote > max ${cfg.risk.maxDailyLossQuote}`);
    const offset = s.market.clockOffsetNs;
    if (offset !== null && Math.abs(offset) > cfg.risk.maxClockOffsetNs) out.push(`clock offset ${offset} ns out of band`);
    const book = s.market.lastValid;
    if (!s.market.healthy) out.push(`market data unhealthy (${s.market.healthReason})`);
    if (book === null) out.push('no valid market data yet');
    else {
      if (s.nowNs - book.localTs > DATA_AGE.of(cfg.gates.maxDataAgeNs)) out.push(`market data stale (${s.nowNs - book.localTs} ns old)`);
      const lat = book.feedLatencyNs;
      if (lat < cfg.gates.minFeedLatencyNs || lat > cfg.gates.maxFeedLatencyNs) out.push(`feed latency ${lat} ns out of band`);
    }
    return out;
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  /** The entry or exit order being worked, if it is still live. */
  private current(role: 'entry' | 'exit'): OwnOrder | null {
    const oid = role === 'entry' ? this.s.trade.entryOid : this.s.trade.exitOid;
    return oid === null ? null : (this.s.orders.get(oid) ?? null);
  }

  /** Sends a new order (unique clientOid from nextId, counted in the rate window); returns its clientOid. */
  private place(terms: OrderTerms, deadlineNs: bigint | null, reduceOnly: boolean): string {
    const clientOid = this.nextId();
    if (typeof clientOid !== 'string' || clientOid.length === 0 || clientOid.length > MAX_CLIENT_OID) {
      throw new Error(`nextId returned ${JSON.stringify(clientOid)}: a clientOid must be 1–${MAX_CLIENT_OID} characters`);
    }
    if (this.s.usedOids.has(clientOid)) throw new Error(`nextId returned ${clientOid} twice: clientOids must be unique`);
    this.s.usedOids.add(clientOid);
    const o = newOrder({ clientOid, ...terms }, this.s.nowNs, deadlineNs);
    this.s.orders.set(clientOid, o);
    notePlace(this.s.risk, this.s.nowNs);
    this.out.push(placeAction(o, reduceOnly));
    return clientOid;
  }

  private advance(t: bigint): void {
    if (t > this.s.nowNs) this.s.nowNs = t;
  }

  private to(phase: Phase): void {
    this.s.phase = phase;
  }

  private count(key: string): void {
    this.s.counters[key] = (this.s.counters[key] ?? 0) + 1;
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.out.push({ type: 'log', level, message });
  }
}
