// A recording of two futures with funding, in the layout `ringbook record` writes: BTCUSDT and ETHUSDT book messages
// every 10 ms (exchange clock; received 30 ms later) and each symbol's ticker stream under <root>/_ticker/ naming a
// settlement inside the data, with its rate re-quoted once and its mark. Positions taken at the first books are held
// through both settlements, so funding is a known, non-zero part of every run's net.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REC_SIZE } from '../../src/core/index';
import { columnsToRecords } from '../../src/capture/parquet/reader';
import { encodeParquet } from '../../src/capture/parquet/encode';
import { marketPath, type FileMeta } from '../../src/capture/schema';
import { listParquet } from '../../src/capture/recover';
import { readFileMeta } from '../../src/capture/read-file';
import { parseDecimal, writeTickerRecord } from '../../src/feed/ticker';
import { recordingMeta } from './recording-files';
import { T0, bookMessage, recordColumns, type Rec } from './record-columns';

const FEED_MS = 30;
const MS = 1_000_000n;
const GRIDS = {
  BTCUSDT: { tick_size: '0.1', lot_size: '0.001', price_scale: '1', size_scale: '3' },
  ETHUSDT: { tick_size: '0.01', lot_size: '0.01', price_scale: '2', size_scale: '2' },
} as const;

/** The settlements the tickers name (ms after T0 on the exchange clock) with the rate in force and the mark then. */
export const SETTLEMENTS = {
  BTCUSDT: { atMs: 60, rate: '0.00012', mark: '100.5' },
  ETHUSDT: { atMs: 70, rate: '-0.0002', mark: '5.12' },
} as const;

function writeMarket(root: string, symbol: keyof typeof GRIDS, recs: Rec[]): void {
  const { cols, rows } = recordColumns(recs, FEED_MS);
  const words = new Int32Array((rows * REC_SIZE) / 4);
  columnsToRecords(cols, rows, words, 0, 0);
  const meta = recordingMeta(cols.local_ts[0], cols.local_ts[rows - 1], rows, { symbol, ...GRIDS[symbol] });
  const path = marketPath(root, 'bitget', 'USDT-FUTURES', symbol, cols.local_ts[0], 0);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodeParquet(words, 0, rows, meta, { rowGroupSize: 7 }));
}

/** One ticker push: when (exchange clock), the settlement it names, its rate and mark (decimal text as Bitget sends them). */
export interface TickerPush {
  exchNs: bigint;
  nextNs: bigint;
  rate: string;
  mark: string;
}

/** `pushes` (in time order) as `symbol`'s `_ticker` stream file under `root`, received FEED_MS later; `meta` its grid. */
export function writeTickerStream(root: string, symbol: string, pushes: readonly TickerPush[], meta: Partial<FileMeta>): void {
  const words = new Int32Array((pushes.length * REC_SIZE) / 4);
  const local = (p: TickerPush) => p.exchNs + BigInt(FEED_MS) * MS;
  pushes.forEach((p, i) =>
    writeTickerRecord(words, i * REC_SIZE, 0, local(p), {
      exchNs: p.exchNs,
      mark: parseDecimal(p.mark),
      index: parseDecimal(p.mark),
      rate: parseDecimal(p.rate),
      nextFundingNs: p.nextNs,
    }),
  );
  const first = local(pushes[0]);
  const m = recordingMeta(first, local(pushes[pushes.length - 1]), pushes.length, { ...meta, symbol });
  const path = marketPath(join(root, '_ticker'), 'bitget', 'USDT-FUTURES', symbol, first, 0);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodeParquet(words, 0, pushes.length, m));
}

/** Ticker pushes [exchange ms, next settlement ms, rate, mark] of `symbol` as its `_ticker` stream file. */
function writeTicker(root: string, symbol: keyof typeof GRIDS, pushes: Array<[number, number, string, string]>): void {
  const at = (ms: number) => T0 + BigInt(ms) * MS;
  writeTickerStream(
    root,
    symbol,
    pushes.map(([atMs, nextMs, rate, mark]) => ({ exchNs: at(atMs), nextNs: at(nextMs), rate, mark })),
    GRIDS[symbol],
  );
}

/**
 * Adds a ticker stream to each symbol of the recording under `root`: `count` settlements spread evenly over its
 * market data's span (local clock), each quoted once a millisecond before it, the rate alternating in sign.
 */
export async function addFundingEvenly(root: string, count: number, mark: string): Promise<void> {
  const by = new Map<string, { first: bigint; last: bigint; meta: Partial<FileMeta> }>();
  for (const f of listParquet(root)) {
    const { meta } = await readFileMeta(f);
    const s = by.get(meta.symbol!);
    const first = BigInt(meta.first_local_ts!);
    const last = BigInt(meta.last_local_ts!);
    by.set(meta.symbol!, {
      first: s && s.first < first ? s.first : first,
      last: s && s.last > last ? s.last : last,
      meta,
    });
  }
  for (const [symbol, { first, last, meta }] of by) {
    const step = (last - first) / BigInt(count + 1);
    const pushes = Array.from({ length: count }, (_, k) => {
      const at = first + step * BigInt(k + 1);
      return { exchNs: at - MS, nextNs: at, rate: k % 2 ? '-0.00037' : '0.00051', mark };
    });
    writeTickerStream(root, symbol, pushes, meta);
  }
}

/** Book messages every 10 ms from `startMs` to 100 ms, the mid one tick higher each time (two levels a side of 50 lots). */
function books(startMs: number, mid: number): Rec[] {
  const out: Rec[] = [];
  for (let at = startMs, i = 0; at <= 100; at += 10, i++) {
    const m = mid + i;
    out.push(
      ...bookMessage(
        at,
        [
          [1, m - 1, 50],
          [1, m - 2, 50],
          [2, m + 1, 50],
          [2, m + 2, 50],
        ],
        true,
      ),
    );
  }
  return out;
}

/** Writes the recording into a new temporary directory and returns it. */
export function fundingRecording(): string {
  const root = mkdtempSync(join(tmpdir(), 'ringbook-funding-'));
  writeMarket(root, 'BTCUSDT', books(0, 1000));
  writeMarket(root, 'ETHUSDT', books(5, 500));
  const b = SETTLEMENTS.BTCUSDT;
  const e = SETTLEMENTS.ETHUSDT;
  // BTCUSDT's rate is re-quoted before its settlement (the last quote is the one in force); ETHUSDT's is quoted once
  writeTicker(root, 'BTCUSDT', [
    [20, b.atMs, '0.0001', '100.3'],
    [50, b.atMs, b.rate, b.mark],
  ]);
  writeTicker(root, 'ETHUSDT', [[25, e.atMs, e.rate, e.mark]]);
  return root;
}
