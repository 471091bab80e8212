// One optimizer trial: the base config with the trial's overrides, backtested over the whole shared recording by
// the same core, strategy runtime (the strategy of `--strategy`: a built-in, or a user's file whose bundle text each
// worker loads) and simulated venue as `ringbook backtest`. The result keeps the full-run metrics and the
// equity curve on a fixed grid, from which any window's score is computed (./score): each trial runs once, and a
// window's strategy state is what the data before it left, as it would be live.
import { ConfigError } from '../strategy/params';
import { resolveRun } from '../strategy/resolve';
import { DEFAULT_STRATEGY, builtinNamed } from '../strategy/builtins/index';
import { loadBundle, type LoadedStrategy, type StrategyBundle } from '../strategy/sandbox';
import { defaultSignalParams } from '../core/index';
import { Backtest } from '../backtest/run';
import { instrumentOf, signalsOf, type RecordingGrid } from '../backtest/setup';
import { parseLatency, type RoundTrip } from '../backtest/latency';
import { parseQueue } from '../backtest/queue';
import { computeMetrics } from '../backtest/metrics';
import type { BacktestCore } from '../backtest/run';
import type { SignalParams } from '../core/index';
import { trialOverrides, type Trial } from './space';

/**
 * The strategy every trial runs: its bundle's text (a user's file, or a built-in bundled from its source), which each
 * worker evaluates once; or, when a built-in's sources are not shipped, the built-in by name (hash unknown).
 */
export interface TrialStrategy {
  name: string;
  bundle: StrategyBundle | null;
  /** sha256 of core.wasm; null when it cannot be read. */
  coreHash: string | null;
}

/** Everything a worker needs to run trials; plain data (it crosses postMessage). */
export interface TrialSettings {
  /** Absent: the built-in obi-ofi (what the optimizer ran before it took --strategy). */
  strategy?: TrialStrategy;
  base: unknown;
  grid: RecordingGrid;
  /** The recording's symbol. */
  symbol?: string;
  fees: { maker: number; taker: number };
  latency: string;
  queue: string;
  partialFills: boolean;
  /** The venue keeps the queue place on an amendment down at the same price (--amend-keeps-queue). */
  amendKeepsQueue?: boolean;
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
  /** sha256 of the strategy's bundle and of core.wasm the trial ran (null: unknown). */
  bundleSha256: string | null;
  coreSha256: string | null;
}

/** The strategy of `s`, ready to run (evaluates the bundle text; a worker calls this once and keeps the result). */
export function trialStrategy(s: TrialSettings): LoadedStrategy {
  const bundle = s.strategy?.bundle;
  if (bundle) return loadBundle(bundle);
  const name = s.strategy?.name ?? DEFAULT_STRATEGY;
  const builtin = builtinNamed(name);
  if (!builtin) throw new Error(`optimizer: no bundle for strategy ${name} and no built-in of that name`);
  return { definition: builtin.definition, bundle: null, describeError: (e) => (e instanceof Error ? e.message : String(e)) };
}

/** One trial over `rows` shared 64-byte records (src/optimize/data.ts). */
export function runTrial(
  bc: BacktestCore & { reset(s: Partial<SignalParams>): void },
  records: Int32Array,
  rows: number,
  s: TrialSettings,
  trial: Trial,
  strategy: LoadedStrategy = trialStrategy(s),
): TrialResult {
  const def = strategy.definition;
  const hashes = { bundleSha256: strategy.bundle?.hash ?? null, coreSha256: s.strategy?.coreHash ?? null };
  let run;
  try {
    run = resolveRun(def, [s.base], trialOverrides(trial));
  } catch (err) {
    if (err instanceof ConfigError || err instanceof Error) return { id: trial.id, params: trial.params, error: err.message, ...hashes };
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
      bundleHash: hashes.bundleSha256,
      coreHash: hashes.coreSha256,
      describeError: strategy.describeError,
      ofiLevels: signals.ofiLevels ?? defaultSignalParams.ofiLevels,
    },
    instrument: { ...instrumentOf(s.grid, s.symbol ?? 'BTCUSDT', s.fees), ...(s.amendKeepsQueue ? { amendKeepsQueue: true } : {}) },
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
    ...hashes,
  };
}
