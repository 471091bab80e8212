// Which market-data files a backtest replays: a recording directory, a file or a glob expanded to its Parquet files,
// their footers read (a damaged one stopped on or set aside), the recording's root, and the overlaps among one
// symbol's files. Shared by backtest, optimize, the benchmarks and the tests that replay recordings.
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { readFileMeta, sortOutDamaged, type DamagedFile } from '../capture/read-file';
import { listParquet, unfinishedJournals } from '../capture/recover';
import { gridMetaAgrees } from '../capture/grid-meta';
import { continuityWarnings } from '../capture/inspect-continuity';
import { SIDE_STREAM_DIRS, sideStreamOf, type SideStream } from '../capture/side-stream';
import type { ReplayFile } from '../backtest/feeder';
import { filesOfSymbol, heldSymbols, recordedSymbols, sortReplay } from './replay-symbols';

/** A directory at `path` (a glob or a file: false). */
export function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** Files named by a path: a file, a directory (market data under it) or a glob with * and **. */
export function expandInput(input: string): string[] {
  if (/[*?]/.test(input)) {
    const parts = input.split('/');
    const fixed: string[] = [];
    for (const p of parts) {
      if (/[*?]/.test(p)) break;
      fixed.push(p);
    }
    const base = fixed.join('/') || '.';
    const re = new RegExp(
      `^${input
        .split('**/')
        .map((s) =>
          s
            .split('*')
            .map((x) => x.replace(/[.+^${}()|[\]\\?]/g, '\\$&'))
            .join('[^/]*'),
        )
        .join('(?:.*/)?')}$`,
    );
    if (!existsSync(base)) throw new Error(`${input}: ${base} does not exist`);
    const out = listParquet(base).filter((f) => re.test(f));
    if (!out.length) throw new Error(`${input} matches no market-data Parquet file`);
    return out;
  }
  if (!existsSync(input)) throw new Error(`${input} does not exist: give a recording directory, a .parquet file or a glob`);
  if (statSync(input).isDirectory()) {
    const out = listParquet(input);
    // a recorder killed before its first roll left only journals: say how to turn them into files, as inspect does
    if (!out.length)
      throw (
        unfinishedJournals(input, { marketOnly: true }) ??
        new Error(`${input} holds no market-data Parquet files (expected <dir>/venue=…/inst_type=…/symbol=…/date=…/*.parquet)`)
      );
    return out;
  }
  return [input];
}

/**
 * The market files of one symbol among `paths`, in replay order, their footers read. A file whose footer cannot be
 * read stops everything (naming it and how to leave it out), or with `skipDamaged` is returned in `damaged`.
 */
export async function replayFilesOf(
  paths: string[],
  symbol?: string,
  o: { skipDamaged?: boolean } = {},
): Promise<{ files: ReplayFile[]; damaged: DamagedFile[] }> {
  const { files, damaged } = await readReplayFiles(paths, o);
  const chosen = symbol ? filesOfSymbol(files, symbol) : files;
  if (!symbol && recordedSymbols(files).length > 1)
    throw new Error(`the input holds several symbols (${heldSymbols(files)}): pick one with --symbol`);
  return { files: sortReplay(chosen), damaged };
}

/** Every market file among `paths`, its footer read (a damaged one stops everything, or with `skipDamaged` is set aside). */
export async function readReplayFiles(
  paths: string[],
  o: { skipDamaged?: boolean } = {},
): Promise<{ files: ReplayFile[]; damaged: DamagedFile[] }> {
  // a glob over a whole recording matches its other streams too: left out, as a directory leaves them out; given alone,
  // one of them is no market data to replay
  const market = paths.filter((p) => sideStreamOf(p) === null);
  if (!market.length && paths.length) {
    const s = sideStreamOf(paths[0])!;
    throw new Error(
      `${paths[0]}: a file of the ${SIDE_STREAM_NAMES[s]} (${SIDE_STREAM_DIRS[s]}/) stream, not market data: give the recording's directory or its market files`,
    );
  }
  // a footer whose grid contradicts itself is a damaged file: stopped on, or skipped with --skip-damaged
  const read = await sortOutDamaged(
    market,
    async (p) => {
      const r = await readFileMeta(p);
      gridMetaAgrees(r.meta, p);
      return r;
    },
    o.skipDamaged ?? false,
  );
  if (!read.ok.length) throw new Error(`every input file is damaged: ${read.damaged.map((d) => d.message).join('; ')}`);
  const files: ReplayFile[] = read.ok.map(({ path, value: { meta, rows } }) => ({
    path,
    meta,
    rows,
    firstLocalTs: BigInt(meta.first_local_ts || '0'),
  }));
  return { files, damaged: read.damaged };
}

/** The side streams as an error names them. */
const SIDE_STREAM_NAMES: Record<SideStream, string> = { orders: 'own-order log', ticker: 'ticker', raw: 'raw frames' };

/** The overlaps and duplicates among one symbol's files (holes are no fault of the replay), in inspect's words. */
export function overlapWarnings(symbol: string, files: readonly ReplayFile[]): string[] {
  const spans = files.map((f) => ({
    path: f.path,
    first: f.firstLocalTs,
    last: BigInt(f.meta.last_local_ts || f.meta.first_local_ts || '0'),
    rows: f.rows,
  }));
  return continuityWarnings(symbol, spans)
    .filter((w) => w.kind !== 'hole')
    .map((w) => w.message);
}

/** The recording root a set of files belongs to (the directory above venue=…). */
export function recordingRoot(path: string): string {
  const i = path.indexOf('/venue=');
  return i >= 0 ? path.slice(0, i) : dirname(path);
}
