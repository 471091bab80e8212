// Own orders and fills as 64-byte records (kind 6) on the order ring, so a recording holds what the strategy asked
// and what the venue answered next to the market data it saw (the recorder writes them under <root>/_orders/).
// Fields: side 1 buy / 2 sell; flags = the event (OrderEvent); price ticks; qty lots (order size, or the fill's
// size); seq = the clientOid's sequence number (our ids end in -<n>); aux = remaining lots after a fill, and on
// a decision (place, cancel, cancel-all, flatten) the strategy clock's time of the decision (local_ts is the wall
// clock when it left);
// aux2 = the venue's tradeId when it is a number; on a place, the order's terms: force (1 gtc, 2 ioc, 3 fok,
// 4 post_only) | 256 if a market order | 512 if reduce-only (placeTerms).
import { Kind, R, REC_SIZE, Side, type Ring } from '../core/index';
import { writeI64, writeI64Big } from '../core/int64';
import type { Action, Event } from '../strategy/events';

export const OrderEvent = {
  place: 1,
  cancel: 2,
  ack: 3,
  reject: 4,
  fill: 5,
  cancelAck: 6,
  cancelReject: 7,
  cancelAll: 8,
  flatten: 9,
} as const;

const FORCES = ['gtc', 'ioc', 'fok', 'post_only'] as const;

/** A place's terms packed into aux2 (0 in recordings made before they were recorded). */
export function placeTerms(a: { force: string; orderType: string; reduceOnly: boolean }): number {
  return (FORCES.indexOf(a.force as (typeof FORCES)[number]) + 1) | (a.orderType === 'market' ? 256 : 0) | (a.reduceOnly ? 512 : 0);
}

export function readPlaceTerms(aux2: number): { force: string; orderType: 'limit' | 'market'; reduceOnly: boolean } | null {
  if (aux2 === 0) return null;
  return { force: FORCES[(aux2 & 0xff) - 1] ?? '?', orderType: aux2 & 256 ? 'market' : 'limit', reduceOnly: (aux2 & 512) !== 0 };
}

export const seqOf = (clientOid: string) => {
  const m = /-(\d+)$/.exec(clientOid);
  return m ? Number(m[1]) : 0;
};

export class OrderLog {
  dropped = 0;

  constructor(
    readonly ring: Ring,
    readonly inst: number,
  ) {}

  private write(
    code: number,
    side: string | undefined,
    nowNs: bigint,
    fields: { price?: number; qty?: number; seq?: number; aux?: number; aux2?: number; tradeId?: string; decided?: bigint },
  ): void {
    if (this.ring.writable(1) < 1) {
      this.dropped++; // the recorder is behind: counted, the strategy never waits for the disk
      return;
    }
    const core = this.ring.core;
    const at = this.ring.slot(this.ring.head);
    core.bytes.fill(0, at, at + REC_SIZE);
    const w = core.words;
    // kind, side and flags (the event code) share the record's first word: bytes 0, 1 and 2–3
    w[(at + R.kind) >> 2] = Kind.order | ((side === 'buy' ? Side.bid : side === 'sell' ? Side.ask : Side.none) << 8) | (code << 16);
    w[(at + R.inst) >> 2] = this.inst;
    writeI64Big(w, at + R.localTs, nowNs);
    writeI64(w, at + R.price, fields.price ?? 0);
    writeI64(w, at + R.qty, fields.qty ?? 0);
    writeI64(w, at + R.seq, fields.seq ?? 0);
    if (fields.decided !== undefined) writeI64Big(w, at + R.aux, fields.decided);
    else writeI64(w, at + R.aux, fields.aux ?? 0);
    if (fields.tradeId && /^\d{1,18}$/.test(fields.tradeId)) writeI64Big(w, at + R.aux2, BigInt(fields.tradeId));
    else if (fields.aux2) writeI64(w, at + R.aux2, fields.aux2);
    this.ring.publish(1);
  }

  action(a: Action, nowNs: bigint, decidedNs: bigint): void {
    const decided = { decided: decidedNs };
    if (a.type === 'place')
      this.write(OrderEvent.place, a.side, nowNs, {
        price: a.priceTick ?? 0,
        qty: a.qtyLot,
        seq: seqOf(a.clientOid),
        aux2: placeTerms(a),
        ...decided,
      });
    else if (a.type === 'cancel') this.write(OrderEvent.cancel, undefined, nowNs, { seq: seqOf(a.clientOid), ...decided });
    else if (a.type === 'cancelAll') this.write(OrderEvent.cancelAll, undefined, nowNs, decided);
    else if (a.type === 'flatten') this.write(OrderEvent.flatten, undefined, nowNs, decided);
  }

  event(e: Event, nowNs: bigint): void {
    if (e.type === 'ack') this.write(OrderEvent.ack, undefined, nowNs, { seq: seqOf(e.clientOid) });
    else if (e.type === 'reject') this.write(OrderEvent.reject, undefined, nowNs, { seq: seqOf(e.clientOid), aux: Number(e.code) || 0 });
    else if (e.type === 'fill')
      this.write(OrderEvent.fill, e.side, nowNs, {
        price: e.priceTick,
        qty: e.qtyLot,
        seq: seqOf(e.clientOid),
        aux: e.remainingLot,
        tradeId: e.tradeId,
      });
    else if (e.type === 'cancelAck') this.write(OrderEvent.cancelAck, undefined, nowNs, { seq: seqOf(e.clientOid) });
    else if (e.type === 'cancelReject') this.write(OrderEvent.cancelReject, undefined, nowNs, { seq: seqOf(e.clientOid) });
  }
}
