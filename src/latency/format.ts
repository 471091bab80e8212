// Hop percentiles as traders read them: µs below a millisecond, ms above, n/a without samples; one compact form for
// a status line and one line per hop for a summary.
import { HOPS, type HopName } from './hops';
import type { HistogramSummary } from './histogram';

export function latencyText(ns: number | undefined): string {
  if (ns === undefined || !Number.isFinite(ns)) return 'n/a';
  if (ns < 10_000) return `${(ns / 1000).toFixed(1)} µs`;
  if (ns < 1_000_000) return `${Math.round(ns / 1000)} µs`;
  if (ns < 10_000_000) return `${(ns / 1e6).toFixed(2)} ms`;
  return `${(ns / 1e6).toFixed(0)} ms`;
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

/** One line per hop with samples: p50, p99, p99.9, max and the count, hops first, then the cumulative spans. */
export function latencyLines(s: Summaries): string[] {
  const rows = HOPS.filter((h) => s[h.name]).map((h) => {
    const x = s[h.name]!;
    return `${h.name.padEnd(18)} p50 ${latencyText(x.p50).padStart(9)}  p99 ${latencyText(x.p99).padStart(9)}  p99.9 ${latencyText(x.p999).padStart(9)}  max ${latencyText(x.max).padStart(9)}  (${x.count})`;
  });
  return rows.length ? rows : ['no samples'];
}
