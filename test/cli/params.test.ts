// The strategy's parameters from the command line: defaults ← preset ← config file ← --set, with where each value
// came from, and errors that name the flag, the file and line, and the nearest parameter (obi-ofi here; any strategy's
// declared parameters resolve the same way: test/strategy/params.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveParams as resolveFor, type ParamsInput } from '../../src/cli/params';
import { lineColumn, parseJsonText, readJsonFile } from '../../src/cli/json-file';
import { builtinNamed } from '../../src/strategy/builtins/index';
import { resolveRun } from '../../src/strategy/resolve';
import { nest } from '../../src/strategy/params';
import type { LoadedStrategy } from '../../src/strategy/loader';
import { fails } from '../helpers/fails';
import { UsageError } from '../../src/cli/args';

const OBI_OFI: LoadedStrategy = { definition: builtinNamed('obi-ofi')!.definition, bundle: null, describeError: String };
const PRESETS = Object.entries(OBI_OFI.definition.presets!).map(([name, p]) => ({
  name,
  config: p.values as Record<string, Record<string, unknown>>,
}));
// `any`: the tests read the resolved values in sections by name (r.config.entry.threshold)
const resolveParams = (o: Omit<ParamsInput, 'strategy'>) =>
  resolveFor({ ...o, strategy: OBI_OFI }) as ReturnType<typeof resolveFor> & { config: any };

const dir = mkdtempSync(join(tmpdir(), 'ringbook-params-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

test('layers: preset, then the file, then --set; each value says where it came from', () => {
  const cfg = file('cfg.json', JSON.stringify({ entry: { confirmCount: 4 }, gates: { maxSpreadTicks: 9 } }));
  const r = resolveParams({ preset: 'demo', configFile: cfg, sets: ['gates.maxSpreadTicks=12'] });
  assert.is(r.preset, 'demo');
  assert.is(r.config.signal.source, 'obiN', 'from the preset');
  assert.is(r.config.entry.threshold, 0.4, 'from the preset');
  assert.is(r.config.entry.confirmCount, 4, 'the file over the preset');
  assert.is(r.config.gates.maxSpreadTicks, 12, '--set over the file');
  assert.is(r.config.exit.stopLossTicks, 10, 'the default');
  assert.is(r.sources['signal.source'], 'preset demo');
  assert.is(r.sources['entry.confirmCount'], `config ${cfg}`);
  assert.is(r.sources['gates.maxSpreadTicks'], '--set');
  assert.is(r.sources['exit.stopLossTicks'], undefined);
  const none = resolveParams({});
  assert.equal(none.config, nest(resolveRun(OBI_OFI.definition).values));
  assert.equal(none.sources, {});
});

test('every preset is a valid config, documented in docs/strategy.md with its settings', () => {
  const doc = readFileSync(join(process.cwd(), 'docs/strategy.md'), 'utf8');
  for (const p of PRESETS) {
    resolveParams({ preset: p.name });
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${p.name}\` |`));
    assert.ok(row, `docs/strategy.md has a row for ${p.name}`);
    for (const [g, sub] of Object.entries(p.config))
      for (const [k, v] of Object.entries(sub)) {
        const set = `\`${g}.${k}=${String(v)}\``;
        assert.ok(row!.includes(set) || (row!.includes('as `demo`') && doc.includes(set)), `${p.name}: ${set}`);
      }
  }
});

test('config errors name the file, the line and column, or the nearest parameter', () => {
  const bad = file('bad.json', '{\n  "entry": {\n    "threshold": 1.5,\n  }\n}\n');
  // the parser's own words vary with the Node version; where it stopped is ours
  const where = (prefix: string) => (e: Error) => e.message.startsWith(prefix);
  assert.throws(() => resolveParams({ configFile: bad }), where(`--config ${bad}, line 4, column 3: not valid JSON: `));
  fails(() => resolveParams({ configFile: join(dir, 'nope.json') }), `--config ${join(dir, 'nope.json')}: no such file`);
  fails(() => resolveParams({ configFile: dir }), `--config ${dir} is a directory: give a JSON file`);
  const typo = file('typo.json', '{\n  "entry": {\n    "thresold": 1.5\n  }\n}\n');
  fails(
    () => resolveParams({ configFile: typo }),
    `--config ${typo}, line 3: strategy config: entry.thresold is not a known field (did you mean entry.threshold?)`,
  );
  fails(
    () => resolveParams({ sets: ['entry.thresold=1.5'] }),
    '--set entry.thresold=1.5: strategy config: entry.thresold is not a known field (did you mean entry.threshold?)',
  );
  fails(
    () => resolveParams({ preset: 'dmeo' }),
    '--preset "dmeo" is not a preset of obi-ofi: default, demo, demo-passive (did you mean demo?)',
  );
  const flat = file('flat.json', '{"entry": 3}');
  fails(() => resolveParams({ configFile: flat }), `--config ${flat}, line 1: strategy config: entry must be an object, got 3`);
  const spelled = file('spelled.json', '{"entry.threshold": 2.5, "risk": {"maxPositionLot": 4}}');
  assert.is(resolveParams({ configFile: spelled }).config.entry.threshold, 2.5, 'a dotted name spelled out in a file');
  // a cross-field rule is checked with the preset under the file: exit.threshold 0.1 (demo) < 0.3 is fine
  const low = file('low.json', '{"entry": {"threshold": 0.3}}');
  assert.is(resolveParams({ preset: 'demo', configFile: low }).config.entry.threshold, 0.3);
  fails(
    () => resolveParams({ configFile: low }),
    `--config ${low}, line 1: strategy config: entry.threshold must be a number > exit.threshold (0.5), got 0.3`,
  );
});

test('a bad --set is a mistake on the command line (UsageError, exit 2): malformed, out of bounds or undeclared', () => {
  fails(
    () => resolveParams({ sets: ['entry.threshold=abc'] }),
    '--set entry.threshold=abc: strategy config: entry.threshold must be a number > 0, got "abc"',
    UsageError,
  );
  fails(
    () => resolveParams({ sets: ['foo=1'] }),
    "--set foo=1: strategy config: foo is not a known field (the strategy's parameters and the risk.*, orders.* settings; e.g. signal.source)",
    UsageError,
  );
  fails(
    () => resolveParams({ sets: ['entry.confirmCount=0.5'] }),
    '--set entry.confirmCount=0.5: strategy config: entry.confirmCount must be an integer in [1, 1000000], got 0.5',
    UsageError,
  );
  fails(
    () => resolveParams({ sets: ['threshold'] }),
    '--set threshold: strategy config: threshold override must look like key=value (e.g. entry.threshold=1.5)',
    UsageError,
  );
  // one parameter set twice: which value was meant is not guessed (the last one used to win silently)
  fails(
    () => resolveParams({ sets: ['entry.threshold=0.4', 'exit.threshold=0.1', 'entry.threshold=0.5'] }),
    '--set entry.threshold=0.4 and --set entry.threshold=0.5: entry.threshold is set twice; keep the one you mean',
    UsageError,
  );
  // a bad value in a file stays a bad input file (exit 1)
  const f = file('abc.json', '{"entry": {"threshold": "abc"}}');
  const e = fails(
    () => resolveParams({ configFile: f }),
    `--config ${f}, line 1: strategy config: entry.threshold must be a number > 0, got "abc"`,
  );
  assert.not.instance(e, UsageError);
});

test('JSON errors: line and column from the parser position', () => {
  assert.equal(lineColumn('ab\ncd\nef', 4), { line: 2, column: 2 });
  const where = (prefix: string) => (e: Error) => e.message.startsWith(prefix);
  assert.throws(() => parseJsonText('{"a": 1,,}', 'x.json'), where('x.json, line 1, column 9: not valid JSON: '));
  assert.throws(() => parseJsonText('{"a": ', 'x.json'), where('x.json, line 1, column 7: not valid JSON: '));
  assert.equal(readJsonFile(file('ok.json', '{"a": 1}'), '--space').value, { a: 1 });
});

test('a key given twice in any JSON input is refused with the file, the line and the key, never the last kept', () => {
  // a --config file: JSON.parse would run entry.threshold 5, the second value, without a word
  const cfg = file('dup-config.json', '{\n  "entry": {"threshold": 0.3},\n  "entry": {"threshold": 5}\n}\n');
  fails(
    () => resolveParams({ configFile: cfg }),
    `--config ${cfg}, line 3: strategy config: entry is given twice (first on line 2): JSON keeps only the last; give each key once`,
  );
  const nested = file('dup-nested.json', '{"entry": {"threshold": 0.3,\n  "confirmCount": 2,\n  "threshold": 5}}');
  fails(
    () => resolveParams({ configFile: nested }),
    `--config ${nested}, line 3: strategy config: entry gives "threshold" twice (first on line 1): JSON keeps only the last; give each key once`,
  );
  // every other file read through readJsonFile (recorded sessions, shard manifests), and the browser's config box
  const other = file('dup-session.json', '{"config": {},\n"config": {"entry": {}}}');
  fails(
    () => readJsonFile(other, 'recorded session'),
    `recorded session ${other}, line 2: config is given twice (first on line 1): JSON keeps only the last; give each key once`,
  );
  fails(
    () => parseJsonText('{"a": 1, "b": {"c": 1}, "a": 2}', 'strategy config'),
    'strategy config, line 1: a is given twice (first on line 1): JSON keeps only the last; give each key once',
  );
  // the same key in different objects, a key-like string among the values, and a repeated value are not duplicates
  assert.equal(parseJsonText('{"a": {"x": 1}, "b": {"x": 1}, "c": ["a", "a"], "d": "a"}', 'x.json'), {
    a: { x: 1 },
    b: { x: 1 },
    c: ['a', 'a'],
    d: 'a',
  });
});

test('every JSON syntax error says line and column in words, never a raw snippet of the file', () => {
  // V8 gives a position for some errors only; "Unexpected token ']', ..." quotes the text (several lines) instead
  const cases: Array<[string, string]> = [
    ['{\n  "s": ["1s",]\n}', 'line 2, column 14: not valid JSON: a comma before "]": JSON allows no trailing comma'],
    ['{\n  "a": 1,\n}', 'line 3, column 1: not valid JSON: a comma before "}": JSON allows no trailing comma'],
    [
      '{"a": tru}',
      'line 1, column 7: not valid JSON: tru is not a JSON value (a string needs double quotes; true, false and null are lower case)',
    ],
    ['{\n "a": 1\n "b": 2}', 'line 3, column 2: not valid JSON: a " where "," or "}" should be (a missing comma?)'],
    ["{'a': 1}", 'line 1, column 2: not valid JSON: a key in single quotes: JSON needs double quotes'],
    ['{"a": 1} x', 'line 1, column 10: not valid JSON: "x" after the end of the JSON value'],
    ['', 'line 1, column 1: not valid JSON: the text ends where a value should follow'],
  ];
  for (const [text, message] of cases) {
    const f = file('syntax.json', text);
    fails(() => readJsonFile(f, '--space'), `--space ${f}, ${message}`);
  }
});

test.run();
