// A producer or consumer for test/core/ring.workers.test.ts: moves 64-byte records through the core's ring with
// seeded batch sizes; the consumer checks the sequence and every payload word of every record.
import { parentPort, workerData } from 'node:worker_threads';
import { instantiateCore, Ring, parseDecimal } from '../../src/core/index';

const { role, module, memory, ringOffset, n, seed, slot } = workerData as {
  role: 'producer' | 'consumer' | 'bystander';
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ringOffset: number;
  n: number;
  seed: number;
  slot: number;
};

let s = seed >>> 0;
const rand = (k: number) => {
  s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
  return s % k;
};
const word = (seq: number, w: number) => (Math.imul(seq, 0x9e3779b1) + w * 0x85ebca6b) | 0;

const core = await instantiateCore(module, memory, { slot });
const words = core.words;

if (role === 'bystander') {
  // Another thread starting up while the engine holds a book: instantiating rewrites the module's static data, and
  // the instance then works in its own scratch slot and globals only (it never allocates: docs/design.md §2).
  let sum = 0n;
  for (let i = 0; i < 1000; i++) sum += parseDecimal(core, `${i}.25`, 2).value;
  parentPort!.postMessage({ done: true, sum: String(sum) });
} else {
  const ring = new Ring(core, ringOffset);
  let errors = 0;
  let waits = 0;
  for (let seq = 0; seq < n;) {
    const want = 1 + (rand(4) === 0 ? rand(200) : rand(8));
    if (role === 'producer') {
      const k = ring.writable(Math.min(want, n - seq));
      const head = ring.head;
      for (let j = 0; j < k; j++) {
        const w = ring.slot(head + j) >> 2;
        words[w] = seq + j;
        words[w + 1] = 0;
        for (let f = 2; f < 16; f++) words[w + f] = word(seq + j, f);
      }
      if (k > 0) ring.publish(k);
      seq += k;
    } else {
      let k = ring.readable(Math.min(want, n - seq));
      if (k === 0 && rand(64) === 0) {
        waits++;
        ring.wait(50, 50); // spin a little, then sleep on the head until the producer publishes
        k = ring.readable(Math.min(want, n - seq));
      }
      const tail = ring.tail;
      for (let j = 0; j < k; j++) {
        const w = ring.slot(tail + j) >> 2;
        let bad = words[w] !== seq + j || words[w + 1] !== 0;
        for (let f = 2; f < 16 && !bad; f++) bad = words[w + f] !== word(seq + j, f);
        if (bad) errors++;
      }
      if (k > 0) ring.release(k);
      seq += k;
    }
  }
  parentPort!.postMessage({ done: true, errors, waits });
}
