// A generated recording for the backtest and optimizer benchmarks: the Bitget-like book stream (./bookstream) with
// a public trade at the touch after about one message in three, written as ringbook market-data files of up to
// 1 M rows in the hive layout. The stream's clock is stretched so messages come ~36 ms apart on average, as a busy
// Bitget book does (10 M events ≈ 10 hours), with 30 ms of feed latency. Deterministic for a seed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kind, R, REC_SIZE } from '../src/core/record';
import { writeI64, writeI64Big } from '../src/core/int64';
import { encodeParquet, type EncodeOptions } from '../src/capture/parquet/encode';
import { marketPath, type FileMeta } from '../src/capture/schema';
import { BookStream } from './bookstream';
import { rng } from './stats';

const WORDS = REC_SIZE / 4;
const STRETCH = 300n;
const FEED_NS = 30_000_000n;

/** Rewrites the timestamps of `n` records from word `at`: local = t0 + (t − t0)·STRETCH, exchange = local − feed. */
function stretch(words: Int32Array, at: number, n: number, t0: bigint): void {
  for (let i = 0; i < n; i++) {
    const b = (at + i * WORDS) * 4;
    const t = (BigInt(words[(b + R.localTs) / 4 + 1]) << 32n) | BigInt(words[(b + R.localTs) / 4] >>> 0);
    const local = t0 + (t - t0) * STRETCH;
    writeI64Big(words, b + R.localTs, local);
    writeI64Big(words, b + R.exchTs, local - FEED_NS);
  }
}

export function writeRecording(
  root: string,
  events: number,
  seed = 7,
  rowsPerFile = 1_000_000,
  o: EncodeOptions = {},
  symbol = 'BTCUSDT',
): { files: number; rows: number } {
  const stream = new BookStream(seed);
  const rand = rng(seed + 1);
  const batch = 32768;
  const tmp = new Int32Array(batch * WORDS);
  const words = new Int32Array((rowsPerFile + batch * 2) * WORDS);
  let rows = 0;
  let files = 0;
  let t0: bigint | undefined;
  while (rows < events) {
    let n = 0;
    while (n < rowsPerFile && rows + n < events) {
      const got = stream.fill(tmp, Math.min(batch, events - rows - n + 21));
      if (got === 0) break;
      // copy message by message, adding a trade at the touch after some of them
      let i = 0;
      while (i < got && n < rowsPerFile + batch) {
        let j = i;
        while (((tmp[j * WORDS] >> 16) & 2) === 0 && j + 1 < got) j++; // to the message's last record
        words.set(tmp.subarray(i * WORDS, (j + 1) * WORDS), n * WORDS);
        t0 ??= (BigInt(tmp[i * WORDS + R.localTs / 4 + 1]) << 32n) | BigInt(tmp[i * WORDS + R.localTs / 4] >>> 0);
        stretch(words, n * WORDS, j - i + 1, t0);
        n += j - i + 1;
        if (rand() < 0.35) {
          const last = (n - 1) * WORDS;
          const at = n * WORDS;
          words.set(words.subarray(last, last + WORDS), at);
          const takerBuy = rand() < 0.5;
          const s = stream as unknown as { bestBid: number; bestAsk: number };
          words[at] = Kind.trade | ((takerBuy ? 1 : 2) << 8);
          writeI64(words, at * 4 + R.price, takerBuy ? s.bestAsk : s.bestBid);
          writeI64(words, at * 4 + R.qty, 1 + Math.floor(rand() * 200));
          writeI64(words, at * 4 + R.aux2, 0);
          n++;
        }
        i = j + 1;
      }
    }
    if (n === 0) break;
    const firstTs = (BigInt(words[R.localTs / 4 + 1]) << 32n) | BigInt(words[R.localTs / 4] >>> 0);
    const lastAt = (n - 1) * REC_SIZE + R.localTs;
    const lastTs = (BigInt(words[lastAt / 4 + 1]) << 32n) | BigInt(words[lastAt / 4] >>> 0);
    const meta: FileMeta = {
      schema_version: '1',
      venue: 'bitget',
      inst_type: 'USDT-FUTURES',
      symbol,
      tick_size: '0.1',
      lot_size: '0.001',
      price_scale: '1',
      price_step: '1',
      size_scale: '3',
      size_step: '1',
      clock_offset_ns: '',
      clock_offset_bound_ns: '',
      clock_offset_method: '',
      clock_offset_rtt_ns: '',
      feed_latency_p1_ns: '30000000',
      recorder_version: 'bench',
      source: 'replay',
      dropped_records: '0',
      first_local_ts: String(firstTs),
      last_local_ts: String(lastTs),
      rows: String(n),
    };
    const path = marketPath(root, 'bitget', 'USDT-FUTURES', symbol, firstTs, files);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, encodeParquet(words, 0, n, meta, o));
    rows += n;
    files++;
  }
  return { files, rows };
}

/**
 * A recording of several symbols with `events` in all: each symbol an equal share, a stream of its own (seeds
 * `seed`, `seed` + 1, …) on the same clock, so their messages interleave in local time over the same span.
 */
export function writeSymbols(root: string, events: number, symbols: readonly string[], seed = 7): { files: number; rows: number } {
  let files = 0;
  let rows = 0;
  symbols.forEach((symbol, i) => {
    const g = writeRecording(root, Math.round(events / symbols.length), seed + 2 * i, 1_000_000, {}, symbol);
    files += g.files;
    rows += g.rows;
  });
  return { files, rows };
}
