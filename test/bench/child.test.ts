// A benchmark's child process that fails is named in one error: the script and its arguments, how it ended, and the
// end of its stderr (where the stack says what threw), instead of a bare "Command failed" or a JSON parse error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScript } from '../../bench/stats';

const dir = mkdtempSync(join(tmpdir(), 'ringbook-bench-child-test-'));
const script = (name: string, body: string) => {
  const p = join(dir, name);
  writeFileSync(p, body);
  return p;
};

test('the JSON the child prints last is the result', () => {
  const ok = script('ok.mjs', 'console.log("progress"); console.log(JSON.stringify({ events: 3, args: process.argv.slice(2) }));');
  assert.equal(runScript(ok, ['a', 'b']), { events: 3, args: ['a', 'b'] });
});

test('a non-zero exit names the child, its arguments, the code and the end of its stderr', () => {
  const bad = script(
    'bad.mjs',
    'for (let i = 0; i < 30; i++) console.error(`line ${i}`); console.error("Error: no recording in /x"); process.exit(3);',
  );
  let m = '';
  try {
    runScript(bad, ['/x', 'core']);
  } catch (e) {
    m = (e as Error).message;
  }
  assert.match(m, /^the child process `bad\.mjs \/x core` exited with code 3; the end of its stderr:\n    …\n/);
  assert.match(m, /    Error: no recording in \/x$/);
  assert.not.match(m, /line 5\n/, 'only the end of a long stderr');
});

test('a child killed by a signal, or one that prints no JSON, says so', () => {
  const killed = script('killed.mjs', 'process.kill(process.pid, "SIGKILL");');
  assert.throws(() => runScript(killed, []), /^the child process `killed\.mjs` was killed by SIGKILL \(no stderr\)$/);
  const silent = script('silent.mjs', 'console.log("done");');
  assert.throws(() => runScript(silent, []), /^the child process `silent\.mjs` exited 0 but its last line is not the JSON result: "done"/);
});

test.run();
