// The pipeline's latency samples (decode, engine): percentiles by exact rank, as the per-hop histograms take them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LatencySamples } from '../../src/core/latency';

test('p99.9 of 1,000 samples is the 999th, not the largest; p0 and p100 are the smallest and the largest', () => {
  const s = new LatencySamples();
  for (let i = 1000; i >= 1; i--) s.add(i * 1000);
  assert.equal(s.percentiles([0, 50, 99, 99.9, 100]), [1000, 500_000, 990_000, 999_000, 1_000_000]);
  assert.equal(new LatencySamples().percentiles([50]).map(Number.isNaN), [true]);
});

test.run();
