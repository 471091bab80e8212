// The engine thread: the only instance that allocates (at start-up), then applies the market ring to books and
// signals, message by message, until told to stop. It spins briefly and sleeps on the ring when idle, so it never
// busy-burns a core.
import { parentPort, workerData } from 'node:worker_threads';
import { instantiateCore } from './loader';
import { Ring } from './ring';
import { Engine, type InstrumentSpec, type SignalParams } from './engine-handle';
import { EngineStepper } from './engine-step';
import { TraceTable } from '../latency/trace';

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
const trace = d.trace ? TraceTable.attach(d.trace) : null;
const spins = d.spins ?? 2000;
parentPort!.postMessage({ type: 'ready', pointers, engine: engine.ptr });

const stepper = new EngineStepper(core, engine, market, signal, trace);
while (Atomics.load(stop, 0) === 0) {
  if (stepper.step() === 0) market.wait(spins, 20);
}
parentPort!.postMessage({ type: 'stopped', latency: stepper.latency.summary(), badRecords: engine.badRecords });
