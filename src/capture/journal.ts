// The write-ahead part of a recording: whole 64-byte records appended to `<file>.parquet.partial` as they arrive,
// flushed to the OS every flush interval and fsynced at every roll. A killed recorder loses only what was still in
// its buffer (at most one flush interval); the next start turns leftover journals into finished Parquet files.
import { openSync, writeSync, fsyncSync, closeSync, ftruncateSync } from 'node:fs';
import { writeFileDurably } from './files';
import { readRegularFileSync } from './regular-file';

export const RECORD_BYTES = 64;

/**
 * The file operations a recorder uses: the journal's appends, and whole files (metadata sidecars, finished Parquet)
 * written atomically. Tests swap in failing ones (a full disk) to exercise the error paths.
 */
export interface JournalIo {
  open(path: string): number;
  write(fd: number, data: Uint8Array, offset: number, length: number): number;
  truncate(fd: number, length: number): void;
  sync(fd: number): void;
  close(fd: number): void;
  /** Writes a whole file so a reader sees all of it or none: temp file, fsync, rename, fsync of the directory. */
  writeFile(path: string, data: Uint8Array | string): void;
}

export const fsJournalIo: JournalIo = {
  open: (path) => openSync(path, 'a'),
  write: (fd, data, offset, length) => writeSync(fd, data, offset, length),
  truncate: (fd, length) => ftruncateSync(fd, length),
  sync: (fd) => fsyncSync(fd),
  close: (fd) => closeSync(fd),
  writeFile: (path, data) => writeFileDurably(path, typeof data === 'string' ? Buffer.from(data) : data),
};

export class Journal {
  private fd: number;
  bytes = 0;

  constructor(
    readonly path: string,
    private readonly io: JournalIo = fsJournalIo,
  ) {
    this.fd = io.open(path);
  }

  /**
   * Appends whole records; on an OS error (ENOSPC, EACCES, …) cuts the journal back to its last whole append, so a
   * retry cannot leave half a batch in it, and throws to the caller, who decides.
   */
  append(data: Uint8Array): void {
    let off = 0;
    try {
      while (off < data.length) off += this.io.write(this.fd, data, off, data.length - off);
    } catch (err) {
      // whatever part of the batch reached the file goes: the caller will append the whole batch again
      try {
        this.io.truncate(this.fd, this.bytes);
      } catch {
        // recovery cuts a torn tail anyway (journals hold whole 64-byte records)
      }
      throw err;
    }
    this.bytes += data.length;
  }

  sync(): void {
    this.io.sync(this.fd);
  }

  close(): void {
    if (this.fd < 0) return;
    this.io.close(this.fd);
    this.fd = -1;
  }
}

/** Reads a journal back as whole records; a torn last record (a crash mid-write) is cut off and reported. */
export function readJournal(path: string): { words: Int32Array; records: number; tornBytes: number } {
  const buf = readRegularFileSync(path);
  const records = Math.floor(buf.length / RECORD_BYTES);
  const copy = new Uint8Array(records * RECORD_BYTES);
  copy.set(buf.subarray(0, copy.length));
  return { words: new Int32Array(copy.buffer), records, tornBytes: buf.length - copy.length };
}
