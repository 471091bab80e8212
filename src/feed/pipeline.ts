// The live market-data pipeline (docs/design.md §1): feed → market ring → engine → signal ring → strategy, in one of
// two layouts (src/feed/placement.ts). `multi`: a feed worker and an engine worker, each parked on its ring between
// messages, and this thread reading the signal ring. `single`: the socket, the decoder, the engine and the consumer
// (the strategy) all on this thread: each frame is decoded, applied and handed to the consumer in one call, with no
// thread hand-off; the rings stay the interface (market ring → engine, signal ring → consumer, capture ring → the
// recorder, which keeps its own thread in both layouts). The main thread creates the shared memory, formats it and
// compiles the core once.
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
import { threadClockAnchorNs } from '../core/clock';
import { Engine } from '../core/engine-handle';
import { EngineStepper } from '../core/engine-step';
import { EngineWarmer } from '../core/engine-warm';
import { InlineWarm, WARM_INST, WARM_SIGNAL_LOG2, warmRingOffsets } from './warm-frames';
import { FeedHost } from './feed-host';
import type { Layout } from './placement';

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
  /** Where the feed and the engine run (default multi: a worker each). */
  layout?: Layout;
  /**
   * Connect the feed only at startFeed(): a trading session starts its strategy first, so the first market message
   * (and the recording's first record, where a replay starts its runtime) comes after the runtime has started.
   */
  deferFeed?: boolean;
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
    private readonly threads: { feed: Worker; engine: Worker; engineStop: Int32Array } | null,
    private readonly inline: {
      host: FeedHost;
      stepper: EngineStepper;
      engine: Engine;
      timer: NodeJS.Timeout;
      warm: InlineWarm | null;
    } | null,
    private readonly recorder: Worker | null,
    private readonly recorderStop: Int32Array | null,
  ) {}

  /** Where the feed and the engine run. */
  get layout(): Layout {
    return this.inline ? 'single' : 'multi';
  }

  /** single layout: called on this thread after each frame whose messages produced output on the signal ring. */
  private consumer: (() => void) | null = null;

  /**
   * In the single-thread layout, `fn` reads the signal ring right after each frame has been applied (same call, no
   * wake-up) and true is returned; in the multi-thread layout nothing is registered and false says the caller must
   * wait on the signal ring itself.
   */
  consume(fn: () => void): boolean {
    if (!this.inline) return false;
    this.consumer = fn;
    return true;
  }

  recorderCounters: RecorderCounters | null = null;
  /** The recorder thread's own heap and external memory, as it last reported. */
  recorderMemory: ThreadMemory | null = null;
  /** Records per instrument and kind, as the recorder counted them (after stop()). */
  recorderPerInstrument: Record<number, { records: number; byKind: Record<number, number> }> | null = null;

  static async start(o: PipelineOptions): Promise<MarketPipeline> {
    // The process family's clock anchor, measured here before any worker starts: a worker copies the environment the
    // anchor travels in when it is created, and one created before it was set measured an anchor of its own, a few
    // µs to, on a busy host, hundreds of µs off this thread's (every hop across threads then read that much off).
    threadClockAnchorNs();
    const grids: InstrumentGrid[] = [];
    const byType = new Map<InstType, string[]>();
    for (const i of o.instruments) byType.set(i.instType, [...(byType.get(i.instType) ?? []), i.symbol]);
    for (const [type, symbols] of byType) grids.push(...(await fetchGrids(o.restUrl, type, symbols)));
    const ordered = o.instruments.map((i) => grids.find((g) => g.instType === i.instType && g.symbol === i.symbol)!);
    // a recording of futures also keeps the `ticker` channel's funding rate and mark price (src/feed/ticker.ts)
    const withTicker = (i: PipelineInstrument, channels: Channel[]): Channel[] =>
      o.record && i.instType !== 'SPOT' && !channels.includes('ticker') ? [...channels, 'ticker'] : channels;
    const feedInstruments: FeedInstrument[] = o.instruments.map((i, inst) => ({
      inst,
      grid: ordered[inst],
      channels: withTicker(i, i.channels ?? ['books', 'trade']),
    }));

    const module = await compileCore();
    const memory = createMemory();
    const core = await instantiateCore(module, memory, { slot: 0 });
    formatMemory(core);
    const dir = o.workerDir ?? findWorkerDir();
    const control = new SharedArrayBuffer(64);
    const trace = TraceTable.create();
    const layout = o.layout ?? 'multi';
    const engineInstruments = feedInstruments.map((f) => ({ inst: f.inst, spec: { ...f.grid, levelsPerSide: 8192 } }));
    let engineWorker: Worker | null = null;
    let inlineEngine: { engine: Engine; stepper: EngineStepper; engineCore: Core } | null = null;
    let pointers: Record<number, number>;
    if (layout === 'multi') {
      const engineData: EngineWorkerData = {
        module,
        memory,
        slot: 2,
        control,
        trace: trace.buffer,
        spins: o.engineSpins,
        signals: o.signals ?? {},
        instruments: engineInstruments,
      };
      engineWorker = track(new Worker(new URL('engine.mjs', dir), { workerData: engineData }));
      pointers = (await once(engineWorker, 'ready')).pointers;
    } else {
      // the same instances as the workers would have (slot 2: the engine, the one that allocates; slot 1: the feed's
      // decoder), here on this thread
      const engineCore = await instantiateCore(module, memory, { slot: 2 });
      const engine = new Engine(engineCore, 64, { control: true });
      pointers = {};
      for (const { inst, spec } of engineInstruments) {
        const i = engine.addInstrument(inst, spec);
        i.configure(o.signals ?? {});
        pointers[inst] = i.ptr;
      }
      const stepper = new EngineStepper(
        engineCore,
        engine,
        new Ring(engineCore, engineCore.ringOffset('market')),
        new Ring(engineCore, engineCore.ringOffset('signal')),
        trace,
      );
      inlineEngine = { engine, stepper, engineCore };
    }
    const instruments = feedInstruments.map((f) => new Instrument(core, f.inst, pointers[f.inst]));
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
    const statsEveryMs = o.statsEveryMs ?? 250;
    let threads: { feed: Worker; engine: Worker; engineStop: Int32Array } | null = null;
    let inline: { host: FeedHost; stepper: EngineStepper; engine: Engine; timer: NodeJS.Timeout; warm: InlineWarm | null } | null = null;
    let p: MarketPipeline | null = null;
    if (engineWorker) {
      const feedData: FeedWorkerData = {
        module,
        memory,
        slot: 1,
        wsUrl: o.wsUrl,
        instruments: feedInstruments,
        statsEveryMs,
        pingMs: o.pingMs,
        pongTimeoutMs: o.pongTimeoutMs,
        capture: !!rec,
        trace: trace.buffer,
        rawPort: feedRawPort,
        deferred: o.deferFeed,
      };
      const feed = track(new Worker(new URL('feed.mjs', dir), { workerData: feedData, transferList: feedRawPort ? [feedRawPort] : [] }));
      threads = { feed, engine: engineWorker, engineStop: new Int32Array(control) };
      feed.on('message', (m: any) => {
        if (m.type === 'stats') p!.feedStats = m;
        else if (m.type === 'log') o.log?.(m.line);
        else if (m.type === 'exchange-error') o.onExchangeError?.(m);
        else if (m.type === 'open' || m.type === 'down') o.onConnection?.(m.type, m.reason);
      });
      feed.on('error', (err) => o.log?.(`feed worker failed: ${err.message}`));
      engineWorker.on('error', (err) => o.log?.(`engine worker failed: ${err.message}`));
    } else {
      const { engine, stepper, engineCore } = inlineEngine!;
      const feedCore = await instantiateCore(module, memory, { slot: 1 });
      const host = new FeedHost(feedCore, {
        wsUrl: o.wsUrl,
        instruments: feedInstruments,
        capture: !!rec,
        rawPort: feedRawPort,
        trace,
        pingMs: o.pingMs,
        pongTimeoutMs: o.pongTimeoutMs,
        log: (line) => o.log?.(line),
        onExchangeError: (e) => o.onExchangeError?.(e),
        onOpen: () => o.onConnection?.('open'),
        onDown: (reason) => o.onConnection?.('down', reason),
        // the frame's messages through the engine and on to the consumer, in this call
        afterFrame: () => {
          if (stepper.step() > 0) p?.consumer?.();
        },
      });
      const timer = setInterval(() => {
        host.poll();
        p!.feedStats = host.stats();
      }, statsEveryMs);
      // a scratch engine on this thread's engine instance for the warm frames (src/core/engine-warm.ts)
      const warm = host.warmer
        ? new InlineWarm(
            host.warmer,
            new EngineWarmer(engineCore, WARM_INST, feedInstruments[0].grid, warmRingOffsets(feedCore).signal, WARM_SIGNAL_LOG2),
          )
        : null;
      inline = { host, stepper, engine, timer, warm };
      if (!o.deferFeed) host.start();
    }
    p = new MarketPipeline(
      core,
      new Ring(core, core.ringOffset('signal')),
      ordered,
      instruments,
      trace,
      threads,
      inline,
      recorder,
      recorderStop,
    );
    const pipeline = p;
    recorder?.on('message', (m: any) => {
      if (m.type === 'stats' || m.type === 'stopped') pipeline.recorderCounters = m.counters;
      if (m.type === 'stats') pipeline.recorderMemory = m.memory ?? null;
    });
    return pipeline;
  }

  /**
   * Single-thread layout: one warm step of this thread's feed and engine code on scratch data (a warm frame through a
   * scratch feed session and a scratch engine: src/feed/warm-frames.ts, src/core/engine-warm.ts). Multi:
   * nothing here (the feed worker keeps its decoder warm itself). Returns the records applied.
   */
  warmStep(): number {
    return this.inline?.warm?.step() ?? 0;
  }

  /** Start-up: prepares the warm frames' checksums, then `n` warm steps (single-thread layout; multi: nothing). */
  primeWarm(n: number): void {
    this.inline?.warm?.prime(n);
  }

  /** A count that moves whenever this thread has read market data (single: frames; multi: 0, see the trader's). */
  get activity(): number {
    return this.inline ? this.inline.host.session.counters.frames : 0;
  }

  /** Connects the feed of a pipeline started with deferFeed (once). */
  startFeed(): void {
    if (this.feedStarted) return;
    this.feedStarted = true;
    if (this.threads) this.threads.feed.postMessage({ type: 'start' });
    else this.inline!.host.start();
  }
  private feedStarted = false;

  /**
   * Multi-thread layout: asks the feed thread for a clock mark (a Status.clockMark record after everything it has
   * stamped so far, src/feed/feed-session.ts) and returns true; the mark comes through the engine onto the signal
   * ring in order. Single-thread layout (or stopped): false, nothing is on its way that this thread has not seen.
   */
  requestClockMark(): boolean {
    if (!this.threads || this.stopped) return false;
    this.threads.feed.postMessage({ type: 'mark' });
    return true;
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
    let feed: FeedStats | null;
    if (this.threads) {
      const w = this.threads.feed;
      stopping.add(w);
      // the feed's last word is the stats marked final (a periodic one may still be on its way before it)
      const finalFeed = new Promise<FeedStats | null>((resolve) => {
        const onMsg = (m: any) => {
          if (m?.type === 'stats' && m.final) done(m);
        };
        const done = (m: FeedStats | null) => {
          w.off('message', onMsg);
          w.off('exit', onExit);
          resolve(m);
        };
        const onExit = () => done(null);
        if (ended.has(w)) return resolve(null);
        w.on('message', onMsg);
        w.on('exit', onExit);
      });
      w.postMessage({ type: 'stop' });
      feed = (await finalFeed) ?? this.feedStats;
      this.feedStats = feed;
      await w.terminate();
    } else {
      const { host, timer } = this.inline!;
      clearInterval(timer);
      host.stop();
      feed = host.stats();
      this.feedStats = feed;
    }
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
    let engine: { latency: ReturnType<LatencySamples['summary']>; badRecords: number };
    if (this.threads) {
      const w = this.threads.engine;
      stopping.add(w);
      const done = once(w, 'stopped');
      Atomics.store(this.threads.engineStop, 0, 1);
      Atomics.notify(this.threads.engineStop, 0);
      engine = await done.catch(() => ({ latency: null, badRecords: 0 }));
      await w.terminate();
    } else {
      engine = { latency: this.inline!.stepper.latency.summary(), badRecords: this.inline!.engine.badRecords };
    }
    return {
      feed,
      engine: { latency: engine.latency, badRecords: engine.badRecords },
      recorder: this.recorderCounters,
      recorderFailed,
    };
  }
}
