// Raw frames (`record --raw`): every WebSocket frame as received, with its local receive time, so a recording can
// be re-parsed later with a better parser. Journaled like the market streams (length-framed) and finished as
// Parquet with two columns: local_ts INT64 and frame STRING (UTF-8 text, as on the wire).
import { unlink } from 'node:fs';
import { dirname } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { Journal, fsJournalIo, type JournalIo } from './journal';
import { ensureDir } from './files';
import { rawPath, SCHEMA_VERSION, RECORDER_VERSION } from './schema';

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

  constructor(
    readonly root: string,
    readonly venue: string,
    readonly source: string,
    readonly o: { rollNs: bigint; maxBytes: number; io?: JournalIo },
  ) {}

  /** Adds a batch packed by RawBatch (from the feed thread). */
  add(batch: Uint8Array): void {
    if (!batch.length) return;
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
    return this.pending.length > 0 && (this.bytes >= this.o.maxBytes || nowNs - this.firstTs >= this.o.rollNs);
  }

  flush(sync = false): void {
    if (!this.unflushed.length) return;
    if (!this.journal) {
      ensureDir(dirname(this.path));
      this.io.writeFile(`${this.path}.meta.json`, JSON.stringify(this.meta(0)));
      this.journal = new Journal(`${this.path}.rawpartial`, this.io);
    }
    for (const b of this.unflushed) this.journal.append(b);
    this.unflushed = [];
    if (sync) this.journal.sync();
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
