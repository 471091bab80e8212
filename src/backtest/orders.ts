// Own orders and fills of a recorded trading session (<root>/_orders/…, kind 6 records, src/live/orderlog.ts):
// read back from disk for the recorded-latency model (round trips of our orders) and the live-parity check.
import { listStreamParquet } from '../capture/recover';
import { fileRowGroups, sideFileRows, type SideFiles } from '../capture/read-file';
import { OrderEvent, feeOfBits, readPlaceTerms } from '../live/orderlog';
import { byLocalTs, isOrderFileOf, mergeSessionOrders, orderRecordsOf, type OrderRecord } from './order-records';

// the record-level half lives in ./order-records (no file access: the replay page uses it too)
export { roundTrips, type OrderRecord } from './order-records';

/** The files of `<root>/_orders/` (the own-order log), of `symbols` only when given. */
export function ownOrderFiles(root: string, symbols?: readonly string[]): string[] {
  const all = listStreamParquet(root, '_orders');
  return symbols === undefined ? all : all.filter((p) => symbols.some((s) => isOrderFileOf(p, s)));
}

/** Every own-order record of `symbol` under `<root>/_orders/`, in local-time order (empty when none were recorded). */
export async function readOwnOrders(root: string, symbol: string, side?: SideFiles): Promise<OrderRecord[]> {
  const out: OrderRecord[] = [];
  for (const f of ownOrderFiles(root, [symbol])) {
    const rows = await sideFileRows<OrderRecord>((o) => ordersOfFile(f, o), side);
    for (const r of rows) out.push(r);
  }
  return byLocalTs(out);
}

/** The own-order records (kind 6) of one file of the _orders stream, appended to `out`. */
async function ordersOfFile(f: string, out: OrderRecord[]): Promise<void> {
  for await (const g of fileRowGroups(f)) orderRecordsOf(g.columns, g.rows, out);
}

/**
 * The order log of a session of `symbols` (instrument i = symbols[i]): each symbol's records tagged with its index and
 * merged in local-time order. The log was one stream, written in order on one thread, so its wall-clock stamps order it
 * across symbols; a symbol's own records keep their order on equal stamps (the sort is stable).
 */
export async function readSessionOrders(root: string, symbols: readonly string[], side?: SideFiles): Promise<OrderRecord[]> {
  return mergeSessionOrders(await Promise.all(symbols.map((s) => readOwnOrders(root, s, side))));
}

/** One decision of the strategy, as recorded live or taken in a backtest (ids left out: they differ by design). */
export interface Intent {
  localTs: bigint;
  /** The strategy clock's time of the decision (the signal or tick it answered); absent in older recordings. */
  decidedTs?: bigint;
  type: 'place' | 'cancel' | 'amend' | 'cancelAll' | 'flatten';
  side?: string;
  priceTick?: number;
  qtyLot?: number;
  force?: string;
  orderType?: string;
  reduceOnly?: boolean;
  /** Which of our orders (1 = the first placed) a cancel or an amend is for. */
  order?: number;
  /** The instrument's symbol, in a session of several (compared like the other terms). */
  symbol?: string;
}

/**
 * The fills of the session's flattens (ids the gateway made, logged with a negative seq: the runtime's clean-up at a
 * halt or at the stop) and their fees, quote.
 */
export function flattenFills(orders: readonly OrderRecord[]): { fills: number; feesQuote: number } {
  let fills = 0;
  let feesQuote = 0;
  for (const o of orders) {
    if (o.seq >= 0) continue;
    if (o.event === OrderEvent.fill) fills++;
    else if (o.event === OrderEvent.fillFee) feesQuote += feeOfBits(o.aux);
  }
  return { fills, feesQuote };
}

/** The live session's decisions from its order log; `symbols` (a session of several): each names its instrument. */
export function liveIntents(orders: OrderRecord[], symbols?: readonly string[]): Intent[] {
  const index = new Map<number, number>();
  const out: Intent[] = [];
  const several = symbols !== undefined && symbols.length > 1;
  for (const o of orders) {
    const at = {
      localTs: o.localTs,
      ...(o.aux > 0n ? { decidedTs: o.aux } : {}),
      ...(several ? { symbol: symbols[o.inst ?? 0] } : {}),
    };
    if (o.event === OrderEvent.place) {
      index.set(o.seq, index.size + 1);
      const terms = readPlaceTerms(Number(o.aux2));
      out.push({ ...at, type: 'place', side: o.side, priceTick: o.priceTick || undefined, qtyLot: o.qtyLot, ...(terms ?? {}) });
    } else if (o.event === OrderEvent.cancel) out.push({ ...at, type: 'cancel', order: index.get(o.seq) });
    else if (o.event === OrderEvent.amend)
      out.push({ ...at, type: 'amend', order: index.get(o.seq), priceTick: o.priceTick || undefined, qtyLot: o.qtyLot || undefined });
    else if (o.event === OrderEvent.cancelAll) out.push({ ...at, type: 'cancelAll' });
    else if (o.event === OrderEvent.flatten) out.push({ ...at, type: 'flatten' });
  }
  return out;
}

/**
 * One session's own records: those stamped from its start up to the next session's start in the same directory (a
 * directory `demo --out` or `live --record` wrote into more than once holds every session's order log, interleaved by
 * time only). `toNs` null: the newest session, to the end of the log.
 */
export function ordersBetween(orders: readonly OrderRecord[], fromNs: bigint, toNs: bigint | null): OrderRecord[] {
  return orders.filter((o) => o.localTs >= fromNs && (toNs === null || o.localTs < toNs));
}
