// One symbol's public channels: turns the market model's changes and trades into Bitget frames once per push
// interval and hands them to the subscribed sessions. It owns the exchange-side `seq`/`pseq` chain, which advances
// on every books push whether or not a given connection receives it (faults act later, per connection).
// WHEN TO USE: one per listed instrument, driven by the Venue right after the model is stepped, so "the book as of
// the last push" is always the model's current book.
import type { Instrument } from './instruments';
import type { Market } from './order-flow';
import type { BookLevel, Trade } from './sim-book';
import { formatPrice, formatSize, type WireLevel } from './format';
import { bookChecksum } from './checksum';
import { Rng } from './rng';
import { argJson, fixedBooksData, futuresBooksData, levelsJson, pushFrame, spotBooksData, tradeJson, type WsArg } from './frames';
import { FundingModel, midText, rateText } from './funding';

export type Channel = 'books' | 'books1' | 'books5' | 'books15' | 'trade' | 'ticker';
export const CHANNELS: readonly Channel[] = ['books', 'books1', 'books5', 'books15', 'trade', 'ticker'];
/** A `ticker` push at most this often (ms of exchange time): Bitget's is a few a second at most (docs/bitget.md §1.9). */
export const TICKER_EVERY_MS = 1000;
const FIXED_DEPTH: Readonly<Record<string, number>> = { books1: 1, books5: 5, books15: 15 };

/** Levels per side in a `books` snapshot: futures v2 sends 500 (NEMA-WS); spot 200 (GCT capture, a guess). */
export const SNAPSHOT_DEPTH: Readonly<Record<string, number>> = { 'USDT-FUTURES': 500, SPOT: 200 };
/** Trades in a `trade` snapshot (a guess: Bitget's count is not documented). */
export const TRADE_SNAPSHOT_SIZE = 50;

/** One outgoing frame of a channel, shared by all subscribers (faults copy and alter it per connection). */
export interface Push {
  readonly arg: WsArg;
  readonly channel: Channel;
  readonly action: 'snapshot' | 'update';
  readonly text: string;
  /** Spot `books` updates: the checksum written in `text` (so a fault can replace it). */
  readonly checksum?: number;
  /** `books` pushes: this push's seq. */
  readonly seq?: bigint;
}

export interface Subscriber {
  deliver(push: Push): void;
}

export interface PublisherCounters {
  bookPushes: number;
  tradePushes: number;
  fixedPushes: number;
  tickerPushes: number;
}

/** What GET /debug/book returns: the true book at the last push, as wire strings. */
export interface DebugBook {
  instType: string;
  symbol: string;
  /** Decimal string (may exceed 2^53). */
  seq: string;
  ts: string;
  levels: { bids: WireLevel[]; asks: WireLevel[] };
  checksum: number;
}

export interface PublisherOptions {
  /** Seed of the seq-jump stream. */
  seed: number;
  /** Exchange wall time for the outer `ts`, ms (already includes any clock skew). */
  exchNow: () => number;
  /** Added to model times for data `ts`. */
  skewMs: number;
  /** Between funding settlements, ms; default 8 h (Bitget's). */
  fundingIntervalMs?: number;
}

export class Publisher {
  readonly counters: PublisherCounters = { bookPushes: 0, tradePushes: 0, fixedPushes: 0, tickerPushes: 0 };
  /** The funding rate model: the ticker quotes it, the trading plugin charges positions at its settlements. */
  readonly funding: FundingModel;
  private lastTickerMs = -Infinity;
  private readonly subs = new Map<Channel, Set<Subscriber>>();
  private readonly args = new Map<Channel, { arg: WsArg; text: string }>();
  private readonly rng: Rng;
  private readonly futures: boolean;
  private seqValue: bigint;
  private recent: Trade[] = [];
  /** books1/5/15: the levels JSON last pushed, to push only on change. */
  private readonly lastFixed = new Map<Channel, string>();

  constructor(
    readonly inst: Instrument,
    readonly model: Market,
    private readonly opts: PublisherOptions,
  ) {
    this.rng = new Rng(opts.seed);
    this.futures = inst.instType !== 'SPOT';
    this.seqValue = inst.startSeq;
    this.funding = new FundingModel(inst.startPriceTick, opts.fundingIntervalMs);
    for (const channel of CHANNELS) {
      const arg = { instType: inst.instType, channel, instId: inst.symbol };
      this.args.set(channel, { arg, text: argJson(arg) });
      this.subs.set(channel, new Set());
    }
  }

  /** The seq of the last books push (the start seq before the first one). */
  get seq(): bigint {
    return this.seqValue;
  }

  subscriberCount(channel: Channel): number {
    return this.subs.get(channel)!.size;
  }

  /** Adds (or re-adds) a subscriber and returns the snapshot it must be sent first. */
  subscribe(channel: Channel, sub: Subscriber): Push {
    this.subs.get(channel)!.add(sub);
    return this.snapshot(channel);
  }

  unsubscribe(channel: Channel, sub: Subscriber): void {
    this.subs.get(channel)!.delete(sub);
    if (channel !== 'books' && channel !== 'trade' && channel !== 'ticker' && this.subs.get(channel)!.size === 0)
      this.lastFixed.delete(channel);
  }

  /** Takes the model's changes and trades since the last call and pushes them. Call right after stepping the model. */
  publish(): void {
    const changes = this.model.takeChanges();
    if (changes.bids.length + changes.asks.length > 0) this.publishBooks(changes.bids, changes.asks);
    const trades = this.model.takeTrades();
    if (trades.length > 0) this.publishTrades(trades);
    for (const channel of ['books1', 'books5', 'books15'] as const) {
      if (this.subs.get(channel)!.size > 0) this.publishFixed(channel);
    }
    if (this.subs.get('ticker')!.size > 0 && this.dataTs() - this.lastTickerMs >= TICKER_EVERY_MS) {
      const { arg, text: argText } = this.args.get('ticker')!;
      this.counters.tickerPushes++;
      this.deliver('ticker', {
        arg,
        channel: 'ticker',
        action: 'snapshot',
        text: pushFrame('snapshot', argText, this.tickerData(), this.opts.exchNow()),
      });
    }
  }

  /**
   * data[0] of a `ticker` push: last price, best bid and ask with sizes, and on futures the mark and index (the mid),
   * the funding rate for the next settlement and its time (ms, a string), as Bitget names them.
   */
  private tickerData(): string {
    const ts = this.dataTs();
    this.lastTickerMs = ts;
    const bid = this.model.bids(1)[0];
    const ask = this.model.asks(1)[0];
    const last = this.recent.length ? this.recent[this.recent.length - 1].priceTick : null;
    const px = (t: number | undefined) => (t === undefined ? '' : formatPrice(this.inst, t));
    const sz = (q: number | undefined) => (q === undefined ? '' : formatSize(this.inst, q));
    const mid = bid && ask ? midText(this.inst, bid.priceTick, ask.priceTick) : '';
    const fields = [
      `"instId":"${this.inst.symbol}"`,
      `"lastPr":"${last !== null ? px(last) : mid}"`,
      `"bidPr":"${px(bid?.priceTick)}"`,
      `"askPr":"${px(ask?.priceTick)}"`,
      `"bidSz":"${sz(bid?.qtyLot)}"`,
      `"askSz":"${sz(ask?.qtyLot)}"`,
    ];
    if (this.futures) {
      const midTick = bid && ask ? (bid.priceTick + ask.priceTick) / 2 : null;
      fields.push(
        `"fundingRate":"${rateText(this.funding.rateAt(ts, midTick))}"`,
        `"nextFundingTime":"${this.funding.nextMs(ts)}"`,
        `"markPrice":"${mid}"`,
        `"indexPrice":"${mid}"`,
      );
    }
    fields.push(`"ts":"${Math.floor(ts)}"`);
    return `{${fields.join(',')}}`;
  }

  /** The true book now (the last push plus own orders placed or taken since), top `depth` levels, with the top-25 checksum. */
  debugBook(depth: number): DebugBook {
    const bids = this.wire(this.model.bids(depth));
    const asks = this.wire(this.model.asks(depth));
    const checksum = bookChecksum(depth >= 25 ? bids : this.wire(this.model.bids(25)), depth >= 25 ? asks : this.wire(this.model.asks(25)));
    return {
      instType: this.inst.instType,
      symbol: this.inst.symbol,
      seq: this.seqValue.toString(),
      ts: String(this.dataTs()),
      levels: { bids, asks },
      checksum,
    };
  }

  // ---- frames --------------------------------------------------------------------------------------------------

  private wire(levels: readonly BookLevel[]): WireLevel[] {
    return levels.map((l) => [formatPrice(this.inst, l.priceTick), formatSize(this.inst, l.qtyLot)]);
  }

  /** The exchange clock of the data (simulated time plus the skew), ms: what `ts` and funding times are on. */
  dataTs(): number {
    return this.model.nowMs + this.opts.skewMs;
  }

  private deliver(channel: Channel, push: Push): void {
    for (const sub of this.subs.get(channel)!) sub.deliver(push);
  }

  private snapshot(channel: Channel): Push {
    const { arg, text: argText } = this.args.get(channel)!;
    const now = this.opts.exchNow();
    if (channel === 'books') {
      const depth = SNAPSHOT_DEPTH[this.inst.instType] ?? 200;
      const asks = levelsJson(this.wire(this.model.asks(depth)));
      const bids = levelsJson(this.wire(this.model.bids(depth)));
      const data = this.futures
        ? futuresBooksData(asks, bids, this.dataTs(), this.seqValue, 0n)
        : spotBooksData(asks, bids, this.dataTs(), 0, this.seqValue);
      return { arg, channel, action: 'snapshot', text: pushFrame('snapshot', argText, data, now), seq: this.seqValue };
    }
    if (channel === 'trade') {
      const data = this.recent
        .map((t) => this.tradeData(t))
        .reverse()
        .join(',');
      return { arg, channel, action: 'snapshot', text: pushFrame('snapshot', argText, data, now) };
    }
    if (channel === 'ticker') return { arg, channel, action: 'snapshot', text: pushFrame('snapshot', argText, this.tickerData(), now) };
    const { levels, data } = this.fixedData(channel);
    this.lastFixed.set(channel, levels);
    return { arg, channel, action: 'snapshot', text: pushFrame('snapshot', argText, data, now) };
  }

  private publishBooks(bidChanges: BookLevel[], askChanges: BookLevel[]): void {
    const pseq = this.seqValue;
    this.seqValue += BigInt(this.rng.int(1, 250)); // strictly increasing, never a fixed +1
    this.counters.bookPushes++;
    if (this.subs.get('books')!.size === 0) return;
    const { arg, text: argText } = this.args.get('books')!;
    const asks = levelsJson(this.wire(askChanges));
    const bids = levelsJson(this.wire(bidChanges));
    let data: string;
    let checksum: number | undefined;
    if (this.futures) {
      data = futuresBooksData(asks, bids, this.dataTs(), this.seqValue, pseq);
    } else {
      checksum = bookChecksum(this.wire(this.model.bids(25)), this.wire(this.model.asks(25)));
      data = spotBooksData(asks, bids, this.dataTs(), checksum, this.seqValue);
    }
    const text = pushFrame('update', argText, data, this.opts.exchNow());
    this.deliver('books', { arg, channel: 'books', action: 'update', text, checksum, seq: this.seqValue });
  }

  private tradeData(t: Trade): string {
    return tradeJson(t.tsMs + this.opts.skewMs, formatPrice(this.inst, t.priceTick), formatSize(this.inst, t.qtyLot), t.side, t.tradeId);
  }

  private publishTrades(trades: Trade[]): void {
    // one at a time: a tick that fell far behind (a busy host) brings more trades than a spread's arguments may hold
    for (let i = Math.max(0, trades.length - TRADE_SNAPSHOT_SIZE); i < trades.length; i++) this.recent.push(trades[i]);
    if (this.recent.length > TRADE_SNAPSHOT_SIZE) this.recent = this.recent.slice(-TRADE_SNAPSHOT_SIZE);
    this.counters.tradePushes++;
    if (this.subs.get('trade')!.size === 0) return;
    const { arg, text: argText } = this.args.get('trade')!;
    const data = trades
      .map((t) => this.tradeData(t))
      .reverse()
      .join(','); // newest first
    this.deliver('trade', { arg, channel: 'trade', action: 'update', text: pushFrame('update', argText, data, this.opts.exchNow()) });
  }

  private fixedData(channel: Channel): { levels: string; data: string } {
    const n = FIXED_DEPTH[channel];
    const asks = levelsJson(this.wire(this.model.asks(n)));
    const bids = levelsJson(this.wire(this.model.bids(n)));
    return { levels: asks + bids, data: fixedBooksData(this.futures, asks, bids, this.dataTs(), this.seqValue) };
  }

  /** books1/5/15: a fresh snapshot of the top N whenever the top N changed since the last one. */
  private publishFixed(channel: Channel): void {
    const { levels, data } = this.fixedData(channel);
    if (this.lastFixed.get(channel) === levels) return;
    this.lastFixed.set(channel, levels);
    this.counters.fixedPushes++;
    const { arg, text: argText } = this.args.get(channel)!;
    this.deliver(channel, { arg, channel, action: 'snapshot', text: pushFrame('snapshot', argText, data, this.opts.exchNow()) });
  }
}
