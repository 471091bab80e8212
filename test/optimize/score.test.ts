// Window scores from a trial's equity on the grid: the whole data's net includes the last, partial step (so the
// ranking's net is the trial's net), while the per-step ratios use whole steps only.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { annualisedNote, scoreWindow, windowReturns } from '../../src/optimize/score';
import { summarise } from '../../src/optimize/summary';
import type { TrialResult } from '../../src/optimize/trial';

const S = 60e9;
// grid points at 0, 1, 2, 3 min; the data ends at 3 min 40 s, where a closing fee takes the equity from 3 to 2.5
const trial: TrialResult = {
  id: 0,
  params: {},
  equity: [0, 1, 4, 3, 2.5],
  tradeExits: [150e9, 220e9],
  bundleSha256: null,
  coreSha256: null,
};
const END = 220e9;

test('the whole window counts the last, partial step in the net and the drawdown', () => {
  const w = scoreWindow(trial, S, 0, END + 1, END);
  assert.is(w.netQuote, 2.5);
  assert.is(w.maxDrawdownQuote, 1.5);
  assert.is(w.roundTrips, 2);
});

test('the per-step returns, and so the ratios, use whole grid steps only', () => {
  assert.equal(windowReturns(trial, S, 0, END + 1), [1, 3, -1]);
  const withTail = scoreWindow(trial, S, 0, END + 1, END);
  const without = scoreWindow(trial, S, 0, END + 1);
  assert.is(withTail.sharpe, without.sharpe);
  assert.is(without.netQuote, 3);
});

test('a window that ends before the data does leaves the last step out', () => {
  assert.is(scoreWindow(trial, S, 0, 120e9, END).netQuote, 4);
});

const flat = (id: number): TrialResult => ({
  id,
  params: { x: id },
  metrics: { activity: { fills: 0 }, pnl: { netQuote: 0 } } as TrialResult['metrics'],
  equity: new Array(40).fill(0),
  tradeExits: [],
  bundleSha256: null,
  coreSha256: null,
});

test('trials that never traded: the summary counts none traded, and PBO has nothing to select from', () => {
  const s = summarise({
    results: [flat(0), flat(1), flat(2)],
    objective: 'net_pnl',
    sampleNs: S,
    fromNs: '0',
    toNs: String(39 * S),
    folds: null,
    base: {},
    keys: ['x'],
  });
  assert.is(s.traded, 0);
  assert.is(s.scored, 3);
  assert.is(s.overfitting?.pbo, null);
  // what the text prints n/a is null in summary.json, with the reason
  assert.is(s.overfitting?.sharpeAnnual, null);
  assert.is(s.overfitting?.minBacktestYears, null);
  assert.equal(s.overfitting?.na, {
    sharpeAnnual: 'needs ≥ 1 day of data, have 39 min',
    minBacktestYears: 'no positive Sharpe: the chosen trial did not make money per step',
  });
});

test('a ratio annualised from less than a day gets a note; from a day on, none', () => {
  assert.match(
    annualisedNote('sharpe', 5 * 60e9)!,
    /^ranked by Sharpe annualised from only 5 min of data: backtest prints it as n\/a under a day/,
  );
  assert.match(annualisedNote('sortino', 3_600e9 - 1)!, /^ranked by Sortino annualised from only 1 h of data/);
  assert.match(annualisedNote('net_pnl', 60e9)!, /sharpe is annualised from only 1 min of data: n\/a as a ratio/);
  assert.is(annualisedNote('sharpe', 86_400e9), null);
  assert.is(annualisedNote('net_pnl', 2 * 86_400e9), null);
});

test.run();
