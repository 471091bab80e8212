// The HDR-layout histogram: every bucket at most 1/128 of its value wide, percentiles within that of the exact
// sorted answer, counts that add, and the same numbers read from another view of shared memory.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LatencyHistogram, bucketOf, bucketRange, rankOf, HIST_MAX_NS, HIST_WORDS } from '../../src/latency/histogram';
import { mulberry32 } from '../../src/exchange/rng';

test('buckets: contiguous, each value inside its own, width ≤ value/128', () => {
  let prev = -1;
  for (const v of [0, 1, 255, 256, 257, 511, 512, 1000, 65_535, 1e6, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 5, 1e12, HIST_MAX_NS]) {
    const i = bucketOf(v);
    const { low, width } = bucketRange(i);
    assert.ok(v >= low && v < low + width, `${v} in [${low}, ${low + width})`);
    if (v >= 256) assert.ok(width <= v / 128, `${v}: width ${width}`);
    assert.ok(i >= prev);
    prev = i;
  }
  for (let i = 1; i < 5000 && bucketRange(i).low <= HIST_MAX_NS; i++) {
    const a = bucketRange(i - 1);
    assert.is(a.low + a.width, bucketRange(i).low, `bucket ${i} follows ${i - 1}`);
  }
  assert.is(bucketOf(HIST_MAX_NS * 4), bucketOf(HIST_MAX_NS), 'larger values count in the last bucket');
});

test('percentiles within 0.4 % of the exact ones on a heavy-tailed sample; min, max, mean exact', () => {
  const rnd = mulberry32(7);
  const h = new LatencyHistogram();
  const xs: number[] = [];
  for (let i = 0; i < 50_000; i++) {
    const v = Math.round(20_000 / Math.pow(1 - rnd(), 0.7)); // Pareto: 20 µs up to seconds
    xs.push(v);
    h.record(v);
  }
  xs.sort((a, b) => a - b);
  const exact = (p: number) => xs[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)];
  const s = h.summary();
  for (const [p, got] of [
    [50, s.p50],
    [90, s.p90],
    [99, s.p99],
    [99.9, s.p999],
  ] as const) {
    assert.ok(Math.abs(got - exact(p)) <= exact(p) / 256 + 1, `p${p}: ${got} vs ${exact(p)}`);
  }
  assert.is(s.count, 50_000);
  assert.is(s.min, xs[0]);
  assert.is(s.max, xs[xs.length - 1]);
  assert.ok(Math.abs(s.mean - xs.reduce((a, b) => a + b, 0) / xs.length) < 1e-6 * s.mean);
});

test('negatives count as 0 and apart, NaN is not a sample; add() merges; a view on shared memory reads the same', () => {
  const buf = new SharedArrayBuffer(HIST_WORDS * 8);
  const a = new LatencyHistogram(new Float64Array(buf));
  a.reset();
  a.record(-5);
  a.record(NaN);
  a.record(100);
  a.record(300);
  const reader = new LatencyHistogram(new Float64Array(buf));
  assert.is(reader.count, 3);
  assert.is(reader.summary().negative, 1);
  assert.is(reader.summary().min, 0);
  const b = new LatencyHistogram();
  b.record(1000);
  a.add(b);
  assert.is(reader.count, 4);
  assert.is(reader.summary().max, 1000);
  assert.equal(new LatencyHistogram().percentiles([50]).map(Number.isNaN), [true]);
  assert.throws(() => new LatencyHistogram(new Float64Array(10)), /a histogram needs \d+ words, got 10/);
});

test('ranks are whole where p × n is: p99.9 of 1,000 samples is the 999th, not the largest', () => {
  assert.is(rankOf(99.9, 1000), 999);
  assert.is(rankOf(99.9, 10_000), 9990);
  assert.is(rankOf(90, 30), 27);
  assert.is(rankOf(50, 7), 4);
  assert.is(rankOf(0, 7), 1);
  assert.is(rankOf(100, 7), 7);
  const h = new LatencyHistogram();
  for (let v = 1; v <= 1000; v++) h.record(v === 1000 ? 5_000_000 : v * 1000); // one outlier, the largest
  const s = h.summary();
  assert.ok(Math.abs(s.p999 - 999_000) <= 999_000 / 256, `p99.9 ${s.p999}: the 999th sample, not the outlier`);
  assert.is(s.max, 5_000_000);
});

test('the edges are exact: p0 is min and p100 max, even inside a wide bucket', () => {
  const h = new LatencyHistogram();
  h.record(1_000_001); // one bucket [999,424, 1,003,520) holds both
  h.record(1_003_000);
  assert.equal(h.percentiles([0, 100]), [1_000_001, 1_003_000]);
  const one = new LatencyHistogram();
  one.record(70_000);
  assert.equal(one.percentiles([0, 50, 99.9, 100]), [70_000, 70_000, 70_000, 70_000]);
});

test('the bucket array ends with the last bucket a value can reach', () => {
  assert.is(HIST_WORDS - 8, bucketOf(HIST_MAX_NS) + 1, '4,736 buckets after the 8 header words');
});

test.run();
