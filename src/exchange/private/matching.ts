// The matching engine of the local exchange: own orders and their fills against the simulated books, for one
// account (account.ts: balances, positions, margin and PnL, which this engine checks orders against and books fills
// into). It has no I/O: the REST routes call place/cancel/…, the venue's step hook calls settleMarket(), and every
// state change is announced as rendered private-channel events to the listeners (the private WS sessions).
//
// Matching (see docs/exchange.md, "Trading"):
// - an own limit order that rests joins the BACK of the FIFO queue at its price in the simulated book, so the queue
//   ahead of it is the level's size when it arrived; it fills only after the simulated market orders have traded
//   through everything ahead of it. Cancels are exact, not modelled: the simulated book keeps real orders, so a
//   cancel of an order ahead of ours moves us up and a cancel behind us does not;
// - a marketable order takes liquidity level by level (one fill and one public trade per level) and removes it
//   from the simulated book, so the public feed shows the impact; IOC/market remainders are cancelled, FOK fills
//   completely or not at all, post_only that would take is rejected;
// - fees: the instrument's maker/taker rates on each fill's notional; everything is integer ticks/lots and exact
//   money (money.ts), decimal strings only on the wire.
import type { Instrument, InstType } from '../instruments';
import type { OwnOrderHandle, Trade } from '../sim-book';
import type { Publisher } from '../publisher';
import type { Venue } from '../venue';
import { Account, ORDER_ID_BASE, type AccountOptions, type FundingCharge, type HeldPosition, type Side } from './account';
import { Err } from './errors';
import { ceilDiv } from './money';

export type Force = 'gtc' | 'ioc' | 'fok' | 'post_only';
export type OrderStatus = 'live' | 'partially_filled' | 'filled' | 'canceled';

export interface OwnOrder {
  readonly orderId: string;
  /** Replaced by the newClientOid of an amendment that keeps the order (amendKeepsQueue). */
  clientOid: string;
  readonly pub: Publisher;
  readonly inst: Instrument;
  readonly side: Side;
  readonly orderType: 'limit' | 'market';
  readonly force: Force;
  /** Limit price in ticks; 0 for a market order. */
  readonly priceTick: number;
  /** Size in lots; 0 for a spot market buy, which is sized in quote (`quoteBudget`). Lowered by a kept amendment. */
  sizeLots: number;
  readonly quoteBudget?: bigint;
  readonly reduceOnly: boolean;
  readonly marginMode: string;
  /** Leverage of the symbol when the order was placed (futures). */
  readonly leverage: number;
  readonly cTime: number;
  /** Placement sequence (time priority among own orders). */
  readonly seq: number;
  filledLots: number;
  /** Σ fill notionals (money). */
  cumNotional: bigint;
  /** Σ fees paid (money, positive; in feeCoin). */
  fee: bigint;
  feeCoin: string;
  /** Σ realised PnL of its fills (futures, money). */
  profit: bigint;
  status: OrderStatus;
  uTime: number;
  /** Set while the order rests in the simulated book. */
  handle?: OwnOrderHandle;
  cancelReason?: string;
  /** Spot: the funds it froze have been given back (it is done). */
  released?: boolean;
  /** Finished and queued for forgetting (see KEEP_FINISHED_ORDERS). */
  retired?: boolean;
}

export interface FillRecord {
  readonly order: OwnOrder;
  readonly tradeId: string;
  readonly priceTick: number;
  readonly lots: number;
  readonly notional: bigint;
  /** Fee paid (money, positive) in feeCoin. */
  readonly fee: bigint;
  readonly feeCoin: string;
  /** Realised PnL of this fill (futures). */
  readonly profit: bigint;
  readonly maker: boolean;
  readonly ts: number;
}

/** What a place-order request asks for, already parsed onto the grid (routes.ts does the wire checks). */
export interface PlaceRequest {
  readonly instType: InstType;
  readonly symbol: string;
  readonly side: Side;
  readonly orderType: 'limit' | 'market';
  readonly force: Force;
  readonly priceTick?: number;
  readonly sizeLots: number;
  /** Spot market buys: the quote amount to spend (money). */
  readonly quoteBudget?: bigint;
  readonly reduceOnly: boolean;
  readonly clientOid?: string;
  readonly marginMode: string;
}

/** One private-channel push: `data` is the rendered JSON of the data array's elements. */
export interface PrivateEvent {
  readonly instType: InstType;
  readonly channel: 'orders' | 'fill' | 'positions' | 'account';
  /** The symbol an orders/fill event is about (subscriptions to a single instId filter on it). */
  readonly symbol?: string;
  readonly data: () => string;
}

/** What a modify-order request asks for, parsed onto the grid: the new clientOid and the new price and/or size. */
export interface AmendRequest {
  readonly newClientOid: string;
  readonly priceTick?: number;
  readonly sizeLots?: number;
}

export interface EngineOptions extends AccountOptions {
  venue: Venue;
  /**
   * false (Bitget v2 as documented): an amendment of price or size cancels the order and places a new one, which
   * joins the back of the queue. true: a size decrease at the same price keeps the order and its queue place.
   */
  amendKeepsQueue?: boolean;
  /** Minimum order notionals (money): futures 5 USDT, spot 1 USDT (Bitget's minTradeUSDT). */
  minNotionalFutures: bigint;
  minNotionalSpot: bigint;
}

/** Renderers, injected so the engine stays free of wire formats (render.ts). */
export interface EngineRender {
  orderPush(e: TradingEngine, o: OwnOrder, fill?: FillRecord): string;
  fillPush(e: TradingEngine, f: FillRecord): string;
  positionsPush(e: TradingEngine): string;
  accountPush(e: TradingEngine, instType: InstType): string;
}

/** Finished orders kept for detail queries and duplicate-clientOid checks, and fills kept for the debug view. */
const KEEP_FINISHED_ORDERS = 10_000;
const KEEP_FILLS = 10_000;

export class TradingEngine {
  /** Open orders and the last KEEP_FINISHED_ORDERS finished ones, by orderId (for detail queries). */
  readonly orders = new Map<string, OwnOrder>();
  /** Orders resting in a book, in placement order. */
  readonly open = new Map<string, OwnOrder>();
  /** The last KEEP_FILLS fills (feesPaid and realizedPnl keep the totals of all). */
  readonly fills: FillRecord[] = [];
  /** Balances, positions, leverage, margin and PnL: what orders are checked against and fills booked into. */
  readonly account: Account;
  /** The last KEEP_FILLS funding charges (account.fundingReceived keeps the total of all). */
  readonly fundingCharges: FundingCharge[] = [];
  /** Each futures symbol's data clock at the last step (ms): settlements after it and up to now are due. */
  private readonly fundingClock = new Map<Publisher, number>();
  /**
   * Each futures symbol's position just before each fill stamped after its funding clock, in booking order: a
   * settlement not yet charged is charged on the position before the first fill stamped at or after it.
   */
  private readonly heldBefore = new Map<Publisher, Array<HeldPosition & { readonly stampMs: number }>>();
  private readonly byClientOid = new Map<string, OwnOrder>();
  private readonly finished: OwnOrder[] = [];
  private readonly listeners = new Set<(ev: PrivateEvent) => void>();
  private pending: PrivateEvent[] = [];
  private dirty = { positions: false, futures: false, spot: false };
  private seq = 0;

  constructor(
    private readonly opts: EngineOptions,
    private readonly render: EngineRender,
  ) {
    this.account = new Account(opts, opts.venue, this.open);
  }

  now(): number {
    return Math.floor(this.opts.venue.exchNow());
  }

  /** The current `account` push data of an instType (for the snapshot after a subscribe). */
  renderAccount(instType: InstType): string {
    return this.render.accountPush(this, instType);
  }

  /** The current `positions` push data (USDT-FUTURES). */
  renderPositions(): string {
    return this.render.positionsPush(this);
  }

  listen(fn: (ev: PrivateEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  // ---- lookups -------------------------------------------------------------------------------------------------

  publisher(instType: InstType, symbol: string): Publisher {
    const pub = this.opts.venue.get(instType, symbol);
    if (!pub) throw Err.symbolUnknown(symbol);
    return pub;
  }

  find(instType: InstType, symbol: string | undefined, orderId?: string, clientOid?: string): OwnOrder | undefined {
    const o = orderId ? this.orders.get(orderId) : clientOid ? this.byClientOid.get(clientOid) : undefined;
    if (!o || o.inst.instType !== instType || (symbol !== undefined && o.inst.symbol !== symbol)) return undefined;
    if (orderId && clientOid && o.clientOid !== clientOid) return undefined;
    return o;
  }

  openOrders(instType: InstType, symbol?: string): OwnOrder[] {
    return [...this.open.values()].filter((o) => o.inst.instType === instType && (symbol === undefined || o.inst.symbol === symbol));
  }

  /** Lots queued ahead of a resting order at its price (-1 when it does not rest). */
  queueAhead(o: OwnOrder): number {
    return o.handle ? o.pub.model.queueAhead(o.handle) : -1;
  }

  // ---- orders --------------------------------------------------------------------------------------------------

  place(req: PlaceRequest): OwnOrder {
    const pub = this.publisher(req.instType, req.symbol);
    const inst = pub.inst;
    const account = this.account;
    const m = account.mathOf(pub);
    const model = pub.model;
    const futures = inst.instType !== 'SPOT';
    const { reduceOnly, limit, freeze, freezeCoin } = this.checkPlace(req);

    const now = this.now();
    const orderId = (ORDER_ID_BASE + BigInt(++this.seq)).toString();
    const o: OwnOrder = {
      orderId,
      clientOid: req.clientOid ?? orderId,
      pub,
      inst,
      side: req.side,
      orderType: req.orderType,
      force: limit ? req.force : 'gtc',
      priceTick: limit ? req.priceTick! : 0,
      sizeLots: req.quoteBudget !== undefined ? 0 : req.sizeLots,
      quoteBudget: req.quoteBudget,
      reduceOnly,
      marginMode: req.marginMode,
      leverage: account.leverage(inst.symbol),
      cTime: now,
      seq: this.seq,
      filledLots: 0,
      cumNotional: 0n,
      fee: 0n,
      feeCoin: futures || req.side === 'sell' ? inst.quoteCoin : inst.baseCoin,
      profit: 0n,
      status: 'live',
      uTime: now,
    };
    this.orders.set(orderId, o);
    this.byClientOid.set(o.clientOid, o);
    if (!futures) {
      account.freeze(freezeCoin, freeze);
      this.dirty.spot = true;
    }

    // Take what crosses (FOK only if all of it is there).
    const fok = limit && o.force === 'fok' && model.liquidity(o.side, o.sizeLots, o.priceTick).lots < o.sizeLots;
    if (!fok && o.force !== 'post_only') {
      let cap: ((tick: number, lots: number) => number) | undefined;
      let budget = o.quoteBudget;
      if (budget !== undefined) {
        cap = (tick, lots) => {
          const n = Math.min(lots, Number(budget! / m.notional(tick, 1)));
          budget! -= m.notional(tick, n);
          return n;
        };
      }
      const fills = model.take(
        o.side,
        o.quoteBudget !== undefined ? Number.MAX_SAFE_INTEGER : o.sizeLots,
        limit ? o.priceTick : undefined,
        cap,
      );
      for (const f of fills) this.applyFill(o, f.priceTick, f.qtyLot, f.tradeId, false);
      this.settleOwnFills(pub); // self-trades: own resting orders this walk hit
    }

    const remaining = o.sizeLots - o.filledLots;
    if (limit && (o.force === 'gtc' || o.force === 'post_only') && remaining > 0) {
      o.handle = model.placeOwn(o.side, o.priceTick, remaining, o);
      this.open.set(orderId, o);
      if (o.filledLots === 0) this.emitOrder(o);
      this.dirty.futures ||= futures;
      this.dirty.positions ||= reduceOnly;
    } else if (o.status !== 'filled') {
      if (o.quoteBudget !== undefined && o.filledLots > 0)
        o.status = 'filled'; // a spot market buy spent what it could
      else this.finish(o, fok ? 'fok' : 'ioc');
      if (o.status === 'filled') this.emitOrder(o);
    }
    this.releaseSpot(o);
    this.retire(o);
    this.settleReduceOnly();
    this.flush();
    return o;
  }

  /**
   * Bitget's modify-order (docs/bitget.md §5.7): only a futures limit order with nothing filled yet. The answer is the
   * order that now stands: by default a new one (the old one is cancelled, the new one placed under `newClientOid`
   * with the old side, force and reduce-only flag, and it joins the back of its queue, or takes if it crosses). With
   * `amendKeepsQueue`, a size decrease at the same price changes the old order in place and keeps its queue place.
   * Every check runs before anything changes, so a refused amendment leaves the order as it was.
   */
  amend(o: OwnOrder, req: AmendRequest): OwnOrder {
    if (!this.open.has(o.orderId) || o.inst.instType === 'SPOT') throw Err.orderUnknown();
    if (o.filledLots > 0) throw Err.notModifiable();
    if (req.newClientOid.length > 50) throw Err.clientOidLong();
    if (this.byClientOid.has(req.newClientOid)) throw Err.duplicateClientOid();
    const priceTick = req.priceTick ?? o.priceTick;
    const sizeLots = req.sizeLots ?? o.sizeLots;
    const account = this.account;
    if (o.reduceOnly) {
      const pos = account.positions.get(o.inst.symbol)?.lots ?? 0;
      if (sizeLots > Math.abs(pos)) throw Err.reduceTooBig();
    }
    const now = this.now();
    if (this.opts.amendKeepsQueue && priceTick === o.priceTick && sizeLots <= o.sizeLots) {
      if (!o.reduceOnly && this.account.mathOf(o.pub).notional(priceTick, sizeLots) < this.opts.minNotionalFutures)
        throw Err.minNotional('5');
      if (sizeLots < o.sizeLots) o.pub.model.reduceOwn(o.handle!, sizeLots);
      this.byClientOid.delete(o.clientOid);
      o.clientOid = req.newClientOid;
      this.byClientOid.set(o.clientOid, o);
      o.sizeLots = sizeLots;
      o.uTime = now;
      this.emitOrder(o);
      this.dirty.futures = true;
      this.dirty.positions ||= o.reduceOnly;
      this.flush();
      return o;
    }
    const next: PlaceRequest = {
      instType: o.inst.instType,
      symbol: o.inst.symbol,
      side: o.side,
      orderType: 'limit',
      force: o.force,
      priceTick,
      sizeLots,
      reduceOnly: o.reduceOnly,
      clientOid: req.newClientOid,
      marginMode: o.marginMode,
    };
    // The new order is checked as if the old one were gone (its margin is freed); the old one stays if it fails,
    // in its place among the open orders (placement order: the oldest reduce-only order goes first).
    const openBefore = [...this.open];
    this.open.delete(o.orderId);
    try {
      this.checkPlace(next);
    } finally {
      this.open.clear();
      for (const [id, x] of openBefore) this.open.set(id, x);
    }
    o.pub.model.cancelOwn(o.handle!);
    this.finish(o, 'normal_cancel');
    this.retire(o);
    return this.place(next);
  }

  /** The checks of a place request, in Bitget's order; throws the first failure. Changes nothing. */
  private checkPlace(req: PlaceRequest): { reduceOnly: boolean; limit: boolean; freeze: bigint; freezeCoin: string } {
    const pub = this.publisher(req.instType, req.symbol);
    const inst = pub.inst;
    const account = this.account;
    const m = account.mathOf(pub);
    const model = pub.model;
    const futures = inst.instType !== 'SPOT';
    if (req.clientOid !== undefined) {
      if (req.clientOid.length > 50) throw Err.clientOidLong();
      if (this.byClientOid.has(req.clientOid)) throw Err.duplicateClientOid();
    }
    const reduceOnly = futures && req.reduceOnly;
    if (reduceOnly) {
      const pos = account.positions.get(inst.symbol)?.lots ?? 0;
      if (pos === 0 || (req.side === 'buy') === pos > 0) throw Err.noPosition();
      if (req.sizeLots > Math.abs(pos)) throw Err.reduceTooBig();
    }
    const limit = req.orderType === 'limit';
    if (limit && req.force === 'post_only') {
      const best = req.side === 'buy' ? model.bestAsk() : model.bestBid();
      if (best !== undefined && (req.side === 'buy' ? req.priceTick! >= best : req.priceTick! <= best)) throw Err.postOnlyCross();
    }

    // What the order is worth: its limit price, or the walk a market order would make now.
    let estimate: bigint;
    if (limit) estimate = m.notional(req.priceTick!, req.sizeLots);
    else if (req.quoteBudget !== undefined) estimate = req.quoteBudget;
    else {
      const liq = model.liquidity(req.side, req.sizeLots);
      if (liq.lots > 0) estimate = (m.notionalOf(liq.tickLots) * BigInt(req.sizeLots)) / BigInt(liq.lots);
      else estimate = m.notional(model.bestBid() ?? model.bestAsk() ?? inst.startPriceTick, req.sizeLots);
    }
    if (!reduceOnly) {
      const min = futures ? this.opts.minNotionalFutures : this.opts.minNotionalSpot;
      if (estimate < min) throw Err.minNotional(futures ? '5' : '1');
    }

    // Funds: futures margin for the opening part plus the taker fee; spot the coin it spends.
    if (futures && !reduceOnly) {
      const opening = account.openingLots(inst.symbol, req.side, req.sizeLots);
      const need =
        ceilDiv((estimate * BigInt(opening)) / BigInt(req.sizeLots), BigInt(account.leverage(inst.symbol))) + m.fee(estimate, false);
      if (need > account.futuresSummary().available) throw Err.balance();
    }
    let freeze = 0n;
    let freezeCoin = '';
    if (!futures) {
      if (req.side === 'buy') {
        freezeCoin = inst.quoteCoin;
        freeze = limit ? m.notional(req.priceTick!, req.sizeLots) : req.quoteBudget!;
      } else {
        freezeCoin = inst.baseCoin;
        freeze = m.baseQty(req.sizeLots);
      }
      if (freeze > account.coin(freezeCoin).available) throw Err.spotBalance();
    }

    return { reduceOnly, limit, freeze, freezeCoin };
  }

  cancel(o: OwnOrder, reason = 'normal_cancel'): void {
    if (!this.open.has(o.orderId)) throw o.inst.instType === 'SPOT' ? Err.spotOrderUnknown() : Err.orderUnknown();
    o.pub.model.cancelOwn(o.handle!);
    this.finish(o, reason);
    this.releaseSpot(o);
    this.retire(o);
    this.flush();
  }

  cancelAll(instType: InstType, symbol?: string): OwnOrder[] {
    const list = this.openOrders(instType, symbol);
    for (const o of list) {
      o.pub.model.cancelOwn(o.handle!);
      this.finish(o, 'normal_cancel');
      this.releaseSpot(o);
      this.retire(o);
    }
    this.flush();
    return list;
  }

  setLeverage(symbol: string, leverage: number): void {
    this.account.setLeverage(symbol, leverage);
    this.dirty.futures = true;
    this.flush();
  }

  /** The venue's step hook: books the fills of own resting orders that simulated market orders made. */
  settleMarket(): void {
    for (const pub of this.opts.venue.publishers()) this.settleOwnFills(pub);
    this.settleReduceOnly();
    this.settleFunding();
    this.flush();
  }

  /**
   * Books now every settlement the exchange clock has passed (the steps book them up to the data clock, which may
   * trail it by a step): a fill is stamped by the exchange clock, so once a fill after a settlement is reported, the
   * bills already hold that settlement's charge, as a ledger in time order does. The bills route calls it first.
   */
  bookFundingDue(): void {
    this.settleFunding(this.now());
    this.flush();
  }

  /**
   * Funding at every settlement the data clock passed since the last step (the grid the ticker publishes as
   * nextFundingTime): each futures position is charged as it stood at the settlement by the fills' own stamps — a fill
   * stamped before it counts, one stamped at or after it does not, though this step books it first (docs/exchange.md,
   * Funding) — at the rate quoted for it and the mark then; the positions and account pushes that follow show it.
   */
  private settleFunding(upToMs?: number): void {
    for (const pub of this.opts.venue.publishers()) {
      if (pub.inst.instType === 'SPOT') continue;
      const last = this.fundingClock.get(pub);
      // never back: a catch-up may have taken the funding clock past the data clock's last step
      const now = Math.max(upToMs ?? pub.dataTs(), last ?? -Infinity);
      this.fundingClock.set(pub, now);
      const log = this.heldBefore.get(pub);
      const heldAt = (at: number): HeldPosition => log?.find((h) => h.stampMs >= at) ?? this.account.held(pub.inst.symbol);
      if (last !== undefined) {
        for (const at of pub.funding.settlementsBetween(last, now)) {
          const held = heldAt(at);
          if (!held.lots) continue; // nothing held: nothing to charge
          const mark2 = this.account.markTicks2(pub);
          const rate = pub.funding.settlementRate(at, mark2 === undefined ? null : mark2 / 2);
          const charge = this.account.chargeFunding(pub, at, rate, this.now(), held);
          if (!charge) continue;
          this.fundingCharges.push(charge);
          if (this.fundingCharges.length > 2 * KEEP_FILLS) this.fundingCharges.splice(0, this.fundingCharges.length - KEEP_FILLS);
          this.dirty.futures = true;
          this.dirty.positions = true;
        }
      }
      // the settlements still to come are after `now`: only fills stamped after it can stand between them and the position
      const ahead = log?.filter((h) => h.stampMs > now);
      if (ahead) this.heldBefore.set(pub, ahead);
    }
  }

  /**
   * Notes the futures position as it stands before a fill stamped `stampMs`, when a settlement not yet charged may
   * fall at or before that stamp (the fill is then after it). Bounded, the oldest dropped first: only a wall clock
   * running far ahead of the data clock (a manual test's; the driver keeps them within a step) would fill it.
   */
  private noteHeld(pub: Publisher, stampMs: number): void {
    if (stampMs <= (this.fundingClock.get(pub) ?? -Infinity)) return;
    let log = this.heldBefore.get(pub);
    if (!log) this.heldBefore.set(pub, (log = []));
    log.push({ ...this.account.held(pub.inst.symbol), stampMs });
    if (log.length > 2 * KEEP_FILLS) log.splice(0, log.length - KEEP_FILLS);
  }

  /** Test hook: a simulated market order now (see SimBook.injectMarketOrder), with own fills booked at once. */
  injectMarketOrder(instType: InstType, symbol: string, side: Side, lots: number): Trade[] {
    const pub = this.publisher(instType, symbol);
    const trades = pub.model.injectMarketOrder(side, lots);
    this.settleOwnFills(pub);
    this.settleReduceOnly();
    this.flush();
    return trades;
  }

  // ---- internals -----------------------------------------------------------------------------------------------

  private settleOwnFills(pub: Publisher): void {
    for (const f of pub.model.takeOwnFills()) {
      const o = f.own as OwnOrder;
      this.applyFill(o, f.priceTick, f.qtyLot, f.tradeId, true);
      if (f.remainingLot === 0) {
        o.handle = undefined;
        this.open.delete(o.orderId);
        this.releaseSpot(o);
        this.retire(o);
      }
    }
  }

  /** Ends an order that will not trade any more (cancelled, or the unfilled rest of an IOC/FOK/market order). */
  private finish(o: OwnOrder, reason: string): void {
    o.handle = undefined;
    this.open.delete(o.orderId);
    o.status = o.sizeLots > 0 && o.filledLots === o.sizeLots ? 'filled' : 'canceled';
    if (o.status === 'canceled') o.cancelReason = reason;
    o.uTime = this.now();
    if (o.status === 'canceled') this.emitOrder(o);
    if (o.inst.instType === 'SPOT') this.dirty.spot = true;
    else {
      this.dirty.futures = true;
      this.dirty.positions ||= o.reduceOnly;
    }
  }

  /** Gives back the spot funds an order no longer needs (when it is done or partly cancelled). */
  private releaseSpot(o: OwnOrder): void {
    if (o.inst.instType !== 'SPOT' || o.status === 'live' || o.status === 'partially_filled') return;
    if (o.released) return;
    o.released = true;
    const m = this.account.mathOf(o.pub);
    let left: bigint;
    let coin: string;
    if (o.side === 'buy') {
      coin = o.inst.quoteCoin;
      left = o.quoteBudget !== undefined ? o.quoteBudget - o.cumNotional : m.notional(o.priceTick, o.sizeLots - o.filledLots);
    } else {
      coin = o.inst.baseCoin;
      left = m.baseQty(o.sizeLots - o.filledLots);
    }
    if (left === 0n) return;
    this.account.unfreeze(coin, left);
    this.dirty.spot = true;
  }

  private applyFill(o: OwnOrder, tick: number, lots: number, tradeId: bigint, maker: boolean): void {
    const now = this.now();
    if (o.inst.instType !== 'SPOT') this.noteHeld(o.pub, now);
    const { notional, fee, profit } = this.account.bookFill(o, tick, lots, maker, now);
    if (o.inst.instType === 'SPOT') this.dirty.spot = true;
    else {
      this.dirty.futures = true;
      this.dirty.positions = true;
    }
    o.filledLots += lots;
    o.cumNotional += notional;
    o.fee += fee;
    o.profit += profit;
    o.uTime = now;
    o.status = o.sizeLots > 0 && o.filledLots === o.sizeLots ? 'filled' : 'partially_filled';
    const f: FillRecord = {
      order: o,
      tradeId: tradeId.toString(),
      priceTick: tick,
      lots,
      notional,
      fee,
      feeCoin: o.feeCoin,
      profit,
      maker,
      ts: now,
    };
    this.fills.push(f);
    if (this.fills.length > 2 * KEEP_FILLS) this.fills.splice(0, this.fills.length - KEEP_FILLS);
    this.emitOrder(o, f);
    this.pending.push({ instType: o.inst.instType, channel: 'fill', symbol: o.inst.symbol, data: () => this.render.fillPush(this, f) });
  }

  /**
   * One-way reduce-only rules after any change: with no position (or one on the order's own side) reduce-only
   * orders are cancelled; when they add up to more than the position, the oldest are cancelled first (Bitget).
   */
  private settleReduceOnly(): void {
    const ro = [...this.open.values()].filter((o) => o.reduceOnly);
    if (ro.length === 0) return;
    const bySymbol = new Map<string, OwnOrder[]>();
    for (const o of ro) bySymbol.set(o.inst.symbol, [...(bySymbol.get(o.inst.symbol) ?? []), o]);
    for (const [symbol, list] of bySymbol) {
      const pos = this.account.positions.get(symbol)?.lots ?? 0;
      let total = 0;
      for (const o of list) {
        if (pos === 0 || (o.side === 'buy') === pos > 0) this.cancelQuietly(o, 'reduce_only_no_position');
        else total += o.sizeLots - o.filledLots;
      }
      for (const o of list) {
        if (total <= Math.abs(pos)) break;
        if (!this.open.has(o.orderId)) continue;
        total -= o.sizeLots - o.filledLots;
        this.cancelQuietly(o, 'reduce_only_exceeds_position');
      }
    }
  }

  private cancelQuietly(o: OwnOrder, reason: string): void {
    o.pub.model.cancelOwn(o.handle!);
    this.finish(o, reason);
    this.retire(o);
  }

  /** Remembers a finished order; the oldest finished ones are forgotten beyond KEEP_FINISHED_ORDERS. */
  private retire(o: OwnOrder): void {
    if (this.open.has(o.orderId) || o.retired) return;
    o.retired = true;
    this.finished.push(o);
    if (this.finished.length > 2 * KEEP_FINISHED_ORDERS) {
      for (const old of this.finished.splice(0, this.finished.length - KEEP_FINISHED_ORDERS)) {
        this.orders.delete(old.orderId);
        if (this.byClientOid.get(old.clientOid) === old) this.byClientOid.delete(old.clientOid);
      }
    }
  }

  private emitOrder(o: OwnOrder, fill?: FillRecord): void {
    // render now: the order changes again before the flush
    const text = this.render.orderPush(this, o, fill);
    this.pending.push({ instType: o.inst.instType, channel: 'orders', symbol: o.inst.symbol, data: () => text });
  }

  /** Sends what this transaction changed: order and fill pushes in order, then positions and account snapshots. */
  private flush(): void {
    if (this.dirty.positions)
      this.pending.push({ instType: 'USDT-FUTURES', channel: 'positions', data: () => this.render.positionsPush(this) });
    if (this.dirty.futures)
      this.pending.push({ instType: 'USDT-FUTURES', channel: 'account', data: () => this.render.accountPush(this, 'USDT-FUTURES') });
    if (this.dirty.spot) this.pending.push({ instType: 'SPOT', channel: 'account', data: () => this.render.accountPush(this, 'SPOT') });
    this.dirty = { positions: false, futures: false, spot: false };
    const events = this.pending;
    this.pending = [];
    if (this.listeners.size === 0) return;
    for (const ev of events) {
      let text: string | undefined;
      const once = { ...ev, data: () => (text ??= ev.data()) };
      for (const l of this.listeners) l(once);
    }
  }
}
