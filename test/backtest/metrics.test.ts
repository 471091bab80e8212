// Backtest metrics on hand-built traces whose answers are worked out in the comments.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { computeMetrics, fix, type Metrics } from '../../src/backtest/metrics';
import type { BacktestTrace, FillRow, TradeRow } from '../../src/backtest/trace';
import { formatReport } from '../../src/backtest/report-text';

const S = 1_000_000_000;
const T0 = 1_704_067_200_000_000_000n; // 2024-01-01T00:00:00Z

interface SeriesSpec {
  intervalNs: number;
  equity: number[];
  position?: number[];
  mid?: number[];
}

type Spec = { series?: SeriesSpec; fills?: FillRow[]; trades?: TradeRow[]; days?: number } & Partial<Omit<BacktestTrace, 'series'>>;

function trace(o: Spec = {}): BacktestTrace {
  const sp = o.series ?? { intervalNs: 60 * S, equity: [0] };
  const n = sp.equity.length;
  const ts = new BigInt64Array(n);
  for (let i = 0; i < n; i++) ts[i] = T0 + BigInt(i) * BigInt(sp.intervalNs);
  return {
    tickSize: o.tickSize ?? 0.1,
    lotSize: o.lotSize ?? 0.01,
    fromNs: T0,
    toNs: T0 + BigInt(Math.round((o.days ?? 1) * 86_400)) * BigInt(S),
    events: o.events ?? 1000,
    fills: o.fills ?? [],
    trades: o.trades ?? [],
    counts: o.counts ?? { orders: 0, cancels: 0, rejects: 0, postedLot: 0, filledLot: 0 },
    markouts: o.markouts ?? { horizonsNs: [], ticks: [] },
    series: {
      intervalNs: sp.intervalNs,
      ts,
      length: n,
      equityQuote: Float64Array.from(sp.equity),
      positionLot: Float64Array.from(sp.position ?? sp.equity.map(() => 0)),
      midTick: Float64Array.from(sp.mid ?? sp.equity.map(() => 1000)),
    },
    fundingQuote: o.fundingQuote ?? 0,
    settings: o.settings ?? { queue: 'riskAdverse', entryLatencyNs: 5_000_000 },
  };
}

const fill = (side: 'buy' | 'sell', priceTick: number, qtyLot: number, feeQuote: number, maker: boolean, atS = 0): FillRow => ({
  localTs: T0 + BigInt(atS * S),
  exchTs: T0 + BigInt(atS * S),
  side,
  priceTick,
  qtyLot,
  feeQuote,
  maker,
});

const tradeRow = (dir: 1 | -1, grossQuote: number, feesQuote: number, holdS: number, reason = 'tp'): TradeRow => ({
  dir,
  entryNs: T0,
  exitNs: T0 + BigInt(holdS * S),
  grossQuote,
  feesQuote,
  reason,
});

const close = (a: number | null, b: number, what: string): void => {
  assert.ok(a !== null && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} ≠ ${b}`);
};

/** Every number in the object is finite (null is allowed; NaN and ±Infinity are not). */
function allFinite(v: unknown, path = 'm'): void {
  if (typeof v === 'number') assert.ok(Number.isFinite(v), `${path} = ${v}`);
  else if (Array.isArray(v)) v.forEach((x, i) => allFinite(x, `${path}[${i}]`));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) allFinite(x, `${path}.${k}`);
  else assert.ok(v === null || typeof v === 'string' || typeof v === 'boolean', `${path} is ${typeof v}`);
}

// ---- returns -------------------------------------------------------------------------------------------------------

test('Sharpe and Sortino: 40 one-minute steps alternating +3, −1', () => {
  const equity = [0];
  for (let i = 0; i < 40; i++) equity.push(equity[i] + (i % 2 === 0 ? 3 : -1));
  const r = computeMetrics(trace({ series: { intervalNs: 60 * S, equity } })).returns;
  assert.is(r.intervalNs, 60 * S);
  assert.is(r.intervalSource, 'requested');
  assert.is(r.samples, 40);
  // 1440 intervals a day: annualisation √(1440·365).
  const ann = Math.sqrt(1440 * 365);
  close(r.annualisation, ann, 'annualisation');
  // mean 1; deviations ±2 → Σ = 160, sample std √(160/39).
  close(r.meanQuote, 1, 'mean');
  close(r.stdQuote, Math.sqrt(160 / 39), 'std');
  close(r.sharpe, (1 / Math.sqrt(160 / 39)) * ann, 'sharpe');
  // Downside: twenty (−1)² over forty intervals → √0.5.
  close(r.downsideDevQuote, Math.sqrt(0.5), 'downside');
  close(r.sortino, (1 / Math.sqrt(0.5)) * ann, 'sortino');
});

test('returns: a 1 s series is resampled at the requested 10 s (ΔPnL = 10 × the 1 s step)', () => {
  // Equity = i² / 100 at second i: over [10k, 10k+10] the step is (20k + 10) / 10 = 2k + 1.
  const equity = Array.from({ length: 601 }, (_, i) => (i * i) / 100);
  const r = computeMetrics(trace({ series: { intervalNs: S, equity } }), { sharpeIntervalNs: 10 * S }).returns;
  assert.is(r.intervalNs, 10 * S);
  assert.is(r.samples, 60);
  close(r.meanQuote, 60, 'mean of 1, 3, …, 119');
  close(r.annualisation, Math.sqrt(8640 * 365), 'annualisation');
  assert.is(r.sortino, null, 'no losing interval: downside deviation 0');
});

test('returns: too few intervals at 60 s falls back to the series interval, and says so', () => {
  const equity = [0, 1, 0.5, 2, 1.5, 3, 2.5, 4, 3.5, 5, 4.5];
  const r = computeMetrics(trace({ series: { intervalNs: S, equity } })).returns;
  assert.is(r.intervalNs, S);
  assert.is(r.intervalSource, 'series');
  assert.is(r.requestedIntervalNs, 60 * S);
  assert.is(r.samples, 10);
});

test('returns: asking finer than the series uses the series interval (no zero steps)', () => {
  const equity = Array.from({ length: 50 }, (_, i) => (i % 3) - 1);
  const r = computeMetrics(trace({ series: { intervalNs: 60 * S, equity } }), { sharpeIntervalNs: S }).returns;
  assert.is(r.intervalNs, 60 * S);
  assert.is(r.intervalSource, 'series');
  assert.is(r.samples, 49);
});

test('returns: a constant step is no Sharpe, even with float noise in the steps', () => {
  const equity = Array.from({ length: 61 }, (_, i) => i * 0.1);
  const r = computeMetrics(trace({ series: { intervalNs: 60 * S, equity } })).returns;
  close(r.meanQuote, 0.1, 'mean');
  assert.is(r.sharpe, null);
  assert.is(r.sortino, null);
});

// ---- drawdown ------------------------------------------------------------------------------------------------------

test('drawdown: 0 → 5 → 2 → 6 → 1 → 3: max 5 (6 → 1), 125% of a 4-quote max position, return/MDD 0.6', () => {
  const m = computeMetrics(
    trace({
      series: { intervalNs: 60 * S, equity: [0, 5, 2, 6, 1, 3], position: [0, 2, 2, -4, 0, 0], mid: [1000, 1000, 1000, 1000, 1000, 1000] },
    }),
  );
  const d = m.drawdown;
  assert.is(d.maxQuote, 5);
  // 4 lots × 1000 ticks × 0.1 × 0.01 = 4 quote.
  assert.is(m.exposure.maxNotionalQuote, 4);
  assert.is(d.pctBaseQuote, 4);
  assert.is(d.maxPct, 125);
  assert.is(d.peakNs, (T0 + 3n * 60n * BigInt(S)).toString());
  assert.is(d.troughNs, (T0 + 4n * 60n * BigInt(S)).toString());
  // Under water from the peak at minute 3 until the end at minute 5.
  assert.is(d.maxDurationNs, 120 * S);
  assert.is(d.returnOverMdd, 0.6);
  assert.is(m.pnl.netQuote, 3);
});

test('drawdown: the start is a peak at 0, and no position means no percentage', () => {
  const d = computeMetrics(trace({ series: { intervalNs: 60 * S, equity: [-1, -3, -2] } })).drawdown;
  assert.is(d.maxQuote, 3);
  assert.is(d.maxPct, null);
  assert.is(d.pctBaseQuote, null);
  close(d.returnOverMdd, -2 / 3, 'return/MDD');
});

// ---- PnL and activity ----------------------------------------------------------------------------------------------

test('fills: turnover, volume, maker share, fill ratio, order ratios, fees and the PnL identity', () => {
  const fills = [fill('buy', 100, 3, 0.01, true, 10), fill('sell', 102, 2, 0.02, false, 20), fill('sell', 101, 1, -0.001, true, 30)];
  const m = computeMetrics(
    trace({
      tickSize: 0.5,
      lotSize: 0.001,
      days: 2,
      fills,
      counts: { orders: 10, cancels: 6, rejects: 1, postedLot: 12, filledLot: 6 },
      series: { intervalNs: 60 * S, equity: [0, 0.02, 0.05], position: [0, 1, 0], mid: [100, 101, 101] },
      fundingQuote: -0.004,
      trades: [tradeRow(1, 0.083, 0.029, 20)],
    }),
  );
  const a = m.activity;
  // Σ price·qty = 300 + 204 + 101 = 605 ticks·lots; one tick·lot = 0.5 × 0.001 quote.
  close(a.turnoverQuote, 0.3025, 'turnover');
  close(a.turnoverPerDayQuote, 0.15125, 'turnover per day');
  assert.is(a.volumeLot, 6);
  close(a.makerShare, 4 / 6, 'maker share by qty');
  assert.is(a.fillRatio, 0.5);
  close(a.orderToTrade, 10 / 3, 'order-to-trade');
  assert.is(a.cancelRatio, 0.6);
  assert.equal([a.fills, a.orders, a.cancels, a.rejects, a.days, a.fillsPerDay, a.tradesPerDay], [3, 10, 6, 1, 2, 1.5, 0.5]);
  // net = last equity 0.05; fees 0.029; funding −0.004 → gross = 0.05 + 0.029 + 0.004.
  const p = m.pnl;
  close(p.feesQuote, 0.029, 'fees');
  assert.is(p.fundingQuote, -0.004);
  assert.is(p.netQuote, 0.05);
  close(p.grossQuote, 0.083, 'gross');
  close(p.feeShare, 0.029 / 0.083, 'fee share');
  close(a.returnPerValueBps, (0.05 / 0.3025) * 1e4, 'return per value');
  // Position 3 right after the first fill, between samples: the fills count for the maximum.
  assert.is(m.exposure.maxPositionLot, 3);
  assert.is(m.exposure.endPositionLot, 0, 'bought 3, sold 2 and 1: flat at the end');
  close(m.exposure.maxNotionalQuote, 0.15, 'max notional at the fill price');
  close(m.exposure.meanAbsPositionLot, 1 / 3, 'mean |position| over samples');
  assert.is(m.exposure.medianAbsPositionLot, 0);
  close(m.exposure.timeInMarket, 1 / 3, 'time in market');
});

test('exposure: the lot and the value figures are over the same samples, a first sample without a mid included', () => {
  // Nine samples; the first before any book (no mid, flat); 1 lot held in four of them at mid 300 ticks.
  // tick 0.01 × lot 10 → 1 lot at 300 ticks = 30 quote. Mean |position| 4/9 lot, so the mean value is 4/9 × 30.
  const m = computeMetrics(
    trace({
      tickSize: 0.01,
      lotSize: 10,
      series: {
        intervalNs: S,
        equity: [0, 0, 0, 0, 0, 0, 0, 0, 0],
        position: [0, 0, 1, 1, 0, -1, -1, 0, 0],
        mid: [NaN, 300, 300, 300, 300, 300, 300, 300, 300],
      },
    }),
  ).exposure;
  close(m.meanAbsPositionLot, 4 / 9, 'mean |position|');
  close(m.meanNotionalQuote, (4 / 9) * 30, 'mean value = mean |position| × 30');
  assert.is(m.medianAbsPositionLot, 0);
  assert.is(m.medianNotionalQuote, 0, 'median value of the same samples: flat');
  close(m.timeInMarket, 4 / 9, 'time in market');
  assert.is(m.maxNotionalQuote, 30);
});

test('exposure: a position held through a gap in the book is valued at the last mid seen', () => {
  // 2 lots throughout; the mid is 100 then missing then 110 → values 2, 2 (carried), 2.2 quote (tick 0.1, lot 0.1).
  const e = computeMetrics(
    trace({ tickSize: 0.1, lotSize: 0.1, series: { intervalNs: S, equity: [0, 0, 0], position: [2, 2, 2], mid: [100, NaN, 110] } }),
  ).exposure;
  close(e.meanNotionalQuote, (2 + 2 + 2.2) / 3, 'mean value');
  close(e.medianNotionalQuote, 2, 'median value');
  close(e.meanAbsPositionLot, 2, 'mean |position|');
});

test('trades: win rate, profit factor, holding times and exit reasons', () => {
  const t = computeMetrics(
    trace({
      trades: [
        tradeRow(1, 3.5, 0.5, 10, 'tp'), // +3
        tradeRow(-1, -0.75, 0.25, 20, 'stop'), // −1
        tradeRow(1, 1.5, 0.5, 30, 'tp'), // +1
        tradeRow(-1, 0.25, 0.25, 100, 'timeout'), // 0: neither a win nor a loss
      ],
    }),
  ).trades;
  assert.equal([t.count, t.longs, t.shorts, t.wins, t.losses], [4, 2, 2, 2, 1]);
  assert.is(t.winRate, 0.5);
  assert.is(t.profitFactor, 4);
  assert.is(t.avgNetQuote, 0.75);
  assert.is(t.bestNetQuote, 3);
  assert.is(t.worstNetQuote, -1);
  assert.is(t.avgHoldingNs, 40 * S);
  assert.is(t.medianHoldingNs, 25 * S);
  assert.equal(t.reasons, [
    { reason: 'stop', count: 1 },
    { reason: 'timeout', count: 1 },
    { reason: 'tp', count: 2 },
  ]);
});

test('trades: only winners → profit factor null (not Infinity), and na says why', () => {
  const m = computeMetrics(trace({ trades: [tradeRow(1, 2, 1, 5)] }));
  assert.is(m.trades.winRate, 1);
  assert.is(m.trades.profitFactor, null);
  assert.is(m.na['trades.profitFactor'], 'needs a losing round trip to divide by (1 of 1 won, none lost)');
});

test('markouts: mean and median per horizon, fills past the end of data not counted', () => {
  const m = computeMetrics(
    trace({
      fills: [fill('buy', 100, 1, 0, true), fill('sell', 101, 1, 0, true), fill('buy', 100, 1, 0, false), fill('sell', 99, 1, 0, false)],
      markouts: { horizonsNs: [S, 10 * S], ticks: [Float64Array.from([1, -1, 3, 5]), Float64Array.from([2, 4, NaN, NaN])] },
    }),
  );
  assert.equal(m.markouts, [
    { horizonNs: S, meanTicks: 2, medianTicks: 2, count: 4 },
    { horizonNs: 10 * S, meanTicks: 3, medianTicks: 3, count: 2 },
  ]);
  assert.not.ok('markouts.0.meanTicks' in m.na);
  // a horizon no fill lived to see: null, and the reason beside the other n/a figures
  const late = computeMetrics(
    trace({ fills: [fill('buy', 100, 1, 0, true)], markouts: { horizonsNs: [60 * S], ticks: [Float64Array.from([NaN])] } }),
  );
  assert.equal(late.markouts, [{ horizonNs: 60 * S, meanTicks: null, medianTicks: null, count: 0 }]);
  assert.is(late.na['markouts.0.meanTicks'], 'needs a fill with 1 min of data after it');
});

// ---- robustness and determinism ------------------------------------------------------------------------------------

test('empty traces (one sample, or none; no fills) do not throw and hold no NaN', () => {
  for (const t of [trace(), trace({ series: { intervalNs: 60 * S, equity: [] }, days: 0 })]) {
    const m = computeMetrics(t);
    allFinite(m);
    assert.is(m.pnl.netQuote, 0);
    assert.is(m.returns.samples, 0);
    assert.is(m.returns.sharpe, null);
    assert.is(m.activity.fillRatio, null);
    assert.is(m.activity.makerShare, null);
    assert.is(m.activity.returnPerValueBps, null);
    assert.is(m.trades.winRate, null);
    assert.is(m.trades.medianHoldingNs, null);
    assert.is(m.drawdown.returnOverMdd, null);
    assert.equal(m.markouts, []);
  }
});

test('NaN and Infinity in the input come out as null, never as NaN', () => {
  const t = trace({
    series: { intervalNs: 60 * S, equity: [0, NaN, 1, 2], mid: [NaN, NaN, 1000, 1000], position: [0, 0, 1, 1] },
    fundingQuote: NaN,
    settings: { bad: Infinity, ok: 1 },
  });
  const m = computeMetrics(t);
  allFinite(m);
  assert.is(m.settings.bad, null);
  assert.is(m.pnl.netQuote, 2);
  assert.ok(!/NaN|Infinity/.test(JSON.stringify(m)));
});

test('the same trace gives byte-identical JSON; settings order does not matter; keys in a fixed order', () => {
  const equity = Array.from({ length: 500 }, (_, i) => Math.sin(i / 7) * 0.3 + i * 0.001);
  const mk = (settings: BacktestTrace['settings']): Metrics =>
    computeMetrics(
      trace({
        series: { intervalNs: 5 * S, equity, position: equity.map((e) => Math.round(e * 10)) },
        fills: [fill('buy', 100, 3, 0.01, true), fill('sell', 103, 3, 0.01, false)],
        trades: [tradeRow(1, 0.09, 0.02, 7)],
        settings,
      }),
    );
  const a = JSON.stringify(mk({ latency: 'constant', queue: 'prob2', seed: 7 }));
  const b = JSON.stringify(mk({ seed: 7, queue: 'prob2', latency: 'constant' }));
  assert.is(a, b);
  const m = JSON.parse(a) as Metrics;
  assert.equal(Object.keys(m), [
    'run',
    'pnl',
    'costs',
    'returns',
    'drawdown',
    'activity',
    'trades',
    'markouts',
    'exposure',
    'strategy',
    'na',
    'settings',
  ]);
  assert.equal(Object.keys(m.pnl), ['grossQuote', 'feesQuote', 'fundingQuote', 'netQuote', 'closedGrossQuote', 'feeShare']);
  assert.equal(Object.keys(m.settings), ['latency', 'queue', 'seed']);
  assert.is(m.run.fromNs, T0.toString());
  assert.is(m.run.fromUtc, '2024-01-01T00:00:00.000Z');
});

test('what the reports print n/a is null, with the reason: Sharpe under a day, per-day rates under an hour, a fee share of ~0 gross', () => {
  // 10 s of data, equity alternating: a Sharpe could be computed, but not annualised from 10 s
  const equity = Array.from({ length: 11 }, (_, i) => (i % 2 ? 0.001 : 0) - i * 0.0001);
  const m = computeMetrics(
    trace({
      days: 10 / 86_400,
      series: { intervalNs: S, equity },
      fills: [fill('buy', 1000, 1, 0.01, false), fill('sell', 1000, 1, 0.01, false, 5)],
      trades: [tradeRow(1, 0, 0.02, 5)],
    }),
  );
  assert.is(m.returns.sharpe, null);
  assert.is(m.returns.sortino, null);
  assert.is(m.activity.tradesPerDay, null);
  assert.is(m.activity.fillsPerDay, null);
  assert.is(m.activity.turnoverPerDayQuote, null);
  // fees 0.02 against a gross of −0.001 + 0.02 ≈ 0.019: a share of ~1.05, shown
  assert.ok(m.pnl.feeShare !== null);
  assert.equal(m.na, {
    'activity.fillsPerDay': 'needs ≥ 1 h of data, have 10 s',
    'activity.tradesPerDay': 'needs ≥ 1 h of data, have 10 s',
    'activity.turnoverPerDayQuote': 'needs ≥ 1 h of data, have 10 s',
    'returns.sharpe': 'needs ≥ 1 day of data, have 10 s',
    'returns.sortino': 'needs ≥ 1 day of data, have 10 s',
  });
  // gross about zero: fees 0.02, net −0.02 + 0.0001 → gross 0.0001: the share (200×) is null, and said why
  const flat = computeMetrics(trace({ series: { intervalNs: 60 * S, equity: [0, -0.0199] }, fills: [fill('buy', 1000, 1, 0.02, false)] }));
  assert.is(flat.pnl.feeShare, null);
  assert.match(flat.na['pnl.feeShare'], /^gross P&L is about 0 \(fees 0\.02 against a gross of 0\.0001\)$/);
  // a day of data: the figures are there, and only what a run without a round trip cannot have is listed
  const day = computeMetrics(
    trace({ days: 1, series: { intervalNs: 60 * S, equity: Array.from({ length: 1441 }, (_, i) => (i % 2) - i * 0.01) } }),
  );
  assert.ok(day.returns.sharpe !== null);
  assert.equal(day.na, {
    'trades.avgHoldingNs': 'needs a closed round trip',
    'trades.avgNetQuote': 'needs a closed round trip',
    'trades.bestNetQuote': 'needs a closed round trip',
    'trades.medianHoldingNs': 'needs a closed round trip',
    'trades.profitFactor': 'needs a closed round trip',
    'trades.winRate': 'needs a closed round trip',
    'trades.worstNetQuote': 'needs a closed round trip',
  });
});

test('rounding: 10 significant digits for floats, safe integers exact, −0 as 0, non-finite as null', () => {
  assert.is(fix(0.1 + 0.2), 0.3);
  assert.is(fix(1 / 3), 0.3333333333);
  assert.is(fix(123_456_789_012_345), 123_456_789_012_345);
  assert.is(Object.is(fix(-0), 0), true);
  assert.is(fix(-1e-300 * 1e-300), 0);
  assert.is(fix(NaN), null);
  assert.is(fix(-Infinity), null);
});

test.run();

test('rejects by reason: counted per code and message, most frequent first, and named in the report', () => {
  const post = '43013 The post_only order would be filled immediately as a taker, so it was rejected';
  const m = computeMetrics(
    trace({
      counts: {
        orders: 6,
        cancels: 0,
        rejects: 5,
        postedLot: 6,
        filledLot: 0,
        rejectReasons: { '40762 The order amount exceeds the balance': 1, [post]: 4 },
      },
    }),
  );
  assert.equal(m.activity.rejectReasons, [
    { reason: post, count: 4 },
    { reason: '40762 The order amount exceeds the balance', count: 1 },
  ]);
  assert.match(
    formatReport(m, { currency: 'USDT' }),
    `rejects                                 5        ${post} (4); 40762 The order amount exceeds the balance (1)`,
  );
  assert.equal(computeMetrics(trace()).activity.rejectReasons, [], 'none: an empty list');
});
