// Bitget's futures `ticker` push (docs/bitget.md §1.9) as one 64-byte record of kind 7, so the recorder keeps the
// funding rate, the next settlement time and the mark and index prices beside the market data (under <root>/_ticker/,
// docs/capture.md). Prices and the rate stay exact decimals: the integer written on the wire (its mantissa) and its
// number of decimals, never a float; a mark price need not lie on the tick grid, so it is not turned into ticks.
//
// Record fields (docs/design.md §4.2): flags = which fields the push had (TickerHas); exch_ts = data[0].ts;
// price = markPrice mantissa; qty = indexPrice mantissa; seq = nextFundingTime (ns); aux = fundingRate mantissa;
// aux2 = decimals of the mark (bits 0–7), the index (8–15) and the rate (16–23).
import { Kind, R, REC_SIZE } from '../core/record';

export const TickerHas = { mark: 1, index: 2, rate: 4, nextFunding: 8 } as const;

/** An exact decimal: value = mantissa × 10^−decimals. */
export interface Decimal {
  mantissa: bigint;
  decimals: number;
}

const MAX_I64 = (1n << 63n) - 1n;

/** A decimal string as Bitget sends it ("0.000010", "-0.0001", "27000.0"): exact, or null when it is not one. */
export function parseDecimal(text: unknown): Decimal | null {
  if (typeof text !== 'string') return null;
  const m = /^(-?)(\d{1,30})(?:\.(\d{1,18}))?$/.exec(text);
  if (!m) return null;
  const frac = m[3] ?? '';
  const mantissa = BigInt(`${m[1]}${m[2]}${frac}`);
  if (mantissa > MAX_I64 || -mantissa > MAX_I64) return null;
  return { mantissa, decimals: frac.length };
}

/** The decimal's text, as it was received (trailing zeros kept). */
export function decimalText(d: Decimal): string {
  const neg = d.mantissa < 0n;
  let digits = (neg ? -d.mantissa : d.mantissa).toString();
  if (d.decimals === 0) return `${neg ? '-' : ''}${digits}`;
  digits = digits.padStart(d.decimals + 1, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -d.decimals)}.${digits.slice(-d.decimals)}`;
}

/** Milliseconds as Bitget sends them (a string, or an integer number) → ns; null when not a whole number of ms. */
function msToNs(v: unknown): bigint | null {
  if (typeof v === 'string' && /^\d{1,16}$/.test(v)) return BigInt(v) * 1_000_000n;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v) * 1_000_000n;
  return null;
}

export interface TickerFields {
  exchNs: bigint;
  mark: Decimal | null;
  index: Decimal | null;
  rate: Decimal | null;
  nextFundingNs: bigint | null;
}

/**
 * The fields ringbook keeps from one ticker push's text, or a reason it cannot: a push that is not an object with one
 * `data` entry, or a `ts` that is not milliseconds. A field that is absent or not a decimal is left out (its TickerHas
 * bit clear): spot tickers have no funding at all.
 */
export function parseTicker(text: string): TickerFields | string {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  const data = (msg as { data?: unknown } | null)?.data;
  if (!Array.isArray(data) || data.length !== 1 || typeof data[0] !== 'object' || data[0] === null) return 'data is not one ticker object';
  const d = data[0] as Record<string, unknown>;
  const exchNs = msToNs(d.ts);
  if (exchNs === null) return `data[0].ts ${JSON.stringify(d.ts)} is not milliseconds`;
  return {
    exchNs,
    mark: parseDecimal(d.markPrice),
    index: parseDecimal(d.indexPrice),
    rate: parseDecimal(d.fundingRate),
    nextFundingNs: msToNs(d.nextFundingTime),
  };
}

/** Writes the ticker record of instrument `inst` received at `localNs` at byte `at` of `words`' buffer. */
export function writeTickerRecord(words: Int32Array, at: number, inst: number, localNs: bigint, f: TickerFields): void {
  const big = new BigInt64Array(words.buffer, words.byteOffset + at, REC_SIZE / 8);
  big.fill(0n);
  const has =
    (f.mark ? TickerHas.mark : 0) |
    (f.index ? TickerHas.index : 0) |
    (f.rate ? TickerHas.rate : 0) |
    (f.nextFundingNs !== null ? TickerHas.nextFunding : 0);
  words[(at + R.kind) >> 2] = Kind.ticker | (has << 16);
  words[(at + R.inst) >> 2] = inst;
  big[R.exchTs / 8] = f.exchNs;
  big[R.localTs / 8] = localNs;
  big[R.price / 8] = f.mark?.mantissa ?? 0n;
  big[R.qty / 8] = f.index?.mantissa ?? 0n;
  big[R.seq / 8] = f.nextFundingNs ?? 0n;
  big[R.aux / 8] = f.rate?.mantissa ?? 0n;
  big[R.aux2 / 8] = BigInt((f.mark?.decimals ?? 0) | ((f.index?.decimals ?? 0) << 8) | ((f.rate?.decimals ?? 0) << 16));
}

/** One recorded ticker row read back (a Parquet row of kind 7). */
export interface TickerRow {
  exchNs: bigint;
  localNs: bigint;
  mark: Decimal | null;
  index: Decimal | null;
  rate: Decimal | null;
  nextFundingNs: bigint | null;
}

/** A kind-7 row's columns back to its fields. */
export function tickerRow(
  flags: number,
  exchNs: bigint,
  localNs: bigint,
  price: bigint,
  qty: bigint,
  seq: bigint,
  aux: bigint,
  aux2: bigint,
): TickerRow {
  const dec = Number(aux2 & 0xffffffn);
  return {
    exchNs,
    localNs,
    mark: flags & TickerHas.mark ? { mantissa: price, decimals: dec & 0xff } : null,
    index: flags & TickerHas.index ? { mantissa: qty, decimals: (dec >> 8) & 0xff } : null,
    rate: flags & TickerHas.rate ? { mantissa: aux, decimals: (dec >> 16) & 0xff } : null,
    nextFundingNs: flags & TickerHas.nextFunding ? seq : null,
  };
}
