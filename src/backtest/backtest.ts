// One backtest from recorded files to a trace: the core set up for the recording's instrument, the strategy runtime
// with the given strategy and parameters, the simulated venue, and the files streamed row group by row group (memory
// stays flat however long the recording is). Node only (files); the browser replay drives ./run itself.
import { defaultSignalParams, type SignalParams } from '../core/index';
import { fileRecordGroups } from '../capture/read-file';
import { Backtest, type BacktestOptions, type StrategyRun } from './run';
import { createBacktestCore, instrumentOf, signalsOf, DEFAULT_FEES, type RecordingGrid } from './setup';
import type { ReplayFile } from './feeder';
import type { RecordGroup } from '../capture/parquet/record-groups';
import { mergeStreams, symbolStream } from './merge';
import type { ResettableBacktestCore } from './setup';
import type { LatencyModel } from './latency';
import type { QueueModel } from './queue';
import type { BacktestTrace } from './trace';
import { shiftLocalTs, shiftText } from './feed-shift';
import { describeFunding, type FundingSource } from './funding';
import { beatAt, type HangCells } from './hang-guard';

export { backtestPages, createBacktestCore, instrumentOf, signalsOf, gridOf, gridOfFiles, DEFAULT_FEES, type RecordingGrid } from './setup';

export interface RunOptions {
  strategy: StrategyRun;
  /** The recording's symbol (the strategy's instrument). */
  symbol: string;
  fees?: { maker: number; taker: number };
  /** The named tier the fees are (--fee-tier), for the report's settings. */
  feeTier?: string;
  /** Where the fee rates came from when not the command line (--parity: the recorded session), for the report's settings. */
  feesFrom?: string;
  /** Signal settings over the strategy's own choice (a recorded session's, for --parity). */
  signals?: Partial<SignalParams>;
  latency: LatencyModel;
  queue: QueueModel;
  partialFills?: boolean;
  /** The venue keeps the queue place on an amendment down at the same price (`--amend-keeps-queue`); default Bitget's rule. */
  amendKeepsQueue?: boolean;
  fromNs?: bigint;
  toNs?: bigint;
  /** Where funding comes from: the recorded ticker's settlements, a flat rate (--funding), or none (default). */
  funding?: FundingSource;
  sampleNs?: number;
  onAction?: BacktestOptions['onAction'];
  onEvent?: BacktestOptions['onEvent'];
  onRuntime?: BacktestOptions['onRuntime'];
  /** A venue in place of the simulated one (--parity: the session's recorded answers). */
  venue?: BacktestOptions['venue'];
  /** Run the clock on to this local time when the data ends before it (--parity: the session's stop). */
  endNs?: bigint;
  /** Added to every record's local stamp before the replay (`--feed-latency-shift`), ns. */
  feedShiftNs?: number;
  /** Damaged input files left out (--skip-damaged): named in the report's settings. */
  skippedFiles?: readonly string[];
  /** The recorded funding a flat --funding rate replaces, in words: in the report's settings. */
  fundingReplaces?: string;
  /** Input files whose local-time spans overlap another's (their events replay twice), in words: in the report's settings. */
  overlaps?: readonly string[];
  /** A watcher's cells (./hang-guard): the replay beats once per row group, the runtime marks its handlers. */
  hang?: HangCells;
}

/** One instrument of a merged run: its symbol, its market files in replay order, and its grid. */
export interface SymbolFiles {
  symbol: string;
  files: ReplayFile[];
  grid: RecordingGrid;
  /** Its own fee rates over the run's (--parity: the session's for each instrument). */
  fees?: { maker: number; taker: number };
  /** Its own funding (the ticker recorded for it); the run's `funding` when absent. */
  funding?: FundingSource;
}

/** The options of one run that do not depend on how many instruments it replays (runFiles and runSymbols alike). */
function runOptions(o: RunOptions, signals: Partial<SignalParams>) {
  return {
    strategy: {
      ...o.strategy,
      ...(o.hang ? { handlerCell: o.hang.handler } : {}),
      ofiLevels: signals.ofiLevels ?? defaultSignalParams.ofiLevels,
    },
    latency: o.latency,
    queue: o.queue,
    partialFills: o.partialFills,
    fromNs: o.fromNs,
    toNs: o.toNs,
    fundingRate: o.funding?.kind === 'flat' ? o.funding.rate : undefined,
    sampleNs: o.sampleNs,
    onAction: o.onAction,
    onEvent: o.onEvent,
    onRuntime: o.onRuntime,
    venue: o.venue,
    endNs: o.endNs,
  };
}

/** Recorded settlements as the recorders charge them, on the recording's lot; undefined for a flat rate or none. */
function settlementsFor(funding: FundingSource | undefined, grid: RecordingGrid): BacktestOptions['fundingSettlements'] {
  return funding?.kind === 'recorded'
    ? { settlements: funding.settlements, lot: { step: grid.sizeStep, scale: grid.sizeScale } }
    : undefined;
}

/** The runtime's view of one instrument of the run. */
function instrumentFor(grid: RecordingGrid, symbol: string, fees: RunOptions['fees'], o: RunOptions) {
  return { ...instrumentOf(grid, symbol, fees ?? o.fees ?? DEFAULT_FEES), ...(o.amendKeepsQueue ? { amendKeepsQueue: true } : {}) };
}

/** Runs one backtest over `files` (market data of one symbol, in order) on `bc`. */
export async function runFiles(
  bc: ReturnType<typeof createBacktestCore>,
  files: ReplayFile[],
  grid: RecordingGrid,
  o: RunOptions,
): Promise<BacktestTrace> {
  const signals = signalsOf(o.strategy.definition, o.strategy.params, o.signals);
  bc.reset(signals);
  const bt = new Backtest(bc, {
    ...runOptions(o, signals),
    instrument: instrumentFor(grid, o.symbol, o.fees, o),
    fundingSettlements: settlementsFor(o.funding, grid),
  });
  const beat = o.hang?.beat;
  for (const f of files) {
    if (o.toNs !== undefined && f.firstLocalTs >= o.toNs) break;
    for await (const g of fileRecordGroups(f.path, bc.area(), bc.inst.idx)) {
      if (o.feedShiftNs) shiftLocalTs(bc.core.words, g.ptr, g.rows, o.feedShiftNs);
      if (beat) beatAt(beat, bc.core.words, g.ptr, g.rows);
      bt.feedCore(g.ptr, g.rows);
      if (bt.done) break;
    }
    if (bt.done) break;
  }
  return finishRun(bt, files.length, o, o.funding);
}

/**
 * Runs one backtest of several instruments on `bc` (made with their grids, in the same order): their files streamed row
 * group by row group, one decode area each, and merged message by message in local-time order (./merge). Instrument i
 * is `symbols[i]`; at equal local stamps the earlier instrument goes first. Recorded funding is charged to each
 * instrument from its own ticker (a symbol's `funding`, else the run's).
 */
export async function runSymbols(bc: ResettableBacktestCore, symbols: readonly SymbolFiles[], o: RunOptions): Promise<BacktestTrace> {
  if (symbols.length === 1) {
    const s = symbols[0];
    return runFiles(bc, s.files, s.grid, { ...o, symbol: s.symbol, fees: s.fees ?? o.fees, funding: s.funding ?? o.funding });
  }
  const signals = signalsOf(o.strategy.definition, o.strategy.params, o.signals);
  bc.reset(signals);
  const instruments = symbols.map((s) => instrumentFor(s.grid, s.symbol, s.fees, o));
  const fundings = symbols.map((s) => s.funding ?? o.funding);
  const recorded = fundings.some((f) => f?.kind === 'recorded');
  const bt = new Backtest(bc, {
    ...runOptions(o, signals),
    instrument: instruments[0],
    instruments,
    // a flat rate applies to each instrument; recorded settlements are each instrument's own
    ...(recorded ? { fundingSettlementsOf: symbols.map((s, i) => settlementsFor(fundings[i], s.grid)) } : {}),
  });
  const streams = symbols.map((s, i) => symbolStream(s.files, bc.area(i), i, o.toNs, o.feedShiftNs, bc.core.words));
  if (o.hang) for (const s of streams) s.groups = beating(s.groups, o.hang.beat, bc.core.words);
  await mergeStreams(bt, streams, bc.core.words);
  return finishRun(
    bt,
    symbols.reduce((n, s) => n + s.files.length, 0),
    o,
    recorded ? recordedOfSeveral(symbols, fundings) : o.funding,
  );
}

/** `groups` beating `beat` as each is taken. */
async function* beating(groups: AsyncGenerator<RecordGroup>, beat: Int32Array, words: Int32Array): AsyncGenerator<RecordGroup> {
  for await (const g of groups) {
    beatAt(beat, words, g.ptr, g.rows);
    yield g;
  }
}

/** The funding of several instruments, for the settings: the recorded tickers' rows and settlements taken together. */
function recordedOfSeveral(symbols: readonly SymbolFiles[], fundings: ReadonlyArray<FundingSource | undefined>): FundingSource {
  const rec = fundings.map((f) => (f?.kind === 'recorded' ? f : null));
  return {
    kind: 'recorded',
    settlements: rec.flatMap((f) => f?.settlements ?? []),
    tickerRows: rec.reduce((n, f) => n + (f?.tickerRows ?? 0), 0),
    symbols: symbols.filter((_, i) => rec[i] !== null).map((s) => s.symbol),
  };
}

function finishRun(bt: Backtest, files: number, o: RunOptions, funding: FundingSource | undefined): BacktestTrace {
  const skipped = o.skippedFiles ?? [];
  const trace = bt.finish({
    files,
    ...(o.amendKeepsQueue ? { amendKeepsQueue: true } : {}),
    ...(o.feeTier ? { feeTier: o.feeTier } : {}),
    ...(o.feesFrom ? { feesFrom: o.feesFrom } : {}),
    ...(o.feedShiftNs ? { feedLatencyShift: shiftText(o.feedShiftNs) } : {}),
    ...(o.fundingReplaces ? { fundingReplaces: o.fundingReplaces } : {}),
    ...(skipped.length ? { skippedDamagedFiles: skipped.join(', ') } : {}),
    ...(o.overlaps?.length ? { overlappingFiles: o.overlaps.join('; ') } : {}),
  });
  // recorded funding replaces the flat rate in the settings, in words (a flat rate, or none, keeps fundingRate)
  if (funding?.kind === 'recorded') {
    delete trace.settings.fundingRate;
    trace.settings.funding = describeFunding(funding, trace.fundingSettlements?.length ?? 0);
  }
  return trace;
}
