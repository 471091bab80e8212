// The messages between the replay page (./app) and its worker (./replay.worker). Times cross as decimal strings of
// ns since the epoch (they do not fit a double), or as doubles of ns relative to the recording's first local_ts
// (exact for 104 days) where there are many of them. Everything here survives structured cloning.
import type { Metrics } from '../backtest/metrics';
import type { ReportContext } from '../backtest/report-text';
import type { Finding } from '../format/findings';
import type { StrategyBundle } from '../strategy/sandbox';

/**
 * The strategy of a run: a built-in compiled into the page, or a bundle as the loader makes it (src/strategy/loader:
 * built by `ringbook serve` from a built-in's source or the --strategy file, or a prebuilt bundle dropped on the page).
 */
export type StrategyChoice = { kind: 'builtin'; name: string } | { kind: 'bundle'; bundle: StrategyBundle };

/** One Parquet file of a recording: served at /data/<path>, or chosen or dropped by the user. */
export type ParquetPart = { url: string; name: string; byteLength?: number } | { file: File; name: string };

/**
 * Where the worker reads the recording from: Parquet files (one, or all the files of a recording, which replay as
 * one run in the order `ringbook backtest` takes them), or dropped Tardis.dev files (tardis-machine NDJSON, or a CSV
 * pair) that the worker converts (src/import/page.ts).
 */
export type RecordingSource =
  /**
   * `symbols`: the symbols to replay, in the run's order (as --symbols); none: every symbol the files hold, by name.
   * `ticker`: the recording's ticker files (<root>/_ticker/) of those symbols, whose funding the run is charged.
   * `orders`: a served recording's own-order log (the files of <root>/_orders/, the run's symbols picked from them by
   * path), whose round trips are the recorded latency model; absent for dropped files, which bring none.
   */
  | { kind: 'parquet'; parts: ParquetPart[]; name: string; symbols?: string[]; ticker?: ParquetPart[]; orders?: OrdersSource }
  | { kind: 'tardis'; files: File[]; name: string };

/** The own-order files under a served recording's root, and that root as the page names it in a refusal. */
export interface OrdersSource {
  parts: ParquetPart[];
  /** The recording root ("data/" in the CLI's words) and its own-order stream, as the page names them. */
  where: { root: string; orders: string };
}

/** What the page lets the user set; assembled into a run exactly as `ringbook backtest` does (./params). */
export interface RunParams {
  strategy: StrategyChoice;
  /** The strategy config as JSON text (a partial config: defaults fill the rest). */
  config: string;
  /** The parameter form's values as --set overrides ("threshold=0.6"), over the config. */
  sets: string[];
  /**
   * --latency: constant:ENTRY[,RESPONSE] | feed[:A,B,C,D] | recorded; empty: none named, so `recorded` when the recording
   * holds round trips of its own orders, else `feed` (src/backtest/latency-choice.ts, the CLI's rule).
   */
  latency: string;
  /** --queue: risk-averse | power:N | … */
  queue: string;
  /** --fees maker,taker. */
  fees: string;
  partialFills: boolean;
}

/** Playback speed: market ns per wall ns, or as fast as the worker can go. */
export type Speed = number | 'max';

export type ToWorker =
  | { type: 'open'; source: RecordingSource; params: RunParams; speed: Speed }
  /** Restart from the first record with new parameters; plays when `play`. */
  | { type: 'run'; params: RunParams; play: boolean }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'speed'; speed: Speed }
  /** Move the replay to local time `ns` (earlier: restart and fast-forward). Ends paused unless it was playing. */
  | { type: 'seek'; ns: string }
  /** Feed up to the end of the next market message, then pause. */
  | { type: 'step' }
  /** Chart instrument `inst` of a run of several symbols (nothing is re-run). */
  | { type: 'chart'; inst: number };

export type Status = 'idle' | 'loading' | 'running' | 'paused' | 'done' | 'error';

export interface RecordingInfo {
  name: string;
  /** Files replayed as one run. */
  files: number;
  rows: number;
  symbol: string;
  tickSize: number;
  lotSize: number;
  /** First and last local_ts in the file (ns strings). */
  firstNs: string;
  lastNs: string;
  /** Snapshot interval of the depth heat map, relative ns. */
  depthEveryNs: number;
  depthLevels: number;
  /** Dropped Tardis files: what the conversion inferred and skipped. */
  note?: string;
  /** Several symbols: each instrument in the run's order (instrument i is the core's i), with its grid. */
  instruments?: Array<{ symbol: string; tickSize: number; lotSize: number; rows: number }>;
  /**
   * The run's symbols' own-order log read from the recording (its files and records, the round trips in it), and the
   * latency model an empty latency field runs with: `recorded` with round trips, else `feed`.
   */
  ownOrders: { files: number; records: number; roundTrips: number; defaultLatency: 'recorded' | 'feed' };
}

/**
 * The core's shared memory, for a cross-origin isolated page: the page instantiates the same module over it and
 * reads the book at `bookPtr` itself. Never sent otherwise (posting shared memory would throw).
 */
export interface SharedBook {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  bookPtr: number;
  /** Several symbols: each instrument's book (bookPtr is the first's). */
  bookPtrs?: number[];
}

/**
 * An incremental update of one decimated table: drop everything from row `from` on, then append `cols` (equal
 * lengths). `from` is below what the page holds only after the worker thinned the table.
 */
export interface TableUpdate {
  from: number;
  cols: Float64Array[];
}

/** Column order of each table. Prices in ticks, sizes in lots, t in ns relative to the first record. */
export const SIGNAL_COLS = ['t', 'bid', 'ask', 'mid', 'wmid', 'obiN', 'ofiNorm', 'position', 'equity'] as const;
/** side: 1 taker buy, 2 taker sell (the record's side). */
export const TRADE_COLS = ['t', 'price', 'side', 'qty'] as const;
/** side: 1 buy, -1 sell. */
export const FILL_COLS = ['t', 'price', 'side', 'qty'] as const;
/** Levels a side in each depth snapshot, and rows a side in the ladder. */
export const DEPTH_LEVELS = 20;
export const LADDER_LEVELS = 10;
/** One row per snapshot: t, then `levels` bid prices, bid sizes, ask prices, ask sizes (NaN past the depth). */
export const depthWidth = (levels = DEPTH_LEVELS) => 1 + 4 * levels;

/** Top of book copied out of the worker (only when the page cannot read the shared memory). */
export interface LadderSnapshot {
  bids: Array<[number, number]>;
  asks: Array<[number, number]>;
}

export interface Frame {
  type: 'frame';
  /** Which run this belongs to (bumped by every restart); stale frames are dropped. */
  run: number;
  status: Status;
  /** Local time of the last record fed (the replay's "now"), ns string. */
  localTs: string;
  /** Market messages and records fed so far, own fills so far. */
  messages: number;
  rows: number;
  fills: number;
  /** A seek is being fast-forwarded. */
  seeking: boolean;
  /** The instrument the tables below are of (several symbols; the page drops those of another than it shows). */
  view?: number;
  /** Several symbols: own fills so far per instrument, in the run's order. */
  fillsOf?: number[];
  signals?: TableUpdate;
  trades?: TableUpdate;
  ownFills?: TableUpdate;
  depth?: TableUpdate;
  ladder?: LadderSnapshot;
}

export type FromWorker =
  /** `handler`: where the worker marks the strategy handler it is in (src/strategy/handler-cell.ts), when memory can be shared. */
  | { type: 'hello'; isolated: boolean; handler?: Int32Array }
  /** A command (other than open) was handled: the worker is alive even when the command changed nothing. */
  | { type: 'handled' }
  | { type: 'loading'; name: string; rowsDone: number; rows: number }
  | { type: 'opened'; info: RecordingInfo; shared?: SharedBook }
  /**
   * A new run started and its charts start empty. 'params': new parameters (the page keeps the old run to compare);
   * 'restart': the same parameters again (a seek backwards, play after the end); 'open': another recording.
   */
  | { type: 'reset'; run: number; reason: 'params' | 'restart' | 'open' }
  | Frame
  | { type: 'done'; run: number; metrics: Metrics; report: RunReport; records: RecordedCopy[] }
  /**
   * `field`: the parameter input at fault (its message names it and the line). `kept`: the last run and its charts
   * stay as they were (a Run with bad parameters changes nothing); otherwise the replay stopped.
   */
  | { type: 'error'; message: string; fatal: boolean; field?: ParamField; kept?: boolean };

/** The page's parameter inputs, as errors name them: `param:PATH` is a declared parameter's field in the form. */
export type ParamField = 'strategy' | 'config' | 'latency' | 'queue' | 'fees' | `param:${string}`;

/** A ctx.record series of the run: t in ns relative to the recording's first record (thinned to ~4,000 points). */
export interface RecordedCopy {
  name: string;
  t: Float64Array;
  v: Float64Array;
}

/**
 * What the reports say beyond the metrics, as `ringbook backtest` builds it (src/cli/run-report.ts): currencies, the
 * full parameters with their sources, what stopped entries and why the run halted; and those two as --json has them.
 */
export interface RunReport {
  symbol: string;
  ctx: ReportContext;
  entriesBlocked: Array<Finding & { line: string }>;
  halt: (Finding & { line: string }) | null;
}
