// The feed latency (local − exchange time) of imported book records, sampled as they pass: what Tardis's collector
// saw, printed so a user can rebase it to their own with `backtest --feed-latency-shift` (docs/import.md).
import { Flag, Kind } from '../core/record';
import type { RecordSink } from './record-sink';

const KEEP = 65536;

export class FeedLatencySample implements RecordSink {
  private readonly xs = new Float64Array(KEEP);
  private n = 0;
  private stride = 1;
  private seen = 0;

  constructor(private readonly next: RecordSink) {}

  records(words: Int32Array, at: number, count: number): void {
    for (let i = 0; i < count; i++) {
      const p = at + i * 16;
      const head = words[p];
      // one sample per book message: its last level
      if ((head & 0xff) !== Kind.bookLevel || ((head >>> 16) & Flag.last) === 0) continue;
      if (this.seen++ % this.stride !== 0) continue;
      const ex = words[p + 3] * 4294967296 + (words[p + 2] >>> 0);
      if (ex <= 0) continue;
      const lo = words[p + 5] * 4294967296 + (words[p + 4] >>> 0);
      if (this.n === KEEP) {
        // keep every other sample and halve the rate: a deterministic, evenly spread sample
        for (let k = 0; k < KEEP / 2; k++) this.xs[k] = this.xs[2 * k];
        this.n = KEEP / 2;
        this.stride *= 2;
      }
      this.xs[this.n++] = lo - ex; // doubles: ~0.25 µs resolution at today's epoch, plenty for quantiles
    }
    this.next.records(words, at, count);
  }

  /** Quantiles in ns (null without book records). */
  quantiles(): { p1: number; p50: number; p99: number } | null {
    if (this.n === 0) return null;
    const s = this.xs.slice(0, this.n).sort();
    const q = (f: number) => s[Math.min(this.n - 1, Math.floor(this.n * f))];
    return { p1: q(0.01), p50: q(0.5), p99: q(0.99) };
  }
}
