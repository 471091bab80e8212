// The loader: a user's file bundled with 'ringbook' as its only import; non-deterministic code refused at load with
// the file, the line and what to use instead; the bundle's sha256 independent of where the file sits; the same bundle
// text loads and decides alike in a worker thread; and globals the static check could miss are shadowed when it runs.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bundleStrategy, coreHash, loadStrategy, StrategyLoadError } from '../../src/strategy/loader';
import { loadBundle, type StrategyBundle } from '../../src/strategy/sandbox';
import { ObiOfiHarness, T0, MS, signalAt } from '../helpers/obi-ofi';

const FIX = join(process.cwd(), 'test/fixtures/strategies');

async function rejects(fn: () => Promise<unknown>, re: RegExp): Promise<void> {
  try {
    await fn();
  } catch (e) {
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable(`expected an error matching ${re}`);
}

async function refusal(file: string): Promise<string> {
  try {
    await loadStrategy(join(FIX, file));
  } catch (e) {
    assert.instance(e, StrategyLoadError);
    return (e as Error).message;
  }
  assert.unreachable(`${file} was not refused`);
  return '';
}

test('the wall clock, Math.random, fetch, node:fs, timers and packages are refused at load, with file:line and what to use', async () => {
  assert.match(
    await refusal('uses-date.ts'),
    /uses-date\.ts:10:13: Date is not available in a strategy: the wall clock makes runs differ: use ctx\.now/,
  );
  assert.match(
    await refusal('uses-random.ts'),
    /uses-random\.ts:8:24: Math\.random is not available in a strategy: randomness makes runs differ: use ctx\.random\(\)/,
  );
  assert.match(await refusal('uses-fetch.ts'), /uses-fetch\.ts:10:14: fetch is not available in a strategy: a strategy does no I\/O/);
  assert.match(await refusal('uses-fs.ts'), /uses-fs\.ts:2:30: node built-ins are not available in a strategy \(node:fs\)/);
  assert.match(await refusal('uses-timers.ts'), /uses-timers\.ts:\d+:\d+: setTimeout is not available in a strategy: .*use ctx\.setTimer/);
  assert.match(
    await refusal('uses-package.js'),
    /uses-package\.js:\d+:\d+: a strategy imports only 'ringbook' and its own files \(relative paths\), not the package "simple-statistics"/,
  );
});

test('a file that is not a strategy, or not there, says so', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ringbook-loader-'));
  writeFileSync(join(dir, 'plain.ts'), 'export const x = 1;\n');
  await rejects(() => loadStrategy(join(dir, 'plain.ts')), /the default export is not a strategy: write `export default defineStrategy/);
  writeFileSync(
    join(dir, 'Bad.ts'),
    "import { defineStrategy } from 'ringbook';\nexport default defineStrategy({ name: 'Bad Name', params: {}, create: () => ({}) });\n",
  );
  await rejects(() => loadStrategy(join(dir, 'Bad.ts')), /strategy name "Bad Name" must be lower-case words and dashes/);
  writeFileSync(join(dir, 'syntax.ts'), 'export default {\n');
  await rejects(() => loadStrategy(join(dir, 'syntax.ts')), /syntax\.ts:2:0?\d*: /);
  await rejects(() => loadStrategy('obi-of'), /no built-in strategy "obi-of" \(did you mean obi-ofi\?\)/);
  await rejects(() => loadStrategy(join(dir, 'none.ts')), /none\.ts: no such file/);
  // a name beside a file of that name: the file was meant
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    await rejects(
      () => loadStrategy('syntax'),
      /no built-in strategy "syntax" \(did you mean the file syntax\.ts\? --strategy syntax\.ts\)/,
    );
  } finally {
    process.chdir(cwd);
  }
});

test("a bundle's sha256 is its code's: the same files elsewhere hash the same, a changed line does not", async () => {
  const builtin = await loadStrategy('obi-ofi');
  assert.match(builtin.bundle!.hash, /^[0-9a-f]{64}$/);
  assert.is(builtin.bundle!.source, 'builtin:obi-ofi');
  const copy = mkdtempSync(join(tmpdir(), 'ringbook-copy-'));
  cpSync(join(process.cwd(), 'src/strategy/builtins/obi-ofi'), copy, { recursive: true });
  const copied = await bundleStrategy(join(copy, 'index.ts'));
  assert.is(copied.hash, builtin.bundle!.hash, 'a copy of obi-ofi is obi-ofi');
  // (an export nothing uses is not code that runs: the bundle leaves it out, and so does the hash)
  writeFileSync(join(copy, 'params.ts'), readFileSync(join(copy, 'params.ts'), 'utf8').replace('θ_in: enter long', 'θ_in: go long'));
  assert.is.not((await bundleStrategy(join(copy, 'index.ts'))).hash, builtin.bundle!.hash);
  assert.match(coreHash() ?? '', /^[0-9a-f]{64}$/);
});

test('the same bundle text loads in a worker thread and decides exactly as on the main thread', async () => {
  const s = await loadStrategy('signal-taker');
  const sets = ['signal=l1', 'threshold=0.4', 'confirm=2', 'maxSpreadTicks=5'];
  const main: string[] = [];
  const h = new ObiOfiHarness({ definition: s.definition, sets });
  for (let i = 0; i < 50; i++) {
    const localTs = T0 + BigInt(i * 40) * MS;
    const l1 = Math.sin(i / 3);
    for (const a of h.handle(signalAt(localTs, { l1, obiN: l1, ofiNorm: l1, z: l1 }))) main.push(JSON.stringify(a));
  }
  assert.ok(main.length >= 1, `signal-taker traded (${main.length} actions)`);
  const got = await new Promise<{ name: string; actions: string[] }>((resolve, reject) => {
    const w = new Worker(new URL('./bundle.worker.mjs', import.meta.url), { workerData: { bundle: s.bundle, sets } });
    w.once('message', resolve);
    w.once('error', reject);
  });
  assert.is(got.name, 'signal-taker');
  assert.equal(got.actions, main);
});

test('globals the static check could miss are shadowed when the bundle runs: the refusal is the error', () => {
  const sneaky: StrategyBundle = {
    text: "var __strategy = { default: { name: 'sneaky', params: {}, create: () => ({ onStart() { const g = [Date][0]; g.now(); }, onBook() { Math.random(); } }) } };\n",
    hash: 'test',
    source: 'sneaky.js',
  };
  const s = loadBundle(sneaky);
  const h = s.definition.create({} as never) as { onStart(): void; onBook(): void };
  assert.throws(() => h.onStart(), /Date is not available in a strategy: the wall clock makes runs differ/);
  assert.throws(() => h.onBook(), /Math\.random is not available in a strategy/);
});

test('the Function constructor reached through a prototype is refused to strategy code, and left alone for ours', () => {
  const sneaky: StrategyBundle = {
    text:
      "var __strategy = { default: { name: 'sneaky', params: {}, create: () => ({\n" +
      "  onStart() { return [].constructor.constructor('return Da' + 'te.now()')(); },\n" +
      "  onBook() { return (async () => {}).constructor('return 1'); },\n" +
      "  onTrade() { return Object.getPrototypeOf(function* () {}).constructor('yield 1'); },\n" +
      '  onTimer() { return (function () { return this; })(); },\n' +
      '}) } };\n',
    hash: 'test',
    source: 'sneaky.js',
  };
  const s = loadBundle(sneaky);
  const h = s.definition.create({} as never) as Record<'onStart' | 'onBook' | 'onTrade' | 'onTimer', () => unknown>;
  assert.throws(() => h.onStart(), /Function is not available in a strategy: code generation is not allowed in a strategy/);
  assert.throws(() => h.onBook(), /Function is not available in a strategy/);
  assert.throws(() => h.onTrade(), /Function is not available in a strategy/);
  assert.is(h.onTimer(), undefined, 'strict, as the module was: a plain function’s this is not the global object');
  // ringbook's own code: the real constructors, the same identity as before
  assert.is([].constructor.constructor, Function);
  assert.is((() => 1).constructor, Function);
  assert.is(new ([].constructor.constructor as FunctionConstructor)('return 2')(), 2);
  assert.is(Object.getPrototypeOf(async () => {}).constructor.name, 'AsyncFunction');
  function F() {}
  (F as unknown as { constructor: unknown }).constructor = 5;
  assert.is((F as unknown as { constructor: unknown }).constructor, 5, 'an assignment still shadows it on that function');
});

test.run();
