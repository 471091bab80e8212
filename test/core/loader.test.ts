import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import {
  compileCore,
  createMemory,
  instantiateCore,
  CORE_FUNCTIONS,
  RESERVED_BYTES,
  RING_SPECS,
  ringOffsets,
  ringBytes,
  COUNTERS,
  COUNTER_COUNT,
  SCRATCH,
  SCRATCH_SLOT,
  SCRATCH_SLOTS,
  RINGS,
  counterOffset,
  scratchOffset,
} from '../../src/core/index';
import { WASM_PATH } from '../helpers/core';

test('every function the TypeScript side declares is exported by core.wasm, and nothing undeclared is', async () => {
  const module = await compileCore(WASM_PATH);
  const exported = WebAssembly.Module.exports(module)
    .filter((e) => e.kind === 'function')
    .map((e) => e.name)
    .sort();
  assert.equal(exported, [...CORE_FUNCTIONS].sort());
  const imports = WebAssembly.Module.imports(module)
    .map((i) => `${i.module}.${i.name}:${i.kind}`)
    .sort();
  assert.equal(imports, ['env.abort:function', 'env.memory:memory']);
});

test('the hand-placed region matches asconfig memoryBase and the core, and its parts do not overlap', async () => {
  const config = JSON.parse(readFileSync('asconfig.json', 'utf8'));
  assert.is(config.options.memoryBase, RESERVED_BYTES);
  const module = await compileCore(WASM_PATH);
  const core = await instantiateCore(module, createMemory());
  assert.is(core.x.reservedBytes(), RESERVED_BYTES);
  assert.ok(core.x.heapBase() >= RESERVED_BYTES, 'static data and heap start above the reserved region');
  assert.ok(COUNTERS + COUNTER_COUNT * 64 <= SCRATCH);
  assert.ok(SCRATCH + SCRATCH_SLOTS * SCRATCH_SLOT <= RINGS);
  const offsets = ringOffsets();
  let end = RINGS;
  for (const spec of RING_SPECS) {
    assert.ok(offsets[spec.name] >= end, spec.name);
    assert.is(offsets[spec.name] % 4096, 0);
    assert.is(core.x.ringBytes(spec.capLog2, spec.recShift), ringBytes(spec));
    end = offsets[spec.name] + ringBytes(spec);
  }
  assert.ok(end <= RESERVED_BYTES);
  assert.is(counterOffset(1) - counterOffset(0), 64, 'one cache line per counter');
  assert.throws(() => counterOffset(COUNTER_COUNT), /outside/);
  assert.throws(() => scratchOffset(16), /outside/);
});

test('memory limits are checked with a clear error', () => {
  assert.throws(() => createMemory(100), /need more than 512/);
  assert.throws(() => createMemory(20000), /at most 16384/);
  const m = createMemory(600);
  assert.ok(m.buffer instanceof SharedArrayBuffer);
});

test('the browser bundle is self-contained and runs the same core', async () => {
  const url = pathToFileURL(join(process.cwd(), 'build/web/core.js')).href;
  const web = await import(url);
  const { core } = await web.loadCore();
  const engine = new web.Engine(core, 1);
  const inst = engine.addInstrument(0, { priceScale: 2, sizeScale: 0 });
  inst.book.set(1, 3000096n, 5n, 2, 0);
  inst.book.set(2, 3000100n, 1n, 2, 0);
  assert.is(inst.book.formatTop(), '30000.96:5:30001.00:1');
});

test('a missing core.wasm says how to fix it', async () => {
  try {
    await compileCore('/nonexistent/core.wasm');
    assert.unreachable('should throw');
  } catch (err) {
    assert.match(String(err), /run `npm run build` first/);
  }
});

test.run();
