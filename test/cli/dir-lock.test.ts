// One run at a time per output directory, through the built CLI: a second demo, record, live --record or optimize
// pointed at a directory a running one holds is refused at once (exit 2, naming the holder), before it reads or
// recovers anything there; a lock left by a killed run is taken over with a line saying so; every way a run ends
// (its end, Ctrl-C, a second Ctrl-C, an error) removes its lock.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRecording } from '../../bench/recording';
import { CLI, runCli, writeJson } from '../helpers/cli-run';
import { startCli } from '../helpers/cli-process';

const dir = mkdtempSync(join(tmpdir(), 'ringbook-dir-lock-'));
const LOOPS = join(process.cwd(), 'test/fixtures/strategies/loops.ts');
const lockOf = (d: string) => join(d, '.ringbook.lock');
const holder = (d: string) => JSON.parse(readFileSync(lockOf(d), 'utf8')) as { pid: number; command: string; sinceMs: number };
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A pid no process has now: a child that already exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

test('a second demo, record or live --record into a running demo is refused; after kill -9 the next run takes the lock over', async () => {
  const out = join(dir, 'session');
  const a = startCli(['demo', '--duration', '10m', '--out', out, '--log-format', 'json']);
  try {
    await a.waitFor((e) => e.event === 'parameters');
    const h = holder(out);
    assert.is(h.pid, a.child.pid);
    assert.is(h.command, `ringbook demo --duration 10m --out ${out} --log-format json`);
    for (const second of [
      ['demo', '--duration', '1s', '--out', out],
      ['record', '--duration', '1s', '--out', out],
      ['live', '--duration', '1s', '--record', out],
    ]) {
      const r = runCli(...second);
      const flag = second.includes('--record') ? '--record' : '--out';
      assert.is(r.code, 2, `${second[0]}: ${r.err}`);
      assert.match(
        r.err,
        new RegExp(
          `${esc(flag)} ${esc(out)}/ is in use by another run: pid ${a.child.pid} \\(${esc(h.command)}\\), since 20\\d\\d-[\\d-]+T[\\d:]+Z, .+? ago\\. ` +
            `Two runs in one directory would mix their files\\. Wait for it to finish, or give another ${esc(flag)}`,
        ),
      );
      // refused before it looked at the directory: the running recorder's journals are not "a killed recorder's"
      assert.not.match(r.err, /already holds|unfinished journal|recovered/);
    }
    a.child.kill('SIGKILL');
    assert.is(await a.exited, null);
    assert.is(holder(out).pid, a.child.pid, 'kill -9 leaves the lock behind');
    const c = runCli('demo', '--duration', '1s', '--out', out);
    assert.is(c.code, 0, c.err);
    assert.match(
      c.err,
      new RegExp(
        `${esc(out)}/ was locked by pid ${a.child.pid} \\(${esc(h.command)}\\) since .*, which is no longer running \\(killed\\?\\): taking it over`,
      ),
    );
    assert.not.ok(existsSync(lockOf(out)), 'released at the end');
  } finally {
    a.child.kill('SIGKILL');
  }
});

test('Ctrl-C of a demo removes its lock', async () => {
  const out = join(dir, 'interrupted');
  const a = startCli(['demo', '--duration', '10m', '--out', out, '--log-format', 'json']);
  try {
    await a.waitFor((e) => e.event === 'parameters');
    assert.ok(existsSync(lockOf(out)));
    a.child.kill('SIGINT');
    assert.is(await a.exited, 130);
    assert.not.ok(existsSync(lockOf(out)));
  } finally {
    a.child.kill('SIGKILL');
  }
});

const data = join(dir, 'rec');
writeRecording(data, 30_000, 5);

test('a second search or merge into a running search is refused, its trials kept apart; a second Ctrl-C still removes the lock', async () => {
  const out = join(dir, 'search');
  // trial 1 never returns (and is not ended for 10 minutes): the first search is surely still running
  const hangs = writeJson(dir, 'loops', { mode: [0, 1, 2] });
  const a = spawn(
    process.execPath,
    [CLI, 'optimize', data, '--strategy', LOOPS, '--space', hangs, '--workers', '1', '--hung-after', '10m', '--out', out],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  const seen = (re: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const look = () => (re.test(err) ? resolve() : undefined);
      a.stderr.on('data', (d) => {
        err += String(d);
        look();
      });
      a.on('exit', () => reject(new Error(`exited before ${re}: ${err}`)));
      look();
    });
  const exited = new Promise<number | null>((resolve) => a.on('exit', (c) => resolve(c)));
  try {
    await seen(/\] 1\/3 trials/);
    const other = writeJson(dir, 'other', { mode: [0, 2] });
    const b = runCli('optimize', data, '--strategy', LOOPS, '--space', other, '--out', out);
    assert.is(b.code, 2, b.err);
    assert.match(b.err, new RegExp(`--out ${esc(out)}/ is in use by another run: pid ${a.pid} \\(ringbook optimize ${esc(data)} `));
    const m = runCli('optimize', 'merge', join(dir, 'no-such-shard'), '--out', out);
    assert.is(m.code, 2, m.err);
    assert.match(m.err, new RegExp(`pid ${a.pid} `));
    a.kill('SIGINT');
    await seen(/stopping \(Ctrl-C\): finishing the trials in flight/);
    a.kill('SIGINT');
    assert.is(await exited, 130);
    assert.not.ok(existsSync(lockOf(out)), 'process.exit on the second Ctrl-C removes the lock');
  } finally {
    a.kill('SIGKILL');
  }
});

test("a dead run's lock, or an unreadable one, is taken over with a line saying so; the search runs and releases it", () => {
  const space = writeJson(dir, 'taker', { threshold: [0.2, 0.3] });
  for (const [name, text, said] of [
    [
      'dead',
      JSON.stringify({ pid: deadPid(), command: 'ringbook optimize x', sinceMs: Date.UTC(2026, 0, 2) }),
      /was locked by pid \d+ \(ringbook optimize x\) since 2026-01-02T00:00:00Z, .* ago, which is no longer running \(killed\?\): taking it over/,
    ],
    ['garbled', '{"pid":', /held an unreadable lock file \(.*\.ringbook\.lock; a running ringbook never leaves one so\): taking it over/],
  ] as const) {
    const out = join(dir, `stale-${name}`);
    mkdirSync(out);
    writeFileSync(lockOf(out), text);
    const r = runCli('optimize', data, '--strategy', 'signal-taker', '--space', space, '--workers', '1', '--out', out);
    assert.is(r.code, 0, r.err);
    assert.match(r.err, said);
    assert.ok(existsSync(join(out, 'manifest.json')));
    assert.not.ok(existsSync(lockOf(out)));
  }
});

test('a run refused after taking the lock (a symbol the data lacks) removes it and the directories it made', () => {
  const out = join(dir, 'never', 'made');
  const sp = writeJson(dir, 'grid', { threshold: [0.2] });
  const r = runCli('optimize', data, '--strategy', 'signal-taker', '--space', sp, '--symbol', 'XRPUSDT', '--out', out);
  assert.ok(r.code === 1 || r.code === 2, r.err);
  assert.match(r.err, /XRPUSDT/);
  assert.not.ok(existsSync(join(dir, 'never')));
});

test.run();
