// `ringbook exchange` with a bad flag value: exit 2 and a message that ends with where the help is, as every
// command's usage errors, whichever check found it (the flag parser, --symbols, --funding-every).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const CLI = join(process.cwd(), 'build/ringbook.mjs');

test('bad values are usage errors: exit 2, "(see ringbook exchange --help)"', () => {
  for (const args of [
    ['--symbols', 'FOO'],
    ['--funding-every', '500ms'],
    ['--latency-ms', '250us'],
    ['--port', 'x'],
  ]) {
    const r = spawnSync(process.execPath, [CLI, 'exchange', ...args], { encoding: 'utf8', timeout: 30_000 });
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.trim(), /\(see ringbook exchange --help\)$/, args.join(' '));
  }
});

test.run();
