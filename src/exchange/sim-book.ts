// One symbol's simulated L2 book on integer ticks and lots: FIFO queues of orders at each price level, both the
// order-flow model's (order-flow.ts) and own orders (the private API, src/exchange/private), in exact price-time
// priority. Own orders rest with `placeOwn` (never picked by the model's random cancels), take liquidity level by
// level with `take`, and their maker fills are collected for `takeOwnFills`. Every fill prints a public trade (one
// per level, taker side, increasing trade ids). Own activity draws trade ids from a separate stream, so the flow's
// random draws are unchanged by it (the book it acts on changes, of course).
//
// WHEN TO USE: as the book under a Market (order-flow.ts), which drives it and advances its clock. It has no I/O.
// Prices and sizes are JS safe integers (ticks, lots) and only ever added, subtracted and compared: exact.
import { Rng } from './rng';

/** One price level: integer ticks and lots. In a change list, qtyLot 0 means the level was deleted. */
export interface BookLevel {
  readonly priceTick: number;
  readonly qtyLot: number;
}

/** One fill of a market order against one price level. `side` is the taker's side. */
export interface Trade {
  /** Simulated time of the fill, whole ms. */
  readonly tsMs: number;
  readonly priceTick: number;
  readonly qtyLot: number;
  readonly side: 'buy' | 'sell';
  /** Strictly increasing per symbol; exceeds 2^53. */
  readonly tradeId: bigint;
}

/** Levels whose size differs from the last takeChanges(): bids descending, asks ascending. */
export interface BookChanges {
  readonly bids: BookLevel[];
  readonly asks: BookLevel[];
}

/** What the book counts; the flow model's counters (MarketCounters, order-flow.ts) extend the same object. */
export interface BookCounters {
  marketOrders: number;
  trades: number;
}

interface Order {
  tick: number;
  lots: number;
  /** Index in Side.orders (kept up to date for O(1) removal); -1 for own orders, which are never in that list. */
  pos: number;
  /** Set on an own (private API) order: the owner's reference, handed back in OwnFill. */
  own?: unknown;
}

/**
 * An own order resting in the book (opaque to the owner; `lots` is what is left of it). Own orders sit in the same
 * FIFO queues as simulated orders, so time priority is exact: they fill only after the orders ahead of them at the
 * level traded or were cancelled. They are never picked by the random cancel process.
 */
export interface OwnOrderHandle {
  readonly tick: number;
  readonly lots: number;
}

/** A fill of an own resting (maker) order, in the order it happened. */
export interface OwnFill {
  readonly own: unknown;
  readonly handle: OwnOrderHandle;
  readonly priceTick: number;
  readonly qtyLot: number;
  /** Id of the public trade this fill was part of. */
  readonly tradeId: bigint;
  readonly tsMs: number;
  /** The taker's side (the maker sold on a 'buy'). */
  readonly takerSide: 'buy' | 'sell';
  /** Lots left on the order after this fill (0 = it left the book). */
  readonly remainingLot: number;
}

/** One level of an own taker walk (also the public trade it printed). */
export interface TakerFill {
  readonly priceTick: number;
  readonly qtyLot: number;
  readonly tradeId: bigint;
  readonly tsMs: number;
}

/** A piece of a level fill that hit an own order. */
interface OwnPiece {
  order: Order;
  lots: number;
}

interface Level {
  lots: number;
  queue: Order[];
}

/** One side of the book: levels by tick, a best-first tick list and a flat order list for uniform cancels. */
export class SimSide {
  readonly levels = new Map<number, Level>();
  /** Ticks best-first: bids descending, asks ascending. */
  readonly ticks: number[] = [];
  readonly orders: Order[] = [];
  /** tick → lots at the last takeChanges(), for every level touched since. */
  readonly changed = new Map<number, number>();

  constructor(readonly isBid: boolean) {}

  best(): number | undefined {
    return this.ticks[0];
  }

  lotsAt(tick: number): number {
    return this.levels.get(tick)?.lots ?? 0;
  }

  /** Position of `tick` in the best-first list, or where it would be inserted. */
  private indexOf(tick: number): number {
    const key = this.isBid ? -tick : tick;
    let lo = 0;
    let hi = this.ticks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = this.isBid ? -this.ticks[mid] : this.ticks[mid];
      if (k < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private mark(tick: number, oldLots: number): void {
    if (!this.changed.has(tick)) this.changed.set(tick, oldLots);
  }

  add(tick: number, lots: number): void {
    let level = this.levels.get(tick);
    this.mark(tick, level?.lots ?? 0);
    if (!level) {
      level = { lots: 0, queue: [] };
      this.levels.set(tick, level);
      this.ticks.splice(this.indexOf(tick), 0, tick);
    }
    const order: Order = { tick, lots, pos: this.orders.length };
    this.orders.push(order);
    level.queue.push(order);
    level.lots += lots;
  }

  /** Adds an own order at the back of the level's queue (not in the cancel pool). */
  addOwn(tick: number, lots: number, own: unknown): Order {
    let level = this.levels.get(tick);
    this.mark(tick, level?.lots ?? 0);
    if (!level) {
      level = { lots: 0, queue: [] };
      this.levels.set(tick, level);
      this.ticks.splice(this.indexOf(tick), 0, tick);
    }
    const order: Order = { tick, lots, pos: -1, own };
    level.queue.push(order);
    level.lots += lots;
    return order;
  }

  /** Removes an own order still in the book; false when it already left (filled). */
  removeOwn(order: Order): boolean {
    const level = this.levels.get(order.tick);
    const i = level ? level.queue.indexOf(order) : -1;
    if (!level || i < 0) return false;
    this.mark(order.tick, level.lots);
    level.queue.splice(i, 1);
    level.lots -= order.lots;
    order.lots = 0;
    this.dropLevelIfEmpty(order.tick, level);
    return true;
  }

  /** Shrinks an own order in place to `lots` (keeps its place in the queue); false when it already left. */
  reduceOwn(order: Order, lots: number): boolean {
    const level = this.levels.get(order.tick);
    if (!level || !level.queue.includes(order)) return false;
    this.mark(order.tick, level.lots);
    level.lots -= order.lots - lots;
    order.lots = lots;
    return true;
  }

  /** Lots queued ahead of `order` at its level (-1 if it is not in the book). */
  queueAhead(order: Order): number {
    const level = this.levels.get(order.tick);
    if (!level) return -1;
    let ahead = 0;
    for (const o of level.queue) {
      if (o === order) return ahead;
      ahead += o.lots;
    }
    return -1;
  }

  private dropOrder(order: Order): void {
    if (order.pos < 0) return; // own orders are not in the cancel pool
    const last = this.orders.pop()!;
    if (last !== order) {
      this.orders[order.pos] = last;
      last.pos = order.pos;
    }
  }

  private dropLevelIfEmpty(tick: number, level: Level): void {
    if (level.lots > 0) return;
    this.levels.delete(tick);
    this.ticks.splice(this.indexOf(tick), 1);
  }

  /** Cancels the order at index `i` of the flat order list (uniform choice = rate proportional to queue). */
  cancelAt(i: number): void {
    const order = this.orders[i];
    const level = this.levels.get(order.tick)!;
    this.mark(order.tick, level.lots);
    level.queue.splice(level.queue.indexOf(order), 1);
    level.lots -= order.lots;
    this.dropOrder(order);
    this.dropLevelIfEmpty(order.tick, level);
  }

  /** Fills `lots` at the best level, FIFO; pieces that hit own orders go to `own`. Caller guarantees lots ≤ level size. */
  fillBest(lots: number, own: OwnPiece[]): number {
    const tick = this.ticks[0];
    const level = this.levels.get(tick)!;
    this.mark(tick, level.lots);
    level.lots -= lots;
    let left = lots;
    while (left > 0) {
      const head = level.queue[0];
      if (head.own !== undefined) own.push({ order: head, lots: Math.min(head.lots, left) });
      if (head.lots > left) {
        head.lots -= left;
        left = 0;
      } else {
        left -= head.lots;
        head.lots = 0;
        level.queue.shift();
        this.dropOrder(head);
      }
    }
    this.dropLevelIfEmpty(tick, level);
    return tick;
  }

  take(): BookLevel[] {
    const out: BookLevel[] = [];
    for (const [tick, old] of this.changed) {
      const now = this.lotsAt(tick);
      if (now !== old) out.push({ priceTick: tick, qtyLot: now });
    }
    this.changed.clear();
    out.sort(this.isBid ? (a, b) => b.priceTick - a.priceTick : (a, b) => a.priceTick - b.priceTick);
    return out;
  }

  view(depth: number): BookLevel[] {
    const n = Math.min(depth, this.ticks.length);
    const out: BookLevel[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = { priceTick: this.ticks[i], qtyLot: this.levels.get(this.ticks[i])!.lots };
    return out;
  }
}

/** The two sides of one symbol's book, the public trades they print, and own orders in their queues. */
export class SimBook {
  protected readonly bidSide = new SimSide(true);
  protected readonly askSide = new SimSide(false);
  /** Simulated time, ms: own takes and trades are stamped with it; the order-flow model advances it. */
  protected t: number;
  private tradeId: bigint;
  private trades: Trade[] = [];
  /** Trade ids of own takes and injected orders: its own stream, so they never shift the seeded flow's draws. */
  private readonly idRng: Rng;
  private ownFills: OwnFill[] = [];

  /**
   * @param startMs simulated time at construction, ms since the epoch (whole ms)
   * @param startTradeId the trade id before the first trade (each trade adds a random step to it)
   * @param idSeed seed of the trade-id stream of own takes and injected orders
   * @param counters the object the book counts market orders and trades in (shared with the flow model's counters)
   */
  constructor(
    startMs: number,
    startTradeId: bigint,
    idSeed: number,
    readonly counters: BookCounters,
  ) {
    this.idRng = new Rng(idSeed);
    this.t = startMs;
    this.tradeId = startTradeId;
  }

  /** Simulated time, ms (whole ms after each step of whole ms). */
  get nowMs(): number {
    return this.t;
  }

  bestBid(): number | undefined {
    return this.bidSide.best();
  }

  bestAsk(): number | undefined {
    return this.askSide.best();
  }

  /** Best `depth` bids, descending. */
  bids(depth = Infinity): BookLevel[] {
    return this.bidSide.view(depth);
  }

  /** Best `depth` asks, ascending. */
  asks(depth = Infinity): BookLevel[] {
    return this.askSide.view(depth);
  }

  levelCount(): { bids: number; asks: number } {
    return { bids: this.bidSide.ticks.length, asks: this.askSide.ticks.length };
  }

  /** Levels whose size changed since the last call (net: a level added then removed again is not listed). */
  takeChanges(): BookChanges {
    return { bids: this.bidSide.take(), asks: this.askSide.take() };
  }

  /** Trades since the last call, oldest first. */
  takeTrades(): Trade[] {
    const out = this.trades;
    this.trades = [];
    return out;
  }

  // ---- own orders (the private API) ----------------------------------------------------------------------------

  /** Fills of own resting orders since the last call, in the order they happened. */
  takeOwnFills(): OwnFill[] {
    const out = this.ownFills;
    this.ownFills = [];
    return out;
  }

  /** Rests an own order at the back of the queue at `tick` (the caller has made sure it does not cross). */
  placeOwn(side: 'buy' | 'sell', tick: number, lots: number, own: unknown): OwnOrderHandle {
    if (!(Number.isSafeInteger(tick) && tick >= 1 && Number.isSafeInteger(lots) && lots >= 1)) {
      throw new RangeError(`Market.placeOwn: tick and lots must be whole numbers ≥ 1, got ${tick}, ${lots}`);
    }
    const opp = side === 'buy' ? this.askSide : this.bidSide;
    const best = opp.best();
    if (best !== undefined && (side === 'buy' ? tick >= best : tick <= best)) {
      throw new RangeError(`Market.placeOwn: a ${side} at ${tick} would cross the best ${side === 'buy' ? 'ask' : 'bid'} ${best}`);
    }
    return (side === 'buy' ? this.bidSide : this.askSide).addOwn(tick, lots, own);
  }

  /** Removes an own resting order; false when it is no longer in the book. */
  cancelOwn(handle: OwnOrderHandle): boolean {
    const o = handle as Order;
    return (this.bidSide.levels.get(o.tick)?.queue.includes(o) ? this.bidSide : this.askSide).removeOwn(o);
  }

  /**
   * Lowers what is left of an own resting order to `lots` (1 ≤ lots ≤ what is left) without moving it: the order keeps
   * its place in the FIFO queue. False when it is no longer in the book.
   */
  reduceOwn(handle: OwnOrderHandle, lots: number): boolean {
    const o = handle as Order;
    if (!(Number.isSafeInteger(lots) && lots >= 1 && lots <= o.lots)) {
      throw new RangeError(`Market.reduceOwn: lots must be a whole number in [1, ${o.lots}], got ${lots}`);
    }
    return (this.bidSide.levels.get(o.tick)?.queue.includes(o) ? this.bidSide : this.askSide).reduceOwn(o, lots);
  }

  /** Lots queued ahead of an own resting order at its price (-1 when it is not in the book). */
  queueAhead(handle: OwnOrderHandle): number {
    const o = handle as Order;
    const a = this.bidSide.queueAhead(o);
    return a >= 0 ? a : this.askSide.queueAhead(o);
  }

  /**
   * What a taker of `takerSide` could get now, without trading: lots and Σ ticks·lots over the levels at or better
   * than `limitTick` (any price when undefined), up to `maxLots`.
   */
  liquidity(takerSide: 'buy' | 'sell', maxLots: number, limitTick?: number): { lots: number; tickLots: bigint } {
    const book = takerSide === 'buy' ? this.askSide : this.bidSide;
    let lots = 0;
    let tickLots = 0n;
    for (const tick of book.ticks) {
      if (lots >= maxLots) break;
      if (limitTick !== undefined && (takerSide === 'buy' ? tick > limitTick : tick < limitTick)) break;
      const n = Math.min(maxLots - lots, book.lotsAt(tick));
      lots += n;
      tickLots += BigInt(tick) * BigInt(n);
    }
    return { lots, tickLots };
  }

  /**
   * An own marketable order: walks the opposite side from the touch, FIFO within each level, while the price is
   * at or better than `limitTick` (undefined = a market order), up to `maxLots`. Each level prints one public trade
   * (taker side = `takerSide`) and comes back as one TakerFill. Own resting orders it hits (self-trades) are
   * reported through takeOwnFills(). The liquidity leaves the simulated book, so the public feed shows the impact.
   * `capLevel(tick, lots)` may lower a level's fill (a spot market buy running out of quote); 0 stops the walk.
   */
  take(takerSide: 'buy' | 'sell', maxLots: number, limitTick?: number, capLevel?: (tick: number, lots: number) => number): TakerFill[] {
    const book = takerSide === 'buy' ? this.askSide : this.bidSide;
    const fills: TakerFill[] = [];
    let want = maxLots;
    const ts = Math.floor(this.t);
    while (want > 0 && book.ticks.length > 0) {
      const tick = book.ticks[0];
      if (limitTick !== undefined && (takerSide === 'buy' ? tick > limitTick : tick < limitTick)) break;
      let fill = Math.min(want, book.lotsAt(tick));
      if (capLevel) fill = Math.min(fill, capLevel(tick, fill));
      if (fill <= 0) break;
      const tradeId = this.fillLevel(book, fill, takerSide, ts, this.idRng);
      fills.push({ priceTick: tick, qtyLot: fill, tradeId, tsMs: ts });
      want -= fill;
    }
    return fills;
  }

  /**
   * Test hook: a simulated (not own) market order of `lots` now, as the flow would send one — it walks the book
   * FIFO (own resting orders included) until filled or the side runs out. Returns the public trades it printed.
   */
  injectMarketOrder(takerSide: 'buy' | 'sell', lots: number): Trade[] {
    if (!(Number.isSafeInteger(lots) && lots >= 1))
      throw new RangeError(`Market.injectMarketOrder: lots must be a whole number ≥ 1, got ${lots}`);
    const book = takerSide === 'buy' ? this.askSide : this.bidSide;
    const before = this.trades.length;
    const ts = Math.floor(this.t);
    let want = lots;
    this.counters.marketOrders++;
    while (want > 0 && book.ticks.length > 0) {
      const fill = Math.min(want, book.lotsAt(book.ticks[0]));
      this.fillLevel(book, fill, takerSide, ts, this.idRng);
      want -= fill;
    }
    return this.trades.slice(before);
  }

  /** Fills `lots` at the best level of `book`, prints the public trade, records own maker fills; returns the trade id. */
  protected fillLevel(book: SimSide, lots: number, takerSide: 'buy' | 'sell', ts: number, ids: Rng): bigint {
    const pieces: OwnPiece[] = [];
    const tick = book.fillBest(lots, pieces);
    this.tradeId += BigInt(ids.int(1, 997));
    const tradeId = this.tradeId;
    this.trades.push({ tsMs: ts, priceTick: tick, qtyLot: lots, side: takerSide, tradeId });
    this.counters.trades++;
    for (const p of pieces) {
      this.ownFills.push({
        own: p.order.own,
        handle: p.order,
        priceTick: tick,
        qtyLot: p.lots,
        tradeId,
        tsMs: ts,
        takerSide,
        remainingLot: p.order.lots,
      });
    }
    return tradeId;
  }
}
