// Own orders and fills as 64-byte records (kind 6) on the order ring, so a recording holds what the strategy asked
// and what the venue answered next to the market data it saw (the recorder writes them under <root>/_orders/).
// Fields: side 1 buy / 2 sell; flags = the event (OrderEvent); price ticks; qty lots (order size, or the fill's
// size); seq = the clientOid's sequence number (the runtime's ids rb-<run>-<n>: n; an id the gateway made, a
// flatten's: −n); aux = remaining lots after a fill, and on a decision (place, cancel, amend, cancel-all, flatten) the
// strategy clock's time of the decision (local_ts is the wall clock when it left);
// aux2 = the venue's tradeId when it is a number; on a place, the order's terms: force (1 gtc, 2 ioc, 3 fok,
// 4 post_only) | 256 if a market order | 512 if reduce-only (placeTerms).
// Answers (ack, reject, fill, cancel/amend ack and reject) carry in exch_ts the strategy clock when they were handed to
// the runtime (local_ts: the wall clock then), and each fill is followed by a fillFee record (aux = the fee's float64
// bits, aux2 = 1 if maker): what a --parity replay needs to hand the runtime the very answers at the very point live
// did (src/backtest/recorded-venue.ts). Logs written before these have 0 there.
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
  amend: 10,
  amendAck: 11,
  amendReject: 12,
  /** Right after each fill: its fee (float64 bits in aux) and whether it was a maker fill (aux2 = 1). */
  fillFee: 13,
  /** The operator's stop (kill switch): what follows is the session's shutdown, not the strategy trading. */
  stop: 14,
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

/** The runtime's ids (rb-<run>-<n>) by n; an id the gateway made (a flatten's, `<prefix>-…-<n>`) as −n; else 0. */
export const seqOf = (clientOid: string) => {
  const m = /-(\d+)$/.exec(clientOid);
  if (!m) return 0;
  return /^rb-[A-Za-z0-9_]+-\d+$/.test(clientOid) ? Number(m[1]) : -Number(m[1]);
};

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);
/** A fee as the bits of its float64 (exact: the replay hands the runtime the very number). */
export const feeBits = (fee: number): bigint => ((f64[0] = fee), i64[0]);
export const feeOfBits = (bits: bigint): number => ((i64[0] = bits), f64[0]);

export class OrderLog {
  dropped = 0;

  /** `inst`: the instrument of a record written without one (a one-instrument session's). */
  constructor(
    readonly ring: Ring,
    readonly inst: number,
  ) {}

  private write(
    inst: number,
    code: number,
    side: string | undefined,
    nowNs: bigint,
    fields: {
      price?: number;
      qty?: number;
      seq?: number;
      aux?: number;
      auxBig?: bigint;
      aux2?: number;
      tradeId?: string;
      decided?: bigint;
      /** Answers: the strategy clock when handed to the runtime. */
      clock?: bigint;
    },
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
    w[(at + R.inst) >> 2] = inst;
    writeI64Big(w, at + R.localTs, nowNs);
    if (fields.clock !== undefined) writeI64Big(w, at + R.exchTs, fields.clock);
    writeI64(w, at + R.price, fields.price ?? 0);
    writeI64(w, at + R.qty, fields.qty ?? 0);
    writeI64(w, at + R.seq, fields.seq ?? 0);
    if (fields.decided !== undefined) writeI64Big(w, at + R.aux, fields.decided);
    else if (fields.auxBig !== undefined) writeI64Big(w, at + R.aux, fields.auxBig);
    else writeI64(w, at + R.aux, fields.aux ?? 0);
    if (fields.tradeId && /^\d{1,18}$/.test(fields.tradeId)) writeI64Big(w, at + R.aux2, BigInt(fields.tradeId));
    else if (fields.aux2) writeI64(w, at + R.aux2, fields.aux2);
    this.ring.publish(1);
  }

  /** A decision for instrument `inst` (runtime.actionInst): the record goes to that symbol's order files. */
  action(a: Action, nowNs: bigint, decidedNs: bigint, inst = this.inst): void {
    const decided = { decided: decidedNs };
    if (a.type === 'place')
      this.write(inst, OrderEvent.place, a.side, nowNs, {
        price: a.priceTick ?? 0,
        qty: a.qtyLot,
        seq: seqOf(a.clientOid),
        aux2: placeTerms(a),
        ...decided,
      });
    else if (a.type === 'cancel') this.write(inst, OrderEvent.cancel, undefined, nowNs, { seq: seqOf(a.clientOid), ...decided });
    else if (a.type === 'amend')
      this.write(inst, OrderEvent.amend, undefined, nowNs, {
        price: a.priceTick ?? 0,
        qty: a.qtyLot ?? 0,
        seq: seqOf(a.clientOid),
        ...decided,
      });
    else if (a.type === 'cancelAll') this.write(inst, OrderEvent.cancelAll, undefined, nowNs, decided);
    else if (a.type === 'flatten') this.write(inst, OrderEvent.flatten, undefined, nowNs, decided);
  }

  /**
   * An answer handed to the runtime at wall clock `nowNs`, its clock then `clockNs` (runtime.nowNs()), from instrument
   * `inst`'s gateway (a stop is written once per instrument by the caller).
   */
  event(e: Event, nowNs: bigint, clockNs: bigint, inst = this.inst): void {
    const clock = clockNs;
    if (e.type === 'ack') this.write(inst, OrderEvent.ack, undefined, nowNs, { seq: seqOf(e.clientOid), clock });
    else if (e.type === 'reject')
      this.write(inst, OrderEvent.reject, undefined, nowNs, {
        seq: seqOf(e.clientOid),
        aux: Number(e.code) || 0,
        aux2: e.retryable ? 1 : 0,
        clock,
      });
    else if (e.type === 'fill') {
      const seq = seqOf(e.clientOid);
      this.write(inst, OrderEvent.fill, e.side, nowNs, {
        price: e.priceTick,
        qty: e.qtyLot,
        seq,
        aux: e.remainingLot,
        tradeId: e.tradeId,
        clock,
      });
      this.write(inst, OrderEvent.fillFee, e.side, nowNs, { seq, auxBig: feeBits(e.feeQuote), aux2: e.maker ? 1 : 0, clock });
    } else if (e.type === 'cancelAck') this.write(inst, OrderEvent.cancelAck, undefined, nowNs, { seq: seqOf(e.clientOid), clock });
    else if (e.type === 'cancelReject')
      this.write(inst, OrderEvent.cancelReject, undefined, nowNs, { seq: seqOf(e.clientOid), aux: Number(e.code) || 0, clock });
    else if (e.type === 'amendAck')
      this.write(inst, OrderEvent.amendAck, undefined, nowNs, { price: e.priceTick, qty: e.qtyLot, seq: seqOf(e.clientOid), clock });
    else if (e.type === 'amendReject')
      this.write(inst, OrderEvent.amendReject, undefined, nowNs, { seq: seqOf(e.clientOid), aux: Number(e.code) || 0, clock });
    else if (e.type === 'killSwitch') this.write(inst, OrderEvent.stop, undefined, nowNs, { aux: e.flatten ? 1 : 0, clock });
  }
}
