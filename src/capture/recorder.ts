// The recorder: drains the capture ring into one StreamWriter per instrument, flushes journals every flush
// interval, rolls files by time and rows, and turns disk trouble into alarms instead of crashes — the live pipeline
// must keep running when the disk is full (the capture ring keeps draining; what cannot be written is counted).
import type { Core, Ring } from '../core/index';
import type { LocalClock } from '../core/clock';
import { StreamWriter, type StreamInfo, type ClockEstimate, type FinishedFile } from './writer';

export interface RecorderOptions {
  flushNs: bigint;
  rollNs: bigint;
  maxRows: number;
  rowGroupSize?: number;
  io?: import('./journal').JournalIo;
  onAlarm?(message: string): void;
  onFile?(f: FinishedFile): void;
}

export interface RecorderCounters {
  records: number;
  files: number;
  rows: number;
  droppedRecords: number;
  writeErrors: number;
  unknownInstrument: number;
}

export class Recorder {
  readonly counters: RecorderCounters = { records: 0, files: 0, rows: 0, droppedRecords: 0, writeErrors: 0, unknownInstrument: 0 };
  readonly perInstrument = new Map<number, { records: number; byKind: Record<number, number> }>();
  private readonly writers = new Map<number, StreamWriter>();
  private lastFlush = 0n;
  private lastAlarm = '';
  private failing = false;

  constructor(
    readonly core: Core,
    readonly ring: Ring,
    readonly root: string,
    streams: Array<{ inst: number; info: StreamInfo }>,
    readonly clock: LocalClock,
    readonly o: RecorderOptions,
  ) {
    for (const s of streams) {
      this.writers.set(
        s.inst,
        new StreamWriter(root, s.info, { rollNs: o.rollNs, maxRows: o.maxRows, rowGroupSize: o.rowGroupSize, io: o.io }),
      );
      this.perInstrument.set(s.inst, { records: 0, byKind: {} });
    }
  }

  setClock(c: ClockEstimate): void {
    for (const w of this.writers.values()) w.clock = c;
  }

  /** Adds one record made here (not from the ring), e.g. a clock-offset status. */
  addRecord(rec: Int32Array): void {
    const writer = this.writers.get(rec[1]);
    if (!writer) return;
    writer.add(rec, 0);
    this.count(rec[1], rec[0] & 0xff);
  }

  private count(inst: number, kind: number): void {
    this.counters.records++;
    const pi = this.perInstrument.get(inst)!;
    pi.records++;
    pi.byKind[kind] = (pi.byKind[kind] ?? 0) + 1;
  }

  /** Drains up to `max` records from the capture ring; returns how many. */
  drain(max = 8192): number {
    const n = this.ring.readable(max);
    const w = this.core.words;
    for (let i = 0; i < n; i++) {
      const at = this.ring.slot(this.ring.tail + i) >> 2;
      const inst = w[at + 1];
      const writer = this.writers.get(inst);
      if (!writer) {
        this.counters.unknownInstrument++;
        continue;
      }
      if (writer.bufferedRows >= this.o.maxRows * 2) {
        // the disk has been failing long enough to fill the memory bound: count, do not grow
        writer.dropped++;
        this.counters.droppedRecords++;
        continue;
      }
      writer.add(w, at);
      this.count(inst, w[at] & 0xff);
    }
    if (n) this.ring.release(n);
    return n;
  }

  /** Flushes journals when the flush interval passed, rolls files that are due. Call often. */
  tick(): void {
    this.clock.read();
    const now = this.clock.ns;
    const flush = now - this.lastFlush >= this.o.flushNs;
    if (flush) this.lastFlush = now;
    for (const w of this.writers.values()) {
      this.guard(() => {
        if (w.shouldRoll(now)) this.finished(w.finish());
        else if (flush) w.flush();
      });
    }
  }

  /** Finishes every open file (on shutdown). */
  close(): void {
    for (const w of this.writers.values()) this.guard(() => this.finished(w.finish()));
  }

  private finished(f: FinishedFile | null): void {
    if (!f) return;
    this.counters.files++;
    this.counters.rows += f.rows;
    this.o.onFile?.(f);
  }

  private guard(fn: () => void): void {
    try {
      fn();
      if (this.failing) {
        this.failing = false;
        this.o.onAlarm?.('recorder: writing works again');
      }
    } catch (err) {
      this.counters.writeErrors++;
      this.failing = true;
      const e = err as NodeJS.ErrnoException;
      const hint =
        e.code === 'ENOSPC'
          ? 'the disk is full: free space or point --out elsewhere'
          : e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS'
            ? 'the output directory is not writable: fix its permissions or choose another --out'
            : 'check the output directory';
      const msg = `recorder: cannot write (${e.code ?? 'error'}: ${e.message}); ${hint}. Records stay in memory up to the roll size, then are dropped and counted.`;
      if (msg !== this.lastAlarm) this.o.onAlarm?.(msg);
      this.lastAlarm = msg;
    }
  }
}
