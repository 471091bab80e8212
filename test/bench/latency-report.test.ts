// What `bench latency` prints from its runs: hop figures in the units `live` prints (ns to s), percentiles its
// samples are too few for as n/a, and the single-vs-multi comparison only between runs of the same setting, saying
// so where one layout did not run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { latencyRunTable, layoutComparison, type LatencyRun } from '../../bench/latency.bench';
import type { HistogramSummary } from '../../src/latency/histogram';

const hop = (p50: number, p99: number, count: number): HistogramSummary => ({
  count,
  p50,
  p90: p99,
  p99,
  p999: p99,
  max: p99 * 2,
  min: p50 / 2,
  mean: p50,
  negative: 0,
});

function run(layout: 'single' | 'multi', over: Partial<LatencyRun> = {}): LatencyRun {
  return {
    rate: 100,
    venuePolicy: 'batch',
    recorder: false,
    layout,
    seconds: 2,
    messages: 200,
    messagesPerSec: 100,
    orders: 40,
    requests: { prepared: 40, http: 1 },
    unstamped: 0,
    hops: {
      decode: hop(450, 2_000, 200),
      'tick→decision': hop(layout === 'single' ? 30_000 : 150_000, 1.2e6, 200),
      'tick→wire': hop(160_000, 14e6, 40),
      'gateway→wire': hop(85_000, 3e9, 40),
    },
    phase: 'flat',
    haltReason: null,
    counters: {},
    ...over,
  };
}

test('hop rows in ns, µs, ms and s; p99 of 40 orders and p99.9 of 200 messages are n/a', () => {
  const t = latencyRunTable(run('single'));
  assert.match(t.split('\n')[0], /: 200 messages decided on, 40 orders \(40 of them placed on a book message: the tick→wire samples; REST/);
  const row = (name: string) => t.split('\n').find((l) => l.trimStart().startsWith(`${name} `))!;
  assert.match(row('decode'), /^ +decode +450 ns +2\.00 µs +n\/a +4\.00 µs +200$/);
  assert.match(row('tick→wire'), /^ +tick→wire +160 µs +n\/a +n\/a +28 ms +40$/);
  assert.match(row('gateway→wire'), /^ +gateway→wire +85\.0 µs +n\/a +n\/a +6\.00 s +40$/);
  assert.match(row('strategy'), /^ +strategy +n\/a +n\/a +n\/a +n\/a +0$/);
  assert.ok(!/\d{4,} µs/.test(t), 'no figure of a thousand µs or more');
  assert.not.match(t, /below 0/);
  const skewed = run('single');
  skewed.hops['wire→exchange'] = { ...hop(0, 40_000, 40), negative: 3 };
  assert.match(
    latencyRunTable(skewed),
    /\n  \(wire→exchange: 3 of 40 samples were below 0, counted as 0: the two processes' clocks disagreed\)$/,
  );
});

test('single vs multi: ratios of the same setting, n/a where p99 lacks samples, a missing layout said', () => {
  const lines = layoutComparison([run('single'), run('multi'), run('single', { rate: 5000 })]);
  assert.match(lines[0], /^single vs multi at 100 messages\/s, recorder off, exchange batch \(multi ÷ single/);
  assert.match(lines[1], /tick→decision +p50 30\.0 µs vs 150 µs \(5\.00×\) +p99 1\.20 ms vs 1\.20 ms \(1\.00×\)$/);
  assert.match(lines[2], /tick→wire +p50 160 µs vs 160 µs \(1\.00×\) +p99 n\/a vs n\/a \(n\/a\)$/);
  assert.is(
    lines[4],
    'single vs multi at 5000 messages/s, recorder off, exchange batch: n/a, no multi run to compare with (--threads single,multi runs both)',
  );
  assert.is(lines.length, 5);
});

test.run();
