// The simulated venue's models as backtest and optimize take them from their flags and the recording: the fee rates
// (--fees, --fee-tier), the latency (--latency, else the recording's own round trips, else the feed), funding
// (--funding, else the recorded ticker), and the checks of those flags that come before any file is read.
import type { SideFiles } from '../capture/read-file';
import { parseLatency, type LatencyModel, type RoundTrip } from '../backtest/latency';
import { latencyOf, ownOrdersLackText } from '../backtest/latency-choice';
import { parseQueue } from '../backtest/queue';
import { ownOrderFiles } from '../backtest/orders';
import type { ReplayFile } from '../backtest/feeder';
import { readTicker } from '../backtest/ticker-files';
import { settlementsOf, type FundingSource } from '../backtest/funding';
import { FEE_RATES_FORM, FEE_TIERS, feeTier, readFeeRates, type FeeRates } from '../backtest/fee-tiers';
import { asUsage, dirText, UsageError } from './args';

/**
 * The venue-model flags' values, checked before any file is read: a malformed one is a usage error (exit 2) whatever
 * the data. `--latency recorded` needs the recording's own orders and is checked with them.
 */
export function checkModelFlags(values: { fees?: string; 'fee-tier'?: string; queue?: string; latency?: string }): void {
  if (values.fees !== undefined && values['fee-tier'] !== undefined)
    throw new UsageError(`--fees ${values.fees} and --fee-tier ${values['fee-tier']} both set the fee rates: give one of them`);
  if (values.fees !== undefined) parseFees(values.fees);
  const tier = values['fee-tier'];
  if (tier !== undefined && !Object.values(FEE_TIERS).some((t) => tier.toLowerCase() in t)) tierRates(tier, 'USDT-FUTURES');
  if (values.queue !== undefined) asUsage(() => parseQueue(values.queue!));
  if (values.latency !== undefined && !values.latency.startsWith('recorded')) asUsage(() => parseLatency(values.latency!, () => []));
}

/**
 * The run's latency model by the shared rule (src/backtest/latency-choice.ts): --latency, else `recorded` when the
 * recording's trading session left round trips of own orders under <root>/_orders, else `feed`. `recorded` without any
 * for the run's symbols is a usage error (exit 2) saying what the recording lacks and what to give instead.
 */
export function latencyFor(spec: string | undefined, root: string, symbols: readonly string[], trips: readonly RoundTrip[]): LatencyModel {
  // what is lacking is worked out only on the way to the error: listing the stream twice costs nothing a run pays
  const lacks = () =>
    ownOrdersLackText(
      { root: dirText(root), orders: `${dirText(root)}_orders` },
      symbols,
      !ownOrderFiles(root).length ? 'stream' : !ownOrderFiles(root, symbols).length ? 'symbols' : 'answers',
    );
  return asUsage(() => latencyOf(spec, trips, lacks));
}

/**
 * Funding for the run: a flat --funding rate overrides; else the settlements of the recorded ticker stream
 * (<root>/_ticker/), when there is one; else none.
 */
export async function fundingSource(
  flat: number | undefined,
  root: string,
  symbol: string,
  instType?: string,
  side?: SideFiles,
): Promise<FundingSource> {
  if (flat !== undefined) return { kind: 'flat', rate: flat };
  const rows = await readTicker(root, symbol, instType, side);
  return rows.length ? { kind: 'recorded', settlements: settlementsOf(rows), tickerRows: rows.length } : { kind: 'none' };
}

/**
 * What a flat --funding rate replaces: the recorded tickers of the run's symbols, whose settlements are then not
 * charged, in words ("the recorded ticker of BTCUSDT: 6 settlements"); null when none was recorded (or no --funding).
 */
export async function fundingReplaced(
  flat: number | undefined,
  root: string,
  chosen: ReadonlyArray<{ symbol: string; files: readonly ReplayFile[] }>,
  side?: SideFiles,
): Promise<string | null> {
  if (flat === undefined) return null;
  const over: string[] = [];
  for (const c of chosen) {
    const rows = await readTicker(root, c.symbol, c.files[0].meta.inst_type, side);
    if (!rows.length) continue;
    const n = settlementsOf(rows).length;
    over.push(`${c.symbol}: ${n} ${n === 1 ? 'settlement' : 'settlements'}`);
  }
  return over.length ? `the recorded ticker of ${over.join(', ')}` : null;
}

/** The symbols among `chosen` recorded as SPOT instruments (inst_type=SPOT): spot has no funding. */
export function spotSymbols(chosen: ReadonlyArray<{ symbol: string; files: readonly ReplayFile[] }>): string[] {
  return chosen.filter((c) => c.files[0]?.meta.inst_type === 'SPOT').map((c) => c.symbol);
}

/**
 * --funding charges a flat rate at every settlement, and spot has none: on a run with a SPOT instrument it is a
 * mistake on the command line (exit 2), not a rate to invent for it.
 */
export function checkFundingFlag(rate: number | undefined, chosen: ReadonlyArray<{ symbol: string; files: readonly ReplayFile[] }>): void {
  const spot = spotSymbols(chosen);
  if (rate === undefined || !spot.length) return;
  const futures = chosen.map((c) => c.symbol).filter((s) => !spot.includes(s));
  throw new UsageError(
    `--funding ${rate}: ${spot.join(', ')} ${spot.length === 1 ? 'is a SPOT instrument' : 'are SPOT instruments'}, and spot has no funding to charge; ` +
      `drop --funding${futures.length ? ` (or replay the futures alone with --symbols ${futures.join(',')})` : ''}`,
  );
}

/** --fee-tier: the tier's rates, or a usage error listing the tiers known for the recording's product type. */
export function tierRates(name: string, instType: string): FeeRates {
  try {
    return feeTier(name, instType);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function parseFees(text: string): { maker: number; taker: number } {
  const rates = readFeeRates(text);
  if (!rates) throw new UsageError(`--fees "${text}" ${FEE_RATES_FORM}`);
  return rates;
}
