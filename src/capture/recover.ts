// Start-up recovery: every journal (`*.parquet.partial`, `*.parquet.rawpartial`) a killed recorder left under the root
// becomes its finished Parquet file; stale `*.tmp` files (a crash between write and rename) are removed. A journal
// whose metadata sidecar is torn, empty or missing is recovered with rebuilt metadata or set aside, never fatal.
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  readdirSync,
  realpathSync,
  renameSync,
  statSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { streamMeta, type StreamInfo } from './writer';
import { encodeRaw, rawMeta, unpack } from './raw';
import { encodeParquet } from './parquet/encode';
import { fsJournalIo, readJournal, type JournalIo } from './journal';
import { removeIfExists } from './files';
import { readRegularFileSync } from './regular-file';
import { SCHEMA_VERSION, type FileMeta } from './schema';
import { NotRegularFile } from './regular-file';
import { selfCommand } from '../cli/self';
import { liveHolder } from '../cli/dir-lock';
import { count, plural } from '../format/numbers';
import { dirText } from '../format/paths';
import { sideStreamOf } from './side-stream';
import { errnoText } from './write-gate';

function walk(dir: string, out: string[], seen = new Set<string>(), top = realpathSync(dir)): void {
  // Each real directory is walked once (a symlink back up the tree would loop), and a link to somewhere inside the
  // tree is another view of files listed under their own path: only links leaving the tree are followed.
  const real = realpathSync(dir);
  if (seen.has(real)) return;
  seen.add(real);
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink()) {
      let target: string;
      try {
        target = realpathSync(p);
      } catch {
        continue; // a dangling link
      }
      if (target === top || target.startsWith(`${top}/`)) continue;
    }
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // a journal deleted while we looked
      throw err;
    }
    if (st.isDirectory()) walk(p, out, seen, top);
    // FIFOs, sockets and devices are nothing a recorder wrote, and opening one to read could block for good
    else if (st.isFile()) out.push(p);
  }
}

/** What start-up recovery did with one journal a killed recorder left. */
export type RecoveryResult =
  /** The journal is now its finished file; `note` says when its metadata had to be rebuilt. */
  | { kind: 'recovered'; path: string; rows: number; tornBytes: number; note?: string }
  /** No metadata could be found for it: renamed out of the way (`keptAs`), records intact, recording goes on. */
  | { kind: 'set-aside'; journal: string; keptAs: string; reason: string }
  /** Recovery failed (a full disk, permissions): the journal stays as it is and is tried again at the next start. */
  | { kind: 'failed'; journal: string; reason: string };

export interface RecoveryOptions {
  /** The streams of the recorder that is starting: metadata for a journal whose sidecar is torn, empty or missing. */
  streams?: readonly StreamInfo[];
  /** File operations (tests inject failing ones). */
  io?: JournalIo;
}

const MARKET_KEYS = ['venue', 'inst_type', 'symbol', 'tick_size', 'lot_size', 'price_scale', 'price_step', 'size_scale', 'size_step'];

/** The sidecar's metadata, or why it cannot be used. */
function readSidecar(path: string, keys: readonly string[]): { meta: Record<string, string> } | { problem: string } {
  if (!existsSync(path)) return { problem: 'missing' };
  let text: string;
  try {
    text = readRegularFileSync(path).toString('utf8');
  } catch (err) {
    return { problem: `unreadable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  }
  if (text.length === 0) return { problem: 'empty' };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { problem: `torn (${text.length} bytes, not JSON)` };
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { problem: 'not a metadata object' };
  const o = v as Record<string, unknown>;
  for (const k of keys) if (typeof o[k] !== 'string' || o[k] === '') return { problem: `without ${k}` };
  if (o.schema_version !== undefined && o.schema_version !== SCHEMA_VERSION)
    return { problem: `of schema_version ${String(o.schema_version)}` };
  return { meta: Object.fromEntries(Object.entries(o).map(([k, x]) => [k, String(x)])) };
}

/** venue, inst_type and symbol from the hive path (…/venue=V/inst_type=T/symbol=S/date=…/file). */
function hiveParts(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const seg of path.split(sep)) {
    const eq = seg.indexOf('=');
    if (eq > 0) out[seg.slice(0, eq)] = seg.slice(eq + 1);
  }
  return out;
}

/** The key-value metadata of a finished Parquet file, reading only its footer; null when it has none we can read. */
function footerMeta(path: string): Record<string, string> | null {
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size < 12) return null;
    const tail = readTail(path, Math.min(st.size, 1 << 16));
    const len = new DataView(tail.buffer, tail.byteOffset).getUint32(tail.length - 8, true);
    const footer = len + 8 <= tail.length ? tail : readTail(path, Math.min(st.size, len + 8));
    const meta: Record<string, string> = {};
    for (const kv of parquetMetadata(footer).key_value_metadata ?? []) meta[kv.key] = kv.value ?? '';
    return meta;
  } catch {
    return null;
  }
}

function readTail(path: string, n: number): Uint8Array {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const size = fstatSync(fd).size;
    const buf = new Uint8Array(Math.min(n, size));
    readSync(fd, buf, 0, buf.length, size - buf.length);
    return buf;
  } finally {
    closeSync(fd);
  }
}

/**
 * Metadata for a market journal whose sidecar is unusable: the starting recorder's settings for the same
 * venue/inst_type/symbol, else a finished file of the same stream in the same directory. The clock estimate is not
 * known for it and stays empty.
 */
function rebuildMarketMeta(partial: string, o: RecoveryOptions): { meta: Record<string, string>; from: string } | null {
  const p = hiveParts(partial);
  const s = o.streams?.find((x) => x.venue === p.venue && x.instType === p.inst_type && x.symbol === p.symbol);
  if (s) return { meta: { ...streamMeta(s, null, 0, 0n, 0n, new Int32Array(0), 0) }, from: "this run's instrument settings" };
  const dir = dirname(partial);
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.parquet'));
  } catch {
    // no siblings to read
  }
  for (const name of names.sort().reverse()) {
    const m = footerMeta(join(dir, name));
    if (!m || m.venue !== p.venue || m.inst_type !== p.inst_type || m.symbol !== p.symbol) continue;
    if (!MARKET_KEYS.every((k) => m[k])) continue;
    const meta: Record<string, string> = {};
    for (const k of [...MARKET_KEYS, 'schema_version', 'recorder_version', 'source']) meta[k] = m[k] ?? '';
    for (const k of ['clock_offset_ns', 'clock_offset_bound_ns', 'clock_offset_method', 'clock_offset_rtt_ns', 'feed_latency_p1_ns'])
      meta[k] = '';
    meta.dropped_records = '0';
    return { meta, from: `the finished file ${name} of the same stream` };
  }
  return null;
}

const tsAt = (words: Int32Array, rec: number) => (BigInt(words[rec * 16 + 5]) << 32n) | BigInt(words[rec * 16 + 4] >>> 0);

function setAside(journal: string, sidecar: string, reason: string): RecoveryResult {
  const keptAs = `${journal}.unrecovered`;
  renameSync(journal, keptAs);
  if (existsSync(sidecar)) renameSync(sidecar, `${sidecar}.unrecovered`);
  return { kind: 'set-aside', journal, keptAs, reason };
}

function recoverMarket(partial: string, o: RecoveryOptions): RecoveryResult | null {
  const io = o.io ?? fsJournalIo;
  const path = partial.slice(0, -'.partial'.length);
  const sidecar = `${path}.meta.json`;
  if (existsSync(path)) {
    // finished before the crash; only the clean-up was lost
    removeIfExists(partial);
    removeIfExists(sidecar);
    return null;
  }
  const { words, records, tornBytes } = readJournal(partial);
  if (records === 0) {
    removeIfExists(partial);
    removeIfExists(sidecar);
    return null;
  }
  const side = readSidecar(sidecar, MARKET_KEYS);
  let meta: Record<string, string>;
  let note: string | undefined;
  if ('meta' in side) meta = side.meta;
  else {
    const rebuilt = rebuildMarketMeta(partial, o);
    if (!rebuilt)
      return setAside(
        partial,
        sidecar,
        `its metadata sidecar is ${side.problem} and no instrument settings for its stream were found (tick size, lot size)`,
      );
    meta = { ...rebuilt.meta, recovered_metadata: `rebuilt from ${rebuilt.from}: the sidecar was ${side.problem}` };
    note = `its metadata sidecar was ${side.problem}: metadata rebuilt from ${rebuilt.from}`;
  }
  meta.rows = String(records);
  meta.first_local_ts = String(tsAt(words, 0));
  meta.last_local_ts = String(tsAt(words, records - 1));
  io.writeFile(path, encodeParquet(words, 0, records, meta as unknown as FileMeta));
  removeIfExists(partial);
  removeIfExists(sidecar);
  return { kind: 'recovered', path, rows: records, tornBytes, note };
}

function recoverRaw(partial: string, o: RecoveryOptions): RecoveryResult | null {
  const io = o.io ?? fsJournalIo;
  const path = partial.slice(0, -'.rawpartial'.length);
  const sidecar = `${path}.meta.json`;
  if (existsSync(path)) {
    removeIfExists(partial);
    removeIfExists(sidecar);
    return null;
  }
  const parsed = unpack(readRegularFileSync(partial));
  const rows = parsed.frames.length;
  if (rows) {
    const side = readSidecar(sidecar, ['venue']);
    let note: string | undefined;
    let meta: Record<string, string>;
    if ('meta' in side) meta = side.meta;
    else {
      // everything a raw file's metadata says is in its path and its frames
      meta = {
        ...rawMeta(hiveParts(partial).venue ?? '', '', parsed.ts[0], rows),
        recovered_metadata: `rebuilt from the journal: the sidecar was ${side.problem}`,
      };
      note = `its metadata sidecar was ${side.problem}: metadata rebuilt from the journal (source unknown)`;
    }
    meta.rows = String(rows);
    io.writeFile(path, encodeRaw(parsed, meta));
    removeIfExists(partial);
    removeIfExists(sidecar);
    return { kind: 'recovered', path, rows, tornBytes: parsed.tornBytes, note };
  }
  removeIfExists(partial);
  removeIfExists(sidecar);
  return null;
}

/** One line for the operator about what recovery did with a journal. */
export function describeRecovery(r: RecoveryResult): string {
  if (r.kind === 'recovered')
    return `recovered ${r.path} (${plural(r.rows, 'row')}${r.tornBytes ? `, cut a torn ${count(r.tornBytes)}-byte tail` : ''}) left by a killed run${r.note ? `; ${r.note}` : ''}`;
  if (r.kind === 'set-aside')
    return `ALARM recorder: set aside the journal ${r.journal} left by a killed run as ${r.keptAs}: ${r.reason}. Its records are intact (whole 64-byte records, docs/capture.md); recording goes on`;
  return `ALARM recorder: could not recover the journal ${r.journal} now (${r.reason}); it stays and is tried again at the next start; recording goes on`;
}

/**
 * Turns every journal under `root` into its finished file, as far as it can: a journal whose sidecar is torn,
 * empty or missing gets its metadata rebuilt (o.streams, or a finished file of the same stream) or is set aside;
 * one that cannot be written now (disk full) is left for the next start. Never throws for one journal: new
 * recording must not be blocked by an old crash. Stale temp files of interrupted atomic writes are removed.
 */
export function recoverTree(root: string, o: RecoveryOptions = {}): RecoveryResult[] {
  if (!existsSync(root)) return [];
  const files: string[] = [];
  walk(root, files);
  for (const f of files) if (f.endsWith('.parquet.tmp') || f.endsWith('.meta.json.tmp')) removeIfExists(f);
  const out: RecoveryResult[] = [];
  for (const f of files) {
    const market = f.endsWith('.parquet.partial');
    if (!market && !f.endsWith('.parquet.rawpartial')) continue;
    try {
      const r = market ? recoverMarket(f, o) : recoverRaw(f, o);
      if (r) out.push(r);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      out.push({ kind: 'failed', journal: f, reason: errnoText(e) });
    }
  }
  return out;
}

/** Journals (`.parquet.partial`, market data and its own streams; raw frames left out) under `root`, sorted by path. */
export function journalsUnder(root: string): string[] {
  if (!existsSync(root) || !statSync(root).isDirectory()) return [];
  const files: string[] = [];
  walk(root, files);
  return files.filter(isJournal).sort();
}

/** A recorder's journal of market data or of its own streams (raw frames' journals are another kind). */
const isJournal = (f: string) => f.endsWith('.parquet.partial') && sideStreamOf(f) !== 'raw';

/** Every finished Parquet file of one of a recording's own streams (own orders, tickers), sorted by path; none: empty. */
export function listStreamParquet(root: string, stream: '_orders' | '_ticker'): string[] {
  const dir = join(root, stream);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  const files: string[] = [];
  walk(dir, files);
  return files.filter((f) => f.endsWith('.parquet')).sort();
}

/**
 * A directory with no finished Parquet file but journals (`.parquet.partial`) of a recorder stopped before it
 * finished them (killed, or the machine went down): the data is there, a start of `record` on it recovers it.
 */
export class UnfinishedJournals extends Error {
  constructor(
    readonly dir: string,
    readonly journals: number,
    /** What was looked for: market data only (a replay's input), or any stream's files. */
    what = '',
  ) {
    // the root's lock tells the two apart: a run still writing (its first roll finishes them) or one that was killed
    const holder = liveHolder(recordingRootOf(dir));
    const head = `${dirText(dir)} holds no finished ${what}.parquet files, only ${journals === 1 ? '1 unfinished journal' : `${journals} unfinished journals`} (.parquet.partial)`;
    super(
      holder
        ? `${head}: pid ${holder.pid} (${holder.command}) is recording into it now and finishes its files at each roll and when it stops; try again after its first roll`
        : `${head}: left by a recorder that was stopped before it finished them (killed, or the machine went down; no run holds the directory now): ${selfCommand()} record --out ${dirText(recordingRootOf(dir))} --duration 1s recovers them into Parquet files as it starts (docs/capture.md, Crash safety), then inspect or backtest them`,
    );
    this.name = 'UnfinishedJournals';
  }
}

/**
 * When `root` (a directory) holds no finished Parquet file but journals, the error that says so and how to recover
 * them; null otherwise. Not part of listParquet: a recording in progress has only journals until its first roll, and
 * code that waits for files lists them meanwhile.
 */
export function unfinishedJournals(root: string, o: { marketOnly?: boolean } = {}): UnfinishedJournals | null {
  if (!existsSync(root) || !statSync(root).isDirectory()) return null;
  const all: string[] = [];
  walk(root, all);
  // marketOnly (a replay's input): finished files of the side streams (_orders/, _ticker/) do not make up for market
  // data that is only in journals
  const files = o.marketOnly ? all.filter((f) => sideStreamOf(relative(root, f)) === null) : all;
  if (files.some((f) => f.endsWith('.parquet'))) return null;
  const journals = files.filter(isJournal).length;
  return journals ? new UnfinishedJournals(root, journals, o.marketOnly ? 'market-data ' : '') : null;
}

/** The recording root (what record --out took) of a directory inside it: data/_ticker/venue=… → data. */
function recordingRootOf(dir: string): string {
  const parts = dir.replace(/\/+$/, '').split('/');
  const at = parts.findIndex((p) => sideStreamOf(p) !== null || p.startsWith('venue='));
  return at < 0 ? dir : parts.slice(0, at).join('/') || '.';
}

/**
 * Every finished market-data Parquet file under `root` (a file or a directory), sorted by path. The other streams
 * (_raw/, _orders/, _ticker/) are left out below `root`; a root inside one of them is for inspect's stream readers
 * (inspect-streams.ts), not for this list.
 */
export function listParquet(root: string): string[] {
  if (!existsSync(root)) throw new Error(`no such file or directory: ${root}`);
  const st = statSync(root);
  if (st.isFile()) return [root];
  if (!st.isDirectory()) throw new NotRegularFile(root, st);
  const files: string[] = [];
  walk(root, files);
  // market data only: raw frames (_raw/) have another schema, own orders (_orders/) and tickers (_ticker/) are
  // other streams
  return files.filter((f) => f.endsWith('.parquet') && sideStreamOf(f) === null).sort();
}
