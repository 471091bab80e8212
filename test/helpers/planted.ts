// A synthetic recording with a planted edge for optimizer tests. Episodes of about 2.5 s: a neutral book, then
// three messages of touch imbalance, then the price moves 8 ticks. A strong imbalance (obiN ≈ 0.68) always
// precedes a move in its direction; a weak one (obiN ≈ 0.33) precedes a move in a random direction. So entering
// on obiN above a threshold between the two earns, below both it also takes the coin flips (and pays for them),
// above both it never trades.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kind, Flag, R, REC_SIZE, wireDecimals } from '../../src/core/record';
import { writeI64, writeI64Big } from '../../src/core/int64';
import { encodeParquet } from '../../src/capture/parquet/encode';
import { marketPath, type FileMeta } from '../../src/capture/schema';
import { mulberry32 } from '../../src/exchange/rng';

export const PLANTED_BASE = {
  signal: { source: 'obiN' },
  entry: { confirmCount: 2, threshold: 0.5 },
  exit: { threshold: 0.1 },
  hurdle: { enabled: false },
};

export function writePlantedRecording(root: string, episodes = 40, seed = 3): { rows: number; fromNs: bigint; toNs: bigint } {
  const rand = mulberry32(seed);
  const words = new Int32Array(episodes * 40 * 16 * (REC_SIZE / 4));
  let n = 0;
  let t = 1_800_000_000_000_000_000n;
  let mid = 1000; // bid = mid − 1, ask = mid (ticks of 0.1): a move of 8 ticks is worth far more than the fees
  const FEED = 5_000_000n;
  const rec = (kind: number, side: number, flags: number, price: number, qty: number) => {
    const at = n * REC_SIZE;
    words.fill(0, at >> 2, (at + REC_SIZE) >> 2);
    words[at >> 2] = kind | (side << 8) | (flags << 16);
    writeI64Big(words, at + R.exchTs, t);
    writeI64Big(words, at + R.localTs, t + FEED);
    writeI64(words, at + R.price, price);
    writeI64(words, at + R.qty, qty);
    writeI64(words, at + R.seq, n);
    words[(at + R.aux2) >> 2] = wireDecimals(1, 3);
    n++;
  };
  // a full book: the touch with the given sizes, four more levels of 10 lots each side
  const book = (bidQty: number, askQty: number, snapshot: boolean) => {
    if (snapshot) rec(Kind.bookClear, 0, Flag.snapshot | Flag.reset, 0, 0);
    const f = snapshot ? Flag.snapshot : 0;
    for (let i = 0; i < 5; i++) rec(Kind.bookLevel, 1, f, mid - 1 - i, i === 0 ? bidQty : 10);
    for (let i = 0; i < 5; i++) rec(Kind.bookLevel, 2, f | (i === 4 ? Flag.last : 0), mid + i, i === 0 ? askQty : 10);
  };
  const step = (ms: number) => (t += BigInt(ms) * 1_000_000n);
  const fromNs = t + FEED;
  for (let e = 0; e < episodes; e++) {
    book(10, 10, true); // a snapshot each episode: moves need no level deletes
    for (let i = 0; i < 9; i++) {
      step(100);
      book(10, 10, false);
    }
    const strong = e % 2 === 0;
    const up = rand() < 0.5;
    const big = strong ? 200 : 60;
    const small = strong ? 5 : 20;
    for (let i = 0; i < 3; i++) {
      step(100);
      book(up ? big : small, up ? small : big, false);
    }
    const dir = strong ? (up ? 1 : -1) : rand() < 0.5 ? 1 : -1;
    step(100);
    mid += 8 * dir;
    book(10, 10, true);
    for (let i = 0; i < 10; i++) {
      step(100);
      book(10, 10, false);
    }
    step(100);
  }
  const toNs = t + FEED;
  const meta: FileMeta = {
    schema_version: '1',
    venue: 'bitget',
    inst_type: 'USDT-FUTURES',
    symbol: 'BTCUSDT',
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
    feed_latency_p1_ns: String(FEED),
    recorder_version: 'test',
    source: 'replay',
    dropped_records: '0',
    first_local_ts: String(fromNs),
    last_local_ts: String(toNs),
    rows: String(n),
  };
  const path = marketPath(root, 'bitget', 'USDT-FUTURES', 'BTCUSDT', fromNs, 0);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodeParquet(words, 0, n, meta));
  return { rows: n, fromNs, toNs };
}
