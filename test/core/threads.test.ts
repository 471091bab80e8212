import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Worker } from 'node:worker_threads';
import { compileCore, createMemory, instantiateCore, formatMemory, Engine, writeLevel, writeClear, REC_SIZE } from '../../src/core/index';
import { WASM_PATH } from '../helpers/core';

const workerUrl = new URL('./ring.worker.mjs', import.meta.url);

function run(workerData: object): Promise<any> {
  return new Promise((resolve, reject) => {
    const w = new Worker(workerUrl, { workerData });
    w.once('message', (m) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

test('two workers move 10 million 64-byte records through the ring: no record lost, duplicated, reordered or torn', async () => {
  const module = await compileCore(WASM_PATH);
  const memory = createMemory();
  const core = await instantiateCore(module, memory, { slot: 0 });
  formatMemory(core);
  const ringOffset = core.ringOffset('market');
  const n = 10_000_000;
  const [prod, cons] = await Promise.all([
    run({ role: 'producer', module, memory, ringOffset, n, seed: 1, slot: 1 }),
    run({ role: 'consumer', module, memory, ringOffset, n, seed: 2, slot: 2 }),
  ]);
  assert.ok(prod.done);
  assert.is(cons.errors, 0);
  assert.is(core.x.ringSize(ringOffset), 0);
  assert.is(core.x.ringHead(ringOffset) >>> 0, n);
});

test('the wasm-loop producer and consumer agree on 2 million records at batch 1 and at batch 64', async () => {
  const module = await compileCore(WASM_PATH);
  for (const batch of [1, 64]) {
    const memory = createMemory();
    const core = await instantiateCore(module, memory, { slot: 0 });
    formatMemory(core, [{ name: 'market', capLog2: 10, recShift: 6 }]);
    const ring = core.ringOffset('market');
    const src = `
      import { parentPort, workerData } from 'node:worker_threads';
      const { module, memory, ring, n, batch, role } = workerData;
      const { exports: x } = await WebAssembly.instantiate(module, { env: { memory, abort() { throw new Error('abort'); } } });
      parentPort.postMessage(role === 'p' ? (x.benchProduce(ring, n, batch), 0) : x.benchConsume(ring, n, batch));`;
    const url = new URL(`data:text/javascript,${encodeURIComponent(src)}`);
    const go = (role: string) =>
      new Promise<number>((resolve, reject) => {
        const w = new Worker(url, { workerData: { module, memory, ring, n: 2_000_000, batch, role } });
        w.once('message', (m) => {
          resolve(m);
          void w.terminate();
        });
        w.once('error', reject);
      });
    const [, errors] = await Promise.all([go('p'), go('c')]);
    assert.is(errors, 0, `batch ${batch}`);
  }
});

test('starting more instances of the module while the engine holds a book does not disturb that book', async () => {
  const module = await compileCore(WASM_PATH);
  const memory = createMemory();
  const core = await instantiateCore(module, memory, { slot: 0 });
  formatMemory(core);
  const engine = new Engine(core, 1);
  const inst = engine.addInstrument(0, { priceScale: 2, sizeScale: 3, levelsPerSide: 1024 });
  const staging = core.x.coreAlloc(1024 * REC_SIZE);
  writeClear(core, staging, 0, { reset: true });
  let n = 1;
  for (let i = 0; i < 300; i++) {
    writeLevel(core, staging + REC_SIZE * n++, { inst: 0, side: 1, price: 3000096 - i * 7, qty: 1000 + i, priceDec: 2, sizeDec: 3 });
    writeLevel(core, staging + REC_SIZE * n++, {
      inst: 0,
      side: 2,
      price: 3000100 + i * 3,
      qty: 2000 + i,
      priceDec: 2,
      sizeDec: 3,
      last: i === 299,
      localTs: 42n,
    });
  }
  engine.apply(staging, n);
  const before = {
    text: inst.book.formatTop(),
    checksum: inst.book.checksum(),
    depth: inst.book.depth(1),
    signal: inst.lastSignal(),
    counters: inst.counters(),
  };
  const bytesBefore = core.bytes.slice(core.x.heapBase(), core.x.heapBase() + (1 << 20));
  // a bystander worker and another instance on this thread both instantiate over the live memory
  const results = await Promise.all(
    [1, 2, 3].map((slot) => run({ role: 'bystander', module, memory, ringOffset: 0, n: 0, seed: 0, slot })),
  );
  for (const r of results) assert.is(r.sum, String(((1000n * 999n) / 2n) * 100n + 25n * 1000n));
  await instantiateCore(module, memory, { slot: 4 });
  assert.equal(core.bytes.slice(core.x.heapBase(), core.x.heapBase() + (1 << 20)), bytesBefore, 'heap bytes unchanged');
  assert.is(inst.book.formatTop(), before.text);
  assert.is(inst.book.checksum(), before.checksum);
  assert.is(inst.book.depth(1), 300);
  assert.equal(inst.lastSignal(), before.signal);
  assert.equal(inst.counters(), before.counters);
  // and the engine keeps working on the same book afterwards
  writeLevel(core, staging, { inst: 0, side: 1, price: 3000096, qty: 0, priceDec: 2, sizeDec: 3, last: true });
  engine.apply(staging, 1);
  assert.is(inst.book.bestBid, 3000096 - 7);
});

test('a sleeping consumer is woken by the publish that follows its announcement, not by its timeout', async () => {
  const module = await compileCore(WASM_PATH);
  const memory = createMemory();
  const core = await instantiateCore(module, memory, { slot: 0 });
  formatMemory(core);
  const ring = core.ringOffset('market');
  const src = `
    import { parentPort, workerData } from 'node:worker_threads';
    const { module, memory, ring } = workerData;
    const { exports: x } = await WebAssembly.instantiate(module, { env: { memory, abort() { throw new Error('abort'); } } });
    parentPort.postMessage(x.ringWait(ring, 0, 60_000_000_000n));`; // no spinning, sleep up to 60 s
  const url = new URL(`data:text/javascript,${encodeURIComponent(src)}`);
  const w = new Worker(url, { workerData: { module, memory, ring } });
  const result = new Promise<number>((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  const waiting = new Int32Array(memory.buffer as unknown as ArrayBuffer, ring + 128, 1);
  while (Atomics.load(waiting, 0) === 0) Atomics.wait(waiting, 0, 0, 5); // until the consumer announces its sleep
  core.x.ringPublish(ring, 1); // an empty slot is enough: the index is what wakes
  assert.is(await result, 1);
  await w.terminate();
  core.x.ringRelease(ring, 1);
});

test.run();
