// The trading sessions a recording holds: demo and live --record write each one's file under <root>/_orders
// (session-<start ns>.json). Found here by start, by symbols or newest first, with the span of market data each one
// owns in a directory written into more than once: what --parity checks and what `record` warns is already there.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { utc } from '../backtest/metrics';
import type { SessionFile } from '../live/trading-session';
import { dirText, UsageError } from './args';
import { readJsonFile } from './json-file';

/** A recorded session and the path of its file. */
export type RecordedSession = SessionFile & { path: string };

/** Every symbol a session traded or watched, by instrument index (an older file: its one symbol). */
export const sessionSymbols = (s: SessionFile): string[] => (s.symbols?.length ? s.symbols : [s.symbol]);

/**
 * The newest session under <root>/_orders: one of `symbol` (one it traded among others, too), or the first whose
 * symbols `fits` accepts.
 */
export function latestSession(root: string, symbol: string | ((symbols: string[]) => boolean)): RecordedSession | null {
  const fits = typeof symbol === 'string' ? (list: string[]) => list.includes(symbol) : symbol;
  const dir = join(root, '_orders');
  if (!existsSync(dir)) return null;
  const names = readdirSync(dir)
    // regular files only: reading a FIFO named like a session would wait for a writer for ever
    .filter((n) => /^session-\d+\.json$/.test(n) && statSync(join(dir, n)).isFile())
    .sort();
  for (const n of names.reverse()) {
    const s = readJsonFile(join(dir, n), 'recorded session').value as SessionFile;
    if (fits(sessionSymbols(s))) return { ...s, path: join(dir, n) };
  }
  return null;
}

/** Every session under <root>/_orders, oldest first: its file and start (ns since the epoch). */
export function sessionsUnder(root: string): Array<{ path: string; startedNs: bigint }> {
  const dir = join(root, '_orders');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => /^session-\d+\.json$/.test(n) && statSync(join(dir, n)).isFile())
    .map((n) => ({ path: join(dir, n), startedNs: BigInt(/^session-(\d+)\.json$/.exec(n)![1]) }))
    .sort((a, b) => (a.startedNs < b.startedNs ? -1 : a.startedNs > b.startedNs ? 1 : 0));
}

/**
 * The span of `session` among the sessions of its directory: from its start to the next one's (null: the newest), and
 * how many others the directory holds.
 */
export function sessionSpan(root: string, session: RecordedSession): { fromNs: bigint; toNs: bigint | null; others: number } {
  const all = sessionsUnder(root);
  const fromNs = BigInt(session.startedNs);
  const next = all.find((s) => s.startedNs > fromNs);
  return { fromNs, toNs: next?.startedNs ?? null, others: all.length - 1 };
}

/** --session NS: that session's file, or a usage error listing the sessions there are. */
export function namedSession(root: string, startedNs: string): RecordedSession {
  const ns = startedNs.replace(/^session-/, '').replace(/\.json$/, '');
  const all = sessionsUnder(root);
  const hit = all.find((s) => String(s.startedNs) === ns);
  if (!hit)
    throw new UsageError(
      `--session ${startedNs}: no such session under ${dirText(root)}_orders; there: ${all.length ? all.map((s) => `${s.startedNs} (${utc(s.startedNs)})`).join(', ') : 'none'}`,
    );
  return { ...(readJsonFile(hit.path, 'recorded session').value as SessionFile), path: hit.path };
}
