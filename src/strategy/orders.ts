// Our own orders as the runtime tracks them: any number per side and instrument, by clientOid, each with at most one
// request in flight (a place until its ack/reject/first fill, a cancel until its cancelAck/cancelReject, an amend
// until amendAck/amendReject). A cancel asked while the place is in flight waits for the answer and goes out then;
// a cancel is never sent twice (ours, or a cancelAll's). The Order a strategy reads is this object.
//
// An order leaves the live set when it ends: rejected, fully filled, or cancelled (our cancel, the venue's cancel of
// an IOC/post-only remainder, a cancelAll, or gone at a reconcile). A fill that arrives later still moves the position:
// positions never depend on order states.
import type { Action, Side, TimeInForce } from './events';
import type { Order } from './api';
import { names, strictReads } from './strict-reads';

export const NONE = 0;
export const PLACE = 1;
export const CANCEL = 2;
export const AMEND = 3;

/**
 * Where an order's queue estimate comes from, shared by the run's orders: the backtest's simulated venue, or live
 * trading's tracker of the public book and trades (src/live/queue-tracker.ts); null when there is none.
 */
export interface QueueSource {
  ahead: ((clientOid: string) => number) | null;
}

/**
 * The Order a strategy reads: getters over the runtime's OwnOrder, which it cannot reach (a private field). The
 * runtime decides on its orders' sizes, sides and states (the position limit counts working orders): a strategy that
 * wrote `order.sizeLot = 0` must change nothing but its own mistake. Made once per order, with it.
 */
export class OrderView implements Order {
  readonly #o: OwnOrder;
  constructor(o: OwnOrder) {
    this.#o = o;
  }
  get clientOid(): string {
    return this.#o.clientOid;
  }
  get symbol(): string {
    return this.#o.symbol;
  }
  get side(): Side {
    return this.#o.side;
  }
  get type(): 'limit' | 'market' {
    return this.#o.type;
  }
  get priceTick(): number {
    return this.#o.priceTick;
  }
  get sizeLot(): number {
    return this.#o.sizeLot;
  }
  get filledLot(): number {
    return this.#o.filledLot;
  }
  get reduceOnly(): boolean {
    return this.#o.reduceOnly;
  }
  get state(): Order['state'] {
    return this.#o.state;
  }
  get tag(): string {
    return this.#o.tag;
  }
  get queueAheadLot(): number {
    return this.#o.queueAheadLot;
  }
}

// `u.order.price`, `o.qty` throw naming the nearest (strict-reads.ts)
strictReads(
  OrderView,
  'order',
  names<Order>({
    clientOid: 1,
    symbol: 1,
    side: 1,
    type: 1,
    priceTick: 1,
    sizeLot: 1,
    filledLot: 1,
    reduceOnly: 1,
    state: 1,
    tag: 1,
    queueAheadLot: 1,
  }),
  'the runtime moves an order with its answers; ctx.amend(order.clientOid, { priceTick, sizeLot }) or ctx.cancel(order.clientOid) asks the venue to change it',
);

export class OwnOrder implements Order {
  /** What the strategy gets for this order (ctx.order, m.orders, OrderUpdate.order). */
  readonly view: OrderView = new OrderView(this);
  state: Order['state'] = 'pending';
  filledLot = 0;
  /** The request awaiting an answer: PLACE, CANCEL, AMEND or NONE. */
  inFlight = PLACE;
  /** When the in-flight request went out (T_ack runs from here), ns since the run's origin. */
  requestNs: number;
  /** A cancel was asked while the place was in flight: it goes out with the answer. */
  cancelWanted = false;
  /** A cancel went out (ours or a cancelAll): never send another. */
  cancelSent = false;
  /** The runtime ended it on its own account (a halt's or a reconcile's cancel-all, gone at a reconcile), not the strategy. */
  byRuntime = false;
  /** Our cancel was rejected (already filled?): waiting for the fill report since then (NaN: not waiting). */
  awaitFillSinceNs = NaN;
  /** Set by the runtime: the run's queue estimates. */
  queue: QueueSource | null = null;
  /** Trade ids of the fills booked (a report seen twice is ignored): the first alone, a set from the second on. */
  private firstTrade: string | null = null;
  private trades: Set<string> | null = null;

  constructor(
    readonly clientOid: string,
    readonly inst: number,
    readonly symbol: string,
    readonly side: Side,
    readonly type: 'limit' | 'market',
    public priceTick: number,
    public sizeLot: number,
    readonly force: TimeInForce,
    readonly reduceOnly: boolean,
    readonly tag: string,
    nowNs: number,
  ) {
    this.requestNs = nowNs;
  }

  /** Lots ahead of this order at its price, as estimated when read; NaN when it is not resting or nothing estimates it. */
  get queueAheadLot(): number {
    const f = this.queue?.ahead;
    return f && this.state === 'working' ? f(this.clientOid) : NaN;
  }

  get live(): boolean {
    return this.state === 'pending' || this.state === 'working' || this.state === 'cancelling';
  }

  /** Remaining size (lots). */
  get remainingLot(): number {
    return this.sizeLot - this.filledLot;
  }

  /** True when a fill with this trade id was booked already; else remembers it. */
  sawTrade(tradeId: string): boolean {
    if (this.firstTrade === null) {
      this.firstTrade = tradeId;
      return false;
    }
    if (this.firstTrade === tradeId || this.trades?.has(tradeId) === true) return true;
    (this.trades ??= new Set()).add(tradeId);
    return false;
  }

  /** The place action for this order (one shape for both types, so the sites reading it stay monomorphic: a market order's priceTick is undefined). */
  placeAction(): Action {
    return {
      type: 'place',
      clientOid: this.clientOid,
      side: this.side,
      orderType: this.type,
      qtyLot: this.sizeLot,
      force: this.force,
      reduceOnly: this.reduceOnly,
      // last, where the venue's order log and the golden digests have always had it (JSON.stringify keeps key order)
      priceTick: this.type === 'limit' ? this.priceTick : undefined,
    };
  }
}

/**
 * Asks for a cancel without ever putting a second request in flight: deferred while the place (or an amend) is
 * unanswered, skipped when a cancel (ours or a cancelAll) already went out. Returns the action to send, or null.
 */
export function requestCancel(o: OwnOrder, nowNs: number): Action | null {
  if (o.cancelSent) return null;
  o.state = 'cancelling';
  if (o.inFlight === PLACE || o.inFlight === AMEND) {
    o.cancelWanted = true;
    return null;
  }
  o.cancelSent = true;
  o.cancelWanted = false;
  o.inFlight = CANCEL;
  o.requestNs = nowNs;
  return { type: 'cancel', clientOid: o.clientOid };
}

/** The place (or amend) was answered (an ack, or a fill, which implies acceptance); a deferred cancel goes out now. */
export function placeAnswered(o: OwnOrder, nowNs: number): Action | null {
  if (o.inFlight === PLACE || o.inFlight === AMEND) o.inFlight = NONE;
  if (o.state === 'pending') o.state = 'working';
  return o.cancelWanted ? requestCancel(o, nowNs) : null;
}

/**
 * After a cancelAll every live order counts as cancelled-on-request: no per-order cancels, no deferred ones.
 * `byRuntime`: the runtime's own cancel-all (a halt, a reconcile), not the strategy's.
 */
export function markCancelled(o: OwnOrder, byRuntime = false): void {
  o.cancelSent = true;
  if (byRuntime) o.byRuntime = true;
  o.cancelWanted = false;
  o.state = 'cancelling';
}
