// A strategy handler that never returns, replayed: `backtest` ends with the handler and the strategy named (exit 137)
// instead of waiting for ever, and `optimize` ends the hung trial's worker, records the trial as hung and finishes
// the search on a fresh worker; shards of such a search merge as before.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRecording } from '../../bench/recording';
import { CLI, runCli, writeJson } from '../helpers/cli-run';
import type { TrialResult } from '../../src/optimize/trial';

const LOOPS = join(process.cwd(), 'test/fixtures/strategies/loops.ts');
const dir = mkdtempSync(join(tmpdir(), 'ringbook-hung-after-'));
const data = join(dir, 'rec');
const { rows } = writeRecording(data, 30_000, 5);

const trialsOf = (out: string) =>
  readFileSync(join(out, 'trials.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as TrialResult);

test('backtest: a handler that never returns is named and the process ended with 137', () => {
  // the outer limit only keeps a broken guard from holding the test run
  const r = spawnSync(process.execPath, [CLI, 'backtest', data, '--strategy', LOOPS, '--set', 'mode=1', '--hung-after', '1s'], {
    encoding: 'utf8',
    timeout: 120_000,
    killSignal: 'SIGTERM',
  });
  assert.is(r.signal, 'SIGKILL', `ended by the watchdog (status ${r.status}, signal ${r.signal}): ${r.stderr}`);
  assert.match(
    r.stderr,
    /HUNG: strategy loops: onBook has not returned for 1(\.\d+)? s \(replaying the records from local time 20\d\d-\d\d-\d\dT[\d:.]+Z\): an endless loop in onBook\?/,
  );
  assert.match(r.stderr, /ending the process \(exit code 137\)/);
  assert.is(r.stdout, '', 'no report of a replay that did not finish');
});

test('backtest: with the guard on, a run that does not hang is as before, and --help says 137', () => {
  const a = runCli('backtest', data, '--strategy', LOOPS, '--json');
  const b = runCli('backtest', data, '--strategy', LOOPS, '--json', '--hung-after', '1h');
  assert.is(a.code, 0, a.err);
  assert.is(a.out, b.out);
  assert.is(JSON.parse(a.out).run.events, rows, 'every record replayed');
  const help = runCli('backtest', '--help').out;
  assert.match(help, /--hung-after D\s+a strategy handler that has not returned after D is hung/);
  assert.match(help, /137\s+a\s+strategy\s+handler\s+that\s+never\s+returned\s+\(--hung-after\)/);
  assert.match(runCli('--help').out, /137 {2}backtest, demo, live: a strategy handler that never returned/);
});

test('optimize: the hung trial is ended and recorded, the others run on a fresh worker', () => {
  const space = writeJson(dir, 'modes', { mode: [0, 1, 2] });
  const out = join(dir, 'search');
  const r = runCli('optimize', data, '--strategy', LOOPS, '--space', space, '--workers', '1', '--hung-after', '1s', '--out', out);
  assert.is(r.code, 0, r.err);
  assert.match(
    r.out.split('\n')[0],
    /^a strategy handler hung in 1 of 3 trials, which were ended \(first: trial 1: strategy loops: onBook has not returned/,
  );
  assert.match(r.out, /3 trials \(2 scored, 0 invalid configs, 1 hung\)/);
  const trials = trialsOf(out);
  assert.equal(
    trials.map((t) => [t.id, t.hung ?? false, t.metrics !== undefined]),
    [
      [0, false, true],
      [1, true, false],
      [2, false, true],
    ],
  );
  assert.match(trials[1].error!, /^strategy loops: onBook has not returned for 1(\.\d+)? s .*an endless loop in onBook\?/);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.is(summary.hung, 1);
  assert.is(summary.invalid, 0);
  assert.equal(
    summary.ranked.map((x: { id: number }) => x.id),
    [0, 2],
  );
  assert.match(readFileSync(join(out, 'trials.csv'), 'utf8'), /\n1,1,strategy loops: onBook has not returned/);
});

test('optimize: shards with a hung trial merge into the same summary', () => {
  const space = writeJson(dir, 'modes', { mode: [0, 1, 2] });
  const shards = [0, 1].map((i) => {
    const out = join(dir, `shard-${i}`);
    const r = runCli(
      'optimize',
      data,
      '--strategy',
      LOOPS,
      '--space',
      space,
      '--workers',
      '1',
      '--hung-after',
      '1s',
      '--shard',
      `${i}/2`,
      '--out',
      out,
    );
    assert.is(r.code, 0, r.err);
    return out;
  });
  const merged = join(dir, 'merged');
  const m = runCli('optimize', 'merge', ...shards, '--out', merged);
  assert.is(m.code, 0, m.err);
  assert.match(m.out, /3 trials \(2 scored, 0 invalid configs, 1 hung\)/);
  assert.is(JSON.parse(readFileSync(join(merged, 'summary.json'), 'utf8')).hung, 1);
  assert.equal(
    trialsOf(merged).map((t) => t.hung ?? false),
    [false, true, false],
  );
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
