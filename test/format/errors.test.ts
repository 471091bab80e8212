// What a caught value says in a message: an Error's message, with its cause when the message alone says nothing of it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:net';
import { errorText } from '../../src/format/errors';

test('a refused connection says so: "fetch failed (connect ECONNREFUSED …)", not "fetch failed"', async () => {
  // a port nothing listens on: one just closed
  const port = await new Promise<number>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => done(p));
    });
  });
  const err = await fetch(`http://127.0.0.1:${port}/`).then(
    () => null,
    (e: unknown) => e,
  );
  assert.match(errorText(err), new RegExp(`^fetch failed \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)$`));
});

test('anything else as before: a message, a cause already in it, a thrown string', () => {
  assert.is(errorText(new Error('bad row')), 'bad row');
  assert.is(errorText(new Error('read x: ENOSPC', { cause: new Error('ENOSPC') })), 'read x: ENOSPC');
  assert.is(errorText('plain'), 'plain');
});

test.run();
