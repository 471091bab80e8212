// The optimizer end to end through the built CLI: it finds the parameter planted in a synthetic recording, its
// results do not depend on the worker count, and shards merged give exactly the unsharded result.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveRun } from '../../src/strategy/resolve';
import { builtinNamed } from '../../src/strategy/builtins/index';
import { writePlantedRecording, PLANTED_BASE } from '../helpers/planted';
import { writeRecording } from '../../bench/recording';

const CLI = join(process.cwd(), 'build/ringbook.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ringbook-optimize-'));
const data = join(dir, 'data');
writePlantedRecording(data);
const base = join(dir, 'base.json');
const space = join(dir, 'space.json');
writeFileSync(base, JSON.stringify(PLANTED_BASE));
writeFileSync(space, JSON.stringify({ 'entry.threshold': [0.2, 0.5, 0.8], 'cooldown.ns': ['1s', '2s'], 'exit.threshold': [0, 0.1] }));

function optimize(out: string, ...extra: string[]): string {
  return optimizeOver(space, out, ...extra);
}
function optimizeOver(spaceFile: string, out: string, ...extra: string[]): string {
  return execFileSync(
    process.execPath,
    [CLI, 'optimize', data, '--config', base, '--space', spaceFile, '--latency', 'constant:1ms', '--out', out, ...extra],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
}
const read = (d: string, f: string) => readFileSync(join(d, f), 'utf8');

test('finds the planted threshold and writes a ready strategy config', () => {
  const out = join(dir, 'planted');
  const text = optimize(out, '--workers', '2', '--walk-forward', 'train=40s,test=20s,purge=1s');
  const s = JSON.parse(read(out, 'summary.json'));
  assert.is(s.trials, 12);
  assert.is(s.complete, true);
  assert.is(s.total, 12);
  assert.not.match(text, /stopped early|results \(partial\)/);
  assert.is(s.ranked[0].params['entry.threshold'], 0.5, 'between the coin-flip imbalance (0.25) and the predictive one (0.68)');
  assert.is(s.chosen.params['entry.threshold'], 0.5);
  assert.ok(s.ranked[0].netQuote > 0);
  const best = JSON.parse(read(out, 'best.json'));
  assert.is(
    resolveRun(builtinNamed('obi-ofi')!.definition, [best]).values['entry.threshold'],
    0.5,
    'best.json is a config the strategy accepts as it is',
  );
  assert.ok(s.walkForward.folds.length >= 2);
  for (const f of s.walkForward.folds) assert.ok(f.inSample !== null && f.outOfSample !== null);
  assert.ok(s.overfitting.dsr >= 0 && s.overfitting.dsr <= 1 && s.overfitting.psr >= s.overfitting.dsr, 'DSR deflates PSR for 12 trials');
  const csv = read(out, 'trials.csv').trim().split('\n');
  assert.is(csv.length, 13, 'every trial logged, header + 12');
  assert.ok(read(out, 'report.html').includes('<svg'), 'heat map');
  assert.match(text, /chosen: trial/);
  // what the nets were scored with, in backtest's words, under the count line and atop the report
  assert.match(
    text,
    /\n12 trials \(12 scored, 0 invalid configs\) over [^\n]+\n {2}venue: latency constant:1ms,1ms, queue risk-averse, fees maker 0\.02 %, taker 0\.06 %, partial fills, funding none\n/,
  );
  assert.match(read(out, 'report.html'), 'Simulated venue: latency constant:1ms,1ms, queue risk-averse, fees maker 0.02 %, taker 0.06 %');
});

test('a choice that never traded says so, when others traded and did worse', () => {
  const out = join(dir, 'idle');
  const idle = join(dir, 'idle-space.json');
  // 0.2 trades and pays fees of 0.5 % a side; no imbalance reaches 5
  writeFileSync(idle, JSON.stringify({ 'entry.threshold': [0.2, 5], 'exit.threshold': [0] }));
  const text = optimizeOver(idle, out, '--fees', '0.005,0.005', '--workers', '1');
  const s = JSON.parse(read(out, 'summary.json'));
  assert.is(s.chosen.params['entry.threshold'], 5);
  assert.is(s.chosen.fills, 0);
  assert.match(
    text,
    /\n {2}it never traded \(0 fills over the whole data\): chosen for doing nothing, as the 1 trial that traded did worse\n/,
  );
});

test('the same results whatever the worker count', () => {
  const one = join(dir, 'w1');
  const two = join(dir, 'w2');
  optimize(one, '--workers', '1');
  optimize(two, '--workers', '2');
  assert.is(read(one, 'trials.jsonl'), read(two, 'trials.jsonl'));
  assert.is(read(one, 'summary.json'), read(two, 'summary.json'));
});

test('shards merged equal the unsharded run, trial for trial', () => {
  const whole = join(dir, 'whole');
  optimize(whole, '--workers', '2');
  const shards = [0, 1, 2].map((i) => {
    const d = join(dir, `shard-${i}`);
    optimize(d, '--workers', '1', '--shard', `${i}/3`);
    assert.not.ok(existsSync(join(d, 'summary.json')), 'a shard alone is not summarised');
    return d;
  });
  const merged = join(dir, 'merged');
  execFileSync(process.execPath, [CLI, 'optimize', 'merge', ...shards, '--out', merged], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  assert.is(read(merged, 'trials.jsonl'), read(whole, 'trials.jsonl'));
  assert.is(read(merged, 'summary.json'), read(whole, 'summary.json'));
  assert.is(read(merged, 'best.json'), read(whole, 'best.json'));
  assert.throws(
    () =>
      execFileSync(process.execPath, [CLI, 'optimize', 'merge', shards[0], shards[2], '--out', join(dir, 'bad')], {
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    (e: any) => /missing shard\(s\) 1\/3/.test(String(e.stderr)),
  );
});

test('Ctrl-C stops handing out trials, lets the one in flight finish and keeps every finished trial', async () => {
  const big = join(dir, 'big');
  writeRecording(big, 300_000, 9);
  const sp = join(dir, 'space-big.json');
  writeFileSync(sp, JSON.stringify({ 'entry.threshold': [0.4, 0.5, 0.6, 0.7, 0.8, 0.9], 'exit.threshold': [0, 0.1, 0.2, 0.3] }));
  const out = join(dir, 'interrupted');
  const child = spawn(process.execPath, [CLI, 'optimize', big, '--space', sp, '--config', base, '--workers', '1', '--out', out], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  const code = await new Promise<number | null>((resolve) => {
    child.stderr.on('data', (d) => {
      err += String(d);
      // the first finished trial is reported: interrupt now
      if (/\] 1\/24 trials/.test(err) && !child.killed) child.kill('SIGINT');
    });
    child.on('exit', (c) => resolve(c));
  });
  assert.is(code, 130, err);
  assert.match(err, /stopped early by Ctrl-C: \d+ of 24 trials finished and kept \(exit 130\)/);
  const manifest = JSON.parse(read(out, 'manifest.json'));
  assert.is(manifest.complete, false);
  const kept = read(out, 'trials.jsonl').trim().split('\n').length;
  assert.ok(kept >= 1 && kept < 24, `${kept} trials kept`);
  assert.is(read(out, 'trials.csv').trim().split('\n').length, kept + 1, 'the CSV log has every finished trial');
  // every place the answer is read says the search stopped early: the text, summary.json, the choice's file, the report
  assert.ok(stdout.startsWith(`stopped early: ${kept} of 24 trials ran; the ranking and the choice below are of those only`), stdout);
  assert.match(stdout, `results (partial): ${out}/ (`);
  const summary = JSON.parse(read(out, 'summary.json'));
  assert.is(summary.complete, false);
  assert.is(summary.total, 24);
  assert.is(summary.trials, kept);
  assert.not.ok(existsSync(join(out, 'best.json')), "no best.json: it would pass for the whole search's answer");
  if (summary.chosen) {
    assert.match(stdout, `chosen so far (of ${kept} of 24 trials): trial ${summary.chosen.id} `);
    assert.equal(JSON.parse(read(out, 'best-so-far.json')), summary.chosen.config);
  }
  const html = read(out, 'report.html');
  assert.match(html, `Optimizer: ${kept === 1 ? '1 trial' : `${kept} trials`} of 24 (stopped early)`);
  assert.match(html, `Stopped early: ${kept} of 24 trials ran (the search was interrupted).`);
});

test('--resume keeps the trials a stopped search finished and runs the rest: the result is the uninterrupted one', () => {
  const big = join(dir, 'big');
  const sp = join(dir, 'space-big.json');
  const out = join(dir, 'interrupted');
  const run = (o: string, ...extra: string[]) =>
    spawnSync(process.execPath, [CLI, 'optimize', big, '--space', sp, '--config', base, '--workers', '2', '--out', o, ...extra], {
      encoding: 'utf8',
    });
  const kept = read(out, 'trials.jsonl').trim().split('\n').length;
  // run again as it was, the stopped search is refused with how to continue it
  const again = run(out);
  assert.is(again.status, 1, again.stderr);
  assert.match(again.stderr, `stopped early with ${kept} finished: choose another --out, add --resume to keep them and run the rest,`);
  // another command's search is not continued in it
  const other = run(out, '--resume', '--fees', '0.001,0.001');
  assert.is(other.status, 2, other.stderr);
  assert.match(
    other.stderr,
    /--resume: .* was run with fee rates \(maker\) 0\.0002, this command with 0\.001: a search continues with the same command/,
  );
  const resumed = run(out, '--resume');
  assert.is(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, `${kept} of 24 trials finished before and kept, ${24 - kept} to run`);
  assert.match(resumed.stderr, `/${24 - kept} trials`, 'only the others ran');
  assert.not.match(resumed.stdout, /stopped early|results \(partial\)/);
  const whole = join(dir, 'uninterrupted');
  assert.is(run(whole).status, 0);
  for (const f of ['trials.jsonl', 'trials.csv', 'summary.json', 'best.json', 'manifest.json', 'report.html'])
    assert.is(read(out, f), read(whole, f), f);
  assert.not.ok(existsSync(join(out, 'best-so-far.json')), 'the partial choice is gone with the partial search');
  // a finished search: nothing runs, the same result; the same recording named from another directory is the same data
  const done = spawnSync(
    process.execPath,
    [CLI, 'optimize', 'big', '--space', sp, '--config', base, '--workers', '2', '--out', out, '--resume'],
    { encoding: 'utf8', cwd: dir },
  );
  assert.is(done.status, 0, done.stderr);
  assert.match(done.stderr, 'had finished all 24 trials: nothing to run');
  assert.is(read(out, 'summary.json'), read(whole, 'summary.json'));
  // where no search ran yet, --resume starts it: the same command can be run until it is done
  const fresh = join(dir, 'never-ran');
  const none = run(fresh, '--resume');
  assert.is(none.status, 0, none.stderr);
  assert.match(none.stderr, `--resume: no search in ${fresh}/ yet: starting it`);
  assert.is(read(fresh, 'summary.json'), read(whole, 'summary.json'));
});

test('a search killed outright (kill -9) keeps every finished trial in its journal, and --resume runs the rest', async () => {
  const big = join(dir, 'big');
  const sp = join(dir, 'space-big.json');
  const out = join(dir, 'killed');
  const args = (...extra: string[]) => [CLI, 'optimize', big, '--space', sp, '--config', base, '--workers', '1', '--out', out, ...extra];
  const child = spawn(process.execPath, args(), { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  const signal = await new Promise<string | null>((resolve) => {
    child.stderr.on('data', (d) => {
      err += String(d);
      if (/\] 1\/24 trials/.test(err) && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (_c, sig) => resolve(sig));
  });
  assert.is(signal, 'SIGKILL', err);
  assert.is(JSON.parse(read(out, 'manifest.json')).complete, false, 'the journal says the search did not finish');
  const kept = read(out, 'trials.jsonl').trim().split('\n').length;
  assert.ok(kept >= 1 && kept < 24, `${kept} trials in the journal`);
  // killed while it appended a line: that line is cut short
  appendFileSync(join(out, 'trials.jsonl'), '{"id":23,"params":{"entry.thr');
  const r = spawnSync(process.execPath, args('--resume'), { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, `line ${kept + 1}: cut short (the search was killed while writing it): that trial runs again`);
  assert.match(r.stderr, `${kept} of 24 trials finished before and kept, ${24 - kept} to run`);
  const whole = join(dir, 'uninterrupted');
  for (const f of ['trials.jsonl', 'trials.csv', 'summary.json', 'best.json', 'manifest.json', 'report.html'])
    assert.is(read(out, f), read(whole, f), f);
});

test('--resume with a larger --trials extends a finished random search: the result is that of a search of as many from the start', () => {
  const run = (out: string, ...extra: string[]) =>
    spawnSync(
      process.execPath,
      [CLI, 'optimize', data, '--config', base, '--space', space, '--latency', 'constant:1ms', '--workers', '2', '--out', out, ...extra],
      { encoding: 'utf8' },
    );
  const random = (n: number) => ['--method', 'random', '--seed', '11', '--trials', String(n)];
  const out = join(dir, 'extended');
  assert.is(run(out, ...random(4)).status, 0);
  const first = read(out, 'trials.jsonl');
  // run again without --resume, a finished random search says how to extend it
  const plain = run(out, ...random(8));
  assert.is(plain.status, 1, plain.stderr);
  assert.match(
    plain.stderr,
    `--out ${out}/ holds an earlier result (random search of obi-ofi, 4 trials): choose another --out, add --resume with a larger --trials to extend it (only the new trials run), or add --overwrite to replace it`,
  );
  const more = run(out, ...random(8), '--resume');
  assert.is(more.status, 0, more.stderr);
  assert.match(
    more.stderr,
    `extending the random search in ${out}/ from 4 to 8 trials (the same seed draws the same first 4): 4 finished before and kept, 4 to run`,
  );
  assert.ok(read(out, 'trials.jsonl').startsWith(first), 'the first four trials kept as they ran');
  const whole = join(dir, 'eight-from-the-start');
  assert.is(run(whole, ...random(8)).status, 0);
  for (const f of ['trials.jsonl', 'trials.csv', 'summary.json', 'best.json', 'manifest.json', 'report.html'])
    assert.is(read(out, f), read(whole, f), f);
  // fewer trials would drop some the summary counted: refused, saying what to give
  const fewer = run(out, ...random(6), '--resume');
  assert.is(fewer.status, 2, fewer.stderr);
  assert.match(
    fewer.stderr,
    `--resume: ${out}/ holds a random search of 8 trials, this command asks for 6: a search is extended, never cut short (its summary counts every trial it ran); give --trials 8 or more, or another --out for a new search`,
  );
  // another seed draws other trials: still refused, naming it
  const seed = run(out, '--method', 'random', '--seed', '12', '--trials', '8', '--resume');
  assert.is(seed.status, 2, seed.stderr);
  assert.match(seed.stderr, `--resume: ${out}/ was run with --seed 11, this command with 12: a search continues with the same command`);
  // walk-forward folds read the trials' equity curves only: added on resume, nothing runs and the summary has them
  const folds = ['--walk-forward', 'train=40s,test=20s,purge=1s'];
  const again = run(out, ...random(8), ...folds, '--resume');
  assert.is(again.status, 0, again.stderr);
  assert.match(again.stderr, 'had finished all 8 trials: nothing to run, its result summarised again with --walk-forward (was none)');
  const withFolds = join(dir, 'eight-with-folds');
  assert.is(run(withFolds, ...random(8), ...folds).status, 0);
  for (const f of ['trials.jsonl', 'summary.json', 'best.json', 'manifest.json', 'report.html'])
    assert.is(read(out, f), read(withFolds, f), f);
  assert.ok(JSON.parse(read(out, 'summary.json')).walkForward.folds.length >= 2);
  // a kept trial whose values are not this command's trial of its id (a journal of another draw) is not mixed in
  const journal = read(out, 'trials.jsonl').split('\n');
  const t0 = JSON.parse(journal[0]);
  t0.params['entry.threshold'] = 0.123;
  writeFileSync(join(out, 'trials.jsonl'), [JSON.stringify(t0), ...journal.slice(1)].join('\n'));
  const mixed = run(out, ...random(8), ...folds, '--resume');
  assert.is(mixed.status, 1, mixed.stderr);
  assert.match(
    mixed.stderr,
    /trials\.jsonl: trial 0 ran \{"entry\.threshold":0\.123,.*\}, this command's trial 0 is \{.*\}: the search drew other trials than this command does/,
  );
});

test('merge of a search still running says it is running, not that it stopped early', async () => {
  const loops = join(process.cwd(), 'test/fixtures/strategies/loops.ts');
  const sp = join(dir, 'space-loops.json');
  writeFileSync(sp, JSON.stringify({ mode: [0, 1] }));
  const running = join(dir, 'running');
  // trial 1 never returns (and is not ended for 10 minutes): once trial 0 is in the journal, the search surely still runs
  const child = spawn(
    process.execPath,
    [CLI, 'optimize', data, '--strategy', loops, '--space', sp, '--workers', '1', '--hung-after', '10m', '--out', running],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await new Promise<void>((resolve) =>
    child.stderr.on('data', (d) => {
      err += String(d);
      if (/\] 1\/2 trials/.test(err)) resolve();
    }),
  );
  const m = spawnSync(process.execPath, [CLI, 'optimize', 'merge', running, '--out', join(dir, 'merged-running')], { encoding: 'utf8' });
  child.kill('SIGKILL');
  await exited;
  assert.is(m.status, 1, m.stderr);
  assert.match(m.stderr, `${running} is still running (pid ${child.pid}: `);
  assert.match(m.stderr, ': merge once every shard is done');
});

test('--json prints what summary.json holds, and only that, on stdout', () => {
  const out = join(dir, 'json');
  const text = optimize(out, '--workers', '2', '--json');
  assert.equal(JSON.parse(text), JSON.parse(read(out, 'summary.json')));
  const shard = join(dir, 'json-shard');
  assert.equal(JSON.parse(optimize(shard, '--workers', '1', '--shard', '1/3', '--json')), {
    complete: true,
    total: 12,
    shard: { index: 1, count: 3 },
    trials: 4,
  });
});

test('a parameter both fixed with --set and searched is refused: the space would replace the --set value in every trial', () => {
  const r = spawnSync(
    process.execPath,
    [CLI, 'optimize', data, '--config', base, '--space', space, '--set', 'exit.threshold=0.05', '--out', join(dir, 'set-and-search')],
    { encoding: 'utf8' },
  );
  assert.is(r.status, 2, r.stderr);
  assert.match(
    r.stderr,
    `--set exit.threshold=0.05: exit.threshold is searched too (--space ${space}, line 1), so every trial would replace this value: drop the --set to search it, or the key from the space to fix it`,
  );
  assert.not.ok(existsSync(join(dir, 'set-and-search')), 'refused before anything is written');
});

test('a --sample as long as the data is refused: no equity step would be left to score', () => {
  const out = join(dir, 'sample-too-long');
  const r = spawnSync(process.execPath, [CLI, 'optimize', data, '--config', base, '--space', space, '--sample', '1d', '--out', out], {
    encoding: 'utf8',
  });
  assert.is(r.status, 2, r.stderr);
  assert.match(
    r.stderr,
    /--sample 1 d leaves fewer than 2 equity steps in the data's [^:]+: give at most \d+ (s|min), or leave it out \(1 s here\)/,
  );
  assert.not.ok(existsSync(join(out, 'manifest.json')));
});

test('a bad space is refused before anything runs, naming the key', () => {
  const bad = join(dir, 'bad-space.json');
  writeFileSync(bad, JSON.stringify({ 'entry.treshold': [1, 2] }));
  assert.throws(
    () =>
      execFileSync(process.execPath, [CLI, 'optimize', data, '--space', bad, '--out', join(dir, 'x')], {
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    (e: any) => /entry\.treshold/.test(String(e.stderr)) && /did you mean/.test(String(e.stderr)),
  );
});

test.run();
