// One side (producer or consumer) of a ring benchmark run, in its own worker thread. Every contender moves the
// same 64-byte records (8 fields derived from a sequence number) and the consumer checks every field.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { RingBuffer } from 'ringbuf.js';
import { instantiateCore, Ring } from '../src/core/index';
import { JsRing } from './peers/jsring';

export type Contender = 'wasm' | 'wasm-js' | 'js' | 'ringbuf' | 'port';

export interface RingJob {
  kind: Contender;
  role: 'producer' | 'consumer';
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
    if (role === 'producer') {
      return () => {
        for (let seq = 0; seq < n;) {
          const k = ring.writable(Math.min(batch, n - seq));
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
          seq += k;
        }
        return 0;
      };
    }
    return () => {
      let errors = 0;
      for (let seq = 0; seq < n;) {
        const k = ring.readable(Math.min(batch, n - seq));
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
            errors++;
        }
        if (k > 0) ring.release(k);
        seq += k;
      }
      return errors;
    };
  }
  if (kind === 'js') {
    const ring = new JsRing(job.sab!, job.capacity!);
    if (role === 'producer')
      return () => {
        for (let seq = 0; seq < n;) seq += ring.produce(seq, Math.min(batch, n - seq));
        return 0;
      };
    return () => {
      const errors = { n: 0 };
      for (let seq = 0; seq < n;) seq += ring.consume(seq, Math.min(batch, n - seq), errors);
      return errors.n;
    };
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
parentPort!.postMessage({ done: true, end: now(), errors });
