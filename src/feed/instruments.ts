// Instrument grids from Bitget's REST metadata (docs/bitget.md §7), computed from the decimal strings
// exactly: price tick = priceEndStep at pricePlace decimals; size step = sizeMultiplier at volumePlace decimals.

import { errorText } from '../format/errors';
import { didYouMean } from '../format/suggest';

export type InstType = 'SPOT' | 'USDT-FUTURES' | 'COIN-FUTURES' | 'USDC-FUTURES' | 'SUSDT-FUTURES' | 'SCOIN-FUTURES' | 'SUSDC-FUTURES';

export interface InstrumentGrid {
  instType: InstType;
  symbol: string;
  /** Decimals of the scaled price, and the tick in scaled units. */
  priceScale: number;
  priceStep: bigint;
  /** Decimals of the scaled size, and the lot in scaled units. */
  sizeScale: number;
  sizeStep: bigint;
  /** Tick and lot as the exchange writes them (for reports). */
  tickSize: string;
  lotSize: string;
  makerFeeRate?: string;
  takerFeeRate?: string;
}

/** A non-negative decimal string at `scale` decimals → scaled bigint; throws unless exact. */
export function scaledFromString(text: string, scale: number, what: string): bigint {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`RB_ERR_METADATA: ${what} "${text}" is not a plain decimal`);
  const frac = m[2] ?? '';
  if (frac.replace(/0+$/, '').length > scale) throw new Error(`RB_ERR_METADATA: ${what} "${text}" has more than ${scale} decimals`);
  return BigInt(m[1] + frac.padEnd(scale, '0').slice(0, scale));
}

function wholeNumber(text: unknown, what: string): number {
  const n = Number(text);
  if (typeof text !== 'string' || !/^\d+$/.test(text) || n > 18)
    throw new Error(`RB_ERR_METADATA: ${what} "${String(text)}" is not a whole number 0..18`);
  return n;
}

/** `scaled` / 10^`scale` as a plain decimal without trailing zeros (1n, 1 → "0.1"). */
export function renderScaled(scaled: bigint, scale: number): string {
  const s = scaled.toString().padStart(scale + 1, '0');
  const int = s.slice(0, s.length - scale);
  const frac = s.slice(s.length - scale).replace(/0+$/, '');
  return frac ? `${int}.${frac}` : int;
}

/** A row of GET /api/v2/mix/market/contracts. */
export function gridFromContract(row: any, instType: InstType): InstrumentGrid {
  const priceScale = wholeNumber(row.pricePlace, `${row.symbol} pricePlace`);
  const sizeScale = wholeNumber(row.volumePlace, `${row.symbol} volumePlace`);
  const priceStep = scaledFromString(String(row.priceEndStep ?? '1'), 0, `${row.symbol} priceEndStep`);
  const sizeStep = scaledFromString(String(row.sizeMultiplier ?? '1'), sizeScale, `${row.symbol} sizeMultiplier`);
  if (priceStep <= 0n || sizeStep <= 0n) throw new Error(`RB_ERR_METADATA: ${row.symbol} has a zero tick or lot`);
  return {
    instType,
    symbol: row.symbol,
    priceScale,
    priceStep,
    sizeScale,
    sizeStep,
    tickSize: renderScaled(priceStep, priceScale),
    lotSize: renderScaled(sizeStep, sizeScale),
    makerFeeRate: row.makerFeeRate,
    takerFeeRate: row.takerFeeRate,
  };
}

/** A row of GET /api/v2/spot/public/symbols. */
export function gridFromSpotSymbol(row: any): InstrumentGrid {
  const priceScale = wholeNumber(row.pricePrecision, `${row.symbol} pricePrecision`);
  const sizeScale = wholeNumber(row.quantityPrecision, `${row.symbol} quantityPrecision`);
  return {
    instType: 'SPOT',
    symbol: row.symbol,
    priceScale,
    priceStep: 1n,
    sizeScale,
    sizeStep: 1n,
    tickSize: renderScaled(1n, priceScale),
    lotSize: renderScaled(1n, sizeScale),
    makerFeeRate: row.makerFeeRate,
    takerFeeRate: row.takerFeeRate,
  };
}

/** A symbol the venue does not list: a mistake on the command line (exit 2), not a failure of the venue. */
export class UnlistedSymbolError extends Error {
  constructor(
    readonly symbol: string,
    message: string,
  ) {
    super(message);
    this.name = 'UnlistedSymbolError';
  }
}

/** Fetches the grids of `symbols` from a Bitget-compatible REST base URL; errors name what is missing. */
export async function fetchGrids(restUrl: string, instType: InstType, symbols: string[]): Promise<InstrumentGrid[]> {
  const path = instType === 'SPOT' ? '/api/v2/spot/public/symbols' : `/api/v2/mix/market/contracts?productType=${instType}`;
  const url = new URL(path, restUrl);
  let body: any;
  try {
    const res = await fetch(url);
    body = await res.json();
    if (!res.ok || body?.code !== '00000') throw new Error(`HTTP ${res.status} code ${body?.code} ${body?.msg ?? ''}`);
  } catch (err) {
    throw new Error(`cannot read instrument metadata from ${url.href}: ${errorText(err)}`);
  }
  const rows: any[] = Array.isArray(body.data) ? body.data : [];
  return symbols.map((symbol) => {
    const row = rows.find((r) => r.symbol === symbol);
    if (!row)
      throw new UnlistedSymbolError(
        symbol,
        `${instType} symbol ${symbol} is not listed at ${url.origin}${didYouMean(
          symbol,
          rows.map((r) => String(r.symbol)),
        )} (known: ${rows
          .slice(0, 8)
          .map((r) => r.symbol)
          .join(', ')}…)`,
      );
    return instType === 'SPOT' ? gridFromSpotSymbol(row) : gridFromContract(row, instType);
  });
}
