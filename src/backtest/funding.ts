// Funding as the venue charged it: the recorded `ticker` stream (<root>/_ticker/, src/feed/ticker.ts) gives each
// settlement's time (nextFundingTime), the rate in force for it (the last rate published for that settlement) and the
// mark price then (the last mark published at or before it). The backtest's recorders (./recorders) charge each one on
// the position held when the replay's clock reaches it: received = −position × lot × mark × rate (longs pay when the
// rate is positive), computed exactly on the decimals and rounded to a double once, at the end.
// Pure (the browser's replay bundles it too); reading the files is ./ticker-files.
import { decimalText, tickerRow, type Decimal, type TickerRow } from '../feed/ticker';
import { Kind } from '../core/record';

/** One settlement to charge: when (exchange clock, ns), the rate in force and the mark price then. */
export interface Settlement {
  atNs: bigint;
  rate: Decimal;
  /** null when no mark was recorded at or before the settlement: the replay's mid stands in (and says so). */
  mark: Decimal | null;
}

/** What the run charges funding from. */
export type FundingSource =
  | {
      kind: 'recorded';
      settlements: Settlement[];
      tickerRows: number;
      /** Several instruments: the symbols whose ticker was recorded (each is charged its own settlements). */
      symbols?: string[];
    }
  | { kind: 'flat'; rate: number }
  | { kind: 'none' };

/** A charged settlement, for the trace and the report. */
export interface SettlementRow {
  /** The instrument charged, in a run of several. */
  symbol?: string;
  atNs: bigint;
  rate: string;
  /** The mark price used ("" when the mid stood in for a missing mark). */
  mark: string;
  positionLot: number;
  /** Received, quote currency (negative = paid), exact as text and as the nearest double. */
  quoteText: string;
  quote: number;
}

/**
 * The settlements a recording shows, in time order: every nextFundingTime some row published a rate for, with the
 * last rate published for it at or before it (Bitget re-quotes the coming settlement's rate until it happens) and the
 * last mark at or before it on the exchange clock. Rows must be in exchange-time order (readTicker's).
 */
export function settlementsOf(rows: readonly TickerRow[]): Settlement[] {
  // the last rate published for each settlement by then; one published only afterwards (a late push still naming it)
  // counts when nothing came before
  const rates = new Map<bigint, Decimal>();
  const late = new Map<bigint, Decimal>();
  for (const r of rows) {
    if (r.nextFundingNs === null || !r.rate) continue;
    if (r.exchNs <= r.nextFundingNs) rates.set(r.nextFundingNs, r.rate);
    else if (!late.has(r.nextFundingNs)) late.set(r.nextFundingNs, r.rate);
  }
  for (const [at, rate] of late) if (!rates.has(at)) rates.set(at, rate);
  const times = [...rates.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: Settlement[] = [];
  let i = 0;
  let mark: Decimal | null = null;
  for (const at of times) {
    for (; i < rows.length && rows[i].exchNs <= at; i++) if (rows[i].mark) mark = rows[i].mark;
    out.push({ atNs: at, rate: rates.get(at)!, mark });
  }
  return out;
}

/** The ticker rows (kind 7) of one row group's columns, appended to `out` (the other kinds are skipped). */
export function tickerRowsOf(c: Record<string, ArrayLike<number | bigint>>, rows: number, out: TickerRow[]): void {
  const kind = c.kind as Int32Array;
  const flags = c.flags as Int32Array;
  const [exch, local, price, qty, seq, aux, aux2] = ['exch_ts', 'local_ts', 'price', 'qty', 'seq', 'aux', 'aux2'].map(
    (k) => c[k] as BigInt64Array,
  );
  for (let i = 0; i < rows; i++) {
    if (kind[i] !== Kind.ticker) continue;
    out.push(tickerRow(flags[i], exch[i], local[i], price[i], qty[i], seq[i], aux[i], aux2[i]));
  }
}

/** Ticker rows in exchange-time order, then local (what settlementsOf takes), in place. */
export function sortTickerRows(rows: TickerRow[]): TickerRow[] {
  return rows.sort((a, b) =>
    a.exchNs < b.exchNs ? -1 : a.exchNs > b.exchNs ? 1 : a.localNs < b.localNs ? -1 : a.localNs > b.localNs ? 1 : 0,
  );
}

const pow10 = (n: number) => 10n ** BigInt(n);

/**
 * Funding received at one settlement: −position × lot × mark × rate, exact (a decimal string) and as the nearest
 * double. `lot` is the recording's lot: `step` units of 10^−`scale` base (size_step, size_scale).
 */
export function fundingReceived(
  positionLot: number,
  lot: { step: bigint; scale: number },
  mark: Decimal,
  rate: Decimal,
): { text: string; quote: number } {
  const mantissa = -BigInt(positionLot) * lot.step * mark.mantissa * rate.mantissa;
  const decimals = lot.scale + mark.decimals + rate.decimals;
  // trailing zeros say nothing here: strip them (keeping at least one integer digit)
  let m = mantissa;
  let d = decimals;
  while (d > 0 && m % 10n === 0n) {
    m /= 10n;
    d--;
  }
  const text = decimalText({ mantissa: m, decimals: d });
  return { text, quote: Number(text) };
}

/** The same with the replay's mid (ticks, a double) standing in for a missing mark price. */
export function fundingReceivedAtMid(positionLot: number, tickLotQuote: number, midTick: number, rate: Decimal): number {
  return -positionLot * midTick * tickLotQuote * (Number(rate.mantissa) / Number(pow10(rate.decimals)));
}

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

/** The run's funding in words, for the report's settings: where the rates came from and how many settlements were charged. */
export function describeFunding(src: FundingSource, charged: number): string {
  if (src.kind === 'flat') return `flat ${src.rate} per 8 h settlement (--funding): ${plural(charged, 'settlement')} in the replay`;
  if (src.kind === 'none') return 'none: no ticker recorded (--funding R charges a flat rate)';
  const of = src.symbols ? ` of ${src.symbols.join(', ')}` : '';
  return `recorded (ticker${of}, ${plural(src.tickerRows, 'row')}): ${plural(charged, 'settlement')} in the replay, at the recorded rate and mark`;
}

/** Recorded settlements as the loop's recorders charge them, on the instrument's lot; undefined for a flat rate or none. */
export function settlementsOn(
  f: FundingSource | undefined,
  grid: { sizeStep: bigint; sizeScale: number },
): { settlements: Settlement[]; lot: { step: bigint; scale: number } } | undefined {
  return f?.kind === 'recorded' ? { settlements: f.settlements, lot: { step: grid.sizeStep, scale: grid.sizeScale } } : undefined;
}

/**
 * The run's recorded funding in the report's settings (`funding`), as `ringbook backtest` words it: the ticker rows of
 * every instrument charged from a recorded ticker (named in a run of several) and the settlements charged; null when
 * no instrument has one (the settings then keep the flat `fundingRate`).
 */
export function recordedFundingSetting(
  list: ReadonlyArray<{ symbol: string; funding: FundingSource | undefined }>,
  charged: number,
): string | null {
  const rec = list.filter((i) => i.funding?.kind === 'recorded');
  if (!rec.length) return null;
  const rows = rec.reduce((n, i) => n + (i.funding?.kind === 'recorded' ? i.funding.tickerRows : 0), 0);
  const symbols = list.length > 1 ? { symbols: rec.map((i) => i.symbol) } : {};
  return describeFunding({ kind: 'recorded', settlements: [], tickerRows: rows, ...symbols }, charged);
}
