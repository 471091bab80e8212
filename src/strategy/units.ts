// Sizes and prices as the runtime's log and halt messages write them: the strategy's units (lots, ticks) beside the
// instrument's (the base currency, the quote currency), so "refused buy 500 lots (0.05 BTC) BTCUSDT at 89,997.3 USDT
// (tick 899973)" is not read as 500 BTC at 899,973 USDT. Only for messages: made when one is written, never on a path
// that decides.
import { baseCurrency, groupThousands, plural, quoteCurrency, stepDecimals } from '../format/numbers';

/** What the messages need of an instrument (a RuntimeInstrument is one). */
export interface Grid {
  symbol: string;
  quote?: string;
  tickSize: number;
  lotSize: number;
}

/** `n` steps of `step` in the exchange's units, with the step's decimals, trailing zeros dropped: 500 × 0.0001 → "0.05". */
function amount(n: number, step: number): string {
  const t = (n * step).toFixed(Math.min(20, stepDecimals(step)));
  return groupThousands(t.includes('.') ? t.replace(/\.?0+$/, '') : t);
}

/**
 * A symbol's quote currency when the instrument does not say (InstrumentInfo.quote): the reports' reading of it, so a
 * strategy and the report agree (USDT for BTCUSDT, BTC for ETHBTC, else "quote").
 */
export const quoteOf = (symbol: string) => quoteCurrency(symbol);

/** The instrument's quote currency, as m.info.quote names it. */
export function quoteOfGrid(g: Grid): string {
  return g.quote ?? quoteOf(g.symbol);
}

/** The instrument's base currency: the symbol without its quote currency (BTC for BTCUSDT), else "base". */
function baseOf(g: Grid): string {
  return baseCurrency(g.symbol, quoteOfGrid(g)) ?? 'base';
}

/** "500 lots (0.05 BTC)", "1 lot (0.0001 BTC)". */
export function lotText(g: Grid, lots: number): string {
  return `${plural(lots, 'lot')} (${amount(lots, g.lotSize)} ${baseOf(g)})`;
}

/** "89,997.3 USDT (tick 899973)". */
export function priceText(g: Grid, tick: number): string {
  return `${amount(tick, g.tickSize)} ${quoteOfGrid(g)} (tick ${tick})`;
}
