// Durations typed on the command line, one grammar for every flag: a number and a unit — ns, us (µs), ms, s, m
// (min), h, d — or a plain number, which is seconds; a sign only where the flag is signed (--feed-latency-shift).
// Exact: the text becomes whole nanoseconds (bigint) without a float in between, and a value finer than 1 ns is
// refused rather than rounded. No I/O, so the replay page reads its latency field with it too.
// Not for strategy parameters in a JSON file or --set (src/strategy/params.ts): there a plain number is not seconds.
import { UsageError } from '../cli/usage-error';

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  min: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
};

/** The examples errors give by default. */
export const DURATION_SYNTAX = '500ms, 3s, 5m, 1h, 2d';
export const DURATION_UNITS = 'ns, us (µs), ms, s, m (min), h, d';

export interface DurationRule {
  /** A leading + or - (or −) is allowed. */
  signed?: boolean;
  /** 0 is allowed (default: a duration is > 0). */
  zero?: boolean;
  /** Examples for errors (default DURATION_SYNTAX). */
  examples?: string;
}

/**
 * `text` as whole ns; `what` names it in errors (`--sample`, `--latency constant:x`, `--walk-forward train=3`), each
 * of which shows examples. Throws UsageError.
 */
export function durationNs(what: string, text: string, rule: DurationRule = {}): bigint {
  const t = text.trim();
  const e = rule.examples ?? DURATION_SYNTAX;
  const m = /^([+\-−]?)(\d*)(?:\.(\d+))?\s*([a-zµ]*)$/.exec(t);
  if (!m || (m[2] === '' && m[3] === undefined) || !(m[4] === '' || m[4] in UNIT_NS))
    throw new UsageError(`${what} "${text}" is not a duration (e.g. ${e}; a plain number is seconds)`);
  const negative = m[1] === '-' || m[1] === '−';
  if (negative && !rule.signed) throw new UsageError(`${what} ${t}: a duration must be positive (e.g. ${e})`);
  const frac = m[3] ?? '';
  const scale = 10n ** BigInt(frac.length);
  const scaled = BigInt((m[2] || '0') + frac) * UNIT_NS[m[4] || 's'];
  if (scaled % scale !== 0n) throw new UsageError(`${what} "${text}" is not a whole number of nanoseconds (e.g. ${e})`);
  const ns = scaled / scale;
  if (ns === 0n && !rule.zero) throw new UsageError(`${what} must be longer than 0 (e.g. ${e})`);
  return negative ? -ns : ns;
}

/** Whole `ns` in the grammar above with the largest unit that divides it exactly (3600000000000 → 1h, 1500000 → 1500us). */
export function durationText(ns: number | bigint): string {
  const n = BigInt(ns);
  for (const [unit, size] of [
    ['d', 86_400_000_000_000n],
    ['h', 3_600_000_000_000n],
    ['m', 60_000_000_000n],
    ['s', 1_000_000_000n],
    ['ms', 1_000_000n],
    ['us', 1_000n],
  ] as const)
    if (n !== 0n && n % size === 0n) return `${n / size}${unit}`;
  return n === 0n ? '0ms' : `${n}ns`;
}
