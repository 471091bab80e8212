// The recorded ticker stream of a symbol (<root>/_ticker/…, kind 7 records, src/feed/ticker.ts), read back for the
// backtest's funding (./funding). Node only: the browser's replay has no files.
import { listStreamParquet } from '../capture/recover';
import { fileRowGroups } from '../capture/read-file';
import { Kind } from '../core/record';
import { tickerRow, type TickerRow } from '../feed/ticker';

/** Every recorded ticker row of `symbol` under `<root>/_ticker/`, in exchange-time order (empty when none). */
export async function readTicker(root: string, symbol: string, instType?: string): Promise<TickerRow[]> {
  const out: TickerRow[] = [];
  const mine = (p: string) => p.includes(`/symbol=${symbol}/`) && (!instType || p.includes(`/inst_type=${instType}/`));
  for (const f of listStreamParquet(root, '_ticker').filter(mine)) {
    for await (const g of fileRowGroups(f)) {
      const c = g.columns;
      const kind = c.kind as Int32Array;
      const flags = c.flags as Int32Array;
      const [exch, local, price, qty, seq, aux, aux2] = ['exch_ts', 'local_ts', 'price', 'qty', 'seq', 'aux', 'aux2'].map(
        (k) => c[k] as BigInt64Array,
      );
      for (let i = 0; i < g.rows; i++) {
        if (kind[i] !== Kind.ticker) continue;
        out.push(tickerRow(flags[i], exch[i], local[i], price[i], qty[i], seq[i], aux[i], aux2[i]));
      }
    }
  }
  return out.sort((a, b) =>
    a.exchNs < b.exchNs ? -1 : a.exchNs > b.exchNs ? 1 : a.localNs < b.localNs ? -1 : a.localNs > b.localNs ? 1 : 0,
  );
}
