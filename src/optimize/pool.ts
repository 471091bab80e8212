// Runs trials on K worker threads over one shared recording. Trials are handed out one at a time as workers free
// up (uneven trial costs balance themselves); results come back in any order and are keyed by trial id, so the
// outcome never depends on the worker count. `stop()` (Ctrl-C) hands out nothing more and lets the trials in
// flight finish: every finished trial is kept.
import { Worker } from 'node:worker_threads';
import type { SharedRecording } from './data';
import type { Trial } from './space';
import type { TrialResult, TrialSettings } from './trial';
import type { OptimizeWorkerData } from './optimize.worker';

export interface PoolOptions {
  workers: number;
  workerUrl: URL;
  module: WebAssembly.Module;
  /** The shared records: one instrument's, or each instrument's in the run's order. */
  shared: SharedRecording | SharedRecording[];
  settings: TrialSettings;
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
    const data: OptimizeWorkerData = { module: o.module, shared, settings: o.settings };
    const one = (): Promise<void> =>
      new Promise((resolve, reject) => {
        const w = new Worker(o.workerUrl, { workerData: data });
        let failed: Error | null = null;
        const give = () => {
          if (this.stopped || next >= trials.length) {
            w.postMessage({ type: 'stop' });
            return;
          }
          w.postMessage({ type: 'trial', trial: trials[next++] });
        };
        w.on('message', (m: { type: string; result?: TrialResult; id?: number; message?: string }) => {
          if (m.type === 'ready') give();
          else if (m.type === 'result') {
            results.push(m.result!);
            o.onResult?.(m.result!, results.length, trials.length);
            give();
          } else if (m.type === 'failed') {
            failed = new Error(`trial ${m.id} failed: ${m.message}`);
            this.stopped = true;
            w.postMessage({ type: 'stop' });
          }
        });
        w.on('error', (err) => {
          failed = err;
          this.stopped = true;
        });
        w.on('exit', () => (failed ? reject(failed) : resolve()));
      });
    await Promise.all(Array.from({ length: k }, one));
    return results.sort((a, b) => a.id - b.id);
  }
}
