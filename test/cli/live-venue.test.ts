// What a trading session does when the venue is not as it should be: unreachable at the stop (what may be left is said
// and the exit code is a failure), unreachable for a while (retries back off, the log says it once and counts the
// rest), refusing the keys (the command stops before trading), and a clean stop that monitoring must not read as a
// halt. The venue is the local exchange in the test's process, closed and reopened on the same port as an outage.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startExchange } from '../../src/exchange/index';
import { liveSession } from '../helpers/live-session';
import { scrape, startCli } from '../helpers/cli-process';
import { LOCAL_DEMO_CREDENTIALS } from '../../src/gateway/signing';

const dir = mkdtempSync(join(tmpdir(), 'ringbook-live-venue-'));

/** Everything the child writes to stderr, and a promise for the first time it matches `re`. */
function watch(child: ChildProcess) {
  let err = '';
  const waiters: Array<{ re: RegExp; done: () => void }> = [];
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    err += chunk;
    for (const w of [...waiters])
      if (w.re.test(err)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.done();
      }
  });
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return {
    text: () => err,
    exited,
    seen: (re: RegExp) =>
      new Promise<void>((done, fail) => {
        if (re.test(err)) return done();
        waiters.push({ re, done });
        void exited.then(() => fail(new Error(`exited before ${re}:\n${err}`)));
      }),
  };
}

/**
 * A status line with a position open (mm-glft quotes both sides: one fills soon on the local exchange); to a pipe the
 * line comes each minute unless --status-every says otherwise, so the sessions that wait for it ask for one a second.
 */
const IN_POSITION = /^[A-Z_]+ +pos +-?[1-9]\d* lots/m;

/**
 * An mm-glft session on the local exchange with a position open, then an outage: the exchange closed until the session
 * says the venue does not answer, and opened again on the same port with `restart`'s options. The session's stderr
 * watch and the new exchange, for the test to go on with.
 */
async function throughOutage(restart: Parameters<typeof startExchange>[0] = {}) {
  const first = await startExchange({ seed: 7 });
  const port = Number(new URL(first.url.rest).port);
  const child = liveSession(first, ['--strategy', 'mm-glft', '--status-every', '1s']);
  child.stdout!.resume();
  const w = watch(child);
  try {
    await w.seen(IN_POSITION);
    await first.close();
    await w.seen(/the venue does not answer/);
    const ex = await startExchange({ seed: 7, port, ...restart });
    return { child, w, ex };
  } catch (err) {
    child.kill('SIGKILL');
    await first.close().catch(() => {}); // closed already when the outage had begun
    throw err;
  }
}

test('SIGTERM while the venue is unreachable, holding a position and orders: exit 3, and what may be left is named', async () => {
  const ex = await startExchange({ seed: 7 });
  const child = liveSession(ex, ['--strategy', 'mm-glft', '--status-every', '1s']);
  child.stdout!.resume();
  const w = watch(child);
  try {
    await w.seen(IN_POSITION);
    await ex.close(); // the venue gone: the stop can neither cancel nor flatten
    child.kill('SIGTERM');
    const code = await w.exited;
    const err = w.text();
    assert.is(code, 3, err);
    if (process.env.SHOW) console.log(err);
    assert.match(
      err,
      /\nLEFT ON THE VENUE BTCUSDT: (a position (long|short) \d+ lots? \([\d.]+ BTC\)( and \d+ open orders?)?|\d+ open orders?) may still be there \(our own count\): the cancel-all, the flatten and reading the venue failed \([^)]*ECONNREFUSED[^)]*\)\. Close (it|them) by hand on the venue\.\n/,
    );
    assert.match(
      err,
      /\n {2}ended {9}stopped by SIGTERM; the stop could not close everything on the venue \(BTCUSDT: see the error above\), exit 3\n/,
    );
    assert.match(err, /; position -?\d+ lots? by our fills \(the venue could not be read to confirm it\) at the end\n/);
  } finally {
    child.kill('SIGKILL');
    await ex.close();
  }
});

for (const [what, keys, code] of [
  ['an unknown key', { ...LOCAL_DEMO_CREDENTIALS, apiKey: 'wrongkey-0123456789' }, '40006'],
  ['a wrong secret', { ...LOCAL_DEMO_CREDENTIALS, secret: 'not-the-secret-0123456789' }, '40009'],
  ['a wrong passphrase', { ...LOCAL_DEMO_CREDENTIALS, passphrase: 'not-the-passphrase-0123' }, '40012'],
] as const)
  test(`keys the venue refuses (${what}): the command stops before trading, exit 1, the key shown by its first 4 characters only`, async () => {
    const ex = await startExchange({ seed: 7 });
    try {
      const file = join(dir, `keys-${code}.json`);
      writeFileSync(file, JSON.stringify(keys));
      const child = liveSession(ex, ['--strategy', 'mm-glft', '--keys', file, '--duration', '15s']);
      child.stdout!.resume();
      const w = watch(child);
      const exit = await w.exited;
      const err = w.text();
      assert.is(exit, 1, err);
      assert.match(
        err,
        new RegExp(
          `the exchange refused the API key \\(${code} [^)]+\\): check --keys / BITGET_API_KEY, BITGET_API_SECRET, BITGET_API_PASSPHRASE \\(API key ${keys.apiKey.slice(0, 4)}…; only a long key's first 4 characters are ever shown\\)`,
        ),
      );
      assert.not.match(err, /reconcile failed|summary:|RECONCILE/, 'nothing traded, nothing retried');
      for (const secret of [keys.apiKey, keys.secret, keys.passphrase]) assert.not.ok(err.includes(secret), 'no secret printed');
      assert.is(ex.trading!.account().openOrders.length, 0);
    } finally {
      await ex.close();
    }
  });

test('keys refused mid-session (the venue restarted with another key): one halt with the refusal, no retry loop, exit 3', async () => {
  const { child, w, ex } = await throughOutage({ trading: { credentials: { apiKey: 'another-key-0123' } } });
  try {
    await w.seen(/\[error\] HALTED: the exchange refused the API key \(40006 /);
    child.kill('SIGTERM');
    const code = await w.exited;
    const err = w.text();
    assert.is(code, 3, err);
    assert.match(err, /\n {2}ended {9}HALTED at \S+Z: the exchange refused the API key \(40006 [^)]*\): check --keys/);
    assert.is(err.match(/HALTED: the exchange refused/g)!.length, 1, 'halted once');
    // the stop's own attempts say the refusal once each; nothing turned it into a disconnect to retry
    assert.not.match(err, /disconnect: [^\n]*40006/);
    assert.is((err.match(/cancel-all BTCUSDT failed/g) ?? []).length, 1, err);
    assert.match(
      err,
      /\nLEFT ON THE VENUE BTCUSDT: .* may still be there \(our own count\): the cancel-all, the flatten and reading the venue failed \(Bitget 40006 Invalid ACCESS_KEY\)\./,
    );
    assert.match(err, /; the stop could not close everything on the venue \(BTCUSDT: see the error above\); exit 3\n/);
  } finally {
    child.kill('SIGKILL');
    await ex.close();
  }
});

test('a clean stop is STOPPED with no halt reason: the final scrape says kill switch 0, phase STOPPED (the alert stays quiet)', async () => {
  const p = startCli([
    'demo',
    '--strategy',
    'mm-glft',
    '--duration',
    '2s',
    '--out',
    join(dir, 'demo'),
    '--log-format',
    'json',
    '--metrics-port',
    '0',
    '--metrics-linger',
    '2m',
  ]);
  try {
    const { metricsUrl } = await p.waitFor((e) => e.metricsUrl);
    const summary = await p.waitFor((e) => e.event === 'summary');
    assert.is(summary.phase, 'STOPPED');
    assert.is(summary.haltReason, null);
    assert.is(summary.ended, 'stopped');
    assert.is(summary.exitCode, 0);
    assert.equal(summary.left, []);
    const m = await scrape(metricsUrl);
    assert.is(m.ringbook_kill_switch, 0);
    assert.is(m['ringbook_strategy_phase{phase="STOPPED"}'], 1);
    p.child.kill('SIGTERM');
    assert.is(await p.exited, 0);
  } finally {
    p.child.kill('SIGKILL');
  }
});

test("the venue restarted under the session (its book of positions gone): the summary gives the venue's position, and says ours disagreed", async () => {
  const { child, w, ex } = await throughOutage();
  try {
    await w.seen(/the venue answers again|HALTED: /);
    child.kill('SIGTERM');
    const code = await w.exited;
    const err = w.text();
    // the new venue holds none of what our fills say: a reconcile mismatch (exit 3), the stop finds nothing to close
    if (process.env.SHOW) console.log(err);
    assert.is(code, 3, err);
    assert.match(err, /flatten BTCUSDT: no position/);
    assert.match(
      err,
      /; position 0 lots at the venue, which disagrees with our fills \(-?[1-9]\d* lots?\): the venue's is the one that counts at the end\n/,
    );
    assert.not.match(err, /LEFT ON THE VENUE/);
  } finally {
    child.kill('SIGKILL');
    await ex.close();
  }
});

test.run();
