// The simulated venue of a backtest: it stands where the gateway stands in live trading (the runtime's Actions in,
// Events out: src/strategy/events.ts), on the exchange's timeline. Orders act on the book as it is at the exchange when they arrive (the replayed
// book up to that exchange time, read from the core), resting orders keep a queue position (./queue) and fill when
// the tape trades through the queue ahead of them or the touch crosses their price. Market impact is not modelled:
// our fills do not change the replayed book (keep sizes small next to the touch). Answers reach the strategy after
// the response latency; `deliver` schedules them on the local timeline.
//
// The same contract as the gateway and the local exchange: a place the gateway would refuse (docs/bitget.md §5.5) is
// rejected with the gateway's words, a clientOid already in use is rejected, and an amendment follows Bitget's
// modify-order (docs/bitget.md §5.7): only an order with nothing filled, and any change of price or size is a cancel and
// a new order at the back of the queue — unless `amendKeepsQueue` (the local exchange's --amend-keeps-queue), where a
// size decrease at the same price keeps the place. Several actions at once (`arriveAll`, the gateway's handleAll:
// Bitget's batch place and batch cancel) get one answer per order, a bad order's refusal beside the others' acks.
import type { Action, Event, Side, TimeInForce } from '../strategy/events';
import { levelAtPlace, tradeAtPlace, type QueueModel, type QueuePlace } from './queue';
import { placeProblem } from '../gateway/wire';
import { FLATTEN_OID_PREFIX } from '../strategy/ids';

/** The instrument's grid and fee rates (quote per tick, base per lot, fractions of traded value). */
export interface VenueInstrument {
  tickSize: number;
  lotSize: number;
  makerFeeRate: number;
  takerFeeRate: number;
}

/** What the venue needs of the replayed book at the current exchange time (prices in ticks, sizes in lots). */
export interface VenueBook {
  bestBid(): number | null;
  bestAsk(): number | null;
  /** i-th best level of a side (0 = best); null past the last. */
  level(side: 1 | 2, i: number): { price: number; qty: number } | null;
  qtyAt(side: 1 | 2, price: number): number;
}

export interface SimFill {
  exchNs: number;
  side: Side;
  priceTick: number;
  qtyLot: number;
  feeQuote: number;
  maker: boolean;
}

/** An order the venue knows, with its place in its level (front, level, trades since, before the last book message: ./queue). */
interface Resting extends QueuePlace {
  clientOid: string;
  side: 1 | 2;
  force: TimeInForce;
  priceTick: number;
  qtyLot: number;
  remaining: number;
  /** On the book (in restingList). */
  live: boolean;
  /** Among the recently finished orders (doneRing). */
  done: boolean;
  /** Where the venue finds it by clientOid: its slot in bySerial, or -1 in the map `known`. */
  slot: number;
}

/** Slots of the table of orders by serial clientOid: a power of two well above the orders remembered at once. */
const SERIAL_SLOTS = 16384;

/** Finished orders remembered, to tell "already filled or cancelled" from "does not exist": bounded, so a long run's
 * memory stays flat. */
const DONE_KEPT = 4096;

type Place = Extract<Action, { type: 'place' }>;

export interface SimExchangeOptions {
  book: VenueBook;
  instrument: VenueInstrument;
  queue: QueueModel;
  /** Answers: called with the exchange time the venue answered at; the caller adds the response latency. */
  deliver(exchNs: number, e: Event): void;
  onFill?(f: SimFill): void;
  /** Fill only what the tape leaves after the queue ahead (partial fills), or the whole order at once. */
  partialFills?: boolean;
  /**
   * An amendment that keeps the price and does not raise the size keeps the order's queue place (the local exchange's
   * --amend-keeps-queue, the rule of many venues). Default false: as Bitget documents modify-order, every change of
   * price or size sends the order to the back of the queue.
   */
  amendKeepsQueue?: boolean;
}

const sideOf = (s: Side): 1 | 2 => (s === 'buy' ? 1 : 2);

export class SimExchange {
  /** Signed position in lots, as the venue sees it. */
  position = 0;
  /**
   * Every order the venue knows by clientOid: resting (`live`) or among the last DONE_KEPT finished (`done`), one entry
   * for both (a market maker places and finishes an order every few messages: one lookup each, not one per set).
   * clientOids of the runtime's form, a prefix and a serial number (rb-TAG-N), are kept in a table indexed by the
   * serial (slot = serial mod SERIAL_SLOTS); the map holds the others, and the rare one whose slot is taken. The map
   * held thousands of orders, out of cache a book message or two later: its lookup, insert and delete cost more than
   * the rest of a market maker's place.
   */
  private readonly known = new Map<string, Resting>();
  private readonly bySerial = new Array<Resting | null>(SERIAL_SLOTS).fill(null);
  private inTable = 0;
  /** The resting orders in the order they rested, for the loops every book message and trade runs (no iterator objects). */
  private readonly restingList: Resting[] = [];
  /**
   * Side, price and level size last read of restingList[i], side by side: the loops every book message and trade runs
   * read these (a cache line or two) and touch an order's entry only when it fills or its level changed. The entries
   * themselves were out of cache a message later (the core's book and decoding run in between): a miss per order.
   */
  private rSide = new Uint8Array(16);
  private rPrice = new Float64Array(16);
  private rLevel = new Float64Array(16);
  /** The finished orders remembered, oldest at doneNext once full. */
  private readonly doneRing: Resting[] = [];
  private doneNext = 0;
  /**
   * Entries the venue forgot (cancelled, or pushed out of doneRing), reused for the next orders: a market maker
   * places an order every few messages, and each entry would otherwise live through several young-generation
   * collections (it stays remembered for DONE_KEPT more orders) before dying in the old one.
   */
  private readonly spare: Resting[] = [];
  /**
   * The prefix of serial clientOids (that of the first clientOid seen) and the highest serial the venue ever knew: a
   * place with a higher one cannot repeat a clientOid in use, and needs no lookup.
   */
  private oidPrefix: string | null = null;
  private oidTop = -1;
  private tradeSeq = 0;
  /** Where trade() and afterBook() found an order to fill (its index in restingList), and the lots of a trade's fill. */
  private at = -1;
  private lots = 0;
  /** The exchange time of the message trade() or afterBook() is taking, as stamped (not held monotonic). */
  private exch = 0;
  private flattenSeq = 0;
  readonly stats = { places: 0, cancels: 0, amends: 0, rejects: 0, fills: 0, makerFills: 0, takerFills: 0 };

  constructor(private readonly o: SimExchangeOptions) {}

  get hasResting(): boolean {
    return this.restingList.length > 0;
  }

  /** Orders the venue remembers (resting, or among the last finished): bounded however long the run. */
  get remembered(): number {
    return this.inTable + this.known.size;
  }

  /** Lots ahead of a resting order of ours at its price (the queue model's estimate); NaN when it is not resting. */
  queueAhead(clientOid: string): number {
    const r = this.find(clientOid);
    return r !== undefined && r.live ? r.front : NaN;
  }

  /** A resting order goes behind our other orders (a new order's place among them), staying on the book. */
  private requeue(r: Resting): void {
    const list = this.restingList;
    const last = list.length - 1;
    const from = list.indexOf(r);
    for (let i = from; i < last; i++) list[i] = list[i + 1];
    list[last] = r;
    this.mirror(from);
  }

  /** Takes a resting order off the list (its entry stays: the caller forgets it or remembers it as done). */
  private offList(r: Resting): void {
    const list = this.restingList;
    const last = list.length - 1;
    const from = list.indexOf(r);
    for (let i = from; i < last; i++) list[i] = list[i + 1];
    list.pop();
    r.live = false;
    this.mirror(from);
  }

  /** Puts an order on the book, behind our others. */
  private onList(r: Resting): void {
    this.restingList.push(r);
    this.mirror(this.restingList.length - 1);
  }

  /** rSide, rPrice and rLevel from restingList[from] on (after the list or an order's price or level size changed). */
  private mirror(from: number): void {
    const list = this.restingList;
    const n = list.length;
    if (n > this.rSide.length) {
      const cap = Math.max(n, this.rSide.length * 2);
      this.rSide = new Uint8Array(cap);
      this.rPrice = new Float64Array(cap);
      this.rLevel = new Float64Array(cap);
      from = 0;
    }
    for (let i = from; i < n; i++) {
      const r = list[i];
      this.rSide[i] = r.side;
      this.rPrice[i] = r.priceTick;
      this.rLevel[i] = r.levelQty;
    }
  }

  /** Remembers a finished order (one remembered already keeps its place), forgetting the oldest past DONE_KEPT. */
  private markDone(r: Resting): void {
    if (r.done) return;
    const ring = this.doneRing;
    if (ring.length < DONE_KEPT) ring.push(r);
    else {
      const old = ring[this.doneNext];
      old.done = false;
      if (!old.live) this.forget(old);
      ring[this.doneNext] = r;
      this.doneNext = (this.doneNext + 1) % DONE_KEPT;
    }
    r.done = true;
  }

  /** Remembers `clientOid` as finished, whether or not the venue knew it. */
  private doneKey(clientOid: string): void {
    this.markDone(this.find(clientOid) ?? this.entry(clientOid));
  }

  /** A new entry for an order that never rested (refused, or filled or cancelled at once), known from now on. */
  private entry(clientOid: string): Resting {
    const r = this.fresh(clientOid, 1, 'gtc', 0, 0, 0, 0, false, -Infinity);
    this.remember(r, this.serial(clientOid));
    return r;
  }

  /** The entry of a clientOid the venue knows (resting or remembered as finished). */
  private find(clientOid: string): Resting | undefined {
    const n = this.serial(clientOid);
    if (n >= 0) {
      const r = this.bySerial[n % SERIAL_SLOTS];
      if (r !== null && r.clientOid === clientOid) return r;
    }
    return this.known.size === 0 ? undefined : this.known.get(clientOid);
  }

  /** Known from now on, by its clientOid (whose serial is `n`, -1: none). */
  private remember(r: Resting, n: number): void {
    if (n > this.oidTop) this.oidTop = n;
    if (n >= 0 && this.bySerial[n % SERIAL_SLOTS] === null) {
      r.slot = n % SERIAL_SLOTS;
      this.bySerial[r.slot] = r;
      this.inTable++;
    } else {
      r.slot = -1;
      this.known.set(r.clientOid, r);
    }
  }

  /** The serial number of a clientOid with the prefix (the first clientOid seen sets it); -1 for any other form. */
  private serial(clientOid: string): number {
    const prefix = (this.oidPrefix ??= clientOid.slice(0, clientOid.lastIndexOf('-') + 1));
    const start = prefix.length;
    const end = clientOid.length;
    // canonical decimals only (no sign, no leading zero), short enough to be exact: one string, one number
    if (end <= start || end - start > 15 || !clientOid.startsWith(prefix)) return -1;
    if (clientOid.charCodeAt(start) === 48 && end > start + 1) return -1;
    let n = 0;
    for (let i = start; i < end; i++) {
      const d = clientOid.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return -1;
      n = n * 10 + d;
    }
    return n;
  }

  /** An entry with these terms (nothing traded at its level yet, not remembered as done): a spare one when there is one. */
  private fresh(
    clientOid: string,
    side: 1 | 2,
    force: TimeInForce,
    priceTick: number,
    qtyLot: number,
    remaining: number,
    levelQty: number,
    live: boolean,
    joinExch: number,
  ): Resting {
    const r = this.spare.pop();
    if (r === undefined)
      return {
        clientOid,
        side,
        force,
        priceTick,
        qtyLot,
        remaining,
        front: levelQty,
        levelQty,
        traded: 0,
        preFront: 0,
        preLevel: 0,
        preTraded: 0,
        bookExch: -Infinity,
        joinExch,
        live,
        done: false,
        slot: -1,
      };
    r.clientOid = clientOid;
    r.side = side;
    r.force = force;
    r.priceTick = priceTick;
    r.qtyLot = qtyLot;
    r.remaining = remaining;
    r.front = levelQty;
    r.levelQty = levelQty;
    r.traded = 0;
    r.bookExch = -Infinity;
    r.joinExch = joinExch;
    r.live = live;
    r.done = false;
    return r;
  }

  /** The venue no longer knows an entry (off the book, not remembered as done): its object is reused. */
  private forget(r: Resting): void {
    if (r.slot >= 0) {
      this.bySerial[r.slot] = null;
      this.inTable--;
    } else this.known.delete(r.clientOid);
    this.spare.push(r);
  }

  /**
   * Several actions reaching the venue together at exchange time `t`, as the gateway's handleAll sends them (places as
   * one batch-place-order, cancels as one batch-cancel-orders): each order gets the answer its own request would have
   * got, in the order asked, so one bad order is refused and the others go through; a cancel repeated within one batch
   * is answered once (the gateway sends it once).
   */
  arriveAll(t: number, actions: readonly Action[]): void {
    let cancels: string[] = [];
    for (const a of actions) {
      if (a.type === 'cancel') {
        if (cancels.includes(a.clientOid)) continue;
        cancels.push(a.clientOid);
      } else if (a.type !== 'place' || cancels.includes(a.clientOid)) cancels = []; // the gateway sends its batches first
      this.arrive(t, a);
    }
  }

  /** An action reaches the matching engine at exchange time `t`. */
  arrive(t: number, a: Action): void {
    switch (a.type) {
      case 'place':
        return this.place(t, a);
      case 'cancel':
        return this.cancel(t, a.clientOid);
      case 'amend':
        return this.amend(t, a);
      case 'cancelAll':
        for (const r of [...this.restingList]) this.cancel(t, r.clientOid);
        return;
      case 'flatten': {
        if (this.position === 0) return;
        const oid = `${FLATTEN_OID_PREFIX}${++this.flattenSeq}`;
        this.place(t, {
          type: 'place',
          clientOid: oid,
          side: this.position > 0 ? 'sell' : 'buy',
          orderType: 'market',
          qtyLot: Math.abs(this.position),
          force: 'ioc',
          reduceOnly: true,
        });
        return;
      }
      case 'reconcile':
        this.o.deliver(t, {
          type: 'resynced',
          positionLot: this.position,
          openOrders: this.restingList.map((r) => ({
            clientOid: r.clientOid,
            side: r.side === 1 ? 'buy' : 'sell',
            priceTick: r.priceTick,
            remainingLot: r.remaining,
          })),
        });
        return;
      default:
        return;
    }
  }

  private reject(t: number, clientOid: string, code: string, message: string): void {
    this.stats.rejects++;
    this.doneKey(clientOid);
    this.o.deliver(t, { type: 'reject', clientOid, code, message, retryable: false });
  }

  private place(t: number, a: Place): void {
    this.stats.places++;
    const problem = placeProblem(a);
    if (problem !== null) return this.reject(t, a.clientOid, 'RB_ERR_GW_BAD_ORDER', problem);
    // an entry is resting or finished: either way its clientOid is in use
    const serial = this.serial(a.clientOid);
    if ((serial < 0 || serial <= this.oidTop) && this.find(a.clientOid) !== undefined) {
      // the order already there is not touched (and its clientOid is not marked done by this refusal)
      this.stats.rejects++;
      this.o.deliver(t, { type: 'reject', clientOid: a.clientOid, code: '40786', message: 'Duplicate clientOid', retryable: false });
      return;
    }
    const side = sideOf(a.side);
    let qty = a.qtyLot;
    if (a.reduceOnly) {
      const closable = side === 1 ? Math.max(0, -this.position) : Math.max(0, this.position);
      if (closable === 0) return this.reject(t, a.clientOid, '22002', 'No position to close');
      qty = Math.min(qty, closable);
    }
    const limit = a.orderType === 'market' ? (side === 1 ? Infinity : -Infinity) : a.priceTick!;
    const force: TimeInForce = a.orderType === 'market' ? 'ioc' : a.force;
    const bestOpp = side === 1 ? this.o.book.bestAsk() : this.o.book.bestBid();
    const crosses = bestOpp !== null && (side === 1 ? limit >= bestOpp : limit <= bestOpp);
    if (force === 'post_only' && crosses)
      return this.reject(t, a.clientOid, '43013', 'The post_only order would be filled immediately as a taker, so it was rejected');
    const oppSide: 1 | 2 = side === 1 ? 2 : 1;
    if (force === 'fok' && this.available(oppSide, limit) < qty) {
      this.o.deliver(t, { type: 'ack', clientOid: a.clientOid, orderId: a.clientOid });
      this.o.deliver(t, { type: 'cancelAck', clientOid: a.clientOid });
      this.markDone(this.entry(a.clientOid));
      return;
    }
    this.o.deliver(t, { type: 'ack', clientOid: a.clientOid, orderId: a.clientOid });
    let remaining = qty;
    if (crosses) {
      // Taking liquidity walks the levels at the venue's book now; the replayed book is not changed by it.
      for (let i = 0; remaining > 0; i++) {
        const lv = this.o.book.level(oppSide, i);
        if (!lv || (side === 1 ? lv.price > limit : lv.price < limit)) break;
        const q = Math.min(remaining, lv.qty);
        if (q <= 0) continue;
        remaining -= q;
        this.fill(t, a.clientOid, a.side, lv.price, q, false, remaining);
      }
    }
    if (remaining === 0) {
      this.markDone(this.entry(a.clientOid));
      return;
    }
    if (force === 'ioc' || force === 'fok') {
      this.markDone(this.entry(a.clientOid));
      this.o.deliver(t, { type: 'cancelAck', clientOid: a.clientOid });
      return;
    }
    const r = this.fresh(a.clientOid, side, force, limit, qty, remaining, this.o.book.qtyAt(side, limit), true, t);
    this.remember(r, serial);
    this.onList(r);
  }

  /**
   * Bitget's modify-order (docs/bitget.md §5.7): a new price and/or total size for a resting order with nothing filled.
   * Refused (the order left as it was, in its place): not resting, nothing to change, a partly filled order, a post-only
   * order whose new price would take. Otherwise the order is cancelled and placed again at the back of its (new)
   * level, taking what the new price crosses; with `amendKeepsQueue` a size decrease (or no change) at the same price
   * keeps its place instead.
   */
  private amend(t: number, a: Extract<Action, { type: 'amend' }>): void {
    this.stats.amends++;
    const oid = a.clientOid;
    const r = this.find(oid);
    if (r === undefined || !r.live)
      return this.refuseAmend(t, oid, '40768', r !== undefined && r.done ? 'Order already filled or cancelled' : 'Order does not exist');
    if (a.priceTick === undefined && a.qtyLot === undefined)
      return this.refuseAmend(t, oid, '40019', 'an amendment needs a new price or size');
    const price = a.priceTick ?? r.priceTick;
    const total = a.qtyLot ?? r.qtyLot;
    if (!(Number.isSafeInteger(price) && price > 0))
      return this.refuseAmend(t, oid, '40020', `priceTick ${price} is not a positive whole number`);
    if (!(Number.isSafeInteger(total) && total > 0))
      return this.refuseAmend(t, oid, '40020', `qtyLot ${total} is not a positive whole number`);
    if (r.remaining !== r.qtyLot) return this.refuseAmend(t, oid, '40020', 'a partly filled order cannot be modified');
    const bestOpp = r.side === 1 ? this.o.book.bestAsk() : this.o.book.bestBid();
    const crosses = bestOpp !== null && (r.side === 1 ? price >= bestOpp : price <= bestOpp);
    if (crosses && r.force === 'post_only')
      return this.refuseAmend(t, oid, '43013', 'The post_only order would be filled immediately as a taker, so it was rejected');
    const keep = this.o.amendKeepsQueue === true && price === r.priceTick && total <= r.qtyLot;
    r.priceTick = price;
    r.qtyLot = total;
    r.remaining = total;
    this.o.deliver(t, { type: 'amendAck', clientOid: a.clientOid, priceTick: price, qtyLot: total });
    if (keep) return;
    // a cancel and a new order: it joins again behind everything at its price (or takes what its price crosses)
    let remaining = total;
    if (crosses) {
      // off the book while it takes (its entry stays: the same order)
      this.offList(r);
      const side: Side = r.side === 1 ? 'buy' : 'sell';
      const opp: 1 | 2 = r.side === 1 ? 2 : 1;
      for (let i = 0; remaining > 0; i++) {
        const lv = this.o.book.level(opp, i);
        if (!lv || (r.side === 1 ? lv.price > price : lv.price < price)) break;
        const q = Math.min(remaining, lv.qty);
        if (q <= 0) continue;
        remaining -= q;
        this.fill(t, r.clientOid, side, lv.price, q, false, remaining);
      }
      r.remaining = remaining;
      if (remaining === 0) {
        this.markDone(r);
        return;
      }
      r.live = true;
      this.restingList.push(r);
    } else this.requeue(r);
    r.levelQty = this.o.book.qtyAt(r.side, price);
    r.front = r.levelQty;
    r.traded = 0;
    r.bookExch = -Infinity;
    r.joinExch = t;
    this.mirror(this.restingList.length - 1); // last on the list either way
  }

  private refuseAmend(t: number, clientOid: string, code: string, message: string): void {
    this.stats.rejects++;
    this.o.deliver(t, { type: 'amendReject', clientOid, code, message });
  }

  /** Lots on `side` at prices no worse than `limit` for the taker. */
  private available(side: 1 | 2, limit: number): number {
    let sum = 0;
    for (let i = 0; ; i++) {
      const lv = this.o.book.level(side, i);
      if (!lv || (side === 2 ? lv.price > limit : lv.price < limit)) return sum;
      sum += lv.qty;
    }
  }

  private cancel(t: number, clientOid: string): void {
    this.stats.cancels++;
    const r = this.find(clientOid);
    if (r !== undefined && r.live) {
      // a cancelled order is not remembered as finished (as the venue answers: it does not exist)
      this.offList(r);
      if (!r.done) this.forget(r);
      this.o.deliver(t, { type: 'cancelAck', clientOid });
    } else
      this.o.deliver(t, {
        type: 'cancelReject',
        clientOid,
        code: '40768',
        message: r !== undefined && r.done ? 'Order already filled or cancelled' : 'Order does not exist',
      });
  }

  private fill(t: number, clientOid: string, side: Side, price: number, qty: number, maker: boolean, remaining: number): void {
    const i = this.o.instrument;
    const feeQuote = price * qty * i.tickSize * i.lotSize * (maker ? i.makerFeeRate : i.takerFeeRate);
    this.position += side === 'buy' ? qty : -qty;
    this.stats.fills++;
    if (maker) this.stats.makerFills++;
    else this.stats.takerFills++;
    this.o.onFill?.({ exchNs: t, side, priceTick: price, qtyLot: qty, feeQuote, maker });
    this.o.deliver(t, {
      type: 'fill',
      clientOid,
      tradeId: String(++this.tradeSeq),
      side,
      priceTick: price,
      qtyLot: qty,
      feeQuote,
      maker,
      remainingLot: remaining,
    });
  }

  private fillResting(t: number, r: Resting, qty: number): void {
    r.remaining -= qty;
    if (r.remaining <= 0) {
      this.offList(r);
      this.markDone(r);
    }
    this.fill(t, r.clientOid, r.side === 1 ? 'buy' : 'sell', r.priceTick, qty, true, Math.max(0, r.remaining));
  }

  // trade() and afterBook() run for every message while an order rests: they are small enough to be inlined where the
  // loop calls them, and pass the exchange time `t` (a double: boxed in a call) on only when an order fills.
  //
  // Events are accounted in exchange-time order. Bitget (and the local exchange) publishes the depth update a match
  // causes before that match's trade, though the trade is stamped no later: the level has already shrunk by the trade
  // when it comes. Such a trade (stamped at or before the last book message that changed the order's level) is applied
  // to the order's state before that message, and the message's level is then taken again through the queue model:
  // the result is that of the trade first. A trade stamped at or before the order joined its level (a place, or an
  // amendment that re-queues it) happened before it: the level it joined showed it, and it fills nothing of the order.
  // `exch` is the message's exchange stamp as recorded (`t` is the venue clock, held monotonic).

  /** A public trade at exchange time `t` (stamped `exch`): `takerSide` 1 = a buyer took asks, 2 = a seller hit bids. */
  trade(t: number, takerSide: number, price: number, qty: number, exch = t): void {
    if (this.restingList.length === 0) return;
    this.exch = exch;
    if (this.traded(0, takerSide, price, qty) >= 0) this.tradeFills(t, takerSide, price, qty);
  }

  /** Fills of the trade, from the order at `this.at` on (traded found it must fill `this.lots`). */
  private tradeFills(t: number, takerSide: number, price: number, qty: number): void {
    const list = this.restingList;
    for (let i = this.at; i >= 0;) {
      const r = list[i];
      this.fillResting(t, r, this.lots);
      // an order that fills in full leaves the list where it stood: the next one is then at the same index
      i = this.traded(list[i] === r ? i + 1 : i, takerSide, price, qty);
    }
  }

  /**
   * A trade's effect on our orders from restingList[from] on: queue positions at its price move, until an order must
   * fill (returns its index, with the lots in `this.lots`); -1 when none does.
   */
  private traded(from: number, takerSide: number, price: number, qty: number): number {
    const list = this.restingList;
    for (let i = from; i < list.length; i++) {
      const side = this.rSide[i];
      // a taker buy trades against asks: only our sells stand in its way
      if (side === takerSide) continue;
      const at = this.rPrice[i];
      const through = side === 1 ? price < at : price > at;
      if (through) {
        // a trade that happened before the order joined fills nothing of it (the level it joined came after)
        if (this.exch <= list[i].joinExch) continue;
        this.at = i;
        this.lots = list[i].remaining;
        return i;
      }
      if (price !== at) continue;
      const r = list[i];
      // a probability queue model's estimate ahead is fractional; fills are whole lots (what is left of a lot is
      // not filled: the conservative side)
      const left = Math.floor(tradeAtPlace(r, qty, this.exch, this.o.queue) + 1e-9);
      if (left > 0) {
        this.at = i;
        this.lots = this.o.partialFills === false ? r.remaining : Math.min(r.remaining, left);
        return i;
      }
    }
    return -1;
  }

  /**
   * After a book message at exchange time `t` (stamped `exch`): queue positions follow the level sizes; a crossed
   * touch fills.
   */
  afterBook(t: number, exch = t): void {
    if (this.restingList.length === 0) return;
    this.exch = exch;
    if (this.followBook(0) >= 0) this.bookFills(t);
  }

  /** The orders the touch crossed fill, from restingList[this.at] on. */
  private bookFills(t: number): void {
    const list = this.restingList;
    for (let i = this.at; i >= 0;) {
      const r = list[i];
      this.fillResting(t, r, r.remaining);
      // an order that fills leaves the list where it stood: the next one is then at the same index
      i = this.followBook(list[i] === r ? i + 1 : i);
    }
  }

  /**
   * Queue positions of restingList[from] on follow their level sizes, until an order the touch crossed (returns its
   * index, also in `this.at`); -1 when none is.
   */
  private followBook(from: number): number {
    const list = this.restingList;
    const book = this.o.book;
    // an empty side crosses nothing
    const bid = book.bestBid() ?? -Infinity;
    const ask = book.bestAsk() ?? Infinity;
    const rSide = this.rSide;
    const rPrice = this.rPrice;
    const rLevel = this.rLevel;
    for (let i = from; i < list.length; i++) {
      const side = rSide[i];
      const price = rPrice[i];
      if (side === 1 ? ask <= price : bid >= price) {
        this.at = i;
        return i;
      }
      const q = book.qtyAt(side as 1 | 2, price);
      if (q !== rLevel[i]) {
        levelAtPlace(list[i], q, this.exch, this.o.queue);
        rLevel[i] = q;
      }
    }
    return -1;
  }
}
