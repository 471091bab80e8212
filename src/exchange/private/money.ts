// Exact money for the private API: every USDT (and spot coin) amount is a BigInt at MONEY_SCALE decimals, derived
// from integer ticks and lots. A notional ticks·lots is exact at that scale for any instrument whose price and size
// decimals sum to less than 18; fees are exact when the rate's decimals fit too, and otherwise round up (in the
// exchange's favour). WHEN TO USE: whatever the engine books; the wire gets decimal strings from `money()`.
import { formatScaled, parseScaled } from '../format';
import type { Instrument } from '../instruments';

export const MONEY_SCALE = 18;
const ONE = 10n ** BigInt(MONEY_SCALE);

export const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** a / b rounded up, for a ≥ 0, b > 0. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** A decimal string ("10000", "0.0006") as money. Throws on anything but a plain decimal with ≤ 18 decimals. */
export function parseMoney(text: string): bigint {
  return parseScaled(text, MONEY_SCALE);
}

/** Money as a wire string: every significant decimal, trailing zeros stripped, sign kept ("-0.0054", "9999.99"). */
export function money(v: bigint): string {
  return formatScaled(v, MONEY_SCALE);
}

/** Money → a JS number (for ratios shown on the wire only; never booked). */
export function moneyToNumber(v: bigint): number {
  return Number(v) / Number(ONE);
}

interface Rate {
  num: bigint;
  den: bigint;
}

function parseRate(text: string): Rate {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`RB_ERR_EXCHANGE_FEE: fee rate "${text}" is not a plain decimal`);
  const frac = m[2] ?? '';
  return { num: BigInt(m[1] + frac), den: pow10(frac.length) };
}

/** One instrument's arithmetic: ticks/lots → money, fees, wire prices. */
export class InstMath {
  /** 10^(MONEY_SCALE − priceScale − sizeScale): turns ticks·priceStep·lots·sizeStep into money. */
  private readonly unit: bigint;
  private readonly maker: Rate;
  private readonly taker: Rate;

  constructor(readonly inst: Instrument) {
    const exp = MONEY_SCALE - inst.priceScale - inst.sizeScale;
    if (exp < 1)
      throw new Error(
        `RB_ERR_EXCHANGE_SCALE: ${inst.symbol} has ${inst.priceScale}+${inst.sizeScale} decimals; the private API supports at most ${MONEY_SCALE - 1}`,
      );
    this.unit = inst.priceStep * inst.sizeStep * pow10(exp);
    this.maker = parseRate(inst.makerFeeRate);
    this.taker = parseRate(inst.takerFeeRate);
  }

  /** price(tick) · size(lots), exact. */
  notional(tick: number, lots: number): bigint {
    return BigInt(tick) * BigInt(lots) * this.unit;
  }

  /** Σ ticks·lots (as Market.liquidity returns it) → money. */
  notionalOf(tickLots: bigint): bigint {
    return tickLots * this.unit;
  }

  /** The fee on a notional at the maker or taker rate, rounded up to the money scale. */
  fee(notional: bigint, maker: boolean): bigint {
    const r = maker ? this.maker : this.taker;
    return ceilDiv(notional * r.num, r.den);
  }

  /** Base quantity of `lots` as money-scale coin (spot balances). */
  baseQty(lots: number): bigint {
    return BigInt(lots) * this.inst.sizeStep * pow10(MONEY_SCALE - this.inst.sizeScale);
  }

  /** Average price of a notional over `lots`, rounded half up to priceScale + 4 decimals ("0" for no lots). */
  avgPrice(notional: bigint, lots: number): string {
    if (lots === 0) return '0';
    const decimals = this.inst.priceScale + 4;
    // price = notional / (lots·sizeStep·10^(MONEY_SCALE − sizeScale)), printed at `decimals`
    const den = BigInt(lots) * this.inst.sizeStep * pow10(MONEY_SCALE - this.inst.sizeScale);
    const num = notional * pow10(decimals);
    const q = (2n * num + den) / (2n * den);
    return formatScaled(q, decimals);
  }
}
