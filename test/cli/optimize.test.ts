// `ringbook optimize` through the built CLI, where the command line meets the search: --trials belongs to random
// search only (the grid refuses it, naming its size), and trials whose strategy threw are never ranked or chosen;
// when every trial threw, nothing is chosen, no best.json is written and the exit code is 1.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRecording } from '../../bench/recording';
import { runCli, writeJson } from '../helpers/cli-run';

const FIXTURES = join(process.cwd(), 'test/fixtures/strategies');
const dir = mkdtempSync(join(tmpdir(), 'ringbook-optimize-cli-'));
const data = join(dir, 'rec');
writeRecording(data, 30_000, 5);

const cli = runCli;
const space = (name: string, value: unknown) => writeJson(dir, name, value);

test('--trials with the grid is refused with exit 2, naming both flags and the grid size', () => {
  const sp = space('grid', { threshold: [0.2, 0.3, 0.4], confirm: [1, 2] });
  const out = join(dir, 'grid-trials');
  const r = cli('optimize', data, '--strategy', 'signal-taker', '--space', sp, '--trials', '2', '--out', out);
  assert.is(r.code, 2, r.err);
  assert.match(r.err, /--trials 2 applies to --method random only/);
  assert.match(r.err, /--method grid, the default\) runs every point of the space: 6 trials here/);
  assert.not.ok(existsSync(join(out, 'manifest.json')), 'nothing ran');
  assert.match(cli('optimize', '--help').out, /--trials N\s+with --method random only/);
});

test('a key given twice in the space is refused with the line of its second occurrence, before any trial', () => {
  const cases: [string, RegExp][] = [
    [
      '{"threshold": [0.3],\n"threshold": [0.5]}',
      /line 2: search space: threshold is given twice \(first on line 1\): JSON keeps only the last; give each key once/,
    ],
    [
      '{"threshold": {"min": 0.2,\n  "max": 0.5, "count": 2,\n  "min": 0.3}}',
      /line 3: search space: threshold gives "min" twice \(first on line 1\)/,
    ],
  ];
  for (const [i, [text, message]] of cases.entries()) {
    const sp = join(dir, `dup-${i}.json`);
    writeFileSync(sp, text);
    const out = join(dir, `dup-${i}`);
    const r = cli('optimize', data, '--strategy', 'signal-taker', '--space', sp, '--out', out);
    assert.is(r.code, 1, r.err);
    assert.match(r.err, `--space ${sp}, `);
    assert.match(r.err, message);
    assert.not.ok(existsSync(join(out, 'manifest.json')), 'nothing ran');
  }
});

/** A signal-taker search over `sp` with one worker, into `out`. */
const taker = (sp: string, out: string, ...extra: string[]) =>
  cli('optimize', data, '--strategy', 'signal-taker', '--space', sp, '--workers', '1', '--out', out, ...extra);

test('invalid trials: the count in the singular for one, and the first one named with its values and its reason', () => {
  const sp = space('invalid', { 'risk.maxOrdersPerMinute': [1, 2, 600], threshold: [0.2, 0.3] });
  const out = join(dir, 'invalid');
  const r = taker(sp, out, '--set', 'risk.maxOrdersPerSecond=2');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /\n6 trials \(4 scored, 2 invalid configs\)/);
  assert.match(
    r.out,
    /\ninvalid: trial 0 \(risk\.maxOrdersPerMinute=1 threshold=0\.2\): strategy config: risk\.maxOrdersPerMinute must be an integer ≥ risk\.maxOrdersPerSecond, got 1; every invalid trial's reason is in the error column of trials\.csv\n/,
  );
  const one = taker(
    space('invalid-1', { 'risk.maxOrdersPerMinute': [1, 600] }),
    join(dir, 'invalid-1'),
    '--set',
    'risk.maxOrdersPerSecond=2',
  );
  assert.is(one.code, 0, one.err);
  assert.match(one.out, /\n2 trials \(1 scored, 1 invalid config\)/);
  assert.match(one.out, /\ninvalid: trial 0 \(risk\.maxOrdersPerMinute=1\): strategy config: risk\.maxOrdersPerMinute must be[^\n;]*\n/);
});

test('merge refusals name the shard and what differs: other settings with both values, a shard short of trials, a directory given twice', () => {
  const sp = space('merge', { threshold: [0.2, 0.3, 0.4, 0.5] });
  const shard = (name: string, i: number, ...extra: string[]) => {
    const out = join(dir, name);
    const r = taker(sp, out, '--shard', `${i}/2`, ...extra);
    assert.is(r.code, 0, r.err);
    // the next command as the user ran ringbook (here node build/ringbook.mjs), not a bare `ringbook`
    assert.match(r.err, 'next: once all 2 shards are done, node build/ringbook.mjs optimize merge <the 2 shard dirs> --out results');
    return out;
  };
  const s0 = shard('m-s0', 0, '--fee-tier', 'vip0');
  const s1 = shard('m-s1', 1, '--fee-tier', 'vip0');
  const s1vip = shard('m-s1-vip3', 1, '--fee-tier', 'vip3');
  const merge = (...dirs: string[]) => cli('optimize', 'merge', ...dirs, '--out', join(dir, 'm-out'));

  const twice = merge(s0, s0);
  assert.is(twice.code, 1);
  assert.match(twice.err, `${s0} is given twice: give each shard once`);

  const tier = merge(s0, s1vip);
  assert.is(tier.code, 1);
  assert.match(tier.err, `${s1vip} was run with fee tier "vip3", ${s0} with "vip0": shards must come from the same command`);

  const short = join(dir, 'm-s1-short');
  cpSync(s1, short, { recursive: true });
  const jsonl = join(short, 'trials.jsonl');
  writeFileSync(jsonl, readFileSync(jsonl, 'utf8').split('\n')[0] + '\n');
  const cut = merge(s0, short);
  assert.is(cut.code, 1);
  assert.match(cut.err, `${short} (shard 1/2) holds 1 trial in trials.jsonl, its share of the search's 4 trials is 2: re-run that shard`);

  assert.is(merge(s0, s1).code, 0);
});

test('trials whose strategy threw are left out of the ranking and never chosen', () => {
  const sp = space('limit', { limit: [2, 1, 3] });
  const out = join(dir, 'some-threw');
  const r = cli('optimize', data, '--strategy', join(FIXTURES, 'throws-above.ts'), '--space', sp, '--workers', '1', '--out', out);
  assert.is(r.code, 0, r.err);
  const lines = r.out.split('\n');
  assert.match(
    lines[0],
    /^the strategy threw in 2 of 3 trials, which stopped trading there \(first: trial 0: strategy error in onBook: limit 2/,
  );
  assert.match(lines[0], /those trials are left out of the ranking and cannot be chosen/);
  assert.match(r.out, /3 trials \(1 scored, 0 invalid configs, 2 where the strategy threw\)/);
  assert.match(r.out, /\nchosen: trial 1 \(best objective on the whole data\): limit=1\n/);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.equal(
    summary.ranked.map((x: { id: number }) => x.id),
    [1],
  );
  assert.is(summary.threw, 2);
  assert.is(JSON.parse(readFileSync(join(out, 'best.json'), 'utf8')).limit, 1);
  // trials.csv says it too: the halt in the error column, no rank; the trial that ran to the end ranked 1
  const [head, ...rows] = readFileSync(join(out, 'trials.csv'), 'utf8').trim().split('\n').map(csvCells);
  const col = (name: string) => head.indexOf(name);
  assert.ok(col('error') > 0 && col('rank') > 0 && col('net_quote') > 0, head.join(','));
  const byId = new Map(rows.map((c) => [Number(c[col('id')]), c]));
  for (const id of [0, 2]) {
    const c = byId.get(id)!;
    assert.match(c[col('error')], /^strategy error in onBook: limit /);
    assert.is(c[col('rank')], '', `trial ${id} is left out of the ranking`);
  }
  assert.is(byId.get(1)![col('error')], '');
  assert.is(byId.get(1)![col('rank')], '1');
});

/** One CSV line's cells (RFC 4180 quoting, as trials.csv writes them). */
function csvCells(line: string): string[] {
  const out: string[] = [];
  const re = /(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g;
  for (let m = re.exec(line); m && m.index < line.length; m = re.exec(line)) {
    out.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]);
    if (re.lastIndex === m.index) re.lastIndex++;
  }
  return out;
}

test('--objective sharpe on less than a day of data: a note before the ranking and in summary.json; none for net_pnl', () => {
  const sp = space('sharpe', { threshold: [0.2, 0.4] });
  const out = join(dir, 'sharpe');
  const r = cli('optimize', data, '--strategy', 'signal-taker', '--space', sp, '--objective', 'sharpe', '--workers', '1', '--out', out);
  assert.is(r.code, 0, r.err);
  const note =
    /\nnote: ranked by Sharpe annualised from only (.+?) of data: backtest prints it as n\/a under a day; .*--objective net_pnl\)\n {2}rank /.exec(
      r.out,
    );
  assert.ok(note, r.out);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.match(
    summary.note,
    new RegExp(`^ranked by Sharpe annualised from only ${note![1]} of data: backtest prints it as n/a under a day`),
  );
  const net = cli('optimize', data, '--strategy', 'signal-taker', '--space', sp, '--workers', '1', '--out', join(dir, 'net'));
  assert.is(net.code, 0, net.err);
  assert.not.match(net.out, /\nnote: /, 'net_pnl ranks by money: nothing to caveat in the terminal');
  assert.match(
    JSON.parse(readFileSync(join(dir, 'net', 'summary.json'), 'utf8')).note,
    /sharpe is annualised from only .* n\/a as a ratio/,
  );
});

test('every trial threw: nothing chosen, no best.json (an earlier one is removed), exit 1', () => {
  const sp = space('all-threw', { limit: [2, 3] });
  const out = join(dir, 'all-threw');
  const ok = cli('optimize', data, '--strategy', join(FIXTURES, 'throws-above.ts'), '--space', space('ok', { limit: [1] }), '--out', out);
  assert.is(ok.code, 0, ok.err);
  assert.ok(existsSync(join(out, 'best.json')));
  // a second search into the same directory would lose the first one's trials: refused unless asked
  const kept = cli('optimize', data, '--strategy', join(FIXTURES, 'throws-above.ts'), '--space', sp, '--workers', '1', '--out', out);
  assert.is(kept.code, 1, kept.err);
  assert.match(
    kept.err,
    /--out .*all-threw\/? holds an earlier result \(grid search of throws-above, 1 trial\): choose another --out, or add --overwrite to replace it/,
  );
  assert.ok(existsSync(join(out, 'best.json')), 'the earlier result is untouched');
  const r = cli(
    'optimize',
    data,
    '--strategy',
    join(FIXTURES, 'throws-above.ts'),
    '--space',
    sp,
    '--workers',
    '1',
    '--out',
    out,
    '--overwrite',
  );
  assert.is(r.code, 1, r.err);
  assert.match(r.out.split('\n')[0], /^the strategy threw in 2 of 2 trials/);
  assert.not.match(r.out, /\nchosen:/);
  assert.match(r.out, /nothing chosen: the strategy threw in every trial, so no configuration was tried to the end/);
  assert.match(r.out, /results: .*\(trials\.csv, trials\.jsonl, summary\.json, report\.html, manifest\.json\)/);
  assert.not.ok(existsSync(join(out, 'best.json')), 'no best.json ready for --config');
  assert.is(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).chosen, null);
});

test('malformed values are usage errors (exit 2) through the CLI, with their messages', () => {
  const sp = space('one', { threshold: [0.2] });
  const run = (...extra: string[]) =>
    cli('optimize', data, '--strategy', 'signal-taker', '--space', sp, '--out', join(dir, 'bad'), ...extra);
  let r = run('--latency', 'foo');
  assert.is(r.code, 2, r.err);
  assert.match(r.err, /--latency "foo" is not a latency model/);
  r = run('--queue', 'powr:2');
  assert.is(r.code, 2, r.err);
  r = run('--shard', '2of4');
  assert.is(r.code, 2, r.err);
  assert.match(r.err, /--shard "2of4" is not i\/n/);
  r = run('--walk-forward', 'train=3d,test=1d');
  assert.is(r.code, 2, r.err);
  assert.match(r.err, /walk-forward "train=3d,test=1d": needs purge=<duration>/);
  // a well-formed spec that the data is too short for is about the data (exit 1), in human durations
  r = run('--walk-forward', 'train=3d,test=1d,purge=10m');
  assert.is(r.code, 1, r.err);
  assert.match(r.err, /walk-forward: the data covers [\d.]+ (s|min)\b.* but one fold needs 4 d \(train 3 d \+ purge 10 min \+ test 1 d\)/);
  assert.not.ok(existsSync(join(dir, 'bad')), 'a refused run makes no --out directory');
  r = run('--set', 'threshold=abc');
  assert.is(r.code, 2, r.err);
  assert.match(r.err, /--set threshold=abc: strategy config: threshold must be a number/);
  r = run('--set', 'thresold=1');
  assert.is(r.code, 2, r.err);
  assert.match(r.err, /did you mean threshold\?/);
  r = cli('backtest', data, '--strategy', join(FIXTURES, 'imbalance-taker.ts'), '--set', 'holdNs=10x');
  assert.is(r.code, 2, r.err);
  assert.match(
    r.err,
    /--set holdNs=10x: strategy config: holdNs must be a duration ≥ 50 ms \(e\.g\. 250ms, 2s, 5m, 1h, 1d; in a JSON file a plain integer is ns\), got "10x"/,
  );
});

test.run();
