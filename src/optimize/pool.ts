// Runs trials on K worker threads over one shared recording. Trials are handed out one at a time as workers free
// up (uneven trial costs balance themselves); results come back in any order and are keyed by trial id, so the
// outcome never depends on the worker count. `stop()` (Ctrl-C) hands out nothing more and lets the trials in
// flight finish: every finished trial is kept. A trial whose replay goes still for `hungAfterMs` (a strategy handler
// that never returns) cannot be stopped from inside its worker: the worker is ended, the trial recorded as hung, and
// a fresh worker takes its place.
import { Worker } from 'node:worker_threads';
import type { SharedRecording } from './data';
import type { Trial } from './space';
import type { TrialResult, TrialSettings } from './trial';
import type { OptimizeWorkerData } from './optimize.worker';
import { BeatWatch, hangCells, hungMessage, pollMsFor } from '../backtest/hang-guard';

export interface PoolOptions {
  workers: number;
  workerUrl: URL;
  module: WebAssembly.Module;
  /** The shared records: one instrument's, or each instrument's in the run's order. */
  shared: SharedRecording | SharedRecording[];
  settings: TrialSettings;
  /** A trial whose replay has not moved for this long is hung, ms (absent: trials are not watched). */
  hungAfterMs?: number;
  /** The strategy's name, for a hung trial's message. */
  strategy?: string;
  onResult?(r: TrialResult, done: number, total: number): void;
}

export class TrialPool {
  private stopped = false;

  stop(): void {
    this.stopped = true;
  }

  get stopping(): boolean {
    return this.stopped;
  }

  async run(trials: Trial[], o: PoolOptions): Promise<TrialResult[]> {
    const results: TrialResult[] = [];
    let next = 0;
    const k = Math.max(1, Math.min(o.workers, trials.length || 1));
    const shared = Array.isArray(o.shared) ? o.shared : [o.shared];
    const limit = o.hungAfterMs;
    const record = (r: TrialResult) => {
      results.push(r);
      o.onResult?.(r, results.length, trials.length);
    };
    const one = (): Promise<void> =>
      new Promise((resolve, reject) => {
        const cells = limit !== undefined ? hangCells() : null;
        const data: OptimizeWorkerData = {
          module: o.module,
          shared,
          settings: o.settings,
          ...(cells ? { hang: { beat: cells.beat.buffer as SharedArrayBuffer, handler: cells.handler.buffer as SharedArrayBuffer } } : {}),
        };
        const w = new Worker(o.workerUrl, { workerData: data });
        let failed: Error | null = null;
        let running: Trial | null = null;
        let hung = false;
        const watch = cells ? new BeatWatch(cells.beat) : null;
        const poll =
          cells && watch && limit !== undefined
            ? setInterval(() => {
                if (!running || hung) return;
                const still = watch.still();
                if (still < limit) return;
                hung = true;
                record({
                  id: running.id,
                  params: running.params,
                  error: hungMessage(o.strategy ?? o.settings.strategy?.name ?? 'obi-ofi', cells, still),
                  hung: true,
                  bundleSha256: o.settings.strategy?.bundle?.hash ?? null,
                  coreSha256: o.settings.strategy?.coreHash ?? null,
                });
                running = null;
                void w.terminate();
              }, pollMsFor(limit))
            : null;
        const give = () => {
          running = null;
          if (this.stopped || next >= trials.length) {
            w.postMessage({ type: 'stop' });
            return;
          }
          running = trials[next++];
          if (cells) {
            // where the last trial was is not where this one is (the worker is idle: nothing else writes these now)
            cells.beat[1] = 0;
            cells.beat[2] = 0;
          }
          watch?.restart();
          w.postMessage({ type: 'trial', trial: running });
        };
        w.on('message', (m: { type: string; result?: TrialResult; id?: number; message?: string }) => {
          if (hung) return;
          if (m.type === 'ready') give();
          else if (m.type === 'result') {
            record(m.result!);
            give();
          } else if (m.type === 'failed') {
            failed = new Error(`trial ${m.id} failed: ${m.message}`);
            this.stopped = true;
            w.postMessage({ type: 'stop' });
          }
        });
        w.on('error', (err) => {
          if (hung) return;
          failed = err;
          this.stopped = true;
        });
        w.on('exit', () => {
          if (poll) clearInterval(poll);
          if (failed) reject(failed);
          // the hung trial's worker is gone: a fresh one takes the trials still to hand out
          else if (hung && !this.stopped && next < trials.length) resolve(one());
          else resolve();
        });
      });
    await Promise.all(Array.from({ length: k }, one));
    return results.sort((a, b) => a.id - b.id);
  }
}
