// A tiny seeded venue for the invariant tests: it executes the machine's actions and queues the reports a real
// venue would send (ack, reject, fills, venue-side cancels of IOC remainders, cancel answers, resynced), with the
// awkward orderings of real life: fills before acks, fills reported after a cancelAck, lost answers, duplicate fill
// reports, and reports dropped by a disconnect. Its position is the truth a resync reports.

import type { Action, Event, Side } from '../../../src/strategy/events';

interface VenueOrder {
  oid: string;
  side: Side;
  type: 'limit' | 'market';
  force: string;
  price?: number;
  remaining: number;
  reduceOnly: boolean;
}

export class SimVenue {
  /** Reports not yet delivered, in order. */
  queue: Event[] = [];
  position = 0;
  bid = 1000;
  ask = 1001;
  private readonly open = new Map<string, VenueOrder>();
  private trades = 0;
  private flats = 0;

  constructor(private readonly rnd: () => number) {}

  /** Executes the machine's actions. */
  apply(actions: Action[]): void {
    for (const a of actions) {
      switch (a.type) {
        case 'place':
          this.place(a);
          break;
        case 'cancel':
          this.cancel(a.clientOid);
          break;
        case 'cancelAll':
          for (const o of [...this.open.values()]) this.close(o, 'cancelAck');
          break;
        case 'flatten':
          if (this.position !== 0) {
            const side: Side = this.position > 0 ? 'sell' : 'buy';
            this.fill(
              {
                oid: `venue-flat-${++this.flats}`,
                side,
                type: 'market',
                force: 'ioc',
                remaining: Math.abs(this.position),
                reduceOnly: true,
              },
              Math.abs(this.position),
              false,
            );
          }
          break;
        case 'reconcile':
          // The snapshot as of now; FIFO delivery puts every earlier report before it.
          this.queue.push({
            type: 'resynced',
            positionLot: this.position,
            openOrders: [...this.open.values()].map((o) => ({
              clientOid: o.oid,
              side: o.side,
              priceTick: o.price ?? 0,
              remainingLot: o.remaining,
            })),
          });
          break;
        default:
          break;
      }
    }
  }

  /** A resting post-only order trades (part or all of it). */
  tradeResting(): void {
    const resting = [...this.open.values()].filter((o) => o.force === 'post_only');
    if (resting.length === 0) return;
    const o = resting[Math.floor(this.rnd() * resting.length)];
    this.fill(o, 1 + Math.floor(this.rnd() * o.remaining), true);
  }

  /** Next report, with an occasional swap of the first two (never across a resynced snapshot). */
  next(): Event | null {
    if (this.queue.length >= 2 && this.rnd() < 0.1 && this.queue[0].type !== 'resynced' && this.queue[1].type !== 'resynced') {
      [this.queue[0], this.queue[1]] = [this.queue[1], this.queue[0]];
    }
    return this.queue.shift() ?? null;
  }

  /** A disconnect loses some undelivered reports. */
  disconnect(): void {
    this.queue = this.queue.filter(() => this.rnd() < 0.5);
  }

  isQuiet(): boolean {
    return this.queue.length === 0;
  }

  private place(a: Extract<Action, { type: 'place' }>): void {
    const o: VenueOrder = {
      oid: a.clientOid,
      side: a.side,
      type: a.orderType,
      force: a.force,
      price: a.priceTick,
      remaining: a.qtyLot,
      reduceOnly: a.reduceOnly,
    };
    const r = this.rnd();
    if (r < 0.08) {
      this.queue.push({ type: 'reject', clientOid: o.oid, code: '40762', message: 'insufficient', retryable: this.rnd() < 0.5 });
      return;
    }
    if (a.force === 'post_only' && r < 0.14) {
      this.queue.push({ type: 'reject', clientOid: o.oid, code: '43011', message: 'post only would cross', retryable: false });
      return;
    }
    // Sometimes the ack is lost (the machine's T_ack sends it to RECONCILE); sometimes the fill comes first.
    const ackLost = this.rnd() < 0.03;
    const fillFirst = this.rnd() < 0.2;
    if (!ackLost && !fillFirst) this.queue.push({ type: 'ack', clientOid: o.oid, orderId: `v${o.oid}` });
    if (a.force === 'post_only') {
      this.open.set(o.oid, o);
      if (!ackLost && fillFirst) this.queue.push({ type: 'ack', clientOid: o.oid, orderId: `v${o.oid}` });
      return;
    }
    // IOC / market: trade what is there now, the venue cancels the rest.
    this.open.set(o.oid, o);
    const qty = a.orderType === 'market' ? o.remaining : Math.floor(this.rnd() * (o.remaining + 1));
    if (qty > 0) this.fill(o, qty, false);
    if (!ackLost && fillFirst) this.queue.push({ type: 'ack', clientOid: o.oid, orderId: `v${o.oid}` });
    if (this.open.has(o.oid)) this.close(o, 'cancelAck');
  }

  private cancel(oid: string): void {
    const o = this.open.get(oid);
    if (!o) {
      this.queue.push({ type: 'cancelReject', clientOid: oid, code: '43001', message: 'order not found or filled' });
      return;
    }
    const r = this.rnd();
    if (r < 0.04) return; // the answer is lost
    if (r < 0.25) {
      // Filled just before the cancel landed: either reported first, or only after the cancelAck.
      const late = this.rnd() < 0.5;
      const qty = 1 + Math.floor(this.rnd() * o.remaining);
      if (late) {
        const before = this.queue.length;
        this.fill(o, qty, false);
        const fills = this.queue.splice(before);
        if (this.open.has(oid)) this.close(o, 'cancelAck');
        else this.queue.push({ type: 'cancelReject', clientOid: oid, code: '43001', message: 'already filled' });
        this.queue.push(...fills);
        return;
      }
      this.fill(o, qty, false);
      if (!this.open.has(oid)) {
        this.queue.push({ type: 'cancelReject', clientOid: oid, code: '43001', message: 'already filled' });
        return;
      }
    }
    this.close(o, 'cancelAck');
  }

  private close(o: VenueOrder, how: 'cancelAck'): void {
    this.open.delete(o.oid);
    this.queue.push({ type: how, clientOid: o.oid });
  }

  /** Trades up to `qty` of `o` (reduce-only capped at what reduces the position) and queues the fill report. */
  private fill(o: VenueOrder, qty: number, maker: boolean): void {
    const dir = o.side === 'buy' ? 1 : -1;
    if (o.reduceOnly) qty = Math.sign(this.position) === -dir ? Math.min(qty, Math.abs(this.position)) : 0;
    if (qty <= 0) return;
    const price = o.type === 'market' ? (dir > 0 ? this.ask : this.bid) : (o.price ?? this.bid);
    o.remaining -= qty;
    this.position += dir * qty;
    const ev: Event = {
      type: 'fill',
      clientOid: o.oid,
      tradeId: `T${++this.trades}`,
      side: o.side,
      priceTick: price,
      qtyLot: qty,
      feeQuote: qty * price * 1e-4 * (maker ? 0.0002 : 0.0006),
      maker,
      remainingLot: o.remaining,
    };
    this.queue.push(ev);
    if (this.rnd() < 0.05) this.queue.push({ ...ev }); // reported twice
    if (o.remaining === 0) this.open.delete(o.oid);
  }
}
