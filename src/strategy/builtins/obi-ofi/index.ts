// obi-ofi: the OBI/OFI taker of docs/signals.md §3.1 and §3.3 on the public strategy API. One instrument; phases IDLE →
// ENTRY_PENDING → IN_POSITION → EXIT_PENDING → COOLDOWN (docs/strategy.md has the table). The runtime owns what is not
// a strategy's: orders and their timeouts, reconcile (RECONCILE here is the runtime's, mirrored so signals freeze),
// positions, the risk gate and halts (HALTED). Each event causes at most one transition; a deadline that falls due on
// a book message wins that message (as on a tick), so the deadlines are checked in onBook and on the one wake-up timer
// that is always set to the earliest of them.
import { defineStrategy, type Market, type Order, type OrderUpdate, type StrategyContext } from 'ringbook';
import { PARAMS, PRESETS, configOf, validate, type ObiOfiParams } from './params';
import {
  checkGates,
  confirmedSide,
  cooldownNs,
  hurdleOk,
  entryOrder,
  exitOrder,
  newDebounce,
  priceExit,
  resetDebounce,
  signalDecayed,
  signalExit,
  timeStopNs,
  updateBest,
  updateDebounce,
  type Dir,
  type ExitReason,
  type GateFail,
  type TradeMarks,
} from './rules';

export type Phase = 'IDLE' | 'ENTRY_PENDING' | 'IN_POSITION' | 'EXIT_PENDING' | 'COOLDOWN' | 'RECONCILE' | 'HALTED';
export const PHASES: readonly Phase[] = ['IDLE', 'ENTRY_PENDING', 'IN_POSITION', 'EXIT_PENDING', 'COOLDOWN', 'RECONCILE', 'HALTED'];

// Counter names as constants: a name built per event is a new string to hash on every count.
const GATE_COUNTER: Record<GateFail, string> = {
  invalidBook: 'gate.invalidBook',
  unhealthy: 'gate.unhealthy',
  stale: 'gate.stale',
  feedLatency: 'gate.feedLatency',
  spread: 'gate.spread',
};

/**
 * The deadlines of each phase, in the order they are checked; one that moves the phase ends the round.
 * entryWork: the entry has worked for T_work since its ack → cancel it. entryTimeStop: time stop on the filled part of
 * a working entry → exit once the entry is done. timeStop: exit. exitDeadline: the exit has not filled by its deadline →
 * cancel and retry it, or halt after the last retry. cooldownEnd: flat, no orders, the signal back inside θ_reset → IDLE.
 */
type Deadline = 'entryWork' | 'entryTimeStop' | 'timeStop' | 'exitDeadline' | 'cooldownEnd';
const PHASE_DEADLINES: Readonly<Record<Phase, readonly Deadline[]>> = {
  IDLE: [],
  ENTRY_PENDING: ['entryWork', 'entryTimeStop'],
  IN_POSITION: ['timeStop'],
  EXIT_PENDING: ['exitDeadline'],
  COOLDOWN: ['cooldownEnd'],
  RECONCILE: [],
  HALTED: [],
};
const WAKE = 'wake';
const Z = 0;
const L1 = 1;
const OBI_N = 2;
const OFI_NORM = 3;
const SOURCE_CODE: Readonly<Record<string, number>> = { z: Z, l1: L1, obiN: OBI_N, ofiNorm: OFI_NORM };

export default defineStrategy({
  name: 'obi-ofi',
  description:
    'Takes (or, passive, makes) one position at a time when book imbalance / order flow x stays beyond ±θ_in, with gates, a cost hurdle, price and time exits and a cooldown.',
  // one position and one state for the run's only instrument (ctx.market() without a symbol)
  instruments: { single: true },
  params: PARAMS,
  presets: PRESETS,
  validate,
  create: (ctx) => obiOfi(ctx),
});

function obiOfi(ctx: StrategyContext<ObiOfiParams>) {
  const cfg = configOf(ctx.params);
  const m = ctx.market();
  const fees = m.info;
  const pos = m.position;
  /** cfg.signal.source as a number: onBook reads the signal without comparing its name (signalValue, written out). */
  const source = Object.hasOwn(SOURCE_CODE, cfg.signal.source) ? SOURCE_CODE[cfg.signal.source] : OFI_NORM;
  let phase: Phase = 'IDLE';
  const debounce = newDebounce();
  const marks: TradeMarks = { entryNs: null, bestTick: null };
  // Numbers that change with the market live in one object's fields, never in closure variables (V8 boxes a double
  // stored into a closure: a new heap number on every message). NaN stands for "none", so no field changes type.
  const s = {
    /** x of the last message (NaN: it had none), for θ_reset. */
    lastX: NaN,
    /** The last valid touch (exit prices), by local stamp. */
    touchBid: NaN,
    touchAsk: NaN,
    touchNs: -Infinity,
    /** T_work of the entry: set on its ack (NaN: not yet). */
    entryWorkUntil: NaN,
    /** The exit must be done by then; once past, it counts as failed (NaN: no exit). */
    exitDeadline: NaN,
    cooldownUntil: 0,
    /** The wake-up timer's deadline (NaN: not set). */
    wakeAt: NaN,
    /** due()'s answer. */
    dueAt: NaN,
    /** The position as last seen (a fill opens, flips or closes it). */
    lastLot: 0,
    exitRetries: 0,
  };
  const touch = { bidTick: NaN, askTick: NaN };
  /** Direction of the entry being worked (ENTRY_PENDING). */
  let entryDir: Dir | null = null;
  /** The entry order being worked and the exit order being worked (the runtime updates them in place); any other
   * live order is a straggler. */
  let entry: Order | null = null;
  let exit: Order | null = null;
  /** Bumped by every change the deadlines depend on: syncWake works them out again only then. */
  let version = 0;
  let synced = -1;
  let exitTimedOut = false;
  let exitReason: ExitReason | null = null;
  /** An exit triggered while the entry was still working: sent once the entry is done. */
  let pendingExit: ExitReason | null = null;

  const live = (o: Order | null) => (o !== null && (o.state === 'pending' || o.state === 'working' || o.state === 'cancelling') ? o : null);
  const setPhase = (p: Phase) => {
    phase = p;
    version++;
  };

  // ---- deadlines -----------------------------------------------------------------------------------------------------

  /**
   * When deadline `d` falls due, into s.dueAt (NaN: it does not apply now). A field, not a return value: a double
   * returned by a call that is not inlined is a new heap number, and a cooldown waiting for θ_reset asks on every message.
   */
  function due(d: Deadline): void {
    let at = NaN;
    switch (d) {
      case 'entryWork':
        if (live(entry) && s.entryWorkUntil === s.entryWorkUntil && entry!.state !== 'cancelling') at = s.entryWorkUntil;
        break;
      case 'entryTimeStop':
        if (pos.lot !== 0 && pendingExit === null) at = timeStopNs(cfg.exit, marks);
        break;
      case 'timeStop':
        at = timeStopNs(cfg.exit, marks);
        break;
      case 'exitDeadline':
        if (!exitTimedOut && s.exitDeadline === s.exitDeadline && live(exit)) at = s.exitDeadline;
        break;
      case 'cooldownEnd':
        if (m.orders.length === 0 && pos.lot === 0) at = s.cooldownUntil;
        break;
    }
    s.dueAt = at;
  }

  function fire(d: Deadline): void {
    switch (d) {
      case 'entryWork':
        ctx.count('entry.workTimeout');
        ctx.cancel(entry!.clientOid);
        version++;
        return;
      case 'entryTimeStop':
        return armPendingExit('timeStop');
      case 'timeStop':
        return sendExit('timeStop');
      case 'exitDeadline':
        return exitTimeout();
      case 'cooldownEnd':
        if (resetOk()) setPhase('IDLE');
        return;
    }
  }

  /** Fires the phase's due deadlines in order; one that moves the phase ends the round. */
  function deadlines(): void {
    // the wake-up time is the earliest deadline of the phase (syncWake keeps it): nothing is due before it
    if (!(ctx.now >= s.wakeAt)) return;
    const before = phase;
    const list = PHASE_DEADLINES[before];
    for (let i = 0; i < list.length; i++) {
      due(list[i]);
      const at = s.dueAt;
      if (at !== at || ctx.now < at) continue;
      fire(list[i]);
      if (phase !== before) return;
    }
  }

  /** Keeps the one wake-up timer at the earliest deadline of the phase (ticks fire it when no message comes first). */
  function syncWake(): void {
    if (version === synced) return;
    synced = version;
    const list = PHASE_DEADLINES[phase];
    let next = NaN;
    for (let i = 0; i < list.length; i++) {
      due(list[i]);
      const d = s.dueAt;
      if (d === d && (next !== next || d < next)) next = d;
    }
    if (next === s.wakeAt || (next !== next && s.wakeAt !== s.wakeAt)) return;
    s.wakeAt = next;
    if (next !== next) ctx.clearTimer(WAKE);
    else ctx.setTimer(WAKE, next - ctx.now);
  }

  // ---- transitions ---------------------------------------------------------------------------------------------------

  /** IDLE + SIGNAL_ENTER: debounce confirmed, gates ok, edge > cost, the risk gate ok → entry. */
  function tryEnter(): void {
    const x = s.lastX;
    const dir = confirmedSide(debounce, cfg.entry, ctx.now);
    if (dir === null || x !== x) return;
    const gate = checkGates(cfg.gates, m, m.healthy, ctx.now);
    if (gate) {
      // which bound: the advice for a clock behind the exchange's is the lower one (src/strategy/explain.ts)
      if (gate === 'feedLatency' && m.feedLatencyNs < cfg.gates.minFeedLatencyNs) ctx.count('gate.feedLatencyLow');
      return ctx.count(GATE_COUNTER[gate]);
    }
    if (!hurdleOk(cfg, fees, m, x, dir)) return ctx.count('hurdle');
    const terms = entryOrder(cfg.entry, m, dir);
    const oid = ctx.place({
      side: dir === 'long' ? 'buy' : 'sell',
      sizeLot: cfg.entry.qtyLot,
      priceTick: terms.priceTick,
      timeInForce: terms.timeInForce,
      tag: 'entry',
    });
    if (oid === null) return; // refused by the risk gate (counted as risk.denied, logged)
    entryDir = dir;
    pendingExit = null;
    exitReason = null;
    s.exitRetries = 0;
    entry = ctx.order(oid);
    s.entryWorkUntil = NaN;
    setPhase('ENTRY_PENDING');
  }

  /** ENTRY_PENDING + message: abandon the entry when the signal decays to θ_out; arm exits on a partial fill. */
  function entrySignal(): void {
    const x = s.lastX;
    // the pure test first: most messages do not decay the entry, and the order lookup hashes its clientOid
    if (entryDir && signalDecayed(entryDir, x, cfg.exit.threshold)) {
      if (live(entry) && entry!.state !== 'cancelling') {
        ctx.count('entry.decayed');
        ctx.cancel(entry!.clientOid);
        version++;
      }
    }
    if (pos.lot !== 0 && pendingExit === null) {
      const reason = priceExit(cfg.exit, pos, marks, m);
      if (reason) armPendingExit(reason);
    }
  }

  /** IN_POSITION + message: stop-loss, take-profit, trailing, then reversal or hysteresis exit. */
  function positionSignal(): void {
    const x = s.lastX;
    const reason = priceExit(cfg.exit, pos, marks, m) ?? signalExit(cfg, pos.lot > 0, x, confirmedSide(debounce, cfg.entry, ctx.now));
    if (reason) sendExit(reason);
  }

  /** An exit fired on the filled part of a working entry: cancel the entry, exit when it is done. */
  function armPendingExit(reason: ExitReason): void {
    pendingExit = reason;
    version++;
    if (live(entry)) ctx.cancel(entry!.clientOid);
  }

  /** The entry order is over (filled, cancelled, rejected): COOLDOWN when flat, else exits armed. */
  function finishEntry(): void {
    if (pos.lot === 0) return startCooldown(null);
    if (pendingExit) return sendExit(pendingExit);
    setPhase('IN_POSITION');
  }

  function sendExit(reason: ExitReason): void {
    exitReason = reason;
    pendingExit = null;
    s.exitRetries = 0;
    ctx.count(`exit.${reason}`);
    placeExit(0);
    setPhase('EXIT_PENDING');
  }

  /** A reduce-only exit for the whole position, priced per the escalation ladder for `attempt`; tagged with its reason. */
  function placeExit(attempt: number): void {
    const long = pos.lot > 0;
    const reason = exitReason ?? 'signal';
    touch.bidTick = s.touchBid;
    touch.askTick = s.touchAsk;
    const terms = exitOrder(cfg.exit, reason, attempt, long, s.touchBid === s.touchBid ? touch : null);
    const oid = ctx.place({
      side: long ? 'sell' : 'buy',
      type: terms.type,
      ...(terms.type === 'limit' ? { priceTick: terms.priceTick, timeInForce: 'ioc' as const } : {}),
      sizeLot: Math.abs(pos.lot),
      reduceOnly: true,
      tag: reason,
    });
    exit = oid === null ? null : ctx.order(oid);
    s.exitDeadline = ctx.now + cfg.exit.timeoutNs;
    exitTimedOut = false;
    version++;
  }

  /** The exit order is over. Flat → COOLDOWN; filled but not flat (late entry fills) → exit the rest; else retry/halt. */
  function exitDone(oid: string, filled: boolean): void {
    if (pos.lot === 0) return closeTrade(exitReason);
    if (filled) return placeExit(s.exitRetries);
    const R = cfg.exit.maxRetries;
    if (s.exitRetries >= R) return ctx.halt(`exit failed: ${oid} not done after ${R} retries, position ${pos.lot}`, false);
    s.exitRetries += 1;
    ctx.count('exit.retry');
    placeExit(s.exitRetries);
  }

  /** EXIT_PENDING past the deadline: retries left → cancel, re-send when the cancel resolves; none left → halt. */
  function exitTimeout(): void {
    const R = cfg.exit.maxRetries;
    ctx.count('exit.timeout');
    if (s.exitRetries >= R) return ctx.halt(`exit failed: ${exit!.clientOid} timed out after ${R} retries, position ${pos.lot}`, false);
    exitTimedOut = true;
    version++;
    ctx.cancel(exit!.clientOid);
  }

  /** Flat again: the runtime books the round trip (named after the closing order's tag); cooldown from here. */
  function closeTrade(reason: ExitReason | null): void {
    marks.entryNs = null;
    marks.bestTick = null;
    version++;
    startCooldown(reason);
  }

  /** A position just opened (or flipped): time stop and trailing stop run from here. */
  function openTrade(): void {
    marks.entryNs = ctx.now;
    marks.bestTick = null;
    entryDir = pos.lot > 0 ? 'long' : 'short';
    version++;
  }

  function startCooldown(reason: ExitReason | null): void {
    s.cooldownUntil = ctx.now + cooldownNs(cfg.cooldown, reason);
    setPhase('COOLDOWN');
  }

  /** θ_reset: leave COOLDOWN only once the signal has come back inside ±θ_reset. */
  function resetOk(): boolean {
    const th = cfg.cooldown.resetThreshold;
    if (th === null) return true;
    return Math.abs(s.lastX) < th; // false without a value (NaN)
  }

  function frozen(): void {
    resetDebounce(debounce);
    pendingExit = null;
  }

  // ---- handlers ------------------------------------------------------------------------------------------------------

  return {
    onBook(mk: Market): void {
      const book = mk.book;
      const valid = book.valid;
      let x = NaN;
      if (valid) {
        if (!(mk.localNs < s.touchNs)) {
          s.touchNs = mk.localNs;
          s.touchBid = book.bestBidTick;
          s.touchAsk = book.bestAskTick;
        }
        // signalValue written out: a call that is not inlined returns x as a new heap number on every message
        const sg = mk.signals;
        const v = source === L1 ? sg.l1 : source === OBI_N ? sg.obiN : source === OFI_NORM ? sg.ofiNorm : sg.zReady ? sg.z : NaN;
        x = v - v === 0 ? v : NaN; // finite
      }
      s.lastX = x;
      // Signals are frozen while reconciling: a debounce run never spans a disconnect.
      if (phase !== 'RECONCILE') updateDebounce(debounce, x, cfg.entry.threshold, ctx.now);
      if (pos.lot !== 0) updateBest(marks, pos.lot > 0, mk);
      const before = phase;
      deadlines();
      // At most one transition per event: a deadline that moved the phase (cooldown over) wins this message.
      if (phase === before) {
        // x travels in s.lastX: a double argument to a call that is not inlined is a new heap number each message
        if (phase === 'IDLE') tryEnter();
        else if (phase === 'ENTRY_PENDING') entrySignal();
        else if (phase === 'IN_POSITION') positionSignal();
      }
      syncWake();
    },

    onTimer(id: string): void {
      if (id !== WAKE) return;
      deadlines();
      s.wakeAt = NaN; // the runtime cleared the timer that fired: set it again below if a deadline is left
      version++;
      syncWake();
    },

    onOrder(u: OrderUpdate): void {
      const o = u.order;
      version++; // orders and the position moved
      switch (u.kind) {
        case 'accepted':
          // T_work runs from the ack: the venue has the order from then on.
          if (o === entry && s.entryWorkUntil !== s.entryWorkUntil) s.entryWorkUntil = ctx.now + cfg.entry.workTimeoutNs;
          break;
        case 'rejected':
          if (phase === 'ENTRY_PENDING' && o === entry) {
            if (pos.lot !== 0) finishEntry();
            else if (u.retryable) setPhase('IDLE');
            else startCooldown(null);
          } else if (phase === 'EXIT_PENDING' && o === exit) exitDone(o.clientOid, false);
          break;
        case 'partiallyFilled':
        case 'filled': {
          const before = s.lastLot;
          const after = pos.lot;
          s.lastLot = after;
          if (after !== 0 && (before === 0 || Math.sign(before) !== Math.sign(after))) openTrade();
          switch (phase) {
            case 'IDLE':
            case 'COOLDOWN':
              if (after !== 0) {
                ctx.log(`position ${after} from a fill while ${phase}: exits armed`, 'warn');
                setPhase('IN_POSITION');
              }
              break;
            case 'ENTRY_PENDING':
              if (!live(entry)) finishEntry();
              break;
            case 'IN_POSITION':
              if (after === 0) closeTrade(null);
              break;
            case 'EXIT_PENDING':
              if (after === 0) {
                for (const straggler of m.orders) ctx.cancel(straggler.clientOid);
                closeTrade(exitReason);
              } else if (o === exit && u.kind === 'filled') exitDone(o.clientOid, true);
              break;
            default:
              break;
          }
          break;
        }
        case 'cancelled':
          if (phase === 'ENTRY_PENDING' && o === entry) finishEntry();
          else if (phase === 'EXIT_PENDING' && o === exit) exitDone(o.clientOid, false);
          break;
        default:
          break;
      }
      syncWake();
    },

    onHealth(mk: Market): void {
      // A resyncing book breaks the debounce run: samples on either side of it are not consecutive.
      if (!mk.healthy) resetDebounce(debounce);
    },

    onReconcile(): void {
      frozen();
      setPhase('RECONCILE');
      syncWake();
    },

    onResume(): void {
      if (phase === 'HALTED') {
        resetDebounce(debounce);
        setPhase('IDLE');
      } else if (pos.lot === 0) startCooldown(null);
      else {
        if (marks.entryNs === null) openTrade();
        setPhase('IN_POSITION');
      }
      syncWake();
    },

    onHalt(): void {
      frozen();
      setPhase('HALTED');
      syncWake();
    },

    phase: () => phase,

    /** The strategy's own state, for tests (the runtime never reads it). */
    inspect: () => ({
      phase,
      entryOid: entry?.clientOid ?? null,
      exitOid: exit?.clientOid ?? null,
      entryWorkUntil: s.entryWorkUntil === s.entryWorkUntil ? s.entryWorkUntil : null,
      exitReason,
      pendingExit,
      exitRetries: s.exitRetries,
      entryNs: marks.entryNs,
      cooldownUntil: s.cooldownUntil,
      debounce: { ...debounce },
    }),
  };
}
