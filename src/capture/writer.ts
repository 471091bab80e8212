// One market-data stream (one symbol) on disk: records go to a journal as they come and to memory; at each roll
// (time or rows) the file is encoded as Parquet, written durably under its final name, and the journal removed.
import { rmSync, unlink } from 'node:fs';
import { dirname } from 'node:path';
import { Journal, RECORD_BYTES, fsJournalIo, type JournalIo } from './journal';
import { encodeParquet } from './parquet/encode';
import { ensureDir } from './files';
import { marketPath, nextUtcMidnight, type FileMeta } from './schema';
import { streamMeta, type ClockEstimate, type StreamInfo } from './meta';
import { endsMessage } from '../core/record';
export { nextUtcMidnight } from './schema';
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
  /** The UTC midnight that ends this file's day: no record at or after it goes into this file. */
  private dayEnd = 0n;
  /** Rows of this file's day when records of the next day arrived (they wait in memory after them), else 0. */
  private sealed = 0;
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

  /**
   * Adds one record (16 words at `at` in `words`). The first record of a new UTC day seals the file's day: it and
   * what follows go to the next file, in the next date= partition, at the next roll (which is then due).
   */
  add(words: Int32Array, at: number): void {
    if (this.rows === 0) this.begin(words, at);
    else if (this.sealed === 0 && words[at + 5] >= this.dayEndHi && this.tsAt(words, at) >= this.dayEnd) this.sealed = this.rows;
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
    return (
      this.rows > 0 && (this.sealed > 0 || nowNs >= this.dayEnd || this.rows >= this.o.maxRows || nowNs - this.firstTs >= this.o.rollNs)
    );
  }

  /** Rows in memory that are not in the journal yet: what a crash (or a disk that stays full) would lose. */
  get unjournaledRows(): number {
    return this.rows - this.flushed;
  }

  private tsAt(words: Int32Array, at: number): bigint {
    return (BigInt(words[at + 5]) << 32n) | BigInt(words[at + 4] >>> 0);
  }

  /** High word of dayEnd: a cheap first test on the hot path (the bigint compare only near midnight). */
  private dayEndHi = 0;

  /** The record at `at` opens a file: its time names the file and its UTC day bounds it. */
  private begin(words: Int32Array, at: number): void {
    this.firstTs = this.tsAt(words, at);
    this.dayEnd = nextUtcMidnight(this.firstTs);
    this.dayEndHi = Number(this.dayEnd >> 32n);
    this.path = marketPath(this.root, this.info.venue, this.info.instType, this.info.symbol, this.firstTs, this.files);
  }

  /** Rows that belong in the file being written: all of them, or the day's part once the next day began. */
  private get fileRows(): number {
    return this.sealed || this.rows;
  }

  /**
   * Appends what arrived since the last flush to the journal (creating it and its metadata sidecar first); true
   * when it wrote, false when there was nothing to write. Records of the next day wait for their own file's journal.
   */
  flush(sync = false): boolean {
    return this.journalTo(this.fileRows, sync);
  }

  private journalTo(rows: number, sync: boolean): boolean {
    if (rows <= this.flushed) return false;
    if (!this.journal) {
      ensureDir(dirname(this.path));
      // atomic and durable: a crash leaves the old sidecar or the new one, never a torn one for recovery to trip on
      this.io.writeFile(`${this.path}.meta.json`, JSON.stringify(this.meta(0, 0n)));
      this.journal = new Journal(`${this.path}.partial`, this.io);
    }
    const bytes = new Uint8Array(this.buf.buffer, this.flushed * RECORD_BYTES, (rows - this.flushed) * RECORD_BYTES);
    this.journal.append(bytes);
    this.flushed = rows;
    if (sync) this.journal.sync();
    return true;
  }

  /**
   * Encodes the buffered rows as the finished Parquet file; returns it, or null when empty. Once a new UTC day began,
   * only the old day's rows: the rest stay buffered as the next file's first rows (call again to finish that too).
   * A roll that comes between the records of one exchange message (the ring handed the recorder part of it) ends
   * the file at the last message end: the message's first records stay buffered and open the next file, so every
   * file holds whole messages, as import's files do. `closing`: the process is about to end, so everything is
   * written, and the journal goes now (an unlink left to the OS would not run, and a clean stop would leave what
   * looks like a crashed recording beside the finished file).
   */
  finish(closing = false): FinishedFile | null {
    if (this.rows === 0) return null;
    const rows = closing || this.sealed ? this.fileRows : this.wholeMessages(this.fileRows);
    this.journalTo(rows, true);
    const path = this.path;
    const data = encodeParquet(this.buf, 0, rows, this.meta(rows, this.lastTs(rows)), { rowGroupSize: this.o.rowGroupSize });
    this.io.writeFile(path, data);
    this.journal!.close();
    this.journal = null;
    // The finished file is durable: the journal is garbage. Deleting a large file can take a while; let the OS do it
    // off this thread (a leftover journal next to its finished file is cleaned up at the next start anyway).
    if (closing) {
      rmSync(`${path}.partial`, { force: true });
      rmSync(`${path}.meta.json`, { force: true });
    } else {
      unlink(`${path}.partial`, () => {});
      unlink(`${path}.meta.json`, () => {});
    }
    const rest = this.rows - rows;
    const tailJournaled = this.flushed > rows;
    this.rows = rest;
    this.flushed = 0;
    this.sealed = 0;
    this.files++;
    this.dropped = 0;
    if (rest > 0) {
      // the next day's records, or a message's first ones, become the next file: named by its first record, bounded
      // by its own midnight
      this.buf.copyWithin(0, rows * WORDS, (rows + rest) * WORDS);
      this.begin(this.buf, 0);
      for (let i = 1; i < rest; i++) {
        if (this.tsAt(this.buf, i * WORDS) >= this.dayEnd) {
          this.sealed = i;
          break;
        }
      }
      // a message's first records were in the finished file's journal, which goes now: into the next one's at once
      if (tailJournaled) this.flush();
    }
    return { path, rows };
  }

  /** The first `rows` cut back to the last record that ends its message; all of them when none does. */
  private wholeMessages(rows: number): number {
    const b = this.buf;
    for (let i = rows - 1; i >= 0; i--) {
      const head = b[i * WORDS];
      if (endsMessage(head & 0xff, head >>> 16)) return i + 1;
    }
    return rows;
  }

  private lastTs(rows = this.rows): bigint {
    const p = (rows - 1) * WORDS;
    return (BigInt(this.buf[p + 5]) << 32n) | BigInt(this.buf[p + 4] >>> 0);
  }

  meta(rows: number, lastTs: bigint): FileMeta {
    return streamMeta(this.info, this.clock, this.dropped, this.firstTs, lastTs, this.buf, rows);
  }
}
