// The objects a strategy reads (Market, Book, Signals, Position, RecentTrades): one of each per instrument for the
// whole run, reading the instrument's latest delivered book message in place. A book message lives in a slot of a
// Slots buffer: the 256-byte signal record the core wrote (src/core/record.ts S, same offsets), then, when the strategy
// declared `depth: N`, the best levels of each side as the core's bookTop writes them (i64 prices, then i64 sizes, a
// side after the other, `depth` of each) with the level counts of the two sides at LEVEL_COUNTS. The backtest keeps a
// ring of such slots in the core's memory (the core writes each message's record straight into one: no copy);
// live trading keeps one per instrument. Nothing here allocates per message.
import { S, State, Field, SIG_FIELD_COUNT } from '../core/record';
import type { Book, BookSide, InstrumentInfo, Market, Order, Position, RecentTrades, Signals, Trade } from './api';
import { unrealisedTickLot, type PositionState } from './position';
import { names, strictReads } from './strict-reads';

/** Bytes of the signal record a slot starts with. */
export const RECORD_BYTES = 256;
/** Within a slot's record (past the core's fields): i32 level counts of the bid and the ask side. */
export const LEVEL_COUNTS = 240;
const TWO32 = 4294967296;

/** Bytes of a slot with room for `depth` levels a side. */
export const slotBytes = (depth: number) => RECORD_BYTES + 32 * depth;

/** Equal slots over a buffer: a record plus `depth` levels a side each. */
export class Slots {
  buffer: ArrayBufferLike;
  i32: Int32Array;
  f64: Float64Array;
  u8: Uint8Array;
  /** Bytes per slot. */
  readonly stride: number;

  /** `slots` slots of a buffer of its own, or views over another memory (the core's) at byte `at`. */
  constructor(
    slots: number,
    readonly depth: number,
    over?: { i32: Int32Array; f64: Float64Array; u8: Uint8Array },
  ) {
    this.stride = slotBytes(depth);
    if (over) {
      this.buffer = over.i32.buffer;
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
}

/** Copies the signal record at byte `src` of `words` into the slot at byte `dst` (live trading: one per message). */
export function copyRecord(words: Int32Array, src: number, slots: Slots, dst: number): void {
  // word by word: `set(words.subarray(…))` made a typed array per message
  const to = slots.i32;
  const s = src >> 2;
  const d = dst >> 2;
  for (let i = 0; i < RECORD_WORDS; i++) to[d + i] = words[s + i];
  to[(dst + LEVEL_COUNTS) >> 2] = 0;
  to[(dst + LEVEL_COUNTS + 4) >> 2] = 0;
}
const RECORD_WORDS = RECORD_BYTES >> 2;

/** Reads a book's levels by rank (the core's bookPriceF64 / bookQtyF64). */
export interface LevelSource {
  bookDepth(book: number, side: number): number;
  bookPriceF64(book: number, side: number, i: number): number;
  bookQtyF64(book: number, side: number, i: number): number;
}

/**
 * Writes the best `slots.depth` levels of each side of `book` beside the record in the slot at byte `base` (what the
 * backtest's bookTop writes there), for live trading, where the record arrives on its own: read from the book as the
 * message left it, so the caller must know no later message has been applied since.
 */
export function copyLevels(x: LevelSource, book: number, slots: Slots, base: number): void {
  const depth = slots.depth;
  const w = slots.i32;
  for (let side = 1; side <= 2; side++) {
    const n = Math.min(depth, x.bookDepth(book, side));
    const prices = (base + RECORD_BYTES + (side === 1 ? 0 : 16 * depth)) >> 2;
    const sizes = prices + 2 * depth;
    for (let i = 0; i < n; i++) {
      putNum64(w, prices + 2 * i, x.bookPriceF64(book, side, i));
      putNum64(w, sizes + 2 * i, x.bookQtyF64(book, side, i));
    }
    w[(base + LEVEL_COUNTS + (side === 1 ? 0 : 4)) >> 2] = n;
  }
}

/** An integer below 2^53 as the two words of an int64 at word `at`. */
function putNum64(w: Int32Array, at: number, v: number): void {
  const lo = v % TWO32;
  w[at] = lo | 0;
  w[at + 1] = Math.floor(v / TWO32) | 0;
}

/** An int64 in memory as a number (exact below 2^53; ints that fit 32 bits come out as small integers). */
export function num64(w: Int32Array, byteOffset: number): number {
  const lo = w[byteOffset >> 2];
  const hi = w[(byteOffset >> 2) + 1];
  return (hi === 0 && lo >= 0) || (hi === -1 && lo < 0) ? lo : hi * TWO32 + (lo >>> 0);
}

/** What SignalsView reads before the first message: NaN for every signal field. */
const NO_FIELDS = new Float64Array(SIG_FIELD_COUNT).fill(NaN);

/** Where an instrument's latest message is: a slot of a Slots buffer. */
export class Cursor {
  /** Byte offset of the slot; -1 before the first message. */
  base = -1;
  /**
   * The slot's signal fields: `fields[fieldAt + id]` (NO_FIELDS before the first message). SignalsView's getters are
   * then one load, small enough that V8 always inlines them into the strategy's handler: a double returned by a call
   * it does not inline is a new heap number, one per message for a strategy reading a signal.
   */
  fields: Float64Array = NO_FIELDS;
  fieldAt = 0;
  /**
   * The slot's state byte (0 before the first message) and best prices (NaN before it), read once when the runtime
   * points here: BookView's most read getters are then one load, inlined into any handler (a getter V8 leaves as a
   * call returns its double as a new heap number). A slot is not written once its message is delivered.
   */
  state = 0;
  bid = NaN;
  ask = NaN;
  constructor(public slots: Slots) {}

  /** Points at byte `base` of `slots` (-1: no message yet). */
  point(slots: Slots, base: number): void {
    this.slots = slots;
    this.base = base;
    this.fields = base < 0 ? NO_FIELDS : slots.f64;
    this.fieldAt = base < 0 ? 0 : (base + S.fields) / 8;
    this.state = base < 0 ? 0 : slots.u8[base + S.state];
    this.bid = base < 0 ? NaN : num64(slots.i32, base + S.bestBid);
    this.ask = base < 0 ? NaN : num64(slots.i32, base + S.bestAsk);
  }
}

export class BookView implements Book {
  /** `depth`: the levels a side the strategy declared (ranks beyond it are not readable). */
  // private in the language: the cursor is where the runtime reads each message's touch from
  readonly #c: Cursor;
  readonly #depth: number;
  constructor(c: Cursor, depth: number) {
    this.#c = c;
    this.#depth = depth;
  }

  get valid(): boolean {
    return (this.#c.state & State.valid) !== 0;
  }
  get bestBidTick(): number {
    return this.#c.bid;
  }
  get bestAskTick(): number {
    return this.#c.ask;
  }
  get bestBidLot(): number {
    return this.#c.base < 0 ? 0 : num64(this.#c.slots.i32, this.#c.base + S.bidQty);
  }
  get bestAskLot(): number {
    return this.#c.base < 0 ? 0 : num64(this.#c.slots.i32, this.#c.base + S.askQty);
  }
  get spreadTicks(): number {
    return this.bestAskTick - this.bestBidTick;
  }
  get midTick(): number {
    return (this.bestBidTick + this.bestAskTick) / 2;
  }
  /** Byte offset of level `rank` of `side` in the current slot (its size is `room` levels later), or -1. */
  private level(side: BookSide, rank: number): number {
    const c = this.#c;
    if (c.base < 0 || !(rank > 0 && rank < this.#depth) || (rank | 0) !== rank) return -1;
    const bid = side === 'bid';
    const count = c.slots.i32[(c.base + LEVEL_COUNTS + (bid ? 0 : 4)) >> 2];
    if (rank >= count) return -1;
    return c.base + RECORD_BYTES + 8 * ((bid ? 0 : 2 * c.slots.depth) + rank);
  }
  priceTick(side: BookSide, rank: number): number {
    if (side !== 'bid' && side !== 'ask') throw badSide('priceTick', side);
    if (rank === 0) return side === 'bid' ? this.bestBidTick : this.bestAskTick;
    const at = this.level(side, rank);
    return at < 0 ? NaN : num64(this.#c.slots.i32, at);
  }
  sizeLot(side: BookSide, rank: number): number {
    if (side !== 'bid' && side !== 'ask') throw badSide('sizeLot', side);
    if (rank === 0) return side === 'bid' ? this.bestBidLot : this.bestAskLot;
    const at = this.level(side, rank);
    return at < 0 ? 0 : num64(this.#c.slots.i32, at + 8 * this.#c.slots.depth);
  }
  depthLot(side: BookSide, ticks: number): number {
    if (side !== 'bid' && side !== 'ask') throw badSide('depthLot', side);
    if (!(ticks >= 0)) throw new RangeError(`depthLot('${side}', ${String(ticks)}): ticks must be a number ≥ 0 (0: the best level only)`);
    const best = this.priceTick(side, 0);
    if (best !== best) return 0;
    let sum = this.sizeLot(side, 0);
    for (let r = 1; r < this.#depth; r++) {
      const p = this.priceTick(side, r);
      if (p !== p || Math.abs(p - best) > ticks) break;
      sum += this.sizeLot(side, r);
    }
    return sum;
  }
}

export class SignalsView implements Signals {
  readonly #c: Cursor;
  /** Multi-level OFI levels the core computes this run (signal settings). */
  readonly #ofiLevels: number;
  constructor(c: Cursor, ofiLevels: number) {
    this.#c = c;
    this.#ofiLevels = ofiLevels;
  }

  private field(id: number): number {
    const c = this.#c;
    return c.fields[c.fieldAt + id];
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
    return m >= 0 && m < this.#ofiLevels && (m | 0) === m ? this.field(Field.mlofi + m) : NaN;
  }
  get microprice(): number {
    return this.field(Field.wmid);
  }
  get z(): number {
    return this.field(Field.z);
  }
  get zReady(): boolean {
    return (this.#c.state & State.zReady) !== 0;
  }
}

// a misspelt signal (m.signals.ofiNorn) throws, naming the nearest one, instead of reading undefined (strict-reads.ts)
const SIGNAL_NAMES: Record<keyof Signals, true> = {
  l1: true,
  obiN: true,
  obiW: true,
  obiBand: true,
  ofi: true,
  ofiDecay: true,
  ofiNorm: true,
  mlofi: true,
  microprice: true,
  z: true,
  zReady: true,
};
strictReads(
  SignalsView,
  'm.signals',
  names<Signals>(SIGNAL_NAMES),
  "the core's, from the book (a value of the strategy's own is a variable in create()'s closure)",
);

// the same for every view: `m.book.bestBid`, `m.position.lots`, `m.postion` throw naming the nearest (a list per view,
// checked against the API's interfaces: a name added there must be added here)
strictReads(
  BookView,
  'm.book',
  names<Book>({
    valid: 1,
    bestBidTick: 1,
    bestAskTick: 1,
    bestBidLot: 1,
    bestAskLot: 1,
    spreadTicks: 1,
    midTick: 1,
    priceTick: 1,
    sizeLot: 1,
    depthLot: 1,
  }),
  "the book is the market's, as of the message being handled",
);

/** A position's figures for the strategy, over the runtime's exact state and the instrument's last valid touch. */
export class PositionView implements Position {
  /** The exit-side touch the position is marked at: set by the runtime from the last valid book. */
  bidTick = NaN;
  askTick = NaN;

  /** The runtime's position itself: private in the language, not only in the types (a strategy must not move it). */
  readonly #state: PositionState;
  readonly #tickLotQuote: number;

  constructor(state: PositionState, tickLotQuote: number) {
    this.#state = state;
    this.#tickLotQuote = tickLotQuote;
  }

  get lot(): number {
    return this.#state.lot;
  }
  get avgEntryTick(): number {
    return this.#state.lot === 0 ? NaN : this.#state.costTickLot / Math.abs(this.#state.lot);
  }
  get costTickLot(): number {
    return this.#state.costTickLot;
  }
  get realisedQuote(): number {
    return this.#state.realisedTickLot * this.#tickLotQuote;
  }
  get feesQuote(): number {
    return this.#state.feesQuote;
  }
  get unrealisedQuote(): number {
    const lot = this.#state.lot;
    if (lot === 0) return 0;
    const mark = lot > 0 ? this.bidTick : this.askTick;
    return mark === mark ? unrealisedTickLot(this.#state, mark) * this.#tickLotQuote : NaN;
  }
}

strictReads(
  PositionView,
  'm.position',
  names<Position>({ lot: 1, avgEntryTick: 1, costTickLot: 1, realisedQuote: 1, feesQuote: 1, unrealisedQuote: 1 }),
  'the position moves only with fills: ctx.place (reduceOnly) or ctx.flatten() closes it',
);

/** A side that is neither 'bid' nor 'ask' ('buy' is an order's side): said, not read as the ask side. */
const badSide = (what: string, side: unknown) =>
  new RangeError(`${what}(${JSON.stringify(side)}, …): a book side is 'bid' or 'ask' (an order's side is 'buy' or 'sell')`);

/** Public trades of an instrument, newest first, in a ring of the declared capacity. */
export class TradesView implements RecentTrades, Trade {
  // private in the language: the runtime pushes into them, and a strategy that replaced one would break that
  readonly #price: Float64Array;
  readonly #size: Float64Array;
  readonly #exch: Float64Array;
  readonly #buy: Uint8Array;
  #head = 0;
  #n = 0;
  #at = 0;

  constructor(readonly capacity: number) {
    const c = Math.max(1, capacity);
    this.#price = new Float64Array(c);
    this.#size = new Float64Array(c);
    this.#exch = new Float64Array(c);
    this.#buy = new Uint8Array(c);
  }

  push(priceTick: number, sizeLot: number, takerBuy: boolean, exchNs: number): void {
    const c = this.#price.length;
    this.#head = (this.#head + 1) % c;
    this.#price[this.#head] = priceTick;
    this.#size[this.#head] = sizeLot;
    this.#exch[this.#head] = exchNs;
    this.#buy[this.#head] = takerBuy ? 1 : 0;
    if (this.#n < this.capacity) this.#n++;
    this.#at = this.#head;
  }

  get length(): number {
    return this.#n;
  }
  /** The i-th newest trade (this same object, pointed at it). */
  at(i: number): Trade {
    if (!(i >= 0 && i < this.#n))
      throw new RangeError(`trades.at(${i}): ${this.#n} trades kept (declare trades: N in the definition for more)`);
    const c = this.#price.length;
    this.#at = (this.#head - i + c) % c;
    return this;
  }
  /** The newest trade, without moving the ring (onTrade's argument). */
  newest(): Trade {
    this.#at = this.#head;
    return this;
  }
  get priceTick(): number {
    return this.#price[this.#at];
  }
  get sizeLot(): number {
    return this.#size[this.#at];
  }
  get side(): 'buy' | 'sell' {
    return this.#buy[this.#at] === 1 ? 'buy' : 'sell';
  }
  get exchNs(): number {
    return this.#exch[this.#at];
  }
}

// onTrade's `t` is this same object
strictReads(
  TradesView,
  'm.trades',
  names<RecentTrades & Trade>({ length: 1, at: 1, priceTick: 1, sizeLot: 1, side: 1, exchNs: 1 }),
  "the public trades are the market's",
);

/** One instrument as the strategy sees it; the runtime moves its fields as events arrive. */
export class MarketView implements Market {
  readonly book: BookView;
  readonly signals: SignalsView;
  readonly trades: TradesView;
  healthy = true;
  healthReason = '';
  /** Live orders of this instrument, oldest first (the runtime keeps it). */
  readonly orders: Order[] = [];

  /**
   * What the strategy reads. The runtime decides on its own copies (the cursor it reads messages through, whether
   * the instrument is traded, its health): nothing written here moves a decision.
   */
  constructor(
    readonly info: InstrumentInfo,
    readonly index: number,
    cursor: Cursor,
    readonly position: PositionView,
    readonly tradable: boolean,
    ofiLevels: number,
    trades: number,
    depth: number,
  ) {
    this.book = new BookView(cursor, depth);
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

strictReads(
  MarketView,
  'm',
  names<Market>({
    info: 1,
    index: 1,
    book: 1,
    signals: 1,
    trades: 1,
    position: 1,
    orders: 1,
    healthy: 1,
    healthReason: 1,
    localNs: 1,
    exchNs: 1,
    feedLatencyNs: 1,
    tradable: 1,
  }),
);
