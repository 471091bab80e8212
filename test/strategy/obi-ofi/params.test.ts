// obi-ofi's parameters with the runtime's settings: defaults, JSON and key=value overrides, and the exact error
// messages (field name and allowed range).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import obiOfi from '../../../src/strategy/builtins/obi-ofi/index';
import { configOf, type ObiOfiConfig } from '../../../src/strategy/builtins/obi-ofi/params';
import { fieldsFor, resolveRun } from '../../../src/strategy/resolve';
import { ConfigError, describe, nest } from '../../../src/strategy/params';
import { StrategyRuntime, validateInstrument } from '../../../src/strategy/runtime';
import type { RuntimeSettings } from '../../../src/strategy/settings';
import type { StrategyDefinition } from '../../../src/strategy/api';
import { INST, ObiOfiHarness } from '../../helpers/obi-ofi';
import { fails } from '../../helpers/fails';

const DEF = obiOfi as unknown as StrategyDefinition;
const FIELDS = fieldsFor(DEF);
/** The resolved values in sections, strategy and runtime alike (the old config's shape). */
function resolveConfig(base: unknown = {}, sets: string[] = []): ObiOfiConfig & RuntimeSettings {
  return nest(resolveRun(DEF, [base], sets).values) as unknown as ObiOfiConfig & RuntimeSettings;
}
const defaultConfig = () => resolveConfig();
void configOf;

test('defaults validate, and every field has a unit and a doc line', () => {
  const c = resolveConfig();
  assert.is(c.entry.threshold, 2);
  assert.is(c.exit.threshold, 0.5);
  assert.is(c.signal.source, 'z');
  assert.is(c.exit.maxRetries, 3);
  assert.is(c.cooldown.afterStopLossNs, 10_000_000_000);
  assert.is(c.risk.maxNotionalTickLot, null);
  for (const f of FIELDS) assert.ok(f.unit && f.doc.length > 10, f.path);
  assert.is(FIELDS.length, new Set(FIELDS.map((f) => f.path)).size);
});

test('JSON base then key=value overrides, in order; durations take a unit (ns too); null/off switch a feature off', () => {
  const c = resolveConfig({ entry: { threshold: 3, mode: 'passive' }, cooldown: { ns: '250ms' } }, [
    'entry.threshold=2.5',
    'exit.timeStopNs=off',
    'exit.takeProfitTicks=null',
    'gates.minFeedLatencyNs=-50ms',
    'entry.confirmDwellNs=1500000ns',
    'orders.ackTimeoutNs=1.5s',
    'risk.flattenOnBreach=false',
    'signal.source=obiN',
  ]);
  assert.is(c.entry.threshold, 2.5);
  assert.is(c.entry.mode, 'passive');
  assert.is(c.cooldown.ns, 250_000_000);
  assert.is(c.exit.timeStopNs, null);
  assert.is(c.exit.takeProfitTicks, null);
  assert.is(c.gates.minFeedLatencyNs, -50_000_000);
  assert.is(c.entry.confirmDwellNs, 1_500_000);
  assert.is(c.orders.ackTimeoutNs, 1_500_000_000);
  assert.is(c.risk.flattenOnBreach, false);
  assert.is(c.signal.source, 'obiN');
  assert.equal(defaultConfig().entry.threshold, 2, 'defaults untouched');
});

test('cross-field rule: entry.threshold must be > exit.threshold', () => {
  const e = fails(
    () => resolveConfig({}, ['entry.threshold=0.2']),
    'strategy config: entry.threshold must be a number > exit.threshold (0.5), got 0.2',
  );
  assert.instance(e, ConfigError);
  assert.is((e as ConfigError).field, 'entry.threshold');
  fails(() => resolveConfig({}, ['exit.threshold=-2']), 'strategy config: exit.threshold must be a number > -entry.threshold, got -2');
  fails(
    () => resolveConfig({}, ['gates.maxFeedLatencyNs=-200ms']),
    'strategy config: gates.maxFeedLatencyNs must be > gates.minFeedLatencyNs, got -200000000',
  );
  fails(
    () => resolveConfig({}, ['risk.maxOrdersPerMinute=2']),
    'strategy config: risk.maxOrdersPerMinute must be an integer ≥ risk.maxOrdersPerSecond, got 2',
  );
  fails(() => resolveConfig({}, ['entry.qtyLot=11']), 'strategy config: entry.qtyLot must be an integer ≤ risk.maxPositionLot, got 11');
  fails(
    () => resolveConfig({}, ['cooldown.resetThreshold=3']),
    'strategy config: cooldown.resetThreshold must be null or a number ≤ entry.threshold, got 3',
  );
});

test('range and type errors name the field and what it accepts', () => {
  fails(() => resolveConfig({}, ['entry.confirmCount=0']), 'strategy config: entry.confirmCount must be an integer in [1, 1000000], got 0');
  fails(
    () => resolveConfig({}, ['entry.confirmCount=1.5']),
    'strategy config: entry.confirmCount must be an integer in [1, 1000000], got 1.5',
  );
  fails(() => resolveConfig({}, ['exit.maxRetries=101']), 'strategy config: exit.maxRetries must be an integer in [0, 100], got 101');
  fails(() => resolveConfig({}, ['entry.threshold=abc']), 'strategy config: entry.threshold must be a number > 0, got "abc"');
  fails(() => resolveConfig({}, ['entry.threshold=0']), 'strategy config: entry.threshold must be a number > 0, got 0');
  fails(() => resolveConfig({}, ['entry.mode=maker']), 'strategy config: entry.mode must be one of taker, passive, got "maker"');
  fails(() => resolveConfig({}, ['risk.flattenOnBreach=yes']), 'strategy config: risk.flattenOnBreach must be true or false, got "yes"');
  fails(
    () => resolveConfig({}, ['exit.stopLossTicks=0']),
    'strategy config: exit.stopLossTicks must be null (off) or an integer ≥ 1, got 0',
  );
  fails(
    () => resolveConfig({}, ['cooldown.ns=2 parsecs']),
    'strategy config: cooldown.ns must be a duration ≥ 0 s (e.g. 250ms, 2s, 5m, 1h, 1d; in a JSON file a plain integer is ns), got "2 parsecs"',
  );
  assert.is(resolveConfig({}, ['cooldown.ns=2 s']).cooldown.ns, 2e9, 'as the report prints it');
  // on the command line a plain number is seconds to --duration and ns to JSON: a duration parameter must say which
  fails(
    () => resolveConfig({}, ['cooldown.ns=30']),
    'strategy config: cooldown.ns is a duration: give its unit, e.g. 30s or 30ms (a plain number is ambiguous here; as ns, as a JSON file reads it, 30 is 30ns), got "30"',
  );
  assert.is(resolveConfig({}, ['cooldown.ns=0']).cooldown.ns, 0, 'zero needs no unit');
  fails(
    () => resolveConfig({ cooldown: { ns: -5 } }),
    'strategy config: cooldown.ns must be a duration ≥ 0 s (e.g. 250ms, 2s, 5m, 1h, 1d; in a JSON file a plain integer is ns), got -5 ns',
  );
  fails(() => resolveConfig({}, ['entry.mode=null']), 'strategy config: entry.mode must be one of taker, passive, got "null"');
  fails(() => resolveConfig({ exit: { maxRetries: '3' } }), 'strategy config: exit.maxRetries must be an integer in [0, 100], got "3"');
  fails(() => resolveConfig({ risk: { maxDailyLossQuote: -1 } }), 'strategy config: risk.maxDailyLossQuote must be a number > 0, got -1');
});

test('unknown fields, sections and malformed overrides', () => {
  fails(
    () => resolveConfig({}, ['entry.treshold=2']),
    'strategy config: entry.treshold is not a known field (did you mean entry.threshold?)',
  );
  fails(
    () => resolveConfig({}, ['nothing.like.it=2']),
    "strategy config: nothing.like.it is not a known field (the strategy's parameters and the risk.*, orders.* settings; e.g. signal.source)",
  );
  assert.throws(() => resolveConfig({ entry: { treshold: 2 } }), /^strategy config: entry\.treshold is not a known field/);
  fails(
    () => resolveConfig({ strategy: {} }),
    'strategy config: strategy is not a known section (sections: signal, entry, exit, hurdle, gates, cooldown, orders, risk)',
  );
  fails(
    () => resolveConfig({ entyr: {} }),
    'strategy config: entyr is not a known section (did you mean entry?) (sections: signal, entry, exit, hurdle, gates, cooldown, orders, risk)',
  );
  fails(() => resolveConfig({ entry: 3 }), 'strategy config: entry must be an object, got 3');
  fails(() => resolveConfig([]), 'strategy config: (root) must be a JSON object, got []');
  fails(
    () => resolveConfig({}, ['entry.threshold']),
    'strategy config: entry.threshold override must look like key=value (e.g. entry.threshold=1.5)',
  );
});

test('instrument facts are validated separately', () => {
  validateInstrument(INST);
  fails(() => validateInstrument({ ...INST, tickSize: 0 }), 'instrument: tickSize must be a number > 0, got 0');
  fails(
    () => validateInstrument({ ...INST, takerFeeRate: 6 }),
    'instrument: takerFeeRate must be a fraction in (-0.01, 0.01) (0.0006 = 6 bps), got 6',
  );
  assert.throws(() => new ObiOfiHarness({ instrument: { ...INST, lotSize: -1 } }), /lotSize/);
  assert.ok(StrategyRuntime);
});

test('describe() renders the allowed range used in the docs', () => {
  const f = (p: string) => describe(FIELDS.find((x) => x.path === p)!);
  assert.is(f('entry.threshold'), 'a number > 0');
  assert.is(f('exit.maxRetries'), 'an integer in [0, 100]');
  assert.is(f('exit.trailingTicks'), 'null (off) or an integer ≥ 1');
});

test('clientOids are rb-<run>-<n>; the run tag is checked so ids stay ≤ 50 chars', () => {
  assert.throws(() => new ObiOfiHarness({ idTag: 'has space' }), /run tag/);
  assert.throws(() => new ObiOfiHarness({ idTag: 'x'.repeat(33) }), /run tag/);
});

test('docs/strategy.md lists every parameter with its default, unit and accepted values', () => {
  const doc = readFileSync(join(process.cwd(), 'docs/strategy.md'), 'utf8');
  const fmt = (v: unknown, kind: string): string => {
    if (v === null) return 'off';
    if (kind !== 'ns' || typeof v !== 'number' || v === 0) return String(v);
    if (v % 1e9 === 0) return `${v / 1e9} s`;
    return v % 1e6 === 0 ? `${v / 1e6} ms` : `${v} ns`;
  };
  for (const f of FIELDS) {
    const row = `| \`${f.path}\` | ${fmt(f.def, f.kind)} | ${f.unit} | ${describe(f)} |`;
    assert.ok(doc.includes(row), `docs row for ${f.path}: ${row}`);
  }
});

test.run();
