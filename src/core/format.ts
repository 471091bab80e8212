// Integer ticks and lots back to the decimal strings the exchange prints: value = n · step at `scale` decimals,
// written with exactly `dec` fraction digits (the wire's own count). Exact (BigInt): for display and reports.

export function formatScaled(n: number | bigint, step: bigint, scale: number, dec: number): string {
  let v = BigInt(n) * step;
  const negative = v < 0n;
  if (negative) v = -v;
  const digits = v.toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale);
  const shown = dec > 0 ? `${int}.${(frac + '0'.repeat(Math.max(0, dec - scale))).slice(0, dec)}` : int;
  return negative ? `-${shown}` : shown;
}

/** Like formatScaled, with trailing zeros dropped (for values that never came from the wire, e.g. PnL). */
export function formatPlain(n: number | bigint, step: bigint, scale: number): string {
  const s = formatScaled(n, step, scale, scale);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}
