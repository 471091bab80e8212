// Bitget-shaped JSON for the private API (docs/bitget.md §4.3 pushes, §5.5 REST rows): orders, fills,
// positions and account, from the engine's integer state. Prices and sizes print like the public feed (format.ts),
// money prints every significant decimal (money.ts); fees are negative (a cost), as Bitget prints them.
// WHEN TO USE: the engine's pushes (RENDER), the REST routes and GET /debug/account.
import { formatPrice, formatScaled, formatSize } from '../format';
import type { InstType } from '../instruments';
import type { Position } from './account';
import type { EngineRender, FillRecord, OwnOrder, TradingEngine } from './matching';
import { money, moneyToNumber } from './money';
import { rateText } from '../funding';

const J = JSON.stringify;
const ms = (t: number) => String(Math.floor(t));
const yesNo = (b: boolean) => (b ? 'yes' : 'no');
const max0 = (v: bigint) => (v < 0n ? 0n : v);

function orderSizeText(o: OwnOrder): string {
  return o.quoteBudget !== undefined ? money(o.quoteBudget) : formatSize(o.inst, o.sizeLots);
}

function priceAvg(e: TradingEngine, o: OwnOrder): string {
  return o.filledLots === 0 ? '0' : e.account.mathOf(o.pub).avgPrice(o.cumNotional, o.filledLots);
}

/** Order "notional": limit price × size, or what a market order traded. */
function orderNotional(e: TradingEngine, o: OwnOrder): string {
  if (o.quoteBudget !== undefined) return money(o.quoteBudget);
  return money(o.orderType === 'limit' ? e.account.mathOf(o.pub).notional(o.priceTick, o.sizeLots) : o.cumNotional);
}

function fillFields(f: FillRecord | undefined): Record<string, string> {
  if (!f) return {};
  const inst = f.order.inst;
  return {
    fillPrice: formatPrice(inst, f.priceTick),
    tradeId: f.tradeId,
    baseVolume: formatSize(inst, f.lots),
    fillTime: ms(f.ts),
    fillFee: money(-f.fee),
    fillFeeCoin: f.feeCoin,
    fillNotionalUsd: money(f.notional),
    tradeScope: f.maker ? 'M' : 'T',
  };
}

/** `orders` push, one order: futures (JK Futures/Order.txt key order) or spot. */
function orderPush(e: TradingEngine, o: OwnOrder, f?: FillRecord): string {
  const inst = o.inst;
  if (inst.instType === 'SPOT') {
    return J({
      instId: inst.symbol,
      orderId: o.orderId,
      clientOid: o.clientOid,
      price: o.orderType === 'limit' ? formatPrice(inst, o.priceTick) : '0',
      size: orderSizeText(o),
      newSize: orderSizeText(o),
      notional: orderNotional(e, o),
      orderType: o.orderType,
      force: o.force,
      side: o.side,
      ...fillFields(f),
      accBaseVolume: formatSize(inst, o.filledLots),
      priceAvg: priceAvg(e, o),
      status: o.status,
      cTime: ms(o.cTime),
      uTime: ms(o.uTime),
      stpMode: 'none',
      feeDetail: [{ feeCoin: o.feeCoin, fee: money(-o.fee) }],
      enterPointSource: 'API',
    });
  }
  const ff = fillFields(f);
  return J({
    accBaseVolume: formatSize(inst, o.filledLots),
    cTime: ms(o.cTime),
    clientOid: o.clientOid,
    feeDetail: [{ feeCoin: 'USDT', fee: money(-o.fee) }],
    ...(f
      ? {
          fillFee: ff.fillFee,
          fillFeeCoin: ff.fillFeeCoin,
          fillNotionalUsd: ff.fillNotionalUsd,
          fillPrice: ff.fillPrice,
          baseVolume: ff.baseVolume,
          fillTime: ff.fillTime,
        }
      : {}),
    force: o.force,
    instId: inst.symbol,
    leverage: String(o.leverage),
    marginCoin: 'USDT',
    marginMode: o.marginMode,
    notionalUsd: orderNotional(e, o),
    orderId: o.orderId,
    orderType: o.orderType,
    pnl: money(o.profit),
    posMode: 'one_way_mode',
    posSide: 'net',
    price: o.orderType === 'limit' ? formatPrice(inst, o.priceTick) : '0',
    priceAvg: priceAvg(e, o),
    reduceOnly: yesNo(o.reduceOnly),
    side: o.side,
    size: formatSize(inst, o.sizeLots),
    enterPointSource: 'API',
    status: o.status,
    ...(f ? { tradeScope: ff.tradeScope, tradeId: ff.tradeId } : {}),
    tradeSide: `${o.side}_single`,
    uTime: ms(o.uTime),
  });
}

/** `fill` push, one fill: futures (JK Futures/UserTrade.txt) or spot. */
function fillPush(_e: TradingEngine, f: FillRecord): string {
  const o = f.order;
  const inst = o.inst;
  const feeDetail = [{ feeCoin: f.feeCoin, deduction: 'no', totalDeductionFee: '0', totalFee: money(-f.fee) }];
  if (inst.instType === 'SPOT') {
    return J({
      orderId: o.orderId,
      tradeId: f.tradeId,
      symbol: inst.symbol,
      orderType: o.orderType,
      side: o.side,
      priceAvg: formatPrice(inst, f.priceTick),
      size: formatSize(inst, f.lots),
      amount: money(f.notional),
      tradeScope: f.maker ? 'maker' : 'taker',
      feeDetail,
      cTime: ms(f.ts),
      uTime: ms(f.ts),
    });
  }
  return J({
    orderId: o.orderId,
    tradeId: f.tradeId,
    symbol: inst.symbol,
    side: o.side,
    orderType: o.orderType,
    posMode: 'one_way_mode',
    price: formatPrice(inst, f.priceTick),
    baseVolume: formatSize(inst, f.lots),
    quoteVolume: money(f.notional),
    profit: money(f.profit),
    tradeSide: `${o.side}_single`,
    tradeScope: f.maker ? 'maker' : 'taker',
    feeDetail,
    cTime: ms(f.ts),
    uTime: ms(f.ts),
  });
}

/** Numbers of one position, shared by the push, the REST rows and the debug view. */
export function positionView(e: TradingEngine, p: Position) {
  const pub = e.publisher(p.inst.instType, p.inst.symbol);
  const m = e.account.mathOf(pub);
  const size = Math.abs(p.lots);
  const upnl = e.account.unrealized(p);
  const margin = e.account.positionMargin(p);
  const locked = e.account.closingLots(p);
  const mark2 = e.account.markTicks2(pub);
  const breakEven = m.avgPrice(p.lots > 0 ? p.cost + p.fees : p.cost - p.fees, size);
  return {
    holdSide: p.lots > 0 ? 'long' : 'short',
    total: formatSize(p.inst, size),
    locked: formatSize(p.inst, locked),
    available: formatSize(p.inst, size - locked),
    openPriceAvg: m.avgPrice(p.cost, size),
    marginSize: money(margin),
    unrealizedPL: money(upnl),
    unrealizedPLR: margin > 0n ? (moneyToNumber(upnl) / moneyToNumber(margin)).toFixed(4) : '0',
    achievedProfits: money(p.realized),
    // Bitget: totalFee is the funding received over the position's life (empty until a settlement charged it),
    // deductedFee the trading fees it paid (docs/bitget.md §4.3)
    totalFee: p.settlements ? money(p.funding) : '',
    deductedFee: money(p.fees),
    breakEvenPrice: breakEven,
    leverage: e.account.leverage(p.inst.symbol),
    markPrice: mark2 === undefined ? '0' : formatScaled(BigInt(mark2) * p.inst.priceStep * 5n, p.inst.priceScale + 1),
  };
}

function positionsPush(e: TradingEngine): string {
  return [...e.account.positions.values()]
    .map((p) => {
      const v = positionView(e, p);
      return J({
        posId: p.posId,
        instId: p.inst.symbol,
        marginCoin: 'USDT',
        marginSize: v.marginSize,
        marginMode: p.marginMode,
        holdSide: v.holdSide,
        posMode: 'one_way_mode',
        total: v.total,
        available: v.available,
        frozen: v.locked,
        openPriceAvg: v.openPriceAvg,
        leverage: v.leverage,
        achievedProfits: v.achievedProfits,
        unrealizedPL: v.unrealizedPL,
        unrealizedPLR: v.unrealizedPLR,
        liquidationPrice: '0',
        keepMarginRate: '0.004',
        marginRate: '0',
        breakEvenPrice: v.breakEvenPrice,
        totalFee: v.totalFee,
        deductedFee: v.deductedFee,
        cTime: ms(p.cTime),
        uTime: ms(p.uTime),
        autoMargin: 'off',
      });
    })
    .join(',');
}

function accountPush(e: TradingEngine, instType: InstType): string {
  if (instType === 'SPOT') {
    const t = ms(e.now());
    return [...e.account.spot.entries()]
      .map(([coin, b]) => J({ coin, available: money(b.available), frozen: money(b.frozen), locked: '0', limitAvailable: '0', uTime: t }))
      .join(',');
  }
  const s = e.account.futuresSummary();
  const avail = money(max0(s.available));
  const free = s.balance - s.positionMargin - s.frozen; // unrealised profit cannot be transferred out
  return J({
    marginCoin: 'USDT',
    frozen: money(s.frozen),
    available: avail,
    maxOpenPosAvailable: avail,
    maxTransferOut: money(max0(s.available < free ? s.available : free)),
    equity: money(s.equity),
    usdtEquity: money(s.equity),
    crossedRiskRate: '0',
    unrealizedPL: money(s.unrealized),
  });
}

export const RENDER: EngineRender = { orderPush, fillPush, positionsPush, accountPush };

// ---- REST rows ---------------------------------------------------------------------------------------------------

/** A futures order as orders-pending lists it (`status`) or detail returns it (`state`, cancelReason). */
export function futuresOrderRow(e: TradingEngine, o: OwnOrder, detail: boolean): Record<string, unknown> {
  const inst = o.inst;
  const row: Record<string, unknown> = {
    symbol: inst.symbol,
    size: formatSize(inst, o.sizeLots),
    orderId: o.orderId,
    clientOid: o.clientOid,
    baseVolume: formatSize(inst, o.filledLots),
    fee: money(-o.fee),
    price: o.orderType === 'limit' ? formatPrice(inst, o.priceTick) : '0',
    priceAvg: priceAvg(e, o),
    [detail ? 'state' : 'status']: o.status,
    side: o.side,
    force: o.force,
    totalProfits: money(o.profit),
    posSide: 'net',
    marginCoin: 'USDT',
    quoteVolume: money(o.cumNotional),
    leverage: String(o.leverage),
    marginMode: o.marginMode,
    enterPointSource: 'API',
    tradeSide: `${o.side}_single`,
    posMode: 'one_way_mode',
    orderType: o.orderType,
    orderSource: 'normal',
    reduceOnly: o.reduceOnly ? 'YES' : 'NO',
    presetStopSurplusPrice: '',
    presetStopLossPrice: '',
    cTime: ms(o.cTime),
    uTime: ms(o.uTime),
  };
  if (detail) row.cancelReason = o.cancelReason ?? '';
  return row;
}

export function spotOrderRow(e: TradingEngine, o: OwnOrder): Record<string, unknown> {
  const inst = o.inst;
  return {
    userId: 'ringbook-demo',
    symbol: inst.symbol,
    orderId: o.orderId,
    clientOid: o.clientOid,
    priceAvg: priceAvg(e, o),
    size: orderSizeText(o),
    orderType: o.orderType,
    side: o.side,
    status: o.status,
    basePrice: o.orderType === 'limit' ? formatPrice(inst, o.priceTick) : '0',
    baseVolume: formatSize(inst, o.filledLots),
    quoteVolume: money(o.cumNotional),
    enterPointSource: 'API',
    orderSource: 'normal',
    cTime: ms(o.cTime),
    uTime: ms(o.uTime),
  };
}

export function positionRow(e: TradingEngine, p: Position): Record<string, unknown> {
  const v = positionView(e, p);
  let delegate = 0;
  for (const o of e.openOrders('USDT-FUTURES', p.inst.symbol))
    delegate += e.account.openingLots(p.inst.symbol, o.side, o.sizeLots - o.filledLots);
  return {
    marginCoin: 'USDT',
    symbol: p.inst.symbol,
    holdSide: v.holdSide,
    openDelegateSize: formatSize(p.inst, delegate),
    marginSize: v.marginSize,
    available: v.available,
    locked: v.locked,
    total: v.total,
    leverage: String(v.leverage),
    achievedProfits: v.achievedProfits,
    openPriceAvg: v.openPriceAvg,
    marginMode: p.marginMode,
    posMode: 'one_way_mode',
    unrealizedPL: v.unrealizedPL,
    liquidationPrice: '0',
    keepMarginRate: '0.004',
    markPrice: v.markPrice,
    breakEvenPrice: v.breakEvenPrice,
    totalFee: v.totalFee,
    deductedFee: v.deductedFee,
    marginRatio: '0',
    cTime: ms(p.cTime),
    uTime: ms(p.uTime),
  };
}

export function accountRow(e: TradingEngine, symbol?: string): Record<string, unknown> {
  const s = e.account.futuresSummary();
  const avail = money(max0(s.available));
  const lev = String(symbol ? e.account.leverage(symbol) : e.account.leverage(''));
  return {
    marginCoin: 'USDT',
    locked: money(s.frozen),
    available: avail,
    crossedMaxAvailable: avail,
    isolatedMaxAvailable: avail,
    maxTransferOut: avail,
    accountEquity: money(s.equity),
    usdtEquity: money(s.equity),
    btcEquity: btcEquity(e, s.equity),
    crossedRiskRate: '0',
    ...(symbol
      ? { crossedMarginLeverage: lev, isolatedLongLever: lev, isolatedShortLever: lev, marginMode: 'crossed', posMode: 'one_way_mode' }
      : {}),
    unrealizedPL: money(s.unrealized),
    coupon: '0',
    crossedUnrealizedPL: money(s.unrealized),
    isolatedUnrealizedPL: '0',
  };
}

function btcEquity(e: TradingEngine, equity: bigint): string {
  for (const inst of ['USDT-FUTURES', 'SPOT'] as const) {
    try {
      const pub = e.publisher(inst, 'BTCUSDT');
      const mark2 = e.account.markTicks2(pub);
      if (mark2 === undefined) continue;
      const price = Number(formatScaled(BigInt(mark2) * pub.inst.priceStep * 5n, pub.inst.priceScale + 1));
      return (moneyToNumber(equity) / price).toFixed(8);
    } catch {
      // no BTCUSDT listed under this type
    }
  }
  return '0';
}

export function spotAssetRows(e: TradingEngine, coin?: string): Record<string, unknown>[] {
  const t = ms(e.now());
  return [...e.account.spot.entries()]
    .filter(([c]) => coin === undefined || c === coin)
    .map(([c, b]) => ({ coin: c, available: money(b.available), frozen: money(b.frozen), locked: '0', limitAvailable: '0', uTime: t }));
}

// ---- debug ---------------------------------------------------------------------------------------------------------

/** GET /debug/account: the true account (not Bitget's shape). Money as exact decimal strings. */
export function debugAccount(e: TradingEngine) {
  const s = e.account.futuresSummary();
  return {
    futures: {
      initialBalance: money(e.account.initialBalance),
      balance: money(s.balance),
      fees: money(e.account.feesPaid),
      realizedPnl: money(e.account.realizedPnl),
      funding: money(e.account.fundingReceived),
      unrealizedPnl: money(s.unrealized),
      equity: money(s.equity),
      positionMargin: money(s.positionMargin),
      frozen: money(s.frozen),
      available: money(s.available),
      positions: [...e.account.positions.values()].map((p) => {
        const v = positionView(e, p);
        return {
          symbol: p.inst.symbol,
          lots: p.lots,
          size: (p.lots < 0 ? '-' : '') + v.total,
          cost: money(p.cost),
          openPriceAvg: v.openPriceAvg,
          realizedPnl: money(p.realized),
          fees: money(p.fees),
          funding: money(p.funding),
          unrealizedPnl: v.unrealizedPL,
          leverage: v.leverage,
        };
      }),
    },
    spot: Object.fromEntries(
      [...e.account.spot.entries()].map(([c, b]) => [c, { available: money(b.available), frozen: money(b.frozen) }]),
    ),
    openOrders: [...e.open.values()].map((o) => {
      const ahead = e.queueAhead(o);
      return {
        instType: o.inst.instType,
        symbol: o.inst.symbol,
        orderId: o.orderId,
        clientOid: o.clientOid,
        side: o.side,
        orderType: o.orderType,
        force: o.force,
        price: formatPrice(o.inst, o.priceTick),
        priceTick: o.priceTick,
        size: formatSize(o.inst, o.sizeLots),
        sizeLots: o.sizeLots,
        filledLots: o.filledLots,
        status: o.status,
        reduceOnly: o.reduceOnly,
        queueAheadLots: ahead,
        queueAhead: ahead < 0 ? null : formatSize(o.inst, ahead),
      };
    }),
    fundingCharges: e.fundingCharges.map((c) => {
      const inst = e.publisher('USDT-FUTURES', c.symbol).inst;
      return {
        symbol: c.symbol,
        atMs: c.atMs,
        rate: rateText(c.rateMicro),
        markPrice: formatScaled(BigInt(c.mark2) * inst.priceStep * 5n, inst.priceScale + 1),
        size: (c.lots < 0 ? '-' : '') + formatSize(inst, Math.abs(c.lots)),
        received: money(c.received),
      };
    }),
    fills: e.fills.map((f) => ({
      instType: f.order.inst.instType,
      symbol: f.order.inst.symbol,
      orderId: f.order.orderId,
      clientOid: f.order.clientOid,
      tradeId: f.tradeId,
      side: f.order.side,
      price: formatPrice(f.order.inst, f.priceTick),
      priceTick: f.priceTick,
      size: formatSize(f.order.inst, f.lots),
      lots: f.lots,
      notional: money(f.notional),
      fee: money(f.fee),
      feeCoin: f.feeCoin,
      profit: money(f.profit),
      scope: f.maker ? 'maker' : 'taker',
      ts: f.ts,
    })),
  };
}
