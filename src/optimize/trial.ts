// One optimizer trial: the base config with the trial's overrides, backtested over the whole shared recording by
// the same core, strategy runtime (obi-ofi, for now) and simulated venue as `ringbook backtest`. The result keeps the full-run metrics and the
// equity curve on a fixed grid, from which any window's score is computed (./score): each trial runs once, and a
// window's strategy state is what the data before it left, as it would be live.
import { ConfigError } from '../strategy/params';
import { resolveRun } from '../strategy/resolve';
import obiOfi from '../strategy/builtins/obi-ofi/index';
import type { StrategyDefinition } from '../strategy/api';
import { defaultSignalParams } from '../core/index';
import { Backtest } from '../backtest/run';
import { instrumentOf, signalsOf, type RecordingGrid } from '../backtest/setup';
import { parseLatency, type RoundTrip } from '../backtest/latency';
import { parseQueue } from '../backtest/queue';
import { computeMetrics } from '../backtest/metrics';
import type { BacktestCore } from '../backtest/run';
import type { SignalParams } from '../core/index';
import { trialOverrides, type Trial } from './space';

/** Everything a worker needs to run trials; plain data (it crosses postMessage). */
export interface TrialSettings {
  base: unknown;
  grid: RecordingGrid;
  /** The recording's symbol. */
  symbol?: string;
  fees: { maker: number; taker: number };
  latency: string;
  queue: string;
  partialFills: boolean;
  signals: Partial<SignalParams>;
  roundTrips: RoundTrip[];
  /** Equity sampling grid for window scores, ns. */
  sampleNs: number;
  fromNs: string;
  toNs: string;
}

export interface TrialResult {
  id: number;
  params: Trial['params'];
  /** Set when the trial's config is invalid (e.g. exit.threshold ≥ entry.threshold): the trial counts, scores nothing. */
  error?: string;
  metrics?: ReturnType<typeof computeMetrics>;
  /** Equity (quote, net of fees) at fromNs + k·sampleNs, k = 0…; the last point is the data's end. */
  equity?: number[];
  /** Exit times of round trips, ns after fromNs. */
  tradeExits?: number[];
}

/** One trial over `rows` shared 64-byte records (src/optimize/data.ts). */
export function runTrial(
  bc: BacktestCore & { reset(s: Partial<SignalParams>): void },
  records: Int32Array,
  rows: number,
  s: TrialSettings,
  trial: Trial,
): TrialResult {
  const def = obiOfi as unknown as StrategyDefinition;
  let run;
  try {
    run = resolveRun(def, [s.base], trialOverrides(trial));
  } catch (err) {
    if (err instanceof ConfigError || err instanceof Error) return { id: trial.id, params: trial.params, error: err.message };
    throw err;
  }
  const signals = signalsOf(def, run.params, s.signals);
  bc.reset(signals);
  const span = Number(BigInt(s.toNs) - BigInt(s.fromNs));
  const bt = new Backtest(bc, {
    strategy: {
      definition: def,
      params: run.params,
      settings: run.settings,
      idTag: `t${trial.id}`,
      ofiLevels: signals.ofiLevels ?? defaultSignalParams.ofiLevels,
    },
    instrument: instrumentOf(s.grid, s.symbol ?? 'BTCUSDT', s.fees),
    latency: parseLatency(s.latency, () => s.roundTrips),
    queue: parseQueue(s.queue),
    partialFills: s.partialFills,
    sampleNs: s.sampleNs,
    maxSamples: Math.ceil(span / s.sampleNs) + 16,
  });
  bt.feedRecords(records, 0, rows);
  const trace = bt.finish();
  const from = BigInt(s.fromNs);
  return {
    id: trial.id,
    params: trial.params,
    metrics: computeMetrics(trace),
    equity: Array.from(trace.series.equityQuote.subarray(0, trace.series.length)),
    tradeExits: trace.trades.map((t) => Number(t.exitNs - from)),
  };
}
