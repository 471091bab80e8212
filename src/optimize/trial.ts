// One optimizer trial: the base config with the trial's overrides, backtested over the whole shared recording by
// the same core, strategy runtime (the strategy of `--strategy`: a built-in, or a user's file whose bundle text each
// worker loads) and simulated venue as `ringbook backtest`. The result keeps the full-run metrics and the
// equity curve on a fixed grid, from which any window's score is computed (./score): each trial runs once, and a
// window's strategy state is what the data before it left, as it would be live.
import { ConfigError } from '../strategy/params';
import { resolveRun } from '../strategy/resolve';
import { DEFAULT_STRATEGY, builtinNamed } from '../strategy/builtins/index';
import { loadBundle, loadedBuiltin, type LoadedStrategy, type StrategyBundle } from '../strategy/sandbox';
import { REC_SIZE, defaultSignalParams } from '../core/index';
import { Backtest } from '../backtest/run';
import { instrumentOf, signalsOf, type RecordingGrid } from '../backtest/setup';
import { recordedFundingSetting, settlementsOn, type FundingSource } from '../backtest/funding';
import { mergeStreams, type Stream } from '../backtest/merge';
import type { RecordGroup } from '../capture/parquet/record-groups';
import { parseLatency, type RoundTrip } from '../backtest/latency';
import { parseQueue } from '../backtest/queue';
import { computeMetrics } from '../backtest/metrics';
import type { BacktestCore } from '../backtest/run';
import type { SignalParams } from '../core/index';
import type { Trial } from './space';
import { fundingOfPlain, gridOfPlain, type FundingPlain, type TrialInstrument } from './instruments';
import { beatAt, type HangCells } from '../backtest/hang-guard';

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
  /** Instrument 0's grid (the only one's, in a run of one symbol). */
  grid: RecordingGrid;
  /** Instrument 0's symbol. */
  symbol?: string;
  /** Instrument 0's funding, as `ringbook backtest` charges it (absent: none, as before funding was charged here). */
  funding?: FundingPlain;
  /** A run of several symbols: every instrument in the run's order (the first is `grid`, `symbol`, `funding`). */
  instruments?: TrialInstrument[];
  /** The named fee tier the fees are (--fee-tier), for the trial's settings. */
  feeTier?: string;
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
  /**
   * Set when the trial's config is invalid (e.g. exit.threshold ≥ entry.threshold), or when it hung (`hung`): the trial
   * counts, scores nothing.
   */
  error?: string;
  /** A strategy handler did not return for --hung-after: the trial's worker was ended (`error` says which and where). */
  hung?: true;
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
  return loadedBuiltin(builtin.definition);
}

/** The shared records of one instrument: 64-byte records (instrument `inst`), `rows` of them (src/optimize/data.ts). */
export interface TrialData {
  records: Int32Array;
  rows: number;
  /** Where this instrument's records are staged in the worker's core memory (a run of several; one uses the core's staging). */
  staging?: number;
}

/** Records handed to the merge per piece: a staging area's worth. */
export const TRIAL_PIECE = 4096;

/** The instruments of a trial in the run's order: its symbol, grid and funding. */
function instrumentsOf(s: TrialSettings): Array<{ symbol: string; grid: RecordingGrid; funding: FundingSource }> {
  if (s.instruments && s.instruments.length > 1)
    return s.instruments.map((i) => ({ symbol: i.symbol, grid: gridOfPlain(i.grid), funding: fundingOfPlain(i.funding) }));
  return [{ symbol: s.symbol ?? 'BTCUSDT', grid: s.grid, funding: s.funding ? fundingOfPlain(s.funding) : { kind: 'none' } }];
}

/** Staged pieces fed between two beats of a trial of one instrument (a whole number of them: the pieces one call would stage). */
const BEAT_PIECES = 16;

/** Instrument `inst`'s shared records as the merge's stream: each piece one block copy into its staging area. */
function sharedStream(words: Int32Array, d: TrialData, inst: number, beat: Int32Array | undefined): Stream {
  async function* groups(): AsyncGenerator<RecordGroup> {
    let group = 0;
    for (let at = 0; at < d.rows; at += TRIAL_PIECE) {
      const n = Math.min(TRIAL_PIECE, d.rows - at);
      words.set(d.records.subarray(at * 16, (at + n) * 16), d.staging! >> 2);
      if (beat) beatAt(beat, words, d.staging!, n);
      yield { group: group++, rowStart: at, rows: n, ptr: d.staging! };
    }
  }
  return { inst, groups: groups(), ptr: 0, rows: 0, done: false };
}

/**
 * One trial over the shared recording: one instrument's records replayed in order, or several instruments' merged in
 * local-time order by the backtest's own merge (src/backtest/merge.ts), each charged its own funding.
 */
export async function runTrial(
  bc: BacktestCore & { reset(s: Partial<SignalParams>): void },
  data: readonly TrialData[],
  s: TrialSettings,
  trial: Trial,
  strategy: LoadedStrategy = trialStrategy(s),
  hang?: HangCells,
): Promise<TrialResult> {
  const def = strategy.definition;
  const hashes = { bundleSha256: strategy.bundle?.hash ?? null, coreSha256: s.strategy?.coreHash ?? null };
  let run;
  try {
    // the trial's values as a layer of dotted keys over the base: numbers as they are (ns for durations), no text
    run = resolveRun(def, [s.base, trial.params]);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof Error) return { id: trial.id, params: trial.params, error: err.message, ...hashes };
    throw err;
  }
  const signals = signalsOf(def, run.params, s.signals);
  bc.reset(signals);
  const span = Number(BigInt(s.toNs) - BigInt(s.fromNs));
  const list = instrumentsOf(s);
  const instruments = list.map((i) => ({
    ...instrumentOf(i.grid, i.symbol, s.fees),
    ...(s.amendKeepsQueue ? { amendKeepsQueue: true } : {}),
  }));
  const flat = list[0].funding.kind === 'flat' ? list[0].funding.rate : undefined;
  const several = list.length > 1;
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
      // a watcher's cell (the pool's): the runtime marks the handler it is in
      handlerCell: hang?.handler,
    },
    instrument: instruments[0],
    ...(several ? { instruments } : {}),
    latency: parseLatency(s.latency, () => s.roundTrips),
    queue: parseQueue(s.queue),
    partialFills: s.partialFills,
    fundingRate: flat,
    ...(several
      ? list.some((i) => i.funding.kind === 'recorded')
        ? { fundingSettlementsOf: list.map((i) => settlementsOn(i.funding, i.grid)) }
        : {}
      : { fundingSettlements: settlementsOn(list[0].funding, list[0].grid) }),
    sampleNs: s.sampleNs,
    maxSamples: Math.ceil(span / s.sampleNs) + 16,
  });
  try {
    if (several)
      await mergeStreams(
        bt,
        data.map((d, i) => sharedStream(bc.core.words, d, i, hang?.beat)),
        bc.core.words,
      );
    else {
      // in chunks of a whole number of staged pieces (the pieces one call would stage), a beat before each when watched
      const { records, rows } = data[0];
      const chunk = bc.stagingRecords * BEAT_PIECES;
      for (let at = 0; at < rows && !bt.done; at += chunk) {
        const n = Math.min(chunk, rows - at);
        if (hang) beatAt(hang.beat, records, at * REC_SIZE, n);
        bt.feedRecords(records, at, n);
      }
    }
  } catch (err) {
    // the strategy's create() refused this trial's values (it runs at the first record, before any order): the
    // trial is an invalid configuration, as one a rule between parameters refuses, and the search goes on, where
    // `backtest` with the same values stops with the same message
    const message = err instanceof Error ? err.message : '';
    if (message.startsWith(`strategy ${def.name}: create() failed: `))
      return { id: trial.id, params: trial.params, error: message, ...hashes };
    throw err;
  }
  const trace = bt.finish(s.feeTier ? { feeTier: s.feeTier } : {});
  const described = recordedFundingSetting(list, trace.fundingSettlements?.length ?? 0);
  if (described) {
    delete trace.settings.fundingRate;
    trace.settings.funding = described;
  }
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
