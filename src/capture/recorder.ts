// The recorder: drains the capture ring into one StreamWriter per instrument, flushes journals every flush
// interval, rolls files by time and rows, and turns disk trouble into alarms instead of crashes — the live pipeline
// must keep running when the disk is full (the capture ring keeps draining; what cannot be written is counted).
import { Kind, type Core, type Ring } from '../core/index';
import type { LocalClock } from '../core/clock';
import { StreamWriter, type StreamInfo, type ClockEstimate, type FinishedFile } from './writer';
import { WriteGate } from './write-gate';
import { count } from '../format/numbers';

export interface RecorderOptions {
  flushNs: bigint;
  rollNs: bigint;
  maxRows: number;
  rowGroupSize?: number;
  io?: import('./journal').JournalIo;
  /** Added to each stream's name in alarms, e.g. "own orders". */
  label?: string;
  /**
   * Where ticker records (kind 7: funding rate, mark and index prices) go, one stream per instrument beside the
   * market data's (<root>/_ticker). Without it they are written with the market records.
   */
  tickerRoot?: string;
  onAlarm?(message: string): void;
  onFile?(f: FinishedFile): void;
}

export interface RecorderCounters {
  records: number;
  files: number;
  rows: number;
  /** Records not kept because writes kept failing until the memory bound (twice the roll size) was reached. */
  droppedRecords: number;
  /** Records still only in memory when the recorder closed with writes failing: lost. */
  lostAtClose: number;
  /** Records in journals the recorder could not finish at close: the next start turns them into files. */
  leftInJournals: number;
  writeErrors: number;
  unknownInstrument: number;
  /** Set by the recorder thread for the whole run (with --raw): raw frames written, dropped, lost, left. */
  rawFrames?: number;
  rawFiles?: number;
  rawDropped?: number;
  rawLostAtClose?: number;
  rawLeftInJournal?: number;
  /** Own orders and fills recorded (trading sessions). */
  orderRecords?: number;
}

/** Every record that will never reach a file (dropped, or lost at close). */
export const lostRecords = (c: RecorderCounters): number => c.droppedRecords + c.lostAtClose;

/** Records or raw frames that never reach a file, whatever the reason. */
export const lostAll = (c: RecorderCounters): number => lostRecords(c) + (c.rawDropped ?? 0) + (c.rawLostAtClose ?? 0);

/**
 * What was lost, for a summary line: "0 lost" only when nothing was; otherwise how many and why, and what waits in
 * journals for the next start.
 */
export function lossSummary(c: RecorderCounters): string {
  const lost = lostRecords(c);
  const rawLost = (c.rawDropped ?? 0) + (c.rawLostAtClose ?? 0);
  const parts: string[] = [];
  if (lost === 0) parts.push('0 records lost');
  else {
    const why = [
      c.droppedRecords ? `${count(c.droppedRecords)} dropped while writes failed` : '',
      c.lostAtClose ? `${count(c.lostAtClose)} still in memory at exit` : '',
    ]
      .filter(Boolean)
      .join(', ');
    parts.push(`${count(lost)} records LOST (${why})`);
  }
  if (rawLost) parts.push(`${count(rawLost)} raw frames LOST`);
  const left = c.leftInJournals + (c.rawLeftInJournal ?? 0);
  if (left) parts.push(`${count(left)} in journals the next start turns into files`);
  return parts.join(', ');
}

/** Ticker streams' keys among the writers: above every instrument index. */
const TICKER_KEY = 1 << 16;

export class Recorder {
  readonly counters: RecorderCounters = {
    records: 0,
    files: 0,
    rows: 0,
    droppedRecords: 0,
    lostAtClose: 0,
    leftInJournals: 0,
    writeErrors: 0,
    unknownInstrument: 0,
  };
  readonly perInstrument = new Map<number, { records: number; byKind: Record<number, number> }>();
  /** By instrument; ticker streams under instrument + TICKER_KEY. */
  private readonly writers = new Map<number, { w: StreamWriter; gate: WriteGate }>();
  private readonly tickers: boolean;
  private lastFlush = 0n;

  constructor(
    readonly core: Core,
    readonly ring: Ring,
    readonly root: string,
    streams: Array<{ inst: number; info: StreamInfo }>,
    readonly clock: LocalClock,
    readonly o: RecorderOptions,
  ) {
    const alarm = (m: string) => o.onAlarm?.(m);
    this.tickers = o.tickerRoot !== undefined;
    const add = (key: number, dir: string, info: StreamInfo, label: string | undefined) =>
      this.writers.set(key, {
        w: new StreamWriter(dir, info, { rollNs: o.rollNs, maxRows: o.maxRows, rowGroupSize: o.rowGroupSize, io: o.io }),
        gate: new WriteGate(
          `recorder (${info.symbol}${label ? ` ${label}` : ''})`,
          'Records stay in memory up to twice the roll size, then are dropped and counted.',
          alarm,
          o.flushNs,
        ),
      });
    for (const s of streams) {
      add(s.inst, root, s.info, o.label);
      if (o.tickerRoot !== undefined) add(s.inst + TICKER_KEY, o.tickerRoot, s.info, 'ticker');
      this.perInstrument.set(s.inst, { records: 0, byKind: {} });
    }
  }

  setClock(c: ClockEstimate): void {
    for (const { w } of this.writers.values()) w.clock = c;
  }

  /** Adds one record made here (not from the ring), e.g. a clock-offset status. */
  addRecord(rec: Int32Array): void {
    const writer = this.writers.get(rec[1])?.w;
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
      const writer = this.writers.get(this.tickers && (w[at] & 0xff) === Kind.ticker ? inst + TICKER_KEY : inst)?.w;
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
    for (const { w, gate } of this.writers.values()) {
      // a failing writer retries once per flush interval (a roll re-encodes the whole file each time)
      if (!gate.due(now)) continue;
      gate.run(now, () => {
        if (w.shouldRoll(now)) return this.finished(w.finish());
        return (flush || gate.failing) && w.flush();
      });
    }
    this.counters.writeErrors = this.errors();
  }

  /**
   * Finishes every open file (on shutdown). A writer that still cannot write loses what is only in memory (counted
   * in lostAtClose) and leaves its journal for the next start (counted in leftInJournals).
   */
  close(): void {
    this.clock.read();
    const now = this.clock.ns;
    for (const { w, gate } of this.writers.values()) {
      let done = false;
      gate.run(now, () => {
        // a writer holding records of a new UTC day finishes two files: the old day's, then the new one's
        let wrote = false;
        for (let f = w.finish(true); f; f = w.finish(true)) wrote = this.finished(f) || wrote;
        done = true;
        return wrote;
      });
      if (!done) {
        this.counters.lostAtClose += w.unjournaledRows;
        this.counters.leftInJournals += w.bufferedRows - w.unjournaledRows;
      }
    }
    this.counters.writeErrors = this.errors();
  }

  private errors(): number {
    let n = 0;
    for (const { gate } of this.writers.values()) n += gate.errors;
    return n;
  }

  private finished(f: FinishedFile | null): boolean {
    if (!f) return false;
    this.counters.files++;
    this.counters.rows += f.rows;
    this.o.onFile?.(f);
    return true;
  }
}
