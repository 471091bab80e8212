// Pure conversion of Bitget private pushes and REST rows into integer updates (ticks, lots), field names verbatim
// from docs/bitget.md §4.3 and §5.5. WHEN TO USE: the tracker feeds these to build FSM events; nothing
// here keeps state or reads a clock. Strings that do not fit the grid throw RB_ERR_GW_DECIMAL.
import type { Side } from '../strategy/events';
import type { InstrumentGrid } from '../feed/instruments';
import { feePaid, priceToTicks, sizeToLots } from './units';
import { flipSide, type PendingOrderRow, type PositionRow } from './wire';

export type OrderStatus = 'live' | 'partially_filled' | 'filled' | 'canceled';

export interface TradeUpdate {
  tradeId: string;
  priceTick: number;
  qtyLot: number;
  /** Quote paid: positive = fee, negative = rebate. */
  feeQuote: number;
  maker: boolean;
}

/** One `orders` push row. */
export interface OrderUpdate {
  symbol: string;
  orderId: string;
  clientOid: string;
  status: OrderStatus | string;
  /** The trade's direction (hedge-mode closes flipped back, see `tradeDirection`). */
  side: Side;
  sizeLot: number;
  /** 0 for market orders (Bitget sends price "0"). */
  priceTick: number;
  accFilledLot: number;
  /** The fill this push reports (fillPrice/baseVolume/tradeId), when it has one. */
  trade?: TradeUpdate;
}

/** One `fill` push row. */
export interface FillUpdate extends TradeUpdate {
  symbol: string;
  orderId: string;
  /** Present in the current docs' sample, absent in older ones. */
  clientOid?: string;
  side: Side;
}

export interface PositionUpdate {
  symbol: string;
  holdSide: 'long' | 'short';
  totalLot: number;
}

export interface PendingOrder {
  orderId: string;
  clientOid: string;
  side: Side;
  priceTick: number;
  sizeLot: number;
  filledLot: number;
}

export function normaliseStatus(s: unknown): OrderStatus | string {
  return s === 'cancelled' ? 'canceled' : String(s);
}

/**
 * The trade's real direction. In hedge mode a close is sent and pushed with `side` naming the position
 * (close long: side=buy, tradeSide=close), so it is flipped back; one-way rows (`buy_single`, …) are as they say.
 * The `fill` channel already reports the trade's direction (docs: close long → sell), so it is not flipped.
 */
export function tradeDirection(side: unknown, tradeSide: unknown): Side {
  if (side !== 'buy' && side !== 'sell') throw new Error(`RB_ERR_GW_PUSH: side ${JSON.stringify(side)}`);
  return tradeSide === 'close' ? flipSide(side) : side;
}

const isMaker = (scope: unknown) => typeof scope === 'string' && /^m/i.test(scope);
const present = (v: unknown) => v !== undefined && v !== null && v !== '';

/** Price of a row: "0" (market orders) → 0 ticks, anything else exactly on the grid. */
function priceOrZero(grid: InstrumentGrid, text: unknown, what: string): number {
  if (!present(text)) return 0;
  return /^0+(\.0+)?$/.test(String(text)) ? 0 : priceToTicks(grid, text, what);
}

/**
 * A row's client order id. Bitget's own sample of the futures `orders` push spells the key `clientOId` while captured
 * pushes and the REST answers spell it `clientOid` (docs/bitget.md §4.3): take either.
 */
function clientOidOf(row: Record<string, unknown>): unknown {
  return row.clientOid ?? row.clientOId;
}

function lotsOrZero(grid: InstrumentGrid, text: unknown, what: string): number {
  return present(text) ? sizeToLots(grid, text, what) : 0;
}

/** A futures `orders` push row (§4.3). */
export function parseOrderRow(row: Record<string, unknown>, grid: InstrumentGrid): OrderUpdate {
  const oid = String(row.orderId ?? '');
  const what = (f: string) => `orders ${oid} ${f}`;
  const u: OrderUpdate = {
    symbol: String(row.instId ?? row.symbol ?? ''),
    orderId: oid,
    clientOid: String(clientOidOf(row) ?? ''),
    status: normaliseStatus(row.status),
    side: tradeDirection(row.side, row.tradeSide),
    sizeLot: sizeToLots(grid, row.size, what('size')),
    priceTick: priceOrZero(grid, row.price, what('price')),
    accFilledLot: lotsOrZero(grid, row.accBaseVolume, what('accBaseVolume')),
  };
  if (present(row.tradeId) && present(row.fillPrice) && present(row.baseVolume)) {
    const qtyLot = sizeToLots(grid, row.baseVolume, what('baseVolume'));
    if (qtyLot > 0) {
      u.trade = {
        tradeId: String(row.tradeId),
        priceTick: priceToTicks(grid, row.fillPrice, what('fillPrice')),
        qtyLot,
        feeQuote: feePaid(row.fillFee),
        maker: isMaker(row.tradeScope),
      };
    }
  }
  return u;
}

/** A futures `fill` push row (§4.3): price/baseVolume, fee in feeDetail[].totalFee. */
export function parseFillRow(row: Record<string, unknown>, grid: InstrumentGrid): FillUpdate {
  const tid = String(row.tradeId ?? '');
  const what = (f: string) => `fill ${tid} ${f}`;
  const details = Array.isArray(row.feeDetail) ? (row.feeDetail as Array<Record<string, unknown>>) : [];
  let fee = 0;
  for (const d of details) fee += feePaid(d.totalFee ?? d.fee);
  const side = row.side;
  if (side !== 'buy' && side !== 'sell') throw new Error(`RB_ERR_GW_PUSH: fill ${tid} side ${JSON.stringify(side)}`);
  return {
    symbol: String(row.symbol ?? row.instId ?? ''),
    orderId: String(row.orderId ?? ''),
    clientOid: present(clientOidOf(row)) ? String(clientOidOf(row)) : undefined,
    side,
    tradeId: tid,
    priceTick: priceToTicks(grid, row.price ?? row.priceAvg, what('price')),
    qtyLot: sizeToLots(grid, row.baseVolume ?? row.size, what('baseVolume')),
    feeQuote: fee,
    maker: isMaker(row.tradeScope),
  };
}

/** A `positions` push row or a REST position row. */
export function parsePositionRow(row: Record<string, unknown> | PositionRow, grid: InstrumentGrid): PositionUpdate {
  const holdSide = row.holdSide;
  if (holdSide !== 'long' && holdSide !== 'short') throw new Error(`RB_ERR_GW_PUSH: holdSide ${JSON.stringify(holdSide)}`);
  return {
    symbol: String(row.instId ?? row.symbol ?? ''),
    holdSide,
    totalLot: lotsOrZero(grid, row.total, `${grid.symbol} position total`),
  };
}

/** Signed position in lots from position rows of one symbol: long totals − short totals. */
export function signedPositionLot(rows: PositionUpdate[]): number {
  let n = 0;
  for (const r of rows) n += r.holdSide === 'long' ? r.totalLot : -r.totalLot;
  return n;
}

/** A row of orders-pending `entrustedList`. */
export function parsePendingRow(row: PendingOrderRow, grid: InstrumentGrid): PendingOrder {
  const what = (f: string) => `pending ${row.orderId} ${f}`;
  return {
    orderId: String(row.orderId),
    clientOid: String(row.clientOid ?? ''),
    side: tradeDirection(row.side, row.tradeSide),
    priceTick: priceOrZero(grid, row.price, what('price')),
    sizeLot: sizeToLots(grid, row.size, what('size')),
    filledLot: lotsOrZero(grid, row.baseVolume, what('baseVolume')),
  };
}
