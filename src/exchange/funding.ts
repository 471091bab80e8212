// The local exchange's funding and mark price for the `ticker` channel (docs/bitget.md §1.9, docs/exchange.md):
// settlements at the real 8-hourly times (00:00, 08:00, 16:00 UTC of the exchange clock; `--funding-every` sets a
// shorter interval, on the same grid from the epoch, so a short session sees settlements), a funding rate that moves
// with the market (re-quoted once a simulated minute from how far the mid is from the start price, as Bitget's
// predicted rate follows the premium), and the mark and index at the book's mid. Integers and strings only: the rate
// is kept in millionths, as Bitget prints it ("0.000068").
import { formatScaled } from './format';
import type { WireGrid } from './format';

export const FUNDING_INTERVAL_MS = 8 * 3600 * 1000;
/** Bitget's default interest component: 0.01 % per 8 h. */
const BASE_RATE_MICRO = 100;
/** Bitget's documented bounds for BTCUSDT (current-fund-rate: minFundingRate −0.003, maxFundingRate 0.003). */
const MAX_RATE_MICRO = 3000;
/** Rate millionths per unit of (mid − start) / start: a mid 1 % above the start adds 0.0005. */
const PREMIUM_GAIN = 0.05 * 1e6;
const REQUOTE_MS = 60_000;

/** The settlement after `nowMs` on the grid of `intervalMs` from the epoch (default 8-hourly). */
export const nextFundingMs = (nowMs: number, intervalMs = FUNDING_INTERVAL_MS): number => (Math.floor(nowMs / intervalMs) + 1) * intervalMs;

/** The settlements on the grid in (fromMs, toMs], in time order (a step of the clock may cross several). */
export function settlementsBetween(fromMs: number, toMs: number, intervalMs = FUNDING_INTERVAL_MS): number[] {
  const out: number[] = [];
  for (let t = nextFundingMs(fromMs, intervalMs); t <= toMs; t += intervalMs) out.push(t);
  return out;
}

export class FundingModel {
  private rateMicro = BASE_RATE_MICRO;
  private quotedMinute = -1;

  constructor(
    private readonly startPriceTick: number,
    /** Between settlements, ms (a whole number of ms ≥ 1 s; default 8 h). */
    readonly intervalMs = FUNDING_INTERVAL_MS,
  ) {}

  /** The next settlement after `nowMs`. */
  nextMs(nowMs: number): number {
    return nextFundingMs(nowMs, this.intervalMs);
  }

  /** The settlements in (fromMs, toMs]. */
  settlementsBetween(fromMs: number, toMs: number): number[] {
    return settlementsBetween(fromMs, toMs, this.intervalMs);
  }

  /** The rate in force for the next settlement, in millionths, re-quoted at each new simulated minute. */
  rateAt(nowMs: number, midTick: number | null): number {
    const minute = Math.floor(nowMs / REQUOTE_MS);
    if (minute !== this.quotedMinute && midTick !== null) {
      this.quotedMinute = minute;
      const premium = Math.round(((midTick - this.startPriceTick) / this.startPriceTick) * PREMIUM_GAIN);
      this.rateMicro = Math.max(-MAX_RATE_MICRO, Math.min(MAX_RATE_MICRO, BASE_RATE_MICRO + premium));
    }
    return this.rateMicro;
  }

  /**
   * The rate charged at the settlement at `atMs`: the one quoted for it in the minute before (settlements fall on
   * whole minutes, where the next settlement's quoting begins), as the last rate the ticker published for it.
   */
  settlementRate(atMs: number, midTick: number | null): number {
    return this.rateAt(atMs - 1, midTick);
  }
}

/** A rate in millionths as Bitget's wire decimal ("0.000100", "-0.000042"). */
export const rateText = (micro: number): string => formatScaled(BigInt(micro), 6, true);

/** The mid of two prices in ticks, as a wire price: half a tick prints with one more decimal. */
export function midText(grid: WireGrid, bidTick: number, askTick: number): string {
  const twice = (BigInt(bidTick) + BigInt(askTick)) * grid.priceStep;
  return twice % 2n === 0n
    ? formatScaled(twice / 2n, grid.priceScale, grid.keepTrailingZeros)
    : formatScaled(twice * 5n, grid.priceScale + 1);
}
