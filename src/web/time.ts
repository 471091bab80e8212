// Times on the page: the replay clock to the nanosecond, and spans to the second for lists and titles. All in UTC,
// as every report prints them.
import { duration } from '../format/numbers';

/** 2025-11-24 16:00:00.123456789 UTC */
export function formatNs(ns: string): string {
  if (!/^\d+$/.test(ns)) return '–';
  const big = BigInt(ns);
  const iso = new Date(Number(big / 1_000_000n)).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${String(big % 1_000_000_000n).padStart(9, '0')} UTC`;
}

/** "2025-11-24 16:00:00 → 16:02:58 UTC (2 min 59 s)": the date once when both ends share it. */
export function formatSpan(firstNs: string | null, lastNs: string | null): string {
  if (!firstNs || !lastNs || !/^\d+$/.test(firstNs) || !/^\d+$/.test(lastNs)) return 'time span unknown';
  const a = new Date(Number(BigInt(firstNs) / 1_000_000n)).toISOString();
  const b = new Date(Number(BigInt(lastNs) / 1_000_000n)).toISOString();
  const day = (iso: string) => iso.slice(0, 10);
  const sec = (iso: string) => iso.slice(11, 19);
  const to = day(a) === day(b) ? sec(b) : `${day(b)} ${sec(b)}`;
  return `${day(a)} ${sec(a)} → ${to} UTC (${duration(BigInt(lastNs) - BigInt(firstNs))})`;
}
