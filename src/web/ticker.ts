// The recording's funding for the replay page: each symbol's recorded ticker stream (<root>/_ticker/…, listed by
// `ringbook serve` beside the market files) read into the settlements `ringbook backtest` charges (src/backtest/funding):
// each at its recorded time, rate and mark, on each instrument's own position.
import { fileMeta, rowGroups } from '../capture/parquet/reader';
import { settlementsOf, sortTickerRows, tickerRowsOf, type FundingSource } from '../backtest/funding';
import type { TickerRow } from '../feed/ticker';
import type { Recording } from './recording';
import { openPart, type NamedBuffer } from './parts';
import type { ParquetPart } from './protocol';

/** Each of `symbols` (of product type `instType`, when known): its funding from the ticker files among `parts`, or none. */
export async function recordedFunding(
  parts: readonly NamedBuffer[],
  symbols: readonly string[],
  instType?: string,
): Promise<FundingSource[]> {
  const rows = new Map<string, TickerRow[]>(symbols.map((s) => [s, []]));
  for (const p of parts) {
    const { meta } = await fileMeta(p.buffer);
    const mine = rows.get(meta.symbol ?? '');
    if (!mine || (instType && meta.inst_type && meta.inst_type !== instType)) continue;
    for await (const g of rowGroups(p.buffer)) tickerRowsOf(g.columns, g.rows, mine);
  }
  return symbols.map((s) => {
    const r = sortTickerRows(rows.get(s)!);
    return r.length ? { kind: 'recorded', settlements: settlementsOf(r), tickerRows: r.length } : { kind: 'none' };
  });
}

/** The funding of each instrument of `rec` from the ticker files `ticker` (none given: nothing is charged). */
export async function fundingOfRecording(rec: Recording, ticker: readonly ParquetPart[] | undefined): Promise<FundingSource[] | undefined> {
  if (!ticker?.length) return undefined;
  const parts = await Promise.all(ticker.map(async (p) => ({ name: p.name, buffer: await openPart(p) })));
  const symbols = rec.instruments?.map((it) => it.symbol) ?? [rec.meta.symbol ?? ''];
  return recordedFunding(parts, symbols, rec.meta.inst_type);
}
