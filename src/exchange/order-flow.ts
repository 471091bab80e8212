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
// - a weak pull of market-order imbalance toward the start price keeps long runs on a sensible price range;
// - optionally (informedShare > 0) a share of the market orders is informed: a latent value jumps on "news" and
//   informed orders trade toward it, so the price follows the value and a passive maker meets adverse selection.
// The book itself (FIFO queues, own orders, trade printing) is SimBook (sim-book.ts); a Market is that book driven
// by this flow. Limit orders never cross (a bid is placed below the best ask, an ask above the best bid), so the
// book never crosses.
import { Rng } from './rng';
import { SimBook, type BookCounters, type SimSide } from './sim-book';

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
  /**
   * Share of market orders that are informed (0 … 1; default 0, pure noise flow). An informed market order knows the
   * latent value (below) and trades toward it: it buys when the value is above the mid, sells when below (a noise
   * trade when they are within a tick). The rest are uninformed, their side random (with the pull above). A maker
   * filled by informed flow sees the price go on through its fill (adverse selection); one filled by noise earns the
   * spread on average.
   */
  informedShare: number;
  /** Jumps of the latent value per second (only with informedShare > 0): news the informed traders act on. */
  newsPerSec: number;
  /** Size of one jump, ticks (up or down; the value is pulled toward the start price like the mid). */
  newsTicks: number;
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
  informedShare: 0,
  newsPerSec: 0.2,
  newsTicks: 20,
  regimes: DEFAULT_REGIMES,
};

/** The flow model's counters, on the same object as the book's (market orders and trades). */
export interface MarketCounters extends BookCounters {
  events: number;
  limits: number;
  /** Market orders of the informed flow (a part of marketOrders), and jumps of the latent value. */
  informedOrders: number;
  news: number;
  cancels: number;
  regimeSwitches: number;
}

function zeroCounters(): MarketCounters {
  return { events: 0, limits: 0, cancels: 0, marketOrders: 0, trades: 0, regimeSwitches: 0, informedOrders: 0, news: 0 };
}

/** One symbol's market: its SimBook, moved by the seeded order flow on the model's own simulated clock. */
export class Market extends SimBook {
  declare readonly counters: MarketCounters;
  readonly params: Readonly<FlowParams>;
  private readonly rng: Rng;
  private nextAt: number;
  private regimeIndex = 0;
  /** Limit arrivals per second per side, normal regime (derived: resting orders / lifetime). */
  private readonly limitRate: number;
  /** Share of arrivals drawn from the near-touch law. */
  private readonly nearShare: number;
  /** The latent value the informed flow trades toward, ticks (moves only by news jumps). */
  private value: number;

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
    super(startMs, inst.startTradeId, (seed ^ 0x5bd1e995) >>> 0, zeroCounters());
    const p: FlowParams = { ...DEFAULT_FLOW, ...inst.flow, ...flow };
    if (!p.maxOrderLots) p.maxOrderLots = p.orderLots * 500;
    if (!p.marketLots) p.marketLots = p.orderLots;
    this.params = p;
    const far = p.farOrdersPerTick * (p.depthTicks + 1);
    this.limitRate = (far + p.nearOrders) / p.orderLifetimeSec;
    this.nearShare = p.nearOrders / (far + p.nearOrders);
    if (!(p.informedShare >= 0 && p.informedShare <= 1))
      throw new RangeError(`flow informedShare must be in [0, 1], got ${p.informedShare}`);
    if (!(p.newsPerSec >= 0)) throw new RangeError(`flow newsPerSec must be ≥ 0, got ${p.newsPerSec}`);
    if (!(Number.isSafeInteger(p.newsTicks) && p.newsTicks >= 1))
      throw new RangeError(`flow newsTicks must be a whole number ≥ 1, got ${p.newsTicks}`);
    this.value = inst.startPriceTick;
    this.rng = new Rng(seed);
    this.seed();
    this.nextAt = this.t + this.wait();
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

  // ---- the event loop ------------------------------------------------------------------------------------------

  private rates(): number[] {
    const p = this.params;
    const r = p.regimes[this.regimeIndex];
    const lim = this.limitRate * r.flowMult;
    const cancel = r.flowMult / p.orderLifetimeSec;
    const pull = this.pull();
    const noise = p.marketRate * r.marketMult * (1 - p.informedShare);
    // Zero-rate kinds sit before the regime switch, which must stay last: with informedShare 0 the draws (and so
    // the books of every seed) are exactly those of the model without an informed flow.
    return [
      lim, // 0 limit bid
      lim, // 1 limit ask
      cancel * this.bidSide.orders.length, // 2 cancel bid
      cancel * this.askSide.orders.length, // 3 cancel ask
      noise * (1 - pull), // 4 market buy (uninformed)
      noise * (1 + pull), // 5 market sell (uninformed)
      2 * p.marketRate * r.marketMult * p.informedShare, // 6 informed market order
      p.informedShare > 0 ? p.newsPerSec : 0, // 7 news: the latent value jumps
      1 / r.meanSec, // 8 regime switch
    ];
  }

  /** The latent value the informed flow trades toward, ticks. */
  get latentValueTick(): number {
    return this.value;
  }

  /** Mid of the touch in ticks (a half tick when the spread is odd), or undefined when a side is empty. */
  private mid(): number | undefined {
    const b = this.bidSide.best();
    const a = this.askSide.best();
    return b === undefined || a === undefined ? undefined : (a + b) / 2;
  }

  /** In [-0.8, 0.8]: positive when `at` (default the mid) is above the start price (more selling, less buying). */
  private pull(at = this.mid()): number {
    if (at === undefined) return 0;
    const start = this.inst.startPriceTick;
    const x = (this.params.reversion * (at - start)) / (0.02 * start);
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
      case 6:
        return this.informedOrder();
      case 7:
        return this.news();
      default:
        return this.switchRegime();
    }
  }

  /** A market order toward the latent value: buys below it, sells above it, a noise trade within a tick of it. */
  private informedOrder(): void {
    this.counters.informedOrders++;
    const mid = this.mid() ?? this.value;
    const edge = this.value - mid;
    const buy = edge >= 1 ? true : edge <= -1 ? false : this.rng.chance(0.5);
    if (buy) this.marketOrder('buy', this.askSide);
    else this.marketOrder('sell', this.bidSide);
  }

  /** The latent value jumps by newsTicks, up or down (more often back toward the start price). */
  private news(): void {
    this.counters.news++;
    const up = this.rng.chance(0.5 - this.pull(this.value) / 2);
    this.value += up ? this.params.newsTicks : -this.params.newsTicks;
    if (this.value < 1) this.value = 1;
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

  private limit(own: SimSide, opp: SimSide): void {
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

  private cancel(side: SimSide): void {
    if (side.orders.length === 0) return;
    side.cancelAt(Math.floor(this.rng.next() * side.orders.length));
    this.counters.cancels++;
  }

  private marketOrder(takerSide: 'buy' | 'sell', book: SimSide): void {
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
