// One side (producer or consumer) of a ring benchmark run, in its own worker thread, or both sides in turn in one
// thread (`alone`). Every contender moves the same 64-byte records (8 fields derived from a sequence number) and the
// consumer checks every field.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { RingBuffer } from 'ringbuf.js';
import { instantiateCore, Ring } from '../src/core/index';
import { JsRing } from './peers/jsring';

export type Contender = 'wasm' | 'wasm-js' | 'js' | 'ringbuf' | 'port';

export interface RingJob {
  kind: Contender;
  /** alone: producer and consumer alternating in this one thread (wasm-js and js only) */
  role: 'producer' | 'consumer' | 'alone';
  n: number;
  batch: number;
  control: SharedArrayBuffer; // Int32 [0]: go flag
  module?: WebAssembly.Module;
  memory?: WebAssembly.Memory;
  ringOffset?: number;
  slot?: number;
  sab?: SharedArrayBuffer;
  capacity?: number;
  port?: MessagePort;
}

const job = workerData as RingJob;
const now = () => performance.timeOrigin + performance.now();

/** This thread's CPU time in ms (Linux: the scheduler's own count), or the wall clock where there is none. */
function threadClock(): () => number {
  try {
    readFileSync('/proc/thread-self/schedstat', 'utf8');
    return () => Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return () => performance.now();
  }
}

/**
 * The loop each role runs over a ring's produce/consume steps. `alone`: one thread alternates a producer's batch and
 * a consumer's batch, timed on its own CPU clock: what the code costs per record, with no second thread to wait for.
 */
function sides(
  produce: (seq: number, want: number) => number,
  consume: (seq: number, want: number, errors: { n: number }) => number,
): () => number {
  const { role, n, batch } = job;
  if (role === 'producer')
    return () => {
      for (let seq = 0; seq < n;) seq += produce(seq, Math.min(batch, n - seq));
      return 0;
    };
  if (role === 'consumer')
    return () => {
      const errors = { n: 0 };
      for (let seq = 0; seq < n;) seq += consume(seq, Math.min(batch, n - seq), errors);
      return errors.n;
    };
  return () => {
    const errors = { n: 0 };
    const clock = threadClock();
    const start = clock();
    for (let p = 0, c = 0; c < n;) {
      p += produce(p, Math.min(batch, n - p));
      c += consume(c, Math.min(batch, n - c), errors);
    }
    aloneMs = clock() - start;
    return errors.n;
  };
}
let aloneMs = 0;

async function setup(): Promise<() => Promise<number> | number> {
  const { kind, role, n, batch } = job;
  if (kind === 'wasm' || kind === 'wasm-js') {
    const core = await instantiateCore(job.module!, job.memory!, { slot: job.slot });
    const base = job.ringOffset!;
    if (kind === 'wasm') {
      return role === 'producer' ? () => (core.x.benchProduce(base, n, batch), 0) : () => core.x.benchConsume(base, n, batch);
    }
    const ring = new Ring(core, base);
    const f = ring.f64;
    // the plain JS ring's produce/consume (bench/peers/jsring.ts), written against the handle
    const produce = (seq: number, want: number): number => {
      const k = ring.writable(want);
      const head = ring.head;
      for (let j = 0; j < k; j++) {
        const at = ring.f64At(head + j);
        const s = seq + j;
        f[at] = s;
        f[at + 1] = s + 1;
        f[at + 2] = s + 2;
        f[at + 3] = s + 3;
        f[at + 4] = s + 4;
        f[at + 5] = s + 5;
        f[at + 6] = s + 6;
        f[at + 7] = s + 7;
      }
      if (k > 0) ring.publish(k);
      return k;
    };
    const consume = (seq: number, want: number, errors: { n: number }): number => {
      const k = ring.readable(want);
      const tail = ring.tail;
      for (let j = 0; j < k; j++) {
        const at = ring.f64At(tail + j);
        const s = seq + j;
        if (
          f[at] !== s ||
          f[at + 1] !== s + 1 ||
          f[at + 2] !== s + 2 ||
          f[at + 3] !== s + 3 ||
          f[at + 4] !== s + 4 ||
          f[at + 5] !== s + 5 ||
          f[at + 6] !== s + 6 ||
          f[at + 7] !== s + 7
        )
          errors.n++;
      }
      if (k > 0) ring.release(k);
      return k;
    };
    return sides(produce, consume);
  }
  if (kind === 'js') {
    const ring = new JsRing(job.sab!, job.capacity!);
    return sides(
      (seq, want) => ring.produce(seq, want),
      (seq, want, errors) => ring.consume(seq, want, errors),
    );
  }
  if (kind === 'ringbuf') {
    const rb = new RingBuffer(job.sab!, Float64Array);
    const buf = new Float64Array(8 * batch);
    if (role === 'producer') {
      return () => {
        for (let seq = 0; seq < n;) {
          const k = Math.min(batch, n - seq);
          for (let j = 0; j < k; j++) for (let f = 0; f < 8; f++) buf[j * 8 + f] = seq + j + f;
          // push may take part of the batch; capacity and every write are multiples of 8, so records stay whole
          let written = 0;
          while (written < k * 8) written += rb.push(buf.subarray(written, k * 8));
          seq += k;
        }
        return 0;
      };
    }
    return () => {
      let errors = 0;
      for (let seq = 0; seq < n;) {
        const got = rb.pop(buf, Math.min(batch, n - seq) * 8) >> 3;
        for (let j = 0; j < got; j++) {
          const s = seq + j;
          for (let f = 0; f < 8; f++)
            if (buf[j * 8 + f] !== s + f) {
              errors++;
              break;
            }
        }
        seq += got;
      }
      return errors;
    };
  }
  // MessagePort: the only option without shared memory. Unbounded: the producer floods, the time includes the drain.
  const port = job.port!;
  if (role === 'producer') {
    return () => {
      for (let seq = 0; seq < n; seq += batch) {
        const k = Math.min(batch, n - seq);
        const msg = new Float64Array(8 * k);
        for (let j = 0; j < k; j++) for (let f = 0; f < 8; f++) msg[j * 8 + f] = seq + j + f;
        port.postMessage(msg, [msg.buffer]);
      }
      return 0;
    };
  }
  return () =>
    new Promise<number>((resolve) => {
      let seq = 0;
      let errors = 0;
      port.on('message', (msg: Float64Array) => {
        const k = msg.length >> 3;
        for (let j = 0; j < k; j++)
          for (let f = 0; f < 8; f++)
            if (msg[j * 8 + f] !== seq + j + f) {
              errors++;
              break;
            }
        seq += k;
        if (seq >= n) {
          port.close();
          resolve(errors);
        }
      });
    });
}

const run = await setup();
const control = new Int32Array(job.control);
parentPort!.postMessage({ ready: true });
while (Atomics.load(control, 0) === 0) Atomics.wait(control, 0, 0, 1000);
const errors = await run();
parentPort!.postMessage({ done: true, end: now(), errors, aloneMs });
