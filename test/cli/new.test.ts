// `ringbook new strategy NAME` through the built CLI: the starter it writes into an empty directory loads, backtests
// byte-identically twice and trades on a small recording, optimizes over its space file, and its own test file passes
// under `node --test` from that directory with nothing but the ringbook command; it refuses to overwrite, a bad name
// or kind gets a usage error. The tsconfig.json it writes lets TypeScript (this repository's tsc, run on the user's
// directory) check the starter with the API's full types: a wrong value is reported at its line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRecording, writeSymbols } from '../../bench/recording';

const CLI = join(process.cwd(), 'build/ringbook.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ringbook-new-'));
const data = join(dir, 'rec');
writeRecording(data, 60_000, 5);
const home = join(dir, 'user');

function cli(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('writes the starter, its test and a space file, and says what to run next', () => {
  const r = cli(dir, 'new', 'strategy', 'my-first', '--out', home);
  assert.is(r.code, 0, r.err);
  assert.equal(readdirSync(home).sort(), ['my-first.space.json', 'my-first.test.mjs', 'my-first.ts', 'tsconfig.json']);
  assert.match(
    r.out,
    /^wrote user\/my-first\.ts, user\/my-first\.test\.mjs, user\/my-first\.space\.json and user\/tsconfig\.json\nnext:\n/,
  );
  // next: in the form it was run (node <path>: no ringbook on the PATH), and the test file runs that same command
  assert.ok(r.out.includes(`\n  node ${CLI} backtest data/ --strategy user/my-first.ts\n`), r.out);
  assert.ok(
    r.out.includes(`\n  RINGBOOK_DATA=data/ node --test user/my-first.test.mjs    (it runs node ${CLI}; RINGBOOK='…' for another)\n`),
    r.out,
  );
  assert.ok(r.out.includes(`\n  node ${CLI} optimize data/ --strategy user/my-first.ts --space user/my-first.space.json\n`), r.out);
  assert.not.match(r.out, /^ {2}ringbook /m);
  assert.ok(readFileSync(join(home, 'my-first.test.mjs'), 'utf8').includes(`: ${JSON.stringify(['node', CLI])};`));
  const src = readFileSync(join(home, 'my-first.ts'), 'utf8');
  assert.match(src, /import \{ defineStrategy, type Market \} from 'ringbook';/);
  assert.match(src, /name: 'my-first'/);
  for (const h of ['onBook(m)', 'onOrder(u)', 'onTimer(id)', 'ctx.record(', 'ctx.count(']) assert.ok(src.includes(h), h);
  assert.not.match(src, /__NAME__/);
});

test('the starter loads, backtests byte-identically twice and trades', () => {
  const file = join(home, 'my-first.ts');
  const a = cli(home, 'backtest', data, '--strategy', file, '--json');
  assert.is(a.code, 0, a.err);
  const b = cli(home, 'backtest', data, '--strategy', file, '--json');
  assert.is(b.out, a.out);
  const j = JSON.parse(a.out);
  assert.is(j.strategy.name, 'my-first');
  assert.match(j.strategy.bundleSha256, /^[0-9a-f]{64}$/);
  assert.equal(Object.keys(j.parameters.values).slice(0, 3), ['threshold', 'confirm', 'holdNs']);
  assert.ok(j.activity.orders > 0, 'it places orders');
  assert.ok(j.trades.count > 0, 'round trips');
});

test('the starter optimizes over its space file', () => {
  const out = join(dir, 'opt');
  const r = cli(
    home,
    'optimize',
    data,
    '--strategy',
    'my-first.ts',
    '--space',
    'my-first.space.json',
    '--method',
    'random',
    '--trials',
    '4',
    '--workers',
    '2',
    '--out',
    out,
  );
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^strategy my-first \(bundle sha256 [0-9a-f]{12}…, core [0-9a-f]{12}…\)\n4 trials \(4 scored, 0 invalid configs\)/);
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  assert.equal(m.keys, ['threshold', 'confirm', 'holdNs']);
});

test("its test file passes under node --test from the user's directory, running the command that wrote it", () => {
  const own = spawnSync(process.execPath, ['--test', 'my-first.test.mjs'], {
    cwd: home,
    encoding: 'utf8',
    env: { ...process.env, RINGBOOK_DATA: data, RINGBOOK: '' },
  });
  assert.is(own.status, 0, own.stdout + own.stderr);
  assert.match(own.stdout, /# pass 2\n/);
});

test("its test file passes under node --test from the user's directory, with only the ringbook command", () => {
  const r = spawnSync(process.execPath, ['--test', 'my-first.test.mjs'], {
    cwd: home,
    encoding: 'utf8',
    env: { ...process.env, RINGBOOK_DATA: data, RINGBOOK: `${process.execPath} ${CLI}` },
  });
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /# pass 2\n/);
  assert.match(r.stdout, /# fail 0\n/);
  // without a recording it skips, saying how to make one
  const s = spawnSync(process.execPath, ['--test', 'my-first.test.mjs'], {
    cwd: home,
    encoding: 'utf8',
    env: { ...process.env, RINGBOOK_DATA: join(dir, 'none'), RINGBOOK: `${process.execPath} ${CLI}` },
  });
  assert.is(s.status, 0, s.stdout);
  assert.match(s.stdout, /# skipped 2\n/);
  assert.match(s.stdout, /ringbook demo --duration 2m --out/);
});

test('the starter trades one instrument: refused over several up front, its test picks one with RINGBOOK_SYMBOL', () => {
  const two = join(dir, 'two');
  writeSymbols(two, 60_000, ['BTCUSDT', 'ETHUSDT']);
  const r = cli(home, 'backtest', two, '--symbols', 'BTCUSDT,ETHUSDT', '--strategy', 'my-first.ts');
  assert.is(r.code, 2, r.err);
  assert.match(r.err, /my-first trades one instrument; run it with one --symbol \(not BTCUSDT,ETHUSDT\)/);
  const t = spawnSync(process.execPath, ['--test', 'my-first.test.mjs'], {
    cwd: home,
    encoding: 'utf8',
    env: { ...process.env, RINGBOOK_DATA: two, RINGBOOK_SYMBOL: 'ETHUSDT', RINGBOOK: `${process.execPath} ${CLI}` },
  });
  assert.is(t.status, 0, t.stdout + t.stderr);
  assert.match(t.stdout, /# pass 2\n/);
});

const TSC = join(process.cwd(), 'node_modules/.bin/tsc');
function tsc(project: string) {
  const r = spawnSync(TSC, ['-p', project, '--pretty', 'false'], { cwd: project, encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

test("tsc type-checks the starter in the user's directory with the API's types, and reports a type error at its line", () => {
  const d = join(dir, 'typed');
  assert.is(cli(dir, 'new', 'strategy', 'typed', '--out', d).code, 0);
  const config = readFileSync(join(d, 'tsconfig.json'), 'utf8');
  assert.match(config, /"strict": true/);
  assert.ok(config.includes(JSON.stringify(join(process.cwd(), 'build/ringbook.d.ts'))), config);
  const clean = tsc(d);
  assert.is(clean.code, 0, clean.out);
  const file = join(d, 'typed.ts');
  const lines = readFileSync(file, 'utf8').split('\n');
  const at = lines.findIndex((l) => l.includes('onBook(m) {')) + 1;
  lines.splice(at, 0, "        ctx.place({ side: 'up', sizeLot: 1 });", '        const t: string = p.threshold;');
  writeFileSync(file, lines.join('\n'));
  const bad = tsc(d);
  assert.is(bad.code, 1, bad.out);
  assert.match(bad.out, new RegExp(`typed\\.ts\\(${at + 1},\\d+\\): error TS2322: Type '"up"' is not assignable to type 'Side'`));
  assert.match(bad.out, new RegExp(`typed\\.ts\\(${at + 2},\\d+\\): error TS2322: Type 'number' is not assignable to type 'string'`));
});

test("an existing tsconfig.json is left alone, and the output says what to add; the package's types serve an installed ringbook", () => {
  const d = join(dir, 'own');
  mkdirSync(d);
  const own = '{ "compilerOptions": { "strict": true, "module": "esnext", "moduleResolution": "bundler", "noEmit": true, "types": [] } }\n';
  writeFileSync(join(d, 'tsconfig.json'), own);
  const r = cli(d, 'new', 'strategy', 'own');
  assert.is(r.code, 0, r.err);
  assert.match(
    r.out,
    /^wrote own\.ts, own\.test\.mjs and own\.space\.json\nleft the existing tsconfig\.json alone: for types, add to its compilerOptions "paths": \{ "ringbook": \[".*build\/ringbook\.d\.ts"\] \}\n/,
  );
  assert.is(readFileSync(join(d, 'tsconfig.json'), 'utf8'), own);
  // ringbook installed as a package (here: linked, as npm link or a local install does): its package.json "types"
  mkdirSync(join(d, 'node_modules'));
  symlinkSync(process.cwd(), join(d, 'node_modules/ringbook'), 'dir');
  const checked = tsc(d);
  assert.is(checked.code, 0, checked.out);
});

test('never overwrites: one existing file stops it before anything is written', () => {
  const d = join(dir, 'taken');
  const first = cli(dir, 'new', 'strategy', 'taken', '--out', d);
  assert.is(first.code, 0, first.err);
  writeFileSync(join(d, 'taken.ts'), '// mine\n');
  const r = cli(dir, 'new', 'strategy', 'taken', '--out', d);
  assert.is(r.code, 1);
  assert.match(r.err, /taken\.ts, .*taken\.test\.mjs, .*taken\.space\.json already exist: ringbook new does not overwrite/);
  assert.is(readFileSync(join(d, 'taken.ts'), 'utf8'), '// mine\n');
});

test('NAME.ts, the file it writes, is taken to mean NAME; a name nearly right gets the command to type', () => {
  const d = join(dir, 'suffixed');
  const r = cli(dir, 'new', 'strategy', 'with-suffix.ts', '--out', d);
  assert.is(r.code, 0, r.err);
  assert.equal(readdirSync(d).sort(), ['tsconfig.json', 'with-suffix.space.json', 'with-suffix.test.mjs', 'with-suffix.ts']);
  assert.match(readFileSync(join(d, 'with-suffix.ts'), 'utf8'), /name: 'with-suffix'/);
  const bad = cli(dir, 'new', 'strategy', 'My_Strategy.ts');
  assert.is(bad.code, 2);
  assert.match(
    bad.err,
    /"My_Strategy\.ts": a strategy's name is lower-case words and dashes, e\.g\. my-strategy \(did you mean ringbook new strategy my-strategy\?\)/,
  );
  const path = cli(dir, 'new', 'strategy', 'strategies/mean-revert.ts');
  assert.is(path.code, 2);
  assert.match(path.err, /\(did you mean ringbook new strategy mean-revert --out strategies\?\)/);
  const absolute = cli(dir, 'new', 'strategy', '/srv/strategies/mean-revert.ts');
  assert.is(absolute.code, 2);
  assert.match(absolute.err, /\(did you mean ringbook new strategy mean-revert --out \/srv\/strategies\?\)/, 'an absolute directory kept');
});

test('its test names the parameter it checks once, with a comment to keep it in step with the strategy', () => {
  const t = readFileSync(join(home, 'my-first.test.mjs'), 'utf8');
  assert.match(t, /When you rename, remove or\n\/\/ rebound it there, update these two lines/);
  assert.match(t, /^const PARAM = 'threshold';$/m);
  assert.is(t.match(/threshold/g)!.length, 2, 'the comment and the constant: the test reads PARAM');
});

test('usage errors: a bad name, another kind, a missing name', () => {
  const bad = cli(dir, 'new', 'strategy', 'My_Strategy');
  assert.is(bad.code, 2);
  assert.match(bad.err, /a strategy's name is lower-case words and dashes, e\.g\. my-strategy/);
  const kind = cli(dir, 'new', 'strategi', 'x');
  assert.is(kind.code, 2);
  assert.match(kind.err, /ringbook new makes a strategy: ringbook new strategy NAME/);
  assert.is(cli(dir, 'new', 'strategy').code, 2);
  assert.match(cli(dir, 'new', '--help').out, /^ringbook new strategy NAME \[--out DIR\]/);
});

test.run();
