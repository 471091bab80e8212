// What a backtest's reports say beyond its metrics, built once for the terminal, --json and the HTML report: the
// instrument's currencies, the full resolved parameters with their sources, what stopped entries and why the run
// halted (src/fsm/explain.ts over the machine's counters and the signal the strategy saw).
import { FIELDS } from '../fsm/index';
import { explainEntries, explainHalt, type SignalStats } from '../fsm/explain';
import { findingLine, type Finding } from '../format/findings';
import { quoteCurrency } from '../format/numbers';
import { flatParams, paramRows } from '../format/params';
import type { Metrics } from '../backtest/metrics';
import type { ReportContext } from '../backtest/report-text';
import type { ResolvedParams } from './params';

export interface RunReport {
  ctx: ReportContext;
  /** --json: the metrics, then what a machine needs to read them (units) and why the run went as it did. */
  json: Metrics & Record<string, unknown>;
}

const findingJson = (f: Finding) => ({ ...f, line: findingLine(f) });

export function runReport(o: { symbol: string; metrics: Metrics; params: ResolvedParams; signals?: SignalStats | null }): RunReport {
  const { metrics: m, params } = o;
  const currency = quoteCurrency(o.symbol);
  const base = currency === 'quote' ? 'base' : o.symbol.slice(0, -currency.length);
  const findings = explainEntries({
    config: params.config,
    counters: m.strategy?.counters ?? {},
    trades: m.trades.count,
    fills: m.activity.fills,
    signals: o.signals ?? null,
  });
  const halt = explainHalt(m.strategy?.halted?.reason ?? null, params.config, currency);
  const ctx: ReportContext = {
    currency,
    base,
    parameters: paramRows(FIELDS, params.config, params.sources, currency),
    findings,
    halt,
    preset: params.preset,
  };
  const json = {
    ...m,
    symbol: o.symbol,
    // field-name suffix → unit, so a reader of this JSON knows what "Quote" and "Lot" are for this instrument
    units: {
      Quote: currency,
      Lot: `${m.run.lotSize} ${base}`,
      Ticks: `${m.run.tickSize} ${currency}`,
      Ns: 'nanoseconds (times: since the Unix epoch)',
      Bps: 'basis points',
    },
    parameters: { preset: params.preset, values: flatParams(FIELDS, params.config), sources: params.sources },
    signals: o.signals ?? null,
    entriesBlocked: findings.map(findingJson),
    halt: halt ? findingJson(halt) : null,
  };
  return { ctx, json };
}
