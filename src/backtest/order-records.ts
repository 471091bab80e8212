// The own-order log's records (kind 6, src/live/orderlog.ts) as data: read out of a row group's columns, merged across
// the symbols of a session, and turned into the round trips the recorded-latency model interpolates. No file access,
// so the replay page reads a served recording's `_orders/` files with these as `ringbook backtest` reads them from disk
// (./orders.ts).
import type { Columns } from '../capture/schema';
import { OrderEvent } from '../live/orderlog';
import type { RoundTrip } from './latency';

export interface OrderRecord {
  localTs: bigint;
  /** Answers: the strategy clock when live handed them to the runtime (0 in logs written before it was recorded). */
  clockTs: bigint;
  event: number;
  side: 'buy' | 'sell' | '';
  priceTick: number;
  qtyLot: number;
  /** The clientOid's sequence number. */
  seq: number;
  /**
   * Remaining lots (fills), the strategy clock's decision time (place, cancel, amend, cancel-all, flatten), a fill's fee
   * as float64 bits (fillFee), raw.
   */
  aux: bigint;
  aux2: bigint;
  /** The instrument of a session of several symbols (its index in the session's list, readSessionOrders); absent: 0. */
  inst?: number;
}

/** Whether `path` (a file of the _orders stream, any prefix) holds the own orders of `symbol`: the recorder's hive layout. */
export const isOrderFileOf = (path: string, symbol: string): boolean => path.includes(`/symbol=${symbol}/`);

/** The own-order records (kind 6) among `rows` rows of a row group's columns, appended to `out`. */
export function orderRecordsOf(c: Columns, rows: number, out: OrderRecord[]): void {
  const kind = c.kind as Int32Array;
  for (let i = 0; i < rows; i++) {
    if (kind[i] !== 6) continue;
    const side = (c.side as Int32Array)[i];
    out.push({
      localTs: (c.local_ts as BigInt64Array)[i],
      clockTs: (c.exch_ts as BigInt64Array)[i],
      event: (c.flags as Int32Array)[i],
      side: side === 1 ? 'buy' : side === 2 ? 'sell' : '',
      priceTick: Number((c.price as BigInt64Array)[i]),
      qtyLot: Number((c.qty as BigInt64Array)[i]),
      seq: Number((c.seq as BigInt64Array)[i]),
      aux: (c.aux as BigInt64Array)[i],
      aux2: (c.aux2 as BigInt64Array)[i],
    });
  }
}

/** In local-time order; stable, so records on equal stamps keep the order they were written in. */
export function byLocalTs<T extends { localTs: bigint }>(list: T[]): T[] {
  return list.sort((a, b) => (a.localTs < b.localTs ? -1 : a.localTs > b.localTs ? 1 : 0));
}

/**
 * The order log of a session of several symbols from each symbol's records (instrument i = the i-th list, each in
 * local-time order): tagged with its index and merged in local-time order. The log was one stream, written in order on
 * one thread, so its wall-clock stamps order it across symbols; a symbol's own records keep their order on equal
 * stamps (the sort is stable). One symbol: its list as it is.
 */
export function mergeSessionOrders(per: OrderRecord[][]): OrderRecord[] {
  if (per.length === 1) return per[0];
  return byLocalTs(per.flatMap((list, inst) => list.map((o) => ({ ...o, inst }))));
}

/**
 * Decision → first answer (ack, reject or fill) of the same order: the recorded round trips. They start at the
 * strategy clock's decision time when the log has it (what the replay schedules from), so the time the live session
 * spent between deciding and sending is part of the latency, and answers land where they landed live.
 */
export function roundTrips(orders: OrderRecord[]): RoundTrip[] {
  const sent = new Map<number, bigint>();
  const out: RoundTrip[] = [];
  for (const o of orders) {
    if (o.event === OrderEvent.place) sent.set(o.seq, o.aux > 0n ? o.aux : o.localTs);
    else if (o.event === OrderEvent.ack || o.event === OrderEvent.reject || o.event === OrderEvent.fill) {
      const t = sent.get(o.seq);
      if (t === undefined) continue;
      sent.delete(o.seq);
      out.push({ reqNs: Number(t), rttNs: Number(o.localTs - t) });
    }
  }
  return out;
}
