// Latency in words: the status line says how many samples its percentiles rest on, as the summary's lines do.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { latencyLines, latencyStatus, latencyText, percentileText, samplesFor } from '../../src/latency/format';

const hop = (p50: number, p99: number, count: number) => ({ p50, p99, p999: p99, max: p99, count }) as never;

test('status and summary both say what window their percentiles cover', () => {
  const early = { 'tick→decision': hop(134_000, 17e6, 48) };
  assert.is(latencyStatus(early), 'tick→decision p50 134 µs p99 17 ms of 48 so far');
  assert.is(latencyStatus({}), 'tick→decision n/a (no decision yet)');
  const end = { 'tick→decision': hop(134_000, 7.16e6, 200) };
  assert.match(latencyLines(end)[0], /^tick→decision +p50 +134 µs +p99 +7\.16 ms .*\(200\)$/);
});

test('units from ns to s, three significant digits, never 1000 of a unit', () => {
  const cases: Array<[number, string]> = [
    [0, '0 ns'],
    [420, '420 ns'],
    [999.4, '999 ns'],
    [999.6, '1.00 µs'],
    [5_340, '5.34 µs'],
    [13_940, '13.9 µs'],
    [134_000, '134 µs'],
    [999_700, '1.00 ms'],
    [7_160_000, '7.16 ms'],
    [17e6, '17 ms'],
    [999.7e6, '1.00 s'],
    [2.5e9, '2.50 s'],
    [42.25e9, '42.3 s'],
    [3600e9, '3600 s'],
  ];
  for (const [ns, text] of cases) assert.is(latencyText(ns), text, `${ns} ns`);
  assert.is(latencyText(NaN), 'n/a');
  assert.is(latencyText(undefined), 'n/a');
});

test('a percentile its samples are too few for reads n/a, not the maximum under its name', () => {
  assert.is(samplesFor(50), 2);
  assert.is(samplesFor(99), 100);
  assert.is(samplesFor(99.9), 1000);
  assert.is(percentileText(5e6, 99.9, 999), 'n/a');
  assert.is(percentileText(5e6, 99.9, 1000), '5.00 ms');
  const few = { 'tick→decision': { p50: 84_000, p99: 2.4e6, p999: 2.4e6, max: 2.4e6, count: 32 } as never };
  assert.match(latencyLines(few)[0], /^tick→decision +p50 +84\.0 µs +p99 +n\/a +p99\.9 +n\/a +max +2\.40 ms +\(32\)$/);
  assert.is(latencyLines(few)[1], '(p99 needs 100 samples and p99.9 1,000; with fewer they read n/a)', 'the n/a says why');
  const many = { 'tick→decision': { p50: 84_000, p99: 2.4e6, p999: 2.4e6, max: 2.4e6, count: 1000 } as never };
  assert.is(latencyLines(many).length, 1, 'no note where nothing reads n/a');
});

test.run();
