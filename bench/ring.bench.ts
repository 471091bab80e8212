// `ringbook bench ring`: 64-byte records from a producer worker to a consumer worker, batch 1 and 64, for the
// ringbook ring (loop inside wasm, and driven from JavaScript), a plain JS SharedArrayBuffer ring, ringbuf.js and
// MessagePort. Two threads spinning on two shared cores measure the scheduler as much as the ring, so the method
// is built for ratios: see RING_METHOD.
import { Worker, MessageChannel } from 'node:worker_threads';
import { compileCore, createMemory, instantiateCore, formatMemory, ringOffsets } from '../src/core/index';
import { jsRingStorage } from './peers/jsring';
import { loadavg, cpus } from 'node:os';
import { Results, median, spread, ratioLines, type Spread } from './stats';
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
  alone = false,
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
  if (alone) {
    const worker = new Worker(url, { workerData: { ...base, role: 'alone', slot: 1 } satisfies RingJob });
    await once(worker, 'ready');
    const finished = once(worker, 'done');
    Atomics.store(new Int32Array(control), 0, 1);
    Atomics.notify(new Int32Array(control), 0);
    const r = await finished;
    await worker.terminate();
    return { mps: n / (r.aloneMs / 1000) / 1e6, errors: r.errors };
  }
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

/** How the figures are made, printed under the table (docs/design.md §3 says why the JS path costs what it does). */
export const RING_METHOD = [
  'method: every run starts fresh workers. Two threads: the consumer is timed from the go signal to its last',
  'record. Per round and batch size, the JS-driven ringbook ring and the plain JS ring run twice side by side,',
  'in opposite orders (A B … B A), the other contenders between the two pairs; each pair gives one ratio, and',
  'the ratio printed is the median of those pairs (spread: quartiles and extremes); the other ratios are',
  'medians of per-round ratios. On a busy 2-core host two spinning threads mostly wait for the scheduler, so',
  'rates swing with the load average (printed). "same thread" runs a producer batch and a consumer batch in',
  "turn in one worker, timed on that thread's CPU clock: the code's own cost per record, in pairs likewise.",
];

export interface RingBench {
  results: Results;
  errors: number;
  ratios: Record<string, number>;
  /** The side-by-side pairs' ratios (JS-driven ringbook ring over the plain JS ring), per batch size. */
  pairs: Record<string, Spread>;
  load: { before: number[]; after: number[] };
  /** Peers that could not run here, with why (their rows are absent and their ratios NaN). */
  missing: string[];
}

/** ringbuf.js is a devDependency: an install without dev dependencies runs the rest and says what is missing. */
async function ringbufAvailable(): Promise<boolean> {
  return import('ringbuf.js').then(
    () => true,
    () => false,
  );
}

export async function benchRing(opts: RingBenchOptions): Promise<RingBench> {
  const module = await compileCore();
  const results = new Results();
  const ringbuf = await ringbufAvailable();
  const others: Contender[] = ringbuf ? ['wasm', 'ringbuf', 'port'] : ['wasm', 'port'];
  const missing = ringbuf
    ? []
    : ['ringbuf.js is not installed (a devDependency: npm ci without --omit=dev), so its rows and ratios are missing'];
  const scale = opts.quick ? 0.05 : 1;
  const count = (kind: Contender, batch: number) =>
    Math.round((kind === 'port' ? (batch === 1 ? 300_000 : 3_000_000) : 10_000_000) * scale);
  let errors = 0;
  const before = loadavg();
  const run = async (kind: Contender, batch: number): Promise<number> => {
    const r = await runOnce(kind, batch, count(kind, batch), { module });
    errors += r.errors;
    results.add(`${kind}_b${batch}_mps`, `${LABELS[kind]}, batch ${batch}`, 'M rec/s', r.mps);
    return r.mps;
  };
  const runAlone = async (kind: 'wasm-js' | 'js', batch: number): Promise<number> => {
    const r = await runOnce(kind, batch, count(kind, batch), { module }, true);
    errors += r.errors;
    results.add(`${kind}_same_thread_b${batch}_mps`, `${LABELS[kind]}, batch ${batch}, same thread`, 'M rec/s', r.mps);
    return r.mps;
  };
  // A pair runs the two rings back to back, so a busy neighbour slows both sides of its ratio alike; the order
  // alternates so neither always runs first (on a fresh JIT, or right after a contender that heated the caches).
  const pairRatios: Record<string, number[]> = {};
  const pair = async (key: string, ours: () => Promise<number>, plain: () => Promise<number>, oursFirst: boolean) => {
    let a: number;
    let b: number;
    if (oursFirst) {
      a = await ours();
      b = await plain();
    } else {
      b = await plain();
      a = await ours();
    }
    (pairRatios[key] ??= []).push(a / b);
    return [a, b];
  };
  const perRound: Record<string, number>[] = [];
  for (let round = 0; round < opts.rounds; round++) {
    const got: Record<string, number> = {};
    for (const batch of [1, 64]) {
      const threads = (oursFirst: boolean) =>
        pair(
          `b${batch}`,
          () => run('wasm-js', batch),
          () => run('js', batch),
          oursFirst,
        );
      const [a1, j1] = await threads(round % 2 === 0);
      for (const kind of others) got[`${kind}_b${batch}`] = await run(kind, batch);
      const [a2, j2] = await threads(round % 2 === 1);
      got[`wasm-js_b${batch}`] = (a1 + a2) / 2;
      got[`js_b${batch}`] = (j1 + j2) / 2;
      for (const oursFirst of [round % 2 === 0, round % 2 === 1])
        await pair(
          `same_thread_b${batch}`,
          () => runAlone('wasm-js', batch),
          () => runAlone('js', batch),
          oursFirst,
        );
    }
    perRound.push(got);
  }
  const ratios: Record<string, number> = {};
  const pairs: Record<string, Spread> = {};
  for (const batch of [1, 64]) {
    const m = (a: Contender, b: Contender) =>
      others.includes(b) || b === 'js' ? median(perRound.map((r) => r[`${a}_b${batch}`] / r[`${b}_b${batch}`])) : NaN;
    ratios[`wasm_over_ringbuf_b${batch}`] = m('wasm', 'ringbuf');
    ratios[`wasm_over_plain_js_b${batch}`] = m('wasm', 'js');
    ratios[`wasm_js_over_ringbuf_b${batch}`] = m('wasm-js', 'ringbuf');
    pairs[`wasm_js_over_plain_js_b${batch}`] = spread(pairRatios[`b${batch}`]);
    ratios[`wasm_js_over_plain_js_b${batch}`] = pairs[`wasm_js_over_plain_js_b${batch}`].median;
    pairs[`wasm_js_over_plain_js_same_thread_b${batch}`] = spread(pairRatios[`same_thread_b${batch}`]);
    ratios[`wasm_js_over_plain_js_same_thread_b${batch}`] = pairs[`wasm_js_over_plain_js_same_thread_b${batch}`].median;
    ratios[`wasm_over_postmessage_b${batch}`] = m('wasm', 'port');
  }
  return { results, errors, ratios, pairs, load: { before, after: loadavg() }, missing };
}

/** The ratio lines (with the pairs' spread), the load average and the method, as printed under the table. */
export function ringReport(r: RingBench): string {
  const lines = ratioLines(r.ratios, r.pairs);
  for (const m of r.missing) lines.push(`  missing peer: ${m}`);
  const load = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' ');
  lines.push(`  load average (1, 5, 15 min): ${load(r.load.before)} before, ${load(r.load.after)} after, on ${cpus().length} CPUs`);
  for (const l of RING_METHOD) lines.push(`  ${l}`);
  return lines.join('\n');
}
