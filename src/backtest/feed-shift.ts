// `backtest --feed-latency-shift`: the records' local stamps moved by a fixed amount before the replay sees them, so
// data received somewhere else (Tardis.dev's collectors, another host) reaches the strategy as late — or as early —
// as it would where it trades. Everything downstream (signal delivery, the feed latency the latency model and the
// stale-data limit observe) follows from the moved stamps.

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

const SIGNED = /^([+\-−]?)(\d+(?:\.\d+)?)(ns|us|µs|ms|s)$/;
const UNIT: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9 };

/** "-3ms", "+1.5ms", "250us" → ns; errors say what is expected. */
export function parseShift(text: string): number {
  const m = SIGNED.exec(text.trim());
  if (!m) throw new Error(`--feed-latency-shift "${text}" is not a signed duration (e.g. -3ms, +1.5ms, 250us)`);
  const ns = Math.round(Number(m[2]) * UNIT[m[3]]);
  if (ns > 3600e9) throw new Error(`--feed-latency-shift "${text}" is more than an hour: a feed latency shift is ms, not hours`);
  return m[1] === '-' || m[1] === '−' ? -ns : ns;
}
