// A strategy handler that never returns, live: the session's thread is stuck for good, so the hang watchdog's thread
// cancels the session's orders and closes its position at the venue, says so, and ends the process. The venue here is
// the local exchange in the test's process, as a user's would be another machine's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startExchange } from '../../src/exchange/index';
import { strategyDir } from '../helpers/strategy-dir';
import { assertVenueFlat, liveSession } from '../helpers/live-session';

const { dir, remove } = strategyDir('hangs.ts');

test('a hung handler: the watchdog cancels, flattens and ends the session', async () => {
  const ex = await startExchange({ seed: 5 });
  try {
    const child = liveSession(ex, ['--strategy', 'hangs.ts', '--hung-after', '2s', '--threads', 'single'], { cwd: dir });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.stdout!.resume();
    const [code, signal] = await new Promise<[number | null, string | null]>((done) => child.on('exit', (c, s) => done([c, s])));
    assert.is(signal, 'SIGKILL', `ended by the watchdog (code ${code}): ${stderr}`);
    assert.match(
      stderr,
      /HUNG: the session's thread has not come back for 2(\.\d+)? s: onBook of strategy hangs does not return \(an endless loop in onBook\?\)/,
    );
    assert.match(stderr, /HUNG: BTCUSDT: orders cancelled, position closed; no order of ours is open at the venue/);
    assert.match(stderr, /HUNG: ending the process \(exit code 137\)/);
    await assertVenueFlat(ex);
  } finally {
    await ex.close();
  }
});

test.after(remove);

test.run();
