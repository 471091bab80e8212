// `backtest --feed-latency-shift`: the records' local stamps moved by a fixed amount before the replay sees them, so
// data received somewhere else (Tardis.dev's collectors, another host) reaches the strategy as late — or as early —
// as it would where it trades. Everything downstream (signal delivery, the feed latency the latency model and the
// stale-data limit observe) follows from the moved stamps.
import { durationNs } from '../format/durations';
import { UsageError } from '../cli/usage-error';

const TWO32 = 4294967296;

/** Adds `shiftNs` (whole ns, |shift| < 2^53) to the local_ts (words 4–5) of `rows` records from byte `ptr`. */
export function shiftLocalTs(words: Int32Array, ptr: number, rows: number, shiftNs: number): void {
  if (shiftNs === 0) return;
  const hiAdd = Math.floor(shiftNs / TWO32);
  const loAdd = shiftNs - hiAdd * TWO32; // [0, 2^32)
  for (let i = 0, p = (ptr >> 2) + 4; i < rows; i++, p += 16) {
    const lo = (words[p] >>> 0) + loAdd;
    const carry = lo >= TWO32 ? 1 : 0;
    words[p] = lo - carry * TWO32;
    words[p + 1] = words[p + 1] + hiAdd + carry;
  }
}

const EXAMPLES = '-3ms, +1.5ms, 250us';
const HOUR_NS = 3_600_000_000_000n;

/** "-3ms", "+1.5ms", "250us" (the command line's duration grammar, signed) → ns; errors say what is expected. */
export function parseShift(text: string): number {
  const ns = durationNs('--feed-latency-shift', text, { signed: true, zero: true, examples: EXAMPLES });
  if (ns > HOUR_NS || ns < -HOUR_NS)
    throw new UsageError(`--feed-latency-shift "${text}" is more than an hour: a feed latency shift is ms, not hours (e.g. ${EXAMPLES})`);
  return Number(ns);
}

/** A shift as the settings show it: exact, in ms, with the unit spaced as every duration ("-3 ms", "0.25 ms"). */
export function shiftText(ns: number): string {
  return `${ns / 1e6} ms`;
}
