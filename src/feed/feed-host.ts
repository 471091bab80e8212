// The feed's socket end on whichever thread hosts it: one WebSocket connection, frames decoded by the core straight
// into the market ring (and mirrored to the capture ring when recording), the decode hop stamped in the latency trace.
// The feed worker hosts one (src/feed/feed.worker.ts); the single-thread layout hosts one on the thread that also runs
// the engine and the strategy, and steps them after each frame (`afterFrame`).
import type { MessagePort } from 'node:worker_threads';
import { Ring, R, type Core } from '../core/index';
import { FrameDecoder } from './decoder';
import { FeedSession, type ExchangeError, type FeedInstrument } from './feed-session';
import { BitgetWsClient } from './client';
import { MonotonicClock } from '../core/clock';
import { LatencySamples, elapsedNs } from '../core/latency';
import type { TraceTable } from '../latency/trace';
import { RawBatch } from '../capture/raw';
import { FeedWarmer, WARM_INST } from './warm-frames';

export interface FeedHostOptions {
  wsUrl: string;
  instruments: FeedInstrument[];
  /** Mirror every published record into the capture ring (a recorder is running). */
  capture: boolean;
  /** Where raw frames go (the recorder), when recording with --raw. */
  rawPort?: MessagePort;
  trace: TraceTable | null;
  pingMs?: number;
  pongTimeoutMs?: number;
  log(line: string): void;
  onExchangeError(e: ExchangeError): void;
  onOpen(): void;
  onDown(reason: string): void;
  /** After each frame (and each disconnect) has been published: the single-thread layout steps engine and strategy here. */
  afterFrame?(): void;
}

export class FeedHost {
  readonly session: FeedSession;
  readonly client: BitgetWsClient;
  /** Receive → about to publish, per message. */
  readonly decodeLatency = new LatencySamples();
  private readonly raw: RawBatch | null;
  private readonly rawTimer: NodeJS.Timeout | null;
  /**
   * Decodes frames of its own into a scratch ring to keep the decoder warm (./warm-frames.ts); null when a live
   * instrument has the warm frames' index (64 instruments).
   */
  readonly warmer: FeedWarmer | null;

  constructor(
    core: Core,
    private readonly o: FeedHostOptions,
  ) {
    const market = new Ring(core, core.ringOffset('market'));
    const raw = (this.raw = o.rawPort ? new RawBatch() : null);
    this.rawTimer = raw ? setInterval(() => this.shipRaw(), 100) : null;
    const words = core.words;
    /** Receive → about to publish, on the last record of the message: the decode hop, stamped before the records show. */
    const stamper = (ring: Ring, samples: LatencySamples, trace: TraceTable | null) => {
      const stampClock = new MonotonicClock(); // the session reads its own clock for the records it writes
      return (first: number, n: number) => {
        const at = ring.slot(first + n - 1);
        const hi = words[(at + R.localTs + 4) >> 2];
        const lo = words[(at + R.localTs) >> 2] >>> 0;
        stampClock.read();
        const ns = elapsedNs(stampClock.hi, stampClock.lo, hi, lo);
        samples.add(ns);
        trace?.open(hi, lo, ns);
      };
    };
    const beforePublish = stamper(market, this.decodeLatency, o.trace);
    let client: BitgetWsClient | null = null;
    const session = (this.session = new FeedSession(core, market, new FrameDecoder(core), new MonotonicClock(), o.instruments, {
      resubscribe: (arg) => client?.resubscribe(arg),
      onExchangeError: (e) => o.onExchangeError(e),
      log: (line) => o.log(line),
      watchControl: true,
      capture: o.capture ? new Ring(core, core.ringOffset('capture')) : undefined,
      onRaw: raw ? (data, hi, lo) => raw.add(data, hi, lo) : undefined,
      beforePublish,
    }));
    const after = o.afterFrame;
    client = this.client = new BitgetWsClient({
      url: o.wsUrl,
      pingMs: o.pingMs,
      pongTimeoutMs: o.pongTimeoutMs,
      log: (line) => o.log(line),
      onOpen: () => {
        session.onConnect();
        o.onOpen();
      },
      onDown: (reason) => {
        session.onDisconnect();
        after?.();
        o.onDown(reason);
      },
      onFrame: after
        ? (data) => {
            session.onFrame(data);
            after();
          }
        : (data) => session.onFrame(data),
    });
    client.subscribe(session.args());
    const first = o.instruments[0];
    // the warm session stamps its own samples (a small buffer nobody reads) and no trace row
    this.warmer =
      first && !o.instruments.some((i) => i.inst === WARM_INST)
        ? new FeedWarmer(core, session.decoder, first.grid, {
            capture: o.capture,
            beforePublish: (ring) => stamper(ring, new LatencySamples(64), null),
          })
        : null;
  }

  /** One warm step for a feed whose records nobody else applies (the feed worker): a warm frame through, freed. */
  warmStep(): void {
    const w = this.warmer;
    if (w === null) return;
    w.step();
    w.release(true);
  }

  start(): void {
    this.client.start();
  }

  /** Checks the engine's resync requests and overdue snapshots (on a timer). */
  poll(): void {
    this.session.poll();
    this.o.afterFrame?.();
  }

  /** Puts a clock mark on the market ring (FeedSession.mark). */
  mark(): boolean {
    return this.session.mark();
  }

  stats() {
    return { counters: this.session.counters, client: this.client.stats, state: this.client.state, decode: this.decodeLatency.summary() };
  }

  private shipRaw(): void {
    const raw = this.raw;
    if (raw && raw.count) {
      const bytes = raw.take();
      this.o.rawPort!.postMessage(bytes, [bytes.buffer]);
    }
  }

  /** Closes the connection and ships the last raw frames. */
  stop(): void {
    this.client.stop();
    if (this.rawTimer) clearInterval(this.rawTimer);
    this.shipRaw();
    this.o.rawPort?.close();
  }
}
