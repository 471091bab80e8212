// The backtest report as one self-contained HTML file: inline CSS, the metric tables of report-text, and inline SVG
// charts drawn here. It must open from a laptop, an archive or a mail attachment, so nothing is fetched: no scripts,
// no fonts, no links (the inline <svg> needs no namespace URL in HTML5). Every piece of text is escaped.
//
// Long series are cut to at most MAX_POINTS points per chart by keeping the min and the max of each bucket, in time
// order, so a one-sample spike in equity or position is still drawn.
import type { BacktestTrace } from './trace';
import { cleanEquity, drawdownSeries, type Metrics } from './metrics';
import { duration, quote, reportSections, type ReportContext } from './report-text';
import { findingLine } from '../format/findings';
import { plural } from '../format/numbers';
import { downsample, esc, extent, f1, MAX_POINTS, niceTicks, scale, tickLabel, type Points, type Scale } from '../format/chart-scale';

const W = 920;
const H = 230;
const M = { left: 74, right: 14, top: 22, bottom: 30 };

function frame(y: Scale, yUnit: string, body: string, xAxis: string): string {
  const ticks = niceTicks(y.lo, y.hi);
  const grid = ticks
    .map(
      (v) =>
        `<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${f1(y.px(v))}" y2="${f1(y.px(v))}"/>` +
        `<text class="yl" x="${M.left - 6}" y="${f1(y.px(v) + 3.5)}">${esc(tickLabel(v, ticks))}</text>`,
    )
    .join('');
  const unit = `<text class="unit" x="${M.left - 6}" y="${M.top - 8}">${esc(yUnit)}</text>`;
  const box = `<rect class="box" x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}"/>`;
  return `<svg viewBox="0 0 ${W} ${H}" role="img">${box}${grid}${xAxis}${unit}${body}</svg>`;
}

const MS = 1e6;
/** Round UTC steps for the time axis, ns. */
const TIME_STEPS = [
  1,
  2,
  5,
  10,
  20,
  50,
  100,
  200,
  500,
  1e3,
  2e3,
  5e3,
  10e3,
  15e3,
  30e3,
  60e3,
  120e3,
  300e3,
  600e3,
  900e3,
  1800e3,
  3600e3,
  7200e3,
  3 * 3600e3,
  6 * 3600e3,
  12 * 3600e3,
  86_400e3,
  2 * 86_400e3,
  7 * 86_400e3,
].map((ms) => ms * MS);

function utcLabel(ns: bigint, stepNs: number): string {
  const ms = Number(ns / 1_000_000n);
  if (Math.abs(ms) > 8.64e15) return '';
  const iso = new Date(ms).toISOString();
  return stepNs >= 1e9 ? iso.replace('.000Z', 'Z') : iso;
}

/** Ticks at whole UTC steps (every 2 h, every 30 s, …), about four across the chart, labelled in ISO. */
function timeAxis(x: Scale, t0: bigint): string {
  const span = x.hi - x.lo;
  const step = TIME_STEPS.find((s) => s >= span / 4) ?? Math.ceil(span / 4 / (86_400e3 * MS)) * 86_400e3 * MS;
  const stepN = BigInt(Math.round(step));
  const from = t0 + BigInt(Math.round(x.lo));
  const to = t0 + BigInt(Math.round(x.hi));
  let t = from - (((from % stepN) + stepN) % stepN);
  if (t < from) t += stepN;
  const y = H - M.bottom + 16;
  const out: string[] = [];
  for (let i = 0; t <= to && i < 12; t += stepN, i++) {
    const px = x.px(Number(t - t0));
    // Labels near an edge hang inwards so they stay inside the picture.
    const anchor = px < M.left + 70 ? 'start' : px > W - M.right - 70 ? 'end' : 'middle';
    out.push(
      `<line class="grid" x1="${f1(px)}" x2="${f1(px)}" y1="${M.top}" y2="${H - M.bottom}"/>` +
        `<text class="xl" text-anchor="${anchor}" x="${f1(px)}" y="${y}">${esc(utcLabel(t, step))}</text>`,
    );
  }
  return out.join('');
}

/** SVG path through the points; a non-finite y lifts the pen. */
function path(p: Points, x: Scale, y: Scale): string {
  let d = '';
  let pen = false;
  for (let i = 0; i < p.x.length; i++) {
    if (!Number.isFinite(p.y[i])) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${f1(x.px(p.x[i]))} ${f1(y.px(p.y[i]))}`;
    pen = true;
  }
  return d;
}

const empty = (what: string): string =>
  `<svg viewBox="0 0 ${W} 60" role="img"><text class="none" x="${W / 2}" y="34">${esc(`no ${what}`)}</text></svg>`;

// ---- charts ----------------------------------------------------------------------------------------------------

interface TimeSeries {
  t0: bigint;
  /** ns since t0 */
  dt: Float64Array;
}

function timeBase(trace: BacktestTrace): TimeSeries {
  const s = trace.series;
  return timeFrom(s, s.length > 0 ? s.ts[0] : trace.fromNs);
}

/** `s`'s sample times as ns since `t0` (an instrument's, on the run's time base). */
function timeFrom(s: BacktestTrace['series'], t0: bigint): TimeSeries {
  const dt = new Float64Array(s.length);
  for (let i = 0; i < s.length; i++) dt[i] = Number(s.ts[i] - t0);
  return { t0, dt };
}

function lineChart(tb: TimeSeries, values: ArrayLike<number>, unit: string, cls: string, area = false): string {
  if (tb.dt.length === 0) return empty('samples');
  const p = downsample(tb.dt, values);
  const x = scale(extent(p.x), M.left, W - M.right);
  const y = scale(extent(p.y, area), H - M.bottom, M.top);
  const d = path(p, x, y);
  let body = `<path class="${cls}" d="${d}"/>`;
  if (area && d) {
    // Close the outline along the zero line so the drawdown reads as a filled area.
    const firstX = p.x.find((_, i) => Number.isFinite(p.y[i])) ?? 0;
    const lastX = [...p.x].reverse().find((_, i) => Number.isFinite(p.y[p.y.length - 1 - i])) ?? 0;
    body = `<path class="${cls}-area" d="${d}L${f1(x.px(lastX))} ${f1(y.px(0))}L${f1(x.px(firstX))} ${f1(y.px(0))}Z"/>${body}`;
  }
  return frame(y, unit, body, timeAxis(x, tb.t0));
}

function priceChart(trace: BacktestTrace, tb: TimeSeries, currency: string): string {
  const s = trace.series;
  if (s.length === 0 && trace.fills.length === 0) return empty('prices');
  const mid = new Float64Array(s.length);
  for (let i = 0; i < s.length; i++) mid[i] = s.midTick[i] * trace.tickSize;
  // Fills share the point budget with the mid line; beyond it every k-th fill is drawn.
  const p = downsample(tb.dt, mid, MAX_POINTS / 2);
  const fills = trace.fills;
  const stride = Math.max(1, Math.ceil(fills.length / (MAX_POINTS / 2)));
  const shown = fills.filter((_, i) => i % stride === 0);
  const fx = shown.map((f) => Number(f.localTs - tb.t0));
  const fy = shown.map((f) => f.priceTick * trace.tickSize);
  const x = scale(extent([...p.x, ...fx]), M.left, W - M.right);
  const y = scale(extent([...p.y, ...fy]), H - M.bottom, M.top);
  const marks = shown
    .map((f, i) => {
      const cx = x.px(fx[i]);
      const cy = y.px(fy[i]);
      const d = f.side === 'buy' ? `M${f1(cx)} ${f1(cy - 4)}l4 7h-8z` : `M${f1(cx)} ${f1(cy + 4)}l4 -7h-8z`;
      return `<path class="${f.side}" d="${d}"/>`;
    })
    .join('');
  const note =
    stride > 1 ? `<text class="unit" text-anchor="end" x="${W - M.right}" y="${M.top - 8}">${esc(`1 fill in ${stride} shown`)}</text>` : '';
  return frame(y, currency, `<path class="mid" d="${path(p, x, y)}"/>${marks}${note}`, timeAxis(x, tb.t0));
}

interface Bar {
  label: string;
  value: number | null;
}

function barChart(bars: Bar[], unit: string, what: string): string {
  if (bars.length === 0) return empty(what);
  const y = scale(
    extent(
      bars.map((b) => b.value ?? NaN),
      true,
    ),
    H - M.bottom,
    M.top,
  );
  const slot = (W - M.left - M.right) / bars.length;
  const zero = y.px(0);
  const body = bars
    .map((b, i) => {
      const cx = M.left + slot * (i + 0.5);
      const label =
        bars.length <= 24 || i % Math.ceil(bars.length / 12) === 0
          ? `<text class="xl" text-anchor="middle" x="${f1(cx)}" y="${H - M.bottom + 16}">${esc(b.label)}</text>`
          : '';
      if (b.value === null) return label;
      const top = Math.min(zero, y.px(b.value));
      const h = Math.max(0.5, Math.abs(y.px(b.value) - zero));
      const cls = b.value >= 0 ? 'pos' : 'neg';
      return `<rect class="${cls}" x="${f1(cx - slot * 0.35)}" y="${f1(top)}" width="${f1(slot * 0.7)}" height="${f1(h)}"/>${label}`;
    })
    .join('');
  return frame(y, unit, `<line class="zero" x1="${M.left}" x2="${W - M.right}" y1="${f1(zero)}" y2="${f1(zero)}"/>${body}`, '');
}

/** Holding times in HOLD_BINS bins: logarithmic when they span more than two decades, else linear from 0. */
const HOLD_BINS = 20;

function holdingBars(trace: BacktestTrace): Bar[] {
  const h = trace.trades.map((t) => Number(t.exitNs - t.entryNs)).filter((v) => Number.isFinite(v) && v >= 0);
  if (h.length === 0) return [];
  let lo = Infinity;
  let hi = 0;
  for (const v of h) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const log = lo > 0 && hi / lo > 100;
  const a = log ? Math.log10(lo) : 0;
  const b = log ? Math.log10(hi) : Math.max(hi, 1);
  const counts = new Array<number>(HOLD_BINS).fill(0);
  for (const v of h) {
    const k = ((log ? Math.log10(v) : v) - a) / (b - a);
    counts[Math.min(HOLD_BINS - 1, Math.max(0, Math.floor(k * HOLD_BINS)))]++;
  }
  const edge = (i: number): number => (log ? 10 ** (a + ((b - a) * i) / HOLD_BINS) : (b * i) / HOLD_BINS);
  return counts.map((c, i) => ({ label: i % 4 === 0 ? `≥${duration(edge(i))}` : '', value: c }));
}

// ---- page ------------------------------------------------------------------------------------------------------

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:980px;color:#1d2330;background:#fff}
h1{font-size:20px;margin:0 0 4px}.why{margin:0 0 8px;padding:6px 10px;background:#fdf6e3;border-left:3px solid #c9a227}h2{font-size:15px;margin:22px 0 6px}.sub{color:#5b6475;margin:0 0 12px}
figure{margin:0 0 18px}figcaption{font-weight:600;margin:0 0 4px}svg{width:100%;height:auto;display:block}
.box{fill:none;stroke:#c9ced8}.grid{stroke:#eceef2}.zero{stroke:#8a93a3}
.yl{font-size:10px;text-anchor:end;fill:#5b6475}.xl{font-size:10px;fill:#5b6475}.unit{font-size:10px;text-anchor:end;fill:#5b6475}
.none{font-size:12px;text-anchor:middle;fill:#8a93a3}
.equity,.position,.mid,.dd{fill:none;stroke-width:1.2}.equity{stroke:#2457c5}.position{stroke:#7a3fb8}.mid{stroke:#556}
.rec{fill:none;stroke-width:1.2;stroke:#b8731f}pre.log{font-size:12px;background:#f7f8fa;padding:8px;overflow-x:auto;max-height:480px}
.dd{stroke:#c0392b}.dd-area{fill:#f3c6c0;stroke:none}.buy{fill:#1f9d55}.sell{fill:#d64541}.pos{fill:#2457c5}.neg{fill:#d64541}
table{border-collapse:collapse;width:100%;margin:0 0 8px}td{padding:2px 8px;border-bottom:1px solid #eceef2;vertical-align:top}
td.v{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.u{color:#5b6475;white-space:nowrap}td.n{color:#5b6475;width:45%}td.w{padding-left:8px}
`;

function tables(m: Metrics, ctx: ReportContext): string {
  return reportSections(m, ctx)
    .map((s) => {
      const rows = s.rows
        .map((r) =>
          r.wide
            ? `<tr><td colspan="4" class="w">${esc(r.label)}</td></tr>`
            : `<tr><td>${esc(r.label)}</td><td class="v">${esc(r.value)}</td><td class="u">${esc(r.unit)}</td><td class="n">${esc(
                [r.note, r.detail].filter(Boolean).join(' · '),
              )}</td></tr>`,
        )
        .join('');
      return `<section><h2>${esc(s.title)}</h2><table>${rows || '<tr><td>–</td></tr>'}</table></section>`;
    })
    .join('\n');
}

const figure = (caption: string, svg: string): string => `<figure><figcaption>${esc(caption)}</figcaption>${svg}</figure>`;

/** The run's outcome in a sentence or two at the top: a halt, and why there were no trades. */
function outcomeLines(m: Metrics, ctx: ReportContext): string[] {
  const out: string[] = [];
  const halted = m.strategy?.halted;
  if (halted) out.push(`Halted at ${halted.atUtc || '?'} UTC: ${ctx.halt ? findingLine(ctx.halt) : halted.reason}`);
  // the halt is the reason when it came first; what the counters saw happened before it
  if (m.trades.count === 0 && ctx.findings?.length)
    out.push(`Why no trades${halted ? ' before the halt' : ''}: ${ctx.findings.map(findingLine).join(' · ')}`);
  return out;
}

const markoutBars = (ks: Metrics['markouts']): Bar[] => ks.map((k) => ({ label: duration(k.horizonNs), value: k.meanTicks }));

/**
 * The charts of one instrument's own units, and the run's in money. A run of one: position in lots, mid and fills in
 * the quote currency, markouts in its ticks. A run of several (the trace's top level is the portfolio's, ./portfolio:
 * no mid, the gross position value in place of a position, fills of every instrument in one list): those charts once
 * per instrument, each on its own axes — lots, prices and ticks of different instruments do not share one — and the
 * gross position value as a money chart of its own, labelled as such.
 */
function instrumentCharts(
  m: Metrics,
  trace: BacktestTrace,
  tb: TimeSeries,
  q: string,
): { position: string[]; price: string[]; markouts: string[] } {
  const several = trace.instruments && trace.instruments.length > 1 ? trace.instruments : null;
  if (!several)
    return {
      position: [figure('Position', lineChart(tb, trace.series.positionLot.subarray(0, trace.series.length), 'lot', 'position'))],
      price: [figure('Mid price with fills (▲ buy, ▼ sell)', priceChart(trace, tb, q))],
      markouts: [figure('Mean markout by horizon (mid move in the fill’s favour)', barChart(markoutBars(m.markouts), 'ticks', 'markouts'))],
    };
  const position = several.map((it) =>
    figure(
      `Position: ${it.symbol}`,
      lineChart(timeFrom(it.series, tb.t0), it.series.positionLot.subarray(0, it.series.length), 'lot', 'position'),
    ),
  );
  position.push(
    figure(
      'Position value held, all instruments (Σ |position| × mid)',
      lineChart(tb, trace.series.positionLot.subarray(0, trace.series.length), q, 'position'),
    ),
  );
  const price = several.map((it) =>
    figure(
      `Mid price with fills: ${it.symbol} (▲ buy, ▼ sell)`,
      priceChart({ ...trace, ...it, instruments: undefined }, timeFrom(it.series, tb.t0), q),
    ),
  );
  const markouts = several.map((it) => {
    const own = m.instruments?.find((x) => x.symbol === it.symbol)?.markouts ?? [];
    return figure(
      `Mean markout by horizon: ${it.symbol}, in its ticks of ${it.tickSize} ${q} (mid move in the fill’s favour)`,
      barChart(markoutBars(own), 'ticks', 'markouts'),
    );
  });
  return { position, price, markouts };
}

export function htmlReport(m: Metrics, trace: BacktestTrace, title: string, ctx: ReportContext = {}): string {
  const q = ctx.currency ?? 'quote';
  const tb = timeBase(trace);
  const eq = cleanEquity(trace);
  const own = instrumentCharts(m, trace, tb, q);
  const charts = [
    figure('Equity (net of fees and funding)', lineChart(tb, eq, q, 'equity')),
    figure('Drawdown from running peak', lineChart(tb, drawdownSeries(eq), q, 'dd', true)),
    ...own.position,
    ...own.price,
    ...own.markouts,
    figure('Holding time of round trips', barChart(holdingBars(trace), 'trades', 'round trips')),
  ];
  // the strategy's own series (ctx.record), on the same time axis (t: ns since the first record)
  for (const r of trace.strategy?.records ?? [])
    charts.push(
      figure(`Recorded by the strategy: ${r.name}`, lineChart({ t0: trace.bookFromNs ?? trace.fromNs, dt: r.t }, r.v, '', 'rec')),
    );
  const logs = trace.strategy?.logs ?? [];
  const logBlock = logs.length
    ? `<section><h2>${esc(`Log: ${logs.length === trace.strategy?.logCount ? 'every line' : `the last ${logs.length} of ${trace.strategy?.logCount} lines`}`)}</h2><pre class="log">${esc(
        logs.map((l) => `+${duration(l.t)}  ${l.level.padEnd(5)} ${l.message}`).join('\n'),
      )}</pre></section>`
    : '';
  const sub = `${m.run.fromUtc} → ${m.run.toUtc} (UTC) · net ${quote(m.pnl.netQuote)} ${q} · ${plural(m.activity.fills, 'fill')} · ${plural(m.trades.count, 'round trip')}`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    `<title>${esc(title)}</title><style>${CSS}</style></head><body>`,
    `<h1>${esc(title)}</h1><p class="sub">${esc(sub)}</p>`,
    ...outcomeLines(m, ctx).map((l) => `<p class="why">${esc(l)}</p>`),
    charts.join('\n'),
    `<div class="tables">${tables(m, { ...ctx, logCount: 0 })}</div>`,
    logBlock,
    '</body></html>',
    '',
  ].join('\n');
}
