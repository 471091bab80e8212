// Durations as text, one grammar for every flag and every strategy parameter: a number and a unit — ns, us (µs), ms,
// s, m (min), h, d — with or without a space between them ("2s", "2 s"), or the composite forms reports print
// ("1 min 5 s", "2 d 4 h": parts from the largest unit down). Exact: the text becomes whole nanoseconds (bigint)
// without a float in between, and a value finer than 1 ns is refused rather than rounded. No I/O, so the replay page
// reads its latency field with it too.
// A plain number (no unit) is what each reader says: seconds for the command line's flags (durationNs, a sign only
// where the flag is signed: --feed-latency-shift); for a strategy's duration parameter (src/strategy/params.ts) it is
// ns in a JSON file and refused as ambiguous on the command line.
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

/** A duration's text read: its sign, whether it had no unit at all, and its whole ns (null: finer than 1 ns). */
export interface DurationText {
  negative: boolean;
  /** A bare number ("30", "1.5"): its unit is the reader's (`plainUnit`). */
  plain: boolean;
  /** The magnitude in whole ns, or null when the text is finer than 1 ns ("0.5ns"). */
  ns: bigint | null;
}

const PART = /(\d*)(?:\.(\d+))?\s*([a-zµ]+)\s*/y;

/**
 * `text` in the grammar above, a bare number read in `plainUnit`; null when it is not a duration (an unknown unit,
 * parts out of order or repeated, a bare number among parts). A sign is read, not judged: the caller decides.
 */
export function readDuration(text: string, plainUnit: 'ns' | 'ms' | 's'): DurationText | null {
  const t = text.trim();
  const sign = /^[+\-−]/.exec(t)?.[0] ?? '';
  const body = t.slice(sign.length);
  const negative = sign === '-' || sign === '−';
  const bare = /^(\d*)(?:\.(\d+))?$/.exec(body);
  if (bare) {
    if (bare[1] === '' && bare[2] === undefined) return null;
    return { negative, plain: true, ns: exact(bare[1], bare[2], UNIT_NS[plainUnit]) };
  }
  let total: bigint | null = 0n;
  let last = Infinity;
  PART.lastIndex = 0;
  while (PART.lastIndex < body.length) {
    const m = PART.exec(body);
    if (!m || (m[1] === '' && m[2] === undefined) || !Object.hasOwn(UNIT_NS, m[3])) return null;
    const size = UNIT_NS[m[3]];
    // "1 min 5 s" as reports print it: each part a smaller unit than the one before
    if (!(Number(size) < last)) return null;
    last = Number(size);
    const part = exact(m[1], m[2], size);
    total = total === null || part === null ? null : total + part;
  }
  return { negative, plain: false, ns: total };
}

/** digits.frac × size as whole ns, or null when that is not whole. */
function exact(digits: string, frac: string | undefined, size: bigint): bigint | null {
  const f = frac ?? '';
  const scale = 10n ** BigInt(f.length);
  const scaled = BigInt((digits || '0') + f) * size;
  return scaled % scale === 0n ? scaled / scale : null;
}

/**
 * `text` as whole ns (a plain number is seconds); `what` names it in errors (`--sample`, `--latency constant:x`,
 * `--walk-forward train=3`), each of which shows examples. Throws UsageError.
 */
export function durationNs(what: string, text: string, rule: DurationRule = {}): bigint {
  const t = text.trim();
  const e = rule.examples ?? DURATION_SYNTAX;
  const d = readDuration(t, 's');
  if (!d) throw new UsageError(`${what} "${text}" is not a duration (e.g. ${e}; a plain number is seconds)`);
  if (d.negative && !rule.signed) throw new UsageError(`${what} ${t}: a duration must be positive (e.g. ${e})`);
  if (d.ns === null) throw new UsageError(`${what} "${text}" is not a whole number of nanoseconds (e.g. ${e})`);
  if (d.ns === 0n && !rule.zero) throw new UsageError(`${what} must be longer than 0 (e.g. ${e})`);
  return d.negative ? -d.ns : d.ns;
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
