// What the page says about a finished run, without a browser: the worker's player ends a run with the report
// `ringbook backtest` builds (why no trades, the halt, the parameters); the summary strip's tiles are in the quote
// currency with n/a for a Sharpe from minutes of data; the full metrics are the report's sections with human labels
// (no field names such as run.fromNs, no ns counts, no long floats), lined up with the previous run's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile } from 'hyparquet';
import { writeRecording } from '../../bench/recording';
import { listParquet } from '../../src/capture/recover';
import { createBacktestCore } from '../../src/backtest/backtest';
import { loadRecording, type Recording } from '../../src/web/recording';
import { DEFAULT_PARAMS } from '../../src/web/params';
import { Player } from '../../src/web/player';
import { summarise } from '../../src/web/summary-strip';
import { compareRows, metricRows } from '../../src/web/metrics-view';
import type { FromWorker, RunParams } from '../../src/web/protocol';
import { testCore } from '../helpers/core';

type Done = Extract<FromWorker, { type: 'done' }>;
const ctx = {} as { rec: Recording; bc: ReturnType<typeof createBacktestCore> };

test.before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ringbook-summary-'));
  writeRecording(dir, 30_000);
  const [path] = listParquet(dir);
  ctx.rec = await loadRecording(await asyncBufferFromFile(path), path);
  ctx.bc = createBacktestCore(await testCore(), ctx.rec.grid);
});

/** One run to the end at max speed; returns its 'done' message. */
function runWith(params: RunParams, rec = ctx.rec): Done {
  const posted: FromWorker[] = [];
  const tasks: Array<() => void> = [];
  let clock = 0;
  const p = new Player(rec, ctx.bc, params, 'max', {
    post: (m) => posted.push(m),
    now: () => clock++,
    later: (fn) => tasks.push(fn),
    copyLadder: false,
  });
  p.open();
  p.play();
  while (tasks.length) tasks.shift()!();
  const done = posted.find((m) => m.type === 'done') as Done | undefined;
  const err = posted.find((m) => m.type === 'error') as Extract<FromWorker, { type: 'error' }> | undefined;
  assert.ok(done, err?.message ?? 'the run ended');
  return done!;
}

const withConfig = (patch: Record<string, Record<string, unknown>>): RunParams => {
  const base = JSON.parse(DEFAULT_PARAMS.config) as Record<string, Record<string, unknown>>;
  for (const [k, v] of Object.entries(patch)) base[k] = { ...base[k], ...v };
  return { ...DEFAULT_PARAMS, config: JSON.stringify(base, null, 2) };
};

test('a trading run: tiles in USDT, Sharpe n/a from minutes of data, the parameters with where they came from', () => {
  const d = runWith(DEFAULT_PARAMS);
  assert.ok(d.metrics.activity.fills > 0);
  assert.is(d.report.symbol, 'BTCUSDT');
  assert.is(d.report.ctx.currency, 'USDT');
  const s = summarise(d.metrics, d.report);
  const tile = (k: string) => s.tiles.find((t) => t.key === k)!;
  assert.equal(
    s.tiles.map((t) => t.label),
    ['Net PnL', 'Fees', 'Sharpe', 'Max drawdown', 'Fills', 'Maker share', 'Halted'],
  );
  assert.match(tile('net').value, /^[+-]?\d[\d,]*\.\d+ USDT$|^0\.00 USDT$/);
  assert.match(tile('fees').value, / USDT$/);
  assert.is(tile('sharpe').value, 'n/a');
  assert.match(tile('sharpe').note, /^needs ≥ 1 day of data, have \d+ (s|min)/);
  assert.is(tile('fills').value, String(d.metrics.activity.fills));
  assert.match(tile('maker').value, /^\d+(\.\d+)? %$/);
  assert.is(tile('halted').value, 'no');
  // the generated book's spread is ~240 ticks: the spread gate blocks most entries, and the strip says so
  assert.ok(d.report.entriesBlocked.length > 0);
  assert.match(s.lines[0], /^What stopped entries: gates\.maxSpreadTicks blocked [\d,]+ entries: .*try --set gates\.maxSpreadTicks=\d+$/);
  const params = d.report.ctx.parameters!;
  assert.is(params.find((p) => p.path === 'entry.threshold')!.source, 'page config');
  assert.is(params.find((p) => p.path === 'entry.qtyLot')!.source, 'default');
});

test('the full metrics: the report sections with human labels, numbers as people read them', () => {
  const d = runWith(DEFAULT_PARAMS);
  const rows = metricRows(d.metrics, d.report);
  const sections = [...new Set(rows.map((r) => r.section.replace(/ \(.*/, '')))];
  assert.equal(sections, [
    'Run',
    'Outcome',
    'PnL',
    'Costs',
    'Returns',
    'Drawdown',
    'Activity',
    'Trades',
    'Markouts',
    'Exposure',
    'Parameters',
    'Strategy',
    'Settings',
  ]);
  for (const r of rows) {
    if (r.section.startsWith('Parameters')) continue; // parameters go by the names --set takes
    assert.not.match(r.label, /^[a-z]+[A-Z]\w*$|\b(run|pnl|returns|drawdown|activity|trades|exposure|settings)\.\w+/, `raw key ${r.label}`);
    assert.not.match(r.value, /\d\.\d{9,}|e-\d|^\d{10,}$/, `${r.label}: ${r.value}`);
  }
  const row = (label: string) => rows.find((r) => r.label === label)!;
  assert.match(row('from').value, /^2025-11-24T\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.is(row('files replayed').value, '1');
  assert.match(row('strategy timer tick').value, /^\d+ ms$/);
  assert.is(row('net').unit, 'USDT');
});

test('a spot recording: the page says funding does not apply, as `ringbook backtest` does', () => {
  const spot = { ...ctx.rec, meta: { ...ctx.rec.meta, inst_type: 'SPOT' } };
  const d = runWith(DEFAULT_PARAMS, spot);
  const rows = metricRows(d.metrics, d.report);
  const funding = rows.filter((r) => /funding/.test(r.label));
  assert.ok(funding.length > 0, 'funding rows');
  for (const r of funding) assert.not.match(`${r.value} ${r.note}`, /--funding|no ticker recorded/, r.label);
  assert.ok(funding.some((r) => /does not apply: spot has no funding/.test(`${r.value} ${r.note}`)));
});

test('after a parameter change the previous run lines up beside this one', () => {
  const a = runWith(DEFAULT_PARAMS);
  const b = runWith(withConfig({ entry: { threshold: 0.6 } }));
  const rows = compareRows(metricRows(b.metrics, b.report), metricRows(a.metrics, a.report));
  const th = rows.find((r) => r.label === 'entry.threshold')!;
  assert.is(th.value, '0.6');
  assert.is(th.previous, '0.4');
  const dd = rows.filter((r) => r.label === 'max drawdown');
  assert.is(dd.length, 2, 'both drawdown rows');
  assert.is.not(dd[0].key, dd[1].key);
  assert.ok(dd.every((r) => r.previous !== undefined));
});

test('no trades: the strip says why, with the parameter to change', () => {
  const d = runWith(withConfig({ entry: { threshold: 50 }, exit: { threshold: 0.1 } }));
  assert.is(d.metrics.trades.count, 0);
  assert.ok(d.report.entriesBlocked.length > 0);
  const s = summarise(d.metrics, d.report);
  assert.match(s.lines[0], /^Why no trades: entry\.threshold: .*never reached ±50.*try --set entry\.threshold=/);
});

test('a halt: the strip says so, when and why', () => {
  const d = runWith(withConfig({ risk: { maxDailyLossQuote: 0.01 } }));
  assert.ok(d.metrics.strategy?.halted);
  const s = summarise(d.metrics, d.report);
  const halted = s.tiles.find((t) => t.key === 'halted')!;
  assert.is(halted.value, 'yes');
  assert.is(halted.tone, 'warn');
  assert.match(halted.note, /^at \d\d:\d\d:\d\d UTC$/);
  assert.match(s.lines[0], /^Halted: risk\.maxDailyLossQuote: .*0\.0100 USDT/);
  assert.not.ok(
    s.lines.some((l) => l.startsWith('Why no trades: nothing')),
    'a halt is the reason, not "nothing blocked"',
  );
});

test('no trades and nothing blocked: the strip says what the report says, not a signal a strategy may not have', () => {
  // signal-taker's default 2-tick spread gate never opens on this book: it places no order, and counts nothing
  const d = runWith({ ...DEFAULT_PARAMS, strategy: { kind: 'builtin', name: 'signal-taker' }, config: '{}' });
  assert.is(d.metrics.activity.orders, 0);
  const s = summarise(d.metrics, d.report);
  assert.is(s.lines.length, 1, s.lines.join('\n'));
  assert.match(s.lines[0], /^Why no trades: the strategy placed no order and no risk limit refused one/);
  assert.not.match(s.lines[0], /signal never called/);
});

test("a row n/a in this run keeps the unit of the previous run's value beside it", () => {
  const traded = runWith(DEFAULT_PARAMS);
  const idle = runWith({ ...DEFAULT_PARAMS, strategy: { kind: 'builtin', name: 'signal-taker' }, config: '{}' });
  assert.ok(traded.metrics.activity.fills > 0 && idle.metrics.activity.fills === 0);
  const rows = compareRows(metricRows(idle.metrics, idle.report), metricRows(traded.metrics, traded.report));
  for (const label of ['fill ratio', 'maker share', 'return per value traded']) {
    const r = rows.find((x) => x.label === label)!;
    assert.ok(/^(–|n\/a)$/.test(r.value), `${label} ${r.value}`);
    assert.ok(r.previous && r.previous !== r.value, `${label} previous ${r.previous}`);
    assert.is(r.unit, metricRows(traded.metrics, traded.report).find((x) => x.label === label)!.unit, label);
    assert.ok(r.unit, `${label} has a unit`);
  }
});

test.run();
