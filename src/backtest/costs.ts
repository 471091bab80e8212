// What a run paid and received besides its trading P&L, as the report shows it: fees paid and maker rebates
// received (a negative maker rate is a rebate, credited fill by fill), the fee rates and tier, and funding — where the
// rates came from (the recorded ticker, a flat --funding rate, or none) and every settlement charged.
import type { BacktestTrace } from './trace';

export interface SettlementMetrics {
  /** Settlement time (exchange clock), ns since the epoch and UTC. */
  ts: string;
  utc: string;
  rate: string;
  /** The mark price charged at; null when none was recorded before it and the mid stood in. */
  mark: string | null;
  positionLot: number;
  /** Received, quote currency (negative = paid); `receivedExact` the same as an exact decimal when it is one. */
  receivedQuote: number;
  receivedExact: string | null;
}

export interface CostMetrics {
  /** Σ of positive fill fees (paid) and of negative ones (rebates, as a positive amount received). */
  feesPaidQuote: number;
  rebatesQuote: number;
  makerFills: number;
  takerFills: number;
  funding: {
    /** recorded: the ticker stream's settlements; flat: --funding; none: neither. */
    source: 'recorded' | 'flat' | 'none';
    receivedQuote: number;
    settlements: SettlementMetrics[];
  };
}

const utc = (ns: bigint): string => {
  const ms = Number(ns / 1_000_000n);
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : '';
};

export function costsOf(trace: BacktestTrace): CostMetrics {
  let paid = 0;
  let rebates = 0;
  let maker = 0;
  for (const f of trace.fills) {
    if (f.feeQuote > 0) paid += f.feeQuote;
    else rebates -= f.feeQuote;
    if (f.maker) maker++;
  }
  const s = trace.settings;
  const source = typeof s.funding === 'string' && s.funding.startsWith('recorded') ? 'recorded' : s.fundingRate ? 'flat' : 'none';
  return {
    feesPaidQuote: paid,
    rebatesQuote: rebates === 0 ? 0 : rebates,
    makerFills: maker,
    takerFills: trace.fills.length - maker,
    funding: {
      source,
      receivedQuote: Number.isFinite(trace.fundingQuote) ? trace.fundingQuote : 0,
      settlements: (trace.fundingSettlements ?? []).map((r) => ({
        ts: r.atNs.toString(),
        utc: utc(r.atNs),
        rate: r.rate,
        mark: r.mark || null,
        positionLot: r.positionLot,
        receivedQuote: r.quote === 0 ? 0 : r.quote,
        receivedExact: r.quoteText || null,
      })),
    },
  };
}
