// The objects a strategy reads (Market, Book, Signals, Position, RecentTrades): one of each per instrument for the
// whole run, reading the instrument's latest delivered book message in place. A book message lives in a slot of a
// Slots buffer: the 256-byte signal record the core wrote (src/core/record.ts S, same offsets), then, when the strategy
// declared `depth: N`, the N best levels of each side as f64 (bid prices, bid sizes, ask prices, ask sizes). The
// backtest keeps a ring of such slots (messages wait for their local time while the core has moved on); live trading
// keeps one per instrument. Nothing here allocates per message.
import { S, State, Field } from '../core/record';
import type { Book, BookSide, InstrumentInfo, Market, Order, Position, RecentTrades, Signals, Trade } from './api';
import { unrealisedTickLot, type PositionState } from './position';

/** Bytes of the signal record a slot starts with. */
export const RECORD_BYTES = 256;
// The record's words a runtime always needs (state, stamps, the touch) and the signal fields (read only by views).
const HEAD_WORDS = 16; // bytes [0, 64)
const FIELDS_FROM = 20; // byte 80
const FIELDS_TO = 58; // byte 232
/** Words of a record to copy: the head only, or through the last signal field. */
export const HEAD_COPY_WORDS = HEAD_WORDS;
export const RECORD_COPY_WORDS = FIELDS_TO;
const TWO32 = 4294967296;

/** A buffer of equal slots, each a record plus `depth` levels a side. Grows by doubling (rare: one feed latency's worth of messages). */
export class Slots {
  buffer: ArrayBuffer;
  i32: Int32Array;
  f64: Float64Array;
  u8: Uint8Array;
  /** Bytes per slot. */
  readonly stride: number;

  constructor(
    slots: number,
    readonly depth: number,
    over?: { i32: Int32Array; f64: Float64Array; u8: Uint8Array },
  ) {
    this.stride = RECORD_BYTES + 32 * depth;
    if (over) {
      // records read where they are (the core's own signal record): no copy, no growth
      this.buffer = over.i32.buffer as ArrayBuffer;
      this.i32 = over.i32;
      this.f64 = over.f64;
      this.u8 = over.u8;
      return;
    }
    this.buffer = new ArrayBuffer(slots * this.stride);
    this.i32 = new Int32Array(this.buffer);
    this.f64 = new Float64Array(this.buffer);
    this.u8 = new Uint8Array(this.buffer);
  }

  get count(): number {
    return this.buffer.byteLength / this.stride;
  }

  /** Doubles the slots; slot i keeps its bytes (callers re-map their ring indices themselves). */
  grow(): void {
    const next = new ArrayBuffer(this.buffer.byteLength * 2);
    new Uint8Array(next).set(this.u8);
    this.buffer = next;
    this.i32 = new Int32Array(next);
    this.f64 = new Float64Array(next);
    this.u8 = new Uint8Array(next);
  }
}

/**
 * Copies the signal record at byte `src` of `words` (core memory) into the slot at byte `dst`: the head always, the
 * signal fields when `fields` (someone reads Market.signals). A word loop: no subarray, no allocation.
 */
export function copyRecord(words: Int32Array, src: number, slots: Slots, dst: number, fields: boolean): void {
  const d = slots.i32;
  const s = src >> 2;
  const o = dst >> 2;
  for (let i = 0; i < HEAD_WORDS; i++) d[o + i] = words[s + i];
  if (fields) for (let i = FIELDS_FROM; i < FIELDS_TO; i++) d[o + i] = words[s + i];
}

/**
 * Copies the book's best levels, as the core's bookTop wrote them (i64 prices at `prices`, sizes at `qtys`, `n` of
 * them), into side `side` (1 bid, 2 ask) of the slot at `dst`; levels past n read as absent.
 */
export function copyLevels(words: Int32Array, prices: number, qtys: number, n: number, slots: Slots, dst: number, side: 1 | 2): void {
  const depth = slots.depth;
  const f = slots.f64;
  let at = (dst + RECORD_BYTES) / 8 + (side === 1 ? 0 : 2 * depth);
  for (let i = 0; i < depth; i++, at++) {
    if (i < n) {
      f[at] = num64(words, prices + 8 * i);
      f[at + depth] = num64(words, qtys + 8 * i);
    } else {
      f[at] = NaN;
      f[at + depth] = 0;
    }
  }
}

/** An int64 in memory as a number (exact below 2^53; ints that fit 32 bits come out as small integers). */
export function num64(w: Int32Array, byteOffset: number): number {
  const lo = w[byteOffset >> 2];
  const hi = w[(byteOffset >> 2) + 1];
  return (hi === 0 && lo >= 0) || (hi === -1 && lo < 0) ? lo : hi * TWO32 + (lo >>> 0);
}

/** Where an instrument's latest message is: a slot of a Slots buffer. */
export class Cursor {
  /** Byte offset of the slot; -1 before the first message. */
  base = -1;
  constructor(public slots: Slots) {}
}

export class BookView implements Book {
  constructor(private readonly c: Cursor) {}

  get valid(): boolean {
    const c = this.c;
    return c.base >= 0 && (c.slots.u8[c.base + S.state] & State.valid) !== 0;
  }
  get bestBidTick(): number {
    return this.c.base < 0 ? NaN : num64(this.c.slots.i32, this.c.base + S.bestBid);
  }
  get bestAskTick(): number {
    return this.c.base < 0 ? NaN : num64(this.c.slots.i32, this.c.base + S.bestAsk);
  }
  get bestBidLot(): number {
    return this.c.base < 0 ? 0 : num64(this.c.slots.i32, this.c.base + S.bidQty);
  }
  get bestAskLot(): number {
    return this.c.base < 0 ? 0 : num64(this.c.slots.i32, this.c.base + S.askQty);
  }
  get spreadTicks(): number {
    return this.bestAskTick - this.bestBidTick;
  }
  get midTick(): number {
    return (this.bestBidTick + this.bestAskTick) / 2;
  }
  priceTick(side: BookSide, rank: number): number {
    const c = this.c;
    if (c.base < 0) return NaN;
    if (rank === 0) return side === 'bid' ? this.bestBidTick : this.bestAskTick;
    const d = c.slots.depth;
    if (!(rank > 0 && rank < d) || (rank | 0) !== rank) return NaN;
    return c.slots.f64[(c.base + RECORD_BYTES) / 8 + (side === 'bid' ? 0 : 2 * d) + rank];
  }
  sizeLot(side: BookSide, rank: number): number {
    const c = this.c;
    if (c.base < 0) return 0;
    if (rank === 0) return side === 'bid' ? this.bestBidLot : this.bestAskLot;
    const d = c.slots.depth;
    if (!(rank > 0 && rank < d) || (rank | 0) !== rank) return 0;
    return c.slots.f64[(c.base + RECORD_BYTES) / 8 + (side === 'bid' ? d : 3 * d) + rank];
  }
  depthLot(side: BookSide, ticks: number): number {
    const best = this.priceTick(side, 0);
    if (best !== best) return 0;
    let sum = this.sizeLot(side, 0);
    const d = this.c.slots.depth;
    for (let r = 1; r < d; r++) {
      const p = this.priceTick(side, r);
      if (p !== p || Math.abs(p - best) > ticks) break;
      sum += this.sizeLot(side, r);
    }
    return sum;
  }
}

export class SignalsView implements Signals {
  constructor(
    private readonly c: Cursor,
    /** Multi-level OFI levels the core computes this run (signal settings). */
    private readonly ofiLevels: number,
  ) {}

  private field(id: number): number {
    const c = this.c;
    return c.base < 0 ? NaN : c.slots.f64[(c.base + S.fields) / 8 + id];
  }
  get l1(): number {
    return this.field(Field.l1);
  }
  get obiN(): number {
    return this.field(Field.obiN);
  }
  get obiW(): number {
    return this.field(Field.obiW);
  }
  get obiBand(): number {
    return this.field(Field.obiBand);
  }
  get ofi(): number {
    return this.field(Field.ofi);
  }
  get ofiDecay(): number {
    return this.field(Field.ofiDecay);
  }
  get ofiNorm(): number {
    return this.field(Field.ofiNorm);
  }
  mlofi(m: number): number {
    return m >= 0 && m < this.ofiLevels && (m | 0) === m ? this.field(Field.mlofi + m) : NaN;
  }
  get microprice(): number {
    return this.field(Field.wmid);
  }
  get z(): number {
    return this.field(Field.z);
  }
  get zReady(): boolean {
    const c = this.c;
    return c.base >= 0 && (c.slots.u8[c.base + S.state] & State.zReady) !== 0;
  }
}

/** A position's figures for the strategy, over the runtime's exact state and the instrument's last valid touch. */
export class PositionView implements Position {
  /** The exit-side touch the position is marked at: set by the runtime from the last valid book. */
  bidTick = NaN;
  askTick = NaN;

  constructor(
    readonly state: PositionState,
    private readonly tickLotQuote: number,
  ) {}

  get lot(): number {
    return this.state.lot;
  }
  get avgEntryTick(): number {
    return this.state.lot === 0 ? NaN : this.state.costTickLot / Math.abs(this.state.lot);
  }
  get costTickLot(): number {
    return this.state.costTickLot;
  }
  get realisedQuote(): number {
    return this.state.realisedTickLot * this.tickLotQuote;
  }
  get feesQuote(): number {
    return this.state.feesQuote;
  }
  get unrealisedQuote(): number {
    const lot = this.state.lot;
    if (lot === 0) return 0;
    const mark = lot > 0 ? this.bidTick : this.askTick;
    return mark === mark ? unrealisedTickLot(this.state, mark) * this.tickLotQuote : NaN;
  }
}

/** Public trades of an instrument, newest first, in a ring of the declared capacity. */
export class TradesView implements RecentTrades, Trade {
  private readonly price: Float64Array;
  private readonly size: Float64Array;
  private readonly exch: Float64Array;
  private readonly buy: Uint8Array;
  private head = 0;
  private n = 0;
  private at_ = 0;

  constructor(readonly capacity: number) {
    const c = Math.max(1, capacity);
    this.price = new Float64Array(c);
    this.size = new Float64Array(c);
    this.exch = new Float64Array(c);
    this.buy = new Uint8Array(c);
  }

  push(priceTick: number, sizeLot: number, takerBuy: boolean, exchNs: number): void {
    const c = this.price.length;
    this.head = (this.head + 1) % c;
    this.price[this.head] = priceTick;
    this.size[this.head] = sizeLot;
    this.exch[this.head] = exchNs;
    this.buy[this.head] = takerBuy ? 1 : 0;
    if (this.n < this.capacity) this.n++;
    this.at_ = this.head;
  }

  get length(): number {
    return this.n;
  }
  /** The i-th newest trade (this same object, pointed at it). */
  at(i: number): Trade {
    if (!(i >= 0 && i < this.n))
      throw new RangeError(`trades.at(${i}): ${this.n} trades kept (declare trades: N in the definition for more)`);
    const c = this.price.length;
    this.at_ = (this.head - i + c) % c;
    return this;
  }
  /** The newest trade, without moving the ring (onTrade's argument). */
  newest(): Trade {
    this.at_ = this.head;
    return this;
  }
  get priceTick(): number {
    return this.price[this.at_];
  }
  get sizeLot(): number {
    return this.size[this.at_];
  }
  get side(): 'buy' | 'sell' {
    return this.buy[this.at_] === 1 ? 'buy' : 'sell';
  }
  get exchNs(): number {
    return this.exch[this.at_];
  }
}

/** One instrument as the strategy sees it; the runtime moves its fields as events arrive. */
export class MarketView implements Market {
  readonly book: BookView;
  readonly signals: SignalsView;
  readonly trades: TradesView;
  healthy = true;
  healthReason = '';
  /** Live orders of this instrument, oldest first (the runtime keeps it). */
  readonly orders: Order[] = [];

  constructor(
    readonly info: InstrumentInfo,
    readonly index: number,
    readonly cursor: Cursor,
    readonly position: PositionView,
    readonly tradable: boolean,
    ofiLevels: number,
    trades: number,
  ) {
    this.book = new BookView(cursor);
    this.signals = new SignalsView(cursor, ofiLevels);
    this.trades = new TradesView(trades);
  }

  /** Set by the runtime at each message: times relative to the run's origin. */
  localNs = NaN;
  exchNs = NaN;
  get feedLatencyNs(): number {
    return this.localNs - this.exchNs;
  }
}
