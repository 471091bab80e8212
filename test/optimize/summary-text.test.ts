// The optimizer's closing summary in words: a figure with no value says n/a and what it needs, and a minimum backtest
// length is never set beside a Sharpe that is not positive.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { minBtlText, objectiveColumn, printSummary } from '../../src/cli/optimize-summary';
import type { Summary } from '../../src/optimize/summary';

function printed(overfitting: Record<string, unknown>, over: Record<string, unknown> = {}, keys: string[] = []): string {
  const s = {
    objective: 'net',
    trials: 2,
    scored: 2,
    traded: 2,
    invalid: 0,
    invalidExamples: [],
    sampleNs: 1e9,
    fromNs: '0',
    toNs: String(40e9),
    ranked: [],
    walkForward: null,
    chosen: null,
    overfitting: {
      trials: 2,
      periods: 39,
      periodNs: 1e9,
      sharpePerPeriod: -0.9445,
      sharpeAnnual: -5,
      psr: null,
      dsr: null,
      expectedMaxSharpePerPeriod: 0.1,
      trialSharpeVariance: 0.01,
      minBacktestYears: 6.5e-7,
      dataYears: 1.3e-6,
      pbo: null,
      pboBlocks: null,
      pboNeeds: 'needs ≥ 2 trials whose equity steps differ: all 2 scored trials moved alike, step for step',
      ...overfitting,
    },
    ...over,
  } as unknown as Summary;
  const lines: string[] = [];
  const log = console.log;
  console.log = (x: string) => lines.push(x);
  try {
    printSummary(s, keys, 'out', { symbol: 'BTCUSDT', bestNetQuote: 1, units: { threshold: 'x', confirm: 'messages' } });
  } finally {
    console.log = log;
  }
  return lines.join('\n');
}

test('a negative chosen Sharpe: no minimum backtest length; PSR and DSR n/a with what they need', () => {
  const text = printed({});
  assert.match(
    text,
    /\n {2}minimum backtest length n\/a \(no positive Sharpe: the chosen trial did not make money per step\); this data spans /,
  );
  assert.match(text, /\n {2}PSR, DSR n\/a \(needs the chosen trial's equity to move over ≥ 2 steps\)\n/);
  assert.match(text, /\n {2}PBO n\/a \(needs ≥ 2 trials whose equity steps differ: all 2 scored trials moved alike, step for step\)\n/);
  assert.not.match(text, / – /);
});

test('a positive chosen Sharpe keeps its minimum backtest length', () => {
  assert.is(minBtlText({ sharpePerPeriod: 0.2, minBacktestYears: 1 }), '1 year');
  assert.is(
    minBtlText({ sharpePerPeriod: -0.2, minBacktestYears: 1 }),
    'n/a (no positive Sharpe: the chosen trial did not make money per step)',
  );
  const text = printed({ sharpePerPeriod: 0.3, psr: 0.9, dsr: 0.5, pbo: 0.25, pboBlocks: 16, pboNeeds: null });
  assert.match(text, /\n {2}PSR 90\.0 % \(that the chosen Sharpe is above 0\), DSR 50\.0 % \(the same, deflated for 2 trials\)\n/);
  assert.match(
    text,
    /\n {2}PBO 25\.0 % \(that the in-sample best is below the median out of sample; 16 blocks of 2 steps of 1 s\)\n/,
    'on what it rests',
  );
});

test('the ranking counts every scored trial, its columns keep apart, a float chosen is rounded and best.json named', () => {
  // summary.json keeps the top 20 ranks of 36 scored trials
  const ranked = Array.from({ length: 20 }, (_, i) => ({
    rank: i + 1,
    id: i,
    params: { threshold: 0.5, confirm: 4 },
    objective: 1 - i / 100,
    netQuote: 1 - i / 100,
    roundTrips: 3,
  }));
  const fold = (i: number) => ({
    index: i,
    trainFrom: String(i * 15e9),
    trainTo: String(i * 15e9 + 30e9),
    testFrom: String(i * 15e9 + 30e9),
    testTo: String(i * 15e9 + 45e9),
    id: 0,
    inSample: 1,
    outOfSample: 0.5,
  });
  // 36 trials scored over 90 s, three walk-forward folds; the chosen trial and the folds' out-of-sample net vary
  const search = (chosen: { id: number; why: string; params: Record<string, number> }, oosNet: number) =>
    printed(
      {},
      {
        trials: 36,
        scored: 36,
        toNs: String(90e9),
        ranked,
        chosen,
        walkForward: { folds: [fold(0), fold(1), fold(2)], outOfSample: { netQuote: oosNet, sharpe: Math.sign(oosNet) * 3, periods: 45 } },
      },
      ['threshold', 'confirm'],
    );
  const text = search({ id: 7, why: 'best objective on the whole data', params: { threshold: 0.49242038698866963, confirm: 4 } }, 0.1);
  assert.match(text, /\n {2}… the top 10 of 36 scored trials; every one is in trials\.csv\n/);
  assert.not.match(text, /0\.5 4 messages/, 'two values never run together');
  assert.match(
    text,
    /\nchosen: trial 7 \(best objective on the whole data\): threshold=0\.49242 confirm=4 \(rounded here; exact in best\.json: --config out\/best\.json\)\n/,
  );
  assert.match(text, /walk-forward out of sample: net .*, Sharpe n\/a \(needs ≥ 1 day, have 45 s of test windows\)/);
  assert.not.match(text, /caution/, 'the pick ranks 8th of 36 and made money out of sample');
  // the last fold's pick is below the kept ranks and lost out of sample: said before anyone trades it
  const worst = search({ id: 30, why: 'picked on the last walk-forward train window', params: { threshold: 0.5, confirm: 4 } }, -0.1347);
  assert.match(
    worst,
    /\ncaution: the walk-forward choice \(trial 30, the last fold's pick\) ranks below the top 20 of 36 on the whole data and lost 0\.1347 USDT out of sample: check it before trading it\n/,
  );
});

test('the ranking prints different objective values differently: more decimals for the column when they would read alike', () => {
  // net per trade of the demo search: four trials within a hundredth of a cent per trade
  const perTrade = [-0.010707113, -0.010716224, -0.0107162, -0.010724975];
  const col = objectiveColumn('net_per_trade', perTrade, 'USDT');
  assert.is(new Set(col).size, 4, col.join(' | '));
  assert.ok(
    col.every((t) => /^-0\.\d{5,8} USDT$/.test(t)),
    col.join(' | '),
  );
  // values that differ where they are printed keep the usual form, and equal ones print alike
  assert.equal(objectiveColumn('net_pnl', [-0.0749, -0.0749, -0.0808], 'USDT'), ['-0.0749 USDT', '-0.0749 USDT', '-0.0808 USDT']);
  assert.equal(objectiveColumn('sharpe', [1.2344, 1.2341, null], 'USDT'), ['1.2344', '1.2341', 'n/a']);
});

test('a walk-forward window where the objective has no value says n/a and what it lacked', () => {
  const fold = (i: number, outOfSample: number | null) => ({
    index: i,
    trainFrom: String(i * 5e9),
    trainTo: String(i * 5e9 + 10e9),
    testFrom: String(i * 5e9 + 11e9),
    testTo: String(i * 5e9 + 16e9),
    id: 6,
    params: { threshold: 0.3 },
    inSample: -0.0107,
    outOfSample,
    inSampleNetQuote: -0.0214,
    outOfSampleNetQuote: 0,
  });
  const text = printed(
    {},
    {
      objective: 'net_per_trade',
      walkForward: { folds: [fold(0, -0.0081), fold(1, null)], outOfSample: { netQuote: -0.0081, sharpe: null, periods: 10 } },
    },
  );
  assert.match(text, /\n {2}fold 0: trial 6 in-sample -0\.0107 USDT → out-of-sample -0\.0081 USDT\n/);
  assert.match(text, /\n {2}fold 1: trial 6 in-sample -0\.0107 USDT → out-of-sample n\/a \(no round trip closed in the window\)\n/);
  assert.not.match(text, / – /);
});

test.run();
