// The simulator's instruments: Bitget-shaped metadata strings (docs/bitget.md §7) and the integer grid
// derived from them exactly as a client derives it: price tick = priceEndStep · 10^-pricePlace, size step =
// sizeMultiplier (futures); 10^-pricePrecision and 10^-quantityPrecision (spot).
import { parseScaled } from './format';
import type { FlowParams } from './order-flow';

export type InstType = 'SPOT' | 'USDT-FUTURES';
export const INST_TYPES: readonly InstType[] = ['SPOT', 'USDT-FUTURES'];

export interface Instrument {
  readonly instType: InstType;
  readonly symbol: string;
  readonly baseCoin: string;
  readonly quoteCoin: string;
  /** Decimals of a price on the wire (pricePlace / pricePrecision). */
  readonly priceScale: number;
  /** One tick in units of 10^-priceScale (priceEndStep; 1 on spot). SOL-like futures: 5 → a 0.005 tick at scale 3. */
  readonly priceStep: bigint;
  /** Decimals of a size (volumePlace / quantityPrecision). */
  readonly sizeScale: number;
  /** One lot in units of 10^-sizeScale (sizeMultiplier · 10^volumePlace; 1 on spot). */
  readonly sizeStep: bigint;
  /** Minimum order size, base coin, as Bitget prints it. */
  readonly minTradeNum: string;
  readonly makerFeeRate: string;
  readonly takerFeeRate: string;
  /** Print every scale decimal of prices and sizes ("86618.70", "0.012300") instead of stripping zeros. */
  readonly keepTrailingZeros: boolean;
  /** Starting price, in ticks (the model mean-reverts loosely around it). */
  readonly startPriceTick: number;
  /** First books `seq` (may exceed 2^53) and first trade id. */
  readonly startSeq: bigint;
  readonly startTradeId: bigint;
  /** Order-flow overrides for this symbol (see FlowParams in order-flow.ts). */
  readonly flow: Partial<FlowParams>;
  /** The Bitget metadata strings the grid was derived from (pricePlace, priceEndStep, … or pricePrecision, …). */
  readonly meta: Readonly<Record<string, string>>;
}

export interface FuturesSpec {
  symbol: string;
  pricePlace: string;
  priceEndStep: string;
  volumePlace: string;
  sizeMultiplier: string;
  minTradeNum?: string;
  makerFeeRate?: string;
  takerFeeRate?: string;
  /** Starting price as a decimal string on the grid. */
  price: string;
  keepTrailingZeros?: boolean;
  startSeq?: bigint;
  startTradeId?: bigint;
  flow?: Partial<FlowParams>;
}

export interface SpotSpec {
  symbol: string;
  pricePrecision: string;
  quantityPrecision: string;
  minTradeAmount?: string;
  makerFeeRate?: string;
  takerFeeRate?: string;
  price: string;
  keepTrailingZeros?: boolean;
  startSeq?: bigint;
  startTradeId?: bigint;
  flow?: Partial<FlowParams>;
}

function coins(symbol: string): { baseCoin: string; quoteCoin: string } {
  for (const q of ['USDT', 'USDC', 'USD']) {
    if (symbol.endsWith(q) && symbol.length > q.length) return { baseCoin: symbol.slice(0, -q.length), quoteCoin: q };
  }
  return { baseCoin: symbol, quoteCoin: '' };
}

function smallInt(text: string, what: string): number {
  if (!/^\d{1,2}$/.test(text)) throw new Error(`RB_ERR_EXCHANGE_INSTRUMENT: ${what} "${text}" is not a small whole number`);
  return Number(text);
}

function startTick(price: string, scale: number, step: bigint, symbol: string): number {
  const scaled = parseScaled(price, scale);
  if (scaled % step !== 0n) throw new Error(`RB_ERR_EXCHANGE_INSTRUMENT: ${symbol} price ${price} is off the tick grid`);
  return Number(scaled / step);
}

/** A USDT-FUTURES instrument from its Bitget contract metadata strings. */
export function futuresInstrument(s: FuturesSpec): Instrument {
  const priceScale = smallInt(s.pricePlace, 'pricePlace');
  const sizeScale = smallInt(s.volumePlace, 'volumePlace');
  const priceStep = BigInt(smallInt(s.priceEndStep, 'priceEndStep'));
  const sizeStep = parseScaled(s.sizeMultiplier, sizeScale);
  if (priceStep <= 0n || sizeStep <= 0n) throw new Error(`RB_ERR_EXCHANGE_INSTRUMENT: ${s.symbol} has a zero step`);
  return {
    instType: 'USDT-FUTURES',
    symbol: s.symbol,
    ...coins(s.symbol),
    priceScale,
    priceStep,
    sizeScale,
    sizeStep,
    minTradeNum: s.minTradeNum ?? s.sizeMultiplier,
    makerFeeRate: s.makerFeeRate ?? '0.0002',
    takerFeeRate: s.takerFeeRate ?? '0.0006',
    keepTrailingZeros: s.keepTrailingZeros ?? false,
    startPriceTick: startTick(s.price, priceScale, priceStep, s.symbol),
    startSeq: s.startSeq ?? 427583461144n,
    startTradeId: s.startTradeId ?? 1116461060594286593n,
    flow: s.flow ?? {},
    meta: { pricePlace: s.pricePlace, priceEndStep: s.priceEndStep, volumePlace: s.volumePlace, sizeMultiplier: s.sizeMultiplier },
  };
}

/** A SPOT instrument from its Bitget symbol metadata strings. */
export function spotInstrument(s: SpotSpec): Instrument {
  const priceScale = smallInt(s.pricePrecision, 'pricePrecision');
  const sizeScale = smallInt(s.quantityPrecision, 'quantityPrecision');
  return {
    instType: 'SPOT',
    symbol: s.symbol,
    ...coins(s.symbol),
    priceScale,
    priceStep: 1n,
    sizeScale,
    sizeStep: 1n,
    minTradeNum: s.minTradeAmount ?? '0',
    makerFeeRate: s.makerFeeRate ?? '0.001',
    takerFeeRate: s.takerFeeRate ?? '0.001',
    keepTrailingZeros: s.keepTrailingZeros ?? false,
    startPriceTick: startTick(s.price, priceScale, 1n, s.symbol),
    startSeq: s.startSeq ?? 395681152n,
    startTradeId: s.startTradeId ?? 1116461060594286593n,
    flow: s.flow ?? {},
    meta: { pricePrecision: s.pricePrecision, quantityPrecision: s.quantityPrecision },
  };
}

/**
 * The default instruments. BTCUSDT futures starts its `seq` above 2^53 (9007199254740993) so clients must keep
 * seq as an integer string or BigInt; spot BTCUSDT keeps trailing zeros so clients must checksum raw strings.
 */
export const DEFAULT_INSTRUMENTS: readonly Instrument[] = [
  futuresInstrument({
    symbol: 'BTCUSDT',
    pricePlace: '1',
    priceEndStep: '1',
    volumePlace: '4',
    sizeMultiplier: '0.0001',
    minTradeNum: '0.0001',
    price: '90000',
    startSeq: 9007199254740993n,
    startTradeId: 1345298412637429761n,
    flow: { marketRate: 4, depthTicks: 800, orderLots: 400, marketLots: 800 },
  }),
  futuresInstrument({
    symbol: 'ETHUSDT',
    pricePlace: '2',
    priceEndStep: '1',
    volumePlace: '2',
    sizeMultiplier: '0.01',
    minTradeNum: '0.01',
    price: '3000',
    startSeq: 527583461144n,
    startTradeId: 1345298412637001221n,
    flow: { marketRate: 3, depthTicks: 600, orderLots: 50, marketLots: 100 },
  }),
  futuresInstrument({
    symbol: 'SOLUSDT',
    pricePlace: '3',
    priceEndStep: '5',
    volumePlace: '1',
    sizeMultiplier: '0.1',
    minTradeNum: '0.1',
    price: '140.125',
    startSeq: 327583401001n,
    startTradeId: 1345298412630011111n,
    flow: { marketRate: 2, depthTicks: 400, orderLots: 100, marketLots: 200 },
  }),
  spotInstrument({
    symbol: 'BTCUSDT',
    pricePrecision: '2',
    quantityPrecision: '6',
    minTradeAmount: '0.000001',
    price: '90000.00',
    keepTrailingZeros: true,
    startSeq: 795681152n,
    startTradeId: 1116461060594286593n,
    flow: { marketRate: 3, depthTicks: 400, orderLots: 20000, marketLots: 50000 },
  }),
  spotInstrument({
    symbol: 'A2ZUSDT',
    pricePrecision: '6',
    quantityPrecision: '1',
    minTradeAmount: '0.1',
    price: '0.0035',
    startSeq: 395681152n,
    startTradeId: 1116461060591001001n,
    flow: { marketRate: 1, depthTicks: 300, orderLots: 5000, marketLots: 20000, maxOrderLots: 8_000_000 },
  }),
];

/** The §7.1 row of GET /api/v2/mix/market/contracts (all strings, as Bitget sends them). */
export function contractRow(inst: Instrument): Record<string, unknown> {
  return {
    symbol: inst.symbol,
    baseCoin: inst.baseCoin,
    quoteCoin: inst.quoteCoin,
    buyLimitPriceRatio: '0.9',
    sellLimitPriceRatio: '0.9',
    feeRateUpRatio: '0.1',
    makerFeeRate: inst.makerFeeRate,
    takerFeeRate: inst.takerFeeRate,
    openCostUpRatio: '0.1',
    supportMarginCoins: [inst.quoteCoin],
    minTradeNum: inst.minTradeNum,
    priceEndStep: inst.meta.priceEndStep,
    volumePlace: inst.meta.volumePlace,
    pricePlace: inst.meta.pricePlace,
    sizeMultiplier: inst.meta.sizeMultiplier,
    symbolType: 'perpetual',
    minTradeUSDT: '5',
    maxSymbolOrderNum: '999999',
    maxProductOrderNum: '999999',
    maxPositionNum: '150',
    symbolStatus: 'normal',
    offTime: '-1',
    limitOpenTime: '-1',
    deliveryTime: '',
    deliveryStartTime: '',
    launchTime: '',
    fundInterval: '8',
    minLever: '1',
    maxLever: '125',
    posLimit: '0.05',
    maintainTime: '',
    maxMarketOrderQty: '220',
    maxOrderQty: '1200',
  };
}

/** The §7.2 row of GET /api/v2/spot/public/symbols. */
export function spotSymbolRow(inst: Instrument): Record<string, unknown> {
  return {
    symbol: inst.symbol,
    baseCoin: inst.baseCoin,
    quoteCoin: inst.quoteCoin,
    minTradeAmount: inst.minTradeNum,
    maxTradeAmount: '10000000000',
    takerFeeRate: inst.takerFeeRate,
    makerFeeRate: inst.makerFeeRate,
    pricePrecision: inst.meta.pricePrecision,
    quantityPrecision: inst.meta.quantityPrecision,
    quotePrecision: inst.meta.pricePrecision,
    minTradeUSDT: '1',
    status: 'online',
    buyLimitPriceRatio: '0.05',
    sellLimitPriceRatio: '0.05',
  };
}

/**
 * Selects instruments by `--symbols`-style entries: "BTCUSDT" (every instType listing it) or "SPOT:BTCUSDT" /
 * "USDT-FUTURES:BTCUSDT". Throws naming the entry that matches nothing.
 */
export function selectInstruments(all: readonly Instrument[], entries: readonly string[]): Instrument[] {
  const out = new Set<Instrument>();
  for (const raw of entries) {
    const e = raw.trim();
    const colon = e.indexOf(':');
    const type = colon >= 0 ? e.slice(0, colon) : undefined;
    const sym = colon >= 0 ? e.slice(colon + 1) : e;
    const hits = all.filter((i) => i.symbol === sym && (type === undefined || i.instType === type));
    if (hits.length === 0) {
      const known = all.map((i) => `${i.instType}:${i.symbol}`).join(', ');
      throw new Error(`unknown symbol "${raw}" (known: ${known})`);
    }
    hits.forEach((h) => out.add(h));
  }
  return all.filter((i) => out.has(i));
}
