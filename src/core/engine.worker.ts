// The engine thread: the only instance that allocates (at start-up), then drains the market ring into books and
// signals until told to stop. It spins briefly and sleeps on the ring when idle, so it never busy-burns a core.
import { parentPort, workerData } from 'node:worker_threads';
import { instantiateCore } from './loader';
import { Ring } from './ring';
import { Engine, type InstrumentSpec, type SignalParams } from './engine-handle';
import { R } from './record';
import { MonotonicClock } from './clock';
import { LatencySamples, elapsedNs } from './latency';

export interface EngineWorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  slot: number;
  instruments: Array<{ inst: number; spec: InstrumentSpec }>;
  signals: Partial<SignalParams>;
  /** Int32 [0]: set to 1 to stop. */
  control: SharedArrayBuffer;
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
parentPort!.postMessage({ type: 'ready', pointers, engine: engine.ptr });

// Receive → signal published, on the newest record of each drained batch.
const latency = new LatencySamples();
while (Atomics.load(stop, 0) === 0) {
  const n = market.readable(4096);
  if (n === 0) {
    market.wait(2000, 20);
    continue;
  }
  const last = market.slot(market.tail + n - 1);
  const tsHi = words[(last + R.localTs + 4) >> 2];
  const tsLo = words[(last + R.localTs) >> 2] >>> 0;
  engine.drain(market, signal, n);
  clock.read();
  latency.add(elapsedNs(clock.hi, clock.lo, tsHi, tsLo));
}
parentPort!.postMessage({ type: 'stopped', latency: latency.summary(), badRecords: engine.badRecords });
