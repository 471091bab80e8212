// Raw frames (`record --raw`): every WebSocket frame as received, with its local receive time, so a recording can
// be re-parsed later with a better parser. Journaled like the market streams (length-framed) and finished as
// Parquet with two columns: local_ts INT64 and frame STRING (UTF-8 text, as on the wire).
import { unlink } from 'node:fs';
import { dirname } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { Journal, fsJournalIo, type JournalIo } from './journal';
import { ensureDir } from './files';
import { WriteGate } from './write-gate';
import { rawPath, nextUtcMidnight, SCHEMA_VERSION, RECORDER_VERSION } from './schema';

const HEADER = 12; // u32 length, i32 local_ts low half, i32 local_ts high half

/** Frames packed as [len, lo, hi, bytes…]: how the feed thread batches them and how the journal stores them. */
export class RawBatch {
  buf = new Uint8Array(1 << 16);
  length = 0;
  count = 0;

  add(frame: Uint8Array, hi: number, lo: number): void {
    const need = this.length + HEADER + frame.length;
    if (need > this.buf.length) {
      const bigger = new Uint8Array(Math.max(need, this.buf.length * 2));
      bigger.set(this.buf.subarray(0, this.length));
      this.buf = bigger;
    }
    const dv = new DataView(this.buf.buffer, this.buf.byteOffset + this.length, HEADER);
    dv.setUint32(0, frame.length, true);
    dv.setInt32(4, lo, true);
    dv.setInt32(8, hi, true);
    this.buf.set(frame, this.length + HEADER);
    this.length = need;
    this.count++;
  }

  take(): Uint8Array<ArrayBuffer> {
    const out = this.buf.slice(0, this.length);
    this.length = 0;
    this.count = 0;
    return out;
  }
}

interface Parsed {
  ts: BigInt64Array;
  frames: string[];
  tornBytes: number;
}

/** How many whole frames packed bytes hold. */
export function countFrames(bytes: Uint8Array): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let n = 0;
  for (let at = 0; at + HEADER <= bytes.length; n++) {
    const len = dv.getUint32(at, true);
    if (at + HEADER + len > bytes.length) break;
    at += HEADER + len;
  }
  return n;
}

/** Splits packed frames; a torn last frame (a crash mid-write) is dropped and reported. */
export function unpack(bytes: Uint8Array): Parsed {
  const ts: bigint[] = [];
  const frames: string[] = [];
  const utf8 = new TextDecoder();
  let at = 0;
  while (at + HEADER <= bytes.length) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset + at, HEADER);
    const len = dv.getUint32(0, true);
    if (at + HEADER + len > bytes.length) break;
    ts.push((BigInt(dv.getInt32(8, true)) << 32n) | BigInt(dv.getUint32(4, true)));
    frames.push(utf8.decode(bytes.subarray(at + HEADER, at + HEADER + len)));
    at += HEADER + len;
  }
  return { ts: BigInt64Array.from(ts), frames, tornBytes: bytes.length - at };
}

export function encodeRaw(p: Parsed, meta: Record<string, string>): Uint8Array {
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'local_ts', data: p.ts, type: 'INT64', nullable: false, encoding: 'DELTA_BINARY_PACKED' },
        { name: 'frame', data: p.frames, type: 'STRING', nullable: false },
      ] as any,
      codec: 'SNAPPY',
      kvMetadata: Object.entries(meta).map(([key, value]) => ({ key, value })),
      createdBy: 'ringbook',
    } as any),
  );
}

/** A raw-frames file's metadata. */
export function rawMeta(venue: string, source: string, firstTs: bigint, rows: number): Record<string, string> {
  return {
    schema_version: SCHEMA_VERSION,
    kind: 'raw_frames',
    venue,
    source,
    recorder_version: RECORDER_VERSION,
    first_local_ts: String(firstTs),
    rows: String(rows),
  };
}

export class RawWriter {
  private pending: Uint8Array[] = [];
  private unflushed: Uint8Array[] = [];
  private journal: Journal | null = null;
  private path = '';
  private firstTs = 0n;
  private bytes = 0;
  private files = 0;
  /** Frames not kept because writes kept failing until the memory bound (twice maxBytes) was reached. */
  droppedFrames = 0;

  constructor(
    readonly root: string,
    readonly venue: string,
    readonly source: string,
    readonly o: { rollNs: bigint; maxBytes: number; io?: JournalIo },
  ) {}

  /** Adds a batch packed by RawBatch (from the feed thread). */
  add(batch: Uint8Array): void {
    if (!batch.length) return;
    if (this.bytes >= 2 * this.o.maxBytes) {
      // the disk has been failing long enough to fill the memory bound: count, do not grow
      this.droppedFrames += countFrames(batch);
      return;
    }
    if (!this.pending.length) {
      const dv = new DataView(batch.buffer, batch.byteOffset, HEADER);
      this.firstTs = (BigInt(dv.getInt32(8, true)) << 32n) | BigInt(dv.getUint32(4, true));
      this.path = rawPath(this.root, this.venue, this.firstTs, this.files);
    }
    this.pending.push(batch);
    this.unflushed.push(batch);
    this.bytes += batch.length;
  }

  private get io(): JournalIo {
    return this.o.io ?? fsJournalIo;
  }

  shouldRoll(nowNs: bigint): boolean {
    // at UTC midnight too (raw batches are not split: a batch in flight may carry ~100 ms of the new day)
    return (
      this.pending.length > 0 &&
      (this.bytes >= this.o.maxBytes || nowNs - this.firstTs >= this.o.rollNs || nowNs >= nextUtcMidnight(this.firstTs))
    );
  }

  /** Frames in memory, journaled or not. */
  get pendingFrames(): number {
    return this.pending.reduce((n, b) => n + countFrames(b), 0);
  }

  /** Frames in memory not in the journal yet: what a crash (or a disk that stays full at exit) would lose. */
  get unjournaledFrames(): number {
    return this.unflushed.reduce((n, b) => n + countFrames(b), 0);
  }

  /** Appends batches not journaled yet; true when it wrote, false when there was nothing to write. */
  flush(sync = false): boolean {
    if (!this.unflushed.length) return false;
    if (!this.journal) {
      ensureDir(dirname(this.path));
      this.io.writeFile(`${this.path}.meta.json`, JSON.stringify(this.meta(0)));
      this.journal = new Journal(`${this.path}.rawpartial`, this.io);
    }
    // batch by batch, each dropped from the queue once it is in: a failure midway must not append the first ones twice
    while (this.unflushed.length) {
      this.journal.append(this.unflushed[0]);
      this.unflushed.shift();
    }
    if (sync) this.journal.sync();
    return true;
  }

  finish(): { path: string; rows: number } | null {
    if (!this.pending.length) return null;
    this.flush(true);
    const all = new Uint8Array(this.bytes);
    let at = 0;
    for (const b of this.pending) {
      all.set(b, at);
      at += b.length;
    }
    const parsed = unpack(all);
    this.io.writeFile(this.path, encodeRaw(parsed, this.meta(parsed.frames.length)));
    this.journal!.close();
    this.journal = null;
    unlink(`${this.path}.rawpartial`, () => {});
    unlink(`${this.path}.meta.json`, () => {});
    this.pending = [];
    this.bytes = 0;
    this.files++;
    return { path: this.path, rows: parsed.frames.length };
  }

  private meta(rows: number): Record<string, string> {
    return rawMeta(this.venue, this.source, this.firstTs, rows);
  }
}

/**
 * The raw-frames stream of a recorder thread: a RawWriter behind a WriteGate (one alarm when writing fails, one when
 * it works again, retries once per `retryNs`), with what was written, dropped and lost counted.
 */
export class RawRecorder {
  readonly writer: RawWriter;
  readonly gate: WriteGate;
  /** Frames in finished files, and those files. */
  frames = 0;
  files = 0;
  /** Frames only in memory when the recorder closed with writes failing: lost. */
  lostAtClose = 0;
  /** Frames in a journal the recorder could not finish at close: the next start turns them into a file. */
  leftInJournal = 0;

  constructor(
    root: string,
    venue: string,
    source: string,
    o: { rollNs: bigint; maxBytes: number; retryNs: bigint; io?: JournalIo },
    alarm: (message: string) => void,
    private readonly onFile: (f: { path: string; rows: number }) => void = () => {},
  ) {
    this.writer = new RawWriter(root, venue, source, o);
    this.gate = new WriteGate(
      'recorder (raw frames)',
      'Frames stay in memory up to twice the file size, then are dropped and counted.',
      alarm,
      o.retryNs,
    );
  }

  add(batch: Uint8Array): void {
    this.writer.add(batch);
  }

  get droppedFrames(): number {
    return this.writer.droppedFrames;
  }

  /** Journals new frames, rolls the file when due; `finish` finishes it now (at stop), counting what cannot be written. */
  tick(nowNs: bigint, finish = false): void {
    if (!finish && !this.gate.due(nowNs)) return;
    let finished = false;
    this.gate.run(nowNs, () => {
      if (finish || this.writer.shouldRoll(nowNs)) {
        const f = this.writer.finish();
        finished = true;
        if (!f) return false;
        this.frames += f.rows;
        this.files++;
        this.onFile(f);
        return true;
      }
      return this.writer.flush();
    });
    if (finish && !finished) {
      this.lostAtClose += this.writer.unjournaledFrames;
      this.leftInJournal += this.writer.pendingFrames - this.writer.unjournaledFrames;
    }
  }
}
