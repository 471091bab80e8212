// What a backtest's reports say beyond its metrics, built once for the terminal, --json and the HTML report: the
// strategy that ran (name, bundle and core hashes), the instrument's currencies, the full resolved parameters with
// their sources, what stopped entries and why the run halted (src/strategy/explain.ts over the runtime's and the
// strategy's counters and, for obi-ofi, the signal it saw), and what the strategy logged.
import {
  explainBookless,
  explainCounters,
  explainEntries,
  explainHalt,
  type BooklessMarket,
  type HaltContext,
  type SignalStats,
  type StrategyConfig,
} from '../strategy/explain';
import { findingLine, type Finding } from '../format/findings';
import { quoteCurrency } from '../format/numbers';
import { flatParams, paramRows } from '../format/params';
import type { Metrics } from '../backtest/metrics';
import type { ReportContext } from '../backtest/report-text';
import type { StrategyTrace } from '../backtest/trace';
import type { ResolvedParams } from './params';

export interface RunReport {
  ctx: ReportContext;
  /** --json: the metrics, then what a machine needs to read them (units) and why the run went as it did. */
  json: Metrics & Record<string, unknown>;
}

const findingJson = (f: Finding) => ({ ...f, line: findingLine(f) });

/**
 * What stopped entries: obi-ofi's findings in words, another strategy's counters as they are. `bookless`: what the
 * files held of an instrument whose book was never valid (a backtest counts it), so a run on trades alone says so.
 */
export function findingsOf(
  params: ResolvedParams,
  counters: Readonly<Record<string, number>>,
  trades: number,
  fills: number,
  signals?: SignalStats | null,
  bookless?: readonly BooklessMarket[],
): Finding[] {
  if (params.name === 'obi-ofi')
    return explainEntries({
      config: params.config as unknown as StrategyConfig,
      counters,
      trades,
      fills,
      signals: signals ?? null,
      bookless,
    });
  // nothing traded and an instrument had trades but no book: that is why, said before what the strategy counted
  const noBook = trades === 0 && fills === 0 ? explainBookless(bookless) : [];
  return [...noBook, ...explainCounters({ risk: params.settings.risk, counters })];
}

export function runReport(o: {
  symbol: string;
  /** Several instruments: every symbol of the run, in its order (`symbol` is the first). */
  symbols?: readonly string[];
  metrics: Metrics;
  params: ResolvedParams;
  signals?: SignalStats | null;
  strategy?: StrategyTrace;
  /** Where the run ended, when its clock ran on past the last market message (traceEndNs). */
  endNs?: bigint;
  /** The run's SPOT instruments (spot has no funding: the report says so). */
  spot?: readonly string[];
  /** What the files held of each instrument whose book was never valid (src/cli/replay-contents.ts). */
  bookless?: readonly BooklessMarket[];
}): RunReport {
  const { metrics: m, params } = o;
  const several = o.symbols !== undefined && o.symbols.length > 1;
  const currency = quoteCurrency(o.symbol);
  const base = currency === 'quote' ? 'base' : o.symbol.slice(0, -currency.length);
  const findings = findingsOf(params, m.strategy?.counters ?? {}, m.trades.count, m.activity.fills, o.signals, o.bookless);
  const halt = explainHalt(m.strategy?.halted?.reason ?? null, params.config as unknown as HaltContext, currency);
  const ctx: ReportContext = {
    currency,
    base,
    ...(several ? { symbols: o.symbols } : {}),
    ...(o.spot?.length ? { spot: o.spot } : {}),
    parameters: paramRows(params.fields, params.config, params.sources, currency),
    findings,
    halt,
    preset: params.preset,
    strategy: {
      name: params.name,
      bundleHash: params.strategy.bundle?.hash ?? null,
      coreHash: m.strategy?.coreSha256 ?? null,
      source: params.strategy.bundle?.source ?? params.name,
    },
    logs: o.strategy?.logs ?? [],
    logCount: o.strategy?.logCount ?? 0,
    ...(o.endNs !== undefined ? { endNs: String(o.endNs) } : {}),
    // the Settings warning of a book never valid names the cause these counts show (trades only)
    ...(o.bookless?.length ? { bookless: o.bookless } : {}),
  };
  const json = {
    ...m,
    symbol: several ? o.symbols!.join(',') : o.symbol,
    ...(several ? { symbols: o.symbols } : {}),
    // field-name suffix → unit, so a reader of this JSON knows what "Quote" and "Lot" are for this instrument
    units: {
      Quote: currency,
      Lot: several ? 'each instrument its own: instruments[].lotSize' : `${m.run.lotSize} ${base}`,
      Ticks: several ? 'each instrument its own: instruments[].tickSize' : `${m.run.tickSize} ${currency}`,
      Ns: 'nanoseconds (times: since the Unix epoch)',
      Bps: 'basis points',
    },
    parameters: { strategy: params.name, preset: params.preset, values: flatParams(params.fields, params.config), sources: params.sources },
    signals: o.signals ?? null,
    entriesBlocked: findings.map(findingJson),
    halt: halt ? findingJson(halt) : null,
    log: {
      lines: o.strategy?.logCount ?? 0,
      kept: (o.strategy?.logs ?? []).map((l) => ({ tNs: l.t, level: l.level, message: l.message })),
    },
  };
  return { ctx, json };
}
