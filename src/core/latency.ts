// Latency samples (ns) kept in a fixed ring of the most recent ones; percentiles on demand. Allocation-free on the
// recording path.
import { rankOf } from '../latency/histogram';

export class LatencySamples {
  private readonly buf: Float64Array;
  private n = 0;

  constructor(capacity = 1 << 17) {
    this.buf = new Float64Array(capacity);
  }

  add(ns: number): void {
    this.buf[this.n % this.buf.length] = ns;
    this.n++;
  }

  get count(): number {
    return this.n;
  }

  /** Percentiles (0..100) of the retained samples, in ns; NaN when empty. */
  percentiles(ps: number[]): number[] {
    const k = Math.min(this.n, this.buf.length);
    if (k === 0) return ps.map(() => NaN);
    const sorted = this.buf.slice(0, k).sort();
    // the exact rank (0.999 × 1000 is 999.0000000000001 in doubles: ceil would take the 1000th)
    return ps.map((p) => sorted[rankOf(p, k) - 1]);
  }

  summary(): { count: number; p50: number; p99: number; p999: number; max: number } {
    const [p50, p99, p999, max] = this.percentiles([50, 99, 99.9, 100]);
    return { count: this.n, p50, p99, p999, max };
  }

  clear(): void {
    this.n = 0;
  }
}

/** ns between a local timestamp given as (hi, lo) halves and a clock reading, as a number. */
export function elapsedNs(nowHi: number, nowLo: number, hi: number, lo: number): number {
  return (nowHi - hi) * 4294967296 + (nowLo - lo);
}
