// Parameters as reports list them: values in their units (durations human, off for null, quote in the currency),
// the source of each, and the short per-section form of live summaries.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compactParams, flatParams, paramRows, paramValue, paramsOrigin } from '../../src/format/params';

const SPECS = [
  { path: 'entry.threshold', unit: 'x', doc: 'θ_in' },
  { path: 'exit.timeStopNs', unit: 'ns', doc: 'time stop' },
  { path: 'exit.trailingTicks', unit: 'ticks', doc: 'trailing' },
  { path: 'risk.maxDailyLossQuote', unit: 'quote', doc: 'daily loss' },
];
const CONFIG = { entry: { threshold: 0.4 }, exit: { timeStopNs: 5e9, trailingTicks: null }, risk: { maxDailyLossQuote: 100 } };

test('values in their units, with where they came from', () => {
  assert.equal(paramValue(5e9, 'ns'), { value: '5 s', unit: '' });
  assert.equal(paramValue(null, 'ticks'), { value: 'off', unit: '' });
  assert.equal(paramValue(100, 'quote', 'USDT'), { value: '100', unit: 'USDT' });
  assert.equal(paramValue(12345, 'lots'), { value: '12,345', unit: 'lots' });
  assert.equal(paramValue(1, 'levels'), { value: '1', unit: 'level' }, 'one level, not 1 levels');
  assert.equal(paramValue(1, 'orders/s'), { value: '1', unit: 'orders/s' });
  assert.equal(
    compactParams([{ path: 'fair', value: 'microprice', unit: '', source: 'default', doc: '' }]),
    ['  params  fair microprice'],
    'top-level parameters are labelled',
  );
  const rows = paramRows(SPECS, CONFIG, { 'entry.threshold': 'preset demo' }, 'USDT');
  assert.equal(
    rows.map((r) => [r.path, r.value, r.unit, r.source]),
    [
      ['entry.threshold', '0.4', 'x', 'preset demo'],
      ['exit.timeStopNs', '5 s', '', 'default'],
      ['exit.trailingTicks', 'off', '', 'default'],
      ['risk.maxDailyLossQuote', '100', 'USDT', 'default'],
    ],
  );
  assert.equal(flatParams(SPECS, CONFIG), {
    'entry.threshold': 0.4,
    'exit.timeStopNs': 5e9,
    'exit.trailingTicks': null,
    'risk.maxDailyLossQuote': 100,
  });
  assert.is(paramsOrigin(rows), 'from the defaults, preset demo; 1 not the default (marked *)');
  assert.equal(compactParams(rows), [
    '  entry  threshold 0.4*',
    '  exit   timeStopNs 5 s, trailingTicks off',
    '  risk   maxDailyLossQuote 100 USDT',
  ]);
});

test('a value is marked when it differs from the default, not when something merely set it', () => {
  // a recorded session sets every value: only the ones off their default are starred, and the header counts those
  const specs = SPECS.map((s) => ({ ...s, def: s.path === 'entry.threshold' ? 0.8 : valueDefault(s.path) }));
  const all = Object.fromEntries(SPECS.map((s) => [s.path, 'recorded session']));
  const rows = paramRows(specs, CONFIG, all, 'USDT');
  assert.equal(
    rows.map((r) => r.changed),
    [true, false, false, false],
  );
  assert.is(paramsOrigin(rows), 'from the recorded session; 1 not the default (marked *)');
  const sets = paramRows(specs, { ...CONFIG, entry: { threshold: 0.8 } }, { 'entry.threshold': '--set' }, 'USDT');
  assert.is(paramsOrigin(sets), 'from the defaults, --set; all at the default');
});

function valueDefault(path: string): unknown {
  return ({ 'exit.timeStopNs': 5e9, 'exit.trailingTicks': null, 'risk.maxDailyLossQuote': 100 } as Record<string, unknown>)[path];
}

test.run();
