// Integer ticks and lots ↔ Bitget wire decimal strings, with BigInt and string arithmetic only (no float ever
// sees a price or a size). WHEN TO USE: whenever the simulator prints a level, a trade or instrument metadata.
/** What printing a price or a size needs of an instrument (an Instrument is one). */
export interface WireGrid {
  /** Decimals of a price, and one tick in units of 10^-priceScale. */
  readonly priceScale: number;
  readonly priceStep: bigint;
  /** Decimals of a size, and one lot in units of 10^-sizeScale. */
  readonly sizeScale: number;
  readonly sizeStep: bigint;
  /** Print every scale decimal instead of stripping trailing zeros. */
  readonly keepTrailingZeros: boolean;
}

/** One book level as it goes on the wire: [price, size], both decimal strings. */
export type WireLevel = [price: string, size: string];

/**
 * Prints `value · 10^-scale`. Trailing fraction zeros are stripped (as Bitget's REST and spot WS do: "0.00352",
 * "52415") unless `keepTrailingZeros`, which prints every scale decimal ("86618.70").
 */
export function formatScaled(value: bigint, scale: number, keepTrailingZeros = false): string {
  const neg = value < 0n;
  const digits = (neg ? -value : value).toString();
  if (scale === 0) return (neg ? '-' : '') + digits;
  const padded = digits.padStart(scale + 1, '0');
  const int = padded.slice(0, padded.length - scale);
  let frac = padded.slice(padded.length - scale);
  if (!keepTrailingZeros) frac = frac.replace(/0+$/, '');
  return (neg ? '-' : '') + int + (frac ? '.' + frac : '');
}

/**
 * Reads a plain non-negative decimal ("0.0001", "5", "86618.70") as an integer at `scale` decimals. Throws when the
 * text is not a plain decimal or has more significant decimals than `scale` (it would have to be rounded).
 */
export function parseScaled(text: string, scale: number): bigint {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`RB_ERR_EXCHANGE_DECIMAL: "${text}" is not a plain decimal`);
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > scale) throw new Error(`RB_ERR_EXCHANGE_DECIMAL: "${text}" has more than ${scale} decimals`);
  return BigInt(m[1] + frac.padEnd(scale, '0'));
}

/** Wire string of a price given in ticks of `inst` (ticks · priceStep at priceScale decimals). */
export function formatPrice(inst: WireGrid, priceTick: number | bigint): string {
  return formatScaled(BigInt(priceTick) * inst.priceStep, inst.priceScale, inst.keepTrailingZeros);
}

/** Wire string of a size given in lots of `inst`. A deleted level is always exactly "0", as Bitget sends it. */
export function formatSize(inst: WireGrid, qtyLot: number | bigint): string {
  const lots = BigInt(qtyLot);
  if (lots === 0n) return '0';
  return formatScaled(lots * inst.sizeStep, inst.sizeScale, inst.keepTrailingZeros);
}

/** Wire level of (ticks, lots). */
export function wireLevel(inst: WireGrid, priceTick: number, qtyLot: number): WireLevel {
  return [formatPrice(inst, priceTick), formatSize(inst, qtyLot)];
}
