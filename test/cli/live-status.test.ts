// The status line's cadence: each second for a person at a terminal, each minute to a log (a pipe, a file, the
// journal, JSON) and at once on a new phase; `--status-every D` for who wants otherwise, one grammar in `live`, `demo`
// and `record`, a bad value refused naming the flag. The sessions here write to pipes, as under systemd.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statusDue } from '../../src/cli/session-status';
import { STATUS_EVERY_LOG_MS, STATUS_EVERY_TERMINAL_MS, statusEveryMs } from '../../src/cli/status-every';
import { UsageError } from '../../src/cli/usage-error';
import { runCli } from '../helpers/cli-run';
import { startCli } from '../helpers/cli-process';

const tmp = () => mkdtempSync(join(tmpdir(), 'ringbook-status-'));

test('the default: each second on a terminal, each minute anywhere else; --status-every as given, at least 1 s', () => {
  assert.is(statusEveryMs(undefined, true), STATUS_EVERY_TERMINAL_MS);
  assert.is(STATUS_EVERY_TERMINAL_MS, 1000);
  assert.is(statusEveryMs(undefined, false), STATUS_EVERY_LOG_MS);
  assert.is(STATUS_EVERY_LOG_MS, 60_000);
  assert.is(statusEveryMs(5000, false), 5000);
  assert.is(statusEveryMs(1000, false), 1000, 'one a second to a log, for who asks');
  assert.is(statusEveryMs(300_000, true), 300_000);
  assert.throws(
    () => statusEveryMs(500, false),
    (e: Error) => e instanceof UsageError && /^--status-every 500ms: at least 1s/.test(e.message),
  );
});

test('to a log: a line each minute, at once on a new phase, each minute while halted; redrawn: at the interval', () => {
  const every = STATUS_EVERY_LOG_MS;
  const last = { at: 10_000, phase: 'IDLE' };
  for (let t = 11_000; t < 69_950; t += 1000) assert.not.ok(statusDue(t, last, 'IDLE', every), `not again at ${t} ms`);
  assert.ok(statusDue(70_000, last, 'IDLE', every), 'a minute on');
  assert.ok(statusDue(11_000, last, 'IN_POSITION', every), 'a new phase at once');
  assert.ok(statusDue(11_000, last, 'HALTED', every), 'a halt at once');
  const halted = { at: 0, phase: 'HALTED' };
  assert.not.ok(statusDue(5000, halted, 'HALTED', 5000), 'halted and logged: each minute, not each 5 s');
  assert.ok(statusDue(5000, halted, 'HALTED', 5000, true), 'halted and redrawn in place: at the interval');
  assert.ok(statusDue(1000, { at: 0, phase: 'IDLE' }, 'IDLE', 1000, true), 'a terminal redraws each second');
});

test('--status-every: a bad value is a command-line error naming the flag (exit 2), in every command that takes it', () => {
  for (const cmd of [['live'], ['demo', '--out', join(tmp(), 'd')], ['record', '--out', tmp()]]) {
    const zero = runCli(...cmd, '--status-every', '0');
    assert.is(zero.code, 2, zero.err);
    assert.match(zero.err, /--status-every must be longer than 0/);
    const word = runCli(...cmd, '--status-every', 'often');
    assert.is(word.code, 2, word.err);
    assert.match(word.err, /--status-every "often" is not a duration/);
    const short = runCli(...cmd, '--status-every', '200ms');
    assert.is(short.code, 2, short.err);
    assert.match(short.err, /--status-every 200ms: at least 1s/);
  }
  assert.match(runCli('live', '--help').out, /--status-every D/);
  assert.match(runCli('record', '--help').out, /--status-every D/);
});

test('demo to a pipe (human lines, as under systemd): a status line only when the phase changes (a minute is longer than the run)', async () => {
  // an entry threshold never reached: IDLE throughout, which used to be said each second
  const quiet = startCli(['demo', '--duration', '4s', '--out', join(tmp(), 'd'), '--set', 'entry.threshold=50']);
  assert.is(await quiet.exited, 0, quiet.text().slice(-2000));
  const idle = [...quiet.text().matchAll(/^([A-Z_]+) +pos +-?\d+ lots/gm)].map((m) => m[1]);
  assert.equal(idle, ['IDLE'], `one line for the one phase:\n${quiet.text().slice(-2000)}`);
  assert.match(quiet.text(), /\nsummary:\n/);
  // trading: a line at each new phase, never twice the same in a row
  const p = startCli(['demo', '--duration', '4s', '--out', join(tmp(), 'd')]);
  assert.is(await p.exited, 0, p.text().slice(-2000));
  const phases = [...p.text().matchAll(/^([A-Z_]+) +pos +-?\d+ lots/gm)].map((m) => m[1]);
  assert.ok(phases.length >= 1, `the first phase is said:\n${p.text().slice(-2000)}`);
  for (let i = 1; i < phases.length; i++) assert.is.not(phases[i], phases[i - 1], `line ${i} says a new phase: ${phases.join(' ')}`);
});

test('demo with --status-every 1s: the line comes again in the same phase', async () => {
  const p = startCli(['demo', '--duration', '5m', '--out', join(tmp(), 'd'), '--log-format', 'json', '--status-every', '1s']);
  try {
    await p.waitFor((e) => {
      const s = p.events.filter((x) => x.event === 'status');
      return e.event === 'status' && s.length >= 2 && s[s.length - 1].phase === s[s.length - 2].phase;
    }, 120_000);
    p.child.kill('SIGTERM');
    assert.is(await p.exited, 143);
  } finally {
    p.child.kill('SIGKILL');
  }
});

test('record to a pipe (human lines): no status line in a run shorter than a minute; with --status-every 1s, one comes', async () => {
  const statusLine = /^ {2}[\d,]+ records?, \d+ files?, /m;
  const quiet = startCli(['record', '--duration', '3s', '--out', tmp()]);
  assert.is(await quiet.exited, 0, quiet.text().slice(-2000));
  assert.not.match(quiet.text(), statusLine);
  assert.match(quiet.text(), /record: [1-9][\d,]* records? in /, 'it recorded and said so');
  const often = startCli(['record', '--out', tmp(), '--log-format', 'json', '--status-every', '1s']);
  try {
    const s = await often.waitFor((e) => e.event === 'status' && e.records > 0, 120_000);
    assert.match(s.msg, /^ *[\d,]+ records?, \d+ files?, /);
    often.child.kill('SIGTERM');
    assert.is(await often.exited, 0);
  } finally {
    often.child.kill('SIGKILL');
  }
});

test.run();
