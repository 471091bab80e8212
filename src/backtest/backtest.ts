// One backtest from recorded files to a trace: the core set up for the recording's instrument, the live strategy
// machine with the given config, the simulated venue, and the files streamed row group by row group (memory stays
// flat however long the recording is). Shared by the CLI, the benchmark and the optimizer.
import { asyncBufferFromFile } from 'hyparquet';
import { Engine, Ring, REC_SIZE, type Core, type SignalParams } from '../core/index';
import { rowGroups } from '../capture/reader';
import { StrategyMachine, sequentialIds, type InstrumentSpec, type StrategyConfig } from '../fsm/index';
import type { FileMeta } from '../capture/schema';
import { Backtest, type BacktestCore, type BacktestOptions } from './run';
import type { ReplayFile } from './feeder';
import type { LatencyModel } from './latency';
import type { QueueModel } from './queue';
import type { BacktestTrace } from './trace';

export const DEFAULT_FEES = { maker: 0.0002, taker: 0.0006 } as const;

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
  for (const k of need) if (!meta[k]) throw new Error(`${where}: metadata has no ${k} — not a ringbook recording (or written by a version before 1)`);
  return {
    priceScale: Number(meta.price_scale), priceStep: BigInt(meta.price_step!), sizeScale: Number(meta.size_scale), sizeStep: BigInt(meta.size_step!),
    tickSize: Number(meta.tick_size), lotSize: Number(meta.lot_size),
  };
}

/** Engine, instrument, staging and output ring for backtests on one core; `reset` before each run. */
export function createBacktestCore(core: Core, grid: RecordingGrid, stagingRecords = 4096): BacktestCore & { reset(signals: Partial<SignalParams>): void } {
  const engine = new Engine(core, 1);
  const inst = engine.addInstrument(0, {
    priceScale: grid.priceScale, priceStep: grid.priceStep, sizeScale: grid.sizeScale, sizeStep: grid.sizeStep, levelsPerSide: 8192, zCapacity: 4096,
  });
  const staging = core.x.coreAlloc(stagingRecords * REC_SIZE);
  const out = new Ring(core, core.ringOffset('signal'));
  return {
    core, engine, inst, staging, stagingRecords, out,
    reset(signals) {
      inst.configure(signals);
      inst.book.clear();
      out.release(out.readable(1 << 30));
    },
  };
}

export interface RunOptions {
  config: StrategyConfig;
  fees?: { maker: number; taker: number };
  signals?: Partial<SignalParams>;
  latency: LatencyModel;
  queue: QueueModel;
  partialFills?: boolean;
  fromNs?: bigint;
  toNs?: bigint;
  fundingRate?: number;
  sampleNs?: number;
  onAction?: BacktestOptions['onAction'];
  onEvent?: BacktestOptions['onEvent'];
  /** Client order id tag (ids are rb-<tag>-<n>). */
  idTag?: string;
}

export function machineFor(config: StrategyConfig, grid: RecordingGrid, fees: { maker: number; taker: number }, idTag = 'bt'): { machine: StrategyMachine; instrument: InstrumentSpec } {
  const instrument: InstrumentSpec = { tickSize: grid.tickSize, lotSize: grid.lotSize, makerFeeRate: fees.maker, takerFeeRate: fees.taker };
  return { machine: new StrategyMachine({ config, instrument, nextId: sequentialIds(idTag) }), instrument };
}

/** Runs one backtest over `files` (market data of one symbol, in order) on `bc`. */
export async function runFiles(bc: ReturnType<typeof createBacktestCore>, files: ReplayFile[], grid: RecordingGrid, o: RunOptions): Promise<BacktestTrace> {
  bc.reset(o.signals ?? {});
  const { machine, instrument } = machineFor(o.config, grid, o.fees ?? DEFAULT_FEES, o.idTag);
  const bt = new Backtest(bc, {
    machine, instrument, latency: o.latency, queue: o.queue, partialFills: o.partialFills, fromNs: o.fromNs, toNs: o.toNs,
    fundingRate: o.fundingRate, sampleNs: o.sampleNs, onAction: o.onAction, onEvent: o.onEvent,
  });
  outer: for (const f of files) {
    if (o.toNs !== undefined && f.firstLocalTs >= o.toNs) break;
    for await (const g of rowGroups(await asyncBufferFromFile(f.path))) {
      bt.feed(g.columns, g.rows);
      if (bt.done) break outer;
    }
  }
  return bt.finish({ files: files.length });
}
