// The pieces every backtest runs on, in Node and in the browser alike: the recording's grid, the core set up for
// it (engine, instrument, staging, output ring, the book-levels buffer; reusable across runs) and a strategy run
// resolved for it.
import { Engine, Ring, REC_SIZE, I, DEFAULT_PAGES, type Core, type SignalParams } from '../core/index';
import { slotBytes } from '../strategy/views';
import type { FileMeta } from '../capture/schema';
import { gridMetaAgrees } from '../capture/grid-meta';
import { RecordArea } from '../capture/parquet/record-groups';
import type { StrategyDefinition, SignalSettings } from '../strategy/api';
import type { RuntimeInstrument } from '../strategy/runtime';
import { MAX_DEPTH, MAX_INSTRUMENTS, type BacktestCore } from './run';

export const DEFAULT_FEES = { maker: 0.0002, taker: 0.0006 } as const;
const OUT_CAP_LOG2 = 10;
/** Book messages a replay can hold between their exchange and local times without copying any (a power of two). */
const RECORD_SLOTS = 1024;

/** The grid facts a backtest needs from a recording's metadata. */
export interface RecordingGrid {
  priceScale: number;
  priceStep: bigint;
  sizeScale: number;
  sizeStep: bigint;
  tickSize: number;
  lotSize: number;
}

export function gridOf(meta: Partial<FileMeta>, where: string): RecordingGrid {
  const need = ['price_scale', 'price_step', 'size_scale', 'size_step', 'tick_size', 'lot_size'] as const;
  for (const k of need)
    if (!meta[k]) throw new Error(`${where}: metadata has no ${k} — not a ringbook recording (or written by a version before 1)`);
  // the grid is written twice (the decimal a trader reads, the scaled integer the records use): they must agree, or a
  // damaged or edited footer would replay every price at another tick without a word
  gridMetaAgrees(meta, where);
  return {
    priceScale: Number(meta.price_scale),
    priceStep: BigInt(meta.price_step!),
    sizeScale: Number(meta.size_scale),
    sizeStep: BigInt(meta.size_step!),
    tickSize: Number(meta.tick_size),
    lotSize: Number(meta.lot_size),
  };
}

/**
 * The grid of one instrument's files: every file's own (gridOf), and all the same — the core replays an instrument on
 * one grid, so a file on another (an edited footer that agrees with itself, a venue that changed the tick between two
 * recordings) is refused by name, not replayed at the wrong tick.
 */
export function gridOfFiles(files: ReadonlyArray<{ path: string; meta: Partial<FileMeta> }>): RecordingGrid {
  const grid = gridOf(files[0].meta, files[0].path);
  for (const f of files.slice(1)) {
    const g = gridOf(f.meta, f.path);
    if (
      g.priceScale !== grid.priceScale ||
      g.priceStep !== grid.priceStep ||
      g.sizeScale !== grid.sizeScale ||
      g.sizeStep !== grid.sizeStep
    )
      throw new Error(
        `${f.path}: ${f.meta.symbol ?? 'the instrument'} is on tick ${f.meta.tick_size} and lot ${f.meta.lot_size} here, but on tick ` +
          `${files[0].meta.tick_size} and lot ${files[0].meta.lot_size} in ${files[0].path}: one replay runs on one grid — ` +
          'replay the files of each grid apart (--from/--to, or a glob that matches one of them)',
      );
  }
  return grid;
}

/** Core memory pages for a backtest of `instruments` instruments: the default, and ~14 MiB more for each further one (its decode area and book). */
export function backtestPages(instruments: number): number {
  return DEFAULT_PAGES + Math.max(0, instruments - 1) * 224;
}

/** The core pieces of a backtest, with what a run resets, and where each instrument's row groups are decoded. */
export type ResettableBacktestCore = BacktestCore & {
  reset(signals: Partial<SignalParams>): void;
  /** Instrument `i`'s decode area (default 0): allocated on first use (runs over shared records never need one). */
  area(i?: number): RecordArea;
};

/**
 * Engine, instruments, staging and output ring for backtests on one core; `reset` before each run. One instrument per
 * grid (its own book, on its own tick and lot), each with a record ring of its own and, on first use, a decode area of
 * its own (~12 MB: a merged replay holds one decoded row group per instrument).
 */
export function createBacktestCore(
  core: Core,
  grids: RecordingGrid | readonly RecordingGrid[],
  stagingRecords = 4096,
): ResettableBacktestCore {
  const list = Array.isArray(grids) ? (grids as readonly RecordingGrid[]) : [grids as RecordingGrid];
  if (list.length < 1 || list.length > MAX_INSTRUMENTS)
    throw new Error(`a backtest runs 1 to ${MAX_INSTRUMENTS} instruments, got ${list.length}`);
  const engine = new Engine(core, list.length);
  const insts = list.map((grid, idx) =>
    engine.addInstrument(idx, {
      priceScale: grid.priceScale,
      priceStep: grid.priceStep,
      sizeScale: grid.sizeScale,
      sizeStep: grid.sizeStep,
      levelsPerSide: 8192,
      zCapacity: 4096,
    }),
  );
  const staging = core.x.coreAlloc(stagingRecords * REC_SIZE);
  // A ring of its own, small enough to stay in cache (the live signal ring is 4 MiB: every record written to it
  // missed the caches). A replay drains it after every message; 1024 slots also hold a 4096-record batch's output.
  const ring = core.x.coreAlloc(core.x.ringBytes(OUT_CAP_LOG2, 8));
  core.x.ringInit(ring, OUT_CAP_LOG2, 8);
  const out = new Ring(core, ring);
  // the record rings the core writes each book message's signal record into (and the loop its best levels)
  const records = insts.map(() => core.x.coreAlloc(RECORD_SLOTS * slotBytes(MAX_DEPTH)));
  const areas: (RecordArea | undefined)[] = [];
  return {
    core,
    engine,
    inst: insts[0],
    insts,
    staging,
    stagingRecords,
    out,
    records: records[0],
    recordsOf: records,
    recordSlots: RECORD_SLOTS,
    area: (i = 0) => (areas[i] ??= new RecordArea(core)),
    reset(signals) {
      for (const inst of insts) {
        core.words[(inst.ptr + I.signalOut) >> 2] = 0;
        inst.configure(signals);
        inst.book.clear();
      }
      out.release(out.readable(1 << 30));
    },
  };
}

/** The run's instrument: the recording's grid, its symbol and the fee rates. */
export function instrumentOf(grid: RecordingGrid, symbol: string, fees: { maker: number; taker: number }): RuntimeInstrument {
  return { symbol, tickSize: grid.tickSize, lotSize: grid.lotSize, makerFeeRate: fees.maker, takerFeeRate: fees.taker };
}

/** The core's signal settings of a run: the strategy's choice for its parameters, then explicit ones (a recorded session's). */
export function signalsOf(
  def: StrategyDefinition,
  params: Readonly<Record<string, unknown>>,
  explicit: Partial<SignalParams> = {},
): Partial<SignalParams> {
  const chosen: Partial<SignalSettings> = def.signals ? def.signals(params as never) : {};
  const out: Partial<SignalParams> = {};
  for (const [k, v] of Object.entries(chosen)) {
    if (v === undefined) continue;
    if (k === 'zSource') out.zSource = v === 'microprice' ? 'wmid' : (v as SignalParams['zSource']);
    else (out as Record<string, unknown>)[k] = v;
  }
  return { ...out, ...explicit };
}
