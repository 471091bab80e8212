// The machine's own working orders and the one request each may have in flight (§3.3: "at most one request in
// flight per order"; §3.4: SUBMITTED and PENDING_CANCEL are the in-flight states). WHEN TO USE: the machine is the
// only caller; these helpers keep the bookkeeping rules in one place and never decide strategy.
//
// An order leaves the map when it is terminal: rejected, fully filled, or cancelled (our cancel, or the venue's
// cancel of an IOC/post-only remainder, both reported as cancelAck). A fill that arrives later still moves the
// position — the position never depends on this map.

import type { Action, Side, TimeInForce } from './events';

export type OrderRole = 'entry' | 'exit';

export interface OwnOrder {
  clientOid: string;
  role: OrderRole;
  side: Side;
  orderType: 'limit' | 'market';
  force: TimeInForce;
  priceTick?: number;
  qtyLot: number;
  filledLot: number;
  /** The request awaiting an answer: the place (until ack/reject/fill) or our cancel (until cancelAck/cancelReject). */
  inFlight: 'place' | 'cancel' | null;
  /** When the in-flight request went out (T_ack runs from here). */
  requestNs: bigint;
  acked: boolean;
  /** Entry: T_work deadline, set on ack. */
  workUntilNs: bigint | null;
  /** Exit: must be done by then, else it counts as failed (set when sent). */
  deadlineNs: bigint | null;
  /** The deadline passed and a cancel was asked for: the order already counts as failed. */
  timedOut: boolean;
  /** A cancel was wanted while the place was still in flight; it goes out on the ack (one request at a time). */
  cancelWanted: boolean;
  /** A cancel went out (ours or a cancelAll): never send another for this order. */
  cancelSent: boolean;
  /** Our cancel was rejected (already filled?): waiting for the fill report since then, bounded by T_ack. */
  awaitFillSinceNs: bigint | null;
}

export type OrderBook = Map<string, OwnOrder>;

/** What an order is, as decided by the strategy (the rest of OwnOrder is bookkeeping). */
export type OrderTerms = Pick<OwnOrder, 'role' | 'side' | 'orderType' | 'force' | 'priceTick' | 'qtyLot'>;

export function newOrder(o: OrderTerms & { clientOid: string }, nowNs: bigint, deadlineNs: bigint | null): OwnOrder {
  // Spelled out (no spread, no delete): one object shape for every order keeps the hot paths monomorphic.
  const out: OwnOrder = {
    clientOid: o.clientOid,
    role: o.role,
    side: o.side,
    orderType: o.orderType,
    force: o.force,
    qtyLot: o.qtyLot,
    filledLot: 0,
    inFlight: 'place',
    requestNs: nowNs,
    acked: false,
    workUntilNs: null,
    deadlineNs,
    timedOut: false,
    cancelWanted: false,
    cancelSent: false,
    awaitFillSinceNs: null,
  };
  if (o.priceTick !== undefined) out.priceTick = o.priceTick;
  return out;
}

/** The place action for an order just created. */
export function placeAction(o: OwnOrder, reduceOnly: boolean): Action {
  const a: Action = {
    type: 'place',
    clientOid: o.clientOid,
    side: o.side,
    orderType: o.orderType,
    qtyLot: o.qtyLot,
    force: o.force,
    reduceOnly,
  };
  if (o.priceTick !== undefined) a.priceTick = o.priceTick;
  return a;
}

/**
 * Asks for a cancel without ever putting a second request in flight: deferred while the place is unanswered,
 * skipped when a cancel (ours or a cancelAll) already went out.
 */
export function requestCancel(o: OwnOrder, nowNs: bigint, out: Action[]): void {
  if (o.cancelSent) return;
  if (o.inFlight === 'place') {
    o.cancelWanted = true;
    return;
  }
  o.cancelSent = true;
  o.cancelWanted = false;
  o.inFlight = 'cancel';
  o.requestNs = nowNs;
  out.push({ type: 'cancel', clientOid: o.clientOid });
}

/** The place was answered (ack, or a fill, which implies acceptance); a deferred cancel goes out now. */
export function placeAnswered(o: OwnOrder, nowNs: bigint, out: Action[]): void {
  if (o.inFlight === 'place') o.inFlight = null;
  o.acked = true;
  if (o.cancelWanted) requestCancel(o, nowNs, out);
}

/** After a cancelAll every live order counts as cancelled-on-request: no per-order cancels, no deferred ones. */
export function markAllCancelled(book: OrderBook): void {
  for (const o of book.values()) {
    o.cancelSent = true;
    o.cancelWanted = false;
  }
}

/** True if any live order has a request in flight or an unanswered cancel reject older than `ackTimeoutNs`. */
export function ackOverdue(book: OrderBook, nowNs: bigint, ackTimeoutNs: bigint): OwnOrder | null {
  for (const o of book.values()) {
    if (o.inFlight !== null && nowNs - o.requestNs >= ackTimeoutNs) return o;
    if (o.awaitFillSinceNs !== null && nowNs - o.awaitFillSinceNs >= ackTimeoutNs) return o;
  }
  return null;
}
