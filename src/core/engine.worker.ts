// The engine thread: the only instance that allocates (at start-up), then applies the market ring to books and
// signals, message by message, until told to stop. It spins briefly and sleeps on the ring when idle, so it never
// busy-burns a core.
import { parentPort, workerData } from 'node:worker_threads';
import { instantiateCore } from './loader';
import { Ring } from './ring';
import { Engine, type InstrumentSpec, type SignalParams } from './engine-handle';
import { R } from './record';
import { MonotonicClock } from './clock';
import { LatencySamples, elapsedNs } from './latency';
import { TraceTable, TRACE_DONE, TRACE_PICKUP } from '../latency/trace';

export interface EngineWorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  slot: number;
  instruments: Array<{ inst: number; spec: InstrumentSpec }>;
  signals: Partial<SignalParams>;
  /** Int32 [0]: set to 1 to stop. */
  control: SharedArrayBuffer;
  /** The latency trace: the engine stamps when it picked each message up and when its signal was out. */
  trace?: SharedArrayBuffer;
  /** Spins of the idle wait before sleeping (default 2000). */
  spins?: number;
}

const d = workerData as EngineWorkerData;
const core = await instantiateCore(d.module, d.memory, { slot: d.slot });
const engine = new Engine(core, 64, { control: true });
const pointers: Record<number, number> = {};
for (const { inst, spec } of d.instruments) {
  const i = engine.addInstrument(inst, spec);
  i.configure(d.signals);
  pointers[inst] = i.ptr;
}
const market = new Ring(core, core.ringOffset('market'));
const signal = new Ring(core, core.ringOffset('signal'));
const stop = new Int32Array(d.control);
const words = core.words;
const clock = new MonotonicClock();
const trace = d.trace ? TraceTable.attach(d.trace) : null;
const spins = d.spins ?? 2000;
parentPort!.postMessage({ type: 'ready', pointers, engine: engine.ptr });

// Receive → signal published, per message. One message at a time (not one drain of everything ready), so each
// signal leaves as soon as its own message is applied and carries its own stamps.
const latency = new LatencySamples();
const capacity = market.capacity;
while (Atomics.load(stop, 0) === 0) {
  let n = market.readable(4096);
  if (n === 0) {
    market.wait(spins, 20);
    continue;
  }
  clock.read();
  let startHi = clock.hi; // when the engine started on the message: the batch's pickup, then each previous one's end
  let startLo = clock.lo;
  while (n > 0) {
    const tail = market.tail;
    const run = Math.min(n, capacity - (tail & (capacity - 1))); // contiguous up to the ring's end
    const at = market.slot(tail);
    const k = engine.applyMessage(at, run, signal);
    const last = market.slot(tail + k - 1);
    const tsHi = words[(last + R.localTs + 4) >> 2];
    const tsLo = words[(last + R.localTs) >> 2] >>> 0;
    market.release(k);
    n -= k;
    clock.read();
    const done = elapsedNs(clock.hi, clock.lo, tsHi, tsLo);
    latency.add(done);
    if (trace && trace.stamp(tsHi, tsLo, TRACE_PICKUP, elapsedNs(startHi, startLo, tsHi, tsLo))) trace.stamp(tsHi, tsLo, TRACE_DONE, done);
    startHi = clock.hi;
    startLo = clock.lo;
  }
}
parentPort!.postMessage({ type: 'stopped', latency: latency.summary(), badRecords: engine.badRecords });
