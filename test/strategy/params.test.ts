// A strategy's declared parameters: the five types with their bounds, null to switch a feature off, durations as
// text (in the grammar every duration follows, as reports print them too), config objects with sections or spelled-out names, --set overrides, the strategy's own rules (validate) and the
// runtime's settings beside them; mistakes in a declaration are the author's and say so; mistyped names get the
// nearest one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defineStrategy, type StrategyDefinition } from '../../src/strategy/api';
import { ConfigError, DefinitionError, describe, nest } from '../../src/strategy/params';
import { fieldsFor, resolveRun } from '../../src/strategy/resolve';
import { fails } from '../helpers/fails';

const DEF = defineStrategy({
  name: 'maker',
  params: {
    spreadTicks: { type: 'integer', default: 2, min: 1, max: 50, unit: 'ticks', description: 'quote this far from the mid' },
    skew: { type: 'number', default: 0.5, greaterThan: 0, max: 1, unit: 'x', description: 'inventory skew' },
    'stop.lossTicks': { type: 'integer', default: 20, min: 1, nullable: true, unit: 'ticks', description: 'stop loss, off with null' },
    refreshNs: { type: 'duration', default: 250_000_000, min: 1_000_000, description: 'requote every this long' },
    side: { type: 'choice', default: 'both', values: ['both', 'bid', 'ask'], description: 'which sides to quote' },
    postOnly: { type: 'boolean', default: true, description: 'never take' },
  },
  validate: (p, limits) =>
    p.spreadTicks > limits.maxPositionLot * 10 ? { param: 'spreadTicks', message: 'must be an integer ≤ 10 × risk.maxPositionLot' } : null,
  create: () => ({}),
}) as unknown as StrategyDefinition;

test('defaults, then layers (sections or spelled-out names), then --set; typed values; runtime settings beside', () => {
  const r = resolveRun(
    DEF,
    [
      { stop: { lossTicks: null }, refreshNs: '1s' },
      { side: 'bid', 'risk.maxPositionLot': 3 },
    ],
    ['skew=0.25', 'postOnly=false'],
  );
  assert.equal(r.params, { spreadTicks: 2, skew: 0.25, 'stop.lossTicks': null, refreshNs: 1_000_000_000, side: 'bid', postOnly: false });
  assert.is(r.settings.risk.maxPositionLot, 3);
  assert.is(r.values['risk.maxPositionLot'], 3);
  assert.equal((nest(r.values) as { stop: unknown }).stop, { lossTicks: null });
  assert.equal(resolveRun(DEF, [], ['stop.lossTicks=off']).params['stop.lossTicks'], null);
});

test('each field says what it accepts, and a wrong value names it', () => {
  const fields = fieldsFor(DEF);
  const f = (p: string) => describe(fields.find((x) => x.path === p)!);
  assert.is(f('spreadTicks'), 'an integer in [1, 50]');
  assert.is(f('skew'), 'a number in (0, 1]');
  assert.is(f('stop.lossTicks'), 'null (off) or an integer ≥ 1');
  assert.is(f('refreshNs'), 'a duration ≥ 1 ms');
  assert.is(f('side'), 'one of both, bid, ask');
  fails(() => resolveRun(DEF, [], ['skew=0']), 'strategy config: skew must be a number in (0, 1], got 0', ConfigError);
  fails(() => resolveRun(DEF, [], ['side=mid']), 'strategy config: side must be one of both, bid, ask, got "mid"', ConfigError);
  // a choice in another case is named; a value an edit away is not (it may mean the opposite)
  fails(() => resolveRun(DEF, [], ['side=Bid']), 'strategy config: side must be one of both, bid, ask, got "Bid" (did you mean bid?)');
  fails(() => resolveRun(DEF, [{ side: 'ASK' }]), 'strategy config: side must be one of both, bid, ask, got "ASK" (did you mean ask?)');
  fails(() => resolveRun(DEF, [], ['side=bad']), 'strategy config: side must be one of both, bid, ask, got "bad"');
  // numbers on the command line are decimal: not hex, not Infinity, not one too large for a double (it read as null)
  for (const v of ['0x10', '0b1', 'Infinity', '1e400', '1_000', ' '])
    fails(
      () => resolveRun(DEF, [], [`spreadTicks=${v}`]),
      `strategy config: spreadTicks must be an integer in [1, 50], got ${JSON.stringify(v.trim())}`,
    );
  assert.is(resolveRun(DEF, [], ['spreadTicks=2e1']).params.spreadTicks, 20);
  assert.is(resolveRun(DEF, [], ['skew=.5']).params.skew, 0.5);
  assert.is(resolveRun(DEF, [], ['skew=+0.25']).params.skew, 0.25);
  fails(
    () => resolveRun(DEF, [{ refreshNs: 'soon' }]),
    'strategy config: refreshNs must be a duration ≥ 1 ms (e.g. 250ms, 2s, 5m, 1h, 1d; in a JSON file a plain integer is ns), got "soon"',
  );
  fails(() => resolveRun(DEF, [], ['spredTicks=3']), 'strategy config: spredTicks is not a known field (did you mean spreadTicks?)');
  // a field under a section is looked for in that section first: not a parameter of the same name elsewhere
  fails(
    () => resolveRun(DEF, [], ['risk.maxPosLot=3']),
    'strategy config: risk.maxPosLot is not a known field (did you mean risk.maxPositionLot?)',
  );
  fails(
    () => resolveRun(DEF, [{ stopp: { lossTicks: 3 } }]),
    'strategy config: stopp is not a known section (did you mean stop?) (sections: stop, orders, risk)',
  );
});

test('a duration reads as reports print it, in --set and a JSON file alike: "2 s", "1 min 5 s", "250 ms"', () => {
  const hold = (layers: unknown[], sets: string[] = []) => resolveRun(DEF, layers, sets).params.refreshNs;
  assert.is(hold([], ['refreshNs=2 s']), 2e9);
  assert.is(hold([], ['refreshNs=1 min 5 s']), 65e9);
  assert.is(hold([], ['refreshNs=1min5s']), 65e9);
  assert.is(hold([{ refreshNs: '2 d 4 h' }]), (2 * 24 + 4) * 3600e9);
  assert.is(hold([{ refreshNs: '12.5 µs' }], ['refreshNs=1.5 s']), 1.5e9);
  assert.is(hold([{ refreshNs: '12.5 ms' }]), 12.5e6);
  assert.is(hold([{ refreshNs: 3_000_000_000 }]), 3e9, 'in a JSON file a plain integer is ns');
  // parts from the largest unit down, each with its unit; no sub-ns
  for (const bad of ['5 s 1 min', '1 s 2 s', '1 min 5', '0.5 ns', '2 parsecs'])
    fails(
      () => hold([], [`refreshNs=${bad}`]),
      `strategy config: refreshNs must be a duration ≥ 1 ms (e.g. 250ms, 2s, 5m, 1h, 1d; in a JSON file a plain integer is ns), got "${bad}"`,
      ConfigError,
    );
});

test('a plain number where a duration goes: the hint offers what it most likely meant', () => {
  // large enough to be ns: that reading in its largest whole unit, and the same ns with its unit
  fails(
    () => resolveRun(DEF, [], ['refreshNs=2000000000']),
    'strategy config: refreshNs is a duration: give its unit, e.g. 2s or 2000000000ns (a plain number is ambiguous here; as ns, as a JSON file reads it, 2000000000 is 2s), got "2000000000"',
    ConfigError,
  );
  fails(
    () => resolveRun(DEF, [], ['refreshNs=1234567']),
    'strategy config: refreshNs is a duration: give its unit, e.g. 1234567ns (a plain number is ambiguous here; a JSON file reads it as ns), got "1234567"',
    ConfigError,
  );
  // under a millisecond as ns: seconds or milliseconds are likelier
  fails(
    () => resolveRun(DEF, [], ['refreshNs=30']),
    'strategy config: refreshNs is a duration: give its unit, e.g. 30s or 30ms (a plain number is ambiguous here; as ns, as a JSON file reads it, 30 is 30ns), got "30"',
    ConfigError,
  );
  fails(
    () => resolveRun(DEF, [], ['refreshNs=2.5']),
    'strategy config: refreshNs is a duration: give its unit, e.g. 2.5s or 2.5ms (a plain number is ambiguous here), got "2.5"',
    ConfigError,
  );
  // in a JSON file a number is ns; a number in quotes needs its unit, and the message says how to write either
  fails(
    () => resolveRun(DEF, [{ refreshNs: '3000000000' }]),
    'strategy config: refreshNs is a duration: give its unit, e.g. "3s" or "3000000000ns" (in a JSON file a plain integer is ns: 3000000000 without quotes is 3s), got "3000000000"',
    ConfigError,
  );
  assert.is(resolveRun(DEF, [], ['refreshNs=1s', 'stop.lossTicks=off']).params.refreshNs, 1e9);
});

test("the strategy's own rules, against the operator's limits, name the parameter", () => {
  const e = fails(
    () => resolveRun(DEF, [], ['spreadTicks=40', 'risk.maxPositionLot=3']),
    'strategy config: spreadTicks must be an integer ≤ 10 × risk.maxPositionLot, got 40',
  );
  assert.is((e as ConfigError).field, 'spreadTicks');
});

test("a declaration that cannot be honoured is the author's mistake, said at load", () => {
  const bad = (params: Record<string, unknown>) => () => fieldsFor({ name: 'x', params } as unknown as StrategyDefinition);
  fails(
    bad({ n: { type: 'integer', default: 0, min: 1, description: 'n' } }),
    'strategy x: parameter n: its default 0 is not valid: it must be an integer ≥ 1',
    DefinitionError,
  );
  fails(
    bad({ n: { type: 'integer', default: 1 } }),
    'strategy x: parameter n: needs a description (reports and --help show it)',
    DefinitionError,
  );
  fails(
    bad({ 'risk.mine': { type: 'number', default: 1, description: 'd' } }),
    "strategy x: parameter risk.mine: risk.* are the runtime's settings (the operator's), not a strategy's",
    DefinitionError,
  );
  fails(
    bad({ n: { type: 'float', default: 1, description: 'd' } }),
    'strategy x: parameter n: type must be number, integer, duration, boolean or choice, got "float"',
    DefinitionError,
  );
  fails(
    bad({ 'a b': { type: 'number', default: 1, description: 'd' } }),
    'strategy x: parameter a b: names are letters, digits and _ in dotted parts (e.g. entry.threshold)',
    DefinitionError,
  );
  // a misspelt key left the parameter without its bound: threshold=-5 went through a declared `mni: 0`
  fails(
    bad({ t: { type: 'number', default: 1, mni: 0, description: 'd' } }),
    'strategy x: parameter t: mni is not a key of a number parameter: did you mean min? (a number parameter has type, default, min, max, greaterThan, nullable, unit, description)',
    DefinitionError,
  );
  fails(
    bad({ t: { type: 'duration', default: 1e9, unit: 's', description: 'd' } }),
    'strategy x: parameter t: unit is not a key of a duration parameter (a duration parameter has type, default, min, max, nullable, description)',
    DefinitionError,
  );
  fails(
    bad({ t: { type: 'choice', default: 'a', value: ['a'], description: 'd' } }),
    'strategy x: parameter t: value is not a key of a choice parameter: did you mean values? (a choice parameter has type, default, values, description)',
    DefinitionError,
  );
  fails(
    bad({ t: { type: 'boolean', default: true, descripton: 'd' } }),
    'strategy x: parameter t: descripton is not a key of a boolean parameter: did you mean description? (a boolean parameter has type, default, description)',
    DefinitionError,
  );
});

test.run();
