// The feed thread: one WebSocket connection, frames decoded by the core straight into the market ring.
import { parentPort, workerData } from 'node:worker_threads';
import { instantiateCore, Ring, R } from '../core/index';
import { FrameDecoder } from './decoder';
import { FeedSession, type FeedInstrument } from './feed-session';
import { BitgetWsClient } from './client';
import { MonotonicClock } from '../core/clock';
import { threadMemory } from '../monitor/thread-memory';
import { LatencySamples, elapsedNs } from '../core/latency';
import { TraceTable } from '../latency/trace';
import { RawBatch } from '../capture/raw';
import type { MessagePort } from 'node:worker_threads';

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
}

const d = workerData as FeedWorkerData;
const core = await instantiateCore(d.module, d.memory, { slot: d.slot });
const market = new Ring(core, core.ringOffset('market'));
const clock = new MonotonicClock();
const post = (m: object) => parentPort!.postMessage(m);
const raw = d.rawPort ? new RawBatch() : null;
const shipRaw = () => {
  if (raw && raw.count) {
    const bytes = raw.take();
    d.rawPort!.postMessage(bytes, [bytes.buffer]);
  }
};
const rawTimer = raw ? setInterval(shipRaw, 100) : null;
let client: BitgetWsClient;
const trace = d.trace ? TraceTable.attach(d.trace) : null;
const decodeLatency = new LatencySamples();
const stampClock = new MonotonicClock(); // the session reads `clock` for the records it writes
const words = core.words;
/** Receive → about to publish, on the last record of the message: the decode hop, stamped before the records show. */
const beforePublish = (first: number, n: number) => {
  const at = market.slot(first + n - 1);
  const hi = words[(at + R.localTs + 4) >> 2];
  const lo = words[(at + R.localTs) >> 2] >>> 0;
  stampClock.read();
  const ns = elapsedNs(stampClock.hi, stampClock.lo, hi, lo);
  decodeLatency.add(ns);
  trace?.open(hi, lo, ns);
};
const session = new FeedSession(core, market, new FrameDecoder(core), clock, d.instruments, {
  resubscribe: (arg) => client.resubscribe(arg),
  onExchangeError: (e) => post({ type: 'exchange-error', ...e }),
  log: (line) => post({ type: 'log', line }),
  watchControl: true,
  capture: d.capture ? new Ring(core, core.ringOffset('capture')) : undefined,
  onRaw: raw ? (data, hi, lo) => raw.add(data, hi, lo) : undefined,
  beforePublish,
});

client = new BitgetWsClient({
  url: d.wsUrl,
  pingMs: d.pingMs,
  pongTimeoutMs: d.pongTimeoutMs,
  log: (line) => post({ type: 'log', line }),
  onOpen: () => post({ type: 'open' }),
  onDown: (reason) => {
    session.onDisconnect();
    post({ type: 'down', reason });
  },
  onFrame: (data) => session.onFrame(data),
});
client.subscribe(session.args());
client.start();

const stats = () => ({
  type: 'stats',
  counters: session.counters,
  client: client.stats,
  state: client.state,
  decode: decodeLatency.summary(),
  memory: threadMemory(),
});
const timer = setInterval(() => {
  session.poll();
  post(stats());
}, d.statsEveryMs);

parentPort!.on('message', (m: { type: string }) => {
  if (m.type === 'stop') {
    clearInterval(timer);
    client.stop();
    if (rawTimer) clearInterval(rawTimer);
    shipRaw();
    d.rawPort?.close();
    post({ ...stats(), final: true });
    parentPort!.close();
  } else if (m.type === 'stats') {
    post(stats());
  }
});
