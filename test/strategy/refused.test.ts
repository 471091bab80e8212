// What runs later than the handler that started it is refused where it is written: an async handler or helper (its
// code after an await would run after the handler returned, at another moment in a replay than live, and a throw there
// would escape the halt and end the process) at load with its line, and at start when a bundle skipped that check;
// Promise, Intl (the host's locale, time zone and clock), Buffer (Node's: the page has none) and the garbage
// collector's hooks like the wall clock.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bundleStrategy, StrategyLoadError } from '../../src/strategy/loader';
import { loadBundle } from '../../src/strategy/sandbox';
import { trackHandlers } from '../../src/strategy/handler-cell';
import { Run } from '../helpers/scripted';

/** The message `source` (the body of a strategy file) is refused with at load. */
async function refusedAtLoad(source: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'ringbook-mistakes-'));
  const file = join(dir, 'mine.ts');
  writeFileSync(file, source);
  try {
    await bundleStrategy(file);
  } catch (e) {
    assert.instance(e, StrategyLoadError);
    return (e as Error).message;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.unreachable('not refused');
  return '';
}

const strategy = (handlers: string, top = '') =>
  `import { defineStrategy } from 'ringbook';\n${top}\nexport default defineStrategy({\n  name: 'mine',\n  params: {},\n  create(ctx) {\n    return {\n${handlers}\n    };\n  },\n});\n`;

test('an async handler, an async helper and an async generator are refused at load, each with its line', async () => {
  const msg = await refusedAtLoad(
    strategy(
      '      async onBook(m) {\n        await work(m.book.midTick);\n        ctx.log("later");\n      },\n      onTrade: async function* () {},',
      'const work = async (x: number) => x;',
    ),
  );
  assert.match(
    msg,
    /mine\.ts:2:\d+: async functions are not available in a strategy: the code after an await runs after the handler returned/,
  );
  assert.match(msg, /mine\.ts:8:\d+: async functions are not available/);
  assert.match(msg, /mine\.ts:12:\d+: async functions are not available/);
  assert.match(msg, /do the work in the handler, synchronously/);
});

test('a file without async functions bundles as before: nothing of the async helpers is in it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ringbook-mistakes-'));
  const file = join(dir, 'plain.ts');
  writeFileSync(file, strategy('      onBook(m) {\n        ctx.log(String(m.book.midTick));\n      },'));
  try {
    const b = await bundleStrategy(file);
    assert.not.match(b.text, /__async|Promise|__await/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Promise, Intl, Buffer, WeakRef and FinalizationRegistry are refused at load, naming the line and why', async () => {
  const msg = await refusedAtLoad(
    strategy(
      [
        '      onBook(m) {',
        '        Promise.resolve().then(() => ctx.log("late"));',
        '        ctx.log(new Intl.DateTimeFormat().format());',
        '        ctx.log(Buffer.from("x").toString());',
        '        const r = new WeakRef(m);',
        '        new FinalizationRegistry(() => ctx.log(String(r)));',
        '      },',
      ].join('\n'),
    ),
  );
  assert.match(msg, /mine\.ts:9:9: Promise is not available in a strategy: deferred work runs after the handler returned/);
  assert.match(
    msg,
    /mine\.ts:10:21: Intl is not available in a strategy: it formats by the host's locale and time zone and reads the wall clock/,
  );
  assert.match(msg, /mine\.ts:11:17: Buffer is not available in a strategy: it is Node's, not the browser's/);
  assert.match(msg, /mine\.ts:12:23: WeakRef is not available in a strategy: garbage collection/);
  assert.match(msg, /mine\.ts:13:13: FinalizationRegistry is not available in a strategy: garbage collection/);
});

test('a bundle that skipped the static check: an async or generator handler is refused at start, naming it', () => {
  const s = loadBundle({
    text: "var __strategy = { default: { name: 'late', params: {}, create: () => ({ async onBook() {}, *onTimer() {}, onTrade() {} }) } };\n",
    hash: 'test',
    source: 'late.js',
  });
  assert.throws(
    () => new Run(s.definition),
    (e: Error) => {
      assert.match(
        e.message,
        /strategy late\b.*: the handlers create\(\) returned: onBook is an async function: async functions are not available/,
      );
      assert.match(e.message, /onTimer is a generator: its body runs only when iterated, never when the runtime calls it/);
      assert.not.match(e.message, /onTrade is/);
      return true;
    },
  );
  // the same through the wrapper a live session and the page put around the handlers
  assert.throws(() => new Run(trackHandlers(s.definition, new Int32Array(1))), /onBook is an async function/);
});

test.run();
