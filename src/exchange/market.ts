// A seeded stochastic order-flow model of one symbol's L2 book, on integer ticks and lots.
//
// WHEN TO USE: as the market behind the local exchange, or alone (tests, benches) when you need a realistic,
// reproducible stream of book changes and trades. It has no I/O and no clock: `step(dtMs)` advances its own
// simulated time. It is exact event-driven simulation (Gillespie): every event draws the wait to the next one
// from the current total rate, so the event sequence depends only on the seed and the total simulated time,
// never on how that time was cut into steps (step(100) ×10 ≡ step(1000)).
//
// Model ("zero-intelligence" order flow after Smith, Farmer, Gillemot & Krishnamurthy 2003), per side:
// - limit orders arrive as a Poisson process; with probability `insideProb` (when the spread is wider than one
//   tick) they improve the touch, otherwise they rest at a distance d ≥ 0 from their own touch, drawn from a
//   mixture of a heavy-tailed (Lomax) law near the touch and a uniform law out to `depthTicks`;
// - every resting order is cancelled at rate 1/orderLifetimeSec, so the cancel rate of a level is proportional to
//   its queue (in orders); a cancel removes one whole order;
// - market orders arrive as a Poisson process, size heavy-tailed (Pareto), and walk the opposite side from the
//   touch, filling queues FIFO, one trade per level (taker side, increasing trade ids), at most `maxWalkLevels`
//   levels and never emptying a side;
// - a Markov chain of regimes (normal / quiet / burst) scales all intensities: bursts and quiet spells;
// - a weak pull of market-order imbalance toward the start price keeps long runs on a sensible price range.
// Own orders (the private API, src/exchange/private): they rest in the same FIFO queues as simulated orders (exact
// price-time priority; never picked by the random cancels), take liquidity level by level with `take`, and their
// maker fills are collected for `takeOwnFills`. Own activity draws trade ids from a separate stream, so the flow's
// random draws are unchanged by it (the book it acts on changes, of course).
// Prices and sizes are JS safe integers (ticks, lots) and only ever added, subtracted and compared: exact.
// Limit orders never cross (a bid is placed below the best ask, an ask above the best bid), so the book never crosses.
import { Rng } from './rng';

export interface RegimeSpec {
  readonly name: string;
  /** Multiplies limit-order arrivals and cancels (so depth is the same in every regime, only churn changes). */
  readonly flowMult: number;
  /** Multiplies market-order arrivals. */
  readonly marketMult: number;
  /** Mean time spent in the regime, seconds (exponential). */
  readonly meanSec: number;
  /** Weights of the regimes entered on leaving this one (by name). */
  readonly next: Readonly<Record<string, number>>;
}

export interface FlowParams {
  /** Farthest resting distance from the own touch, ticks (uniform part of the distance law). */
  depthTicks: number;
  /** Expected resting orders per tick from the uniform part (book density far from the touch). */
  farOrdersPerTick: number;
  /** Expected resting orders from the near-touch heavy-tailed part, summed over all distances. */
  nearOrders: number;
  /** Lomax scale (ticks) and tail exponent of the near-touch distance law. */
  nearScaleTicks: number;
  nearAlpha: number;
  /** Mean life of a resting order, seconds (the per-order cancel rate is its inverse). */
  orderLifetimeSec: number;
  /** Probability that a limit order improves the touch when the spread is more than one tick. */
  insideProb: number;
  /** Limit order size: lots = orderLots · Pareto(sizeAlpha), at most maxOrderLots. */
  orderLots: number;
  sizeAlpha: number;
  maxOrderLots: number;
  /** Market orders per second per side (normal regime); size marketLots · Pareto(marketAlpha). */
  marketRate: number;
  marketLots: number;
  marketAlpha: number;
  /** A market order fills at most this many price levels. */
  maxWalkLevels: number;
  /** Pull toward the start price: market buy/sell rates are scaled by 1 ∓ reversion·(mid/start − 1)/2%. */
  reversion: number;
  regimes: readonly RegimeSpec[];
}

/** What the model needs of an instrument (an Instrument is one): where it starts, and its own flow overrides. */
export interface FlowInstrument {
  /** Starting price, in ticks (the model mean-reverts loosely around it). */
  readonly startPriceTick: number;
  /** First trade id. */
  readonly startTradeId: bigint;
  readonly flow: Partial<FlowParams>;
}

export const DEFAULT_REGIMES: readonly RegimeSpec[] = [
  { name: 'normal', flowMult: 1, marketMult: 1, meanSec: 20, next: { quiet: 0.6, burst: 0.4 } },
  { name: 'quiet', flowMult: 0.25, marketMult: 0.2, meanSec: 8, next: { normal: 0.85, burst: 0.15 } },
  { name: 'burst', flowMult: 3, marketMult: 6, meanSec: 3, next: { normal: 0.7, quiet: 0.3 } },
];

export const DEFAULT_FLOW: Readonly<FlowParams> = {
  depthTicks: 400,
  farOrdersPerTick: 1.5,
  nearOrders: 60,
  nearScaleTicks: 20,
  nearAlpha: 1,
  orderLifetimeSec: 20,
  insideProb: 0.3,
  orderLots: 100,
  sizeAlpha: 1.3,
  maxOrderLots: 0,
  marketRate: 2,
  marketLots: 0,
  marketAlpha: 1.2,
  maxWalkLevels: 8,
  reversion: 1,
  regimes: DEFAULT_REGIMES,
};

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

export interface MarketCounters {
  events: number;
  limits: number;
  cancels: number;
  marketOrders: number;
  trades: number;
  regimeSwitches: number;
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
class Side {
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

export class Market {
  readonly params: Readonly<FlowParams>;
  readonly counters: MarketCounters = { events: 0, limits: 0, cancels: 0, marketOrders: 0, trades: 0, regimeSwitches: 0 };
  private readonly rng: Rng;
  private readonly bidSide = new Side(true);
  private readonly askSide = new Side(false);
  private t: number;
  private nextAt: number;
  private regimeIndex = 0;
  private tradeId: bigint;
  private trades: Trade[] = [];
  /** Trade ids of own takes and injected orders: its own stream, so they never shift the seeded flow's draws. */
  private readonly idRng: Rng;
  private ownFills: OwnFill[] = [];
  /** Limit arrivals per second per side, normal regime (derived: resting orders / lifetime). */
  private readonly limitRate: number;
  /** Share of arrivals drawn from the near-touch law. */
  private readonly nearShare: number;

  /**
   * @param inst the instrument (grid, start price, start trade id, flow overrides)
   * @param seed model seed; the same seed and the same total simulated time give the same book and trades
   * @param startMs simulated time at construction, ms since the epoch (whole ms)
   * @param flow overrides on top of DEFAULT_FLOW and the instrument's own `flow`
   */
  constructor(
    readonly inst: FlowInstrument,
    seed: number,
    startMs: number,
    flow: Partial<FlowParams> = {},
  ) {
    const p: FlowParams = { ...DEFAULT_FLOW, ...inst.flow, ...flow };
    if (!p.maxOrderLots) p.maxOrderLots = p.orderLots * 500;
    if (!p.marketLots) p.marketLots = p.orderLots;
    this.params = p;
    const far = p.farOrdersPerTick * (p.depthTicks + 1);
    this.limitRate = (far + p.nearOrders) / p.orderLifetimeSec;
    this.nearShare = p.nearOrders / (far + p.nearOrders);
    this.rng = new Rng(seed);
    this.idRng = new Rng((seed ^ 0x5bd1e995) >>> 0);
    this.t = startMs;
    this.tradeId = inst.startTradeId;
    this.seed();
    this.nextAt = this.t + this.wait();
  }

  /** Simulated time, ms (whole ms after each step of whole ms). */
  get nowMs(): number {
    return this.t;
  }

  get regime(): string {
    return this.params.regimes[this.regimeIndex].name;
  }

  /** Advances simulated time by dtMs, running every event due in (now, now + dtMs]. */
  step(dtMs: number): void {
    if (!(dtMs >= 0)) throw new RangeError(`Market.step: dtMs must be ≥ 0, got ${dtMs}`);
    const end = this.t + dtMs;
    while (this.nextAt <= end) {
      this.t = this.nextAt;
      this.fire();
      this.nextAt = this.t + this.wait();
    }
    this.t = end;
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
  private fillLevel(book: Side, lots: number, takerSide: 'buy' | 'sell', ts: number, ids: Rng): bigint {
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

  // ---- the event loop ------------------------------------------------------------------------------------------

  private rates(): number[] {
    const p = this.params;
    const r = p.regimes[this.regimeIndex];
    const lim = this.limitRate * r.flowMult;
    const cancel = r.flowMult / p.orderLifetimeSec;
    const pull = this.pull();
    return [
      lim, // 0 limit bid
      lim, // 1 limit ask
      cancel * this.bidSide.orders.length, // 2 cancel bid
      cancel * this.askSide.orders.length, // 3 cancel ask
      p.marketRate * r.marketMult * (1 - pull), // 4 market buy
      p.marketRate * r.marketMult * (1 + pull), // 5 market sell
      1 / r.meanSec, // 6 regime switch
    ];
  }

  /** In [-0.8, 0.8]: positive when the mid is above the start price (more selling, less buying). */
  private pull(): number {
    const b = this.bidSide.best();
    const a = this.askSide.best();
    if (b === undefined || a === undefined) return 0;
    const start = this.inst.startPriceTick;
    const x = (this.params.reversion * ((a + b) / 2 - start)) / (0.02 * start);
    return Math.max(-0.8, Math.min(0.8, x));
  }

  /** Waiting time to the next event, ms. */
  private wait(): number {
    let total = 0;
    for (const r of this.rates()) total += r;
    return this.rng.exp(total) * 1000;
  }

  private fire(): void {
    const rates = this.rates();
    let total = 0;
    for (const r of rates) total += r;
    let u = this.rng.next() * total;
    let k = 0;
    while (k < rates.length - 1 && u >= rates[k]) u -= rates[k++];
    this.counters.events++;
    switch (k) {
      case 0:
        return this.limit(this.bidSide, this.askSide);
      case 1:
        return this.limit(this.askSide, this.bidSide);
      case 2:
        return this.cancel(this.bidSide);
      case 3:
        return this.cancel(this.askSide);
      case 4:
        return this.marketOrder('buy', this.askSide);
      case 5:
        return this.marketOrder('sell', this.bidSide);
      default:
        return this.switchRegime();
    }
  }

  /** Distance from the own touch, ticks: near-touch Lomax with probability nearShare, else uniform. */
  private distance(): number {
    const p = this.params;
    if (this.rng.chance(this.nearShare)) {
      const d = Math.floor(p.nearScaleTicks * (this.rng.pareto(p.nearAlpha) - 1));
      if (d <= p.depthTicks) return d;
    }
    return this.rng.int(0, p.depthTicks);
  }

  private orderLots(): number {
    const p = this.params;
    return Math.max(1, Math.min(p.maxOrderLots, Math.floor(p.orderLots * this.rng.pareto(p.sizeAlpha))));
  }

  private limit(own: Side, opp: Side): void {
    const sign = own.isBid ? 1 : -1; // direction of "better" for this side
    const ob = own.best();
    const pb = opp.best();
    let tick: number;
    const spread = ob !== undefined && pb !== undefined ? (pb - ob) * sign : 0;
    if (spread > 1 && this.rng.chance(this.params.insideProb)) {
      tick = ob! + sign * this.rng.int(1, spread - 1);
    } else {
      const ref = ob ?? (pb !== undefined ? pb - sign : this.inst.startPriceTick);
      tick = ref - sign * this.distance();
    }
    if (pb !== undefined && (tick - pb) * sign >= 0) tick = pb - sign; // never cross or lock
    if (tick < 1) return;
    own.add(tick, this.orderLots());
    this.counters.limits++;
  }

  private cancel(side: Side): void {
    if (side.orders.length === 0) return;
    side.cancelAt(Math.floor(this.rng.next() * side.orders.length));
    this.counters.cancels++;
  }

  private marketOrder(takerSide: 'buy' | 'sell', book: Side): void {
    const p = this.params;
    let want = Math.max(1, Math.floor(p.marketLots * this.rng.pareto(p.marketAlpha)));
    this.counters.marketOrders++;
    let levels = 0;
    const ts = Math.floor(this.t);
    while (want > 0 && levels < p.maxWalkLevels && book.ticks.length > 0) {
      const lots = book.lotsAt(book.ticks[0]);
      let fill = Math.min(want, lots);
      if (book.ticks.length === 1 && fill >= lots) fill = lots - 1; // never empty a side
      if (fill <= 0) break;
      this.fillLevel(book, fill, takerSide, ts, this.rng);
      want -= fill;
      levels++;
    }
  }

  private switchRegime(): void {
    const regimes = this.params.regimes;
    const next = regimes[this.regimeIndex].next;
    let total = 0;
    for (const r of regimes) total += next[r.name] ?? 0;
    let u = this.rng.next() * total;
    for (let i = 0; i < regimes.length; i++) {
      const w = next[regimes[i].name] ?? 0;
      if (w > 0 && u < w) {
        this.regimeIndex = i;
        this.counters.regimeSwitches++;
        return;
      }
      u -= w;
    }
  }

  /** Starting book: each tick's order count drawn from its stationary mean (arrival share / cancel rate). */
  private seed(): void {
    const p = this.params;
    const far = p.farOrdersPerTick;
    const near = p.nearOrders;
    const s = p.nearScaleTicks;
    const a = p.nearAlpha;
    for (let d = 0; d <= p.depthTicks; d++) {
      const pmf = Math.pow(1 + d / s, -a) - Math.pow(1 + (d + 1) / s, -a);
      for (const [side, tick] of [
        [this.bidSide, this.inst.startPriceTick - d],
        [this.askSide, this.inst.startPriceTick + 1 + d],
      ] as const) {
        if (tick < 1) continue;
        const n = this.rng.poisson(far + near * pmf);
        for (let i = 0; i < n; i++) side.add(tick, this.orderLots());
      }
    }
    this.bidSide.changed.clear();
    this.askSide.changed.clear();
  }
}
