// The live market-data pipeline (docs/design.md §1): feed worker → market ring → engine worker → signal ring → this thread.
// The main thread creates the shared memory, formats it, compiles the core once and hands module + memory to the
// workers; it then reads signal, status and trade records from the signal ring.
import { Worker, MessageChannel, type MessagePort } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileCore, createMemory, instantiateCore, formatMemory, Ring, Instrument, type Core, type SignalParams } from '../core/index';
import type { LatencySamples } from '../core/latency';
import { fetchGrids, type InstType, type InstrumentGrid } from './instruments';
import type { Channel, FeedCounters, FeedInstrument } from './feed-session';
import type { FeedWorkerData } from './feed.worker';
import type { EngineWorkerData } from '../core/engine.worker';
import type { RecorderWorkerData } from '../capture/recorder.worker';
import type { RecorderCounters } from '../capture/recorder';

export interface PipelineInstrument {
  instType: InstType;
  symbol: string;
  channels?: Channel[];
}

export interface PipelineOptions {
  wsUrl: string;
  restUrl: string;
  instruments: PipelineInstrument[];
  signals?: Partial<SignalParams>;
  log?(line: string): void;
  onExchangeError?(e: { code: number; msg: string; arg: string }): void;
  onConnection?(state: 'open' | 'down', reason?: string): void;
  pingMs?: number;
  pongTimeoutMs?: number;
  statsEveryMs?: number;
  /** Where the worker bundles are (default: found next to this bundle). */
  workerDir?: URL;
  /** Record everything the feed publishes to Parquet under `root` (docs/design.md §6). */
  record?: RecordOptions;
}

export interface RecordOptions {
  root: string;
  venue?: string;
  source?: 'live' | 'demo' | 'simulator' | 'replay';
  /** Journal flush interval: a killed recorder loses at most this much (default 1000 ms). */
  flushMs?: number;
  /** Roll files after this long (default 60 s) or this many rows (default 1,000,000). */
  rollMs?: number;
  maxRows?: number;
  /** Clock-offset measurement interval (default 60 s). */
  clockEveryMs?: number;
  onFile?(f: { path: string; rows: number }): void;
  onAlarm?(message: string): void;
  onClock?(c: { offsetNs: string; boundNs: string; rttNs: string; method: string }): void;
  onRecovered?(r: { path: string; rows: number; tornBytes: number }): void;
  /** Also keep every frame as received (with its local receive time), under <root>/_raw/. */
  raw?: boolean;
}

export interface FeedStats {
  counters: FeedCounters;
  client: Record<string, number>;
  state: string;
  decode: ReturnType<LatencySamples['summary']>;
}

/** Finds build/workers/ from wherever this code was bundled (the CLI, a test, a benchmark). */
export function findWorkerDir(from: string | URL = import.meta.url): URL {
  for (const rel of ['./workers/', '../workers/', '../../workers/', '../../../workers/']) {
    const dir = new URL(rel, from);
    if (existsSync(fileURLToPath(new URL('feed.mjs', dir)))) return dir;
  }
  throw new Error('cannot find the worker bundles (build/workers/*.mjs): run `npm run build` first');
}

function once(w: Worker, type: string): Promise<any> {
  return new Promise((resolve, reject) => {
    const onMsg = (m: any) => {
      if (m?.type === type) {
        w.off('message', onMsg);
        resolve(m);
      }
    };
    w.on('message', onMsg);
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`worker exited (${code}) before "${type}"`)));
  });
}

export class MarketPipeline {
  feedStats: FeedStats | null = null;
  private stopped = false;

  private constructor(
    readonly core: Core,
    readonly signal: Ring,
    readonly grids: InstrumentGrid[],
    readonly instruments: Instrument[],
    private readonly feed: Worker,
    private readonly engine: Worker,
    private readonly engineStop: Int32Array,
    private readonly recorder: Worker | null,
    private readonly recorderStop: Int32Array | null,
  ) {}

  recorderCounters: RecorderCounters | null = null;
  /** Records per instrument and kind, as the recorder counted them (after stop()). */
  recorderPerInstrument: Record<number, { records: number; byKind: Record<number, number> }> | null = null;

  static async start(o: PipelineOptions): Promise<MarketPipeline> {
    const grids: InstrumentGrid[] = [];
    const byType = new Map<InstType, string[]>();
    for (const i of o.instruments) byType.set(i.instType, [...(byType.get(i.instType) ?? []), i.symbol]);
    for (const [type, symbols] of byType) grids.push(...(await fetchGrids(o.restUrl, type, symbols)));
    const ordered = o.instruments.map((i) => grids.find((g) => g.instType === i.instType && g.symbol === i.symbol)!);
    const feedInstruments: FeedInstrument[] = o.instruments.map((i, inst) => ({
      inst,
      grid: ordered[inst],
      channels: i.channels ?? ['books', 'trade'],
    }));

    const module = await compileCore();
    const memory = createMemory();
    const core = await instantiateCore(module, memory, { slot: 0 });
    formatMemory(core);
    const dir = o.workerDir ?? findWorkerDir();
    const control = new SharedArrayBuffer(64);
    const engineData: EngineWorkerData = {
      module,
      memory,
      slot: 2,
      control,
      signals: o.signals ?? {},
      instruments: feedInstruments.map((f) => ({ inst: f.inst, spec: { ...f.grid, levelsPerSide: 8192 } })),
    };
    const engine = new Worker(new URL('engine.mjs', dir), { workerData: engineData });
    const ready = await once(engine, 'ready');
    const instruments = feedInstruments.map((f) => new Instrument(core, f.inst, ready.pointers[f.inst]));
    let recorder: Worker | null = null;
    let recorderStop: Int32Array | null = null;
    const rec = o.record;
    let feedRawPort: MessagePort | undefined;
    if (rec) {
      let recorderRawPort: MessagePort | undefined;
      if (rec.raw) {
        const ch = new MessageChannel();
        feedRawPort = ch.port1;
        recorderRawPort = ch.port2;
      }
      const stopBuf = new SharedArrayBuffer(64);
      recorderStop = new Int32Array(stopBuf);
      const data: RecorderWorkerData = {
        module,
        memory,
        slot: 3,
        root: rec.root,
        restUrl: o.restUrl,
        control: stopBuf,
        flushMs: rec.flushMs ?? 1000,
        rollMs: rec.rollMs ?? 60_000,
        maxRows: rec.maxRows ?? 1_000_000,
        clockEveryMs: rec.clockEveryMs ?? 60_000,
        rawPort: recorderRawPort,
        venue: rec.venue ?? 'bitget',
        source: rec.source ?? 'live',
        streams: feedInstruments.map((f) => ({
          inst: f.inst,
          info: {
            venue: rec.venue ?? 'bitget',
            instType: f.grid.instType,
            symbol: f.grid.symbol,
            tickSize: f.grid.tickSize,
            lotSize: f.grid.lotSize,
            priceScale: f.grid.priceScale,
            priceStep: f.grid.priceStep,
            sizeScale: f.grid.sizeScale,
            sizeStep: f.grid.sizeStep,
            source: rec.source ?? 'live',
          },
        })),
      };
      recorder = new Worker(new URL('recorder.mjs', dir), { workerData: data, transferList: recorderRawPort ? [recorderRawPort] : [] });
      recorder.on('message', (m: any) => {
        if (m.type === 'file') rec.onFile?.(m);
        else if (m.type === 'alarm') rec.onAlarm?.(m.message);
        else if (m.type === 'clock') rec.onClock?.(m);
        else if (m.type === 'recovered') rec.onRecovered?.(m);
      });
      recorder.on('error', (err) => rec.onAlarm?.(`recorder worker failed: ${err.message}`));
    }
    const feedData: FeedWorkerData = {
      module,
      memory,
      slot: 1,
      wsUrl: o.wsUrl,
      instruments: feedInstruments,
      statsEveryMs: o.statsEveryMs ?? 250,
      pingMs: o.pingMs,
      pongTimeoutMs: o.pongTimeoutMs,
      capture: !!rec,
      rawPort: feedRawPort,
    };
    const feed = new Worker(new URL('feed.mjs', dir), { workerData: feedData, transferList: feedRawPort ? [feedRawPort] : [] });
    const p = new MarketPipeline(
      core,
      new Ring(core, core.ringOffset('signal')),
      ordered,
      instruments,
      feed,
      engine,
      new Int32Array(control),
      recorder,
      recorderStop,
    );
    recorder?.on('message', (m: any) => {
      if (m.type === 'stats' || m.type === 'stopped') p.recorderCounters = m.counters;
    });
    feed.on('message', (m: any) => {
      if (m.type === 'stats') p.feedStats = m;
      else if (m.type === 'log') o.log?.(m.line);
      else if (m.type === 'exchange-error') o.onExchangeError?.(m);
      else if (m.type === 'open' || m.type === 'down') o.onConnection?.(m.type, m.reason);
    });
    feed.on('error', (err) => o.log?.(`feed worker failed: ${err.message}`));
    engine.on('error', (err) => o.log?.(`engine worker failed: ${err.message}`));
    return p;
  }

  /** Calls `fn` for each output record (signal, status, trade) ready now, then frees them; returns the count. */
  read(fn: (at: number, kind: number) => void, max = 4096): number {
    const n = this.signal.readable(max);
    for (let i = 0; i < n; i++) {
      const at = this.signal.slot(this.signal.tail + i);
      fn(at, this.core.bytes[at]);
    }
    if (n) this.signal.release(n);
    return n;
  }

  /** Stops both workers (the engine last, after the feed stopped producing); the books can then be read safely. */
  async stop(): Promise<{
    feed: FeedStats | null;
    engine: { latency: ReturnType<LatencySamples['summary']>; badRecords: number };
    recorder: RecorderCounters | null;
  }> {
    if (this.stopped) throw new Error('pipeline already stopped');
    this.stopped = true;
    const finalFeed = once(this.feed, 'stats').catch(() => null);
    this.feed.postMessage({ type: 'stop' });
    const feed = (await finalFeed) ?? this.feedStats;
    await this.feed.terminate();
    if (this.recorder && this.recorderStop) {
      // the feed has stopped producing: the recorder drains what is left, finishes every file, then exits
      const done = once(this.recorder, 'stopped');
      Atomics.store(this.recorderStop, 0, 1);
      Atomics.notify(this.recorderStop, 0);
      const last = await done;
      this.recorderCounters = last.counters;
      this.recorderPerInstrument = last.perInstrument;
      await this.recorder.terminate();
    }
    const done = once(this.engine, 'stopped');
    Atomics.store(this.engineStop, 0, 1);
    Atomics.notify(this.engineStop, 0);
    const engine = await done;
    await this.engine.terminate();
    return { feed, engine: { latency: engine.latency, badRecords: engine.badRecords }, recorder: this.recorderCounters };
  }
}
