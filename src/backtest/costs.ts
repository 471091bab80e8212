// What a run paid and received besides its trading P&L, as the report shows it: fees paid and maker rebates
// received (a negative maker rate is a rebate, credited fill by fill), the fee rates and tier, and funding — where the
// rates came from (the recorded ticker, a flat --funding rate, or none) and every settlement charged.
import type { BacktestTrace } from './trace';

export interface SettlementMetrics {
  /** The instrument charged, in a run of several. */
  symbol?: string;
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
  /** A run of several instruments: each one's share of the figures above (which are their totals). */
  instruments?: InstrumentCosts[];
}

export interface InstrumentCosts {
  symbol: string;
  feesPaidQuote: number;
  rebatesQuote: number;
  makerFills: number;
  takerFills: number;
  fundingReceivedQuote: number;
  settlements: number;
}

const utc = (ns: bigint): string => {
  const ms = Number(ns / 1_000_000n);
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : '';
};

/** Fees paid, rebates received (as a positive amount) and maker fills of `fills`. */
function feesOf(fills: BacktestTrace['fills']): { paid: number; rebates: number; maker: number } {
  let paid = 0;
  let rebates = 0;
  let maker = 0;
  for (const f of fills) {
    if (f.feeQuote > 0) paid += f.feeQuote;
    else rebates -= f.feeQuote;
    if (f.maker) maker++;
  }
  return { paid, rebates: rebates === 0 ? 0 : rebates, maker };
}

const finite = (x: number) => (Number.isFinite(x) ? x : 0);

export function costsOf(trace: BacktestTrace): CostMetrics {
  const { paid, rebates, maker } = feesOf(trace.fills);
  const s = trace.settings;
  const source = typeof s.funding === 'string' && s.funding.startsWith('recorded') ? 'recorded' : s.fundingRate ? 'flat' : 'none';
  return {
    feesPaidQuote: paid,
    rebatesQuote: rebates,
    makerFills: maker,
    takerFills: trace.fills.length - maker,
    funding: {
      source,
      receivedQuote: finite(trace.fundingQuote),
      settlements: (trace.fundingSettlements ?? []).map((r) => ({
        ...(r.symbol !== undefined ? { symbol: r.symbol } : {}),
        ts: r.atNs.toString(),
        utc: utc(r.atNs),
        rate: r.rate,
        mark: r.mark || null,
        positionLot: r.positionLot,
        receivedQuote: r.quote === 0 ? 0 : r.quote,
        receivedExact: r.quoteText || null,
      })),
    },
    ...(trace.instruments && trace.instruments.length > 1
      ? {
          instruments: trace.instruments.map((it): InstrumentCosts => {
            const f = feesOf(it.fills);
            return {
              symbol: it.symbol,
              feesPaidQuote: f.paid,
              rebatesQuote: f.rebates,
              makerFills: f.maker,
              takerFills: it.fills.length - f.maker,
              fundingReceivedQuote: finite(it.fundingQuote),
              settlements: it.fundingSettlements?.length ?? 0,
            };
          }),
        }
      : {}),
  };
}
