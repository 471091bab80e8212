// How a trading session ends when its output or its terminal goes away: a closed stdout/stderr (`live … | head`)
// must not kill it (it runs its --duration and stops in order), and SIGHUP stops it as SIGTERM does: cancel all,
// flatten, the summary, exit 129. Either way the venue is left with no order of ours and no position. The venue is
// the local exchange in the test's process, as a user's would be another machine's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ChildProcess } from 'node:child_process';
import { startExchange, type Exchange } from '../../src/exchange/index';
import { assertVenueFlat, liveSession } from '../helpers/live-session';

/** The first status line with orders: the session is quoting (to a pipe, a line each second only with --status-every 1s). */
const TRADING = /^[A-Z_]+ +BTCUSDT pos .* orders [1-9]/m;

const session = (ex: Exchange, duration: string) =>
  liveSession(ex, ['--symbols', 'BTCUSDT,ETHUSDT', '--strategy', 'mm-glft', '--duration', duration, '--status-every', '1s']);

/** Resolves once the child's stderr shows `ready`, with what it printed so far. */
function seen(child: ChildProcess, ready: RegExp): Promise<string> {
  return new Promise((done) => {
    let err = '';
    child.stderr!.setEncoding('utf8');
    const on = (chunk: string) => {
      err += chunk;
      if (ready.test(err)) {
        child.stderr!.off('data', on);
        done(err);
      }
    };
    child.stderr!.on('data', on);
  });
}

const exited = (child: ChildProcess) => new Promise<[number | null, string | null]>((done) => child.on('exit', (c, s) => done([c, s])));

test('stdout and stderr closed mid-session (| head): the session runs its --duration and stops in order, exit 0', async () => {
  const ex = await startExchange({ seed: 7 });
  try {
    const child = session(ex, '3s');
    const end = exited(child);
    child.stdout!.resume();
    await seen(child, TRADING);
    // the reader goes away: every later write of the session's meets a closed pipe (EPIPE)
    child.stdout!.destroy();
    child.stderr!.destroy();
    const [code, signal] = await end;
    assert.equal([code, signal], [0, null], 'ran its --duration, not killed by its output');
    await assertVenueFlat(ex);
  } finally {
    await ex.close();
  }
});

test('SIGHUP: the same orderly stop as SIGTERM (cancel all, flatten, summary), exit 129', async () => {
  const ex = await startExchange({ seed: 7 });
  try {
    const child = session(ex, '5m');
    const end = exited(child);
    child.stdout!.resume();
    let err = await seen(child, TRADING);
    child.stderr!.on('data', (c: string) => (err += c));
    child.kill('SIGHUP');
    const [code, signal] = await end;
    assert.equal([code, signal], [129, null], err);
    assert.match(err, /\nstopping: cancelling all orders and flattening…\n/);
    assert.match(err, /\n {2}ended {9}interrupted by SIGHUP after [\d.]+ (ms|s) of its 5 min --duration \(exit 129\)\n/);
    await assertVenueFlat(ex);
  } finally {
    await ex.close();
  }
});

test.run();
