// Hop percentiles as traders read them: ns below a microsecond, then µs, ms and s, three significant digits (whole
// ms from 10 ms to a second), n/a without samples; one compact form for a status line and one line per hop for a
// summary.
import { HOPS, type HopName } from './hops';
import type { HistogramSummary } from './histogram';

/** `v` at 2, 1 or 0 decimals so it shows three significant digits; null when it would round to 1000 or more. */
function sig3(v: number): string | null {
  if (v < 9.995) return v.toFixed(2);
  if (v < 99.95) return v.toFixed(1);
  if (v < 999.5) return v.toFixed(0);
  return null;
}

export function latencyText(ns: number | undefined): string {
  if (ns === undefined || !Number.isFinite(ns)) return 'n/a';
  if (ns < 999.5) return `${Math.round(ns)} ns`;
  const us = sig3(ns / 1e3);
  if (us !== null) return `${us} µs`;
  const ms = ns / 1e6;
  if (ms < 9.995) return `${ms.toFixed(2)} ms`;
  if (ms < 999.5) return `${ms.toFixed(0)} ms`;
  const s = ns / 1e9;
  return `${s < 9.995 ? s.toFixed(2) : s < 99.95 ? s.toFixed(1) : s.toFixed(0)} s`;
}

/**
 * Samples a percentile needs before it says more than the maximum: 100 / (100 − p), e.g. 100 for p99 and 1,000 for
 * p99.9. With fewer, p99.9 is the largest sample (of 32: the worst one) under another name.
 */
export function samplesFor(p: number): number {
  return p >= 100 ? 1 : Math.ceil(100 / (100 - p) - 1e-9);
}

/** Said under a table where a percentile reads n/a for want of samples. */
export const SAMPLES_NOTE = `(p99 needs ${samplesFor(99)} samples and p99.9 ${samplesFor(99.9).toLocaleString('en-US')}; with fewer they read n/a)`;

/** A percentile of `count` samples, or "n/a" when they are too few for it (samplesFor). */
export function percentileText(ns: number | undefined, p: number, count: number): string {
  return count < samplesFor(p) ? 'n/a' : latencyText(ns);
}

type Summaries = Partial<Record<HopName, HistogramSummary>>;

/**
 * "tick→decision p50 84 µs p99 1.20 ms of 48 so far, →wire p99 2.31 ms" (what a status line has room for). The figures
 * are of every sample since the start, as the summary's are at the end: early on a few slow warm-up samples make the
 * p99, so the count says how many it rests on.
 */
export function latencyStatus(s: Summaries): string {
  const d = s['tick→decision'];
  if (!d) return 'tick→decision n/a (no decision yet)';
  const w = s['tick→wire'];
  return `tick→decision p50 ${latencyText(d.p50)} p99 ${latencyText(d.p99)} of ${d.count} so far${w ? `, →wire p99 ${latencyText(w.p99)}` : ''}`;
}

/**
 * One line per hop with samples: p50, p99, p99.9, max and the count, hops first, then the cumulative spans; a
 * percentile its count is too small for is n/a (percentileText).
 */
export function latencyLines(s: Summaries): string[] {
  const rows = HOPS.filter((h) => s[h.name]).map((h) => {
    const x = s[h.name]!;
    const at = (ns: number, p: number) => percentileText(ns, p, x.count).padStart(9);
    return `${h.name.padEnd(18)} p50 ${at(x.p50, 50)}  p99 ${at(x.p99, 99)}  p99.9 ${at(x.p999, 99.9)}  max ${latencyText(x.max).padStart(9)}  (${x.count})`;
  });
  if (!rows.length) return ['no samples'];
  // an n/a beside a count says why, once
  if (HOPS.some((h) => s[h.name] && s[h.name]!.count < samplesFor(99.9))) rows.push(SAMPLES_NOTE);
  return rows;
}
