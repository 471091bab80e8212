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
      // one sample per book message, the record inspect measures too: its last level (or its end marker)
      const kind = head & 0xff;
      if ((kind !== Kind.bookLevel && kind !== Kind.msgEnd) || ((head >>> 16) & Flag.last) === 0) continue;
      if (words[p + 3] < 0 || (words[p + 3] === 0 && words[p + 2] === 0)) continue; // no exchange time
      if (this.seen++ % this.stride !== 0) continue;
      if (this.n === KEEP) {
        // keep every other sample and halve the rate: a deterministic, evenly spread sample
        for (let k = 0; k < KEEP / 2; k++) this.xs[k] = this.xs[2 * k];
        this.n = KEEP / 2;
        this.stride *= 2;
      }
      // the difference of the int64 words, not of the times as doubles (256 ns apart at today's epoch): exact ns
      this.xs[this.n++] = (words[p + 5] - words[p + 3]) * 4294967296 + ((words[p + 4] >>> 0) - (words[p + 2] >>> 0));
    }
    this.next.records(words, at, count);
  }

  /**
   * Quantiles in ns (null without book records), by nearest rank (the ⌈f·n⌉-th smallest) as `ringbook inspect` gives
   * them (src/capture/inspect.ts): the summary and inspect print the same figures for the same data (up to 65 536 book
   * messages; of an even sample beyond).
   */
  quantiles(): { p1: number; p50: number; p99: number } | null {
    if (this.n === 0) return null;
    const s = this.xs.slice(0, this.n).sort();
    const q = (f: number) => s[Math.min(this.n - 1, Math.max(0, Math.ceil(f * this.n) - 1))];
    return { p1: q(0.01), p50: q(0.5), p99: q(0.99) };
  }
}
