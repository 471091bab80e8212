// The session's guard against a strategy handler that never returns. Handlers run on the session's thread, so an
// endless loop there blocks everything that thread does: the risk checks, the status line, Ctrl-C and SIGTERM. The
// thread bumps a shared counter a few times a second; a worker of its own watches it, and when it has not moved for
// the limit it cancels every order of the session at the venue (and flattens, when the session would on exit) over
// its own REST connection, says what it did, and ends the process: nothing else can stop a loop on another thread
// without taking the process down with it (V8's terminate leaves Node's async bookkeeping corrupt and aborts).
import { Worker } from 'node:worker_threads';
import type { Credentials, VenueMode } from '../gateway/index';
import type { InstrumentGrid } from '../feed/instruments';
import { findWorkerDir } from '../feed/pipeline';
import { logFormat, type LogFormat } from '../log/logger';

/** How often the session's thread shows it is alive, ms: far below any limit worth setting. */
const BEAT_MS = 200;

export interface HangWatchdogOptions {
  /** A session thread silent this long is hung, ms. */
  limitMs: number;
  /** The strategy's name, for the message. */
  strategy: string;
  credentials: Credentials;
  mode: VenueMode;
  restUrl: string;
  /** The session's symbols' grids, by instrument index. */
  grids: InstrumentGrid[];
  /** Also close the position (what the session does on exit unless --no-flatten). */
  flatten: boolean;
  /**
   * The venue runs on the session's thread (`demo`'s embedded exchange): it is as stuck as the strategy and ends with
   * the process, so there is nothing to cancel from outside.
   */
  venueInProcess: boolean;
  /** The session records: its journals outlive the process and are finished by the next recorder. */
  recording: boolean;
}

/** The data the worker starts with (structured-cloned). */
export interface HangWatchdogData extends Omit<HangWatchdogOptions, 'strategy'> {
  strategy: string;
  beat: SharedArrayBuffer;
  /** The handler running now (src/strategy/handler-cell.ts). */
  handler: SharedArrayBuffer;
  beatMs: number;
  logFormat: LogFormat;
}

export class HangWatchdog {
  private constructor(
    private readonly worker: Worker,
    private readonly timer: NodeJS.Timeout,
  ) {}

  /** `handler`: the cell the strategy's handlers mark (trackHandlers), so the message can name the one that hangs. */
  static start(o: HangWatchdogOptions, handler: Int32Array, workerDir: URL = findWorkerDir()): HangWatchdog {
    const beat = new SharedArrayBuffer(4);
    const count = new Int32Array(beat);
    const data: HangWatchdogData = { ...o, beat, handler: handler.buffer as SharedArrayBuffer, beatMs: BEAT_MS, logFormat: logFormat() };
    const worker = new Worker(new URL('hang-watchdog.mjs', workerDir), { workerData: data });
    // neither keeps the process alive: the session decides when it ends
    worker.unref();
    const timer = setInterval(() => Atomics.add(count, 0, 1), BEAT_MS);
    timer.unref();
    return new HangWatchdog(worker, timer);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.worker.terminate();
  }
}
