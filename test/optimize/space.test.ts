// Search spaces: every value form, grid order and ids, seeded random sampling (deterministic, prefix-stable, in
// bounds, with the promised distributions), overrides the strategy's resolveRun accepts, and the exact error messages.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from '../helpers/fc';
import { ConfigError, nest } from '../../src/strategy/params';
import { resolveRun } from '../../src/strategy/resolve';
import { builtinNamed } from '../../src/strategy/builtins/index';
import { OBI_OFI_FIELDS as FIELDS } from '../../src/optimize/space';

/** obi-ofi's resolved values in sections (base `{}`, then the overrides). */
// `any`: the tests read the sections by name
const resolveConfig = (base: unknown, sets: string[]): any => nest(resolveRun(builtinNamed('obi-ofi')!.definition, [base], sets).values);
import { gridSize, gridTrials, parseSpace, randomTrials, SpaceError, type ParamValue, type SearchSpace } from '../../src/optimize/space';
import { fails } from '../helpers/fails';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const failsSpace = (fn: () => unknown, message: string) => fails(fn, message, SpaceError);
const points = (json: unknown) => {
  const d = parseSpace(json).dims[0];
  assert.is(d.kind, 'points');
  return d.kind === 'points' ? d.values : [];
};
const configValue = (cfg: unknown, path: string) => {
  const [group, key] = path.split('.');
  return (cfg as Record<string, Record<string, unknown>>)[group][key];
};

const EXAMPLE = {
  'entry.threshold': [1, 1.5, 2],
  'exit.threshold': { min: 0, max: 1, step: 0.25 },
  'entry.confirmCount': { min: 1, max: 8, log: true, count: 4 },
  'cooldown.ns': ['500ms', '1s'],
};

test('the example space: four dimensions, 120 grid trials in odometer order (last key fastest)', () => {
  const space = parseSpace(JSON.stringify(EXAMPLE));
  assert.equal(
    space.dims.map((d) => d.key),
    Object.keys(EXAMPLE),
  );
  assert.equal(
    space.dims.map((d) => (d.kind === 'points' ? d.values : null)),
    [
      [1, 1.5, 2],
      [0, 0.25, 0.5, 0.75, 1],
      [1, 2, 4, 8],
      [500_000_000, 1_000_000_000],
    ],
  );
  assert.is(gridSize(space), 120);
  const trials = gridTrials(space);
  assert.is(trials.length, 120);
  trials.forEach((t, i) => assert.is(t.id, i));
  assert.equal(trials[0].params, { 'entry.threshold': 1, 'exit.threshold': 0, 'entry.confirmCount': 1, 'cooldown.ns': 500_000_000 });
  assert.equal(trials[1].params, { 'entry.threshold': 1, 'exit.threshold': 0, 'entry.confirmCount': 1, 'cooldown.ns': 1_000_000_000 });
  assert.equal(trials[2].params, { 'entry.threshold': 1, 'exit.threshold': 0, 'entry.confirmCount': 2, 'cooldown.ns': 500_000_000 });
  assert.equal(trials[40].params, { 'entry.threshold': 1.5, 'exit.threshold': 0, 'entry.confirmCount': 1, 'cooldown.ns': 500_000_000 });
  assert.equal(trials[119].params, { 'entry.threshold': 2, 'exit.threshold': 1, 'entry.confirmCount': 8, 'cooldown.ns': 1_000_000_000 });
  assert.equal(Object.keys(trials[7].params), Object.keys(EXAMPLE), 'params keep the space key order');
  assert.is(new Set(trials.map((t) => JSON.stringify(t.params))).size, 120);
  assert.equal(gridTrials(parseSpace(EXAMPLE)), trials, 'object and text give the same grid');
});

test('ranges: step and count points are exact decimals; log counts; integer rounding merges repeats', () => {
  assert.equal(points({ 'exit.threshold': { min: 0.1, max: 0.7, step: 0.1 } }), [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
  assert.equal(points({ 'exit.threshold': { min: -0.3, max: 0.3, step: 0.1 } }), [-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3]);
  assert.equal(points({ 'exit.threshold': { min: 0, max: 1, step: 0.3 } }), [0, 0.3, 0.6, 0.9], 'max need not be on the step');
  assert.equal(points({ 'exit.threshold': { min: 0.5, max: 0.5, step: 1 } }), [0.5]);
  assert.equal(points({ 'hurdle.coef': { min: 0.5, max: 2, count: 4 } }), [0.5, 1, 1.5, 2]);
  assert.equal(points({ 'hurdle.coef': { min: 0.01, max: 100, count: 5, log: true } }), [0.01, 0.1, 1, 10, 100]);
  assert.equal(points({ 'hurdle.coef': { min: 3, max: 7, count: 2, log: true } }), [3, 7], 'ends are exact');
  assert.equal(points({ 'entry.confirmCount': { min: 1, max: 4, count: 8, log: true } }), [1, 2, 3, 4]);
  assert.equal(points({ 'entry.confirmCount': { min: 2, max: 11, step: 3 } }), [2, 5, 8, 11]);
  assert.equal(points({ 'cooldown.ns': { min: '100ms', max: '1s', step: '300ms' } }), [100e6, 400e6, 700e6, 1e9]);
  assert.equal(points({ 'cooldown.ns': { min: 0, max: '2s', count: 3 } }), [0, 1e9, 2e9]);
  assert.equal(points({ 'gates.minFeedLatencyNs': ['-100ms', '-1.5ms', 0, '2500us'] }), [-100e6, -1.5e6, 0, 2.5e6]);
  assert.equal(points({ 'exit.timeStopNs': [null, '10s'] }), [null, 10e9]);
  assert.equal(points({ 'exit.trailingTicks': ['off', 5] }), [null, 5]);
  assert.equal(points({ 'entry.allowReversal': [true, false] }), [true, false]);
  assert.equal(points({ 'signal.source': ['z', 'ofiNorm'] }), ['z', 'ofiNorm']);
  const d = parseSpace({ 'hurdle.coef': { min: 0.1, max: 10, log: true } }).dims[0];
  assert.equal(d.kind === 'interval' && { min: d.min, max: d.max, log: d.log }, { min: 0.1, max: 10, log: true });
  assert.is(gridSize(parseSpace({ 'entry.threshold': [1, 2], 'hurdle.coef': { min: 1, max: 2 } })), Infinity);
});

test('overrides: every grid trial resolves to a config holding exactly its values', () => {
  const space = parseSpace({
    'signal.source': ['z', 'obiN'],
    'entry.mode': ['taker', 'passive'],
    'entry.allowReversal': [true, false],
    'exit.timeStopNs': [null, '10s'],
    'cooldown.ns': ['250ms', '2s'],
    'hurdle.coef': { min: 0.5, max: 2, count: 4 },
    'entry.confirmCount': { min: 1, max: 8, count: 4, log: true },
    'cooldown.resetThreshold': [null, 0.25],
  });
  const trials = gridTrials(space);
  assert.is(trials.length, 1024);
  for (const t of trials) {
    const cfg = resolveConfig(t.params, []);
    for (const [k, v] of Object.entries(t.params)) assert.is(configValue(cfg, k), v, `${k} in trial ${t.id}`);
  }
  assert.equal(trials[1].params, {
    'signal.source': 'z',
    'entry.mode': 'taker',
    'entry.allowReversal': true,
    'exit.timeStopNs': null,
    'cooldown.ns': 250_000_000,
    'hurdle.coef': 0.5,
    'entry.confirmCount': 1,
    'cooldown.resetThreshold': 0.25,
  });
});

test('overrides: random draws of continuous ranges reach the config bit for bit', () => {
  const space = parseSpace({
    'hurdle.coef': { min: 1e-3, max: 1e3, log: true },
    'exit.threshold': { min: -0.9, max: 0.9 },
    'orders.ackTimeoutNs': { min: '1ms', max: '10s', log: true },
    'risk.maxDailyLossQuote': { min: 1, max: 1e6 },
  });
  for (const t of randomTrials(space, 300, 7)) {
    const cfg = resolveConfig(t.params, []);
    for (const [k, v] of Object.entries(t.params)) assert.is(configValue(cfg, k), v, `${k} in trial ${t.id}`);
  }
});

test('rules between fields are left to the strategy (resolveRun), per trial', () => {
  const [bad] = gridTrials(parseSpace({ 'entry.threshold': [0.5], 'exit.threshold': [0.5] }));
  try {
    resolveConfig(bad.params, []);
    assert.unreachable('entry.threshold must be > exit.threshold');
  } catch (e) {
    assert.instance(e, ConfigError);
  }
});

test('random trials: deterministic per seed, prefix-stable, distinct, in bounds and of the field kind', () => {
  const space = parseSpace({
    ...EXAMPLE,
    'hurdle.coef': { min: 0.1, max: 10, log: true },
    'entry.slipTicks': { min: 0, max: 5 },
    'exit.timeStopNs': { min: '1s', max: '60s', log: true },
    'entry.mode': ['taker', 'passive'],
  });
  const a = randomTrials(space, 200, 42);
  assert.equal(randomTrials(space, 200, 42), a);
  assert.not.equal(randomTrials(space, 200, 43), a);
  assert.equal(randomTrials(space, 200, -1), randomTrials(space, 200, 2 ** 32 - 1), 'seeds are taken mod 2^32');
  a.forEach((t, i) => assert.is(t.id, i));
  assert.is(new Set(a.map((t) => JSON.stringify(t.params))).size, a.length);
  fc.assert(
    fc.property(fc.integer(), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), (seed, n, k) => {
      const all = randomTrials(space, Math.max(n, k), seed);
      assert.equal(randomTrials(space, Math.min(n, k), seed), all.slice(0, Math.min(n, k)));
      for (const t of all) checkTrial(space, t.params);
    }),
    { numRuns: 60 },
  );
});

function checkTrial(space: SearchSpace, params: Record<string, ParamValue>): void {
  for (const d of space.dims) {
    const v = params[d.key];
    if (d.kind === 'points') assert.ok(d.values.includes(v), `${d.key}=${v} is one of its points`);
    else {
      assert.type(v, 'number');
      const x = v as number;
      assert.ok(x >= d.min && x <= d.max, `${d.key}=${x} in [${d.min}, ${d.max}]`);
      if (d.spec.kind !== 'number') assert.ok(Number.isInteger(x), `${d.key}=${x} is an integer`);
    }
  }
}

test('random trials: uniform, log-uniform and integer draws have the promised distributions', () => {
  const space = parseSpace({
    'hurdle.coef': { min: 0.01, max: 100, log: true },
    'exit.threshold': { min: -1, max: 1 },
    'entry.slipTicks': { min: 1, max: 3 },
    'entry.confirmCount': { min: 1, max: 8, log: true },
  });
  const n = 20_000;
  const ts = randomTrials(space, n, 1);
  const share = (key: string, pred: (v: number) => boolean) => ts.filter((t) => pred(t.params[key] as number)).length / n;
  const near = (actual: number, expected: number, what: string) =>
    assert.ok(Math.abs(actual - expected) < 0.015, `${what}: ${actual} vs ${expected}`);
  near(
    share('hurdle.coef', (v) => v < 1),
    0.5,
    'log-uniform: half below the geometric midpoint',
  );
  near(
    share('hurdle.coef', (v) => v < 0.1),
    0.25,
    'log-uniform: a quarter in the first decade',
  );
  near(
    share('exit.threshold', (v) => v < 0),
    0.5,
    'uniform: half below the midpoint',
  );
  near(
    share('exit.threshold', (v) => v > 0.5),
    0.25,
    'uniform: a quarter in the top quarter',
  );
  for (const k of [1, 2, 3])
    near(
      share('entry.slipTicks', (v) => v === k),
      1 / 3,
      `integer ${k} of 1…3, ends included`,
    );
  // Log-uniform over [1, 9) floored: integer k gets ln((k + 1) / k) / ln 9 of the draws.
  for (const k of [1, 2, 4, 8])
    near(
      share('entry.confirmCount', (v) => v === k),
      Math.log((k + 1) / k) / Math.log(9),
      `log integer ${k} of 1…8`,
    );
});

test('random trials: a small discrete space can be drawn whole, and no further', () => {
  const space = parseSpace({ 'entry.mode': ['taker', 'passive'], 'entry.slipTicks': { min: 0, max: 2 }, 'exit.threshold': [0, 0.5] });
  const all = randomTrials(space, 12, 9);
  assert.equal(new Set(all.map((t) => JSON.stringify(t.params))).size, 12);
  assert.equal(randomTrials(space, 0, 9), []);
  failsSpace(
    () => randomTrials(space, 13, 9),
    'search space: 13 random trials asked for, but the space has only 12 distinct combinations: ask for at most 12, or run the grid',
  );
  failsSpace(() => randomTrials(space, 2.5, 9), 'search space: the random trial count must be a whole number ≥ 0, got 2.5');
  failsSpace(() => randomTrials(space, 3, 0.5), 'search space: the seed must be an integer, got 0.5');
  failsSpace(() => randomTrials(space, 2_000_000, 1), 'search space: the random trial count 2,000,000 is more than 1,000,000');
});

test('grid errors: continuous ranges and oversized grids', () => {
  failsSpace(
    () => gridTrials(parseSpace({ 'entry.threshold': [1], 'hurdle.coef': { min: 1, max: 2 } })),
    'search space: hurdle.coef is a continuous range (no "step" or "count"): add one to grid it, or use random search',
  );
  failsSpace(
    () => gridTrials(parseSpace({ 'exit.threshold': { min: 0, max: 1, count: 1000 }, 'hurdle.coef': { min: 1, max: 2, count: 1001 } })),
    'search space: the grid has 1,001,000 trials (1,000 × 1,001), more than 1,000,000: use fewer values, or draw some of them with --method random --trials N',
  );
});

test('a duration reads as in a --config file: a JSON integer is ns, a string takes its unit; "3000000000" is refused', () => {
  // best.json writes durations as integer ns: its value pasted into a space runs as that duration
  assert.equal(points({ 'cooldown.ns': [3_000_000_000, '500ms', 0, '1d', '2 s', '1 min 5 s'] }), [3e9, 500e6, 0, 86_400e9, 2e9, 65e9]);
  assert.equal(points({ 'cooldown.ns': { min: '1s', max: 5e9, count: 3 } }), [1e9, 3e9, 5e9]);
  assert.equal(points({ 'cooldown.ns': { min: 0, max: '1 s', step: 250_000_000 } }), [0, 250e6, 500e6, 750e6, 1e9]);
  assert.equal(points({ 'cooldown.ns': ['0'] }), [0]);
  // a number in quotes is a string: it needs its unit, as on the command line, and the message says how to write it
  const quoted = (n: string, eg: string, reads: string, got: string) =>
    `search space: cooldown.ns is a duration: give its unit, e.g. ${eg} (in a JSON file a plain integer is ns: ${n} without quotes is ${reads}), got ${got}`;
  failsSpace(() => parseSpace({ 'cooldown.ns': ['3000000000'] }), quoted('3000000000', '"3s" or "3000000000ns"', '3s', '"3000000000"'));
  failsSpace(() => parseSpace({ 'cooldown.ns': ['500', 2e9] }), quoted('500', '"500s" or "500ms"', '500ns', '"500"'));
  failsSpace(
    () => parseSpace({ 'cooldown.ns': { min: 0, max: '1s', step: ' 250 ' } }),
    quoted('250', '"250s" or "250ms"', '250ns', '" 250 "'),
  );
  // a JSON number that is not whole ns is no duration
  failsSpace(
    () => parseSpace({ 'cooldown.ns': [2.5] }),
    'search space: cooldown.ns value 2.5 is not allowed: must be a duration ≥ 0 s (e.g. 250ms, 2s, 5m, 1h, 1d; in a JSON file a plain integer is ns)',
  );
});

test('parse errors name the key and say what to fix', () => {
  const cases: [unknown, string][] = [
    [{ 'entry.treshold': [1] }, 'entry.treshold is not a strategy parameter (did you mean entry.threshold?)'],
    [{ threshold: [1] }, 'threshold is not a strategy parameter (did you mean entry.threshold, exit.threshold?)'],
    [{ 'Cooldown.NS': [1] }, 'Cooldown.NS is not a strategy parameter (did you mean cooldown.ns?)'],
    [
      { foo: [1] },
      "foo is not a strategy parameter (parameters are the strategy's declared names and the risk.*, orders.* settings, such as signal.source or entry.threshold; see the Parameters table in docs/strategy.md)",
    ],
    [{ 'entry.confirmCount': [0] }, 'entry.confirmCount value 0 is not allowed: must be an integer in [1, 1000000]'],
    [{ 'entry.confirmCount': [2, 1.5] }, 'entry.confirmCount value 1.5 is not allowed: must be an integer in [1, 1000000]'],
    [{ 'entry.threshold': ['1'] }, 'entry.threshold value "1" is not allowed: must be a number > 0'],
    [{ 'entry.threshold': [0] }, 'entry.threshold value 0 is not allowed: must be a number > 0'],
    [{ 'entry.threshold': [null] }, 'entry.threshold value null is not allowed: must be a number > 0'],
    [{ 'entry.mode': ['taker', 'maker'] }, 'entry.mode value "maker" is not allowed: must be one of taker, passive'],
    [{ 'entry.allowReversal': ['true'] }, 'entry.allowReversal value "true" is not allowed: must be true or false'],
    [
      { 'cooldown.ns': ['2x'] },
      'cooldown.ns value "2x" is not allowed: must be a duration ≥ 0 s (e.g. 250ms, 2s, 5m, 1h, 1d; in a JSON file a plain integer is ns)',
    ],
    [{ 'exit.maxRetries': [101] }, 'exit.maxRetries value 101 is not allowed: must be an integer in [0, 100]'],
    [{ 'entry.threshold': [] }, 'entry.threshold has an empty list: give at least one value'],
    [{ 'entry.threshold': [1, 2, 1] }, 'entry.threshold lists the same value twice (item 1: 1, item 3: 1): list each value once'],
    [{ 'cooldown.ns': ['1s', '1000ms'] }, 'cooldown.ns lists the same value twice (item 1: "1s", item 2: "1000ms"): list each value once'],
    [{ 'entry.threshold': 5 }, 'entry.threshold must be a list of values or a range {"min", "max", "step" | "count", "log"}, got 5'],
    [{ 'entry.threshold': { min: 1 } }, 'entry.threshold range needs both "min" and "max"'],
    [
      { 'entry.threshold': { min: 1, max: 2, stp: 1 } },
      'entry.threshold range has an unknown key "stp" (a range takes min, max and optionally step or count, and log)',
    ],
    [{ 'entry.threshold': { min: 2, max: 1 } }, 'entry.threshold range has min 2 > max 1: swap them'],
    [{ 'entry.threshold': { min: 1, max: 2, step: 0 } }, 'entry.threshold range "step" must be a number > 0, got 0'],
    [{ 'entry.threshold': { min: 1, max: 2, step: -0.5 } }, 'entry.threshold range "step" must be a number > 0, got -0.5'],
    [{ 'cooldown.ns': { min: 0, max: '1s', step: 'fast' } }, 'cooldown.ns range "step" must be a duration > 0 (250ms, 2s, …), got "fast"'],
    [{ 'entry.threshold': { min: 1, max: 2, step: 0.1, count: 3 } }, 'entry.threshold range takes "step" or "count", not both'],
    [
      { 'entry.threshold': { min: 1, max: 2, count: 1 } },
      'entry.threshold range "count" must be an integer ≥ 2 (min and max are both included; for one value use a list), got 1',
    ],
    [{ 'entry.threshold': { min: 1, max: 2, log: 'yes' } }, 'entry.threshold range "log" must be true or false, got "yes"'],
    [
      { 'exit.threshold': { min: -1, max: 1, log: true } },
      'exit.threshold log range needs min > 0 (a log scale never reaches 0 or below), got min -1',
    ],
    [
      { 'cooldown.ns': { min: 0, max: '1s', count: 3, log: true } },
      'cooldown.ns log range needs min > 0 (a log scale never reaches 0 or below), got min 0',
    ],
    [
      { 'hurdle.coef': { min: 1, max: 2, step: 0.5, log: true } },
      'hurdle.coef log range takes "count" (points evenly spaced in log), not "step"',
    ],
    [{ 'hurdle.coef': { min: 0, max: 1 } }, 'hurdle.coef range "min" 0 is out of bounds: the field must be a number > 0'],
    [
      { 'hurdle.spreadMultiple': { min: 1, max: 200 } },
      'hurdle.spreadMultiple range "max" 200 is out of bounds: the field must be a number in [0, 100]',
    ],
    [{ 'entry.confirmCount': { min: 1.5, max: 5 } }, 'entry.confirmCount range "min" must be an integer in [1, 1000000], got 1.5'],
    [
      { 'entry.confirmCount': { min: 1, max: 5, step: 0.5 } },
      'entry.confirmCount range "step" must be an integer for this int field, got 0.5',
    ],
    [
      { 'exit.timeStopNs': { min: null, max: '1s' } },
      'exit.timeStopNs range "min" must be a duration ≥ 1 ns (e.g. 250ms, 2s, 5m, 1h, 1d; in a JSON file a plain integer is ns), got null',
    ],
    [{ 'entry.mode': { min: 1, max: 2 } }, 'entry.mode is one of taker, passive: give a list (e.g. ["taker","passive"]), not a range'],
    [{ 'entry.allowReversal': { min: 0, max: 1 } }, 'entry.allowReversal is true or false: give a list (e.g. [true, false]), not a range'],
    [
      { 'exit.threshold': { min: 0, max: 1e6, step: 1e-3 } },
      'exit.threshold range has 1,000,000,001 points (more than 1,000,000): use a larger step',
    ],
    [{}, 'no parameters to search: give at least one, e.g. {"entry.threshold": [1, 1.5, 2]}'],
    [[], 'the top level must be a JSON object of "path": values, e.g. {"entry.threshold": [1, 1.5, 2]}, got []'],
    ['[1, 2]', 'the top level must be a JSON object of "path": values, e.g. {"entry.threshold": [1, 1.5, 2]}, got [1,2]'],
  ];
  for (const [json, message] of cases) {
    const e = failsSpace(() => parseSpace(json), `search space: ${message}`)!;
    const key = Object.keys(json as object)[0];
    if (json && typeof json === 'object' && !Array.isArray(json) && key) assert.is(e.key, key);
  }
  const e = failsSpace(
    () => parseSpace('{"entry.threshold": [1,'),
    'search space: the text is not valid JSON (' + jsonError('{"entry.threshold": [1,') + ')',
  );
  assert.is(e!.key, '');
  // JSON.parse would keep the last: the first key's values would silently not be searched
  const twice = failsSpace(
    () => parseSpace('{"entry.threshold": [1, 2],\n "entry.threshold": [3]}'),
    'search space: entry.threshold is given twice: JSON keeps only the last; give each key once',
  );
  assert.is(twice!.key, 'entry.threshold');
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

test('every parameter of obi-ofi and the runtime can be searched with a list of its default', () => {
  for (const f of FIELDS) {
    // a duration's default is integer ns: a space writes it with its unit
    const v = f.kind === 'ns' && typeof f.def === 'number' ? `${f.def}ns` : f.def;
    const d = parseSpace({ [f.path]: [v] }).dims[0];
    assert.equal(d.kind === 'points' && d.values, [f.def], f.path);
  }
});

test("README's space.json, where its first session uses it, is a valid space for obi-ofi: a grid of 4", () => {
  const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
  const at = readme.indexOf('`space.json` (write it yourself)');
  assert.ok(at > 0 && at < readme.indexOf('## ', readme.indexOf('## A first session') + 3), 'right under the first session');
  const block = /```json\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(block, 'a json block');
  const space = parseSpace(JSON.parse(block![1]));
  assert.is(gridSize(space), 4);
  assert.equal(
    space.dims.map((d) => d.key),
    ['entry.threshold', 'exit.threshold'],
  );
});

test.run();
