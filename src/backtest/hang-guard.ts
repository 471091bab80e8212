// The replay's guard against a strategy handler that never returns. The replay runs strategy code on its own thread,
// so an endless loop there stops it for good, without a word: the replay bumps a shared beat as it takes each chunk of
// records (with the chunk's first local time, for the message), the runtime marks the handler it is in
// (../strategy/handler-cell), and a watcher on another thread gives up on the replay once the beat has been still for
// the limit: `backtest`'s watchdog worker (./hang-guard.worker) ends the process; `optimize`'s pool ends the trial's
// worker and goes on.
import { Worker } from 'node:worker_threads';
import { findWorkerDir } from '../feed/pipeline';
import { handlerIn } from '../strategy/handler-cell';
import { R } from '../core/record';
import { duration } from '../format/numbers';
import { isoNs } from './window';
import { logFormat, type LogFormat } from '../log/logger';

/** The beat's words: how many chunks were taken, and the local time of the newest one's first record (lo, hi). */
const BEAT_WORDS = 3;
const W_LOCAL = R.localTs >> 2;

/** What a replay and its watcher share: the beat and the handler cell (both on shared memory). */
export interface HangCells {
  beat: Int32Array;
  handler: Int32Array;
}

export function hangCells(): HangCells {
  return {
    beat: new Int32Array(new SharedArrayBuffer(BEAT_WORDS * 4)),
    handler: new Int32Array(new SharedArrayBuffer(4)),
  };
}

/** The replay takes the `rows` records at byte `ptr` of `words` (a chunk: once per row group or piece, never per record). */
export function beatAt(beat: Int32Array, words: Int32Array, ptr: number, rows: number): void {
  if (rows > 0) {
    const p = (ptr >> 2) + W_LOCAL;
    beat[1] = words[p];
    beat[2] = words[p + 1];
  }
  Atomics.add(beat, 0, 1);
}

/** How often a watcher looks at a beat for a limit of `limitMs`: a quarter of it, between 10 and 200 ms. */
export function pollMsFor(limitMs: number): number {
  return Math.max(10, Math.min(200, limitMs / 4));
}

/** Watches a beat: `still()` says how long it has not moved, ms (0 while it moves). */
export class BeatWatch {
  private seen: number;
  private since: number;

  constructor(private readonly beat: Int32Array) {
    this.seen = Atomics.load(beat, 0);
    this.since = Date.now();
  }

  /** Starts the count again (a new trial handed out: the time before it was no replay's). */
  restart(): void {
    this.seen = Atomics.load(this.beat, 0);
    this.since = Date.now();
  }

  still(): number {
    const now = Atomics.load(this.beat, 0);
    if (now !== this.seen) {
      this.seen = now;
      this.since = Date.now();
    }
    return Date.now() - this.since;
  }
}

/**
 * The message for a replay given up on: "strategy X: onBook has not returned for 10 s (replaying the records from
 * local time …)"; the handler is named when the cell knows it, the position once a chunk has been taken.
 */
export function hungMessage(strategy: string, cells: HangCells, stillMs: number): string {
  const handler = handlerIn(cells.handler);
  const lo = Atomics.load(cells.beat, 1);
  const hi = Atomics.load(cells.beat, 2);
  const at = lo === 0 && hi === 0 ? '' : ` (replaying the records from local time ${isoNs((BigInt(hi) << 32n) | BigInt(lo >>> 0))})`;
  const what = handler ? `${handler} has not returned` : 'the replay has not moved';
  return `strategy ${strategy}: ${what} for ${duration(stillMs * 1e6)}${at}: an endless loop${handler ? ` in ${handler}` : ''}? (--hung-after)`;
}

/** What the watchdog worker starts with (structured-cloned). */
export interface ReplayWatchdogData {
  strategy: string;
  limitMs: number;
  pollMs: number;
  beat: SharedArrayBuffer;
  handler: SharedArrayBuffer;
  logFormat: LogFormat;
}

/**
 * `backtest`'s watchdog: a worker that ends the process (exit 137, as live's) once the replay's beat has been still for
 * `limitMs`. The thread beats too while it waits for file reads (a timer: it only fires when the thread is free).
 */
export class ReplayWatchdog {
  private constructor(
    readonly cells: HangCells,
    private readonly worker: Worker,
    private readonly timer: NodeJS.Timeout,
  ) {}

  static start(strategy: string, limitMs: number, workerDir: URL = findWorkerDir()): ReplayWatchdog {
    const cells = hangCells();
    const pollMs = pollMsFor(limitMs);
    const data: ReplayWatchdogData = {
      strategy,
      limitMs,
      pollMs,
      beat: cells.beat.buffer as SharedArrayBuffer,
      handler: cells.handler.buffer as SharedArrayBuffer,
      logFormat: logFormat(),
    };
    const worker = new Worker(new URL('replay-watchdog.mjs', workerDir), { workerData: data });
    worker.unref();
    const timer = setInterval(() => Atomics.add(cells.beat, 0, 1), pollMs);
    timer.unref();
    return new ReplayWatchdog(cells, worker, timer);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.worker.terminate();
  }
}
