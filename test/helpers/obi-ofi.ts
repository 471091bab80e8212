// obi-ofi on the runtime, driven event by event as the old machine was: a signal becomes a book message written into
// a slot (the core's signal record layout), a tick a runtime tick, every other event goes to runtime.handle. The
// state adapter reads the runtime (positions, orders, counters, round trips) and obi-ofi's own state with the old
// names, times as ns since the epoch.
import { S, State, Field } from '../../src/core/record';
import { Slots } from '../../src/strategy/views';
import { StrategyRuntime, originOf, type RuntimeInstrument } from '../../src/strategy/runtime';
import { resolveRun } from '../../src/strategy/resolve';
import type { Action, Event, Side } from '../../src/strategy/events';
import type { StrategyDefinition, StrategyHandlers } from '../../src/strategy/api';
import obiOfi, { type Phase } from '../../src/strategy/builtins/obi-ofi/index';
import type { StrategyRun } from '../../src/backtest/run';

/** tick 0.1, lot 0.001: one tick·lot is 0.0001 quote. Taker 6 bps, maker 2 bps (Bitget VIP0). */
export const INST: RuntimeInstrument = { symbol: 'BTCUSDT', tickSize: 0.1, lotSize: 0.001, makerFeeRate: 0.0002, takerFeeRate: 0.0006 };
/** 2023-11-14T22:13:20Z: far from a UTC day boundary for the few simulated minutes a test spans. */
export const T0 = 1_700_000_000n * 1_000_000_000n;
export const MS = 1_000_000n;

/** obi-ofi entering long on book imbalance at once and never exiting by itself: a test looks at one entry. */
export const ENTER_AND_HOLD = [
  'signal.source=obiN',
  'entry.threshold=0.4',
  'entry.confirmCount=1',
  'hurdle.enabled=false',
  'exit.threshold=-0.39',
  'exit.takeProfitTicks=null',
  'exit.stopLossTicks=null',
  'exit.timeStopNs=null',
  'entry.workTimeoutNs=60s',
  'orders.ackTimeoutNs=60s',
];

/** A book message as the old machine's signal event described it. */
export interface Signal {
  type: 'signal';
  localTs: bigint;
  exchTs: bigint;
  valid: boolean;
  bestBid: number;
  bestAsk: number;
  bidQty: number;
  askQty: number;
  l1: number;
  obiN: number;
  ofiNorm: number;
  z: number;
  zReady: boolean;
  feedLatencyNs?: number;
}
export type HarnessEvent = Event | Signal | { type: 'tick'; nowNs: bigint };

/** A book message at `localTs` on a quiet valid book: 1000/1001, 5 lots a side, flat signals, z ready, 10 ms feed latency. */
export function signalAt(localTs: bigint, f: Partial<Signal> = {}): Signal {
  return {
    type: 'signal',
    localTs,
    exchTs: localTs - 10n * MS,
    valid: true,
    bestBid: 1000,
    bestAsk: 1001,
    bidQty: 5,
    askQty: 5,
    l1: 0,
    obiN: 0,
    ofiNorm: 0,
    z: 0,
    zReady: true,
    ...f,
  };
}

interface ObiOfiState {
  phase: Phase;
  entryOid: string | null;
  exitOid: string | null;
  entryWorkUntil: number | null;
  exitReason: string | null;
  pendingExit: string | null;
  exitRetries: number;
  entryNs: number | null;
  cooldownUntil: number;
}

/** Writes a book message into slot 0 of `slots` (the signal record layout the core writes). */
export function writeSignal(slots: Slots, base: number, s: Omit<Signal, 'type'>): void {
  const big = new BigInt64Array(slots.buffer);
  slots.u8.fill(0, base, base + slots.stride);
  slots.u8[base + S.kind] = 16;
  slots.u8[base + S.state] = (s.valid ? State.valid : 0) | (s.zReady ? State.zReady : 0);
  big[(base + S.localTs) / 8] = s.localTs;
  big[(base + S.exchTs) / 8] = s.exchTs;
  big[(base + S.bestBid) / 8] = BigInt(s.bestBid);
  big[(base + S.bestAsk) / 8] = BigInt(s.bestAsk);
  big[(base + S.bidQty) / 8] = BigInt(s.bidQty);
  big[(base + S.askQty) / 8] = BigInt(s.askQty);
  const f = (base + S.fields) / 8;
  slots.f64[f + Field.l1] = s.l1;
  slots.f64[f + Field.obiN] = s.obiN;
  slots.f64[f + Field.ofiNorm] = s.ofiNorm;
  slots.f64[f + Field.z] = s.z;
}

export class ObiOfiHarness {
  readonly rt: StrategyRuntime;
  readonly origin: bigint;
  private readonly slots = new Slots(1, 0);
  private h: StrategyHandlers & { inspect?: () => ObiOfiState } = {};

  constructor(
    o: {
      sets?: string[];
      base?: unknown;
      idTag?: string;
      instrument?: RuntimeInstrument;
      definition?: StrategyDefinition;
      seed?: number;
      describeError?(err: unknown): string;
      handlerCell?: Int32Array;
    } = {},
  ) {
    const def = (o.definition ?? obiOfi) as StrategyDefinition;
    const run = resolveRun(def, o.base === undefined ? [] : [o.base], o.sets ?? []);
    this.origin = originOf(T0);
    this.rt = new StrategyRuntime({
      definition: { ...def, create: (ctx) => (this.h = def.create(ctx)) },
      params: run.params,
      settings: run.settings,
      instruments: [o.instrument ?? INST],
      originNs: this.origin,
      idTag: o.idTag ?? 't',
      slots: this.slots,
      seed: o.seed,
      describeError: o.describeError,
      handlerCell: o.handlerCell,
    });
  }

  /** ns since the epoch → the runtime's clock. */
  rel(ns: bigint): number {
    return Number(ns - this.origin);
  }
  abs(rel: number | null): bigint | null {
    return rel === null ? null : this.origin + BigInt(rel);
  }

  handle(ev: HarnessEvent): Action[] {
    if (ev.type === 'signal') {
      writeSignal(this.slots, 0, ev);
      return this.rt.book(0, 0);
    }
    if (ev.type === 'tick') return this.rt.tick(this.rel(ev.nowNs));
    return this.rt.handle(ev);
  }

  get phase(): Phase {
    return this.rt.phase as Phase;
  }

  inspect(): ObiOfiState {
    return this.h.inspect!();
  }

  /** The old machine's state names over the runtime and the strategy. */
  get state() {
    const rt = this.rt;
    const s = this.inspect();
    const trips = rt.roundTrips;
    const last = trips.length ? trips[trips.length - 1] : null;
    const entry = s.entryOid === null ? null : rt.ownOrder(s.entryOid);
    return {
      counters: rt.counters,
      position: rt.position(0),
      trades: trips.length,
      lastTrade: last && { realisedTickLot: last.realisedTickLot, feesQuote: last.feesQuote, reason: last.reason },
      cooldownUntilNs: this.abs(s.cooldownUntil),
      venueMismatch: rt.venueMismatch,
      trade: {
        exitReason: s.exitReason,
        pendingExit: s.pendingExit,
        exitRetries: s.exitRetries,
        entryNs: this.abs(s.entryNs),
        entryOid: s.entryOid,
        exitOid: s.exitOid,
      },
      orders: {
        size: rt.liveOrderCount,
        get: (oid: string) => {
          const o = rt.ownOrder(oid);
          if (o === null || !(o.state === 'pending' || o.state === 'working' || o.state === 'cancelling')) return undefined;
          return { ...o, cancelWanted: o.cancelWanted, workUntilNs: o === entry ? this.abs(s.entryWorkUntil) : null };
        },
      },
    };
  }
}

/** A fill event with defaults. */
export function fillEvent(
  clientOid: string,
  side: Side,
  priceTick: number,
  qtyLot: number,
  remainingLot: number,
  feeQuote = 0,
  tradeId = 'tr',
): Event {
  return { type: 'fill', clientOid, tradeId, side, priceTick, qtyLot, feeQuote, maker: false, remainingLot };
}

/** obi-ofi as a backtest's strategy run, with `sets` over its defaults (and `base`, a config object, under them). */
export function obiOfiRun(sets: readonly string[] = [], base?: unknown, idTag?: string): StrategyRun {
  const def = obiOfi as StrategyDefinition;
  const run = resolveRun(def, base === undefined ? [] : [base], sets);
  return { definition: def, params: run.params, settings: run.settings, ...(idTag ? { idTag } : {}) };
}
