// The optimizer's HTML report read as text, from a real search on a recording with a planted edge: the chosen
// configuration's equity beside the best and the median trials, walk-forward in-sample against out-of-sample per
// fold, a heat map whose axes carry the parameter names and whose note says how the third parameter is folded in,
// and the overfitting controls with human labels — money in USDT, durations human, no field names or raw floats.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePlantedRecording, PLANTED_BASE } from '../helpers/planted';
import { optimizeReport } from '../../src/optimize/report-html';
import { summarise } from '../../src/optimize/summary';
import { buildFolds, parseFolds } from '../../src/optimize/folds';
import type { TrialResult } from '../../src/optimize/trial';

const CLI = join(process.cwd(), 'build/ringbook.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ringbook-optimize-report-'));
const data = join(dir, 'data');
writePlantedRecording(data);
const base = join(dir, 'base.json');
writeFileSync(base, JSON.stringify(PLANTED_BASE));

function report(space: Record<string, unknown>, ...extra: string[]): { html: string; text: string; summary: Record<string, any> } {
  const file = join(dir, `space-${Object.keys(space).length}.json`);
  writeFileSync(file, JSON.stringify(space));
  const out = join(dir, `out-${Object.keys(space).length}-${extra.length}`);
  execFileSync(
    process.execPath,
    [
      CLI,
      'optimize',
      data,
      '--config',
      base,
      '--space',
      file,
      '--latency',
      'constant:1ms',
      '--workers',
      '1',
      '--out',
      out,
      '--overwrite',
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  // what a reader sees: tags gone, the config dump left out (it is JSON on purpose), entities back
  const text = html
    .replace(/<pre>[\s\S]*?<\/pre>/g, '')
    .replace(/<title>[\s\S]*?<\/title>|<style>[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&gt;/g, '>')
    .replace(/&lt;/g, '<')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');
  return { html, text, summary: JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) };
}

const THREE = { 'entry.threshold': [0.2, 0.5, 0.8], 'cooldown.ns': ['1s', '2s'], 'exit.threshold': [0, 0.1] };

test('headline, verdict and the chosen configuration with its equity beside the best and the median trials', () => {
  const { html, text, summary } = report(THREE, '--walk-forward', 'train=40s,test=20s,purge=1s');
  assert.match(text, /Optimizer: 12 trials on BTCUSDT, ranked by net PnL/);
  assert.match(text, /12 scored, 0 invalid configs · data \d{4}-\d\d-\d\d \d\d:\d\d:\d\d → \d\d:\d\d:\d\d UTC \(\d+ min \d+ s\)/);
  assert.match(text, /Overfitting: (no )?evidence of skill after 12 trials \(DSR [^)]*\)/);
  const chosen = summary.chosen;
  assert.match(
    text,
    new RegExp(
      `Trial ${chosen.id}, picked on the last walk-forward train window: entry\\.threshold 0\\.5, cooldown\\.ns [12] s, exit\\.threshold 0(\\.1)?\\.`,
    ),
  );
  assert.match(text, /Equity in USDT, net of fees: the chosen configuration beside the best and the median trial by net PnL/);
  assert.match(text, new RegExp(`chosen: trial ${chosen.id}( \\(also the best\\))?, net -?\\d[\\d,]*\\.\\d+ USDT`));
  assert.match(text, /median: trial \d+, net -?\d[\d,]*\.\d+ USDT/);
  assert.ok(html.includes('<path class="chosen"') && html.includes('<path class="median"'), 'the curves are drawn');
  if (summary.ranked[0].id !== chosen.id) assert.ok(html.includes('<path class="best"'));
});

test('walk-forward: in-sample beside out-of-sample per fold, as a chart and a table', () => {
  const { html, text, summary } = report(THREE, '--walk-forward', 'train=40s,test=20s,purge=1s');
  const folds = summary.walkForward.folds.length;
  assert.ok(folds >= 2);
  assert.match(text, /net PnL per fold: in-sample \(train window\) beside out-of-sample \(test window\)/);
  assert.is((html.match(/<rect class="is"/g) ?? []).length, folds + 1, 'a bar a fold and the key');
  assert.is((html.match(/<rect class="oos"/g) ?? []).length, folds + 1);
  for (let i = 0; i < folds; i++) assert.ok(text.includes(`fold ${i}`));
  assert.match(text, /train window test window trial picked in-sample net PnL out-of-sample net PnL/);
  assert.match(text, /\d\d:\d\d:\d\d → \d\d:\d\d:\d\d UTC \d+ -?\d[\d,]*\.\d+ USDT -?\d[\d,]*\.\d+ USDT/);
  assert.match(text, /Out of sample, all folds together: net -?\d[\d,]*\.\d+ USDT over \d+ steps, Sharpe n\/a \(needs ≥ 1 day/);
});

test('the heat map: parameter names on its axes, a colour scale, and how the third parameter is folded in', () => {
  const { html, text } = report(THREE);
  assert.match(text, /net PnL in USDT by entry\.threshold \(across\) and cooldown\.ns \(down\)/);
  assert.match(
    text,
    /Each cell is the best net PnL over the other searched parameter \(exit\.threshold\) at these values of entry\.threshold and cooldown\.ns/,
  );
  const svg = /<svg class="heat"[\s\S]*?<\/svg>/.exec(html)![0];
  assert.ok(svg.includes('>entry.threshold →</text>') && svg.includes('>cooldown.ns ↓</text>'), 'axis titles');
  assert.match(svg, />1 s<\/text>[\s\S]*>2 s<\/text>/, 'durations as people read them');
  assert.match(svg, /\(worst\) … -?[\d.,]+ \(best\)/);
  const width = Number(/viewBox="0 0 (\d+)/.exec(svg)![1]);
  assert.ok(width <= 948, `the heat map fits the page (${width} px)`);
  assert.is((svg.match(/<rect x=[^>]*fill="rgb/g) ?? []).length, 6 + 10, 'six cells and the scale');
  assert.match(text, /No walk-forward: run with --walk-forward/);
});

test('ranked trials and overfitting controls with human labels; no field names, raw floats or ns counts', () => {
  const { text } = report(THREE, '--walk-forward', 'train=40s,test=20s,purge=1s');
  assert.match(text, /rank trial entry\.threshold cooldown\.ns exit\.threshold net PnL Sharpe max drawdown USDT round trips/);
  for (const label of [
    'trials counted (N)',
    'equity steps',
    'Sharpe of the chosen trial, annualised',
    'PSR',
    'DSR',
    'minimum backtest length',
    'PBO',
  ])
    assert.ok(text.includes(label), label);
  for (const raw of [
    'sharpePerPeriod',
    'minBacktestYears',
    'dataYears',
    'pboBlocks',
    'expectedMaxSharpePerPeriod',
    'trialSharpeVariance',
    'netQuote',
    'periodNs',
  ])
    assert.not.ok(text.includes(raw), `raw key ${raw}`);
  assert.not.match(text, /\d\.\d{7,}|\de-\d|\b\d{9,}\b/);
  assert.match(text, /PSR (< 0\.01 %|> 99\.99 %|\d+(\.\d+)? %) probability that the true Sharpe is above 0/);
  assert.match(text, /one every \d+ (ms|s)/);
});

test('one searched parameter: no heat map, said so', () => {
  const { text } = report({ 'entry.threshold': [0.2, 0.5, 0.8] });
  assert.match(text, /One searched parameter: no heat map \(it needs two; choose them with --heatmap A,B\)/);
  assert.match(text, /Trial \d, best objective on the whole data: entry\.threshold 0\.5\./);
});

/** A trial of 10 one-second steps with this equity curve (its last point the net), and, when given, the halt that ended it. */
function trial(id: number, equity: number[], halted: string | null = null): TrialResult {
  const net = equity[equity.length - 1];
  return {
    id,
    params: { 'entry.threshold': 0.1 * (id + 1), 'exit.threshold': 0 },
    metrics: {
      pnl: { netQuote: net, feesQuote: 0.01 },
      activity: { fills: 2 },
      drawdown: { maxQuote: 0 },
      returns: { sharpe: null },
      trades: { count: 1 },
      strategy: { halted: halted ? { reason: halted } : null },
    },
    equity,
    tradeExits: [5e9],
    bundleSha256: null,
    coreSha256: null,
  } as unknown as TrialResult;
}
const steps = (...d: number[]) => d.reduce<number[]>((eq, x) => [...eq, eq[eq.length - 1] + x], [0]);

test('a trial whose strategy threw is not the best, the median or a heat-map cell of the report', () => {
  // trial 2 threw at once and lost least: it is no configuration anyone can trade
  const results = [
    trial(0, steps(-0.01, 0.002, -0.01, 0.001, -0.01, 0.002, -0.01, 0.001, -0.01, 0.001)),
    trial(1, steps(-0.02, 0.001, -0.02, 0.002, -0.02, 0.001, -0.02, 0.002, -0.02, 0.001)),
    trial(2, steps(-0.001, 0, 0, 0, 0, 0, 0, 0, 0, 0), 'strategy error in onBook: boom (s.ts:3:9)'),
    trial(3, steps(-0.03, 0.001, -0.03, 0.002, -0.03, 0.001, -0.03, 0.002, -0.03, 0.001)),
  ];
  const summary = summarise({
    results,
    objective: 'net_pnl',
    sampleNs: 1e9,
    fromNs: '0',
    toNs: '10000000000',
    folds: null,
    base: {},
    keys: ['entry.threshold', 'exit.threshold'],
  });
  const html = optimizeReport(summary, results, ['entry.threshold', 'exit.threshold'], ['entry.threshold', 'exit.threshold'], {
    symbol: 'BTCUSDT',
  });
  assert.match(html, 'No configuration makes money: the best of 3 trials nets -0.0430 USDT after fees');
  assert.match(html, 'chosen: trial 0 (also the best), net -0.0430 USDT');
  assert.match(html, 'median: trial 1, net -0.0930 USDT');
  assert.not.match(html, /best: trial 2|median: trial 2|\(trial 2\)/);
  assert.match(html, '3 scored trials; the median is the middle one of the ranking.');
});

test('the walk-forward caution of the summary is in the report, and its out-of-sample Sharpe is of the test windows', () => {
  // trial 3 wins the last train window and loses most over the whole data
  const results = [
    trial(0, steps(0.01, 0.01, 0.01, 0.01, 0.01, 0.01, -0.01, -0.01, -0.01, -0.01)),
    trial(1, steps(0.02, 0.01, 0.02, 0.01, 0.01, -0.02, -0.01, -0.01, -0.02, -0.01)),
    trial(2, steps(0.01, 0.01, 0.01, 0.02, 0.01, 0.01, -0.01, -0.02, -0.01, -0.01)),
    trial(3, steps(-0.05, -0.05, -0.05, -0.05, 0.03, 0.03, 0.03, -0.02, -0.02, -0.02)),
  ];
  const folds = buildFolds(parseFolds('train=3s,test=2s,purge=0s,step=2s'), 0n, 10_000_000_001n);
  const keys = ['entry.threshold', 'exit.threshold'];
  const summary = summarise({ results, objective: 'net_pnl', sampleNs: 1e9, fromNs: '0', toNs: '10000000000', folds, base: {}, keys });
  assert.is(summary.chosen!.id, 3);
  const html = optimizeReport(summary, results, keys, null, { symbol: 'BTCUSDT' });
  assert.match(
    html,
    /<p class="why">Caution: the walk-forward choice \(trial 3, the last fold&#39;s pick\) ranks 4 of 4 on the whole data[^<]*: check it before trading it\.<\/p>/,
  );
  assert.match(html, 'Sharpe n/a (needs ≥ 1 day, have 6 s of test windows)');
});

test.run();
