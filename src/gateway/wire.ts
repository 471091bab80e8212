// Bitget v2 private REST on the wire: the endpoint table (path, method, client-side budget) and the request and
// response shapes, field names verbatim (docs/bitget.md §5.4, §5.5). Prices and sizes are decimal strings
// here and only here; `placeOrderRequest` makes them from ticks and lots through the instrument grid.
import type { Action, Side } from '../strategy/events';
import type { InstrumentGrid } from '../feed/instruments';
import type { RateLimit } from './rate-limit';
import { lotsToSize, ticksToPrice } from './units';

export interface EndpointSpec {
  method: 'GET' | 'POST';
  path: string;
  /** Signed (private) endpoint. */
  signed: boolean;
  /** Client-side budget: at most `limit` requests per `windowMs` (Bitget's per-UID limit or below it). */
  budget: RateLimit;
}

const per1s = (limit: number): RateLimit => ({ limit, windowMs: 1000 });

export const ENDPOINTS = {
  /** 20/s/IP. Unsigned, no paptrading header (as CCXT). */
  serverTime: { method: 'GET', path: '/api/v2/public/time', signed: false, budget: per1s(20) },
  /** 10/s/UID (1/s for copy-trade traders). */
  placeOrder: { method: 'POST', path: '/api/v2/mix/order/place-order', signed: true, budget: per1s(10) },
  /** 10/s/UID. */
  cancelOrder: { method: 'POST', path: '/api/v2/mix/order/cancel-order', signed: true, budget: per1s(10) },
  /** 10/s/UID. Cancels every open order of the product type (all symbols). */
  cancelAllOrders: { method: 'POST', path: '/api/v2/mix/order/cancel-all-orders', signed: true, budget: per1s(10) },
  /** 10/s/UID. Cancels and places anew (queue place lost) under newClientOid (§5.7). */
  modifyOrder: { method: 'POST', path: '/api/v2/mix/order/modify-order', signed: true, budget: per1s(10) },
  /** Up to 50 orders of one symbol. 10/s/UID on one revision of the page, 5/s on the newer: held at 5 (§5.7). */
  batchPlaceOrder: { method: 'POST', path: '/api/v2/mix/order/batch-place-order', signed: true, budget: per1s(5) },
  /** 10/s/UID. Up to 50 orders of one symbol. */
  batchCancelOrders: { method: 'POST', path: '/api/v2/mix/order/batch-cancel-orders', signed: true, budget: per1s(10) },
  /** 10/s/UID. */
  ordersPending: { method: 'GET', path: '/api/v2/mix/order/orders-pending', signed: true, budget: per1s(10) },
  /** 10/s/UID. */
  orderDetail: { method: 'GET', path: '/api/v2/mix/order/detail', signed: true, budget: per1s(10) },
  /** 10/s/UID; at most 100 fills a page. Fill history: how fills missed while the private stream was down are recovered. */
  orderFills: { method: 'GET', path: '/api/v2/mix/order/fills', signed: true, budget: per1s(10) },
  /** 5/s/UID. */
  allPosition: { method: 'GET', path: '/api/v2/mix/position/all-position', signed: true, budget: per1s(5) },
  /** 10/s/UID per the docs; held at 5/s like all-position. */
  singlePosition: { method: 'GET', path: '/api/v2/mix/position/single-position', signed: true, budget: per1s(5) },
  /** 5/s/UID. */
  setLeverage: { method: 'POST', path: '/api/v2/mix/account/set-leverage', signed: true, budget: per1s(5) },
  /** 10/s/UID. */
  account: { method: 'GET', path: '/api/v2/mix/account/account', signed: true, budget: per1s(10) },
  /** 10/s/UID. The account's bills, newest first: funding settlements are businessType contract_settle_fee (§5.9). */
  accountBill: { method: 'GET', path: '/api/v2/mix/account/bill', signed: true, budget: per1s(10) },
  /** 10/s/UID. */
  spotPlaceOrder: { method: 'POST', path: '/api/v2/spot/trade/place-order', signed: true, budget: per1s(10) },
  /** 10/s/UID. */
  spotCancelOrder: { method: 'POST', path: '/api/v2/spot/trade/cancel-order', signed: true, budget: per1s(10) },
  /** 20/s/UID on the page; kept at 10/s. */
  spotUnfilledOrders: { method: 'GET', path: '/api/v2/spot/trade/unfilled-orders', signed: true, budget: per1s(10) },
} as const satisfies Record<string, EndpointSpec>;

export type EndpointName = keyof typeof ENDPOINTS;

/** One row of GET /api/v2/mix/account/bill (§5.9): money as decimal strings, `amount` signed (negative = paid). */
export interface AccountBillRow {
  billId: string;
  symbol: string;
  amount: string;
  fee: string;
  businessType: string;
  coin: string;
  cTime: string;
  [k: string]: unknown;
}

export type ProductType = 'USDT-FUTURES' | 'COIN-FUTURES' | 'USDC-FUTURES' | 'SUSDT-FUTURES' | 'SCOIN-FUTURES' | 'SUSDC-FUTURES';
export type MarginMode = 'isolated' | 'crossed';
export type PosMode = 'one_way_mode' | 'hedge_mode';
/** Plain decimal string ("0.01"): made by units.ts from lots/ticks, never from a float. */
export type DecimalString = string;

/** POST /api/v2/mix/order/place-order body, keys in the documented order (the body is signed as sent). */
export interface FuturesPlaceOrderRequest {
  symbol: string;
  productType: ProductType;
  marginMode: MarginMode;
  marginCoin: string;
  size: DecimalString;
  price?: DecimalString;
  side: Side;
  /** Hedge mode only: open | close (side then names the position's direction, §5.5). */
  tradeSide?: 'open' | 'close';
  orderType: 'limit' | 'market';
  /** Lowercase; required for limit orders, omitted for market orders. */
  force?: 'gtc' | 'ioc' | 'fok' | 'post_only';
  /** Always sent (≤ 50 characters here; Bitget's 40305 allows 64): the only handle when the response carries no orderId. */
  clientOid: string;
  /** One-way mode only. */
  reduceOnly?: 'YES' | 'NO';
  stpMode?: 'none' | 'cancel_taker' | 'cancel_maker' | 'cancel_both';
}

/** One order of a batch-place-order `orderList`: the place-order fields that are not the request's own. */
export type BatchOrderEntry = Omit<FuturesPlaceOrderRequest, 'symbol' | 'productType' | 'marginMode' | 'marginCoin'>;

/** POST /api/v2/mix/order/batch-place-order body (§5.7). */
export interface BatchPlaceOrderRequest {
  symbol: string;
  productType: ProductType;
  marginMode: MarginMode;
  marginCoin: string;
  orderList: BatchOrderEntry[];
}

/** POST /api/v2/mix/order/modify-order body (§5.7): the gateway always sends both newSize and newPrice. */
export interface ModifyOrderRequest {
  symbol: string;
  productType: ProductType;
  marginCoin: string;
  orderId?: string;
  clientOid?: string;
  newClientOid: string;
  newSize: DecimalString;
  newPrice: DecimalString;
}

export interface OrderIds {
  orderId: string;
  clientOid: string;
}

export interface CancelOrderRequest {
  symbol: string;
  productType: ProductType;
  marginCoin?: string;
  orderId?: string;
  clientOid?: string;
}

/** The answer of batch-cancel-orders, cancel-all-orders and batch-place-order: one row per order. */
export interface BatchCancelResult {
  successList: OrderIds[];
  failureList: Array<OrderIds & { errorMsg?: string; errorCode?: string }>;
}
export type BatchPlaceResult = BatchCancelResult;

/** A row of orders-pending `entrustedList` / order detail (strings as Bitget sends them). */
export interface PendingOrderRow {
  symbol: string;
  size: string;
  orderId: string;
  clientOid: string;
  baseVolume?: string;
  price?: string;
  priceAvg?: string;
  status: string;
  side: Side;
  force?: string;
  posSide?: string;
  tradeSide?: string;
  posMode?: string;
  orderType?: string;
  reduceOnly?: string;
  cTime?: string;
  uTime?: string;
  [field: string]: unknown;
}

export interface OrdersPendingResult {
  entrustedList: PendingOrderRow[] | null;
  endId?: string | null;
}

/** A row of all-position / single-position. */
export interface PositionRow {
  symbol: string;
  marginCoin: string;
  holdSide: 'long' | 'short';
  total: string;
  available?: string;
  locked?: string;
  openPriceAvg?: string;
  posMode?: string;
  marginMode?: string;
  unrealizedPL?: string;
  [field: string]: unknown;
}

export interface SpotPlaceOrderRequest {
  symbol: string;
  side: Side;
  orderType: 'limit' | 'market';
  force: 'gtc' | 'ioc' | 'fok' | 'post_only';
  price?: DecimalString;
  /** Base amount, except a market buy: quote amount (§5.5). */
  size: DecimalString;
  clientOid: string;
  stpMode?: 'none' | 'cancel_taker' | 'cancel_maker' | 'cancel_both';
}

/** What the gateway needs to turn a `place` action into a request body. */
export interface OrderVenueConfig {
  grid: InstrumentGrid;
  productType: ProductType;
  marginCoin: string;
  marginMode: MarginMode;
  posMode: PosMode;
}

export const MAX_CLIENT_OID = 50;
const CLIENT_OID = /^[A-Za-z0-9_\-#.:]{1,50}$/;

export const flipSide = (s: Side): Side => (s === 'buy' ? 'sell' : 'buy');

/** Local validation of a place action; returns a reason or null. */
export function placeProblem(a: Extract<Action, { type: 'place' }>): string | null {
  if (!CLIENT_OID.test(a.clientOid)) return `clientOid "${a.clientOid}" must be 1–${MAX_CLIENT_OID} characters of [A-Za-z0-9_-#.:]`;
  if (a.side !== 'buy' && a.side !== 'sell') return `side "${a.side}"`;
  if (!Number.isSafeInteger(a.qtyLot) || a.qtyLot <= 0) return `qtyLot ${a.qtyLot} is not a positive whole number`;
  if (a.orderType === 'limit') {
    if (a.priceTick === undefined || !Number.isSafeInteger(a.priceTick) || a.priceTick <= 0)
      return `limit order needs a positive whole priceTick (got ${a.priceTick})`;
    if (!['gtc', 'ioc', 'fok', 'post_only'].includes(a.force)) return `force "${a.force}"`;
  } else if (a.orderType !== 'market') {
    return `orderType "${a.orderType}"`;
  }
  return null;
}

/**
 * The place-order body for an FSM `place` action. One-way mode: `side` is the trade's direction and
 * `reduceOnly` is YES/NO. Hedge mode: `tradeSide` open/close and, when closing, `side` names the position being
 * closed — a reduce-only sell closes a long, so it is sent as side=buy, tradeSide=close (§5.5).
 */
/** One entry of a batch-place-order `orderList` for a `place` action (the fields placeOrderRequest makes, less the request's). */
export function batchOrderEntry(a: Extract<Action, { type: 'place' }>, cfg: OrderVenueConfig): BatchOrderEntry {
  const { symbol: _s, productType: _p, marginMode: _m, marginCoin: _c, ...entry } = placeOrderRequest(a, cfg);
  return entry;
}

export function placeOrderRequest(a: Extract<Action, { type: 'place' }>, cfg: OrderVenueConfig): FuturesPlaceOrderRequest {
  const hedge = cfg.posMode === 'hedge_mode';
  const limit = a.orderType === 'limit';
  // fields added in the body's order and only when present (no undefined to delete: an object that had properties
  // deleted is slower to build and to stringify, on the order's path)
  const req = {
    symbol: cfg.grid.symbol,
    productType: cfg.productType,
    marginMode: cfg.marginMode,
    marginCoin: cfg.marginCoin,
    size: lotsToSize(cfg.grid, a.qtyLot),
  } as FuturesPlaceOrderRequest;
  if (limit) req.price = ticksToPrice(cfg.grid, a.priceTick!);
  req.side = hedge && a.reduceOnly ? flipSide(a.side) : a.side;
  if (hedge) req.tradeSide = a.reduceOnly ? 'close' : 'open';
  req.orderType = a.orderType;
  if (limit && a.force !== undefined) req.force = a.force;
  req.clientOid = a.clientOid;
  if (!hedge) req.reduceOnly = a.reduceOnly ? 'YES' : 'NO';
  return req;
}
