// Finishing a file safely: write to `<name>.tmp`, fsync, rename into place, fsync the directory. A reader never sees
// a half-written Parquet file under its final name.
import { openSync, writeSync, fsyncSync, closeSync, renameSync, mkdirSync, existsSync, unlinkSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';

/**
 * mkdir -p that fails with the OS error instead of looping: Node 20's `mkdirSync(p, { recursive: true })` spins
 * forever on some paths (under /proc, for one), which would hang the recorder on a bad --out.
 */
export function ensureDir(path: string): void {
  const full = resolve(path);
  const parts = full.split(sep);
  let at = '';
  for (let i = 1; i < parts.length; i++) {
    at += sep + parts[i];
    try {
      mkdirSync(at);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code !== 'EEXIST') throw err;
      if (!statSync(at).isDirectory()) throw Object.assign(new Error(`${at} exists and is not a directory`), { code: 'ENOTDIR' });
    }
  }
}

function cannotWrite(flag: string, path: string, err: unknown, what: string): Error {
  const e = err as NodeJS.ErrnoException;
  const why =
    e.code === 'ENOSPC'
      ? 'the disk is full'
      : e.code === 'EACCES' || e.code === 'EPERM'
        ? 'permission denied'
        : e.code === 'EROFS'
          ? 'read-only file system'
          : e.code === 'ENOTDIR'
            ? 'a part of the path is a file'
            : e.code === 'ENOENT'
              ? 'a part of the path cannot be created there'
              : (e.code ?? e.message);
  return new Error(`cannot write to ${flag} ${path} (${why}): choose another ${what} or fix its permissions`);
}

/**
 * Checks, before any work starts, that `dir` exists or can be created and that a file can be written in it (a probe
 * file, removed again): an unwritable output should stop a run at once, not after an hour of trials. Returns the
 * absolute path; throws an Error naming the flag, the path and what is wrong.
 */
export function checkWritableDir(flag: string, dir: string): string {
  const full = resolve(dir);
  try {
    ensureDir(full);
  } catch (err) {
    throw cannotWrite(flag, full, err, 'directory');
  }
  return checkCreatableDir(flag, full);
}

/**
 * checkWritableDir without making anything: `dir` if it exists, else the nearest directory above it that does, must take
 * a file (a probe, removed again). For commands that may still refuse their input: a refusal leaves no empty directory.
 */
export function checkCreatableDir(flag: string, dir: string): string {
  const full = resolve(dir);
  let at = full;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  if (!statSync(at).isDirectory()) throw cannotWrite(flag, full, Object.assign(new Error(), { code: 'ENOTDIR' }), 'directory');
  const probe = `${at}${sep}.ringbook-write-check-${process.pid}`;
  try {
    closeSync(openSync(probe, 'w'));
  } catch (err) {
    throw cannotWrite(flag, full, err, 'directory');
  }
  unlinkSync(probe);
  return full;
}

/** The same for an output file: its directory must be writable and the path must not be a directory. */
export function checkWritableFile(flag: string, file: string): string {
  const full = resolve(file);
  if (existsSync(full) && statSync(full).isDirectory()) throw new Error(`${flag} ${full} is a directory: give a file name`);
  checkWritableDir(flag, dirname(full));
  return full;
}

export function writeFileDurably(path: string, data: Uint8Array): void {
  ensureDir(dirname(path));
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  syncDir(dirname(path));
}

export function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some filesystems refuse fsync on directories; the rename itself is still atomic
  }
}

export function removeIfExists(path: string): void {
  if (existsSync(path)) unlinkSync(path);
}
