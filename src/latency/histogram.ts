// A latency histogram in the HDR layout (Gil Tene's HdrHistogram): below 256 ns one bucket per ns, above that 128
// buckets per power of two, so every bucket is at most 1/128 of its value wide (reported at its middle: within
// 0.4 %) from 1 ns to 2^43 ns (2.4 h) in 4,736 buckets. Recording is a few integer operations and no allocation.
//
// WHEN TO USE: one histogram per measured hop, written by one thread. The counts live in a Float64Array that can sit
// on a SharedArrayBuffer, so the thread that records and the threads that read (a status line, a metrics exporter)
// share it without messages; a reader sees a snapshot that may lag the writer by the records in flight.
//
// Why our own and not hdr-histogram-js: its histograms are objects of one isolate, so moving one between threads
// means encoding and decoding it (base64 + deflate) every time a reader looks; this one is plain memory any thread
// maps, with the same bucket layout and precision (two significant digits and better).

const SUB_BITS = 7;
const SUB = 1 << SUB_BITS; // 128 buckets per power of two
const LINEAR = SUB * 2; // below 256 ns: one bucket per ns
const MAX_EXP = 43;
/** The largest value kept apart; larger ones count in the last bucket (and in max exactly). */
export const HIST_MAX_NS = 2 ** MAX_EXP - 1;
// the top octave (2^42 up to 2^43) is bucket 35 × 128 + 255, the last
const BUCKETS = (MAX_EXP - SUB_BITS - 1) * SUB + LINEAR; // 4736
// Header words: count, sum (ns), min, max, negatives (clamped to 0: clocks of two processes disagreed)
const H_COUNT = 0;
const H_SUM = 1;
const H_MIN = 2;
const H_MAX = 3;
const H_NEG = 4;
const HEADER = 8;
/** Float64 words one histogram takes (header + buckets). */
export const HIST_WORDS = HEADER + BUCKETS;
export const HIST_BYTES = HIST_WORDS * 8;

/** Bucket index of a value ≥ 0 (ns, whole). */
export function bucketOf(v: number): number {
  if (v < LINEAR) return v;
  if (v > HIST_MAX_NS) v = HIST_MAX_NS;
  // exponent of the highest set bit; above 2^31 Math.clz32 cannot see it
  const e = v < 2147483648 ? 31 - Math.clz32(v) : Math.floor(Math.log2(v));
  const shift = e - SUB_BITS;
  const top = v < 2147483648 ? v >>> shift : Math.floor(v / 2 ** shift);
  return shift * SUB + top;
}

/** The lowest value of bucket `i` and its width. */
export function bucketRange(i: number): { low: number; width: number } {
  if (i < LINEAR) return { low: i, width: 1 };
  const shift = Math.floor(i / SUB) - 1;
  const top = i - shift * SUB;
  return { low: top * 2 ** shift, width: 2 ** shift };
}

/**
 * The 1-based rank of percentile `p` among `total` samples: the smallest rank with at least p % of the samples at or
 * below it. p / 100 × total in doubles lands just above a whole number (0.999 × 1000 = 999.0000000000001), which
 * ceil would turn into the next rank: p99.9 of 1,000 samples read the largest instead of the 999th.
 */
export function rankOf(p: number, total: number): number {
  const exact = (p * total) / 100;
  const near = Math.round(exact);
  const r = Math.abs(exact - near) <= 1e-9 * Math.max(1, near) ? near : Math.ceil(exact);
  return Math.min(total, Math.max(1, r));
}

export interface HistogramSummary {
  count: number;
  /** ns; NaN when empty. */
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  min: number;
  mean: number;
  /** Samples below zero, counted as 0 (a cross-process hop whose two clocks disagreed). */
  negative: number;
}

export class LatencyHistogram {
  readonly words: Float64Array;

  /** Over `words` (HIST_WORDS long, e.g. on a SharedArrayBuffer) or a fresh private array. */
  constructor(words?: Float64Array) {
    if (words && words.length < HIST_WORDS) throw new RangeError(`a histogram needs ${HIST_WORDS} words, got ${words.length}`);
    this.words = words ?? new Float64Array(HIST_WORDS);
    if (!words) this.reset();
  }

  /** Records one value in ns (rounded; negatives count as 0 and in `negative`). */
  record(ns: number): void {
    const w = this.words;
    let v = Math.round(ns);
    if (!(v >= 0)) {
      if (v !== v) return; // NaN: a stage that did not happen
      w[H_NEG]++;
      v = 0;
    }
    w[HEADER + bucketOf(v)]++;
    w[H_SUM] += v;
    if (w[H_COUNT] === 0 || v < w[H_MIN]) w[H_MIN] = v;
    if (v > w[H_MAX]) w[H_MAX] = v;
    w[H_COUNT]++;
  }

  get count(): number {
    return this.words[H_COUNT];
  }

  reset(): void {
    this.words.fill(0);
  }

  /** Adds every sample of `other` to this one. */
  add(other: LatencyHistogram): void {
    const a = this.words;
    const b = other.words;
    if (b[H_COUNT] === 0) return;
    for (let i = HEADER; i < HIST_WORDS; i++) a[i] += b[i];
    if (a[H_COUNT] === 0 || b[H_MIN] < a[H_MIN]) a[H_MIN] = b[H_MIN];
    if (b[H_MAX] > a[H_MAX]) a[H_MAX] = b[H_MAX];
    a[H_SUM] += b[H_SUM];
    a[H_NEG] += b[H_NEG];
    a[H_COUNT] += b[H_COUNT];
  }

  /** A private copy (a reader's consistent snapshot of a histogram another thread writes). */
  copy(): LatencyHistogram {
    return new LatencyHistogram(this.words.slice());
  }

  /**
   * Values at percentiles `ps` (0..100), ns: the first rank is min and the last max, exactly; the others the middle of
   * their bucket clamped to [min, max]. NaN when empty.
   */
  percentiles(ps: readonly number[]): number[] {
    const w = this.words;
    const total = w[H_COUNT];
    if (total === 0) return ps.map(() => NaN);
    const ranks = ps.map((p) => rankOf(p, total));
    const out = ps.map(() => NaN);
    let seen = 0;
    let done = 0;
    // The edges are known exactly: the first sample is min and the last is max, whatever bucket they sit in.
    for (let k = 0; k < ps.length; k++) {
      if (ranks[k] <= 1) out[k] = w[H_MIN];
      else if (ranks[k] >= total) out[k] = w[H_MAX];
      else continue;
      done++;
    }
    for (let i = 0; i < BUCKETS && done < ps.length; i++) {
      const c = w[HEADER + i];
      if (c === 0) continue;
      seen += c;
      for (let k = 0; k < ps.length; k++) {
        if (out[k] === out[k] || ranks[k] > seen) continue;
        const { low, width } = bucketRange(i);
        out[k] = Math.min(w[H_MAX], Math.max(w[H_MIN], low + (width - 1) / 2));
        done++;
      }
    }
    for (let k = 0; k < ps.length; k++) if (out[k] !== out[k]) out[k] = w[H_MAX]; // counts raced ahead of the total
    return out;
  }

  summary(): HistogramSummary {
    const w = this.words;
    const [p50, p90, p99, p999] = this.percentiles([50, 90, 99, 99.9]);
    const n = w[H_COUNT];
    return {
      count: n,
      p50,
      p90,
      p99,
      p999,
      max: n ? w[H_MAX] : NaN,
      min: n ? w[H_MIN] : NaN,
      mean: n ? w[H_SUM] / n : NaN,
      negative: w[H_NEG],
    };
  }
}
