// Reading recording files by path, Node only. Every file is opened only if it is a regular file, and anything that
// goes wrong while reading one — empty or torn, not Parquet, another writer's schema, a page whose checksum does not
// match, an unknown schema_version, a FIFO — becomes a DamagedFile naming it, so a run over a directory of files
// says which one to leave out. Errors of whoever consumes the rows (a strategy, the engine) pass through untouched.
import type { FileMetaData } from 'hyparquet';
import { fileMeta, rowGroups, type RowGroupChunk } from './parquet/reader';
import { recordGroups, type RecordArea, type RecordGroup } from './parquet/record-groups';
import { openFileSource, withFileSource, type FileSource } from './file-source';
import type { FileMeta } from './schema';
import { errorText } from '../format/errors';

/** A file that cannot be read as a recording; `reason` says why in a trader's words. */
export class DamagedFile extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'DamagedFile';
  }
}

/** `err` (thrown while reading `path`) as a DamagedFile; fs errors keep only their code and the message's gist. */
export function damaged(path: string, err: unknown): DamagedFile {
  if (err instanceof DamagedFile) return err;
  const code = (err as NodeJS.ErrnoException)?.code;
  const message = errorText(err);
  if (code === 'ENOENT') return new DamagedFile(path, 'vanished while being read');
  if (code === 'EACCES' || code === 'EPERM') return new DamagedFile(path, `not readable (${code})`);
  if (code === 'ENOTREG') return new DamagedFile(path, message.startsWith(path) ? message.slice(path.length + 1).trim() : message);
  // a message that already starts with the path would say it twice
  return new DamagedFile(path, message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message);
}

/** What to tell a user whose run stopped on a damaged file. */
export const LEAVE_OUT_HINT =
  'leave it out (move it out of the input directory, or give a glob that does not match it), or run again with --skip-damaged to skip damaged files, each named where it was left out';

/** The error a run stops with on the damaged file `d`: which file, why, and how to leave it out. */
export function stopOn(d: DamagedFile): Error {
  return new Error(`cannot read ${d.message}. ${LEAVE_OUT_HINT[0].toUpperCase()}${LEAVE_OUT_HINT.slice(1)}.`);
}

/** The footer and key-value metadata of the file at `path`. */
export async function readFileMeta(path: string): Promise<{ metadata: FileMetaData; meta: Partial<FileMeta>; rows: number }> {
  try {
    return await withFileSource(path, fileMeta);
  } catch (err) {
    throw damaged(path, err);
  }
}

/** Yields what `make(file)` yields over the file at `path`, turning errors of the reading (not of the consumer) into DamagedFile. */
async function* named<T>(path: string, make: (file: FileSource) => AsyncIterable<T>): AsyncGenerator<T> {
  let file: FileSource;
  try {
    file = await openFileSource(path);
  } catch (err) {
    throw damaged(path, err);
  }
  try {
    const it = make(file)[Symbol.asyncIterator]();
    for (;;) {
      let r: IteratorResult<T>;
      try {
        r = await it.next();
      } catch (err) {
        throw damaged(path, err);
      }
      if (r.done) return;
      yield r.value;
    }
  } finally {
    await file.close();
  }
}

/** The file's row groups as records in `area` (./record-groups), each piece valid until the next. */
export function fileRecordGroups(path: string, area: RecordArea, inst: number): AsyncGenerator<RecordGroup> {
  return named(path, (file) => recordGroups(file, area, inst));
}

/** The file's row groups as typed columns (./reader). */
export function fileRowGroups(path: string, columns?: readonly string[]): AsyncGenerator<RowGroupChunk> {
  return named(path, (file) => rowGroups(file, columns));
}

/**
 * Reads every row of the file at `path` through `area` (every page checksum and every stream checked), or throws the
 * DamagedFile. What `--skip-damaged` runs before a replay, so a replay never stops halfway through its data.
 */
export async function verifyFile(path: string, area: RecordArea): Promise<void> {
  for await (const _ of fileRecordGroups(path, area, 0));
}

/**
 * Splits `paths` into those `check` accepts and the damaged ones: with `skip`, a damaged file is set aside;
 * without, the first one stops everything (with LEAVE_OUT_HINT).
 */
export async function sortOutDamaged<T>(
  paths: readonly string[],
  check: (path: string) => Promise<T>,
  skip: boolean,
): Promise<{ ok: Array<{ path: string; value: T }>; damaged: DamagedFile[] }> {
  const ok: Array<{ path: string; value: T }> = [];
  const bad: DamagedFile[] = [];
  for (const path of paths) {
    try {
      ok.push({ path, value: await check(path) });
    } catch (err) {
      const d = damaged(path, err);
      if (!skip) throw stopOn(d);
      bad.push(d);
    }
  }
  return { ok, damaged: bad };
}

/** How a run reads its side streams (_ticker, _orders): with `skip`, a damaged file is left out and listed in `damaged`. */
export interface SideFiles {
  skip: boolean;
  damaged: DamagedFile[];
}

/**
 * The rows `read` collects from one file of a side stream, whole or not at all: a damaged file stops the run with
 * LEAVE_OUT_HINT, or with `side.skip` gives no rows and is listed in `side.damaged`.
 */
export async function sideFileRows<T>(read: (out: T[]) => Promise<void>, side?: SideFiles): Promise<T[]> {
  const out: T[] = [];
  try {
    await read(out);
    return out;
  } catch (err) {
    if (!(err instanceof DamagedFile)) throw err;
    if (!side?.skip) throw stopOn(err);
    side.damaged.push(err);
    return [];
  }
}
