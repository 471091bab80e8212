// Opening files for reading only when they are regular files. Opening a FIFO for reading waits for a writer —
// forever, on one of libuv's four I/O threads (four such opens and nothing else reads a file in that process) — and
// a device may never end. So: stat first (no open at all for anything else), then open with O_NONBLOCK (a FIFO
// swapped in since the stat cannot block the open) and fstat the handle (what was opened is what is read).
import { constants, closeSync, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';

const READ = constants.O_RDONLY | constants.O_NONBLOCK;

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** Thrown for a path that exists but is no regular file; `code` ENOTREG. */
export class NotRegularFile extends Error {
  readonly code = 'ENOTREG';
  constructor(
    readonly path: string,
    st: Stats,
  ) {
    super(`${path} is ${kindOf(st)}, not a regular file`);
  }
}

/** Opens `path` for reading if it is a regular file (`flags` adds e.g. O_NOFOLLOW); throws NotRegularFile otherwise. */
export async function openRegular(path: string, flags = 0): Promise<FileHandle> {
  const before = await stat(path);
  if (!before.isFile()) throw new NotRegularFile(path, before);
  const fh = await open(path, READ | flags);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new NotRegularFile(path, st);
  } catch (err) {
    await fh.close().catch(() => {});
    throw err;
  }
  return fh;
}

/** The whole of `path`, read only if it is a regular file (journals, sidecars, JSON inputs). */
export function readRegularFileSync(path: string): Buffer {
  const before = statSync(path);
  if (!before.isFile()) throw new NotRegularFile(path, before);
  const fd = openSync(path, READ);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new NotRegularFile(path, st);
    const buf = Buffer.allocUnsafe(st.size);
    let at = 0;
    while (at < buf.length) {
      const n = readSync(fd, buf, at, buf.length - at, at);
      if (n === 0) break; // shrank since the fstat
      at += n;
    }
    return at === buf.length ? buf : buf.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}
