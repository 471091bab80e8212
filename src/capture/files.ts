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
