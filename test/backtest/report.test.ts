// The terminal and HTML reports: sections and units present, columns aligned, the HTML self-contained, escaped and
// bounded in size however long the run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { computeMetrics, traceEndNs } from '../../src/backtest/metrics';
import { formatReport } from '../../src/backtest/report-text';
import { htmlReport } from '../../src/backtest/report-html';
import { downsample, esc, MAX_POINTS } from '../../src/format/chart-scale';
import { portfolioTrace } from '../../src/backtest/portfolio';
import type { BacktestTrace, FillRow, InstrumentTrace } from '../../src/backtest/trace';
import type { Finding } from '../../src/format/findings';

const S = 1_000_000_000;
const T0 = 1_704_067_200_000_000_000n; // 2024-01-01T00:00:00Z

/** A run of `n` one-second samples: a drifting equity with one spike, a position swinging ±5, fills every 50 s. */
function run(n: number, settings: BacktestTrace['settings'] = { queue: 'prob2', entryLatencyNs: 5_000_000 }): BacktestTrace {
  const ts = new BigInt64Array(n);
  const eq = new Float64Array(n);
  const pos = new Float64Array(n);
  const mid = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ts[i] = T0 + BigInt(i) * BigInt(S);
    eq[i] = Math.sin(i / 300) * 2 + i * 1e-4 - (i === Math.floor(n / 2) ? 50 : 0);
    pos[i] = Math.round(Math.sin(i / 90) * 5);
    mid[i] = 600_000 + Math.round(Math.sin(i / 500) * 300);
  }
  const fills: FillRow[] = [];
  for (let i = 0; i < n; i += 50) {
    fills.push({
      localTs: ts[i],
      exchTs: ts[i] - 1_000_000n,
      side: i % 100 ? 'sell' : 'buy',
      priceTick: mid[i],
      qtyLot: 1,
      feeQuote: 0.01,
      maker: i % 150 !== 0,
    });
  }
  return {
    tickSize: 0.1,
    lotSize: 0.001,
    fromNs: T0,
    toNs: ts[n - 1],
    events: n * 20,
    fills,
    trades: Array.from({ length: Math.floor(fills.length / 2) }, (_, k) => ({
      dir: 1 as const,
      entryNs: fills[2 * k].localTs,
      exitNs: fills[2 * k + 1].localTs + BigInt(k * k) * 1_000_000n,
      grossQuote: (k % 3) - 1,
      feesQuote: 0.02,
      reason: k % 2 ? 'tp' : 'stop',
    })),
    counts: { orders: fills.length * 3, cancels: fills.length * 2, rejects: 1, postedLot: fills.length * 3, filledLot: fills.length },
    markouts: {
      horizonsNs: [S, 10 * S, 60 * S],
      ticks: [1, 10, 60].map((h) => Float64Array.from(fills, (_, i) => (i * 50 + h * 1 < n ? ((i % 5) - 2) * 0.5 : NaN))),
    },
    series: { intervalNs: S, ts, equityQuote: eq, positionLot: pos, midTick: mid, length: n },
    fundingQuote: -0.5,
    settings,
  };
}

function empty(): BacktestTrace {
  return {
    tickSize: 0.1,
    lotSize: 0.001,
    fromNs: T0,
    toNs: T0,
    events: 0,
    fills: [],
    trades: [],
    counts: { orders: 0, cancels: 0, rejects: 0, postedLot: 0, filledLot: 0 },
    markouts: { horizonsNs: [S], ticks: [new Float64Array(0)] },
    series: {
      intervalNs: S,
      ts: BigInt64Array.of(T0),
      equityQuote: Float64Array.of(0),
      positionLot: Float64Array.of(0),
      midTick: Float64Array.of(NaN),
      length: 1,
    },
    fundingQuote: 0,
    settings: {},
  };
}

// ---- text ----------------------------------------------------------------------------------------------------------

test('text: every section, the sampling interval and the units are printed', () => {
  const out = formatReport(computeMetrics(run(7200)));
  for (const title of [
    'Run',
    'Outcome',
    'PnL',
    'Returns (ΔPnL every 1 min, 119 intervals, the default)',
    'Drawdown',
    'Activity',
    'Trades (round trips)',
    'Markouts',
    'Exposure',
    'Settings (simulated venue)',
  ]) {
    assert.ok(out.includes(`\n${title}`) || out.startsWith(title), `section ${title}`);
  }
  assert.match(out, /net\s+-?\d+\.\d{2,4}\s+quote/);
  assert.match(out, /return per value traded\s+-?\d+\.\d{3}\s+bps/);
  assert.match(out, /maker share\s+\d+(\.\d{1,2})?\s+%/);
  assert.match(out, /after 10 s\s+-?\d+\.\d{3}\s+ticks/);
  assert.match(out, /Sharpe, annualised\s+n\/a\s+needs ≥ 1 day of data, have 2 h/, 'two hours are too short to annualise');
  assert.match(out, /queue model\s+prob2/);
  assert.ok(out.endsWith('\n'));
});

test('text: a short run says why its returns use the sampling interval, and what the intervals leave out of the net', () => {
  const t = run(25);
  // the session stopped half a second after the last whole step, 0.5 quote up in that half second
  t.series.ts[24] = t.series.ts[23] + BigInt(S / 2);
  t.series.equityQuote[24] = t.series.equityQuote[23] + 0.5;
  t.toNs = t.series.ts[24];
  const m = computeMetrics(t);
  const out = formatReport(m);
  assert.match(
    out,
    /\nReturns \(ΔPnL every 1 s, 23 intervals, the equity sampling: the run is too short for the 1 min default, which needs ≥ 30 min\)\n/,
  );
  assert.match(
    out,
    /\n {2}23 whole intervals cover 23 s of the 23\.5 s run: their ΔPnL sums to -?[\d.]+ quote; the net's other 0\.5000 quote falls outside them \(the partial step after the last one, 500 ms\)\n/,
  );
});

test("text: a run whose clock ran on past its last market message ends at the session's end", () => {
  const t = run(30);
  const m = computeMetrics(t);
  // a parity run: timers tick 2 s past the last market message, and the equity is sampled there
  const endNs = t.toNs + 2n * BigInt(S);
  assert.is(traceEndNs({ ...t, series: { ...t.series, ts: BigInt64Array.of(...t.series.ts, endNs), length: t.series.length + 1 } }), endNs);
  const out = formatReport(m, { endNs: String(endNs) });
  assert.match(out, /\n {2}to +2024-01-01T00:00:31\.000Z {2}UTC +the session's end; the last market message 2024-01-01T00:00:29\.000Z\n/);
  assert.match(out, /\n {2}duration +31 s +of them market data 29 s\n/);
  assert.match(formatReport(m), /\n {2}to +2024-01-01T00:00:29\.000Z {2}UTC\n/, 'no later end: the last market message');
});

test('text: values right-aligned in one column, units in the next', () => {
  const out = formatReport(computeMetrics(run(3600)));
  const unit = /\d {2}(quote|lot|bps|ticks|%)( |$)/;
  const rows = out.split('\n').filter((l) => unit.test(l) && l.startsWith('  '));
  assert.ok(rows.length > 20);
  const col = (l: string): number => l.search(unit);
  assert.ok(
    rows.every((l) => col(l) === col(rows[0])),
    rows.join('\n'),
  );
});

test('text: a recorded series is written with the decimals its range needs, not rounded to one value', () => {
  const m = computeMetrics(empty());
  m.strategy = {
    finalPhase: 'IDLE',
    halted: null,
    counters: { 'amendReject.unknown': 3, mine: 2 },
    recorded: [
      { name: 'ema', points: 120, last: 900003.123, min: 899976.2, max: 900014.9, mean: 899995.04 },
      { name: 'lots', points: 5, last: 65948, min: 65800, max: 66100, mean: 65950.5 },
      { name: 'flat', points: 3, last: 0.1234567, min: 0.1234567, max: 0.1234567, mean: 0.1234567 },
      { name: 'lean', points: 9, last: -0.0001, min: -0.52, max: 0.48, mean: 0.001 },
      { name: 'queue', points: 59, last: null, min: null, max: null, mean: null },
      { name: 'ahead', points: 74, last: null, min: 0, max: 4953, mean: 1366.2 },
    ],
  };
  const out = formatReport(m);
  assert.match(out, /\n {2}ema \(recorded\) +900003\.1 +last of 120 points; min 899976\.2, max 900014\.9, mean 899995\n/);
  assert.match(out, /\n {2}lots \(recorded\) +65948 +last of 5 points; min 65800, max 66100, mean 65951\n/);
  assert.match(out, /\n {2}flat \(recorded\) +0\.123457 +last of 3 points; min 0\.123457, max 0\.123457, mean 0\.123457\n/);
  assert.match(out, /\n {2}amendReject\.unknown +3 +amend refusals for orders already finished \(not passed on\)\n {2}mine +2 +counter\n/);
  assert.match(out, /\n {2}lean \(recorded\) +0 +last of 9 points; min -0\.52, max 0\.48, mean 0\n/);
  // NaN points are gaps: a series of gaps only is n/a, and a gap last is said to be one
  assert.match(out, /\n {2}queue \(recorded\) +n\/a +all 59 points are NaN \(gaps\)\n/);
  assert.match(out, /\n {2}ahead \(recorded\) +– +the last of 74 points a gap \(NaN\); min 0, max 4953, mean 1366\n/);
});

test('text: an empty run prints dashes, and control characters in settings are shown escaped', () => {
  const t = empty();
  t.settings = { note: 'a\u001b[31mred' };
  const out = formatReport(computeMetrics(t));
  assert.match(out, /\n {2}Sharpe, annualised +n\/a +needs ≥ 2 return intervals, have 0\n/);
  assert.match(out, /\n {2}max drawdown +n\/a +as % of the max position value: needs a position held\n/);
  assert.match(out, /\n {2}round trips per day +n\/a +needs ≥ 1 h of data, have 0 s\n/);
  assert.match(out, /\n {2}turnover per day +n\/a +needs ≥ 1 h of data, have 0 s\n/);
  assert.not.match(out, /(n\/a|–) +(\/day|%|quote|lot|ticks|bps|×)/, 'no unit after a figure with no value');
  assert.ok(!out.includes('\u001b'));
  assert.ok(out.includes('a\\u001b[31mred'));
});

test('text: with the run context, money in the quote currency, the outcome, the halt and every parameter', () => {
  const t = run(7200);
  t.strategy = {
    phase: 'HALTED',
    haltReason: 'risk breach (dailyLoss): daily loss 1 quote > max 0.5',
    haltedNs: T0 + 60n * BigInt(S),
    counters: {},
  };
  const ctx = {
    currency: 'USDT',
    base: 'BTC',
    preset: 'demo',
    parameters: [
      { path: 'entry.threshold', value: '0.4', unit: 'x', source: 'preset demo', doc: 'θ_in' },
      { path: 'exit.timeStopNs', value: '5 s', unit: '', source: 'default', doc: 'time stop' },
    ],
    findings: [
      {
        count: 12345,
        parameter: 'gates.maxSpreadTicks',
        text: 'the spread was wider than 2 ticks',
        suggest: { parameter: 'gates.maxSpreadTicks', value: '5' },
      },
    ],
    halt: { parameter: 'risk.maxDailyLossQuote', text: 'risk limit: the loss since the UTC day began passed 0.50 USDT' },
  };
  const out = formatReport(computeMetrics(t), ctx);
  assert.match(out, /\n {2}net +-?[\d,]+\.\d{2,4} {2}USDT /);
  assert.match(out, /\n {2}lot size +0\.001 {2}BTC/);
  assert.match(out, /\n {2}parameters +from the defaults, preset demo; 1 not the default \(marked \*\) under Parameters\n/);
  assert.match(out, /\n {2}final phase +HALTED\n {2}halted +yes +at 2024-01-01T00:01:00\.000Z UTC\n/);
  assert.match(out, /\n {2}halted: risk\.maxDailyLossQuote: risk limit: the loss since the UTC day began passed 0\.50 USDT\n/);
  assert.match(
    out,
    /\n {2}what stopped entries: the halt; before it:\n {4}gates\.maxSpreadTicks blocked 12,345 entries: the spread was wider than 2 ticks; try --set gates\.maxSpreadTicks=5\n/,
  );
  assert.match(out, /\nParameters \(docs\/strategy\.md\)\n {2}entry\.threshold +0\.4 {2}x +\* preset demo\n {2}exit\.timeStopNs +5 s\n/);
  // a strategy's own counters are what it counted, not what stopped its entries
  const own = {
    ...ctx,
    halt: undefined,
    findings: [{ count: 9, noun: 'times', verb: 'counted', parameter: 'wide', text: 'the strategy counted it (ctx.count)' }],
  };
  const mine = formatReport(computeMetrics(empty()), own);
  assert.match(
    mine,
    /\n {2}why no trades: no risk limit refused an order; what the strategy counted \(ctx\.count\):\n {4}wide counted 9 times/,
  );
  assert.not.match(mine, /what stopped entries/);
  assert.not.match(out, /\bquote\b/);
  const html = htmlReport(computeMetrics(t), t, 'x', ctx);
  assert.ok(html.includes('<td>entry.threshold</td><td class="v">0.4</td><td class="u">x</td><td class="n">* preset demo · θ_in</td>'));
  assert.ok(html.includes('net '), 'summary line');
  assert.ok(html.includes('USDT'));
});

/** The Outcome section of a halted run of `trades` round trips and `fills` fills, `flattenFills` of them the flatten's. */
function haltedOutcome(trades: number, fills: number, flattenFills: number, findings: Finding[] = []): string {
  const t = run(600);
  t.trades = t.trades.slice(0, trades);
  t.fills = t.fills.slice(0, fills);
  t.counts = { ...t.counts, flattenFills };
  t.strategy = { phase: 'HALTED', haltReason: 'risk breach (dailyLoss): x', haltedNs: T0 + 60n * BigInt(S), counters: {} };
  const halt = { parameter: 'risk.maxDailyLossQuote', text: 'risk limit: the loss since the UTC day began passed 0.0100 USDT' };
  const out = formatReport(computeMetrics(t), { currency: 'USDT', halt, findings });
  return out.slice(out.indexOf('Outcome'), out.indexOf('\nPnL'));
}

test('text: a halt is the reason trading stopped, never contradicted by the lines after it', () => {
  // a round trip closed, then the daily loss limit halted the session
  const after = haltedOutcome(1, 3, 1);
  assert.match(after, /halted: risk\.maxDailyLossQuote: risk limit: the loss since the UTC day began passed 0\.0100 USDT\n/);
  assert.match(after, /\n {2}entries stopped at the halt; before it none was blocked by a gate, the cost hurdle or a risk limit\n/);
  assert.not.match(after, /\n {2}no entry was blocked/);
  // entered once, halted, the flatten closed the position: no round trip of the strategy's, and no "no entry signal"
  const entered = haltedOutcome(0, 2, 1);
  assert.match(entered, /round trips +0 +2 fills \(1 by the flatten\), \d+ orders?\n/);
  assert.match(entered, /\n {2}no round trip closed by the strategy: the halt stopped trading and its flatten closed the position\n/);
  assert.not.match(entered, /why no trades|no entry/);
  // never entered: the halt is the reason, what the counters saw came before it
  const never = haltedOutcome(0, 0, 0, [{ count: 3, parameter: 'gates.maxSpreadTicks', text: 'the spread was wider than 2 ticks' }]);
  assert.match(never, /\n {2}why no trades: the halt stopped trading; before it:\n {4}gates\.maxSpreadTicks blocked 3 entries/);
});

test('text: the round-trip figures a run without round trips, or without a losing one, cannot have are n/a and say why', () => {
  const none = formatReport(computeMetrics(empty()));
  for (const label of ['win rate', 'profit factor', 'average net', 'average holding time', 'median holding time'])
    assert.match(none, new RegExp(`\\n {2}${label} +n/a +needs a closed round trip\\n`), label);
  const t = run(600);
  for (const x of t.trades) x.grossQuote = 1; // every round trip won
  const won = formatReport(computeMetrics(t));
  assert.match(won, /\n {2}profit factor +n\/a +needs a losing round trip to divide by \(6 of 6 won, none lost\)\n/);
  assert.match(formatReport(computeMetrics(run(600))), /\n {2}profit factor +[\d.]+ +× +won ÷ lost, net of fees\n/);
  assert.not.match(none + won, /\n {2}(win rate|profit factor|average holding time|median holding time) +–/, 'no bare dash');
});

test('text: fee share is n/a when the gross P&L is about zero', () => {
  const t = run(600);
  t.fundingQuote = 0;
  t.series.equityQuote.fill(0);
  t.series.equityQuote[t.series.length - 1] = -t.fills.reduce((a, f) => a + f.feeQuote, 0) + 1e-6;
  const out = formatReport(computeMetrics(t));
  assert.match(out, /fee share of gross +n\/a +gross P&L is about 0: fees 0\.1200 against a gross of 0\.0000010, more than 10× it\n/);
});

test('text: net rebates read as a rebate share; no funding at all reads as none in the settings, as in Costs', () => {
  const t = run(600);
  for (const f of t.fills) f.feeQuote = -Math.abs(f.feeQuote) - 1e-4; // a maker rebate on every fill
  t.settings.fundingRate = 0; // no --funding, no ticker
  const m = computeMetrics(t);
  assert.ok(m.pnl.feesQuote! < 0);
  const out = formatReport(m);
  assert.match(out, /\n {2}rebate share of gross +[\d,.]+ +% +rebates received net of fees, against the gross\n/);
  assert.not.match(out, /fee share of gross +-/);
  assert.is(m.costs.funding.source, 'none');
  assert.match(out, /\n {2}funding +– +no ticker recorded \(--funding R charges a flat rate\)\n/);
  assert.not.match(out, /funding rate +0/);
});

// ---- HTML ----------------------------------------------------------------------------------------------------------

test('HTML: one self-contained file with six SVG charts and no external references', () => {
  const t = run(3600);
  const html = htmlReport(computeMetrics(t), t, 'BTCUSDT backtest');
  assert.ok(html.startsWith('<!doctype html>'));
  assert.is(html.match(/<svg /g)?.length, 6);
  assert.ok(!/https?:\/\//i.test(html), 'no http:// or https://');
  assert.ok(!/<script|<link|<img|<iframe|\ssrc=|\shref=|@import|url\(/i.test(html), 'nothing to fetch or run');
  assert.ok(html.includes('<style>'));
  assert.ok(html.includes('2024-01-01T00:00:00Z'), 'times as UTC ISO');
  assert.ok(!html.includes('NaN') && !html.includes('Infinity'));
});

test('HTML: title, settings and exit reasons are escaped', () => {
  const t = run(600, { note: '<script>alert(1)</script>', q: `"'&` });
  t.trades[0].reason = '<b>x</b>';
  const html = htmlReport(computeMetrics(t), t, '<script>alert("t")</script>');
  assert.ok(!html.includes('<script'));
  assert.ok(!html.includes('<b>'));
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(html.includes('&quot;&#39;&amp;'));
  assert.ok(html.includes('<title>&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;</title>'));
  assert.is(esc('a<b>&"\''), 'a&lt;b&gt;&amp;&quot;&#39;');
});

test('HTML: a day of 1 s samples is cut to ≤ 2000 points per chart', () => {
  const t = run(86_400);
  const html = htmlReport(computeMetrics(t), t, 'day');
  for (const d of html.matchAll(/<path class="(?:equity|dd|position|mid)" d="([^"]*)"/g)) {
    const points = (d[1].match(/[ML]/g) ?? []).length;
    assert.ok(points > 100 && points <= MAX_POINTS, `${points} points`);
  }
  const markers = html.match(/<path class="(buy|sell)"/g)?.length ?? 0;
  assert.ok(markers > 0 && markers <= MAX_POINTS / 2, `${markers} fill markers`);
  assert.ok(html.length < 1_000_000, `${html.length} bytes`);
});

test('HTML: an empty run renders without throwing', () => {
  const t = empty();
  const html = htmlReport(computeMetrics(t), t, 'empty');
  assert.ok(html.includes('<svg'));
  assert.ok(html.includes('no round trips'));
  assert.ok(!html.includes('NaN'));
});

/** A run of two instruments as the backtest makes it: BTCUSDT (tick 0.1) near 60,000 and ETHUSDT (tick 0.01) near 3,000. */
function twoInstruments(n: number): BacktestTrace {
  const one = (symbol: string, tickSize: number, lotSize: number, midTick: number): InstrumentTrace => {
    const t = run(n);
    const mid = t.series.midTick.map((x) => midTick + (x - 600_000));
    const fills = t.fills.map((f, i) => ({ ...f, symbol, priceTick: mid[i * 50] }));
    const { trades, counts, markouts, fundingQuote } = t;
    return {
      symbol,
      tickSize,
      lotSize,
      makerFeeRate: 0.0002,
      takerFeeRate: 0.0006,
      trades,
      counts,
      markouts,
      fundingQuote,
      fills,
      series: { ...t.series, midTick: mid },
    };
  };
  return portfolioTrace(run(n), [one('BTCUSDT', 0.1, 0.0001, 600_000), one('ETHUSDT', 0.01, 0.01, 300_000)]);
}

/** The report's charts: each figure's caption, its y axis unit and labels, and the points its paths and marks draw. */
function figures(html: string) {
  return [...html.matchAll(/<figure><figcaption>([^<]*)<\/figcaption>(<svg[^]*?<\/svg>)<\/figure>/g)].map(([, caption, svg]) => {
    const paths = [...svg.matchAll(/<path class="([\w-]+)" d="([^"]*)"\/>/g)].map(([, cls, d]) => ({ cls, d }));
    // a fill's mark starts 4 px above (buy) or below (sell) its point
    const points = paths.flatMap(({ cls, d }) =>
      [...d.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((p) => ({
        cls,
        x: +p[1],
        y: +p[2] + (cls === 'buy' ? 4 : cls === 'sell' ? -4 : 0),
      })),
    );
    return {
      caption,
      unit: /<text class="unit" x="[\d.]+" y="[\d.]+">([^<]*)<\/text>/.exec(svg)?.[1] ?? null,
      yLabels: [...svg.matchAll(/<text class="yl"[^>]*>([^<]*)<\/text>/g)].map((l) => +l[1]),
      paths,
      points,
    };
  });
}

test('HTML: several instruments draw each one in its own units — position in lots, mid and fills on its price axis, markouts in its ticks', () => {
  const t = twoInstruments(3600);
  const m = computeMetrics(t);
  const html = htmlReport(m, t, 'BTCUSDT, ETHUSDT', { currency: 'USDT', symbols: ['BTCUSDT', 'ETHUSDT'] });
  const figs = figures(html);
  const fig = (caption: string) => {
    const f = figs.find((x) => x.caption === caption);
    assert.ok(f, `${caption} in ${figs.map((x) => x.caption).join(' | ')}`);
    return f!;
  };
  // every point drawn is inside its chart's frame (920 × 230, margins 74, 14, 22, 30)
  for (const f of figs)
    for (const p of f.points)
      assert.ok(p.x >= 74 - 0.05 && p.x <= 906.05 && p.y >= 22 - 0.05 && p.y <= 200.05, `${f.caption}: ${p.cls} at ${p.x},${p.y}`);
  for (const [symbol, lo, hi] of [
    ['BTCUSDT', 59_900, 60_100],
    ['ETHUSDT', 2_990, 3_010],
  ] as const) {
    const price = fig(`Mid price with fills: ${symbol} (▲ buy, ▼ sell)`);
    assert.is(price.unit, 'USDT');
    assert.ok(price.paths.find((p) => p.cls === 'mid')!.d.length > 100, `${symbol}: a mid path`);
    assert.is(
      price.points.filter((p) => p.cls === 'buy' || p.cls === 'sell').length,
      t.instruments![0].fills.length,
      `${symbol}: its own fills`,
    );
    assert.ok(
      price.yLabels.every((v) => v >= lo && v <= hi),
      `${symbol}: its own price axis, ${price.yLabels.join(', ')}`,
    );
    const position = fig(`Position: ${symbol}`);
    assert.is(position.unit, 'lot');
    assert.ok(
      position.yLabels.every((v) => Math.abs(v) <= 5),
      `${symbol}: position in lots, ${position.yLabels.join(', ')}`,
    );
    assert.ok(position.paths.some((p) => p.cls === 'position' && p.d.length > 100));
    const tick = symbol === 'BTCUSDT' ? '0.1' : '0.01';
    const markouts = fig(`Mean markout by horizon: ${symbol}, in its ticks of ${tick} USDT (mid move in the fill’s favour)`);
    assert.is(markouts.unit, 'ticks');
  }
  // the position in money, summed, is a chart of its own and says what it is
  const value = fig('Position value held, all instruments (Σ |position| × mid)');
  assert.is(value.unit, 'USDT');
  assert.ok(Math.max(...value.yLabels) > 100, 'lots × price, not lots');
  // no chart mixes the instruments: no single position, mid or markout chart of the portfolio
  for (const c of ['Position', 'Mid price with fills (▲ buy, ▼ sell)', 'Mean markout by horizon (mid move in the fill’s favour)'])
    assert.not.ok(
      figs.some((f) => f.caption === c),
      c,
    );
  assert.not.match(html, /d=""/);
  assert.ok(!html.includes('NaN') && !html.includes('Infinity'));
});

test('HTML: a run of one instrument keeps its one position, mid and markout chart', () => {
  const t = run(3600);
  const figs = figures(htmlReport(computeMetrics(t), t, 'BTCUSDT backtest', { currency: 'USDT' }));
  assert.equal(
    figs.map((f) => [f.caption, f.unit]),
    [
      ['Equity (net of fees and funding)', 'USDT'],
      ['Drawdown from running peak', 'USDT'],
      ['Position', 'lot'],
      ['Mid price with fills (▲ buy, ▼ sell)', 'USDT'],
      ['Mean markout by horizon (mid move in the fill’s favour)', 'ticks'],
      ['Holding time of round trips', 'trades'],
    ],
  );
  for (const f of figs) for (const p of f.points) assert.ok(p.x >= 74 - 0.05 && p.x <= 906.05 && p.y >= 22 - 0.05 && p.y <= 200.05);
});

test('downsample: min and max of each bucket survive, in time order', () => {
  const n = 100_000;
  const x = Float64Array.from({ length: n }, (_, i) => i);
  const y = Float64Array.from({ length: n }, (_, i) => (i === 31_337 ? 1e6 : i === 77_777 ? -1e6 : Math.sin(i / 1000)));
  const p = downsample(x, y, 2000);
  assert.ok(p.x.length <= 2000);
  assert.ok(p.y.includes(1e6) && p.y.includes(-1e6), 'both spikes kept');
  assert.ok(
    p.x.every((v, i) => i === 0 || v > p.x[i - 1]),
    'time order',
  );
  const short = downsample([1, 2, 3], [4, 5, 6]);
  assert.equal(short, { x: [1, 2, 3], y: [4, 5, 6] });
});

test('a book never valid: the Settings warning names the cause the files show (trades only), else a missing snapshot', () => {
  const warning = (settings: BacktestTrace['settings'], ctx: Parameters<typeof formatReport>[1] = {}) =>
    formatReport(computeMetrics(run(100, settings)), ctx)
      .split('\n')
      .find((l) => l.includes('WARNING no valid book'));
  const DAMAGED = 'no book snapshot in the replayed data (its file left out as damaged, or cut short): nothing could trade on it';
  const TRADES_ONLY =
    'trades only: 9 public trades and no book message in the replayed data (import the incremental_book_L2 file beside the trades, or record the book)';
  // nothing counted (a file left out as damaged, a recording cut short): the words as they were
  const damaged = warning({ booksNeverValid: 'BTCUSDT' })!;
  assert.match(damaged, /WARNING no valid book +BTCUSDT +no book snapshot/);
  assert.ok(damaged.endsWith(DAMAGED), damaged);
  // one instrument, its counts unnamed: trades and no book message in its files
  const one = warning({ booksNeverValid: 'BTCUSDT' }, { bookless: [{ trades: 9, bookInWindow: 0, bookInFiles: 0 }] })!;
  assert.match(one, /WARNING no valid book +BTCUSDT +trades only: /);
  assert.ok(one.endsWith(`${TRADES_ONLY}: nothing could trade on it`), one);
  assert.not.ok(one.includes('damaged'));
  // its book messages all outside the window
  const window = warning({ booksNeverValid: 'BTCUSDT' }, { bookless: [{ trades: 1, bookInWindow: 0, bookInFiles: 40 }] })!;
  assert.ok(
    window.endsWith(
      "1 public trade and no book message in the replayed window: the recording's are all outside it (--from, --to): nothing could trade on it",
    ),
    window,
  );
  // several: each cause after its symbol; an instrument without trades (nothing to explain) keeps the snapshot words
  const two = warning(
    { booksNeverValid: 'BTCUSDT, ETHUSDT' },
    {
      symbols: ['BTCUSDT', 'ETHUSDT'],
      bookless: [
        { symbol: 'BTCUSDT', trades: 9, bookInWindow: 0, bookInFiles: 0 },
        { symbol: 'ETHUSDT', trades: 0, bookInWindow: 0, bookInFiles: 0 },
      ],
    },
  )!;
  assert.ok(
    two.endsWith(
      `BTCUSDT: ${TRADES_ONLY}; ETHUSDT: no book snapshot in the replayed data (its file left out as damaged, or cut short); nothing could trade on them`,
    ),
    two,
  );
  // both trades only: said once
  const both = warning(
    { booksNeverValid: 'BTCUSDT, ETHUSDT' },
    {
      bookless: [
        { symbol: 'BTCUSDT', trades: 9, bookInWindow: 0, bookInFiles: 0 },
        { symbol: 'ETHUSDT', trades: 9, bookInWindow: 0, bookInFiles: 0 },
      ],
    },
  )!;
  assert.match(both, /WARNING no valid book +BTCUSDT, ETHUSDT +trades only: /);
  assert.ok(both.endsWith(`${TRADES_ONLY}: nothing could trade on it`), both);
});

test('deterministic: the same trace gives the same text and HTML', () => {
  const a = run(5000);
  const b = run(5000);
  assert.is(formatReport(computeMetrics(a)), formatReport(computeMetrics(b)));
  assert.is(htmlReport(computeMetrics(a), a, 'x'), htmlReport(computeMetrics(b), b, 'x'));
});

test.run();
