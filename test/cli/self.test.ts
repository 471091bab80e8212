// A printed "next:" command works when pasted: as the user ran ringbook.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfArgv, selfCommand } from '../../src/cli/self';

test('node build/ringbook.mjs from a clone, npx ringbook through npx, ringbook after npm link', () => {
  assert.is(selfCommand('/src/ringbook/build/ringbook.mjs', '/src/ringbook', {}), 'node build/ringbook.mjs');
  assert.is(selfCommand('/src/ringbook/build/ringbook.mjs', '/tmp', {}), 'node /src/ringbook/build/ringbook.mjs');
  assert.is(selfCommand('/src/my ringbook/build/ringbook.mjs', '/tmp', {}), "node '/src/my ringbook/build/ringbook.mjs'");
  assert.is(selfCommand('/src/ringbook/node_modules/.bin/ringbook', '/src/ringbook', { npm_command: 'exec' }), 'npx ringbook');
  assert.is(selfCommand('/usr/local/bin/ringbook', '/tmp', {}), 'ringbook');
});

test('a file that runs ringbook later runs the script itself, through a bin link too: never npx, which could fetch another package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ringbook-self-'));
  try {
    const script = join(dir, 'ringbook', 'build', 'ringbook.mjs');
    mkdirSync(join(dir, 'ringbook', 'build'), { recursive: true });
    writeFileSync(script, '');
    mkdirSync(join(dir, 'bin'));
    symlinkSync(script, join(dir, 'bin', 'ringbook'));
    assert.equal(selfArgv(join(dir, 'bin', 'ringbook'), '/'), ['node', script]);
    assert.equal(selfArgv('ringbook/build/ringbook.mjs', dir), ['node', script]);
    assert.equal(selfArgv('/nowhere/bin/ringbook', '/'), ['ringbook']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
