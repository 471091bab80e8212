// `backtest`'s watchdog thread (./hang-guard.ts): once the replay's beat has been still for the limit, says which
// handler of which strategy does not return and ends the process. It writes with writeSync: a worker's process.stderr
// goes through the main thread, which is the one that is stuck; and nothing but a signal ends a loop on that thread.
import { writeSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import { logger, setLogFormat } from '../log/logger';
import { BeatWatch, hungMessage, type ReplayWatchdogData } from './hang-guard';

const d = workerData as ReplayWatchdogData;
setLogFormat(d.logFormat);
const cells = { beat: new Int32Array(d.beat), handler: new Int32Array(d.handler) };
const log = logger('backtest', (text) => {
  writeSync(2, text);
});
const watch = new BeatWatch(cells.beat);
const poll = setInterval(() => {
  const still = watch.still();
  if (still < d.limitMs) return;
  clearInterval(poll);
  log.error(`ringbook: HUNG: ${hungMessage(d.strategy, cells, still)}; ending the process (exit code 137)`, {
    event: 'hung',
    strategy: d.strategy,
    stillMs: still,
  });
  process.kill(process.pid, 'SIGKILL');
}, d.pollMs);
