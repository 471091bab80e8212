// The replay window (--from, --to) checked against itself and against the data before a replay starts: a window
// that is empty or lies outside the recording used to replay nothing, or everything, without a word.
import type { ReplayFile } from './feeder';

/** ns since the epoch as ISO 8601 UTC with every digit kept: 2026-11-28T10:00:00.000000001Z. */
export function isoNs(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const sub = ((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  return `${new Date(Number(ms)).toISOString().slice(0, 19)}.${String(sub).padStart(9, '0')}Z`;
}

/** First and last local_ts over `files`, from their metadata (null where a file does not say). */
export function dataSpan(files: readonly ReplayFile[]): { first: bigint | null; last: bigint | null } {
  let first: bigint | null = null;
  let last: bigint | null = null;
  for (const f of files) {
    const a = f.meta.first_local_ts ? BigInt(f.meta.first_local_ts) : null;
    const b = f.meta.last_local_ts ? BigInt(f.meta.last_local_ts) : null;
    if (a !== null && (first === null || a < first)) first = a;
    if (b !== null && (last === null || b > last)) last = b;
  }
  return { first, last };
}

/**
 * Throws, naming the flags and the data's span, when [fromNs, toNs) is empty or holds none of the data (--from is
 * inclusive, --to exclusive, as the replay applies them). `shiftNs`: --feed-latency-shift, which moves the data's clock.
 */
export function checkWindow(fromNs: bigint | undefined, toNs: bigint | undefined, files: readonly ReplayFile[], shiftNs = 0): void {
  if (fromNs !== undefined && toNs !== undefined && fromNs >= toNs)
    throw new Error(`--from ${isoNs(fromNs)} is not before --to ${isoNs(toNs)}: the replay window is empty`);
  // with --feed-latency-shift the window is on the shifted clock, and so is the data's span
  const data = dataSpan(files);
  const first = data.first === null ? null : data.first + BigInt(shiftNs);
  const last = data.last === null ? null : data.last + BigInt(shiftNs);
  const span = first !== null && last !== null ? ` (the data runs from ${isoNs(first)} to ${isoNs(last)})` : '';
  if (fromNs !== undefined && last !== null && fromNs > last)
    throw new Error(`--from ${isoNs(fromNs)} is after the end of the data${span}: nothing to replay`);
  if (toNs !== undefined && first !== null && toNs <= first)
    throw new Error(`--to ${isoNs(toNs)} is at or before the start of the data${span}: nothing to replay`);
}
