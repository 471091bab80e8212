// Numbers as a trader reads them, for every terminal report, summary and HTML page: money in the instrument's quote
// currency with as many decimals as the amount needs, durations in the unit that keeps them short ("1 s", "5 min"),
// percentages and probabilities bounded where a bigger number means nothing, and "n/a (why)" where a figure needs
// more data than the run had. Plain arithmetic and toFixed (no locale), so the text is the same on every machine.
// Machine-readable output (--json) keeps raw numbers with the unit in the field name; this module is for people.

/** A figure the data leave undefined (nothing to divide by, no trades). */
export const NONE = '–';
export const NA = 'n/a';

const MINUS = '-';

/** "1234567" → "1,234,567" (the integer part of a decimal string; a sign and fraction are kept). */
export function groupThousands(text: string): string {
  const m = /^([-+]?)(\d+)(.*)$/.exec(text);
  if (!m) return text;
  return `${m[1]}${m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${m[3]}`;
}

/** A count: 12,345. */
export function count(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return NONE;
  return groupThousands(String(Math.round(n)));
}

/** "12,345 entries", "1 entry": a count with its noun, singular for one. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/**
 * The decimals an amount of money needs: cents from 1 up, four decimals below 1, two significant digits below
 * 0.01 (a fee on a small lot is a fraction of a cent), at most 8.
 */
function moneyDecimals(a: number): number {
  if (a >= 1) return 2;
  if (a >= 0.01) return 4;
  return Math.min(8, 1 - Math.floor(Math.log10(a)));
}

/** An amount without its currency: "1,234.57", "-0.0054", "0.00". Rounding noise below 1e-8 reads as 0. */
export function money(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return NONE;
  const a = Math.abs(x);
  if (a < 5e-9) return '0.00';
  const text = groupThousands(a.toFixed(moneyDecimals(a)));
  return x < 0 ? `${MINUS}${text}` : text;
}

/** An amount with its currency: "-0.0054 USDT". */
export function moneyIn(x: number | null, currency: string): string {
  const v = money(x);
  return v === NONE ? v : `${v} ${currency}`;
}

/** An amount with an explicit sign, for changes: "+1.20 USDT", "-0.0054 USDT". */
export function signedMoneyIn(x: number | null, currency: string): string {
  const v = money(x);
  if (v === NONE) return v;
  return `${x! > 0 && v !== '0.00' ? '+' : ''}${v} ${currency}`;
}

/** The quote currency of a symbol as the venue names it (BTCUSDT → USDT); "quote" when the suffix is not known. */
export function quoteCurrency(symbol: string | undefined): string {
  const s = (symbol ?? '').toUpperCase();
  for (const q of ['USDT', 'USDC', 'USD', 'BTC', 'ETH', 'EUR']) if (s.endsWith(q) && s.length > q.length) return q;
  return 'quote';
}

/** A symbol's base currency given its quote (BTC for BTCUSDT in USDT); null when the symbol does not end in it. */
export function baseCurrency(symbol: string, quote: string): string | null {
  return symbol.endsWith(quote) && symbol.length > quote.length ? symbol.slice(0, -quote.length) : null;
}

/** Decimals a grid step (a tick or lot size) is written with: 0.1 → 1, 0.0001 → 4, 5 → 0, 1e-7 → 7. */
export function stepDecimals(step: number): number {
  for (let dp = 0; dp <= 12; dp++) if (Math.abs(Math.round(step * 10 ** dp) - step * 10 ** dp) < 1e-9 * 10 ** dp) return dp;
  return 12;
}

/** Up to `sig` significant digits, trailing zeros dropped: 1.5, 12.3, 325, 0.74. */
function short(x: number, sig = 3): string {
  if (x === 0) return '0';
  const dp = Math.max(0, sig - 1 - Math.floor(Math.log10(Math.abs(x))));
  const t = x.toFixed(Math.min(dp, 6));
  return t.includes('.') ? t.replace(/\.?0+$/, '') : t;
}

/**
 * A duration in ns, in the unit that keeps it short: 850 ns, 12.5 µs, 3.2 ms, 1 s, 1.5 s, 5 min, 2 min 5 s,
 * 3 h 7 min, 2 d 4 h. Negative durations keep their sign.
 */
export function duration(ns: number | bigint | null, round: (x: number) => number = Math.round): string {
  if (ns === null) return NONE;
  const v = typeof ns === 'bigint' ? Number(ns) : ns;
  if (!Number.isFinite(v)) return NONE;
  const sign = v < 0 ? MINUS : '';
  const a = Math.abs(v);
  if (a === 0) return '0 s';
  if (a < 1e3) return `${sign}${Math.round(a)} ns`;
  if (a < 1e6) return `${sign}${short(a / 1e3)} µs`;
  if (a < 1e9) return `${sign}${short(a / 1e6)} ms`;
  if (a < 59.95e9) return `${sign}${short(a / 1e9)} s`;
  const s = round(a / 1e9);
  const two = (big: number, bigUnit: string, small: number, smallUnit: string) =>
    `${sign}${big} ${bigUnit}${small ? ` ${small} ${smallUnit}` : ''}`;
  if (s < 3600) return two(Math.floor(s / 60), 'min', s % 60, 's');
  const m = round(s / 60);
  if (m < 24 * 60) return two(Math.floor(m / 60), 'h', m % 60, 'min');
  const h = round(m / 60);
  if (h < 365 * 24) return two(Math.floor(h / 24), 'd', h % 24, 'h');
  const y = short(h / 24 / 365);
  return `${sign}${y} ${y === '1' ? 'year' : 'years'}`;
}

/**
 * How much data a run has, said beside what a figure needs: duration(have), except where rounding would make it read
 * as the need itself ("needs ≥ 1 h of data, have 1 h" for 59 min 59.996 s), which is rounded down instead.
 */
export function haveOf(haveNs: number, needNs: number): string {
  const t = duration(haveNs);
  return haveNs < needNs && t === duration(needNs) ? duration(haveNs, Math.floor) : t;
}

/** Milliseconds, for latencies and clock offsets: "0.74 ms", "12.3 ms", "1,250 ms". */
export function millis(ns: number | null): string {
  if (ns === null || !Number.isFinite(ns)) return NONE;
  const ms = ns / 1e6;
  const a = Math.abs(ms);
  return `${groupThousands(a >= 100 ? ms.toFixed(0) : a >= 10 ? ms.toFixed(1) : ms.toFixed(2))} ms`;
}

/** Years (MinBTL) as a duration. */
export function years(y: number | null): string {
  if (y === null || !Number.isFinite(y)) return NONE;
  return duration(y * 365 * 86_400e9);
}

/** A fraction as a percentage with about three significant digits: 0.1234 → "12.3", 1 → "100", 0.0054 → "0.54". */
export function percent(fraction: number | null): string {
  if (fraction === null || !Number.isFinite(fraction)) return NONE;
  const p = fraction * 100;
  const a = Math.abs(p);
  return groupThousands(p.toFixed(a >= 100 || a === 0 ? 0 : a >= 10 ? 1 : 2));
}

/**
 * A part of a whole as a percentage, or n/a when the whole is too close to zero for the share to mean anything
 * (fees of a run whose gross P&L is ~0 are not "20,031 %" of it). `limit` is the largest share shown, as a fraction.
 */
export function shareOf(part: number | null, whole: number | null, limit = 10): { value: string; note?: string } {
  if (part === null || whole === null || !Number.isFinite(part) || !Number.isFinite(whole)) return { value: NONE };
  if (Math.abs(part) > limit * Math.abs(whole) || whole === 0) return { value: NA, note: 'the whole is about zero' };
  return { value: percent(part / Math.abs(whole)) };
}

/** A probability in [0, 1] as a percentage that never claims certainty it does not have: "< 0.01 %", "97.3 %". */
export function probability(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return NONE;
  if (p < 0.0001) return '< 0.01 %';
  if (p > 0.9999) return '> 99.99 %';
  return `${percent(p)} %`;
}

/** A plain number with fixed decimals and thousands separators: ratios, factors, ticks. */
export function fixed(x: number | null, dp: number): string {
  if (x === null || !Number.isFinite(x)) return NONE;
  const t = x.toFixed(dp);
  return groupThousands(t === `-${(0).toFixed(dp)}` ? (0).toFixed(dp) : t);
}

/** "n/a (needs ≥ 1 day, have 3 min)": a figure the run is too short for. */
export function needsMore(need: string, have?: string): string {
  return `${NA} (needs ≥ ${need}${have ? `, have ${have}` : ''})`;
}

/** What a deflated Sharpe ratio says, in words: DSR is the probability that the chosen Sharpe beats luck over N trials. */
export function skillVerdict(dsr: number | null, trials: number, threshold = 0.95): string {
  const n = plural(trials, 'trial');
  if (dsr === null || !Number.isFinite(dsr)) return `no verdict: too little data to judge ${n}`;
  const bar = `${Number((threshold * 100).toPrecision(4))} %`;
  if (dsr > threshold) return `evidence of skill after ${n} (DSR ${probability(dsr)} > ${bar})`;
  return `no evidence of skill after ${n} (DSR ${probability(dsr)}; deploy only above ${bar})`;
}
