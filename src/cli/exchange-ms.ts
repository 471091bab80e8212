// The local exchange's `-ms` flags (--latency-ms, --jitter-ms, --stall-ms, --clock-skew-ms, --ping-timeout-ms) take
// the one duration grammar (src/format/durations.ts), with one difference kept for the scripts that predate it: a
// plain number is milliseconds, as the flag's name says. The exchange's clock and timers count whole milliseconds,
// so the value must be one: 0.5s and 2000us are taken, 250us is refused rather than rounded.
import { readDuration } from '../format/durations';
import { UsageError } from './usage-error';

const NS_PER_MS = 1_000_000n;
/** The longest delay Node's timers keep (2^31 − 1 ms, about 24.8 days); longer ones would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
export const MS_EXAMPLES = '250 (ms), 5ms, 0.5s, 2m';

export interface MsFlagRule {
  /** A leading - (or −) is allowed: --clock-skew-ms. */
  signed?: boolean;
  /** Smallest value, ms (default 0, or -max when signed). */
  min?: number;
  /** Largest value, ms (default MAX_TIMER_MS, or Number.MAX_SAFE_INTEGER when signed). */
  max?: number;
}

/** `text` of `flag` as whole ms. Throws UsageError. */
export function flagMs(flag: string, text: string, rule: MsFlagRule = {}): number {
  const t = text.trim();
  const max = rule.max ?? (rule.signed ? Number.MAX_SAFE_INTEGER : MAX_TIMER_MS);
  const min = rule.min ?? (rule.signed ? -max : 0);
  const what = `a duration${rule.signed ? ' (negative allowed)' : ''}`;
  const syntax = `e.g. ${MS_EXAMPLES}; a plain number is milliseconds`;
  const d = readDuration(t, 'ms');
  if (d === null || d.ns === null) throw new UsageError(`${flag} needs ${what} (${syntax}), got "${text}"`);
  const ns = d.negative ? -d.ns : d.ns;
  if (ns < 0n && !rule.signed) throw new UsageError(`${flag} ${t}: the duration must not be negative (${syntax})`);
  if (ns % NS_PER_MS !== 0n)
    throw new UsageError(`${flag} "${text}" is not a whole number of milliseconds (the exchange's clock and timers count ms)`);
  const ms = ns / NS_PER_MS;
  if (ms < BigInt(min) || ms > BigInt(max)) {
    throw new UsageError(`${flag} needs ${what} from ${min} to ${max} ms, got "${text}"`);
  }
  return Number(ms);
}
