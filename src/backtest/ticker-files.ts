// The recorded ticker stream of a symbol (<root>/_ticker/…, kind 7 records, src/feed/ticker.ts), read back for the
// backtest's funding (./funding). Node only (files); the replay page reads the same stream in src/web/ticker.ts.
import { listStreamParquet } from '../capture/recover';
import { fileRowGroups, sideFileRows, type SideFiles } from '../capture/read-file';
import type { TickerRow } from '../feed/ticker';
import { sortTickerRows, tickerRowsOf } from './funding';

/** Every recorded ticker row of `symbol` under `<root>/_ticker/`, in exchange-time order (empty when none). */
export async function readTicker(root: string, symbol: string, instType?: string, side?: SideFiles): Promise<TickerRow[]> {
  const out: TickerRow[] = [];
  const mine = (p: string) => p.includes(`/symbol=${symbol}/`) && (!instType || p.includes(`/inst_type=${instType}/`));
  for (const f of listStreamParquet(root, '_ticker').filter(mine)) {
    const rows = await sideFileRows<TickerRow>(async (o) => {
      for await (const g of fileRowGroups(f)) tickerRowsOf(g.columns, g.rows, o);
    }, side);
    for (const r of rows) out.push(r);
  }
  return sortTickerRows(out);
}
