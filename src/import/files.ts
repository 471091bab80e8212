// Imported records → the recorder's Parquet files: same schema and encoder (capture/parquet/encode), same names and hive
// layout (capture/schema marketPath), same metadata (capture/writer streamMeta, `source` tardis), finished the
// same way (.tmp, fsync, rename, directory fsync) on a thread of their own (./encoder). One stream per instrument.
// A file ends at --max-rows, at --roll of local time or at the UTC day's end, always at a market message's end, so
// the same input always gives the same files. Nothing is journalled: a stopped import drops the file it was filling
// and leaves only finished ones, each identical to what the whole import writes under that name.
import { existsSync, readdirSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { endsMessage } from '../core/record';
import { marketPath } from '../capture/schema';
import { streamMeta, type FinishedFile, type StreamInfo } from '../capture/writer';
import { FileEncoder } from './encoder';
import type { RecordSink } from './record-sink';

const DAY_NS = 86_400_000_000_000n;
const WORDS = 16;

export interface ImportFilesOptions {
  rollNs: bigint;
  maxRows: number;
  rowGroupSize?: number;
  onFile?(f: FinishedFile): void;
  /** Encode on this thread (default: a worker thread when its bundle is there). */
  inline?: boolean;
}

interface Stream {
  info: StreamInfo;
  buf: Int32Array;
  rows: number;
  /** Files started so far (the n in <first_local_ts>-<n>.parquet). */
  files: number;
  firstTs: bigint;
  /** The open file must end before this local time (hi/lo halves): its roll or the UTC day's end. */
  dueHi: number;
  dueLo: number;
  /** The last record added ended a market message: a file may end before the next one. */
  boundary: boolean;
  lastHi: number;
  lastLo: number;
  dirs: Set<string>;
  spanFirst: bigint;
  spanLast: bigint;
}

export class ImportFiles implements RecordSink {
  readonly written: FinishedFile[] = [];
  rows = 0;
  private readonly streams: Array<Stream | undefined> = [];
  private readonly encoder: FileEncoder;
  /** One stream: every record is its (no instrument to look at). */
  private readonly single: boolean;

  constructor(
    readonly root: string,
    infos: Array<{ inst: number; info: StreamInfo }>,
    private readonly o: ImportFilesOptions,
  ) {
    this.encoder = new FileEncoder(
      (f) => {
        this.written.push(f);
        o.onFile?.(f);
      },
      { inline: o.inline },
    );
    this.single = infos.length === 1;
    for (const { inst, info } of infos)
      this.streams[inst] = {
        info,
        buf: new Int32Array(0),
        rows: 0,
        files: 0,
        firstTs: 0n,
        dueHi: 0,
        dueLo: 0,
        boundary: true,
        lastHi: 0,
        lastLo: 0,
        dirs: new Set(),
        spanFirst: -1n,
        spanLast: -1n,
      };
  }

  records(words: Int32Array, at: number, n: number): void {
    let i = 0;
    while (i < n) {
      const p0 = at + i * WORDS;
      const inst = words[p0 + 1];
      const s = this.streams[inst];
      if (!s) throw new Error(`an imported record names instrument ${inst}, which has no stream`);
      // a file ends at a message's end and before a new local time: records of one instant (a CSV trade and the book
      // message of its local time) in two files would make them overlap, and inspect and backtest say so
      if (s.rows > 0 && s.boundary && this.dueAt(s, s.rows, words, p0) && !(words[p0 + 5] === s.lastHi && words[p0 + 4] >>> 0 === s.lastLo))
        this.finishStream(s);
      // this instrument's run of records
      let j = i + 1;
      if (this.single) j = n;
      else while (j < n && words[at + j * WORDS + 1] === inst) j++;
      // the whole run fits the open file unless it reaches --max-rows or its last record reaches the file's end
      // (local times only grow); otherwise it goes record by record to the first message start where the file ends
      if (s.rows === 0) this.start(s, words, p0);
      const last = at + (j - 1) * WORDS;
      if (s.rows + (j - i) > this.o.maxRows || this.dueAt(s, s.rows, words, last)) {
        let boundary = s.boundary;
        let k = i;
        for (; k < j; k++) {
          const p = at + k * WORDS;
          if (k > i && boundary && this.dueAt(s, s.rows + (k - i), words, p) && !sameTime(words, p, p - WORDS)) break;
          boundary = endsMessage(words[p] & 0xff, words[p] >>> 16);
        }
        j = k;
      }
      this.append(s, words, p0, j - i);
      const q = at + (j - 1) * WORDS;
      s.boundary = endsMessage(words[q] & 0xff, words[q] >>> 16);
      s.lastHi = words[q + 5];
      s.lastLo = words[q + 4] >>> 0;
      this.rows += j - i;
      i = j;
    }
  }

  /** Waits while more than one file is being written (the bound on memory); throws a write error. */
  settle(): Promise<void> {
    return this.encoder.settle(1);
  }

  /** Finishes every open file and waits until all are written. */
  async finish(): Promise<void> {
    for (const s of this.streams) if (s) this.finishStream(s);
    await this.encoder.close();
  }

  /** A stopped import: drops what is buffered (no file is written for it), waits for files already handed over. */
  async stop(): Promise<void> {
    // `rows` then counts what the kept files hold, as the summary reports it
    for (const s of this.streams)
      if (s) {
        this.rows -= s.rows;
        s.rows = 0;
      }
    await this.encoder.close().catch(() => {});
  }

  /** Local time span per instrument of what went to files (-1n: nothing). */
  span(inst: number): { firstNs: bigint; lastNs: bigint } {
    const s = this.streams[inst];
    return s ? { firstNs: s.spanFirst, lastNs: s.spanLast } : { firstNs: -1n, lastNs: -1n };
  }

  /**
   * Parquet files in the directories this import wrote to that it did not write itself and whose first local time
   * (their name) falls inside what it imported: an earlier import with other --roll/--max-rows, or a recording.
   * Both would be read together with the new files.
   */
  strangers(): string[] {
    const mine = new Set(this.written.map((f) => f.path));
    const out: string[] = [];
    for (const s of this.streams) {
      if (!s || s.spanFirst < 0n) continue;
      for (const dir of s.dirs) {
        if (!existsSync(dir)) continue;
        for (const name of readdirSync(dir)) {
          const m = /^(\d+)-\d+\.parquet$/.exec(name);
          const path = join(dir, name);
          if (!m || mine.has(path)) continue;
          const t = BigInt(m[1]);
          if (t >= s.spanFirst && t <= s.spanLast) out.push(path);
        }
      }
    }
    return out.sort();
  }

  private dueAt(s: Stream, rows: number, words: Int32Array, p: number): boolean {
    if (rows >= this.o.maxRows) return true;
    const hi = words[p + 5];
    return hi > s.dueHi || (hi === s.dueHi && words[p + 4] >>> 0 >= s.dueLo);
  }

  /** A file starts with the record at `p`: it must end before its roll or the UTC day's end. */
  private start(s: Stream, words: Int32Array, p: number): void {
    s.firstTs = (BigInt(words[p + 5]) << 32n) | BigInt(words[p + 4] >>> 0);
    const dayEnd = (s.firstTs / DAY_NS + 1n) * DAY_NS;
    const roll = s.firstTs + this.o.rollNs;
    const due = roll < dayEnd ? roll : dayEnd;
    s.dueHi = Number(due >> 32n);
    s.dueLo = Number(due & 0xffffffffn);
  }

  private append(s: Stream, words: Int32Array, p: number, n: number): void {
    const need = (s.rows + n) * WORDS;
    if (need > s.buf.length) {
      // a file's buffer is taken whole at once (a spare one when the file thread handed one back): growing it by
      // doubling would copy it again and again
      const spare = this.encoder.spare.pop();
      let cap = Math.max(need, (this.o.maxRows + 4096) * WORDS);
      if (s.buf.length > 0) cap = Math.max(cap, s.buf.length * 2);
      const bigger = spare && spare.length >= cap ? spare : new Int32Array(cap);
      if (s.rows > 0) bigger.set(s.buf.subarray(0, s.rows * WORDS));
      s.buf = bigger;
    }
    s.buf.set(words.subarray(p, p + n * WORDS), s.rows * WORDS);
    s.rows += n;
  }

  private finishStream(s: Stream): void {
    if (s.rows === 0) return;
    const lastTs = (BigInt(s.lastHi) << 32n) | BigInt(s.lastLo);
    const path = marketPath(this.root, s.info.venue, s.info.instType, s.info.symbol, s.firstTs, s.files++);
    const dir = dirname(path);
    if (!s.dirs.has(dir)) {
      s.dirs.add(dir);
      // a killed import (or recorder) may have left a temporary file between write and rename
      if (existsSync(dir)) for (const name of readdirSync(dir)) if (name.endsWith('.parquet.tmp')) unlinkSync(join(dir, name));
    }
    const meta = streamMeta(s.info, null, 0, s.firstTs, lastTs, s.buf, s.rows);
    if (s.spanFirst < 0n) s.spanFirst = s.firstTs;
    s.spanLast = lastTs;
    this.encoder.submit({ path, words: s.buf, rows: s.rows, meta, rowGroupSize: this.o.rowGroupSize });
    // the buffer went to the file thread: the next file starts in a spare one (or a new one, on demand)
    s.buf = this.encoder.spare.pop() ?? new Int32Array(0);
    s.rows = 0;
  }
}

/** Whether the records at `p` and `q` have the same local time. */
const sameTime = (words: Int32Array, p: number, q: number): boolean => words[p + 5] === words[q + 5] && words[p + 4] === words[q + 4];
