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
import { marketPath } from '../../src/capture/schema';
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

/** Ticker pushes [exchange ms, next settlement ms, rate, mark] of `symbol` as its `_ticker` stream file. */
function writeTicker(root: string, symbol: keyof typeof GRIDS, pushes: Array<[number, number, string, string]>): void {
  const words = new Int32Array((pushes.length * REC_SIZE) / 4);
  pushes.forEach(([atMs, nextMs, rate, mark], i) => {
    const exchNs = T0 + BigInt(atMs) * MS;
    writeTickerRecord(words, i * REC_SIZE, 0, exchNs + BigInt(FEED_MS) * MS, {
      exchNs,
      mark: parseDecimal(mark),
      index: parseDecimal(mark),
      rate: parseDecimal(rate),
      nextFundingNs: T0 + BigInt(nextMs) * MS,
    });
  });
  const first = T0 + BigInt(pushes[0][0] + FEED_MS) * MS;
  const last = T0 + BigInt(pushes[pushes.length - 1][0] + FEED_MS) * MS;
  const meta = recordingMeta(first, last, pushes.length, { symbol, ...GRIDS[symbol] });
  const path = marketPath(join(root, '_ticker'), 'bitget', 'USDT-FUTURES', symbol, first, 0);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodeParquet(words, 0, pushes.length, meta));
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
