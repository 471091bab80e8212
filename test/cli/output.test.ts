// What the built CLI prints, checked as text: one grammar (help with flags, defaults and two examples on every
// command and subcommand; "did you mean" and the help hint for an unknown flag; one duration syntax; --symbol and
// --symbols alike; --version; exit codes), config and space errors that name the file and line, backtest reports
// that say why there were no trades, when and why a run halted and which parameters it ran with, numbers in their
// units, and the optimizer's verdict in words.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRecording } from '../../bench/recording';
import { BENCHMARKS } from '../../bench/index';

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['build/ringbook.mjs', ...args], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 });
const dir = mkdtempSync(join(tmpdir(), 'ringbook-cli-output-'));
const data = join(dir, 'gen');
writeRecording(data, 60_000, 11);

const COMMANDS = ['demo', 'live', 'watch', 'record', 'inspect', 'import', 'backtest', 'optimize', 'serve', 'exchange', 'doctor', 'bench'];

test('--help on every command and subcommand: exit 0, every flag with its default, two examples', () => {
  for (const cmd of [...COMMANDS.map((c) => [c]), ['optimize', 'merge'], ['import', 'tardis'], ['import', 'tardis-csv']]) {
    const r = cli(...cmd, '--help');
    assert.is(r.status, 0, `${cmd.join(' ')} --help: ${r.stderr}`);
    const out = r.stdout;
    assert.ok(out.startsWith(`ringbook ${cmd.join(' ')} `), out.slice(0, 80));
    if (cmd.join(' ') !== 'import') assert.match(out, /--help, -h\s+this text/, cmd.join(' '));
    const examples = out.slice(out.indexOf('\nexamples:\n'));
    assert.ok((examples.match(new RegExp(`\\n  ringbook ${cmd.join(' ')}\\b`, 'g')) ?? []).length >= 2, `${cmd.join(' ')}: two examples`);
    assert.is(cli(...cmd, '-h').stdout, out);
  }
  assert.match(cli('backtest', '--help').stdout, /--sample D\s+equity sampling interval of the report \[default: 1s\]/);
  assert.match(cli('demo', '--help').stdout, /--duration D\s+how long to trade \[default: 60s\]/);
  assert.match(cli('demo', '--help').stdout, /presets of obi-ofi \(--preset NAME\):\n {2}default .*\n {2}demo .*\n {2}demo-passive /);
});

test('ringbook --version, and the command list with exit codes', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  const v = cli('--version');
  assert.is(v.status, 0);
  assert.is(v.stdout.trim(), `ringbook ${pkg.version}`);
  const help = cli('--help').stdout;
  for (const c of COMMANDS) assert.match(help, new RegExp(`\\n {2}${c} +\\S`), c);
  assert.match(
    help,
    /exit codes:\n {2}0 +done\n {2}1 +failed.*\n {2}2 +bad command line.*\n {2}3 +backtest --parity.*HALTED.*\n {2}130 .*\n.*\n {2}137 +backtest, demo, live: a strategy handler/,
  );
});

test('bench: one list of benchmarks in the command list, its help and the README', () => {
  const names = BENCHMARKS.map((b) => b.name);
  assert.match(cli('--help').stdout, new RegExp(`bench +benchmarks .*: ${names.join(', ')}`));
  const help = cli('bench', '--help').stdout;
  for (const b of BENCHMARKS) assert.ok(help.includes(`  ${b.name.padEnd(9)} ${b.summary}`), b.name);
  assert.ok(readFileSync('README.md', 'utf8').includes(`ringbook bench [${names.join('\\|')} …]`), 'README lists the same benchmarks');
  const r = cli('bench', 'disk');
  assert.is(r.status, 2);
  assert.match(r.stderr, /unknown benchmark "disk": expected one of ring, book, feed, capture, backtest, optimize/);
});

test('mistakes on the command line: did you mean, the help hint, exit 2, no raw parser message', () => {
  const cases: [string[], string][] = [
    [['backtest', data, '--sampel', '2s'], 'unknown option --sampel: did you mean --sample? (see ringbook backtest --help)'],
    [['inspect', data, '--bogus'], 'unknown option --bogus (see ringbook inspect --help)'],
    // a flag people know from elsewhere under another name
    [['backtest', data, '--html', 'r.html'], 'unknown option --html: did you mean --report? (see ringbook backtest --help)'],
    [['optimize', data, '--bogus'], 'unknown option --bogus (see ringbook optimize --help)'],
    [['optimize', 'merge', '--bogus'], 'unknown option --bogus (see ringbook optimize merge --help)'],
    [['serve', '--prot', '0'], 'unknown option --prot: did you mean --port? (see ringbook serve --help)'],
    [['live', '--out', 'd7'], 'unknown option --out: did you mean --record? (see ringbook live --help)'],
    [['demo', '--duration', '-5s'], '--duration -5s: a duration must be positive (e.g. 500ms, 3s, 5m, 1h, 2d)'],
    [['watch', '--duration', 'soon'], '--duration "soon" is not a duration (e.g. 500ms, 3s, 5m, 1h, 2d; a plain number is seconds)'],
    [['record', '--roll'], '--roll needs a value (D) (see ringbook record --help)'],
    [
      ['backtest', data, '--preset', 'dmeo'],
      '--preset "dmeo" is not a preset of obi-ofi: default, demo, demo-passive (did you mean demo?) (see ringbook backtest --help)',
    ],
    [['frobnicate'], 'unknown command "frobnicate" (see ringbook --help)'],
    [['backtst'], 'unknown command "backtst": did you mean backtest? (see ringbook --help)'],
    [['import', 'tardis', 'x.ndjson', '--tik', '0.1'], 'unknown option --tik: did you mean --tick? (see ringbook import tardis --help)'],
    [['backtest', data, '--feed-latency-shift'], '--feed-latency-shift needs a value (D) (see ringbook backtest --help)'],
  ];
  for (const [args, message] of cases) {
    const r = cli(...args);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.is(r.stderr.trim(), `ringbook: ${message}`);
    assert.not.match(r.stderr, /ambiguous|ERR_PARSE_ARGS|place it|'--/);
  }
});

test('config and space errors name the file and line, or the nearest parameter', () => {
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{\n  "entry": {\n    "threshold": 1.5,\n  }\n}\n');
  const typo = join(dir, 'typo.json');
  writeFileSync(typo, '{\n  "entry": {\n    "thresold": 1.5\n  }\n}\n');
  const space = join(dir, 'space.json');
  writeFileSync(space, '{\n  "entry.thresold": [1, 2]\n}\n');
  const r1 = cli('backtest', data, '--config', bad);
  assert.is(r1.status, 1);
  assert.ok(r1.stderr.startsWith(`ringbook: --config ${bad}, line 4, column 3: not valid JSON: `), r1.stderr);
  assert.is(
    cli('backtest', data, '--config', join(dir, 'nope.json')).stderr.trim(),
    `ringbook: --config ${join(dir, 'nope.json')}: no such file`,
  );
  assert.is(
    cli('backtest', data, '--config', typo).stderr.trim(),
    `ringbook: --config ${typo}, line 3: strategy config: entry.thresold is not a known field (did you mean entry.threshold?)`,
  );
  assert.is(
    cli('backtest', data, '--set', 'entry.thresold=1.5').stderr.trim(),
    'ringbook: --set entry.thresold=1.5: strategy config: entry.thresold is not a known field (did you mean entry.threshold?)',
  );
  assert.is(
    cli('optimize', data, '--space', space).stderr.trim(),
    `ringbook: --space ${space}, line 2: search space: entry.thresold is not a parameter of obi-ofi (did you mean entry.threshold?)`,
  );
});

test('backtest with the defaults: why no trades, in words, with the parameter to change', () => {
  const r = cli('backtest', data);
  assert.is(r.status, 0, r.stderr);
  const out = r.stdout;
  assert.match(out, /\nOutcome\n {2}round trips +0 +0 fills, 0 orders\n {2}final phase +IDLE\n {2}halted +no\n {2}why no trades:\n {4}\S/);
  const why = /why no trades:\n {4}(.*)\n/.exec(out)![1];
  assert.match(
    why,
    /^(gates\.maxSpreadTicks blocked [\d,]+ entries: the spread was wider than 5 ticks .*; try --set gates\.maxSpreadTicks=\d+|entry\.\w+: .*)$/,
  );
  const html = join(dir, 'none.html');
  cli('backtest', data, '--report', html);
  assert.ok(readFileSync(html, 'utf8').includes(`<p class="why">Why no trades: ${why.replace(/&/g, '&amp;').replace(/'/g, '&#39;')}</p>`));
  // following the advice trades
  const advice = /try (--set \S+)/.exec(out);
  if (advice) {
    const again = cli('backtest', data, '--preset', 'demo', ...advice[1].split(' '), '--json');
    assert.ok(JSON.parse(again.stdout).activity.fills > 0, 'the suggested value lets entries through');
  }
});

test('backtest report: money in USDT, human durations, n/a where the run is too short, every parameter listed', () => {
  const spread = JSON.parse(cli('backtest', data, '--preset', 'demo', '--json').stdout).signals.spreadBeyond.p50;
  const args = [data, '--preset', 'demo', '--set', `gates.maxSpreadTicks=${spread}`];
  const out = cli('backtest', ...args).stdout;
  assert.match(out, /\n {2}fees +\d[\d,]*\.\d+ {2}USDT /);
  assert.match(out, /\n {2}tick size +[\d.]+ {2}USDT/);
  assert.match(out, /\n {2}duration +\d+ min( \d+ s)?\n/);
  assert.match(out, /\n {2}Sharpe, annualised +n\/a +needs ≥ 1 day of data, have \d+ min/);
  assert.match(out, /\n {2}equity sampled every +1 s /);
  assert.match(out, /\nParameters \(docs\/strategy\.md\)\n {2}signal\.source +obiN +\* preset demo\n/);
  assert.match(out, /\n {2}gates\.maxSpreadTicks +\d+ {2}ticks +\* --set\n/);
  assert.match(out, /\n {2}exit\.timeStopNs +5 s +\* preset demo\n/);
  assert.match(out, /\n {2}strategy timer tick +50 ms\n/);
  assert.not.match(out, /\bquote\b|ticks·lots|\d\.\d{9,}|e-\d|\d{7,} ?ns/);
  const json = JSON.parse(cli('backtest', ...args, '--json').stdout);
  assert.is(json.units.Quote, 'USDT');
  assert.is(json.parameters.preset, 'demo');
  assert.is(json.parameters.values['gates.maxSpreadTicks'], spread);
  assert.is(json.parameters.sources['gates.maxSpreadTicks'], '--set');
  assert.is(Object.keys(json.parameters.values).length, 47);
  assert.is(json.strategy.halted, null);
  assert.ok(typeof json.pnl.feesQuote === 'number', 'JSON keeps raw numbers');
  const html = join(dir, 'r.html');
  cli('backtest', ...args, '--report', html);
  const page = readFileSync(html, 'utf8');
  assert.ok(page.includes('<h2>Parameters (docs/strategy.md)</h2>') && page.includes('gates.maxSpreadTicks'));
  assert.ok(page.includes('<h2>Outcome</h2>'));
});

test('backtest report says when and why the run halted', () => {
  const spread = JSON.parse(cli('backtest', data, '--preset', 'demo', '--json').stdout).signals.spreadBeyond.p50;
  const args = [data, '--preset', 'demo', '--set', `gates.maxSpreadTicks=${spread}`, '--set', 'risk.maxDailyLossQuote=0.001'];
  const out = cli('backtest', ...args).stdout;
  assert.match(out, /\n {2}final phase +HALTED\n {2}halted +yes +at \d{4}-\d\d-\d\dT[\d:.]+Z UTC\n/);
  assert.match(out, /\n {2}halted: risk\.maxDailyLossQuote: risk limit: the loss since the UTC day began passed 0\.0010 USDT\n/);
  const json = JSON.parse(cli('backtest', ...args, '--json').stdout);
  assert.match(json.strategy.halted.reason, /^risk breach \(dailyLoss\)/);
  assert.match(json.strategy.halted.atUtc, /^\d{4}-/);
  assert.is(json.halt.parameter, 'risk.maxDailyLossQuote');
});

test('optimize: the verdict in words, probabilities as percentages, and whether anything makes money', () => {
  const spread = JSON.parse(cli('backtest', data, '--preset', 'demo', '--json').stdout).signals.spreadBeyond.p50;
  const space = join(dir, 'ok-space.json');
  writeFileSync(space, JSON.stringify({ 'entry.threshold': [0.3, 0.5], 'exit.threshold': [0, 0.1] }));
  const out = join(dir, 'results');
  const r = cli(
    'optimize',
    data,
    '--space',
    space,
    '--preset',
    'demo',
    '--set',
    `gates.maxSpreadTicks=${spread}`,
    '--workers',
    '1',
    '--out',
    out,
  );
  assert.is(r.status, 0, r.stderr);
  const text = r.stdout;
  assert.match(
    text,
    /^strategy obi-ofi \(bundle sha256 [0-9a-f]{12}…, core [0-9a-f]{12}…\)\n4 trials \(4 scored, 0 invalid configs\) over \d+ min( \d+ s)? of BTCUSDT, ranked by net_pnl:/,
  );
  assert.match(text, /\noverfitting: (no )?evidence of skill after 4 trials \(DSR (< |> )?[\d.]+ %/);
  assert.match(text, /\n {2}PSR (< |> )?[\d.]+ % \(that the chosen Sharpe is above 0\), DSR (< |> )?[\d.]+ %/);
  assert.not.match(text, /e-\d|\d\.\d{9,}/);
  const nets = readFileSync(join(out, 'trials.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).metrics.pnl.netQuote as number);
  assert.is(/no configuration makes money/.test(text), Math.max(...nets) <= 0, 'said exactly when no trial nets a profit');
});

test('live with the defaults does not sit silently in IDLE: its summary says why it did not trade', () => {
  const r = cli('live', '--duration', '4s');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /^parameters \(from the defaults; all at the default\):\n/m);
  assert.match(r.stderr, /\n {2}ended {9}its --duration [^\n]+ ran out\n/);
  assert.match(
    r.stderr,
    /\n {2}trading {7}0 orders, 0 cancels( and 1 cancel-all)?, 0 fills, 0 rejects, 0 round trips; position 0 lots at the end\n/,
  );
  assert.match(r.stderr, /\n {2}why no trades\n {4}\S.*\n/);
  assert.not.match(r.stderr, /HALTED|1 cancels/);
});

test.run();
