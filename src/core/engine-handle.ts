// The engine as TypeScript sees it: instruments (book + signal state) created at start-up, records applied from
// memory or drained from a ring, and read-only views of books, counters and the latest signals.

import type { Core } from './loader';
import type { Ring } from './ring';
import { Field, MAX_OFI_LEVELS, type BookSide, type FieldName } from './record';
import { readI64 } from './int64';
import { readSignal, type SignalSnapshot } from './encode';
import { CONTROL } from './layout';

export interface InstrumentSpec {
  /** Decimals of the scaled price (Bitget pricePlace) and the price step in scaled units (priceEndStep). */
  priceScale: number;
  priceStep?: bigint;
  /** Decimals of the scaled size (volumePlace) and the lot in scaled units (sizeMultiplier·10^volumePlace). */
  sizeScale: number;
  sizeStep?: bigint;
  levelsPerSide?: number;
  /** Largest z-score window this instrument will be configured with. */
  zCapacity?: number;
}

export interface SignalParams {
  obiLevels: number;
  obiLambda: number;
  bandBps: number;
  ofiLevels: number;
  tauNs: number;
  zWindow: number;
  zSource: FieldName | number;
}

/** The most book levels the N-level and weighted imbalances may span (assembly/signals.ts). */
export const MAX_OBI_LEVELS = 64;

export const defaultSignalParams: SignalParams = {
  obiLevels: 5,
  obiLambda: 0.5,
  bandBps: 10,
  ofiLevels: 5,
  tauNs: 1e9,
  zWindow: 100,
  zSource: 'ofiNorm',
};

/** An instrument's state in the engine (assembly/engine.ts I_*): book and signal pointers, sync flag, counters, last signal. */
export const I = {
  book: 0,
  signals: 8,
  synced: 16,
  messages: 64,
  levels: 72,
  checksumOk: 80,
  checksumFail: 88,
  bookFull: 96,
  ignored: 104,
  invalid: 112,
  outDrops: 120,
  trades: 128,
  feedStatus: 136,
  /** Where the next message's signal record goes (0: lastSignal); a replay redirects it per message. */
  signalOut: 144,
  lastSignal: 256,
} as const;
const COUNTERS = [
  'messages',
  'levels',
  'checksumOk',
  'checksumFail',
  'bookFull',
  'ignored',
  'invalid',
  'outDrops',
  'trades',
  'feedStatus',
] as const;
export type CounterName = (typeof COUNTERS)[number];

/** engine.replayMessage's flags beside the count of records applied (the low 16 bits). */
export const REPLAY_SIGNAL = 1 << 16;
export const REPLAY_RING = 1 << 17;

export class Engine {
  readonly ptr: number;
  private readonly instruments: (Instrument | undefined)[] = [];

  /**
   * Start-up only, on the engine's own thread: allocates the instrument table. With `control`, checksum failures
   * and full books raise the instrument's resync request in the shared control lines (src/core/layout.ts).
   */
  constructor(
    readonly core: Core,
    readonly maxInstruments = 16,
    opts: { control?: boolean } = {},
  ) {
    this.ptr = core.x.engineNew(maxInstruments, opts.control ? CONTROL : 0);
  }

  /** Start-up only: allocates the book and signal state of instrument `idx`. */
  addInstrument(idx: number, spec: InstrumentSpec): Instrument {
    if (this.instruments[idx]) throw new Error(`instrument ${idx} already exists`);
    const levels = spec.levelsPerSide ?? 8192;
    if (!(Number.isInteger(spec.priceScale) && spec.priceScale >= 0 && spec.priceScale <= 18))
      throw new RangeError(`priceScale ${spec.priceScale} outside 0..18`);
    if (!(Number.isInteger(spec.sizeScale) && spec.sizeScale >= 0 && spec.sizeScale <= 18))
      throw new RangeError(`sizeScale ${spec.sizeScale} outside 0..18`);
    const ptr = this.core.x.engineAddInstrument(
      this.ptr,
      idx,
      levels,
      spec.priceScale,
      spec.priceStep ?? 1n,
      spec.sizeScale,
      spec.sizeStep ?? 1n,
      spec.zCapacity ?? 1024,
    );
    if (ptr === 0) throw new RangeError(`instrument ${idx} outside 0..${this.maxInstruments - 1}`);
    const inst = new Instrument(this.core, idx, ptr);
    this.instruments[idx] = inst;
    return inst;
  }

  instrument(idx: number): Instrument {
    const inst = this.instruments[idx];
    if (!inst) throw new Error(`no instrument ${idx}`);
    return inst;
  }

  /** Applies `n` records stored contiguously at byte offset `at`; output records go to `out` if given. */
  apply(at: number, n: number, out?: Ring): void {
    this.core.x.engineApply(this.ptr, at, n, out?.base ?? 0);
  }

  /**
   * Applies records from byte offset `at` (at most `n`) through the first that ends a market message; returns how
   * many. Fewer than `n` records without a message end are all applied (the message goes on in the next batch).
   */
  applyMessage(at: number, n: number, out?: Ring): number {
    return this.core.x.engineApplyMessage(this.ptr, at, n, out?.base ?? 0);
  }

  /**
   * applyMessage for a replay that reads results in place: the message's signal is left in the instrument's
   * last-signal record (Instrument.lastSignalOffset) and trades are not copied out; status records still go to
   * `out`. Returns the records applied | REPLAY_SIGNAL when a signal was computed | REPLAY_RING when `out` got
   * records.
   */
  replayMessage(at: number, n: number, out?: Ring): number {
    return this.core.x.engineReplayMessage(this.ptr, at, n, out?.base ?? 0);
  }

  /** Consumes up to `max` records from `input` in place; returns how many (0 = the ring was empty). */
  drain(input: Ring, out?: Ring, max = 4096): number {
    input.flush(); // the core reads the tail index itself
    return this.core.x.engineDrain(this.ptr, input.base, out?.base ?? 0, max);
  }

  get badRecords(): number {
    return Number(this.core.x.engineBadRecords(this.ptr));
  }
}

export class Instrument {
  readonly book: BookView;
  private readonly signalsPtr: number;

  constructor(
    readonly core: Core,
    readonly idx: number,
    readonly ptr: number,
  ) {
    this.book = new BookView(core, core.words[(ptr + I.book) >> 2]);
    this.signalsPtr = core.words[(ptr + I.signals) >> 2];
  }

  /** Sets the signal parameters (and resets the signal state); throws naming any value out of range. */
  configure(p: Partial<SignalParams>): void {
    const q = { ...defaultSignalParams, ...p };
    const source = typeof q.zSource === 'number' ? q.zSource : Field[q.zSource];
    if (source === undefined) throw new RangeError(`zSource "${String(q.zSource)}" is not a signal field`);
    const ok = this.core.x.signalsConfigure(this.signalsPtr, q.obiLevels, q.obiLambda, q.bandBps, q.ofiLevels, q.tauNs, q.zWindow, source);
    if (!ok) {
      throw new RangeError(
        `signal parameters out of range (nothing changed): obiLevels 1..${MAX_OBI_LEVELS}, ofiLevels 1..${MAX_OFI_LEVELS}, zWindow 2..zCapacity, ` +
          `tauNs > 0, bandBps ≥ 0, zSource a field other than z within the configured ofiLevels (got ${JSON.stringify(q)})`,
      );
    }
  }

  /** True while the book is trusted: after a book clear, until a checksum failure or a full side. */
  get synced(): boolean {
    return this.core.words[(this.ptr + I.synced) >> 2] !== 0;
  }

  counter(name: CounterName): number {
    return readI64(this.core.words, this.ptr + I[name]);
  }

  counters(): Record<CounterName, number> {
    const out = {} as Record<CounterName, number>;
    for (const k of COUNTERS) out[k] = this.counter(k);
    return out;
  }

  /** Byte offset of the latest signal record (rewritten at every message end). */
  get lastSignalOffset(): number {
    return this.ptr + I.lastSignal;
  }

  lastSignal(): SignalSnapshot {
    return readSignal(this.core, this.lastSignalOffset);
  }
}

/** Read access (and direct writes, for tests and tools) to one book. Prices in ticks, sizes in lots. */
export class BookView {
  constructor(
    readonly core: Core,
    readonly ptr: number,
  ) {}

  set(side: BookSide, price: number | bigint, qty: number | bigint, priceDec = 0, sizeDec = 0): boolean {
    return this.core.x.bookSet(this.ptr, side, BigInt(price), BigInt(qty), (priceDec & 0xff) | ((sizeDec & 0xff) << 8)) !== 0;
  }
  clear(): void {
    this.core.x.bookClear(this.ptr);
  }
  depth(side: BookSide): number {
    return this.core.x.bookDepth(this.ptr, side);
  }
  /** i-th best price (0 = best), undefined when absent. */
  price(side: BookSide, i: number): number | undefined {
    return i < this.depth(side) ? Number(this.core.x.bookPrice(this.ptr, side, i)) : undefined;
  }
  qty(side: BookSide, i: number): number {
    return Number(this.core.x.bookQty(this.ptr, side, i));
  }
  wireDecimals(side: BookSide, i: number): { priceDec: number; sizeDec: number } {
    const d = this.core.x.bookWireDecimals(this.ptr, side, i);
    return { priceDec: d & 0xff, sizeDec: (d >> 8) & 0xff };
  }
  /** The best `n` levels a side as [price, qty] pairs, best first. */
  top(n: number): { bids: Array<[number, number]>; asks: Array<[number, number]> } {
    const side = (s: BookSide) => {
      const out: Array<[number, number]> = [];
      for (let i = 0; i < n; i++) {
        const p = this.price(s, i);
        if (p === undefined) break;
        out.push([p, this.qty(s, i)]);
      }
      return out;
    };
    return { bids: side(1), asks: side(2) };
  }
  get bestBid(): number | undefined {
    return this.price(1, 0);
  }
  get bestAsk(): number | undefined {
    return this.price(2, 0);
  }
  get crossed(): boolean {
    return this.core.x.bookIsCrossed(this.ptr) !== 0;
  }
  get full(): boolean {
    return this.core.x.bookIsFull(this.ptr) !== 0;
  }
  bandDepth(side: BookSide, low: number, high: number): number {
    return Number(this.core.x.bookBandDepth(this.ptr, side, BigInt(low), BigInt(high)));
  }
  /** Bitget's CRC-32 of the top-n check string (signed int32). */
  checksum(n = 25): number {
    return this.core.x.bookChecksum(this.ptr, n);
  }
  /** The top-n check string: the levels printed back exactly as the exchange sent them. */
  formatTop(n = 25): string {
    if (n > 1000) throw new RangeError('formatTop prints at most 1000 levels per side (64 KiB of text)');
    const at = this.core.text;
    const len = this.core.x.bookFormatTop(this.ptr, n, at);
    let s = '';
    for (let i = 0; i < len; i++) s += String.fromCharCode(this.core.bytes[at + i]);
    return s;
  }
}
