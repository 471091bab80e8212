// An optimizer worker: its own core instance (own memory: books and signal state are per worker) over the shared
// recording, running the trials it is handed one at a time and posting each result back.
import { parentPort, workerData } from 'node:worker_threads';
import { createMemory, formatMemory, instantiateCore } from '../core/index';
import { createBacktestCore } from '../backtest/setup';
import { sharedRecords, type SharedRecording } from './data';
import { runTrial, type TrialSettings } from './trial';
import type { Trial } from './space';

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
parentPort!.on('message', (m: { type: 'trial'; trial: Trial } | { type: 'stop' }) => {
  if (m.type === 'stop') {
    parentPort!.close();
    return;
  }
  try {
    parentPort!.postMessage({ type: 'result', result: runTrial(bc, records, d.shared.rows, d.settings, m.trial) });
  } catch (err) {
    parentPort!.postMessage({ type: 'failed', id: m.trial.id, message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
parentPort!.postMessage({ type: 'ready' });
