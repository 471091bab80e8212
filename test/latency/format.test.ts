// Latency in words: the status line says how many samples its percentiles rest on, as the summary's lines do.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { latencyLines, latencyStatus } from '../../src/latency/format';

const hop = (p50: number, p99: number, count: number) => ({ p50, p99, p999: p99, max: p99, count }) as never;

test('status and summary both say what window their percentiles cover', () => {
  const early = { 'tick→decision': hop(134_000, 17e6, 48) };
  assert.is(latencyStatus(early), 'tick→decision p50 134 µs p99 17 ms of 48 so far');
  assert.is(latencyStatus({}), 'tick→decision n/a (no decision yet)');
  const end = { 'tick→decision': hop(134_000, 7.16e6, 200) };
  assert.match(latencyLines(end)[0], /^tick→decision +p50 +134 µs +p99 +7\.16 ms .*\(200\)$/);
});

test.run();
