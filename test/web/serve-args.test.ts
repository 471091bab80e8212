// `ringbook serve DIR`: the recording directory as backtest and inspect take it, or as --data DIR; both at once is
// refused rather than one silently winning.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseServeArgs } from '../../src/cli/serve';

const dir = mkdtempSync(join(tmpdir(), 'ringbook-serve-args-'));

test('serve DIR is serve --data DIR', () => {
  assert.is(parseServeArgs([dir])!.dataRoot, resolve(dir));
  assert.is(parseServeArgs(['--data', dir])!.dataRoot, resolve(dir));
  assert.is(parseServeArgs([dir, '--port', '0'])!.port, 0);
  assert.is(parseServeArgs([])!.dataRoot, resolve('data'), 'data/ by default');
});

test('a directory given twice, or two directories, is refused', () => {
  assert.throws(() => parseServeArgs([dir, '--data', dir]), /give the recording directory once/);
  assert.throws(() => parseServeArgs([dir, dir]), /unexpected argument .*takes one recording directory/);
});

test.run();
