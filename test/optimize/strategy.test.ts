// `ringbook optimize --strategy FILE|NAME` through the built CLI: the search runs over the strategy's declared
// parameters (signal-taker's, and a user's file's), each worker loading the same bundle text; the bundle's and the
// core's sha256 sit in manifest.json, on every trials.jsonl line and in the printed and HTML reports; a mistyped
// parameter gets the nearest declared name; shards of one strategy merge, shards of another bundle are refused by name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRecording } from '../../bench/recording';
import { runCli, writeJson } from '../helpers/cli-run';

const USER = join(process.cwd(), 'test/fixtures/strategies/imbalance-taker.ts');
const dir = mkdtempSync(join(tmpdir(), 'ringbook-optimize-strategy-'));
const data = join(dir, 'rec');
writeRecording(data, 60_000, 5);
const HEX = /^[0-9a-f]{64}$/;

const cli = runCli;
const space = (name: string, value: unknown) => writeJson(dir, name, value);
const read = (d: string, f: string) => readFileSync(join(d, f), 'utf8');
const lines = (d: string) =>
  read(d, 'trials.jsonl')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

const TAKER_SPACE = space('taker', { threshold: [0.2, 0.4], confirm: [1, 3] });
const taker = (out: string, ...extra: string[]) =>
  cli('optimize', data, '--strategy', 'signal-taker', '--set', 'maxSpreadTicks=100000', '--space', TAKER_SPACE, '--out', out, ...extra);

test('signal-taker: a search over its declared parameters, hashes in the manifest and on every trial, name and hash in the reports', () => {
  const out = join(dir, 'taker');
  const r = taker(out, '--workers', '2');
  assert.is(r.code, 0, r.err);
  assert.match(
    r.err,
    /: 4 of 4 trials on 2 worker\(s\), \d{1,3}(,\d{3})+ records/,
    'counts with thousands separators, as the report has them',
  );
  const m = JSON.parse(read(out, 'manifest.json'));
  assert.is(m.strategy.name, 'signal-taker');
  assert.is(m.strategy.source, 'builtin:signal-taker');
  assert.match(m.strategy.bundleSha256, HEX);
  assert.match(m.strategy.coreSha256, HEX);
  assert.not.ok('strategy' in m.settings, "the bundle's text stays out of the manifest");
  assert.equal(m.keys, ['threshold', 'confirm']);
  assert.is(m.units.confirm, 'messages');
  const trials = lines(out);
  assert.is(trials.length, 4);
  for (const t of trials) {
    assert.is(t.bundleSha256, m.strategy.bundleSha256, `trial ${t.id}`);
    assert.is(t.coreSha256, m.strategy.coreSha256, `trial ${t.id}`);
    assert.not.ok(t.error, t.error);
  }
  assert.ok(
    trials.some((t) => t.metrics.activity.orders > 0),
    'the strategy traded',
  );
  // different parameters, different outcomes: the trials really ran the parameters they name
  assert.ok(new Set(trials.map((t) => t.metrics.activity.orders)).size > 1, 'threshold and confirm change what it does');
  assert.match(
    r.out,
    new RegExp(
      `^strategy signal-taker \\(bundle sha256 ${m.strategy.bundleSha256.slice(0, 12)}…, core ${m.strategy.coreSha256.slice(0, 12)}…\\)\\n`,
    ),
  );
  assert.match(r.err, /signal-taker \(bundle sha256 [0-9a-f]{12}…, core [0-9a-f]{12}…\): 4 of 4 trials/);
  const html = read(out, 'report.html');
  assert.ok(html.includes(`strategy signal-taker (bundle sha256 ${m.strategy.bundleSha256.slice(0, 12)}…`), 'the HTML report names it');
  const best = JSON.parse(read(out, 'best.json'));
  assert.ok([0.2, 0.4].includes(best.threshold), 'best.json holds signal-taker parameters');
});

test('the same trials whatever the worker count (each worker evaluates the bundle itself)', () => {
  const a = join(dir, 'taker-w1');
  const b = join(dir, 'taker-w2');
  assert.is(taker(a, '--workers', '1').code, 0);
  assert.is(taker(b, '--workers', '2').code, 0);
  assert.is(read(a, 'trials.jsonl'), read(b, 'trials.jsonl'));
});

test("a user's file: its declared parameters searched, durations in a range, hashes per trial", () => {
  const out = join(dir, 'user');
  const sp = space('user', { threshold: [0.1, 0.3], holdNs: ['500ms', '2s'] });
  const r = cli('optimize', data, '--strategy', USER, '--space', sp, '--method', 'random', '--trials', '3', '--workers', '2', '--out', out);
  assert.is(r.code, 0, r.err);
  const m = JSON.parse(read(out, 'manifest.json'));
  assert.is(m.strategy.name, 'imbalance-taker');
  assert.is(m.strategy.source, USER);
  assert.match(m.strategy.bundleSha256, HEX);
  const trials = lines(out);
  assert.is(trials.length, 3);
  for (const t of trials) {
    assert.is(t.bundleSha256, m.strategy.bundleSha256);
    assert.ok([500_000_000, 2_000_000_000].includes(t.params.holdNs), 'durations as integer ns');
  }
  assert.match(r.out, /^strategy imbalance-taker \(bundle sha256 /);
  assert.match(r.out, /holdNs/);
});

test('a mistyped parameter of the strategy says "did you mean", naming the strategy, the file and line', () => {
  const sp = join(dir, 'typo.json');
  writeFileSync(sp, '{\n  "threshold": [0.2],\n  "holdNS": ["1s"]\n}\n');
  const r = cli('optimize', data, '--strategy', USER, '--space', sp, '--out', join(dir, 'typo'));
  assert.is(r.code, 1);
  assert.is(
    r.err.trim(),
    `ringbook: --space ${sp}, line 3: search space: holdNS is not a parameter of imbalance-taker (did you mean holdNs?)`,
  );
  // a name near nothing lists what the strategy declares
  const far = space('far', { zzz: [1] });
  const f = cli('optimize', data, '--strategy', 'signal-taker', '--space', far, '--out', join(dir, 'far'));
  assert.match(
    f.err,
    /zzz is not a parameter of signal-taker \(signal-taker declares signal, threshold, confirm, sizeLot, holdNs, maxSpreadTicks; the runtime's settings are risk\.\* and orders\.\*\)/,
  );
  // obi-ofi's parameter is not signal-taker's
  const other = space('other', { 'entry.threshold': [1] });
  assert.match(
    cli('optimize', data, '--strategy', 'signal-taker', '--space', other, '--out', join(dir, 'o')).err,
    /entry\.threshold is not a parameter of signal-taker/,
  );
});

test('shards of one bundle merge to the unsharded run; a shard of another bundle is refused, both named', () => {
  const sp = space('shards', { threshold: [0.1, 0.2, 0.3] });
  const file = join(dir, 'mine.ts');
  copyFileSync(USER, file);
  const run = (out: string, ...extra: string[]) => {
    const r = cli('optimize', data, '--strategy', file, '--space', sp, '--workers', '1', '--out', out, ...extra);
    assert.is(r.code, 0, r.err);
  };
  const whole = join(dir, 'whole');
  run(whole);
  const s0 = join(dir, 's0');
  const s1 = join(dir, 's1');
  run(s0, '--shard', '0/2');
  run(s1, '--shard', '1/2');
  const merged = join(dir, 'merged');
  const ok = cli('optimize', 'merge', s0, s1, '--out', merged);
  assert.is(ok.code, 0, ok.err);
  assert.is(read(merged, 'trials.jsonl'), read(whole, 'trials.jsonl'));
  assert.is(read(merged, 'summary.json'), read(whole, 'summary.json'));
  assert.equal(JSON.parse(read(merged, 'manifest.json')).strategy, JSON.parse(read(whole, 'manifest.json')).strategy);
  assert.match(ok.out, /^strategy imbalance-taker \(bundle sha256 /);

  // the user edits the file between shards: a different bundle
  appendFileSync(file, '\n// tuned\nexport const edited = 1;\n');
  const s1b = join(dir, 's1-edited');
  run(s1b, '--shard', '1/2');
  const h0 = JSON.parse(read(s0, 'manifest.json')).strategy.bundleSha256 as string;
  const h1 = JSON.parse(read(s1b, 'manifest.json')).strategy.bundleSha256 as string;
  assert.is.not(h0, h1);
  const bad = cli('optimize', 'merge', s0, s1b, '--out', join(dir, 'bad'));
  assert.is(bad.code, 1);
  assert.ok(
    bad.err.includes(`${s1b} ran the strategy imbalance-taker (bundle sha256 ${h1.slice(0, 12)}…`) &&
      bad.err.includes(`${s0} ran imbalance-taker (bundle sha256 ${h0.slice(0, 12)}…`),
    bad.err,
  );
  // another strategy altogether
  const other = join(dir, 's1-taker');
  const r = cli('optimize', data, '--strategy', 'signal-taker', '--space', sp, '--workers', '1', '--shard', '1/2', '--out', other);
  assert.is(r.code, 0, r.err);
  assert.match(
    cli('optimize', 'merge', s0, other, '--out', join(dir, 'bad2')).err,
    /ran the strategy signal-taker \(bundle sha256 .*ran imbalance-taker/,
  );
});

test('a strategy that throws: every trial halts safely, and the summary says so with the handler, file and line', () => {
  const sp = space('throws', { 'risk.maxPositionLot': [1, 2] });
  const out = join(dir, 'throws');
  const r = cli(
    'optimize',
    data,
    '--strategy',
    join(process.cwd(), 'test/fixtures/strategies/throws.ts'),
    '--space',
    sp,
    '--workers',
    '1',
    '--out',
    out,
  );
  assert.is(r.code, 1, 'every trial threw: nothing chosen, a failed run');
  assert.match(
    r.out,
    /^the strategy threw in 2 of 2 trials, which stopped trading there \(first: trial 0: strategy error in onBook: no signal at \d+ \(.*throws\.ts:13:\d+\)\)\n/,
  );
  for (const t of lines(out)) assert.match(t.metrics.strategy.halted.reason, /^strategy error in onBook/);
  assert.match(
    read(out, 'report.html'),
    /The strategy threw in 2 of 2 trials, which stopped trading there \(first: trial 0: strategy error in onBook/,
  );
});

test("a create() that refuses a trial's values: that trial is an invalid configuration, named, and the search goes on", () => {
  // written here: create() throws for a limit above 1, as a strategy checking its parameters at its start does
  const file = join(dir, 'refuses-in-create.ts');
  writeFileSync(
    file,
    [
      "import { defineStrategy } from 'ringbook';",
      'export default defineStrategy({',
      "  name: 'refuses-in-create',",
      "  params: { limit: { type: 'integer', default: 1, min: 1, max: 10, unit: 'lots', description: 'above 1, create() throws' } },",
      '  create(ctx) {',
      '    if (ctx.params.limit > 1) throw new Error(`limit ${ctx.params.limit} is not supported`);',
      '    return { onBook() {} };',
      '  },',
      '});',
      '',
    ].join('\n'),
  );
  const out = join(dir, 'refuses-in-create');
  const r = cli('optimize', data, '--strategy', file, '--space', space('refuses', { limit: [1, 2, 3] }), '--workers', '1', '--out', out);
  assert.is(r.code, 0, r.err);
  assert.not.match(r.err, /failed|\n\s+at /, 'no stack trace, no aborted search');
  assert.match(r.out, /\n3 trials \(1 scored, 2 invalid configs\)/);
  assert.match(
    r.out,
    /\ninvalid: trial 1 \(limit=2\): strategy refuses-in-create: create\(\) failed: limit 2 is not supported \(.*refuses-in-create\.ts:6:\d+\); every invalid trial's reason/,
  );
  assert.match(r.out, /\nchosen: trial 0 \(best objective on the whole data\): limit=1\n/);
  const trials = lines(out);
  assert.is(trials[0].error, undefined);
  assert.match(trials[1].error, /^strategy refuses-in-create: create\(\) failed: limit 2 is not supported \(/);
  assert.match(trials[2].error, /^strategy refuses-in-create: create\(\) failed: limit 3 is not supported \(/);
  // backtest with the same values stops with the same message
  const b = cli('backtest', data, '--strategy', file, '--set', 'limit=2');
  assert.is(b.code, 1, b.err);
  assert.match(b.err, trials[1].error);
});

test.run();
