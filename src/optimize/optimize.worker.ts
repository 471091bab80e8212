// An optimizer worker: its own core instance (own memory: books and signal state are per worker) over the shared
// recording, and its own evaluation of the strategy's bundle text, running the trials it is handed one at a time and
// posting each result back.
import { parentPort, workerData } from 'node:worker_threads';
import { createMemory, formatMemory, instantiateCore } from '../core/index';
import { createBacktestCore } from '../backtest/setup';
import { sharedRecords, type SharedRecording } from './data';
import { runTrial, trialStrategy, type TrialSettings } from './trial';
import type { Trial } from './space';
import type { LoadedStrategy } from '../strategy/sandbox';

export interface OptimizeWorkerData {
  module: WebAssembly.Module;
  shared: SharedRecording;
  settings: TrialSettings;
}

const d = workerData as OptimizeWorkerData;
const core = await instantiateCore(d.module, createMemory(), { slot: 0 });
formatMemory(core);
const bc = createBacktestCore(core, d.settings.grid);
const records = sharedRecords(d.shared);
let strategy: LoadedStrategy | null = null;
try {
  strategy = trialStrategy(d.settings);
} catch (err) {
  // the main thread loaded the same text before starting workers, so this is unexpected: fail the run, named
  parentPort!.postMessage({ type: 'failed', id: -1, message: err instanceof Error ? err.message : String(err) });
  parentPort!.close();
}
if (strategy) {
  const s = strategy;
  parentPort!.on('message', (m: { type: 'trial'; trial: Trial } | { type: 'stop' }) => {
    if (m.type === 'stop') {
      parentPort!.close();
      return;
    }
    try {
      parentPort!.postMessage({ type: 'result', result: runTrial(bc, records, d.shared.rows, d.settings, m.trial, s) });
    } catch (err) {
      parentPort!.postMessage({ type: 'failed', id: m.trial.id, message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  });
  parentPort!.postMessage({ type: 'ready' });
}
