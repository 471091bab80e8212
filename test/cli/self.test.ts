// A printed "next:" command works when pasted: as the user ran ringbook.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { selfCommand } from '../../src/cli/self';

test('node build/ringbook.mjs from a clone, npx ringbook through npx, ringbook after npm link', () => {
  assert.is(selfCommand('/src/ringbook/build/ringbook.mjs', '/src/ringbook', {}), 'node build/ringbook.mjs');
  assert.is(selfCommand('/src/ringbook/build/ringbook.mjs', '/tmp', {}), 'node /src/ringbook/build/ringbook.mjs');
  assert.is(selfCommand('/src/my ringbook/build/ringbook.mjs', '/tmp', {}), "node '/src/my ringbook/build/ringbook.mjs'");
  assert.is(selfCommand('/src/ringbook/node_modules/.bin/ringbook', '/src/ringbook', { npm_command: 'exec' }), 'npx ringbook');
  assert.is(selfCommand('/usr/local/bin/ringbook', '/tmp', {}), 'ringbook');
});

test.run();
