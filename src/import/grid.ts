// An instrument's grid from the tick and lot as a user writes them (--tick 0.1 --lot 0.001): the decimals as written
// are the scale (like Bitget's pricePlace), the value at that scale the step (like priceEndStep), so "0.5" is
// scale 1 step 5 and "0.10" is scale 2 step 10. Prices on the wire may have at most the tick's decimals.
import type { InstrumentGrid, InstType } from '../feed/instruments';
import { DecimalError } from '../core/decimal';
import type { StreamInfo } from '../capture/meta';

const DECIMAL_WHY: Record<number, string> = {
  [DecimalError.empty]: 'is empty',
  [DecimalError.sign]: 'has a sign',
  [DecimalError.exponent]: 'is in exponent notation that does not fit',
  [DecimalError.nonDigit]: 'is not a plain decimal',
  [DecimalError.tooManyDecimals]: 'has more decimals than the tick/lot',
  [DecimalError.tooManyDigits]: 'has more than 18 significant digits',
  [DecimalError.overflow]: 'is too large for the grid',
  [DecimalError.offGrid]: 'is not a multiple of the tick/lot',
};

/** Why the decimal parser refused a value, in words. */
export function decimalWhy(code: number): string {
  return DECIMAL_WHY[code] ?? `cannot be read (decimal error ${code})`;
}

/**
 * Why a price or size is off the grid, in words, with the step it must fit and the flag to check: "has more decimals
 * than the tick 0.1 (a venue that prints trailing zeros: write --tick 0.10)". `grid` is the tick and lot as written.
 */
export function gridHint(
  field: 'price' | 'size',
  value: string,
  code: number,
  grid: { tick: string; lot: string } | null,
  who: 'venue' | 'exchange',
): string {
  const flag = field === 'price' ? '--tick' : '--lot';
  const step = grid ? (field === 'price' ? grid.tick : grid.lot) : null;
  const fits = code === DecimalError.offGrid || code === DecimalError.tooManyDecimals;
  if (!fits || !step) return decimalWhy(code);
  const why = decimalWhy(code).replace('the tick/lot', `the ${field === 'price' ? 'tick' : 'lot'} ${step}`);
  const wider = code === DecimalError.tooManyDecimals ? widerStep(value, step) : null;
  return wider
    ? `${why} (${who === 'exchange' ? 'an exchange' : 'a venue'} that prints trailing zeros: write ${flag} ${wider})`
    : `${why} (${flag} does not fit this value: check it against the ${who}'s instrument)`;
}

/**
 * The step written with as many decimals as `value` has, when the value's extra decimals are trailing zeros and it
 * then fits ("94099.40" with 0.1: "0.10"); null otherwise.
 */
function widerStep(value: string, step: string): string | null {
  const m = /^\d*\.(\d*?)(0+)$/.exec(value);
  const frac = step.split('.')[1] ?? '';
  if (!m || m[1].length > frac.length) return null;
  const decimals = m[1].length + m[2].length;
  return decimals > frac.length ? `${step.includes('.') ? step : `${step}.`}${'0'.repeat(decimals - frac.length)}` : null;
}

function scaled(flag: string, text: string): { scale: number; step: bigint } {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`${flag} "${text}" is not a plain decimal (e.g. 0.1, 0.001, 5)`);
  const frac = m[2] ?? '';
  if (frac.length > 18) throw new Error(`${flag} "${text}" has more than 18 decimals`);
  const step = BigInt(m[1] + frac);
  if (step <= 0n) throw new Error(`${flag} "${text}" must be above 0`);
  return { scale: frac.length, step };
}

export function gridFromTickLot(instType: InstType | string, symbol: string, tick: string, lot: string): InstrumentGrid {
  const p = scaled('--tick', tick);
  const s = scaled('--lot', lot);
  return {
    instType: instType as InstType,
    symbol,
    priceScale: p.scale,
    priceStep: p.step,
    sizeScale: s.scale,
    sizeStep: s.step,
    tickSize: tick.trim(),
    lotSize: lot.trim(),
  };
}

/** The finest grid that holds every value with up to `priceDec` / `sizeDec` decimals (the page infers these). */
export function gridFromDecimals(instType: string, symbol: string, priceDec: number, sizeDec: number): InstrumentGrid {
  const unit = (d: number) => (d === 0 ? '1' : `0.${'0'.repeat(d - 1)}1`);
  return gridFromTickLot(instType, symbol, unit(priceDec), unit(sizeDec));
}

/** What an imported stream's files say about it (the node import and the page's alike). */
export function tardisStreamInfo(venue: string, grid: InstrumentGrid, instType: string = grid.instType): StreamInfo {
  return {
    venue,
    instType,
    symbol: grid.symbol,
    tickSize: grid.tickSize,
    lotSize: grid.lotSize,
    priceScale: grid.priceScale,
    priceStep: grid.priceStep,
    sizeScale: grid.sizeScale,
    sizeStep: grid.sizeStep,
    source: 'tardis',
  };
}
