// `ringbook bench ring`: 64-byte records from a producer worker to a consumer worker, batch 1 and 64, for the
// ringbook ring (loop inside wasm, and driven from JavaScript), a plain JS SharedArrayBuffer ring, ringbuf.js and
// MessagePort. Rounds are interleaved so machine noise hits every contender alike; medians are reported, and each
// ratio is the median of the per-round ratios.
import { Worker, MessageChannel } from 'node:worker_threads';
import { compileCore, createMemory, instantiateCore, formatMemory, ringOffsets } from '../src/core/index';
import { jsRingStorage } from './peers/jsring';
import { Results, median } from './stats';
import type { Contender, RingJob } from './ring.worker';

const CAPACITY = 8192; // records, every ring alike (512 KiB of 64-byte records)

const LABELS: Record<Contender, string> = {
  wasm: 'ringbook ring, loop in wasm',
  'wasm-js': 'ringbook ring, driven from JS',
  js: 'plain JS SAB + Atomics ring',
  ringbuf: 'ringbuf.js 0.4.0 (Float64Array, 8 per record)',
  port: 'MessagePort.postMessage (transferred)',
};

function once(worker: Worker, key: 'ready' | 'done'): Promise<any> {
  return new Promise((resolve, reject) => {
    const onMsg = (m: any) => {
      if (m[key]) {
        worker.off('message', onMsg);
        resolve(m);
      }
    };
    worker.on('message', onMsg);
    worker.once('error', reject);
  });
}

async function runOnce(
  kind: Contender,
  batch: number,
  n: number,
  shared: { module: WebAssembly.Module },
): Promise<{ mps: number; errors: number }> {
  const control = new SharedArrayBuffer(64);
  const base: Omit<RingJob, 'role'> = { kind, n, batch, control };
  const transfers: [any[], any[]] = [[], []];
  if (kind === 'wasm' || kind === 'wasm-js') {
    const memory = createMemory();
    const core = await instantiateCore(shared.module, memory, { slot: 0 });
    formatMemory(core, [{ name: 'market', capLog2: Math.log2(CAPACITY), recShift: 6 }]);
    Object.assign(base, { module: shared.module, memory, ringOffset: ringOffsets([{ name: 'market', capLog2: 13, recShift: 6 }]).market });
  } else if (kind === 'js') {
    Object.assign(base, { sab: jsRingStorage(CAPACITY), capacity: CAPACITY });
  } else if (kind === 'ringbuf') {
    // a peer for the benchmark only (a devDependency): loaded here so the CLI starts without it (npm ci --omit=dev)
    const { RingBuffer } = await import('ringbuf.js').catch(() => {
      throw new Error('bench ring compares against ringbuf.js, a devDependency: install with npm ci (not --omit=dev) to run it');
    });
    Object.assign(base, { sab: RingBuffer.getStorageForCapacity(CAPACITY * 8, Float64Array) });
  }
  let producerJob: RingJob = { ...base, role: 'producer', slot: 1 };
  let consumerJob: RingJob = { ...base, role: 'consumer', slot: 2 };
  if (kind === 'port') {
    const { port1, port2 } = new MessageChannel();
    producerJob = { ...producerJob, port: port1 };
    consumerJob = { ...consumerJob, port: port2 };
    transfers[0].push(port1);
    transfers[1].push(port2);
  }
  const url = new URL('./bench/ring.worker.mjs', import.meta.url);
  const producer = new Worker(url, { workerData: producerJob, transferList: transfers[0] });
  const consumer = new Worker(url, { workerData: consumerJob, transferList: transfers[1] });
  await Promise.all([once(producer, 'ready'), once(consumer, 'ready')]);
  const done = Promise.all([once(producer, 'done'), once(consumer, 'done')]);
  const c = new Int32Array(control);
  const start = performance.timeOrigin + performance.now();
  Atomics.store(c, 0, 1);
  Atomics.notify(c, 0);
  const [, cons] = await done;
  await Promise.all([producer.terminate(), consumer.terminate()]);
  return { mps: n / ((cons.end - start) / 1000) / 1e6, errors: cons.errors };
}

export interface RingBenchOptions {
  rounds: number;
  quick: boolean;
}

export async function benchRing(opts: RingBenchOptions): Promise<{ results: Results; errors: number; ratios: Record<string, number> }> {
  const module = await compileCore();
  const results = new Results();
  const kinds: Contender[] = ['wasm', 'wasm-js', 'js', 'ringbuf', 'port'];
  const scale = opts.quick ? 0.05 : 1;
  const count = (kind: Contender, batch: number) =>
    Math.round((kind === 'port' ? (batch === 1 ? 300_000 : 3_000_000) : 10_000_000) * scale);
  let errors = 0;
  // per round, each contender's rate: a ratio is the median of the rounds' ratios, so the two rates it divides were
  // measured seconds apart (a busy neighbour slows a round, not one side of a ratio)
  const perRound: Record<string, number>[] = [];
  for (let round = 0; round < opts.rounds; round++) {
    const got: Record<string, number> = {};
    for (const batch of [1, 64]) {
      for (const kind of kinds) {
        const r = await runOnce(kind, batch, count(kind, batch), { module });
        errors += r.errors;
        got[`${kind}_b${batch}`] = r.mps;
        results.add(`${kind}_b${batch}_mps`, `${LABELS[kind]}, batch ${batch}`, 'M rec/s', r.mps);
      }
    }
    perRound.push(got);
  }
  const ratios: Record<string, number> = {};
  for (const batch of [1, 64]) {
    const m = (a: Contender, b: Contender) => median(perRound.map((r) => r[`${a}_b${batch}`] / r[`${b}_b${batch}`]));
    ratios[`wasm_over_ringbuf_b${batch}`] = m('wasm', 'ringbuf');
    ratios[`wasm_over_plain_js_b${batch}`] = m('wasm', 'js');
    ratios[`wasm_js_over_ringbuf_b${batch}`] = m('wasm-js', 'ringbuf');
    ratios[`wasm_js_over_plain_js_b${batch}`] = m('wasm-js', 'js');
    ratios[`wasm_over_postmessage_b${batch}`] = m('wasm', 'port');
  }
  return { results, errors, ratios };
}
