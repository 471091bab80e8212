// What the gateway knows about each order, and the one place FSM order events are emitted — so REST answers and
// the two private channels, which report the same facts in any order, turn into exactly one `ack`, one `fill`
// per trade and one `cancelAck` per order. WHEN TO USE: owned by BitgetGateway; REST results and private pushes
// both go through it.
//
// Rules:
// - `ack` once per order, from the REST answer or the first push that shows the order on the book; an order seen
//   filling or cancelled before its ack gets the ack first (so the FSM never sees a fill for an unacked order).
// - `fill` once per (order, tradeId), whichever channel reports it first (orders push or fill channel). A fill
//   channel row for an order not yet known by orderId waits until the orderId is learned.
// - `remainingLot` = size − max(lots we emitted, the venue's cumulative filled size).
// - `cancelAck` once, from the REST cancel answer or a `canceled` push. Fills can still follow it (a push for a
//   trade that happened before the cancel may arrive after the REST answer); they are emitted, never dropped.
// - Pushes for orders the gateway never placed nor saw in a reconcile are ignored (other strategies, the web UI).
// - `amendAck` once per amendment, from the REST answer or the first push of the order under its new venue clientOid
//   (Bitget's modify-order trades the order on under a new clientOid, and as documented cancels it and places a new
//   one: the old order's `canceled` push is part of the amendment, not a cancel). The strategy keeps its clientOid;
//   `venueOid` is the one the venue knows now.
import type { Event, Side } from '../strategy/events';
import type { FillUpdate, OrderUpdate, PendingOrder, TradeUpdate } from './parse';

export type OrderState = 'sending' | 'open' | 'filled' | 'canceled' | 'rejected' | 'unknown' | 'gone';

export interface TrackedOrder {
  clientOid: string;
  orderId: string;
  side: Side;
  sizeLot: number;
  priceTick: number;
  filledLot: number;
  state: OrderState;
  acked: boolean;
  cancelAcked: boolean;
  /** Created by the gateway itself (flatten), not by the FSM. */
  internal: boolean;
  /** The clientOid the venue knows the order by: `clientOid` until an amendment gives it a new one. */
  venueOid: string;
  /** Venue clientOids the order had before its amendments (their late pushes belong to it). */
  oldVenueOids: string[];
  /** An amendment sent and not yet answered. */
  amend?: PendingAmend;
}

interface PendingAmend {
  venueOid: string;
  priceTick: number;
  sizeLot: number;
  /** A `canceled` push of the order under its previous venue clientOid arrived while the amendment was open. */
  cancelSeen: boolean;
  /** The request's outcome is unknown (timeout, 5xx): a reconcile decides by the clientOid the venue lists. */
  unknown: boolean;
}

const TERMINAL: ReadonlySet<OrderState> = new Set(['filled', 'canceled', 'rejected', 'gone']);

export interface TrackerOptions {
  emit(e: Event): void;
  log?(level: 'info' | 'warn' | 'error', line: string): void;
  /** Terminal orders kept for late pushes (default 10 000). */
  keepTerminal?: number;
  /** Trade ids remembered for de-duplication (default 100 000). */
  keepTrades?: number;
  /** Fill-channel rows waiting for their orderId to be learned (default 1 000). */
  keepOrphanFills?: number;
}

export class OrderTracker {
  readonly stats = { acks: 0, fills: 0, duplicateFills: 0, cancelAcks: 0, ignoredPushes: 0, orphanFills: 0, amendAcks: 0 };
  private readonly byClientOid = new Map<string, TrackedOrder>();
  /** Venue clientOids given by amendments (current and earlier ones) → the order. */
  private readonly byVenueOid = new Map<string, TrackedOrder>();
  private readonly byOrderId = new Map<string, TrackedOrder>();
  private readonly seenTrades = new Set<string>();
  private readonly orphanFills = new Map<string, FillUpdate[]>();
  private orphanCount = 0;
  private readonly terminalOrder: string[] = [];
  private readonly retired = new WeakSet<TrackedOrder>();
  private readonly o: Required<Omit<TrackerOptions, 'log'>> & TrackerOptions;

  constructor(opts: TrackerOptions) {
    this.o = { keepTerminal: 10_000, keepTrades: 100_000, keepOrphanFills: 1_000, ...opts };
  }

  get(clientOid: string): TrackedOrder | undefined {
    return this.byClientOid.get(clientOid);
  }

  /** The order a venue row names: by our clientOid, a venue clientOid an amendment gave it, or its orderId. */
  find(ids: { clientOid?: string; orderId?: string }): TrackedOrder | undefined {
    return (
      (ids.clientOid && (this.byClientOid.get(ids.clientOid) ?? this.byVenueOid.get(ids.clientOid))) ||
      (ids.orderId ? this.byOrderId.get(ids.orderId) : undefined)
    );
  }

  /** Our clientOid for a venue clientOid (the same unless an amendment renamed the order at the venue). */
  strategyOid(venueOid: string): string | undefined {
    return this.byVenueOid.get(venueOid)?.clientOid;
  }

  /** An amendment is about to be sent: the order will trade on under `venueOid`, at `priceTick` for `sizeLot`. */
  amending(clientOid: string, venueOid: string, priceTick: number, sizeLot: number): void {
    const t = this.byClientOid.get(clientOid);
    if (!t) return;
    t.amend = { venueOid, priceTick, sizeLot, cancelSeen: false, unknown: false };
    this.byVenueOid.set(venueOid, t);
  }

  /** REST modify-order succeeded. */
  amendAccepted(clientOid: string): void {
    const t = this.byClientOid.get(clientOid);
    if (t?.amend) this.amended(t);
  }

  /** The modify-order outcome is unknown: a push under the new venue clientOid or the next reconcile decides. */
  amendUnknown(clientOid: string): void {
    const t = this.byClientOid.get(clientOid);
    if (t?.amend) t.amend.unknown = true;
  }

  /** REST modify-order failed for good: the order stands as it was (or was really cancelled meanwhile). */
  amendRejected(clientOid: string, code: string, message: string): void {
    const t = this.byClientOid.get(clientOid);
    if (!t?.amend) return;
    const { cancelSeen, venueOid } = t.amend;
    t.amend = undefined;
    this.byVenueOid.delete(venueOid);
    const e: Extract<Event, { type: 'amendReject' }> = { type: 'amendReject', clientOid, code, message };
    this.o.emit(e);
    if (cancelSeen) this.cancelled(t);
  }

  /** Orders not known to be finished (sending, open, unknown). */
  openOrders(): TrackedOrder[] {
    return [...this.byClientOid.values()].filter((t) => !TERMINAL.has(t.state));
  }

  isTerminal(t: TrackedOrder): boolean {
    return TERMINAL.has(t.state);
  }

  /** A place request is about to be sent. */
  placing(clientOid: string, side: Side, sizeLot: number, priceTick: number, internal = false): TrackedOrder {
    const t: TrackedOrder = {
      clientOid,
      orderId: '',
      side,
      sizeLot,
      priceTick,
      filledLot: 0,
      state: 'sending',
      acked: false,
      cancelAcked: false,
      internal,
      venueOid: clientOid,
      oldVenueOids: [],
    };
    this.byClientOid.set(clientOid, t);
    return t;
  }

  /** REST place-order succeeded. `orderId` may be empty (one-way reduce-only quirk, §5.5). */
  placeAccepted(clientOid: string, orderId: string): void {
    const t = this.byClientOid.get(clientOid);
    if (!t) return;
    if (orderId) this.learnOrderId(t, orderId);
    if (t.state === 'sending' || t.state === 'unknown') t.state = 'open';
    this.ack(t);
  }

  /** REST place-order failed for good. Ignored (logged) when a push already showed the order on the book. */
  placeRejected(clientOid: string, event: Event): void {
    const t = this.byClientOid.get(clientOid);
    if (t?.acked) {
      this.o.log?.('warn', `place ${clientOid} answered ${JSON.stringify(event)} after the venue showed it live; keeping the ack`);
      return;
    }
    if (t) {
      t.state = 'rejected';
      this.retire(t);
    }
    this.o.emit(event);
  }

  /** The place outcome is unknown (timeout, 5xx): the next push or reconcile decides. */
  placeUnknown(clientOid: string): void {
    const t = this.byClientOid.get(clientOid);
    if (t && t.state === 'sending') t.state = 'unknown';
  }

  /** REST cancel succeeded. */
  cancelAccepted(clientOid: string, orderId?: string): void {
    const t = this.byClientOid.get(clientOid);
    if (!t) {
      this.o.emit({ type: 'cancelAck', clientOid });
      return;
    }
    if (orderId) this.learnOrderId(t, orderId);
    this.cancelled(t);
  }

  /** An `orders` push row. */
  onOrderPush(u: OrderUpdate): void {
    const t = this.find(u);
    if (!t) {
      this.stats.ignoredPushes++;
      return;
    }
    const old = u.clientOid !== '' && t.oldVenueOids.includes(u.clientOid);
    if (u.status === 'canceled' && (old || (t.amend && u.clientOid === t.venueOid && u.clientOid !== t.amend.venueOid))) {
      // The order under its previous venue clientOid, cancelled by the amendment (or, while it is unanswered,
      // perhaps by something else: the answer decides)
      if (t.amend && !old) t.amend.cancelSeen = true;
      return;
    }
    if (t.amend && u.clientOid === t.amend.venueOid) this.amended(t);
    if (u.orderId && !old) this.learnOrderId(t, u.orderId);
    if (!t.sizeLot) t.sizeLot = u.sizeLot;
    if (t.state === 'sending' || t.state === 'unknown' || t.state === 'gone') t.state = 'open';
    this.ack(t);
    if (u.trade) this.fill(t, u.trade, u.accFilledLot);
    else if (u.accFilledLot > t.filledLot) t.filledLot = u.accFilledLot;
    if (u.status === 'filled') {
      t.state = 'filled';
      this.retire(t);
    } else if (u.status === 'canceled') {
      this.cancelled(t);
    }
  }

  /** A `fill` channel row. */
  onFillPush(f: FillUpdate): void {
    const t = this.find(f);
    if (!t) {
      // Our own orders are registered by clientOid before the request goes out: a row naming an unknown clientOid
      // is someone else's. Without a clientOid it waits for its orderId (REST answer or orders push).
      if (f.clientOid) this.stats.ignoredPushes++;
      else this.parkOrphan(f);
      return;
    }
    if (f.orderId && !(f.clientOid && t.oldVenueOids.includes(f.clientOid))) this.learnOrderId(t, f.orderId);
    if (t.state === 'sending' || t.state === 'unknown' || t.state === 'gone') t.state = 'open';
    this.ack(t);
    this.fill(t, f, 0);
  }

  /**
   * The venue's truth from a reconcile: adopts open orders it lists (acked, sizes and fills from the venue) and
   * marks every other unfinished order `gone` (filled or cancelled while we could not see; the position tells).
   */
  resync(pending: PendingOrder[], clientOidFor: (p: PendingOrder) => string): void {
    const listed = new Set<TrackedOrder>();
    for (const p of pending) {
      const clientOid = clientOidFor(p);
      let t = this.find({ clientOid, orderId: p.orderId }) ?? (p.clientOid ? this.byVenueOid.get(p.clientOid) : undefined);
      // The venue lists the order under the clientOid it took. An amendment still waiting for its answer is left to
      // the answer unless the venue shows it done; one whose outcome is unknown is decided here.
      if (t?.amend) {
        if (p.clientOid === t.amend.venueOid) this.amended(t);
        else if (t.amend.unknown) this.amendRejected(t.clientOid, 'RB_ERR_GW_AMEND_LOST', 'the venue lists the order unamended');
      }
      if (!t) {
        t = this.placing(clientOid, p.side, p.sizeLot, p.priceTick);
        t.filledLot = p.filledLot;
      }
      // A tracked order keeps the lots we counted: the venue's figure may already include a trade whose push is
      // still on its way, and counting it twice would understate what is left (an order that looks done but is
      // not). Pushes of the orders channel carry the exact cumulative size and correct it.
      this.learnOrderId(t, p.orderId);
      t.sizeLot = p.sizeLot;
      t.priceTick = p.priceTick;
      t.state = 'open';
      t.acked = true; // reported in `resynced`, no separate ack
      listed.add(t);
    }
    for (const t of this.byClientOid.values()) {
      if (!listed.has(t) && !TERMINAL.has(t.state) && t.state !== 'sending') {
        t.state = 'gone';
        this.retire(t);
      }
    }
  }

  private learnOrderId(t: TrackedOrder, orderId: string): void {
    if (!orderId || t.orderId === orderId) return;
    t.orderId = orderId;
    this.byOrderId.set(orderId, t);
    const parked = this.orphanFills.get(orderId);
    if (parked) {
      this.orphanFills.delete(orderId);
      this.orphanCount -= parked.length;
      for (const f of parked) this.fill(t, f, 0);
    }
  }

  /** The amendment took: the order trades on under its new venue clientOid at the new price and size. */
  private amended(t: TrackedOrder): void {
    const a = t.amend!;
    t.amend = undefined;
    if (a.venueOid !== t.venueOid) {
      t.oldVenueOids.push(t.venueOid);
      this.byVenueOid.set(t.venueOid, t);
      t.venueOid = a.venueOid;
      // As documented the venue replaced the order: its new orderId comes with the first push under venueOid
      if (t.orderId) this.byOrderId.delete(t.orderId);
      t.orderId = '';
    }
    t.priceTick = a.priceTick;
    t.sizeLot = a.sizeLot;
    this.stats.amendAcks++;
    const e: Extract<Event, { type: 'amendAck' }> = { type: 'amendAck', clientOid: t.clientOid, priceTick: a.priceTick, qtyLot: a.sizeLot };
    this.o.emit(e);
  }

  private ack(t: TrackedOrder): void {
    if (t.acked) return;
    t.acked = true;
    this.stats.acks++;
    this.o.emit({ type: 'ack', clientOid: t.clientOid, orderId: t.orderId });
  }

  private fill(t: TrackedOrder, tr: TradeUpdate, venueFilledLot: number): void {
    this.ack(t); // a trade proves the order reached the book: the FSM sees its ack first
    const key = `${t.clientOid}|${tr.tradeId}`;
    if (this.seenTrades.has(key)) {
      this.stats.duplicateFills++;
      if (venueFilledLot > t.filledLot) t.filledLot = venueFilledLot;
      return;
    }
    this.remember(key);
    t.filledLot = Math.max(t.filledLot + tr.qtyLot, venueFilledLot);
    const remainingLot = Math.max(0, t.sizeLot - t.filledLot);
    this.stats.fills++;
    this.o.emit({
      type: 'fill',
      clientOid: t.clientOid,
      tradeId: tr.tradeId,
      side: t.side,
      priceTick: tr.priceTick,
      qtyLot: tr.qtyLot,
      feeQuote: tr.feeQuote,
      maker: tr.maker,
      remainingLot,
    });
    if (remainingLot === 0 && t.sizeLot > 0 && !TERMINAL.has(t.state)) {
      t.state = 'filled';
      this.retire(t);
    }
  }

  private cancelled(t: TrackedOrder): void {
    if (t.cancelAcked) return;
    this.ack(t);
    t.cancelAcked = true;
    if (t.state !== 'filled') t.state = 'canceled';
    this.retire(t);
    this.stats.cancelAcks++;
    this.o.emit({ type: 'cancelAck', clientOid: t.clientOid });
  }

  private remember(key: string): void {
    this.seenTrades.add(key);
    if (this.seenTrades.size > this.o.keepTrades) this.seenTrades.delete(this.seenTrades.values().next().value as string);
  }

  private parkOrphan(f: FillUpdate): void {
    const list = this.orphanFills.get(f.orderId) ?? [];
    if (list.some((x) => x.tradeId === f.tradeId)) return;
    list.push(f);
    this.orphanFills.set(f.orderId, list);
    this.orphanCount++;
    this.stats.orphanFills++;
    while (this.orphanCount > this.o.keepOrphanFills) {
      const [oid, oldest] = this.orphanFills.entries().next().value as [string, FillUpdate[]];
      this.orphanFills.delete(oid);
      this.orphanCount -= oldest.length;
      this.o.log?.('warn', `dropped ${oldest.length} fill row(s) of unknown order ${oid}`);
    }
  }

  /** Keeps a bounded number of finished orders around for late pushes. */
  private retire(t: TrackedOrder): void {
    if (this.retired.has(t)) return;
    this.retired.add(t);
    this.terminalOrder.push(t.clientOid);
    while (this.terminalOrder.length > this.o.keepTerminal) {
      const old = this.byClientOid.get(this.terminalOrder.shift()!);
      if (old) this.retired.delete(old);
      if (old && TERMINAL.has(old.state)) {
        this.byClientOid.delete(old.clientOid);
        if (old.orderId) this.byOrderId.delete(old.orderId);
        for (const v of [old.venueOid, ...old.oldVenueOids]) if (this.byVenueOid.get(v) === old) this.byVenueOid.delete(v);
      }
    }
  }
}
