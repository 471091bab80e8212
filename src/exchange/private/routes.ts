// The signed Bitget v2 private REST routes (docs/bitget.md §5): USDT-M futures orders, positions, leverage
// and account, spot orders and assets, plus the unsigned debug routes. Each route: verify the signature (auth.ts),
// count it against its per-endpoint limit (HTTP 429, code "429"), read and check the parameters onto the integer
// grid (40019/40020/40034, size 40808, price 41103), then ask the engine. Errors are Bitget envelopes.
// WHEN TO USE: registered by the trading plugin (plugin.ts) on the exchange's router.
import type { InstType } from '../instruments';
import { formatPrice, formatSize, parseScaled } from '../format';
import type { Router, RestRequest, RestResponse } from '../router';
import { fail, ok } from '../public-rest';
import type { Venue } from '../venue';
import { verifyRest, type AuthOptions } from './auth';
import type { Side } from './account';
import type { Force, OwnOrder, PlaceRequest, TradingEngine } from './matching';
import { ApiError, Err } from './errors';
import { MONEY_SCALE, pow10, money } from './money';
import { accountRow, debugAccount, futuresOrderRow, positionRow, spotAssetRows, spotOrderRow } from './render';

/** Requests per second per endpoint and API key (Bitget's per-UID limits, §5.4). */
export const RATE_LIMITS: Readonly<Record<string, number>> = {
  '/api/v2/mix/order/place-order': 10,
  '/api/v2/mix/order/cancel-order': 10,
  '/api/v2/mix/order/cancel-all-orders': 10,
  '/api/v2/mix/order/batch-cancel-orders': 10,
  '/api/v2/mix/order/modify-order': 10,
  '/api/v2/mix/order/batch-place-order': 5,
  '/api/v2/mix/order/orders-pending': 10,
  '/api/v2/mix/order/detail': 10,
  '/api/v2/mix/order/fills': 10,
  '/api/v2/mix/position/all-position': 5,
  '/api/v2/mix/position/single-position': 10,
  '/api/v2/mix/account/set-leverage': 5,
  '/api/v2/mix/account/account': 10,
  '/api/v2/mix/account/accounts': 10,
  '/api/v2/mix/account/bill': 10,
  '/api/v2/spot/trade/place-order': 10,
  '/api/v2/spot/trade/cancel-order': 10,
  '/api/v2/spot/trade/unfilled-orders': 10,
  '/api/v2/spot/account/assets': 10,
};

const JSON_TYPE = { 'content-type': 'application/json' };
const PRODUCT_TYPES = ['USDT-FUTURES', 'COIN-FUTURES', 'USDC-FUTURES'];
const SIMULATED_PRODUCT_TYPES = ['SUSDT-FUTURES', 'SCOIN-FUTURES', 'SUSDC-FUTURES'];
const FORCES: readonly Force[] = ['gtc', 'ioc', 'fok', 'post_only'];

export interface PrivateRestOptions {
  venue: Venue;
  engine: TradingEngine;
  auth: AuthOptions;
  /** Per-endpoint limits on (default RATE_LIMITS); false = off. */
  rateLimits: boolean;
  /** Monotonic ms for the rate windows. */
  rateNow: () => number;
}

/** Sliding one-second windows per key and endpoint. */
class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  constructor(private readonly now: () => number) {}

  check(key: string, limit: number): void {
    const t = this.now();
    let w = this.hits.get(key);
    if (!w) this.hits.set(key, (w = []));
    while (w.length > 0 && w[0] <= t - 1000) w.shift();
    if (w.length >= limit) throw Err.rateLimited();
    w.push(t);
  }
}

/** Request parameters: the query of a GET, the JSON body of a POST; values as strings (`raw` for arrays). */
class Params {
  private constructor(
    private readonly get_: (name: string) => string | undefined,
    readonly raw: (name: string) => unknown = () => undefined,
  ) {}

  static of(req: RestRequest): Params {
    if (req.method.toUpperCase() === 'GET') return new Params((n) => req.query.get(n) ?? undefined);
    if (req.body.trim() === '') return new Params(() => undefined);
    let body: unknown;
    try {
      body = JSON.parse(req.body);
    } catch {
      throw Err.badJson();
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw Err.badJson();
    return Params.ofObject(body as Record<string, unknown>);
  }

  /** The parameters of a JSON object (a POST body, or one entry of a batch's list). */
  static ofObject(o: Record<string, unknown>): Params {
    return new Params(
      (n) => {
        const v = o[n];
        if (typeof v === 'string') return v;
        if (typeof v === 'number' || typeof v === 'boolean') return String(v);
        return undefined;
      },
      (n) => o[n],
    );
  }

  opt(name: string): string | undefined {
    const v = this.get_(name);
    return v === undefined || v === '' ? undefined : v;
  }

  req(name: string): string {
    const v = this.opt(name);
    if (v === undefined) throw Err.paramEmpty(name);
    return v;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback?: T): T {
    const v = fallback === undefined ? this.req(name) : this.opt(name);
    if (v === undefined) return fallback!;
    const low = v.toLowerCase();
    if (!(allowed as readonly string[]).includes(low)) throw Err.paramError(name);
    return low as T;
  }
}

/** productType (case-insensitive). The simulated-coin types (SUSDT-…) belong to the live environment: 40099. */
function productType(p: Params): InstType {
  const up = p.req('productType').toUpperCase();
  if (SIMULATED_PRODUCT_TYPES.includes(up)) throw Err.environment();
  if (!PRODUCT_TYPES.includes(up)) throw Err.paramError('productType');
  return up as InstType; // COIN-/USDC-FUTURES list nothing here: their symbols are unknown, their lists empty
}

/** A ms time parameter (startTime, endTime): digits only. */
function optMs(p: Params, name: string): number | undefined {
  const v = p.opt(name);
  if (v === undefined) return undefined;
  if (!/^\d{1,15}$/.test(v)) throw Err.paramError(name);
  return Number(v);
}

/** The longest startTime..endTime of a bill query (Bitget: "should be <= 30 days"). */
const BILL_WINDOW_MS = 30 * 24 * 3600 * 1000;

function marginCoin(p: Params, required: boolean): void {
  const v = required ? p.req('marginCoin') : p.opt('marginCoin');
  if (v !== undefined && v.toUpperCase() !== 'USDT') throw Err.paramError('marginCoin');
}

const DECIMAL = /^\d+(?:\.\d+)?$/;

function decimals(text: string): number {
  const frac = text.split('.')[1] ?? '';
  return frac.replace(/0+$/, '').length;
}

/** A size on the instrument's lot grid: too many decimals or off the sizeMultiplier grid → 40808; below min → 45111. */
function parseLots(e: TradingEngine, instType: InstType, symbol: string, text: string): number {
  const inst = e.publisher(instType, symbol).inst;
  if (!DECIMAL.test(text)) throw Err.paramError('size');
  if (decimals(text) > inst.sizeScale) throw Err.sizeScale(text, inst.sizeScale);
  const scaled = parseScaled(text, inst.sizeScale);
  if (scaled % inst.sizeStep !== 0n) throw Err.sizeScale(text, inst.sizeScale);
  const lots = scaled / inst.sizeStep;
  const minLots = parseScaled(inst.minTradeNum, inst.sizeScale) / inst.sizeStep;
  if (lots === 0n || lots < minLots) throw Err.minSize(inst.minTradeNum);
  if (lots > BigInt(Number.MAX_SAFE_INTEGER)) throw Err.paramError('size');
  return Number(lots);
}

/** A price on the tick grid: too many decimals or off priceEndStep → 41103; zero → 43011. */
function parseTicks(e: TradingEngine, instType: InstType, symbol: string, text: string): number {
  const inst = e.publisher(instType, symbol).inst;
  if (!DECIMAL.test(text)) throw Err.paramError('price');
  if (decimals(text) > inst.priceScale) throw Err.priceScale();
  const scaled = parseScaled(text, inst.priceScale);
  if (scaled === 0n) throw Err.priceNotPositive();
  if (scaled % inst.priceStep !== 0n) throw Err.priceScale();
  const ticks = scaled / inst.priceStep;
  if (ticks > BigInt(Number.MAX_SAFE_INTEGER)) throw Err.paramError('price');
  return Number(ticks);
}

function symbolOf(p: Params, required: true): string;
function symbolOf(p: Params, required: false): string | undefined;
function symbolOf(p: Params, required: boolean): string | undefined {
  const v = required ? p.req('symbol') : p.opt('symbol');
  return v?.toUpperCase();
}

function idOf(o: OwnOrder): string {
  return JSON.stringify({ orderId: o.orderId, clientOid: o.clientOid });
}

export function registerPrivateRest(router: Router, o: PrivateRestOptions): void {
  const { venue, engine: e } = o;
  const limiter = new RateLimiter(o.rateNow);

  /** A signed route: auth, then the rate limit, then the handler's data JSON in Bitget's envelope. */
  const signed = (method: 'GET' | 'POST', path: string, handler: (p: Params, req: RestRequest) => string) => {
    router.add(method, path, (req): RestResponse => {
      const t = venue.exchNow();
      try {
        const err = verifyRest(req, o.auth, t);
        if (err) throw err;
        if (o.rateLimits) limiter.check(`${o.auth.credentials.apiKey} ${path}`, RATE_LIMITS[path] ?? 10);
        return ok(t, handler(Params.of(req), req));
      } catch (x) {
        if (x instanceof ApiError) return fail(x.status, x.code, x.message, t);
        throw x;
      }
    });
  };

  // ---- USDT-M futures ------------------------------------------------------------------------------------------

  /** One futures order's own fields (a place-order body, or one entry of a batch's orderList), parsed onto the grid. */
  const futuresOrder = (p: Params, instType: InstType, symbol: string, marginMode: string): PlaceRequest => {
    const side = p.oneOf<Side>('side', ['buy', 'sell']);
    const orderType = p.oneOf('orderType', ['limit', 'market'] as const);
    const sizeLots = parseLots(e, instType, symbol, p.req('size'));
    const priceTick = orderType === 'limit' ? parseTicks(e, instType, symbol, p.req('price')) : undefined;
    const force = p.oneOf<Force>('force', FORCES, 'gtc');
    const reduceOnly = p.oneOf('reduceOnly', ['yes', 'no'] as const, 'no') === 'yes';
    // tradeSide (open/close) is a hedge-mode field; in one-way mode Bitget ignores it, so does this venue
    return { instType, symbol, side, orderType, force, priceTick, sizeLots, reduceOnly, clientOid: p.opt('clientOid'), marginMode };
  };

  signed('POST', '/api/v2/mix/order/place-order', (p) => {
    const symbol = symbolOf(p, true);
    const instType = productType(p);
    e.publisher(instType, symbol);
    const marginMode = p.oneOf('marginMode', ['isolated', 'crossed']);
    marginCoin(p, true);
    const order = e.place(futuresOrder(p, instType, symbol, marginMode));
    return JSON.stringify({ clientOid: order.clientOid, orderId: order.orderId });
  });

  // Bitget's batch order (docs/bitget.md §5.7): the request's own fields are checked first (a failure there answers
  // the whole request); then each order is placed in list order, and an order that fails lands in failureList with
  // its code and message while the others go on. Up to 50 orders of one symbol.
  signed('POST', '/api/v2/mix/order/batch-place-order', (p) => {
    const symbol = symbolOf(p, true);
    const instType = productType(p);
    e.publisher(instType, symbol);
    const marginMode = p.oneOf('marginMode', ['isolated', 'crossed']);
    marginCoin(p, true);
    const list = p.raw('orderList');
    if (list === undefined || list === null || (Array.isArray(list) && list.length === 0)) throw Err.paramEmpty('orderList');
    if (!Array.isArray(list) || list.length > 50) throw Err.paramError('orderList');
    const ok: string[] = [];
    const failed: string[] = [];
    for (const item of list) {
      const fields = item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : {};
      const clientOid = typeof fields.clientOid === 'string' ? fields.clientOid : '';
      try {
        if (fields !== item) throw Err.badJson();
        const order = e.place(futuresOrder(Params.ofObject(fields), instType, symbol, marginMode));
        ok.push(JSON.stringify({ orderId: order.orderId, clientOid: order.clientOid }));
      } catch (x) {
        if (!(x instanceof ApiError)) throw x;
        failed.push(JSON.stringify({ orderId: '', clientOid, errorMsg: x.message, errorCode: x.code }));
      }
    }
    return `{"successList":[${ok.join(',')}],"failureList":[${failed.join(',')}]}`;
  });

  // Bitget's modify order (docs/bitget.md §5.7): newClientOid is required; newPrice/newSize left out keep the order's
  // own. orderId prevails over clientOid. The answer names the order modified and the clientOid it now trades under.
  signed('POST', '/api/v2/mix/order/modify-order', (p) => {
    const symbol = symbolOf(p, true);
    const instType = productType(p);
    e.publisher(instType, symbol);
    marginCoin(p, false);
    const orderId = p.opt('orderId');
    const clientOid = p.opt('clientOid');
    if (!orderId && !clientOid) throw Err.paramEmpty('orderId');
    const order = orderId ? e.find(instType, symbol, orderId) : e.find(instType, symbol, undefined, clientOid);
    const newClientOid = p.req('newClientOid');
    const sizeText = p.opt('newSize');
    const priceText = p.opt('newPrice');
    if (sizeText === undefined && priceText === undefined) throw Err.paramEmpty('newSize');
    if (!order) throw Err.orderUnknown();
    const amended = e.amend(order, {
      newClientOid,
      sizeLots: sizeText === undefined ? undefined : parseLots(e, instType, symbol, sizeText),
      priceTick: priceText === undefined ? undefined : parseTicks(e, instType, symbol, priceText),
    });
    return JSON.stringify({ orderId: order.orderId, clientOid: amended.clientOid });
  });

  const findOrder = (p: Params, instType: InstType, symbol: string | undefined, unknown: () => ApiError): OwnOrder => {
    const orderId = p.opt('orderId');
    const clientOid = p.opt('clientOid');
    if (!orderId && !clientOid) throw Err.paramEmpty('orderId');
    const order = e.find(instType, symbol, orderId, clientOid);
    if (!order) throw unknown();
    return order;
  };

  signed('POST', '/api/v2/mix/order/cancel-order', (p) => {
    const symbol = symbolOf(p, true);
    const instType = productType(p);
    e.publisher(instType, symbol);
    marginCoin(p, false);
    const order = findOrder(p, instType, symbol, Err.orderUnknown);
    e.cancel(order);
    return idOf(order);
  });

  // Bitget's cancel-all-orders takes no symbol: it cancels every open order of the product type (a `symbol` sent
  // anyway is ignored). batch-cancel-orders is the per-symbol tool.
  signed('POST', '/api/v2/mix/order/cancel-all-orders', (p) => {
    const instType = productType(p);
    marginCoin(p, false);
    const done = instType === 'USDT-FUTURES' ? e.cancelAll(instType) : [];
    return `{"successList":[${done.map(idOf).join(',')}],"failureList":[]}`;
  });

  signed('POST', '/api/v2/mix/order/batch-cancel-orders', (p) => {
    const symbol = symbolOf(p, true);
    const instType = productType(p);
    marginCoin(p, false);
    e.publisher(instType, symbol);
    const list = p.raw('orderIdList');
    // Without a list Bitget cancels every open order of the symbol (the docs: "cancel by product type and trading pair")
    if (list === undefined || list === null || (Array.isArray(list) && list.length === 0)) {
      const done = e.cancelAll(instType, symbol);
      return `{"successList":[${done.map(idOf).join(',')}],"failureList":[]}`;
    }
    if (!Array.isArray(list) || list.length > 50) throw Err.paramError('orderIdList');
    const ok: string[] = [];
    const failed: string[] = [];
    for (const item of list) {
      const ids = (item ?? {}) as { orderId?: unknown; clientOid?: unknown };
      const orderId = typeof ids.orderId === 'string' && ids.orderId ? ids.orderId : undefined;
      const clientOid = typeof ids.clientOid === 'string' && ids.clientOid ? ids.clientOid : undefined;
      const order = orderId || clientOid ? e.find(instType, symbol, orderId, clientOid) : undefined;
      if (order && e.open.has(order.orderId)) {
        e.cancel(order);
        ok.push(idOf(order));
      } else {
        const err = Err.orderUnknown();
        failed.push(JSON.stringify({ orderId: orderId ?? '', clientOid: clientOid ?? '', errorMsg: err.message, errorCode: err.code }));
      }
    }
    return `{"successList":[${ok.join(',')}],"failureList":[${failed.join(',')}]}`;
  });

  signed('GET', '/api/v2/mix/order/orders-pending', (p) => {
    const instType = productType(p);
    const symbol = symbolOf(p, false);
    if (symbol) e.publisher(instType, symbol);
    const status = p.opt('status') ? p.oneOf('status', ['live', 'partially_filled'] as const) : undefined;
    const orderId = p.opt('orderId');
    const clientOid = p.opt('clientOid');
    const limitText = p.opt('limit') ?? '100';
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1) throw Err.paramError('limit');
    const below = p.opt('idLessThan'); // the cursor: the previous page's endId
    if (below !== undefined && !/^\d+$/.test(below)) throw Err.paramError('idLessThan');
    const list = (instType === 'USDT-FUTURES' ? e.openOrders(instType, symbol) : [])
      .filter((x) => (!status || x.status === status) && (!orderId || x.orderId === orderId) && (!clientOid || x.clientOid === clientOid))
      .filter((x) => below === undefined || BigInt(x.orderId) < BigInt(below))
      .reverse() // newest first
      .slice(0, Math.min(limit, 100));
    if (list.length === 0) return '{"entrustedList":null,"endId":null}';
    return JSON.stringify({ entrustedList: list.map((x) => futuresOrderRow(e, x, false)), endId: list[list.length - 1].orderId });
  });

  signed('GET', '/api/v2/mix/order/detail', (p) => {
    const symbol = symbolOf(p, true);
    const instType = productType(p);
    e.publisher(instType, symbol);
    return JSON.stringify(futuresOrderRow(e, findOrder(p, instType, symbol, Err.orderUnknown), true));
  });

  // Fill history (newest first), what a client reads to recover fills it missed while its private stream was down.
  signed('GET', '/api/v2/mix/order/fills', (p) => {
    const instType = productType(p);
    const symbol = symbolOf(p, false);
    const orderId = p.opt('orderId');
    // pages of `limit` (at most 100, Bitget's), back from the previous page's endId (a tradeId) with idLessThan
    const limitText = p.opt('limit') ?? '100';
    const limit = Number(limitText);
    if (!/^\d+$/.test(limitText) || limit < 1 || limit > 100) throw Err.paramError('limit');
    const below = p.opt('idLessThan');
    if (below !== undefined && !/^\d+$/.test(below)) throw Err.paramError('idLessThan');
    const rows = e.fills
      .filter(
        (f) =>
          f.order.inst.instType === instType &&
          (!symbol || f.order.inst.symbol === symbol) &&
          (!orderId || f.order.orderId === orderId) &&
          (below === undefined || BigInt(f.tradeId) < BigInt(below)),
      )
      .reverse()
      .slice(0, limit)
      .map((f) => ({
        tradeId: f.tradeId,
        symbol: f.order.inst.symbol,
        orderId: f.order.orderId,
        clientOid: f.order.clientOid,
        price: formatPrice(f.order.inst, f.priceTick),
        baseVolume: formatSize(f.order.inst, f.lots),
        feeDetail: [{ deduction: 'no', feeCoin: f.feeCoin, totalDeductionFee: '0', totalFee: `-${money(f.fee)}` }],
        side: f.order.side,
        profit: money(f.profit),
        tradeScope: f.maker ? 'maker' : 'taker',
        cTime: String(f.ts),
      }));
    return JSON.stringify({ fillList: rows.length ? rows : null, endId: rows.length ? rows[rows.length - 1].tradeId : null });
  });

  signed('GET', '/api/v2/mix/position/all-position', (p) => {
    const instType = productType(p);
    marginCoin(p, false);
    if (instType !== 'USDT-FUTURES') return '[]';
    return JSON.stringify([...e.account.positions.values()].map((x) => positionRow(e, x)));
  });

  signed('GET', '/api/v2/mix/position/single-position', (p) => {
    const symbol = symbolOf(p, true);
    const instType = productType(p);
    marginCoin(p, true);
    e.publisher(instType, symbol);
    const pos = e.account.positions.get(symbol);
    return JSON.stringify(pos ? [positionRow(e, pos)] : []);
  });

  signed('POST', '/api/v2/mix/account/set-leverage', (p) => {
    const symbol = symbolOf(p, true);
    const instType = productType(p);
    marginCoin(p, true);
    e.publisher(instType, symbol);
    const text = p.req('leverage');
    const lev = Number(text);
    if (!/^\d+$/.test(text) || lev < 1) throw Err.paramError('leverage');
    if (lev > e.account.maxLeverage) throw Err.leverageRange(e.account.maxLeverage);
    if (p.opt('holdSide') !== undefined) p.oneOf('holdSide', ['long', 'short'] as const);
    e.setLeverage(symbol, lev);
    const l = String(lev);
    return JSON.stringify({ symbol, marginCoin: 'USDT', longLeverage: l, shortLeverage: l, crossMarginLeverage: l, marginMode: 'crossed' });
  });

  signed('GET', '/api/v2/mix/account/account', (p) => {
    const symbol = symbolOf(p, true);
    const instType = productType(p);
    marginCoin(p, true);
    e.publisher(instType, symbol);
    return JSON.stringify(accountRow(e, symbol));
  });

  // The account's bills, newest first (docs/bitget.md §5.9). This venue books only its funding settlements as bills
  // (businessType contract_settle_fee): a query for another businessType answers none. Pages back with idLessThan.
  signed('GET', '/api/v2/mix/account/bill', (p) => {
    e.bookFundingDue();
    const instType = productType(p);
    const symbol = symbolOf(p, false);
    const businessType = p.opt('businessType');
    const from = optMs(p, 'startTime');
    const to = optMs(p, 'endTime');
    if (from !== undefined && to !== undefined && (to < from || to - from > BILL_WINDOW_MS)) throw Err.paramError('endTime');
    const before = p.opt('idLessThan');
    const limitText = p.opt('limit') ?? '20';
    const limit = Number(limitText);
    if (!/^\d+$/.test(limitText) || limit < 1 || limit > 100) throw Err.paramError('limit');
    if (before !== undefined && !/^\d+$/.test(before)) throw Err.paramError('idLessThan');
    const rows =
      instType !== 'USDT-FUTURES' || (businessType !== undefined && businessType !== 'contract_settle_fee')
        ? []
        : e.fundingCharges
            .filter(
              (c) =>
                (!symbol || c.symbol === symbol) &&
                (from === undefined || c.cTime >= from) &&
                (to === undefined || c.cTime <= to) &&
                (before === undefined || BigInt(c.billId) < BigInt(before)),
            )
            .reverse()
            .slice(0, limit)
            .map((c) => ({
              billId: c.billId,
              symbol: c.symbol,
              amount: money(c.received),
              fee: '0',
              feeByCoupon: '',
              businessType: 'contract_settle_fee',
              coin: 'USDT',
              balance: money(c.balance),
              cTime: String(c.cTime),
            }));
    return JSON.stringify({ bills: rows, endId: rows.length ? rows[rows.length - 1].billId : null });
  });

  signed('GET', '/api/v2/mix/account/accounts', (p) => {
    const instType = productType(p);
    return instType === 'USDT-FUTURES' ? JSON.stringify([accountRow(e)]) : '[]';
  });

  // ---- spot ------------------------------------------------------------------------------------------------------

  signed('POST', '/api/v2/spot/trade/place-order', (p) => {
    const symbol = symbolOf(p, true);
    const inst = e.publisher('SPOT', symbol).inst;
    const side = p.oneOf<Side>('side', ['buy', 'sell']);
    const orderType = p.oneOf('orderType', ['limit', 'market'] as const);
    const force = p.oneOf<Force>('force', FORCES, 'gtc');
    const sizeText = p.req('size');
    let sizeLots = 0;
    let quoteBudget: bigint | undefined;
    if (orderType === 'market' && side === 'buy') {
      // a spot market buy is sized in quote (§5.5), at the quote precision
      if (!DECIMAL.test(sizeText)) throw Err.paramError('size');
      if (decimals(sizeText) > inst.priceScale) throw Err.sizeScale(sizeText, inst.priceScale);
      quoteBudget = parseScaled(sizeText, inst.priceScale) * pow10(MONEY_SCALE - inst.priceScale);
      if (quoteBudget === 0n) throw Err.minSize('0');
    } else {
      sizeLots = parseLots(e, 'SPOT', symbol, sizeText);
    }
    const priceTick = orderType === 'limit' ? parseTicks(e, 'SPOT', symbol, p.req('price')) : undefined;
    const order = e.place({
      instType: 'SPOT',
      symbol,
      side,
      orderType,
      force,
      priceTick,
      sizeLots,
      quoteBudget,
      reduceOnly: false,
      clientOid: p.opt('clientOid'),
      marginMode: 'cash',
    });
    return JSON.stringify({ orderId: order.orderId, clientOid: order.clientOid });
  });

  signed('POST', '/api/v2/spot/trade/cancel-order', (p) => {
    const symbol = symbolOf(p, true);
    e.publisher('SPOT', symbol);
    const order = findOrder(p, 'SPOT', symbol, Err.spotOrderUnknown);
    e.cancel(order);
    return idOf(order);
  });

  signed('GET', '/api/v2/spot/trade/unfilled-orders', (p) => {
    const symbol = symbolOf(p, false);
    if (symbol) e.publisher('SPOT', symbol);
    return JSON.stringify(
      e
        .openOrders('SPOT', symbol)
        .reverse()
        .map((x) => spotOrderRow(e, x)),
    );
  });

  signed('GET', '/api/v2/spot/account/assets', (p) => JSON.stringify(spotAssetRows(e, p.opt('coin')?.toUpperCase())));

  // ---- debug (not Bitget, unsigned) ------------------------------------------------------------------------------

  router.get('/debug/account', () => ({ status: 200, headers: JSON_TYPE, body: JSON.stringify(debugAccount(e)) }));

  router.post('/debug/market-order', (req) => {
    const t = venue.exchNow();
    try {
      const p = Params.of(req);
      const instType = (p.opt('instType') ?? 'USDT-FUTURES').toUpperCase() as InstType;
      const symbol = symbolOf(p, true);
      const side = p.oneOf<Side>('side', ['buy', 'sell']);
      const inst = e.publisher(instType, symbol).inst;
      const lots = parseLots(e, instType, symbol, p.req('size'));
      const trades = e.injectMarketOrder(instType, symbol, side, lots);
      return {
        status: 200,
        headers: JSON_TYPE,
        body: JSON.stringify(
          trades.map((x) => ({
            price: formatPrice(inst, x.priceTick),
            size: formatSize(inst, x.qtyLot),
            side: x.side,
            tradeId: x.tradeId.toString(),
            ts: String(x.tsMs),
          })),
        ),
      };
    } catch (x) {
      if (x instanceof ApiError) return fail(x.status, x.code, x.message, t);
      throw x;
    }
  });
}
