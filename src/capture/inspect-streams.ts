// What a recording holds besides market data: the ticker stream (<root>/_ticker/: funding rates, settlement times, mark
// prices, which a backtest charges funding from) and the own-order log of trading sessions (<root>/_orders/: what the
// strategy sent and what the venue answered, which `backtest --parity` and `--latency recorded` read). Per stream
// (venue/inst_type/symbol), like the market streams; a file that cannot be read is reported, the others still count.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { damaged, fileRowGroups, readFileMeta } from './read-file';
import { listStreamParquet } from './recover';
import { SIDE_STREAM_DIRS, sideStreamOf } from './side-stream';
import { tickerRowsOf, settlementsOf, sortTickerRows } from '../backtest/funding';
import { decimalText, type Decimal, type TickerRow } from '../feed/ticker';
import { OrderEvent } from '../live/orderlog';

export interface TickerReport {
  stream: string;
  files: number;
  rows: number;
  firstExchTs: string;
  lastExchTs: string;
  /**
   * Settlement times inside the span of the symbol's market data (the ticker's own span when there is none), with the
   * rate in force for each and the mark then: what a backtest of this recording charges.
   */
  settlements: Array<{ atNs: string; rate: string; mark: string | null }>;
  /** The next settlement the last rows announced, after the span (not charged by a replay of this recording). */
  next: { atNs: string; rate: string } | null;
  /** Lowest and highest mark price published, as the venue wrote them. */
  mark: { low: string; high: string } | null;
}

export interface OrdersReport {
  stream: string;
  files: number;
  records: number;
  /** Records by event (place, ack, fill, cancel, …). */
  byEvent: Record<string, number>;
  firstLocalTs: string;
  lastLocalTs: string;
}

/** A file that could not be read, and why (inspect's DamagedEntry; declared here, as inspect imports this module). */
interface DamagedEntry {
  path: string;
  reason: string;
}

const EVENT_NAMES: Record<number, string> = Object.fromEntries(Object.entries(OrderEvent).map(([k, v]) => [v, k]));

function streamKey(meta: { venue?: string; inst_type?: string; symbol?: string }, path: string): string {
  return `${meta.venue ?? '?'}/${meta.inst_type ?? '?'}/${meta.symbol ?? path}`;
}

const cmp = (a: Decimal, b: Decimal): number => {
  // compare a.mantissa·10^−a.decimals with b's exactly
  const d = Math.max(a.decimals, b.decimals);
  const x = a.mantissa * 10n ** BigInt(d - a.decimals);
  const y = b.mantissa * 10n ** BigInt(d - b.decimals);
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * Every ticker stream under `root` (a recording directory); damaged files go to `bad`. `marketSpan`: the local-time
 * span of a stream's market data, if recorded.
 */
export async function inspectTicker(
  root: string,
  bad: DamagedEntry[],
  marketSpan: (stream: string) => { first: bigint; last: bigint } | undefined = () => undefined,
): Promise<TickerReport[]> {
  const byStream = new Map<string, { files: number; rows: TickerRow[] }>();
  for (const f of streamFiles(root, 'ticker')) {
    try {
      const { meta } = await readFileMeta(f);
      const rows: TickerRow[] = [];
      for await (const g of fileRowGroups(f)) tickerRowsOf(g.columns, g.rows, rows);
      const key = streamKey(meta, f);
      const s = byStream.get(key) ?? { files: 0, rows: [] };
      s.files++;
      for (const r of rows) s.rows.push(r);
      byStream.set(key, s);
    } catch (err) {
      const d = damaged(f, err);
      bad.push({ path: d.path, reason: d.reason });
    }
  }
  const out: TickerReport[] = [];
  for (const [stream, s] of byStream) {
    const rows = sortTickerRows(s.rows);
    const first = rows.length ? rows[0].exchNs : 0n;
    const last = rows.length ? rows[rows.length - 1].exchNs : 0n;
    const all = settlementsOf(rows);
    const within = marketSpan(stream) ?? { first, last };
    const inside = all.filter((x) => x.atNs >= within.first && x.atNs <= within.last);
    const after = all.find((x) => x.atNs > within.last) ?? null;
    let low: Decimal | null = null;
    let high: Decimal | null = null;
    for (const r of rows) {
      if (!r.mark) continue;
      if (low === null || cmp(r.mark, low) < 0) low = r.mark;
      if (high === null || cmp(r.mark, high) > 0) high = r.mark;
    }
    out.push({
      stream,
      files: s.files,
      rows: rows.length,
      firstExchTs: String(first),
      lastExchTs: String(last),
      settlements: inside.map((x) => ({ atNs: String(x.atNs), rate: decimalText(x.rate), mark: x.mark ? decimalText(x.mark) : null })),
      next: after ? { atNs: String(after.atNs), rate: decimalText(after.rate) } : null,
      mark: low && high ? { low: decimalText(low), high: decimalText(high) } : null,
    });
  }
  return out;
}

/** Every own-order stream under `root` (a recording directory); damaged files go to `bad`. */
export async function inspectOrders(root: string, bad: DamagedEntry[]): Promise<OrdersReport[]> {
  const byStream = new Map<string, OrdersReport>();
  for (const f of streamFiles(root, 'orders')) {
    try {
      const { meta } = await readFileMeta(f);
      const byEvent: Record<string, number> = {};
      let records = 0;
      let first = 0n;
      let last = 0n;
      for await (const g of fileRowGroups(f)) {
        const kind = g.columns.kind as Int32Array;
        const flags = g.columns.flags as Int32Array;
        const local = g.columns.local_ts as BigInt64Array;
        for (let i = 0; i < g.rows; i++) {
          if (kind[i] !== 6) continue;
          records++;
          const name = EVENT_NAMES[flags[i]] ?? `event_${flags[i]}`;
          byEvent[name] = (byEvent[name] ?? 0) + 1;
          const t = local[i];
          if (first === 0n || t < first) first = t;
          if (t > last) last = t;
        }
      }
      const key = streamKey(meta, f);
      let s = byStream.get(key);
      if (!s) {
        s = { stream: key, files: 0, records: 0, byEvent: {}, firstLocalTs: String(first), lastLocalTs: String(last) };
        byStream.set(key, s);
      }
      s.files++;
      s.records += records;
      for (const [k, v] of Object.entries(byEvent)) s.byEvent[k] = (s.byEvent[k] ?? 0) + v;
      if (records) {
        if (BigInt(s.firstLocalTs) === 0n || first < BigInt(s.firstLocalTs)) s.firstLocalTs = String(first);
        if (last > BigInt(s.lastLocalTs)) s.lastLocalTs = String(last);
      }
    } catch (err) {
      const d = damaged(f, err);
      bad.push({ path: d.path, reason: d.reason });
    }
  }
  return [...byStream.values()];
}

/**
 * The Parquet files of `stream` for `root`: under root/_ticker/ for a recording root; for a path inside the stream
 * itself (data/_ticker, one of its files), that file or every file under it.
 */
function streamFiles(root: string, stream: 'ticker' | 'orders'): string[] {
  const within = sideStreamOf(resolve(root));
  if (within === null) return isDir(root) ? listStreamParquet(root, SIDE_STREAM_DIRS[stream]) : [];
  if (within !== stream) return [];
  if (!isDir(root)) return root.endsWith('.parquet') ? [root] : [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.parquet'))
    .map((f) => join(root, f))
    .sort();
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
