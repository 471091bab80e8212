// The live market-data pipeline (docs/design.md §1): feed worker → market ring → engine worker → signal ring → this thread.
// The main thread creates the shared memory, formats it, compiles the core once and hands module + memory to the
// workers; it then reads signal, status and trade records from the signal ring.
import { Worker, MessageChannel, type MessagePort } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileCore, createMemory, instantiateCore, formatMemory, Ring, Instrument, type Core, type SignalParams } from '../core/index';
import type { LatencySamples } from '../core/latency';
import type { ThreadMemory } from '../monitor/thread-memory';
import { fetchGrids, type InstType, type InstrumentGrid } from './instruments';
import type { Channel, FeedCounters, FeedInstrument } from './feed-session';
import type { FeedWorkerData } from './feed.worker';
import type { EngineWorkerData } from '../core/engine.worker';
import type { RecorderWorkerData } from '../capture/recorder.worker';
import type { RecorderCounters } from '../capture/recorder';
import type { RecoveryResult } from '../capture/recover';
import { TraceTable } from '../latency/trace';

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
  /** Spins of the engine thread's idle wait before it sleeps (default 2000). */
  engineSpins?: number;
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
  /** What start-up recovery did with each journal a killed run left (recovered, set aside, or left for later). */
  onRecovered?(r: RecoveryResult): void;
  /** The recorder thread ended without being told to stop (it crashed): the caller should stop and say so. */
  onRecorderExit?(message: string): void;
  /** Also keep every frame as received (with its local receive time), under <root>/_raw/. */
  raw?: boolean;
}

export interface FeedStats {
  counters: FeedCounters;
  client: Record<string, number>;
  state: string;
  decode: ReturnType<LatencySamples['summary']>;
  /** The feed thread's own heap and external memory. */
  memory?: ThreadMemory;
}

/** Finds build/workers/ from wherever this code was bundled (the CLI, a test, a benchmark). */
export function findWorkerDir(from: string | URL = import.meta.url): URL {
  for (const rel of ['./workers/', '../workers/', '../../workers/', '../../../workers/']) {
    const dir = new URL(rel, from);
    if (existsSync(fileURLToPath(new URL('feed.mjs', dir)))) return dir;
  }
  throw new Error('cannot find the worker bundles (build/workers/*.mjs): run `npm run build` first');
}

/** How each worker ended, once it has: waiting on an exited worker's 'exit' event would wait for ever. */
const ended = new WeakMap<Worker, { code: number; error?: Error }>();

/** Starts a worker whose end is remembered (see `once`). */
function track(w: Worker): Worker {
  w.once('error', (error) => ended.set(w, { code: ended.get(w)?.code ?? 1, error }));
  w.once('exit', (code) => ended.set(w, { code, error: ended.get(w)?.error }));
  return w;
}

function endedText(w: Worker): string {
  const e = ended.get(w);
  return e ? `exited (code ${e.code}${e.error ? `: ${e.error.message}` : ''})` : 'running';
}

/** The worker's next message of `type`; rejects at once if the worker has ended, or when it ends first. */
function once(w: Worker, type: string): Promise<any> {
  return new Promise((resolve, reject) => {
    if (ended.has(w)) {
      reject(new Error(`worker ${endedText(w)} before "${type}"`));
      return;
    }
    const onMsg = (m: any) => {
      if (m?.type === type) {
        done();
        resolve(m);
      }
    };
    const onExit = (code: number) => {
      done();
      reject(new Error(`worker exited (code ${code}) before "${type}"`));
    };
    const done = () => {
      w.off('message', onMsg);
      w.off('exit', onExit);
    };
    w.on('message', onMsg);
    w.on('exit', onExit);
  });
}

/** Workers asked to stop: their exit is expected. */
const stopping = new WeakSet<Worker>();

export class MarketPipeline {
  feedStats: FeedStats | null = null;
  private stopped = false;

  private constructor(
    readonly core: Core,
    readonly signal: Ring,
    readonly grids: InstrumentGrid[],
    readonly instruments: Instrument[],
    /** Per-message stamps of the feed and engine threads (src/latency/trace.ts). */
    readonly trace: TraceTable,
    private readonly feed: Worker,
    private readonly engine: Worker,
    private readonly engineStop: Int32Array,
    private readonly recorder: Worker | null,
    private readonly recorderStop: Int32Array | null,
  ) {}

  recorderCounters: RecorderCounters | null = null;
  /** The recorder thread's own heap and external memory, as it last reported. */
  recorderMemory: ThreadMemory | null = null;
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
    const trace = TraceTable.create();
    const engineData: EngineWorkerData = {
      module,
      memory,
      slot: 2,
      control,
      trace: trace.buffer,
      spins: o.engineSpins,
      signals: o.signals ?? {},
      instruments: feedInstruments.map((f) => ({ inst: f.inst, spec: { ...f.grid, levelsPerSide: 8192 } })),
    };
    const engine = track(new Worker(new URL('engine.mjs', dir), { workerData: engineData }));
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
      recorder = track(
        new Worker(new URL('recorder.mjs', dir), { workerData: data, transferList: recorderRawPort ? [recorderRawPort] : [] }),
      );
      recorder.on('message', (m: any) => {
        if (m.type === 'file') rec.onFile?.(m);
        else if (m.type === 'alarm') rec.onAlarm?.(m.message);
        else if (m.type === 'clock') rec.onClock?.(m);
        else if (m.type === 'recovered') rec.onRecovered?.(m.result);
      });
      const rw = recorder;
      recorder.on('error', (err) => rec.onAlarm?.(`recorder worker failed: ${err.message}`));
      // a recorder that ends before it was told to stop records nothing more: say so, once, with how it ended
      recorder.once('exit', () => {
        if (!stopping.has(rw)) rec.onRecorderExit?.(`the recorder thread ${endedText(rw)}; nothing more is being written`);
      });
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
      trace: trace.buffer,
      rawPort: feedRawPort,
    };
    const feed = track(new Worker(new URL('feed.mjs', dir), { workerData: feedData, transferList: feedRawPort ? [feedRawPort] : [] }));
    const p = new MarketPipeline(
      core,
      new Ring(core, core.ringOffset('signal')),
      ordered,
      instruments,
      trace,
      feed,
      engine,
      new Int32Array(control),
      recorder,
      recorderStop,
    );
    recorder?.on('message', (m: any) => {
      if (m.type === 'stats' || m.type === 'stopped') p.recorderCounters = m.counters;
      if (m.type === 'stats') p.recorderMemory = m.memory ?? null;
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
    /** How the recorder thread ended when it did not stop cleanly (what it held in memory was not written). */
    recorderFailed: string | null;
  }> {
    if (this.stopped) throw new Error('pipeline already stopped');
    this.stopped = true;
    stopping.add(this.feed);
    // the feed's last word is the stats marked final (a periodic one may still be on its way before it)
    const finalFeed = new Promise<FeedStats | null>((resolve) => {
      const onMsg = (m: any) => {
        if (m?.type === 'stats' && m.final) done(m);
      };
      const done = (m: FeedStats | null) => {
        this.feed.off('message', onMsg);
        this.feed.off('exit', onExit);
        resolve(m);
      };
      const onExit = () => done(null);
      if (ended.has(this.feed)) return resolve(null);
      this.feed.on('message', onMsg);
      this.feed.on('exit', onExit);
    });
    this.feed.postMessage({ type: 'stop' });
    const feed = (await finalFeed) ?? this.feedStats;
    this.feedStats = feed;
    await this.feed.terminate();
    let recorderFailed: string | null = null;
    if (this.recorder && this.recorderStop) {
      // the feed has stopped producing: the recorder drains what is left, finishes every file, then exits
      stopping.add(this.recorder);
      const done = once(this.recorder, 'stopped');
      Atomics.store(this.recorderStop, 0, 1);
      Atomics.notify(this.recorderStop, 0);
      try {
        const last = await done;
        this.recorderCounters = last.counters;
        this.recorderPerInstrument = last.perInstrument;
      } catch {
        // it died (before or while finishing): its last counters stand, what it held in memory is lost
        recorderFailed = `the recorder thread ${endedText(this.recorder)}`;
      }
      await this.recorder.terminate();
    }
    stopping.add(this.engine);
    const done = once(this.engine, 'stopped');
    Atomics.store(this.engineStop, 0, 1);
    Atomics.notify(this.engineStop, 0);
    const engine = await done.catch(() => ({ latency: null, badRecords: 0 }));
    await this.engine.terminate();
    return {
      feed,
      engine: { latency: engine.latency, badRecords: engine.badRecords },
      recorder: this.recorderCounters,
      recorderFailed,
    };
  }
}
