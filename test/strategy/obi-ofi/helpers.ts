// Test driver for obi-ofi on the runtime: a clock in ms from T0, event builders with defaults that pass every gate,
// an action summariser ("place buy limit ioc 1001x1", "cancel rb-t-1", "cancelAll") and scenario builders that walk
// the strategy into each §3.3 state through real events (never by poking its state).
import type { Action, Event, Side } from '../../../src/strategy/events';
import type { Phase } from '../../../src/strategy/builtins/obi-ofi/index';
import { ObiOfiHarness, INST, T0, MS, signalAt, type Signal } from '../../helpers/obi-ofi';

export { INST, T0, MS };

export type SignalFields = Partial<Omit<Signal, 'type'>>;

/** Renders an action compactly. */
export function show(a: Action): string {
  switch (a.type) {
    case 'place': {
      const px = a.priceTick === undefined ? '' : String(a.priceTick);
      return `place ${a.side} ${a.orderType} ${a.force} ${px}x${a.qtyLot}${a.reduceOnly ? ' ro' : ''}`;
    }
    case 'cancel':
      return `cancel ${a.clientOid}`;
    default:
      return a.type;
  }
}

/** The runtime with obi-ofi plus a clock: every builder sends at the current time `ms` (ms after T0). */
export class Driver {
  readonly m: ObiOfiHarness;
  ms = 0;
  raw: Action[] = [];
  private trade = 0;
  private logMark = 0;

  constructor(overrides: string[] = [], base: unknown = {}) {
    this.m = new ObiOfiHarness({ sets: overrides, base });
  }

  get phase(): Phase {
    return this.m.phase;
  }

  get state() {
    return this.m.state;
  }

  get now(): bigint {
    return T0 + BigInt(this.ms) * MS;
  }

  /** Sends one event; returns its actions, summarised. */
  send(ev: Event | Signal | { type: 'tick'; nowNs: bigint }): string[] {
    this.logMark = this.m.rt.logCount;
    this.raw = this.m.handle(ev);
    return this.raw.map(show);
  }

  /** Log lines the last event wrote. */
  logs(level?: string): string[] {
    const all = this.m.rt.logs;
    const n = this.m.rt.logCount - this.logMark;
    return all
      .slice(Math.max(0, all.length - n))
      .filter((l) => !level || l.level === level)
      .map((l) => l.message);
  }

  /** A signal at now + dt ms; defaults: valid book 1000/1001, z 0 (ready), ofiNorm 5, latency 10 ms. */
  sig(f: SignalFields = {}, dt = 10): string[] {
    this.ms += dt;
    const localTs = f.localTs ?? this.now;
    const feedLatencyNs = f.feedLatencyNs ?? 10_000_000;
    return this.send({ ...signalAt(localTs, { exchTs: localTs - BigInt(feedLatencyNs), ofiNorm: 5, ...f }), feedLatencyNs });
  }

  tick(dt: number): string[] {
    this.ms += dt;
    return this.send({ type: 'tick', nowNs: this.now });
  }

  ack(oid: string): string[] {
    return this.send({ type: 'ack', clientOid: oid, orderId: `x${oid}` });
  }

  fill(oid: string, side: Side, priceTick: number, qtyLot: number, remainingLot: number, feeQuote = 0, tradeId?: string): string[] {
    return this.send({
      type: 'fill',
      clientOid: oid,
      tradeId: tradeId ?? `tr${++this.trade}`,
      side,
      priceTick,
      qtyLot,
      feeQuote,
      maker: false,
      remainingLot,
    });
  }

  cancelAck(oid: string): string[] {
    return this.send({ type: 'cancelAck', clientOid: oid });
  }

  cancelReject(oid: string): string[] {
    return this.send({ type: 'cancelReject', clientOid: oid, code: '43001', message: 'order already filled' });
  }

  reject(oid: string, retryable = false, code = '40762'): string[] {
    return this.send({ type: 'reject', clientOid: oid, code, message: 'rejected', retryable });
  }

  resynced(
    positionLot: number,
    openOrders: Array<{ clientOid: string; side?: Side; priceTick?: number; remainingLot?: number }> = [],
  ): string[] {
    return this.send({
      type: 'resynced',
      positionLot,
      openOrders: openOrders.map((o) => ({ side: 'buy', priceTick: 1000, remainingLot: 1, ...o })),
    });
  }

  health(ok: boolean, clockOffsetNs?: number): string[] {
    return this.send({ type: 'marketHealth', ok, reason: ok ? 'ok' : 'resync', ...(clockOffsetNs === undefined ? {} : { clockOffsetNs }) });
  }
}

// ---- scenario builders: each returns a driver in the named state, with the order ids it used -----------------------

/** confirmCount 1 so one signal beyond θ_in enters; everything else at defaults unless overridden. */
export const BASE = ['entry.confirmCount=1'];

export function idle(overrides: string[] = []): Driver {
  const d = new Driver([...BASE, ...overrides]);
  d.sig({ z: 0 });
  return d;
}

/** ENTRY_PENDING with a long entry rb-t-1 sent (not acked). */
export function entryPending(overrides: string[] = []): Driver {
  const d = idle(overrides);
  d.sig({ z: 3 });
  return d;
}

/** ENTRY_PENDING, entry rb-t-1 acked (T_work running). */
export function entryWorking(overrides: string[] = []): Driver {
  const d = entryPending(overrides);
  d.ack('rb-t-1');
  return d;
}

/** IN_POSITION long `qty` lots bought at 1001 (entry rb-t-1). */
export function inPosition(overrides: string[] = [], qty = 1): Driver {
  const d = entryWorking([`entry.qtyLot=${qty}`, ...overrides]);
  d.fill('rb-t-1', 'buy', 1001, qty, 0);
  return d;
}

/** EXIT_PENDING after a signal exit: exit rb-t-2 (IOC sell at the bid) sent, not acked. */
export function exitPending(overrides: string[] = [], qty = 1): Driver {
  const d = inPosition(overrides, qty);
  d.sig({ z: 3 }); // still beyond θ_out: hold
  d.sig({ z: 0 }); // hysteresis exit
  return d;
}

/** COOLDOWN after a signal-exit round trip (bought 1001, sold 1000). */
export function cooldown(overrides: string[] = []): Driver {
  const d = exitPending(overrides);
  d.ack('rb-t-2');
  d.fill('rb-t-2', 'sell', 1000, 1, 0);
  return d;
}

/** RECONCILE after a disconnect while IDLE. */
export function reconcile(overrides: string[] = []): Driver {
  const d = idle(overrides);
  d.send({ type: 'disconnect', reason: 'test' });
  return d;
}

/** HALTED by the kill switch while IDLE (flat, healthy data). */
export function halted(overrides: string[] = []): Driver {
  const d = idle(overrides);
  d.send({ type: 'killSwitch', flatten: false });
  return d;
}
