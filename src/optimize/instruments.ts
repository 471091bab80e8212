// The instruments an optimizer trial runs, as plain data that crosses postMessage and is written into manifest.json as
// it is: each symbol's grid and its funding — the settlements of its recorded ticker (times, rates and marks kept as
// the decimal text recorded, so the charge is computed exactly as `ringbook backtest` computes it), a flat rate, or
// none — turned back into what the backtest's loop takes inside the worker.
import { parseDecimal, decimalText, type Decimal } from '../feed/ticker';
import type { FundingSource, Settlement } from '../backtest/funding';
import type { RecordingGrid } from '../backtest/setup';

/** A settlement as text: ns since the epoch, the rate and the mark (null: none recorded before it) as recorded. */
export interface SettlementText {
  atNs: string;
  rate: string;
  mark: string | null;
}

/** A FundingSource as plain data. */
export type FundingPlain =
  { kind: 'recorded'; tickerRows: number; settlements: SettlementText[] } | { kind: 'flat'; rate: number } | { kind: 'none' };

/** A grid as plain data (bigints as decimal strings). */
export type GridPlain = Omit<RecordingGrid, 'priceStep' | 'sizeStep'> & { priceStep: string; sizeStep: string };

/** One instrument of a trial, in the run's order (instrument i is the core's instrument i). */
export interface TrialInstrument {
  symbol: string;
  grid: GridPlain;
  funding: FundingPlain;
}

export function gridPlain(g: RecordingGrid): GridPlain {
  return { ...g, priceStep: String(g.priceStep), sizeStep: String(g.sizeStep) };
}

export function gridOfPlain(g: GridPlain | RecordingGrid): RecordingGrid {
  return { ...g, priceStep: BigInt(g.priceStep), sizeStep: BigInt(g.sizeStep) };
}

export function fundingPlain(f: FundingSource): FundingPlain {
  if (f.kind !== 'recorded') return f;
  return {
    kind: 'recorded',
    tickerRows: f.tickerRows,
    settlements: f.settlements.map((s) => ({
      atNs: String(s.atNs),
      rate: decimalText(s.rate),
      mark: s.mark ? decimalText(s.mark) : null,
    })),
  };
}

const decimal = (text: string): Decimal => {
  const d = parseDecimal(text);
  if (!d) throw new Error(`funding: ${JSON.stringify(text)} is not a decimal`);
  return d;
};

export function fundingOfPlain(f: FundingPlain): FundingSource {
  if (f.kind !== 'recorded') return f;
  const settlements: Settlement[] = f.settlements.map((s) => ({
    atNs: BigInt(s.atNs),
    rate: decimal(s.rate),
    mark: s.mark === null ? null : decimal(s.mark),
  }));
  return { kind: 'recorded', tickerRows: f.tickerRows, settlements };
}
