// A backtest of several instruments as one portfolio: the trace's top-level fields become the sum of the instruments'
// in quote units, so the metrics of one instrument (./metrics) read the whole run unchanged — money adds across
// instruments, ticks and lots do not. Each instrument keeps its own trace under `instruments`.
import type { BacktestTrace, FillRow, InstrumentTrace, Markouts, Series } from './trace';
import type { SettlementRow } from './funding';

/** The portfolio trace of `instruments` (each sampled on the same grid of the same run), over `run`'s run-wide fields. */
export function portfolioTrace(run: BacktestTrace, instruments: InstrumentTrace[]): BacktestTrace {
  const fills: FillRow[] = [];
  // fills of every instrument in the order the strategy learnt of them (ties: instrument order), in quote and base
  const order: Array<{ f: FillRow; i: number; j: number }> = [];
  instruments.forEach((it, i) => it.fills.forEach((f, j) => order.push({ f, i, j })));
  order.sort((a, b) => (a.f.localTs < b.f.localTs ? -1 : a.f.localTs > b.f.localTs ? 1 : a.i - b.i || a.j - b.j));
  for (const { f, i } of order) {
    const it = instruments[i];
    fills.push({ ...f, priceTick: f.priceTick * it.tickSize, qtyLot: f.qtyLot * it.lotSize });
  }
  // markouts stay in each fill's own ticks: the portfolio's lists them in the portfolio's fill order
  const first = instruments[0].markouts;
  const markouts: Markouts = {
    horizonsNs: first.horizonsNs,
    ticks: first.horizonsNs.map((_, h) => Float64Array.from(order, (o) => instruments[o.i].markouts.ticks[h]?.[o.j] ?? NaN)),
  };
  return {
    ...run,
    tickSize: 1,
    lotSize: 1,
    fills,
    markouts,
    series: sumSeries(instruments),
    fundingQuote: instruments.reduce((s, it) => s + it.fundingQuote, 0),
    fundingSettlements: settlementsOf(instruments),
    instruments,
  };
}

/** Every instrument's settlements charged, named by symbol, in time order (ties: instrument order). */
function settlementsOf(instruments: InstrumentTrace[]): SettlementRow[] {
  const all = instruments.flatMap((it) => (it.fundingSettlements ?? []).map((r) => ({ ...r, symbol: it.symbol })));
  return all.sort((a, b) => (a.atNs < b.atNs ? -1 : a.atNs > b.atNs ? 1 : 0));
}

/** Equity summed, and the gross position value (Σ |position| × mid × tick × lot) in place of a position; no mid. */
function sumSeries(instruments: InstrumentTrace[]): Series {
  const s0 = instruments[0].series;
  const len = Math.min(...instruments.map((it) => it.series.length));
  const equityQuote = new Float64Array(len);
  const positionLot = new Float64Array(len);
  for (const it of instruments) {
    const s = it.series;
    const unit = it.tickSize * it.lotSize;
    for (let k = 0; k < len; k++) {
      equityQuote[k] += s.equityQuote[k];
      const mid = s.midTick[k];
      if (mid === mid) positionLot[k] += Math.abs(s.positionLot[k]) * mid * unit;
    }
  }
  return {
    intervalNs: s0.intervalNs,
    ts: s0.ts.slice(0, len),
    equityQuote,
    positionLot,
    midTick: new Float64Array(len).fill(NaN),
    length: len,
  };
}
