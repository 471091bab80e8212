// The feed thread (multi-thread layout): one WebSocket connection, frames decoded by the core straight into the
// market ring (src/feed/feed-host.ts); counters and logs to the main thread by message.
import { parentPort, workerData } from 'node:worker_threads';
import { instantiateCore } from '../core/index';
import { FeedHost } from './feed-host';
import type { FeedInstrument } from './feed-session';
import { threadMemory } from '../monitor/thread-memory';
import { TraceTable } from '../latency/trace';
import type { MessagePort } from 'node:worker_threads';
import { KeepWarm, WARM_PRIME_STEPS } from './keep-warm';

export interface FeedWorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  slot: number;
  wsUrl: string;
  instruments: FeedInstrument[];
  statsEveryMs: number;
  /** The latency trace (src/latency/trace.ts) the feed opens a row of for every message it publishes. */
  trace?: SharedArrayBuffer;
  /** Mirror every published record into the capture ring (a recorder is running). */
  capture: boolean;
  /** Where raw frames go (the recorder), when recording with --raw. */
  rawPort?: MessagePort;
  pingMs?: number;
  pongTimeoutMs?: number;
  /** Connect only when told to ({type: 'start'}): the consumer is not ready yet. */
  deferred?: boolean;
}

const d = workerData as FeedWorkerData;
const core = await instantiateCore(d.module, d.memory, { slot: d.slot });
const post = (m: object) => parentPort!.postMessage(m);
const host = new FeedHost(core, {
  wsUrl: d.wsUrl,
  instruments: d.instruments,
  capture: d.capture,
  rawPort: d.rawPort,
  trace: d.trace ? TraceTable.attach(d.trace) : null,
  pingMs: d.pingMs,
  pongTimeoutMs: d.pongTimeoutMs,
  log: (line) => post({ type: 'log', line }),
  onExchangeError: (e) => post({ type: 'exchange-error', ...e }),
  onOpen: () => post({ type: 'open' }),
  onDown: (reason) => post({ type: 'down', reason }),
});
// the decoder optimised before the first frame, and kept warm between frames (./keep-warm.ts)
const warm = new KeepWarm({ step: () => host.warmStep(), activity: () => host.session.counters.frames });
warm.prime(WARM_PRIME_STEPS);
warm.start();
if (!d.deferred) host.start();

const stats = () => ({ type: 'stats', ...host.stats(), memory: threadMemory() });
const timer = setInterval(() => {
  host.poll();
  post(stats());
}, d.statsEveryMs);

parentPort!.on('message', (m: { type: string }) => {
  if (m.type === 'start') host.start();
  else if (m.type === 'mark') host.mark();
  else if (m.type === 'stop') {
    clearInterval(timer);
    warm.stop();
    host.stop();
    post({ ...stats(), final: true });
    parentPort!.close();
  } else if (m.type === 'stats') {
    post(stats());
  }
});
