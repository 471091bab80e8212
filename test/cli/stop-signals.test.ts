// SIGTERM (a scheduler, systemd, `docker stop`, `timeout`) and SIGHUP (a closed terminal) stop a long-running command
// as Ctrl-C does, through the built CLI: a search keeps its finished trials, written the moment the signal comes and
// again once the trials in flight finish, exits 143 or 129 and leaves no lock; a second signal ends it at once with
// the finished trials kept; a stopped shard is refused by merge; an import keeps its finished files and counts their
// rows; a backtest says it stopped, with no report; serve, the local exchange and watch, which run until stopped, end
// in order with exit 0.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRecording } from '../../bench/recording';
import { writeNdjson } from '../../bench/tardis-input';
import { CLI, runCli, writeJson } from '../helpers/cli-run';
import { until } from '../helpers/child-until';

const dir = mkdtempSync(join(tmpdir(), 'ringbook-stop-signals-'));
const LOOPS = join(process.cwd(), 'test/fixtures/strategies/loops.ts');
const data = join(dir, 'rec');
writeRecording(data, 30_000, 5);
const lockOf = (d: string) => join(d, '.ringbook.lock');
const read = (d: string, f: string) => readFileSync(join(d, f), 'utf8');
const json = (d: string, f: string) => JSON.parse(read(d, f));

/** Every file under `d`. */
function files(d: string): string[] {
  if (!existsSync(d)) return [];
  return readdirSync(d, { withFileTypes: true }).flatMap((n) => (n.isDirectory() ? files(join(d, n.name)) : [join(d, n.name)]));
}

/** Whether process `pid` catches SIGHUP: Node catches it only once a listener is added (SIGINT and SIGTERM always). */
function catchesHangup(pid: number): boolean {
  try {
    const mask = /SigCgt:\s*([0-9a-f]+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return mask !== undefined && (BigInt(`0x${mask}`) & 1n) === 1n;
  } catch {
    return false;
  }
}

/** The built CLI in the background: its output so far, a wait for a line, its exit code. */
function start(args: string[]): {
  child: ChildProcess;
  err(): string;
  out(): string;
  /** Resolves once standard error, or output, shows `re`. */
  seen(re: RegExp): Promise<void>;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  const waiters: Array<() => void> = [];
  child.stdout!.on('data', (d) => {
    out += String(d);
    for (const w of waiters.splice(0)) w();
  });
  child.stderr!.on('data', (d) => {
    err += String(d);
    for (const w of waiters.splice(0)) w();
  });
  let ended = false;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (c) => {
      ended = true;
      for (const w of waiters.splice(0)) w();
      resolve(c);
    }),
  );
  const seen = (re: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const look = () => {
        if (re.test(err) || re.test(out)) resolve();
        else if (ended) reject(new Error(`exited before ${re}:\n${err}`));
        else waiters.push(look);
      };
      look();
    });
  return { child, err: () => err, out: () => out, seen, exited };
}

for (const [sig, code] of [
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const) {
  test(`${sig} stops a search as Ctrl-C does: the finished trials kept and marked partial, exit ${code}, the lock removed`, async () => {
    const out = join(dir, `search-${sig}`);
    // many quick trials on one worker: the signal comes long before the last
    const space = writeJson(dir, `many-${sig}`, { threshold: Array.from({ length: 200 }, (_, i) => 0.1 + i / 100) });
    const p = start(['optimize', data, '--strategy', 'signal-taker', '--space', space, '--workers', '1', '--out', out]);
    try {
      await p.seen(/\] 1\/200 trials/);
      assert.ok(existsSync(lockOf(out)), 'held while it runs');
      p.child.kill(sig);
      assert.is(await p.exited, code, p.err());
      assert.match(p.err(), `stopping (${sig}): finishing the trials in flight`);
      const summary = json(out, 'summary.json');
      assert.is(summary.complete, false);
      assert.is(summary.total, 200);
      assert.ok(summary.trials >= 1 && summary.trials < 200, `${summary.trials} trials`);
      assert.match(p.err(), `stopped early by ${sig}: ${summary.trials} of 200 trials finished and kept (exit ${code})`);
      const trials = read(out, 'trials.jsonl')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.is(trials.length, summary.trials, 'every finished trial is in trials.jsonl, and the summary is of them');
      assert.equal(
        trials.map((t) => t.id),
        Array.from({ length: trials.length }, (_, i) => i),
        'one worker: the first trials, in order',
      );
      assert.is(read(out, 'trials.csv').trim().split('\n').length, trials.length + 1);
      assert.is(json(out, 'manifest.json').complete, false);
      assert.ok(summary.chosen, 'a choice among the finished trials');
      assert.equal(json(out, 'best-so-far.json'), summary.chosen.config);
      assert.not.ok(existsSync(join(out, 'best.json')), "no best.json: it would pass for the whole search's answer");
      assert.match(read(out, 'report.html'), `Stopped early: ${summary.trials} of 200 trials ran`);
      assert.ok(p.out().startsWith(`stopped early: ${summary.trials} of 200 trials ran`), p.out());
      assert.not.ok(existsSync(lockOf(out)), 'the lock is removed');
      assert.equal(
        readdirSync(out).filter((f) => f.includes('.tmp')),
        [],
        'nothing left half-written',
      );
    } finally {
      p.child.kill('SIGKILL');
    }
  });
}

test('the finished trials are written when the signal comes; a second signal ends the search at once, keeping them', async () => {
  const out = join(dir, 'second');
  // trial 1 never returns (and is not ended for 10 minutes): only the second signal can end the search
  const space = writeJson(dir, 'loops', { mode: [0, 1, 2] });
  const p = start(['optimize', data, '--strategy', LOOPS, '--space', space, '--workers', '1', '--hung-after', '10m', '--out', out]);
  try {
    await p.seen(/\] 1\/3 trials/);
    p.child.kill('SIGTERM');
    await p.seen(/stopping \(SIGTERM\): finishing the trials in flight; 1 finished trial written to /);
    // a `docker stop` kills ten seconds on: what finished is on disk already, marked partial
    const early = json(out, 'summary.json');
    assert.is(early.complete, false);
    assert.is(early.total, 3);
    assert.is(early.trials, 1);
    assert.ok(existsSync(join(out, 'best-so-far.json')));
    assert.not.ok(existsSync(join(out, 'best.json')));
    assert.ok(existsSync(lockOf(out)), 'still running: trial 1 is in flight');
    p.child.kill('SIGTERM');
    assert.is(await p.exited, 143, p.err());
    assert.match(
      p.err(),
      `SIGTERM while stopping: ended at once, the trials in flight left unfinished; 1 finished trial kept in ${out}/ (exit 143)`,
    );
    const summary = json(out, 'summary.json');
    assert.is(summary.complete, false);
    assert.is(summary.trials, 1);
    assert.equal(
      read(out, 'trials.jsonl')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
      [0],
    );
    assert.is(json(out, 'manifest.json').complete, false);
    assert.ok(existsSync(join(out, 'best-so-far.json')));
    assert.not.ok(existsSync(join(out, 'best.json')));
    assert.not.ok(existsSync(lockOf(out)), 'process.exit on the second signal removes the lock');
  } finally {
    p.child.kill('SIGKILL');
  }
});

test('a shard stopped by SIGTERM keeps its trials, marked unfinished, and merge refuses it', async () => {
  const space = writeJson(dir, 'shard-space', { threshold: Array.from({ length: 200 }, (_, i) => 0.1 + i / 100) });
  const shards = [0, 1].map((i) => join(dir, `shard-${i}`));
  const shard = (i: number) => [
    'optimize',
    data,
    '--strategy',
    'signal-taker',
    '--space',
    space,
    '--workers',
    '1',
    '--shard',
    `${i}/2`,
    '--out',
    shards[i],
  ];
  const p = start(shard(0));
  try {
    await p.seen(/\] 1\/100 trials/);
    p.child.kill('SIGTERM');
    assert.is(await p.exited, 143, p.err());
    assert.match(p.err(), /stopped early by SIGTERM: \d+ of 100 trials finished and kept \(exit 143\)/);
    const m = json(shards[0], 'manifest.json');
    assert.is(m.complete, false);
    assert.ok(read(shards[0], 'trials.jsonl').trim().split('\n').length >= 1);
    assert.not.ok(existsSync(join(shards[0], 'summary.json')), 'a shard alone is not summarised');
    assert.not.ok(existsSync(lockOf(shards[0])));
  } finally {
    p.child.kill('SIGKILL');
  }
  const other = runCli(...shard(1));
  assert.is(other.code, 0, other.err);
  const merged = join(dir, 'merged');
  const r = runCli('optimize', 'merge', ...shards, '--out', merged);
  assert.is(r.code, 1, r.err);
  assert.match(r.err, `${shards[0]} did not finish (stopped early): re-run that shard`);
  assert.not.ok(existsSync(join(merged, 'manifest.json')));
  assert.not.ok(existsSync(lockOf(merged)));
});

test('SIGTERM stops an import as Ctrl-C does: the finished files kept and counted, exit 143, the lock removed', async () => {
  const input = join(dir, 'big.ndjson');
  await writeNdjson(input, 150_000);
  const out = join(dir, 'import');
  const p = start([
    'import',
    'tardis',
    input,
    '--symbol',
    'BTCUSDT',
    '--tick',
    '0.1',
    '--lot',
    '0.0001',
    '--max-rows',
    '20000',
    '--json',
    '--out',
    out,
  ]);
  try {
    // stop once the first file is finished (it logs no line before 5 s without a terminal)
    await until(p.child, () => files(out).some((f) => f.endsWith('.parquet')), 'the first file');
    p.child.kill('SIGTERM');
    assert.is(await p.exited, 143, p.err());
    assert.match(p.err(), 'stopping (SIGTERM): finishing the files handed over, dropping the one being filled');
    const j = JSON.parse(p.out());
    assert.is(j.stopped, true);
    const kept = files(out).filter((f) => !f.endsWith('.ringbook.lock'));
    assert.ok(
      kept.every((f) => f.endsWith('.parquet')),
      `only finished files: ${kept.join(', ')}`,
    );
    assert.equal(j.files.map((f: { path: string }) => f.path).sort(), kept.sort(), 'the summary lists exactly the files kept');
    assert.ok(kept.length >= 1, `${kept.length} files`);
    assert.match(p.err(), `stopped by SIGTERM: ${kept.length === 1 ? '1 finished file' : `${kept.length} finished files`} kept (exit 143)`);
    // its row count is what the files hold
    const inspected = JSON.parse(runCli('inspect', out, '--json').out);
    assert.is(j.rows, inspected.streams[0].rows);
    assert.is(
      j.rows,
      j.files.reduce((n: number, f: { rows: number }) => n + f.rows, 0),
    );
    assert.not.ok(existsSync(lockOf(out)), 'the lock is removed');
  } finally {
    p.child.kill('SIGKILL');
  }
});

test('SIGTERM and SIGHUP stop a backtest as Ctrl-C does: said, no report, exit 143 or 129', async () => {
  const big = join(dir, 'long');
  writeRecording(big, 1_000_000, 9);
  for (const [sig, code] of [
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    const report = join(dir, `report-${sig}.html`);
    const p = start(['backtest', big, '--report', report]);
    try {
      // no line comes before the report: signalled once it listens (it catches SIGHUP from then on), while it loads or
      // replays
      await until(p.child, () => catchesHangup(p.child.pid!), 'it listened for SIGHUP');
      p.child.kill(sig);
      assert.is(await p.exited, code, p.err());
      assert.match(
        p.err(),
        new RegExp(
          `^backtest: stopped by ${sig} (before the replay began|after [\\d.]+ \\S+ of replay); no report, its figures need the whole replay \\(exit ${code}\\)\\n$`,
        ),
      );
      assert.is(p.out(), '');
      assert.not.ok(existsSync(report));
    } finally {
      p.child.kill('SIGKILL');
    }
  }
});

test('serve and the local exchange run until stopped: SIGHUP and SIGTERM end them in order, exit 0', async () => {
  for (const [args, ready, sig, done] of [
    [['serve', '--data', data, '--port', '0'], /\(Ctrl-C to stop\)/, 'SIGHUP', /ringbook serve: stopped by SIGHUP\n/],
    [['serve', '--data', data, '--port', '0'], /\(Ctrl-C to stop\)/, 'SIGTERM', /ringbook serve: stopped by SIGTERM\n/],
    [
      ['exchange', '--port', '0'],
      /\(Ctrl-C to stop\)/,
      'SIGHUP',
      /ringbook exchange: stopped by SIGHUP after 0 WebSocket connections \(0 frames out\) and 0 REST requests/,
    ],
  ] as const) {
    const p = start([...args]);
    try {
      await p.seen(ready);
      p.child.kill(sig);
      assert.is(await p.exited, 0, `${args[0]} ${sig}: ${p.out()}${p.err()}`);
      assert.match(p.out(), done);
    } finally {
      p.child.kill('SIGKILL');
    }
  }
});

test('watch runs until stopped: SIGHUP ends it in order, exit 0, its summary saying so', async () => {
  const ex = start(['exchange', '--port', '0']);
  try {
    await ex.seen(/\(Ctrl-C to stop\)/);
    const port = /ws:\/\/127\.0\.0\.1:(\d+)\/v2\/ws\/public/.exec(ex.out() + ex.err())![1];
    const w = start(['watch', '--json', '--ws-url', `ws://127.0.0.1:${port}/v2/ws/public`, '--rest-url', `http://127.0.0.1:${port}`]);
    try {
      await w.seen(/"best_bid"/);
      w.child.kill('SIGHUP');
      assert.is(await w.exited, 0, w.err());
      assert.match(w.err(), /watch: \d+ book messages, .* \(stopped by SIGHUP\)\n/);
    } finally {
      w.child.kill('SIGKILL');
    }
    // with a --duration, Ctrl-C before it ran out is an interrupted run: said, and the exit code is the signal's
    const d = start([
      'watch',
      '--json',
      '--duration',
      '5m',
      '--ws-url',
      `ws://127.0.0.1:${port}/v2/ws/public`,
      '--rest-url',
      `http://127.0.0.1:${port}`,
    ]);
    try {
      await d.seen(/"best_bid"/);
      d.child.kill('SIGINT');
      assert.is(await d.exited, 130, d.err());
      assert.match(d.err(), /watch: \d+ book messages, .* \(interrupted by Ctrl-C before its --duration ran out; exit 130\)\n/);
    } finally {
      d.child.kill('SIGKILL');
    }
  } finally {
    ex.child.kill('SIGKILL');
  }
});

test.run();
