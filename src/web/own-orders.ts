// A served recording's own-order log (<root>/_orders/…, written by `demo` and `live --record`), read in the worker into
// the round trips of the recorded latency model, as `ringbook backtest` reads them from disk (src/backtest/orders.ts):
// every file of the run's symbols, picked by path, each symbol's records in local-time order, several symbols merged,
// then decision → first answer. Dropped files bring no order log: the run's default is then `feed`, as for a
// recording without one.
import type { RoundTrip } from '../backtest/latency';
import { ownOrdersLackText } from '../backtest/latency-choice';
import { byLocalTs, isOrderFileOf, mergeSessionOrders, orderRecordsOf, roundTrips, type OrderRecord } from '../backtest/order-records';
import { fileMeta, rowGroups } from '../capture/parquet/reader';
import { errorText, prefixed } from '../format/errors';
import { MAX_ROWS, openPart } from './parts';
import type { OrdersSource } from './protocol';

export interface OwnOrders {
  files: number;
  records: number;
  trips: RoundTrip[];
  /** Why there are no round trips, in the words of the CLI's refusal of --latency recorded; null when there are some. */
  lacks: string | null;
}

const DROPPED =
  'dropped files bring no _orders stream (open the recording from the list `ringbook serve DIR` shows to replay it with its own orders)';

/** The round trips of `symbols`' own orders among `source`'s files (none: dropped files). */
export async function readOwnOrders(source: OrdersSource | undefined, symbols: readonly string[]): Promise<OwnOrders> {
  if (!source) return { files: 0, records: 0, trips: [], lacks: DROPPED };
  const per: OrderRecord[][] = [];
  let files = 0;
  let rows = 0;
  for (const symbol of symbols) {
    const out: OrderRecord[] = [];
    // in path order, as the CLI lists them; the stable sort keeps a file's order on equal stamps
    for (const part of source.parts.filter((p) => isOrderFileOf(`/${p.name}`, symbol))) {
      files++;
      try {
        const buffer = await openPart(part);
        rows += (await fileMeta(buffer)).rows;
        // the order log is small beside market data; a bound all the same, as for the market rows
        if (rows > MAX_ROWS)
          throw new Error(`the own-order log holds more than ${MAX_ROWS.toLocaleString('en-US')} rows: replay it with ringbook backtest`);
        for await (const g of rowGroups(buffer)) orderRecordsOf(g.columns, g.rows, out);
      } catch (err) {
        throw new Error(prefixed(part.name, errorText(err)), { cause: err });
      }
    }
    per.push(byLocalTs(out));
  }
  const orders = mergeSessionOrders(per);
  const trips = roundTrips(orders);
  const lack = trips.length ? null : !source.parts.length ? 'stream' : files === 0 ? 'symbols' : 'answers';
  return { files, records: orders.length, trips, lacks: lack && ownOrdersLackText(source.where, symbols, lack) };
}
