// An optimizer worker: its own core instance (own memory: books and signal state are per worker) over the shared
// recording, and its own evaluation of the strategy's bundle text, running the trials it is handed one at a time and
// posting each result back.
import { parentPort, workerData } from 'node:worker_threads';
import { REC_SIZE, createMemory, formatMemory, instantiateCore } from '../core/index';
import { backtestPages, createBacktestCore } from '../backtest/setup';
import { sharedRecords, type SharedRecording } from './data';
import { TRIAL_PIECE, runTrial, trialStrategy, type TrialData, type TrialSettings } from './trial';
import { gridOfPlain } from './instruments';
import type { Trial } from './space';
import type { LoadedStrategy } from '../strategy/sandbox';
import { errorText } from '../format/errors';

export interface OptimizeWorkerData {
  module: WebAssembly.Module;
  /** Each instrument's shared records, in the run's order. */
  shared: SharedRecording[];
  settings: TrialSettings;
  /** The pool's watch on this worker (src/backtest/hang-guard.ts): its beat and handler cell. */
  hang?: { beat: SharedArrayBuffer; handler: SharedArrayBuffer };
}

const d = workerData as OptimizeWorkerData;
const hang = d.hang ? { beat: new Int32Array(d.hang.beat), handler: new Int32Array(d.hang.handler) } : undefined;
const several = d.shared.length > 1;
const core = await instantiateCore(d.module, createMemory(backtestPages(d.shared.length)), { slot: 0 });
formatMemory(core);
const bc = createBacktestCore(core, several ? d.settings.instruments!.map((i) => gridOfPlain(i.grid)) : d.settings.grid);
// several instruments are merged piece by piece, each staged in an area of its own (a message cut at a piece's end
// is finished from the same instrument's next piece while the others' pieces stay where they are)
const data: TrialData[] = d.shared.map((s) => ({
  records: sharedRecords(s),
  rows: s.rows,
  ...(several ? { staging: core.x.coreAlloc(TRIAL_PIECE * REC_SIZE) } : {}),
}));
let strategy: LoadedStrategy | null = null;
try {
  strategy = trialStrategy(d.settings);
} catch (err) {
  // the main thread loaded the same text before starting workers, so this is unexpected: fail the run, named
  parentPort!.postMessage({ type: 'failed', id: -1, message: errorText(err) });
  parentPort!.close();
}
if (strategy) {
  const s = strategy;
  parentPort!.on('message', async (m: { type: 'trial'; trial: Trial } | { type: 'stop' }) => {
    if (m.type === 'stop') {
      parentPort!.close();
      return;
    }
    try {
      parentPort!.postMessage({ type: 'result', result: await runTrial(bc, data, d.settings, m.trial, s, hang) });
    } catch (err) {
      parentPort!.postMessage({ type: 'failed', id: m.trial.id, message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  });
  parentPort!.postMessage({ type: 'ready' });
}
