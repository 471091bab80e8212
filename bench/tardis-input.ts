// Generated Tardis.dev inputs for `ringbook bench import`: tardis-machine replay lines around bench/frames.ts's
// Bitget books frames (with a trade frame after every third), and a CSV pair (incremental_book_L2 + trades) of the
// same shape — a 500-level snapshot per side, then messages of 1–20 level changes near the touch. Seeded.
import { createWriteStream, type WriteStream } from 'node:fs';
import { createGzip } from 'node:zlib';
import { once } from 'node:events';
import { makeFrames } from './frames';
import { rng } from './stats';

const iso = (ns: bigint) => {
  const ms = Number(ns / 1_000_000n);
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(ns % 1_000_000_000n)
    .padStart(9, '0')
    .slice(0, 7)}Z`;
};

async function put(out: WriteStream, s: string): Promise<void> {
  if (!out.write(s)) await once(out, 'drain');
}

async function close(out: WriteStream): Promise<void> {
  out.end();
  await once(out, 'finish');
}

/** Writes `frames` books frames (and trade frames) as tardis-machine lines to `path` (gzip when it ends in .gz). */
export async function writeNdjson(path: string, frames: number, seed = 7): Promise<{ lines: number; bytes: number }> {
  const file = createWriteStream(path);
  let gz: ReturnType<typeof createGzip> | null = null;
  if (path.endsWith('.gz')) {
    gz = createGzip({ level: 1 });
    gz.pipe(file);
  }
  const out = (gz ?? file) as unknown as WriteStream;
  const rand = rng(seed + 1);
  let local = 0n;
  let tradeId = 1_300_000_000_000_000_000n;
  let lines = 0;
  let bytes = 0;
  const fs = makeFrames(frames, seed); // one chain: exchange times only move forward
  const batch = 20_000;
  for (let done = 0; done < fs.length; done += batch) {
    const parts: string[] = [];
    for (let i = done; i < Math.min(fs.length, done + batch); i++) {
      const frame = fs[i].toString('latin1');
      // received 2–8 ms after the exchange stamped it, never before the line before
      const exch = BigInt(/"ts":"(\d+)"/.exec(frame)![1]) * 1_000_000n;
      const t = exch + BigInt(2_000_000 + Math.floor(rand() * 6_000_000));
      local = t > local ? t : local + 100n;
      parts.push(`{"localTimestamp":"${iso(local)}","message":${frame}}\n`);
      if (i % 3 === 2) {
        tradeId += BigInt(1 + Math.floor(rand() * 20));
        const ms = exch / 1_000_000n;
        const trade = `{"action":"update","arg":{"instType":"USDT-FUTURES","channel":"trade","instId":"BTCUSDT"},"data":[{"ts":"${ms}","price":"90000.1","size":"0.0123","side":"${rand() < 0.5 ? 'buy' : 'sell'}","tradeId":"${tradeId}"}],"ts":${ms + 1n}}`;
        local += 1000n;
        parts.push(`{"localTimestamp":"${iso(local)}","message":${trade}}\n`);
      }
    }
    const s = parts.join('');
    lines += parts.length;
    bytes += s.length;
    await put(out, s);
  }
  await close(out);
  if (gz) await once(file, 'close');
  return { lines, bytes };
}

/** Writes an incremental_book_L2 and a trades CSV of about `rows` book rows (tick 0.1, lot 0.001). */
export async function writeCsv(bookPath: string, tradesPath: string, rows: number, seed = 11): Promise<{ rows: number; bytes: number }> {
  const book = createWriteStream(bookPath);
  const trades = createWriteStream(tradesPath);
  const rand = rng(seed);
  const px = (t: number) => `${Math.floor(t / 10)}.${t % 10}`;
  const sz = (l: number) => (l / 1000).toFixed(3);
  let t = 1_777_593_600_000_000; // µs
  let written = 0;
  let bytes = 0;
  let id = 4_000_000_000;
  const mid = 900_000;
  await put(book, 'exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount\n');
  await put(trades, 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n');
  let parts: string[] = [];
  let tparts: string[] = [];
  let msg = 0;
  let local = 0;
  while (written < rows) {
    t += 1 + Math.floor(rand() * 40_000);
    local = Math.max(local + 1, t + 800 + Math.floor(rand() * 3000));
    const snapshot = msg % 20_000 === 0;
    const n = snapshot ? 500 : 1 + Math.floor(rand() * 20);
    for (let j = 0; j < n; j++) {
      const d = snapshot ? j : Math.floor(-Math.log(1 - rand()) * 6);
      const lots = !snapshot && rand() < 0.25 ? 0 : 1 + Math.floor(rand() * rand() * 200000);
      const bid = snapshot || rand() < 0.5;
      parts.push(
        `binance-futures,BTCUSDT,${t},${local},${snapshot},${bid ? 'bid' : 'ask'},${px(bid ? mid - d : mid + 1 + d)},${lots === 0 ? '0' : sz(lots)}\n`,
      );
      if (snapshot) parts.push(`binance-futures,BTCUSDT,${t},${local},true,ask,${px(mid + 1 + d)},${sz(1 + j)}\n`);
    }
    written += snapshot ? 2 * n : n;
    if (msg % 3 === 1) {
      tparts.push(
        `binance-futures,BTCUSDT,${t - 500},${local + 200},${id++},${rand() < 0.5 ? 'buy' : 'sell'},${px(mid)},${sz(1 + Math.floor(rand() * 900))}\n`,
      );
      written++;
    }
    msg++;
    if (parts.length >= 20_000) {
      const s = parts.join('');
      bytes += s.length;
      await put(book, s);
      parts = [];
      const ts = tparts.join('');
      bytes += ts.length;
      await put(trades, ts);
      tparts = [];
    }
  }
  const s = parts.join('');
  const ts = tparts.join('');
  bytes += s.length + ts.length;
  await put(book, s);
  await put(trades, ts);
  await close(book);
  await close(trades);
  return { rows: written, bytes };
}
