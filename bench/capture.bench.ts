// `ringbook bench capture`: sustained records/s from the capture ring to finished, fsynced Parquet files (journal
// writes, encoding, durable rename included), and bytes per record, on a Bitget-like stream (bench/bookstream.ts:
// 1–20 level changes per message around a moving touch, ns timestamps, Bitget-sized sequence numbers).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCore, Ring } from '../src/core/index';
import { ManualClock } from '../src/core/clock';
import { Recorder } from '../src/capture/recorder';
import { listParquet } from '../src/capture/recover';
import { BookStream } from './bookstream';
import { Results } from './stats';

export async function benchCapture(opts: { rounds: number; quick: boolean }) {
  const results = new Results();
  const { core } = await loadCore();
  const ring = new Ring(core, core.ringOffset('capture'));
  const events = opts.quick ? 200_000 : 2_000_000;
  const chunk = 32768;
  const view = new Int32Array(chunk * 16);
  for (let round = 0; round < opts.rounds; round++) {
    const root = mkdtempSync(join(tmpdir(), 'ringbook-bench-capture-'));
    // the stream's own start: a clock a year ahead of the records rolled a file at every tick (32 K-row files)
    const clock = new ManualClock(1_764_000_000_000_000_000n);
    const rec = new Recorder(
      core,
      ring,
      root,
      [
        {
          inst: 0,
          info: {
            venue: 'bitget',
            instType: 'USDT-FUTURES',
            symbol: 'BTCUSDT',
            tickSize: '0.1',
            lotSize: '0.001',
            priceScale: 1,
            priceStep: 1n,
            sizeScale: 3,
            sizeStep: 1n,
            source: 'simulator',
          },
        },
      ],
      clock,
      { flushNs: 1_000_000_000n, rollNs: 60_000_000_000n, maxRows: 1_000_000 },
    );
    const stream = new BookStream(100 + round);
    let moved = 0;
    let ns = 0;
    while (moved < events) {
      const n = stream.fill(view, Math.min(chunk, ring.writable(chunk)));
      for (let i = 0; i < n; i++) view[i * 16 + 1] = 0;
      core.words.set(view.subarray(0, n * 16), ring.slot(ring.head) >> 2); // the ring is empty here: no wrap
      ring.publish(n);
      clock.advance(100_000_000n); // 0.1 s of market per chunk: one journal flush each second
      const t = performance.now();
      while (rec.drain(chunk) > 0);
      rec.tick();
      ns += performance.now() - t;
      moved += n;
    }
    const t = performance.now();
    rec.close();
    ns += performance.now() - t;
    const bytes = listParquet(root).reduce((a, f) => a + statSync(f).size, 0);
    rmSync(root, { recursive: true, force: true });
    results.add('records_per_s', 'capture ring → finished Parquet (journal, encode, fsync)', 'M rec/s', moved / (ns / 1000) / 1e6);
    results.add('bytes_per_record', 'file bytes per record (DELTA_BINARY_PACKED + SNAPPY)', 'B/rec', bytes / moved);
  }
  return { results, events };
}
