// What a recording directory already holds when `record`, `demo` or `live --record` is pointed at it: the new files
// go beside the old ones (every file name is unique: its first record's time and a counter), nothing is overwritten,
// but `backtest DIR` then replays both as one recording. A trader must know that before the session starts, not
// find it in a report later: this is the line that says so.
import { existsSync, statSync } from 'node:fs';
import { journalsUnder, listParquet } from '../capture/recover';
import { count, plural } from '../format/numbers';
import type { Logger } from '../log/logger';
import { dirText } from './args';
import { sessionsUnder } from './recorded-sessions';

export interface ExistingRecording {
  /** Finished market-data files, and the symbols they are of (from their symbol= directories). */
  marketFiles: number;
  symbols: string[];
  /** When the first and the last of those files began (their names' first record time, ns since the epoch). */
  firstNs: bigint | null;
  lastNs: bigint | null;
  /** Trading sessions (demo, live --record): their <root>/_orders/session-<ns>.json, the newest start. */
  sessions: number;
  lastSessionNs: bigint | null;
  /** Journals a recorder left unfinished (killed): recovered into Parquet files as the recorder starts. */
  journals: number;
}

/** What `root` holds of a recording; null when nothing (no directory, or none of a recording's files). */
export function existingRecording(root: string): ExistingRecording | null {
  if (!existsSync(root) || !statSync(root).isDirectory()) return null;
  const market = listParquet(root);
  const symbols = new Set<string>();
  let firstNs: bigint | null = null;
  let lastNs: bigint | null = null;
  for (const f of market) {
    const sym = /\/symbol=([^/]+)\//.exec(f)?.[1];
    if (sym) symbols.add(sym);
    const at = /\/(\d+)-\d+\.parquet$/.exec(f)?.[1];
    if (at === undefined) continue;
    const ns = BigInt(at);
    if (firstNs === null || ns < firstNs) firstNs = ns;
    if (lastNs === null || ns > lastNs) lastNs = ns;
  }
  const sessions = sessionsUnder(root); // oldest first
  const journals = journalsUnder(root).length;
  if (market.length === 0 && sessions.length === 0 && journals === 0) return null;
  return {
    marketFiles: market.length,
    symbols: [...symbols].sort(),
    firstNs,
    lastNs,
    sessions: sessions.length,
    lastSessionNs: sessions.length ? sessions[sessions.length - 1].startedNs : null,
    journals,
  };
}

const utc = (ns: bigint) => new Date(Number(ns / 1_000_000n)).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The warning before a new recording starts in `dir` beside `e`: what is there, that nothing is overwritten, what a
 * backtest of the directory will then replay, and how to keep them apart. `session`: the new run is a trading session
 * (demo, live --record), which --parity tells apart from the others; `flag`: the option that named the directory.
 */
export function existingRecordingText(dir: string, e: ExistingRecording, o: { session: boolean; flag: string }): string {
  const held = [
    e.marketFiles
      ? `${plural(e.marketFiles, 'market-data file')}${e.symbols.length ? ` of ${e.symbols.join(', ')}` : ''}${
          e.firstNs !== null && e.lastNs !== null
            ? e.firstNs === e.lastNs
              ? ` (begun ${utc(e.firstNs)})`
              : ` (the first begun ${utc(e.firstNs)}, the last ${utc(e.lastNs)})`
            : ''
        }`
      : '',
    e.sessions ? `${plural(e.sessions, 'trading session')} (the newest session-${e.lastSessionNs}.json under _orders/)` : '',
    e.journals
      ? `${count(e.journals)} unfinished ${e.journals === 1 ? 'journal' : 'journals'} of a recorder that was killed (turned into Parquet files as this one starts)`
      : '',
  ].filter(Boolean);
  const d = dirText(dir);
  return (
    `${d} already holds a recording: ${held.join('; ')}. This ${o.session ? 'session' : 'recording'} adds its files beside them and overwrites nothing, ` +
    `but backtest ${d} will replay old and new market data as one recording${o.session ? ' (--parity checks the newest session; --session NS an earlier one)' : ''}; ` +
    `to keep them apart, stop it now (Ctrl-C) and give another ${o.flag}`
  );
}

/** Says, as a warning before anything starts, what `root` (given as `dir`) already holds; nothing when it holds nothing. */
export function warnExisting(log: Logger, dir: string, root: string, o: { session: boolean; flag: string }): ExistingRecording | null {
  const e = existingRecording(root);
  if (e)
    log.warn(existingRecordingText(dir, e, o), {
      event: 'existingRecording',
      dir: root,
      marketFiles: e.marketFiles,
      symbols: e.symbols,
      sessions: e.sessions,
      journals: e.journals,
    });
  return e;
}
