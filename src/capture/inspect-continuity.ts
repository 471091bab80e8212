// Continuity of a stream across its files: a hole between one file's last row and the next file's first (the
// recorder stopped), and files whose local-time spans overlap (a copy, or a recording written twice: a backtest
// replays those events twice). inspect prints each as a line of its own and lists them in --json.
import { count, duration } from '../format/numbers';

/** A hole between files shorter than this is taken for a quiet market, not reported. */
const GAP_WARN_NS = 1_000_000_000n;

/** One file's local-time span and rows. */
export interface FileSpan {
  path: string;
  first: bigint;
  last: bigint;
  rows: number;
  /** The longest pause between consecutive rows inside the file, ns (how quiet its market gets). */
  maxPause?: bigint;
  /** The metadata's `source` (live, simulator, tardis, …). */
  source?: string;
}

export interface ContinuityWarning {
  stream: string;
  /** hole: no data between `other` and `path`; overlap: `path` starts before `other` ends; duplicate: the same span and rows. */
  kind: 'hole' | 'overlap' | 'duplicate';
  /** The later file, and the one before it it is measured against. */
  path: string;
  other: string;
  /** The length of the hole or of the overlap (a duplicate's whole span), in ns. */
  ns: string;
  /** The warning in words, as inspect prints it. */
  message: string;
}

/** A file of the stream that could not be read: its path and the first local stamp its name gives. */
export interface DamagedSpan {
  path: string;
  first: bigint;
}

/**
 * Holes between `stream`'s consecutive files, and files whose local-time spans overlap. A hole a damaged file of the
 * stream starts in (`damaged`, left out of the figures) is said to be that file, not a stopped recorder.
 */
export function continuityWarnings(stream: string, spans: readonly FileSpan[], damaged: readonly DamagedSpan[] = []): ContinuityWarning[] {
  const out: ContinuityWarning[] = [];
  const sorted = [...spans].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : a.path < b.path ? -1 : 1));
  // a hole no longer than the market's own pauses inside the files is a quiet market more likely than a stop
  const quiet = spans.reduce((m, f) => (f.maxPause !== undefined && f.maxPause > m ? f.maxPause : m), 0n);
  let prev: FileSpan | null = null;
  for (const f of sorted) {
    if (prev) {
      const warn = (kind: ContinuityWarning['kind'], ns: bigint, message: string) =>
        out.push({ stream, kind, path: f.path, other: prev!.path, ns: String(ns), message });
      const same = f.first === prev.first && f.last === prev.last && f.rows === prev.rows;
      // a file that begins at the very instant the one before ends continues it: the recorder's roll can fall inside
      // one frame's records (all of one local time), which then end one file and begin the next
      if (same || f.first < prev.last) {
        const ns = minBig(prev.last, f.last) - f.first;
        if (same)
          warn(
            'duplicate',
            ns,
            `${f.path} duplicates ${prev.path} (the same span and ${count(f.rows)} rows): a backtest replays these events twice; remove one`,
          );
        else warn('overlap', ns, `${f.path} overlaps ${prev.path} by ${duration(ns)}: a backtest replays the events of the overlap twice`);
      } else if (f.first - prev.last >= GAP_WARN_NS) {
        const ns = f.first - prev.last;
        const from = prev.last;
        const lost = damaged.filter((d) => d.first > from && d.first <= f.first).map((d) => d.path);
        const why = lost.length
          ? `: DAMAGED ${lost.join(', ')} ${lost.length === 1 ? 'starts' : 'start'} in it (left out, listed below)`
          : ns <= quiet
            ? ` (no longer than the longest pause inside the files, ${duration(quiet)}: a quiet market, most likely)`
            : f.source === 'tardis' && prev.source === 'tardis'
              ? " (the imported input has no data here: Tardis's collector lost it, or the inputs leave this time out)"
              : (f.source === 'tardis') !== (prev.source === 'tardis')
                ? ' (between an imported file and a recorded one: two sources in one stream, which a backtest replays as one)'
                : ' (the recorder stopped?)';
        warn('hole', ns, `a hole of ${duration(ns)} with no data between ${prev.path} and ${f.path}${why}`);
      }
    }
    if (!prev || f.last > prev.last) prev = f;
  }
  return out;
}

const minBig = (a: bigint, b: bigint): bigint => (a < b ? a : b);
