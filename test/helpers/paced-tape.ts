// The bench's book stream paced like Bitget's (messages ~36 ms apart) with 30 ms of feed latency, a public trade after
// every fifth message, and every seventh message stamped 5 ms *before* its exchange time (a local clock behind: its
// signal is delivered at the exchange time, stamped earlier than a tick it follows). `breachEvery` N: every Nth
// message arrives with 3 s of feed latency instead (a breach for a strategy whose limit is lower).
import { R, REC_SIZE, Kind } from '../../src/core/index';
import { createBacktestCore, instrumentOf, type RecordingGrid } from '../../src/backtest/backtest';
import { Backtest, type BacktestOptions } from '../../src/backtest/run';
import type { StrategyRuntime } from '../../src/strategy/runtime';
import { bookRecords } from '../../bench/bookstream';
import { testCore } from './core';

export const GRID: RecordingGrid = { priceScale: 1, priceStep: 1n, sizeScale: 3, sizeStep: 1n, tickSize: 0.1, lotSize: 0.001 };
const WORDS = REC_SIZE / 4;

export function pacedTape(n: number, breachEvery = 0): { words: Int32Array; rows: number } {
  const src = bookRecords(n, 5);
  const out = new Int32Array((src.n + src.n / 4) * WORDS);
  const big = new BigInt64Array(out.buffer);
  const at = (i: number, field: number) => (i * REC_SIZE + field) / 8;
  const srcBig = new BigInt64Array(src.words.buffer);
  const t0 = srcBig[R.localTs / 8];
  let rows = 0;
  let msg = 0;
  for (let i = 0; i < src.n; i++) {
    out.set(src.words.subarray(i * WORDS, (i + 1) * WORDS), rows * WORDS);
    const local = t0 + (srcBig[at(i, R.localTs)] - t0) * 300n;
    big[at(rows, R.exchTs)] = local - (breachEvery && msg % breachEvery === breachEvery - 1 ? 3_000_000_000n : 30_000_000n);
    big[at(rows, R.localTs)] = msg % 7 === 3 ? local - 35_000_000n : local;
    rows++;
    const last = ((src.words[i * WORDS] >> 16) & 2) !== 0 && (src.words[i * WORDS] & 0xff) === Kind.bookLevel;
    if (last) {
      if (msg % 5 === 1) {
        out.set(out.subarray((rows - 1) * WORDS, rows * WORDS), rows * WORDS);
        out[rows * WORDS] = Kind.trade | ((msg % 2 ? 1 : 2) << 8);
        big[at(rows, R.qty)] = 40n;
        rows++;
      }
      msg++;
    }
  }
  return { words: out, rows };
}

/** JSON of runtime state and traces for byte-for-byte comparison (bigints marked, maps as entries, id memories out). */
export const stateJson = (x: unknown) =>
  JSON.stringify(x, (k, v) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Map ? [...v] : k === 'usedOids' || k === 'seenFills' ? undefined : v,
  );

/** One backtest over a tape: its runtime, its trace as JSON and every action with its local and decision times. */
export async function runOnTape(
  o: Pick<BacktestOptions, 'strategy' | 'latency' | 'queue' | 'everyTick' | 'everyBook' | 'onRuntime' | 'fromNs' | 'toNs'>,
  words: Int32Array,
  rows: number,
): Promise<{ bt: Backtest; rt: StrategyRuntime; trace: string; actions: string[] }> {
  const bc = createBacktestCore(await testCore(), GRID, 512);
  bc.reset({});
  const actions: string[] = [];
  let rt: StrategyRuntime | null = null;
  const bt = new Backtest(bc, {
    ...o,
    instrument: instrumentOf(GRID, 'BTCUSDT', { maker: 0.0002, taker: 0.0006 }),
    onRuntime: (r) => {
      rt = r;
      o.onRuntime?.(r);
    },
    onAction: (local, a, decided) => actions.push(`${local} ${decided} ${stateJson(a)}`),
  });
  bt.feedRecords(words, 0, rows);
  const trace = stateJson(bt.finish());
  return { bt, rt: rt as unknown as StrategyRuntime, trace, actions };
}
