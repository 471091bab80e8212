// The recorded ticker stream of a symbol (<root>/_ticker/…, kind 7 records, src/feed/ticker.ts), read back for the
// backtest's funding (./funding). Node only: the browser's replay has no files.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileRowGroups } from '../capture/read-file';
import { Kind } from '../core/record';
import { tickerRow, type TickerRow } from '../feed/ticker';

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, out);
    else if (st.isFile() && name.endsWith('.parquet')) out.push(p);
  }
}

/** Every recorded ticker row of `symbol` under `<root>/_ticker/`, in exchange-time order (empty when none). */
export async function readTicker(root: string, symbol: string, instType?: string): Promise<TickerRow[]> {
  const dir = join(root, '_ticker');
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  walk(dir, files);
  const out: TickerRow[] = [];
  const mine = (p: string) => p.includes(`/symbol=${symbol}/`) && (!instType || p.includes(`/inst_type=${instType}/`));
  for (const f of files.filter(mine).sort()) {
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
