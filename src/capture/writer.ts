// One market-data stream (one symbol) on disk: records go to a journal as they come and to memory; at each roll
// (time or rows) the file is encoded as Parquet, written durably under its final name, and the journal removed.
import { unlink } from 'node:fs';
import { dirname } from 'node:path';
import { Journal, RECORD_BYTES, fsJournalIo, type JournalIo } from './journal';
import { encodeParquet } from './parquet/encode';
import { ensureDir } from './files';
import { marketPath, type FileMeta } from './schema';
import { streamMeta, type ClockEstimate, type StreamInfo } from './meta';
export { streamMeta } from './meta';
export type { ClockEstimate, StreamInfo } from './meta';

const WORDS = RECORD_BYTES / 4;

export interface WriterOptions {
  /** Roll after this much local time since the file's first record (ns). */
  rollNs: bigint;
  /** Roll after this many rows (bounds memory: 64 bytes each). */
  maxRows: number;
  /** Parquet row group size. */
  rowGroupSize?: number;
  /** File operations of the journal (tests inject failures). */
  io?: JournalIo;
}

export interface FinishedFile {
  path: string;
  rows: number;
}

export class StreamWriter {
  private buf = new Int32Array(WORDS * 4096);
  private rows = 0;
  private flushed = 0;
  private journal: Journal | null = null;
  private path = '';
  private firstTs = 0n;
  private files = 0;
  dropped = 0;
  clock: ClockEstimate | null = null;

  constructor(
    readonly root: string,
    readonly info: StreamInfo,
    readonly o: WriterOptions,
  ) {}

  private get io(): JournalIo {
    return this.o.io ?? fsJournalIo;
  }

  get bufferedRows(): number {
    return this.rows;
  }

  /** Adds one record (16 words at `at` in `words`). */
  add(words: Int32Array, at: number): void {
    if (this.rows === 0) {
      this.firstTs = (BigInt(words[at + 5]) << 32n) | BigInt(words[at + 4] >>> 0);
      this.path = marketPath(this.root, this.info.venue, this.info.instType, this.info.symbol, this.firstTs, this.files);
    }
    if ((this.rows + 1) * WORDS > this.buf.length) {
      const bigger = new Int32Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    const b = this.buf;
    for (let k = 0, d = this.rows * WORDS; k < WORDS; k++) b[d + k] = words[at + k];
    this.rows++;
  }

  /** Local time of the file's first record; 0n when the file is empty. */
  get firstLocalTs(): bigint {
    return this.rows ? this.firstTs : 0n;
  }

  shouldRoll(nowNs: bigint): boolean {
    return this.rows > 0 && (this.rows >= this.o.maxRows || nowNs - this.firstTs >= this.o.rollNs);
  }

  /** Rows in memory that are not in the journal yet: what a crash (or a disk that stays full) would lose. */
  get unjournaledRows(): number {
    return this.rows - this.flushed;
  }

  /**
   * Appends what arrived since the last flush to the journal (creating it and its metadata sidecar first); true
   * when it wrote, false when there was nothing to write.
   */
  flush(sync = false): boolean {
    if (this.rows === this.flushed) return false;
    if (!this.journal) {
      ensureDir(dirname(this.path));
      // atomic and durable: a crash leaves the old sidecar or the new one, never a torn one for recovery to trip on
      this.io.writeFile(`${this.path}.meta.json`, JSON.stringify(this.meta(0, 0n)));
      this.journal = new Journal(`${this.path}.partial`, this.io);
    }
    const bytes = new Uint8Array(this.buf.buffer, this.flushed * RECORD_BYTES, (this.rows - this.flushed) * RECORD_BYTES);
    this.journal.append(bytes);
    this.flushed = this.rows;
    if (sync) this.journal.sync();
    return true;
  }

  /** Encodes the buffered rows as the finished Parquet file; returns it, or null when empty. */
  finish(): FinishedFile | null {
    if (this.rows === 0) return null;
    this.flush(true);
    const path = this.path;
    const rows = this.rows;
    const data = encodeParquet(this.buf, 0, rows, this.meta(rows, this.lastTs()), { rowGroupSize: this.o.rowGroupSize });
    this.io.writeFile(path, data);
    this.journal!.close();
    this.journal = null;
    // The finished file is durable: the journal is garbage. Deleting a large file can take a while; let the OS do it
    // off this thread (a leftover journal next to its finished file is cleaned up at the next start anyway).
    unlink(`${path}.partial`, () => {});
    unlink(`${path}.meta.json`, () => {});
    this.rows = 0;
    this.flushed = 0;
    this.files++;
    this.dropped = 0;
    return { path, rows };
  }

  private lastTs(): bigint {
    const p = (this.rows - 1) * WORDS;
    return (BigInt(this.buf[p + 5]) << 32n) | BigInt(this.buf[p + 4] >>> 0);
  }

  meta(rows: number, lastTs: bigint): FileMeta {
    return streamMeta(this.info, this.clock, this.dropped, this.firstTs, lastTs, this.buf, rows);
  }
}
