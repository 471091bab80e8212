// Live queue estimates for our resting orders (order.queueAheadLot), from what live trading sees: the gateway's
// answers and the public book and trades. The model is the backtest's (src/backtest/queue.ts, risk-averse unless
// told otherwise): an acknowledged limit order joins the back of its level, so the level's size then is the queue
// ahead (the book as we have it may not show our order yet: the estimate errs long); trades at its price against its
// side eat the queue from the front; a level shrinking beyond what traded there is cancels, ahead of us with the
// model's probability. An amendment re-queues, as Bitget's modify-order does (docs/bitget.md §5.7).
//
// Events count in exchange-time order: Bitget publishes the depth update a match causes before that match's trade,
// though the trade is stamped no later, so when the trade comes the level has already shrunk by it. A trade stamped at
// or before the last book message that changed an order's level is applied to the order's state before that message,
// and the message's level is then taken again through the model (as the simulated venue does,
// src/backtest/simexchange.ts). A trade stamped no later than the last book message before the order joined was in the
// level it joined behind, and moves nothing.
import { levelAtPlace, riskAverse, tradeAtPlace, type QueueModel, type QueuePlace } from '../backtest/queue';
import type { Side } from '../strategy/events';

/** A level's size by side (1 bid, 2 ask) and price in ticks, in lots: the instrument's book. */
export interface LevelBook {
  qtyAt(side: 1 | 2, priceTick: number): number;
}

/** A resting order of ours: its side and price, and its place in its level (src/backtest/queue.ts). */
interface Tracked extends QueuePlace {
  side: 1 | 2;
  priceTick: number;
}

export class QueueTracker {
  private readonly orders = new Map<string, Tracked>();
  /** The same entries as a list, for the loop every book message runs. */
  private readonly list: Tracked[] = [];
  /** The exchange time of the last book message seen (-Infinity: none yet). */
  private lastBookExch = -Infinity;

  constructor(
    private readonly levels: LevelBook,
    private readonly model: QueueModel = riskAverse,
  ) {}

  /** Orders being tracked. */
  get size(): number {
    return this.list.length;
  }

  /** Lots ahead of our order `clientOid`, NaN when it is not tracked (not resting, or not acknowledged yet). */
  ahead(clientOid: string): number {
    return this.orders.get(clientOid)?.front ?? NaN;
  }

  /** The venue took our limit order (or its amendment to `priceTick`): it stands at the back of its level. */
  joined(clientOid: string, side: Side, priceTick: number): void {
    this.left(clientOid);
    const s = side === 'buy' ? 1 : 2;
    const level = this.levels.qtyAt(s, priceTick);
    const t: Tracked = {
      side: s,
      priceTick,
      front: level,
      levelQty: level,
      traded: 0,
      preFront: 0,
      preLevel: 0,
      preTraded: 0,
      bookExch: -Infinity,
      joinExch: this.lastBookExch,
    };
    this.orders.set(clientOid, t);
    this.list.push(t);
  }

  /** Our order is no longer resting (filled, cancelled, rejected). */
  left(clientOid: string): void {
    const t = this.orders.get(clientOid);
    if (t === undefined) return;
    this.orders.delete(clientOid);
    this.list.splice(this.list.indexOf(t), 1);
  }

  /** After a reconcile: only the orders the venue says are open are still resting (they keep their estimates). */
  keepOnly(open: ReadonlySet<string>): void {
    for (const oid of [...this.orders.keys()]) if (!open.has(oid)) this.left(oid);
  }

  /**
   * A public trade stamped `exchNs` by the exchange; `takerBuy`: a buyer took asks (only our sells stand in its
   * way).
   */
  trade(takerBuy: boolean, priceTick: number, qtyLot: number, exchNs: number): void {
    const side = takerBuy ? 2 : 1;
    for (const t of this.list) {
      if (t.side === side && t.priceTick === priceTick) tradeAtPlace(t, qtyLot, exchNs, this.model);
    }
  }

  /** After a book message stamped `exchNs` by the exchange: each order's queue follows its level's size. */
  afterBook(exchNs: number): void {
    if (exchNs > this.lastBookExch) this.lastBookExch = exchNs;
    for (const t of this.list) {
      const q = this.levels.qtyAt(t.side, t.priceTick);
      if (q !== t.levelQty) levelAtPlace(t, q, exchNs, this.model);
    }
  }
}
