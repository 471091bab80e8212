// `ringbook backtest --strategy FILE|NAME` through the built CLI: a user's strategy file from test/fixtures/strategies,
// signal-taker and obi-ofi each give byte-identical --json twice over; every report (terminal, JSON, HTML) says which
// strategy ran, its bundle's and the core's sha256 and its parameters, its counters and what it recorded (in brief in
// the terminal and --json, drawn in the HTML report); a strategy that reads the wall clock is refused before anything
// runs; a mistyped parameter of a user's strategy gets the nearest name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRecording } from '../../bench/recording';

const CLI = join(process.cwd(), 'build/ringbook.mjs');
const FIX = join(process.cwd(), 'test/fixtures/strategies');
const dir = mkdtempSync(join(tmpdir(), 'ringbook-strategy-cli-'));
const data = join(dir, 'rec');
writeRecording(data, 150_000, 5);
const run = (...args: string[]) =>
  execFileSync(process.execPath, [CLI, 'backtest', data, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });
/** A backtest whose strategy halts: its report on stdout, and exit 3 as a demo or live session that ends HALTED. */
const halting = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, 'backtest', data, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.is(r.status, 3, r.stderr);
  return r.stdout;
};

const USER = join(FIX, 'imbalance-taker.ts');
const CASES: Array<[string, string[]]> = [
  ['a user strategy file', ['--strategy', USER, '--set', 'threshold=0.2']],
  ['signal-taker', ['--strategy', 'signal-taker', '--set', 'maxSpreadTicks=100000', '--set', 'threshold=0.3']],
  ['obi-ofi', ['--preset', 'demo-passive', '--set', 'gates.maxSpreadTicks=100000']],
];

for (const [what, args] of CASES) {
  test(`deterministic: ${what} gives byte-identical --json twice, and it trades`, () => {
    const a = run(...args, '--json');
    const b = run(...args, '--json');
    assert.is(a, b);
    const j = JSON.parse(a);
    assert.ok(j.activity.orders > 0, `${what} placed orders`);
    assert.match(j.strategy.bundleSha256, /^[0-9a-f]{64}$/);
    assert.match(j.strategy.coreSha256, /^[0-9a-f]{64}$/);
    assert.is(j.parameters.strategy, j.strategy.name);
  });
}

test('a user strategy through backtest --strategy: its name, hashes, parameters, counters, log and recorded series in the reports', () => {
  const j = JSON.parse(run('--strategy', USER, '--set', 'threshold=0.2', '--json'));
  assert.is(j.strategy.name, 'imbalance-taker');
  assert.is(j.parameters.values.threshold, 0.2);
  assert.is(j.parameters.sources.threshold, '--set');
  assert.is(j.parameters.values.holdNs, 1_500_000_000, 'a default');
  assert.is(j.parameters.values['risk.maxPositionLot'], 10, "the runtime's settings beside the strategy's");
  assert.ok(j.trades.count > 0, 'round trips');
  assert.ok(
    j.trades.reasons.some((r: { reason: string }) => r.reason === 'hold'),
    'round trips named after the closing order’s tag',
  );
  assert.ok(j.log.lines >= 1 && j.log.kept[0].message.startsWith('imbalance-taker: threshold 0.2'), 'ctx.log kept');
  assert.ok(j.strategy.counters.disagree > 0, 'ctx.count in the counters');
  assert.ok(
    j.entriesBlocked.some((f: { line: string }) => /^disagree counted [\d,]+ times/.test(f.line)),
    'and under what stopped entries',
  );
  const text = run('--strategy', USER, '--set', 'threshold=0.2');
  assert.match(text, /\n {2}strategy +imbalance-taker +.*imbalance-taker\.ts\n/);
  assert.match(text, /\n {2}strategy bundle sha256 +[0-9a-f]{64}\n/);
  assert.match(text, /\n {2}core\.wasm sha256 +[0-9a-f]{64}\n/);
  assert.match(text, /\n {2}threshold +0\.2 +x +\* --set/);
  assert.match(text, /\nLog \(\d+ lines/);
  const recorded = j.strategy.recorded.find((r: { name: string }) => r.name === 'obiW at entry');
  assert.ok(recorded.points > 0 && recorded.min <= recorded.mean && recorded.mean <= recorded.max, 'ctx.record in brief in --json');
  assert.match(text, /\nStrategy \(imbalance-taker\)\n/);
  assert.match(text, /\n {2}disagree +[\d,]+ +counter\n/);
  assert.match(text, /\n {2}obiW at entry \(recorded\) +\S+ +last of [\d,]+ points; min \S+, max \S+, mean \S+\n/);
  const report = join(dir, 'user.html');
  run('--strategy', USER, '--set', 'threshold=0.2', '--report', report);
  const html = readFileSync(report, 'utf8');
  assert.ok(html.includes('Recorded by the strategy: obiW at entry'), 'ctx.record series drawn');
  assert.ok(html.includes(j.strategy.bundleSha256));
  assert.ok(html.includes('imbalance-taker: threshold 0.2'), 'the log');
});

test('a preset of a user strategy, and a mistyped parameter with the nearest name', () => {
  const j = JSON.parse(run('--strategy', USER, '--preset', 'patient', '--json'));
  assert.is(j.parameters.preset, 'patient');
  assert.is(j.parameters.values.holdNs, 5_000_000_000);
  const r = spawnSync(process.execPath, [CLI, 'backtest', data, '--strategy', USER, '--set', 'thresold=0.2'], { encoding: 'utf8' });
  assert.is(r.status, 2, 'a bad --set is a usage error');
  assert.match(r.stderr, /--set thresold=0\.2: strategy config: thresold is not a known field \(did you mean threshold\?\)/);
});

test('a strategy that reads the wall clock is refused before anything runs, with its file and line', () => {
  const r = spawnSync(process.execPath, [CLI, 'backtest', data, '--strategy', join(FIX, 'uses-date.ts')], { encoding: 'utf8' });
  assert.is(r.status, 1);
  assert.match(r.stderr, /uses-date\.ts:10:13: Date is not available in a strategy: the wall clock makes runs differ: use ctx\.now/);
  assert.is(r.stdout, '');
});

test('a strategy that never placed an order: the report says so, with what to do', () => {
  // |obiW| never reaches 1 on this data
  const text = run('--strategy', USER, '--set', 'threshold=1');
  assert.match(text, /why no trades: the strategy placed no order and no risk limit refused one: its own conditions were never met/);
});

test('a strategy that throws: the backtest reports the halt, naming the handler and the line', () => {
  const j = JSON.parse(halting('--strategy', join(FIX, 'throws.ts'), '--json'));
  assert.is(j.strategy.finalPhase, 'HALTED');
  assert.match(j.strategy.halted.reason, /^strategy error in onBook: no signal at \d+ \(test\/fixtures\/strategies\/throws\.ts:13:28\)$/);
  assert.match(
    j.halt.line,
    /^the strategy threw: onBook: no signal at \d+ \(test\/fixtures\/strategies\/throws\.ts:13:28\) \(its orders were cancelled and its position flattened\)$/,
  );
});

test('a misspelt signal (m.signals.ofiNorn) stops the run at its first read, naming the field and the right one', () => {
  const j = JSON.parse(halting('--strategy', join(FIX, 'misspelt-signal.js'), '--json'));
  assert.is(j.strategy.finalPhase, 'HALTED');
  assert.match(
    j.strategy.halted.reason,
    /^strategy error in onBook: m\.signals\.ofiNorn is not defined: did you mean m\.signals\.ofiNorm\? \(m\.signals has l1, obiN, .*zReady\) \(test\/fixtures\/strategies\/misspelt-signal\.js:11:\d+\)$/,
  );
});

test.run();
