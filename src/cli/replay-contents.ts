// What a backtest's files held of an instrument whose strategy had no book: its public trades and its book records,
// counted in the replayed window and in the whole files. The replay counts its records, not their kinds, so without
// this a recording of trades alone (a Tardis trades file imported without its incremental_book_L2 file) read as one
// with no market data at all. Read only for such an instrument: a second pass over its files, two columns.
import { fileRowGroups } from '../capture/read-file';
import type { ReplayFile } from '../backtest/feeder';
import { countBookless, type BooklessMarket } from '../strategy/explain';

/**
 * The public trades and book records of one instrument's `files`, on the replay's clock (local stamps moved by
 * `shiftNs`): those in [fromNs, toNs), where the replay handed records to the strategy, and the book records of the
 * whole files.
 */
export async function booklessMarket(
  files: readonly ReplayFile[],
  window: { fromNs?: bigint; toNs?: bigint; shiftNs?: number },
): Promise<Omit<BooklessMarket, 'symbol'>> {
  const shift = BigInt(window.shiftNs ?? 0);
  const out = { trades: 0, bookInWindow: 0, bookInFiles: 0 };
  for (const f of files)
    for await (const g of fileRowGroups(f.path, ['kind', 'local_ts'])) {
      const kind = g.columns.kind as Int32Array;
      const local = g.columns.local_ts as BigInt64Array;
      for (let i = 0; i < g.rows; i++) {
        const t = local[i] + shift;
        countBookless(out, kind[i], (window.fromNs === undefined || t >= window.fromNs) && (window.toNs === undefined || t < window.toNs));
      }
    }
  return out;
}

/**
 * The instruments named in `symbols` (those whose book was never valid, or every one when the strategy saw no book
 * message), each with what its files held; named by symbol only in a run of several. Nothing is read for none.
 */
export async function booklessInstruments(
  symbols: ReadonlySet<string>,
  chosen: ReadonlyArray<{ symbol: string; files: readonly ReplayFile[] }>,
  window: { fromNs?: bigint; toNs?: bigint; shiftNs?: number },
): Promise<BooklessMarket[]> {
  const out: BooklessMarket[] = [];
  for (const c of chosen)
    if (symbols.has(c.symbol)) out.push({ ...(chosen.length > 1 ? { symbol: c.symbol } : {}), ...(await booklessMarket(c.files, window)) });
  return out;
}
