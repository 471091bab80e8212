// "60s", "500ms", "2m", "1h" or a plain number of seconds → milliseconds; errors say what is expected.
export function parseDuration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new Error(`${flag} "${text}" is not a duration (e.g. 500ms, 60s, 2m, 1h)`);
  const v = Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const)[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  if (!(v > 0)) throw new Error(`${flag} must be longer than 0`);
  return v;
}
