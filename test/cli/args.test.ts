// One grammar for every command: typed flags with defaults, one duration syntax, aliases, "did you mean" for an
// unknown flag with the command's help hint, negative values taken as values, help with defaults and examples.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dirText, parseCommand, parseDuration, renderHelp, UsageError, type CommandSpec } from '../../src/cli/args';
import { fails } from '../helpers/fails';
import { durationNs } from '../../src/format/durations';
import { duration } from '../../src/format/numbers';
import { parseLatency } from '../../src/backtest/latency';
import { parseShift } from '../../src/backtest/feed-shift';
import { parseFolds } from '../../src/optimize/folds';

const SPEC = {
  name: 'try',
  usage: '<input> [options]',
  summary: 'A command for the tests.',
  positionals: { name: 'one input', min: 1, max: 1 },
  flags: {
    symbols: { type: 'list', arg: 'S[,S]', aliases: ['symbol'], noun: 'symbol', default: 'BTCUSDT', description: 'symbols' },
    duration: { type: 'duration', arg: 'D', description: 'how long' },
    roll: { type: 'duration', arg: 'D', default: '60s', description: 'roll' },
    skew: { type: 'int', arg: 'N', description: 'skew, may be negative' },
    port: { type: 'int', arg: 'N', default: 8080, min: 0, max: 65535, noun: 'a port number', description: 'port' },
    queue: { type: 'string', arg: 'M', default: 'fifo', choices: ['fifo', 'lifo'], description: 'queue' },
    set: { type: 'string', arg: 'k=v', multiple: true, description: 'override' },
    json: { type: 'boolean', description: 'JSON' },
  },
  examples: [
    ['try data/', 'the defaults'],
    ['try data/ --symbols BTCUSDT,ETHUSDT --duration 3s', 'two symbols for 3 s'],
  ],
} as const satisfies CommandSpec;

const parse = (...argv: string[]) => parseCommand(SPEC, argv, () => {})!;

test('defaults, types and conversions', () => {
  const { values, positionals } = parse('data/');
  assert.equal(positionals, ['data/']);
  assert.equal(values.symbols, ['BTCUSDT']);
  assert.is(values.duration, undefined);
  assert.is(values.roll, 60_000);
  assert.is(values.port, 8080);
  assert.is(values.queue, 'fifo');
  assert.equal(values.set, []);
  assert.is(values.json, false);
  const v = parse(
    '--symbol=ETHUSDT,SOLUSDT',
    'data/',
    '--duration',
    '500ms',
    '--skew',
    '-250',
    '--set',
    'a=1',
    '--set=b=2',
    '--json',
  ).values;
  assert.equal(v.symbols, ['ETHUSDT', 'SOLUSDT'], '--symbol is --symbols');
  assert.is(v.duration, 500);
  assert.is(v.skew, -250, 'a negative number is a value, not a flag');
  assert.equal(v.set, ['a=1', 'b=2']);
  assert.is(v.json, true);
});

test('one duration syntax: ms, s, m, min, h, d, a plain number of seconds; negative and zero refused', () => {
  assert.equal(
    ['500ms', '3s', '5m', '5min', '1h', '2d', '1.5', '90'].map((t) => parseDuration('--d', t)),
    [500, 3000, 300_000, 300_000, 3_600_000, 172_800_000, 1500, 90_000],
  );
  fails(() => parseDuration('--duration', '-5s'), '--duration -5s: a duration must be positive (e.g. 500ms, 3s, 5m, 1h, 2d)', UsageError);
  fails(
    () => parseDuration('--duration', 'soon'),
    '--duration "soon" is not a duration (e.g. 500ms, 3s, 5m, 1h, 2d; a plain number is seconds)',
    UsageError,
  );
  fails(() => parseDuration('--duration', '0s'), '--duration must be longer than 0 (e.g. 500ms, 3s, 5m, 1h, 2d)', UsageError);
  assert.is(parseDuration('--d', '0', true), 0);
  fails(() => parse('data/', '--duration', '-5s'), '--duration -5s: a duration must be positive (e.g. 500ms, 3s, 5m, 1h, 2d)', UsageError);
});

test('the same grammar wherever the command line takes a duration: --latency, --feed-latency-shift, --walk-forward', () => {
  // ns to d, a plain number of seconds, exact to the nanosecond
  assert.equal(
    ['5', '1.5', '250ns', '250us', '250µs', '5ms', '0.01s', '2m', '2min', '1h', '1d'].map((t) => durationNs('--d', t)),
    [
      5_000_000_000n,
      1_500_000_000n,
      250n,
      250_000n,
      250_000n,
      5_000_000n,
      10_000_000n,
      120_000_000_000n,
      120_000_000_000n,
      3_600_000_000_000n,
      86_400_000_000_000n,
    ],
  );
  assert.is(durationNs('--d', '1.000000001s'), 1_000_000_001n);
  assert.is(durationNs('--d', '-3ms', { signed: true }), -3_000_000n);
  fails(() => durationNs('--d', '0.5ns'), '--d "0.5ns" is not a whole number of nanoseconds (e.g. 500ms, 3s, 5m, 1h, 2d)', UsageError);
  // each flag through its own parser: a plain number is seconds everywhere
  const constant = parseLatency('constant:5,0.25');
  assert.equal([constant.entry(0), constant.response(0)], [5e9, 2.5e8]);
  // and named in the same grammar, with the largest unit that says it exactly
  assert.is(constant.name, 'constant:5s,250ms');
  assert.is(parseLatency('constant:1h').name, 'constant:1h,1h');
  assert.is(parseLatency('constant:1.5ms,0').name, 'constant:1500us,0ms');
  assert.is(parseLatency('feed:4,0,3,0.001').response(0), 1e6);
  assert.is(parseShift('-3'), -3e9);
  assert.is(parseShift('+1.5ms'), 1.5e6);
  assert.is(parseFolds('train=30,test=10,purge=0').trainNs, 30_000_000_000n);
  // errors name the flag and show an example
  fails(
    () => parseLatency('constant:5x'),
    '--latency constant:5x: "5x" is not a duration (e.g. 5ms, 250us, 0.01s; a plain number is seconds)',
    UsageError,
  );
  fails(
    () => parseShift('soon'),
    '--feed-latency-shift "soon" is not a duration (e.g. -3ms, +1.5ms, 250us; a plain number is seconds)',
    UsageError,
  );
  fails(
    () => parseFolds('train=3w,test=1d,purge=0'),
    'walk-forward "train=3w,test=1d,purge=0": train "3w" is not a duration (e.g. train=10m, train=1.5h, train=3d; a plain number is seconds)',
  );
});

test('a duration as reports print it is taken back: "2 s", "1 min 5 s", "12.5 µs", in every flag', () => {
  assert.equal(
    ['2 s', '1 min 5 s', '1min5s', '2 d 4 h', '3 h 7 min', '12.5 µs', '850 ns', '1.5 s'].map((t) => durationNs('--d', t)),
    [2_000_000_000n, 65_000_000_000n, 65_000_000_000n, 187_200_000_000_000n, 11_220_000_000_000n, 12_500n, 850n, 1_500_000_000n],
  );
  assert.is(durationNs('--d', '-2 min 5 s', { signed: true }), -125_000_000_000n, "the sign is the whole duration's");
  assert.is(parseDuration('--hung-after', '1 min 5 s'), 65_000);
  // every exact duration a report prints reads back as itself
  for (const ns of [850, 12_500, 3_200_000, 1e9, 1.5e9, 65e9, 300e9, 11_220e9, 187_200e9])
    assert.is(durationNs('--d', duration(ns)), BigInt(ns), duration(ns));
  // parts from the largest unit down, each with its unit
  for (const t of ['5 s 1 min', '1 s 2 s', '1 min 5', '- 5s', 'min'])
    fails(() => durationNs('--d', t), `--d "${t}" is not a duration (e.g. 500ms, 3s, 5m, 1h, 2d; a plain number is seconds)`, UsageError);
});

test('mistakes name the flag, the nearest known one and the help', () => {
  fails(() => parse('data/', '--jsn'), 'unknown option --jsn: did you mean --json? (see ringbook try --help)', UsageError);
  fails(() => parse('data/', '--frobnicate'), 'unknown option --frobnicate (see ringbook try --help)', UsageError);
  fails(() => parse('data/', '--duration'), '--duration needs a value (D) (see ringbook try --help)', UsageError);
  fails(() => parse('data/', '--duration', '--json'), '--duration needs a value (D) (see ringbook try --help)', UsageError);
  fails(() => parse('data/', '--json=yes'), '--json takes no value (got "yes") (see ringbook try --help)', UsageError);
  fails(
    () => parse('data/', '--port', '70000'),
    '--port needs a port number from 0 to 65535, got "70000" (see ringbook try --help)',
    UsageError,
  );
  fails(() => parse('data/', '--skew', '1.5'), '--skew needs a whole number, got "1.5" (see ringbook try --help)', UsageError);
  fails(
    () => parse('data/', '--queue', 'lifi'),
    '--queue "lifi" is not one of fifo, lifo (did you mean lifo?) (see ringbook try --help)',
    UsageError,
  );
  fails(
    () => parse('data/', '--symbols', ','),
    '--symbols needs at least one symbol: --symbols S[,S] (see ringbook try --help)',
    UsageError,
  );
  fails(() => parse(), 'ringbook try needs one input: ringbook try <input> [options] (see ringbook try --help)', UsageError);
  fails(() => parse('a', 'b'), 'unexpected argument "b": ringbook try takes one input (see ringbook try --help)', UsageError);
});

test('a flag given twice, under its name or an alias, is refused: which one was meant is a guess', () => {
  fails(
    () => parse('data/', '--symbol', 'BTCUSDT', '--symbols', 'ETHUSDT'),
    '--symbols ETHUSDT: --symbol BTCUSDT was given already (--symbols is another name for --symbol): give one list: --symbols BTCUSDT,ETHUSDT (see ringbook try --help)',
    UsageError,
  );
  // the list suggested names each item once (a symbol named twice in a list is refused in turn)
  fails(
    () => parse('data/', '--symbol', 'BTCUSDT', '--symbols', 'BTCUSDT'),
    '--symbols BTCUSDT: --symbol BTCUSDT was given already (--symbols is another name for --symbol): give one list: --symbols BTCUSDT (see ringbook try --help)',
    UsageError,
  );
  fails(
    () => parse('data/', '--queue', 'fifo', '--queue=lifo'),
    '--queue lifo: --queue fifo was given already: give it once (see ringbook try --help)',
    UsageError,
  );
  fails(() => parse('data/', '--json', '--json'), '--json: --json was given already: give it once (see ringbook try --help)', UsageError);
  assert.equal(parse('data/', '--set', 'a=1', '--set', 'a=2').values.set, ['a=1', 'a=2'], 'a repeatable flag repeats');
});

test('--help and -h print flags with defaults, and two examples', () => {
  let printed = '';
  assert.is(
    parseCommand(SPEC, ['--help'], (t) => (printed = t)),
    null,
  );
  assert.is(printed, renderHelp(SPEC));
  assert.is(
    parseCommand(SPEC, ['-h'], () => {}),
    null,
  );
  assert.match(printed, /^ringbook try <input> \[options\]\n\nA command for the tests\./);
  assert.match(printed, /--symbols S\[,S\], --symbol\s+symbols \[default: BTCUSDT\]/);
  assert.match(printed, /--roll D\s+roll \[default: 60s\]/);
  assert.match(printed, /--queue M\s+queue \(fifo \| lifo\) \[default: fifo\]/);
  assert.match(printed, /--help, -h\s+this text/);
  assert.match(printed, /Durations: 500ms, 3s, 5m, 1h, 2d/);
  assert.match(
    printed,
    /examples:\n {2}ringbook try data\/\n {6}the defaults\n {2}ringbook try data\/ --symbols BTCUSDT,ETHUSDT --duration 3s\n/,
  );
});

test('a directory in a message has one trailing slash however it was typed', () => {
  assert.is(dirText('data2/'), 'data2/');
  assert.is(dirText('data2//'), 'data2/');
  assert.is(dirText('data2'), 'data2/');
  assert.is(dirText('/'), '/');
});

test.run();
