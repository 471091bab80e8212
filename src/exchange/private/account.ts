// The account of the local exchange: USDT-M futures in one-way position mode with crossed margin, plus a spot
// wallet. It holds the futures balance, the positions, leverage, the spot coins (available and frozen), and answers
// what the futures side is worth (mark, unrealised PnL, position and order margin, available). It books the money of
// each fill the matching engine (matching.ts) hands it — fees, realised PnL, the position's exact cost — and never
// touches a book. Everything is exact money (money.ts) on integer ticks and lots.
import type { Instrument } from '../instruments';
import type { Publisher } from '../publisher';
import type { Venue } from '../venue';
import { Err } from './errors';
import { InstMath, ceilDiv } from './money';

/** a / b rounded toward −∞, for b > 0. */
const floorDiv = (a: bigint, b: bigint): bigint => (a >= 0n ? a / b : -((-a + b - 1n) / b));

export type Side = 'buy' | 'sell';

/** What the account needs to know of an order to price its margin and book its fills (an OwnOrder is one). */
export interface OrderTerms {
  readonly pub: Publisher;
  readonly inst: Instrument;
  readonly side: Side;
  /** Limit price in ticks; 0 for a market order. */
  readonly priceTick: number;
  readonly sizeLots: number;
  readonly filledLots: number;
  readonly quoteBudget?: bigint;
  readonly reduceOnly: boolean;
  readonly marginMode: string;
}

/** A futures position in one-way mode: signed lots, the exact cost of the open lots, and its history. */
export interface Position {
  readonly inst: Instrument;
  readonly posId: string;
  lots: number;
  /** Σ entry notional of the open lots (money, ≥ 0); average open price = cost / size. */
  cost: bigint;
  /** Realised PnL since the position opened (money). */
  realized: bigint;
  fees: bigint;
  /** Funding received at the settlements it was held through (money; negative = paid), and how many there were. */
  funding: bigint;
  settlements: number;
  marginMode: string;
  readonly cTime: number;
  uTime: number;
}

/**
 * A futures position as it stood at some moment: the position (undefined when flat) and its signed lots then (the
 * object's own `lots` moves on with later fills).
 */
export interface HeldPosition {
  readonly position: Position | undefined;
  readonly lots: number;
}

export interface CoinBalance {
  available: bigint;
  frozen: bigint;
}

export interface AccountOptions {
  /** Futures (USDT-M) wallet at start, money. */
  initialBalance: bigint;
  /** Spot wallet at start, coin → money. */
  spotBalances: ReadonlyMap<string, bigint>;
  /** Leverage of every symbol until set-leverage; and its allowed maximum. */
  leverage: number;
  maxLeverage: number;
}

/** The money of one fill: its notional, the fee paid (in the order's fee coin) and the realised PnL (futures). */
export interface FillMoney {
  readonly notional: bigint;
  readonly fee: bigint;
  readonly profit: bigint;
}

/** One settlement charged to a position: when, at what rate and mark, on how much, and the money received. */
export interface FundingCharge {
  readonly symbol: string;
  readonly atMs: number;
  /** The rate in millionths ("0.000100" = 100). */
  readonly rateMicro: number;
  /** The mark price as ticks × 2 (the mid of the book). */
  readonly mark2: number;
  readonly lots: number;
  /** Received (money; negative = paid). */
  readonly received: bigint;
  /**
   * Its bill (GET /api/v2/mix/account/bill, businessType contract_settle_fee): id, time (ms: the settlement's, on the
   * data clock the ticker's nextFundingTime counts in) and the balance after it.
   */
  readonly billId: string;
  readonly cTime: number;
  readonly balance: bigint;
}

/** Ids of Bitget's size: orders count up from ORDER_ID_BASE (matching.ts), positions from half of it. */
export const ORDER_ID_BASE = 1_390_000_000_000_000_000n;
const POSITION_ID_BASE = ORDER_ID_BASE / 2n;
/** Bill ids (funding settlements) count up from a quarter of it. */
const BILL_ID_BASE = ORDER_ID_BASE / 4n;

export class Account {
  readonly positions = new Map<string, Position>();
  readonly spot = new Map<string, CoinBalance>();
  /** Futures wallet balance (money) = initial − fees + realised PnL + funding received. */
  balance: bigint;
  readonly initialBalance: bigint;
  /** Σ futures fees and realised PnL since start (money). */
  feesPaid = 0n;
  realizedPnl = 0n;
  /** Σ funding received at settlements since start (money; negative = paid). */
  fundingReceived = 0n;
  private readonly leverageBySymbol = new Map<string, number>();
  private readonly math = new Map<Publisher, InstMath>();
  private posSeq = 0;
  private billSeq = 0;

  /**
   * @param open the orders resting in a book (the matching engine's own map, read live): their margin is frozen
   */
  constructor(
    private readonly opts: AccountOptions,
    private readonly venue: Venue,
    private readonly open: ReadonlyMap<string, OrderTerms>,
  ) {
    this.balance = opts.initialBalance;
    this.initialBalance = opts.initialBalance;
    for (const [coin, v] of opts.spotBalances) this.spot.set(coin, { available: v, frozen: 0n });
  }

  mathOf(pub: Publisher): InstMath {
    let m = this.math.get(pub);
    if (!m) this.math.set(pub, (m = new InstMath(pub.inst)));
    return m;
  }

  leverage(symbol: string): number {
    return this.leverageBySymbol.get(symbol) ?? this.opts.leverage;
  }

  get maxLeverage(): number {
    return this.opts.maxLeverage;
  }

  coin(name: string): CoinBalance {
    let b = this.spot.get(name);
    if (!b) this.spot.set(name, (b = { available: 0n, frozen: 0n }));
    return b;
  }

  /** Moves `amount` of a spot coin from available to frozen (an order holds it). */
  freeze(coin: string, amount: bigint): void {
    const b = this.coin(coin);
    b.available -= amount;
    b.frozen += amount;
  }

  /** Gives back `amount` of a frozen spot coin. */
  unfreeze(coin: string, amount: bigint): void {
    const b = this.coin(coin);
    b.frozen -= amount;
    b.available += amount;
  }

  /**
   * Sets a symbol's leverage; refused (and left as it was) when lowering it would leave less than nothing
   * available.
   */
  setLeverage(symbol: string, leverage: number): void {
    const old = this.leverageBySymbol.get(symbol);
    this.leverageBySymbol.set(symbol, leverage);
    if (leverage < (old ?? this.opts.leverage) && this.futuresSummary().available < 0n) {
      if (old === undefined) this.leverageBySymbol.delete(symbol);
      else this.leverageBySymbol.set(symbol, old);
      throw Err.leverageMargin();
    }
  }

  // ---- futures account arithmetic ----------------------------------------------------------------------------------

  /** Mark price of a symbol as ticks × 2 (the mid of the book; one side when the other is empty). */
  markTicks2(pub: Publisher): number | undefined {
    const b = pub.model.bestBid();
    const a = pub.model.bestAsk();
    if (b !== undefined && a !== undefined) return a + b;
    if (b !== undefined) return 2 * b;
    if (a !== undefined) return 2 * a;
    return undefined;
  }

  /** Unrealised PnL of a position at the mark (money). */
  unrealized(p: Position): bigint {
    const pub = this.venue.get(p.inst.instType, p.inst.symbol);
    if (!pub) throw Err.symbolUnknown(p.inst.symbol);
    const mark2 = this.markTicks2(pub);
    if (mark2 === undefined || p.lots === 0) return 0n;
    const markValue = this.mathOf(pub).notional(mark2, Math.abs(p.lots)) / 2n;
    return p.lots > 0 ? markValue - p.cost : p.cost - markValue;
  }

  positionMargin(p: Position): bigint {
    return ceilDiv(p.cost, BigInt(this.leverage(p.inst.symbol)));
  }

  /** The part of an order that would open or add to a position given the current position (one-way mode). */
  openingLots(symbol: string, side: Side, lots: number): number {
    const pos = this.positions.get(symbol)?.lots ?? 0;
    if (pos === 0 || (side === 'buy') === pos > 0) return lots;
    return Math.max(0, lots - Math.abs(pos));
  }

  /** Margin frozen by one open futures order (its opening part at its price, over the leverage). */
  orderMargin(o: OrderTerms): bigint {
    if (o.reduceOnly || o.inst.instType === 'SPOT') return 0n;
    const open = this.openingLots(o.inst.symbol, o.side, o.sizeLots - o.filledLots);
    return ceilDiv(this.mathOf(o.pub).notional(o.priceTick, open), BigInt(this.leverage(o.inst.symbol)));
  }

  futuresSummary(): { balance: bigint; unrealized: bigint; equity: bigint; positionMargin: bigint; frozen: bigint; available: bigint } {
    let unrealized = 0n;
    let positionMargin = 0n;
    for (const p of this.positions.values()) {
      unrealized += this.unrealized(p);
      positionMargin += this.positionMargin(p);
    }
    let frozen = 0n;
    for (const o of this.open.values()) frozen += this.orderMargin(o);
    const equity = this.balance + unrealized;
    return { balance: this.balance, unrealized, equity, positionMargin, frozen, available: equity - positionMargin - frozen };
  }

  /** Position size (lots) held by open reduce-only orders (Bitget's position `frozen`). */
  closingLots(p: Position): number {
    const closeSide: Side = p.lots > 0 ? 'sell' : 'buy';
    let n = 0;
    for (const o of this.open.values()) {
      if (o.reduceOnly && o.inst === p.inst && o.side === closeSide) n += o.sizeLots - o.filledLots;
    }
    return Math.min(n, Math.abs(p.lots));
  }

  // ---- funding -----------------------------------------------------------------------------------------------------

  /**
   * Charges `held`, the futures position of `pub`'s symbol as it stood at a settlement (it may have changed or closed
   * since), as Bitget does: position value at the mark × the rate, paid by longs and received by shorts when the rate
   * is positive (docs/bitget.md §1.9). Exact money when the product fits the money scale; otherwise rounded down, so a
   * payer pays the last unit and a receiver gets one less. Nothing when no position was held or no mark exists.
   */
  chargeFunding(pub: Publisher, atMs: number, rateMicro: number, now: number, held: HeldPosition): FundingCharge | null {
    const { position: p, lots } = held;
    const mark2 = this.markTicks2(pub);
    if (!p || lots === 0 || mark2 === undefined || pub.inst.instType === 'SPOT') return null;
    const value = this.mathOf(pub).notional(mark2, Math.abs(lots)) / 2n;
    const signed = lots > 0 ? -value * BigInt(rateMicro) : value * BigInt(rateMicro);
    const received = floorDiv(signed, 1_000_000n);
    p.funding += received;
    p.settlements++;
    p.uTime = now;
    this.balance += received;
    this.fundingReceived += received;
    const billId = (BILL_ID_BASE + BigInt(++this.billSeq)).toString();
    return { symbol: pub.inst.symbol, atMs, rateMicro, mark2, lots, received, billId, cTime: atMs, balance: this.balance };
  }

  /** The futures position of `symbol` now: the object (its funding and history) and its signed lots. */
  held(symbol: string): HeldPosition {
    const position = this.positions.get(symbol);
    return { position, lots: position?.lots ?? 0 };
  }

  // ---- booking fills -----------------------------------------------------------------------------------------------

  /**
   * Books the money of one fill of `o` (before the order's own filled size moves): spot coins change hands, or the
   * futures position, balance, fees and realised PnL move.
   */
  bookFill(o: OrderTerms, tick: number, lots: number, maker: boolean, now: number): FillMoney {
    const m = this.mathOf(o.pub);
    const notional = m.notional(tick, lots);
    let fee: bigint;
    let profit = 0n;
    if (o.inst.instType === 'SPOT') {
      const quote = this.coin(o.inst.quoteCoin);
      const base = this.coin(o.inst.baseCoin);
      if (o.side === 'buy') {
        const qty = m.baseQty(lots);
        fee = m.fee(qty, maker); // Bitget spot: a buy pays its fee in the coin it receives
        if (o.quoteBudget !== undefined) {
          quote.frozen -= notional;
        } else {
          const reserved = m.notional(o.priceTick, lots);
          quote.frozen -= reserved;
          quote.available += reserved - notional;
        }
        base.available += qty - fee;
      } else {
        fee = m.fee(notional, maker);
        base.frozen -= m.baseQty(lots);
        quote.available += notional - fee;
      }
    } else {
      fee = m.fee(notional, maker);
      profit = this.bookPosition(o, tick, lots, notional, fee, now);
      this.balance += profit - fee;
      this.feesPaid += fee;
      this.realizedPnl += profit;
    }
    return { notional, fee, profit };
  }

  /** Books a futures fill on the one-way position; returns the realised PnL (exact; see Position.cost). */
  private bookPosition(o: OrderTerms, tick: number, lots: number, notional: bigint, fee: bigint, now: number): bigint {
    const m = this.mathOf(o.pub);
    const symbol = o.inst.symbol;
    let p = this.positions.get(symbol);
    if (!p) {
      p = {
        inst: o.inst,
        posId: (POSITION_ID_BASE + BigInt(++this.posSeq)).toString(),
        lots: 0,
        cost: 0n,
        realized: 0n,
        fees: 0n,
        funding: 0n,
        settlements: 0,
        marginMode: o.marginMode,
        cTime: now,
        uTime: now,
      };
      this.positions.set(symbol, p);
    }
    const signed = o.side === 'buy' ? lots : -lots;
    let profit = 0n;
    if (p.lots === 0 || Math.sign(p.lots) === Math.sign(signed)) {
      p.lots += signed;
      p.cost += notional;
    } else {
      const held = Math.abs(p.lots);
      const close = Math.min(lots, held);
      // cost of the closed lots: pro rata, rounded toward zero; the last close takes whatever is left, so a round
      // trip realises exactly Σ sells − Σ buys
      const removed = close === held ? p.cost : (p.cost * BigInt(close)) / BigInt(held);
      const exit = m.notional(tick, close);
      profit = p.lots > 0 ? exit - removed : removed - exit;
      p.cost -= removed;
      p.lots += signed > 0 ? close : -close;
      p.realized += profit;
      const rest = lots - close;
      if (rest > 0) {
        // flipped: a new position opens with the rest
        this.positions.delete(symbol);
        p = {
          inst: o.inst,
          posId: (POSITION_ID_BASE + BigInt(++this.posSeq)).toString(),
          lots: signed > 0 ? rest : -rest,
          cost: m.notional(tick, rest),
          realized: 0n,
          fees: 0n,
          funding: 0n,
          settlements: 0,
          marginMode: o.marginMode,
          cTime: now,
          uTime: now,
        };
        this.positions.set(symbol, p);
      }
    }
    p.fees += fee;
    p.uTime = now;
    if (p.lots === 0) this.positions.delete(symbol);
    return profit;
  }
}
