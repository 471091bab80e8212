// The write-ahead part of a recording: whole 64-byte records appended to `<file>.parquet.partial` as they arrive,
// flushed to the OS every flush interval and fsynced at every roll. A killed recorder loses only what was still in
// its buffer (at most one flush interval); the next start turns leftover journals into finished Parquet files.
import { openSync, writeSync, fsyncSync, closeSync, readFileSync, ftruncateSync } from 'node:fs';

export const RECORD_BYTES = 64;

export class Journal {
  private fd: number;
  bytes = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a');
  }

  /**
   * Appends whole records; on an OS error (ENOSPC, EACCES, …) cuts the journal back to its last whole append, so a
   * retry cannot leave half a batch in it, and throws to the caller, who decides.
   */
  append(data: Uint8Array): void {
    let off = 0;
    try {
      while (off < data.length) off += writeSync(this.fd, data, off, data.length - off);
    } catch (err) {
      if (off > 0) {
        try {
          ftruncateSync(this.fd, this.bytes);
        } catch {
          // the next recovery cuts a torn tail anyway (journals hold whole 64-byte records)
        }
      }
      throw err;
    }
    this.bytes += data.length;
  }

  sync(): void {
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }
}

/** Reads a journal back as whole records; a torn last record (a crash mid-write) is cut off and reported. */
export function readJournal(path: string): { words: Int32Array; records: number; tornBytes: number } {
  const buf = readFileSync(path);
  const records = Math.floor(buf.length / RECORD_BYTES);
  const copy = new Uint8Array(records * RECORD_BYTES);
  copy.set(buf.subarray(0, copy.length));
  return { words: new Int32Array(copy.buffer), records, tornBytes: buf.length - copy.length };
}
