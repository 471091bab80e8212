// What /api/recordings answers: the market-data files under the data root with the footer fields the replay page
// needs to pick one, and where that recording's own orders are; and the files of the two side streams a replay reads
// beside them, marked as such: the ticker (funding) and the own-order log (the recorded latency model). Only footers
// are read (a few KB per file), and a file whose size and mtime did not change is not read again.
import { stat, realpath, readdir } from 'node:fs/promises';
import { relative, sep, join } from 'node:path';
import { fileMeta } from '../capture/parquet/reader';
import { withFileSource } from '../capture/file-source';
import { isInside } from './paths';
import { SIDE_STREAM_DIRS, sideStreamOf } from '../capture/side-stream';
import { errorText } from '../format/errors';

export interface RecordingEntry {
  /** Relative to the data root with forward slashes: fetch it as /data/<path>. */
  path: string;
  size: number;
  /** null when the footer could not be read (see error). */
  rows: number | null;
  // named as the file's key-value metadata, so the page can use one set of names for both
  venue: string | null;
  inst_type: string | null;
  symbol: string | null;
  /** Nanoseconds as decimal strings: they do not fit a JSON number. */
  first_local_ts: string | null;
  last_local_ts: string | null;
  /** The own-orders directory mirroring this file's directory under _orders/, relative like path; null if none. */
  orders: string | null;
  /** Why the footer could not be read (a torn or foreign file); the entry is listed so the page can say so. */
  error?: string;
  /**
   * Not market data: 'ticker', a file of the symbol's ticker stream (<root>/_ticker/…: funding rates, settlements, mark
   * prices), whose funding the page charges; 'orders', a file of a trading session's own-order log (<root>/_orders/…,
   * written by `demo` and `live --record`), whose measured round trips are the page's recorded latency model — each
   * as `ringbook backtest` reads them.
   */
  stream?: SideStreamEntry;
}

/** The side streams listed beside the market data (never _raw/: another schema, nothing a replay reads). */
export type SideStreamEntry = 'ticker' | 'orders';

type FoundFile = { path: string; real: string; stream?: SideStreamEntry };

export type ListingCache = Map<string, { size: number; mtimeMs: number; entry: RecordingEntry }>;

const CONCURRENCY = 8;

const toUrlPath = (rel: string) => rel.split(sep).join('/');

/** Errors without the absolute paths fs messages carry: the listing goes to a browser. */
function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code) return code;
  return errorText(err);
}

async function ordersDir(realRoot: string, rel: string): Promise<string | null> {
  const at = rel.lastIndexOf('/');
  if (at < 0) return null; // a loose file at the root is no recorder output, so nothing mirrors it
  const dir = `${SIDE_STREAM_DIRS.orders}/${rel.slice(0, at)}`;
  try {
    const real = await realpath(join(realRoot, ...dir.split('/')));
    return isInside(realRoot, real) && (await stat(real)).isDirectory() ? dir : null;
  } catch {
    return null;
  }
}

/**
 * The market-data Parquet files under `realRoot`, by the rule of listParquet (src/capture/recover.ts): `*.parquet`
 * outside `_raw/` (another schema), `_ticker/` and `_orders/` (other streams); and those under `_ticker/` and
 * `_orders/`, marked as their stream (funding and the recorded latency for the replay). Walked here rather than with
 * listParquet because that walk follows every symlink: a link loop makes it throw ELOOP and a link to / walks the
 * whole disk, and one unreadable directory fails it. Here links are followed only while they stay inside the root,
 * each real directory is visited once, unreadable directories are skipped, and hidden names (never served) are not
 * listed.
 */
export async function findRecordings(realRoot: string): Promise<FoundFile[]> {
  const out: FoundFile[] = [];
  const seen = new Set<string>();
  const visit = async (dir: string, realDir: string, stream?: SideStreamEntry): Promise<void> => {
    if (seen.has(realDir)) return;
    seen.add(realDir);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    // real entries before links, so a directory also reachable through a link is listed under its own name
    entries.sort((a, b) => Number(a.isSymbolicLink()) - Number(b.isSymbolicLink()));
    for (const e of entries) {
      const side = sideStreamOf(e.name);
      if (e.name.startsWith('.') || side === 'raw') continue;
      // a side stream is listed as such, never as market data (listParquet leaves them out of a backtest's input)
      const inStream = stream ?? (side === 'ticker' || side === 'orders' ? side : undefined);
      const p = join(dir, e.name);
      let real = join(realDir, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        try {
          real = await realpath(p);
          const st = await stat(real);
          [isDir, isFile] = [st.isDirectory(), st.isFile()];
        } catch {
          continue; // dangling
        }
        if (!isInside(realRoot, real)) continue;
      }
      if (isDir) await visit(p, real, inStream);
      else if (isFile && e.name.endsWith('.parquet'))
        out.push({ path: toUrlPath(relative(realRoot, p)), real, ...(inStream ? { stream: inStream } : {}) });
    }
  };
  await visit(realRoot, realRoot);
  return out;
}

async function entryFor(realRoot: string, file: FoundFile, cache?: ListingCache): Promise<RecordingEntry | null> {
  const { path, real } = file;
  const st = await stat(real).catch(() => null);
  if (!st?.isFile()) return null; // removed since the walk
  const hit = cache?.get(path);
  if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs)
    return { ...hit.entry, orders: file.stream ? null : await ordersDir(realRoot, path) };
  const entry: RecordingEntry = {
    path,
    size: st.size,
    rows: null,
    venue: null,
    inst_type: null,
    symbol: null,
    first_local_ts: null,
    last_local_ts: null,
    orders: file.stream ? null : await ordersDir(realRoot, path),
    ...(file.stream ? { stream: file.stream } : {}),
  };
  try {
    const { meta, rows } = await withFileSource(real, fileMeta);
    entry.rows = rows;
    entry.venue = meta.venue ?? null;
    entry.inst_type = meta.inst_type ?? null;
    entry.symbol = meta.symbol ?? null;
    entry.first_local_ts = meta.first_local_ts ?? null;
    entry.last_local_ts = meta.last_local_ts ?? null;
  } catch (err) {
    entry.error = describe(err);
  }
  cache?.set(path, { size: st.size, mtimeMs: st.mtimeMs, entry });
  return entry;
}

/** Every market-data file under `realRoot` (a real path) and those of its ticker and own-order streams, sorted by path. */
export async function listRecordings(realRoot: string, cache?: ListingCache): Promise<RecordingEntry[]> {
  const files = await findRecordings(realRoot);
  const out: RecordingEntry[] = [];
  for (let i = 0; i < files.length; i += CONCURRENCY) {
    const batch = await Promise.all(files.slice(i, i + CONCURRENCY).map((f) => entryFor(realRoot, f, cache)));
    for (const e of batch) if (e) out.push(e);
  }
  if (cache) {
    const listed = new Set(out.map((e) => e.path));
    for (const path of cache.keys()) if (!listed.has(path)) cache.delete(path);
  }
  // code-unit order, not locale order: the same on every machine
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
