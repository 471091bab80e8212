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

test.run();
