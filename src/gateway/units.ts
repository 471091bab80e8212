// Integer ticks and lots ↔ the decimal strings Bitget's private API reads and writes, exactly (BigInt, never a
// float). WHEN TO USE: every price or size that crosses the gateway, in both directions. A string off the
// instrument's grid, or with more decimals than it allows, is an RB_ERR_GW_DECIMAL error carrying the value —
// never rounded (docs/design.md §5).
import type { InstrumentGrid } from '../feed/instruments';
import { formatPlain } from '../core/format';

export class GatewayDecimalError extends Error {
  readonly code = 'RB_ERR_GW_DECIMAL';
  constructor(
    readonly input: unknown,
    readonly what: string,
    readonly why: string,
  ) {
    super(`RB_ERR_GW_DECIMAL: ${what} ${JSON.stringify(input)} ${why}`);
  }
}

const PLAIN = /^(-)?(\d+)(?:\.(\d+))?$/;

/** A plain decimal string at `scale` decimals → scaled bigint (trailing zeros past `scale` allowed). */
export function scaledExact(text: unknown, scale: number, what: string, allowSign = false): bigint {
  if (typeof text !== 'string') throw new GatewayDecimalError(text, what, 'is not a decimal string');
  const m = PLAIN.exec(text);
  if (!m) throw new GatewayDecimalError(text, what, 'is not a plain decimal');
  if (m[1] && !allowSign) throw new GatewayDecimalError(text, what, 'is negative');
  const frac = m[3] ?? '';
  if (frac.replace(/0+$/, '').length > scale) throw new GatewayDecimalError(text, what, `has more than ${scale} decimals`);
  const v = BigInt(m[2] + frac.padEnd(scale, '0').slice(0, scale));
  return m[1] ? -v : v;
}

function steps(text: unknown, scale: number, step: bigint, what: string): number {
  const scaled = scaledExact(text, scale, what);
  if (scaled % step !== 0n) throw new GatewayDecimalError(text, what, `is off the grid (step ${step} at scale ${scale})`);
  const n = scaled / step;
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new GatewayDecimalError(text, what, 'is too large');
  return Number(n);
}

/** "27000.5" → ticks on `grid` (exact; throws off-grid). */
export function priceToTicks(grid: InstrumentGrid, text: unknown, what = `${grid.symbol} price`): number {
  return steps(text, grid.priceScale, grid.priceStep, what);
}

/** "0.01" → lots on `grid` (exact; throws off-grid). */
export function sizeToLots(grid: InstrumentGrid, text: unknown, what = `${grid.symbol} size`): number {
  return steps(text, grid.sizeScale, grid.sizeStep, what);
}

function checkCount(n: number, what: string, allowZero: boolean): void {
  if (!Number.isSafeInteger(n) || n < 0 || (!allowZero && n === 0))
    throw new GatewayDecimalError(n, what, 'is not a positive whole number');
}

/** Ticks → the price string Bitget reads ("27000.5"; trailing zeros dropped). */
export function ticksToPrice(grid: InstrumentGrid, ticks: number): string {
  checkCount(ticks, `${grid.symbol} priceTick`, false);
  return formatPlain(ticks, grid.priceStep, grid.priceScale);
}

/** Lots → the size string Bitget reads ("0.01"). */
export function lotsToSize(grid: InstrumentGrid, lots: number): string {
  checkCount(lots, `${grid.symbol} qtyLot`, false);
  return formatPlain(lots, grid.sizeStep, grid.sizeScale);
}

/**
 * A fee string ("-0.162003": Bitget writes a charged fee as negative) → the quote amount paid, as the FSM's
 * `feeQuote` number: positive = paid, negative = rebate. Parsed exactly first, then converted once.
 */
export function feePaid(text: unknown): number {
  if (text === undefined || text === null || text === '') return 0;
  const m = typeof text === 'string' ? PLAIN.exec(text) : null;
  if (!m) throw new GatewayDecimalError(text, 'fee', 'is not a plain decimal');
  const scale = (m[3] ?? '').length;
  const v = scaledExact(text, scale, 'fee', true);
  return -Number(v) / 10 ** scale || 0;
}
