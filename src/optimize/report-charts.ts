// The optimizer report's pictures as inline SVG (the report is one self-contained file): equity curves of a few
// trials on one time axis, in-sample vs out-of-sample bars per walk-forward fold, and the heat map of the objective
// over two searched parameters with axis titles and a colour scale. Text that must always fit (titles, notes) stays
// in the HTML around the pictures; inside them only labels that are measured to fit.
import { downsample, esc, extent, f1, niceTicks, scale, tickLabel, type Scale } from '../format/chart-scale';

const W = 920;

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
  height: number;
}

/** Frame, horizontal grid and the value axis with its unit. */
function valueAxis(y: Scale, b: Box, unit: string): string {
  const ticks = niceTicks(y.lo, y.hi);
  return (
    `<rect class="box" x="${b.left}" y="${b.top}" width="${W - b.left - b.right}" height="${b.height - b.top - b.bottom}"/>` +
    ticks
      .map(
        (v) =>
          `<line class="grid" x1="${b.left}" x2="${W - b.right}" y1="${f1(y.px(v))}" y2="${f1(y.px(v))}"/>` +
          `<text class="yl" x="${b.left - 6}" y="${f1(y.px(v) + 3.5)}">${esc(tickLabel(v, ticks))}</text>`,
      )
      .join('') +
    `<text class="unit" x="${b.left - 6}" y="${b.top - 8}">${esc(unit)}</text>`
  );
}

const MIN_NS = 60e9;
const TIME_STEPS = [
  1,
  2,
  5,
  10,
  15,
  30,
  60,
  120,
  300,
  600,
  900,
  1800,
  3600,
  7200,
  3 * 3600,
  6 * 3600,
  12 * 3600,
  86_400,
  2 * 86_400,
  7 * 86_400,
].map((s) => s * 1e9);

/** Ticks at whole UTC steps, labelled HH:MM(:SS) with the date on the first. */
function timeAxis(x: Scale, t0: bigint, b: Box): string {
  const span = x.hi - x.lo;
  const step = TIME_STEPS.find((s) => s >= span / 5) ?? Math.ceil(span / 5 / 86_400e9) * 86_400e9;
  const stepN = BigInt(Math.round(step));
  const from = t0 + BigInt(Math.round(x.lo));
  const to = t0 + BigInt(Math.round(x.hi));
  let t = from - (((from % stepN) + stepN) % stepN);
  if (t < from) t += stepN;
  const out: string[] = [];
  for (let i = 0; t <= to && i < 12; t += stepN, i++) {
    const px = x.px(Number(t - t0));
    const iso = new Date(Number(t / 1_000_000n)).toISOString();
    const clock = step >= MIN_NS ? iso.slice(11, 16) : iso.slice(11, 19);
    const label = i === 0 || step >= 86_400e9 ? `${iso.slice(0, 10)} ${clock}` : clock;
    const anchor = px < b.left + 70 ? 'start' : px > W - b.right - 70 ? 'end' : 'middle';
    out.push(
      `<line class="grid" x1="${f1(px)}" x2="${f1(px)}" y1="${b.top}" y2="${b.height - b.bottom}"/>` +
        `<text class="xl" text-anchor="${anchor}" x="${f1(px)}" y="${b.height - b.bottom + 16}">${esc(label)}</text>`,
    );
  }
  return out.join('');
}

function legend(items: Array<{ label: string; cls: string }>, b: Box): string {
  let x = b.left;
  return items
    .map((it) => {
      const s = `<line class="${it.cls}" x1="${x}" x2="${x + 22}" y1="${b.height - 8}" y2="${b.height - 8}"/><text class="lg" x="${x + 28}" y="${b.height - 4}">${esc(it.label)}</text>`;
      x += 40 + textWidth(it.label);
      return s;
    })
    .join('');
}

export interface Curve {
  label: string;
  /** CSS class of the line: chosen, best, median. */
  cls: string;
  /** ns after t0, and the values. */
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/** Several equity curves on one time axis (UTC), in `unit`, with a legend under the axis. */
export function curvesChart(curves: Curve[], t0: bigint, unit: string): string {
  const b: Box = { left: 74, right: 14, top: 22, bottom: 48, height: 260 };
  if (curves.length === 0 || curves.every((c) => c.x.length === 0))
    return `<svg viewBox="0 0 ${W} 60" role="img"><text class="none" x="${W / 2}" y="34">no equity to draw</text></svg>`;
  const pts = curves.map((c) => downsample(c.x, c.y));
  const x = scale(extent(pts.flatMap((p) => p.x)), b.left, W - b.right);
  const y = scale(
    extent(
      pts.flatMap((p) => p.y),
      true,
    ),
    b.height - b.bottom,
    b.top,
  );
  const paths = pts
    .map((p, i) => {
      let d = '';
      let pen = false;
      for (let k = 0; k < p.x.length; k++) {
        if (!Number.isFinite(p.y[k])) {
          pen = false;
          continue;
        }
        d += `${pen ? 'L' : 'M'}${f1(x.px(p.x[k]))} ${f1(y.px(p.y[k]))}`;
        pen = true;
      }
      return `<path class="${curves[i].cls}" d="${d}"/>`;
    })
    .reverse() // the first curve (the chosen one) on top
    .join('');
  const zero = `<line class="zero" x1="${b.left}" x2="${W - b.right}" y1="${f1(y.px(0))}" y2="${f1(y.px(0))}"/>`;
  return `<svg viewBox="0 0 ${W} ${b.height}" role="img">${valueAxis(y, b, unit)}${timeAxis(x, t0, b)}${zero}${paths}${legend(curves, b)}</svg>`;
}

export interface FoldBar {
  label: string;
  inSample: number | null;
  outOfSample: number | null;
}

/** Per fold, the in-sample value (train window) beside the out-of-sample one (test window). */
export function foldsChart(folds: FoldBar[], unit: string): string {
  const b: Box = { left: 74, right: 14, top: 22, bottom: 48, height: 240 };
  if (folds.length === 0) return `<svg viewBox="0 0 ${W} 60" role="img"><text class="none" x="${W / 2}" y="34">no folds</text></svg>`;
  const y = scale(
    extent(
      folds.flatMap((f) => [f.inSample ?? NaN, f.outOfSample ?? NaN]),
      true,
    ),
    b.height - b.bottom,
    b.top,
  );
  const slot = (W - b.left - b.right) / folds.length;
  const bw = Math.min(40, slot * 0.32);
  const zero = y.px(0);
  const bar = (cx: number, v: number | null, cls: string, what: string) => {
    if (v === null || !Number.isFinite(v)) return `<text class="xl" text-anchor="middle" x="${f1(cx)}" y="${f1(zero - 4)}">n/a</text>`;
    const top = Math.min(zero, y.px(v));
    return `<rect class="${cls}" x="${f1(cx - bw / 2)}" y="${f1(top)}" width="${f1(bw)}" height="${f1(Math.max(0.5, Math.abs(y.px(v) - zero)))}"><title>${esc(what)}</title></rect>`;
  };
  const body = folds
    .map((f, i) => {
      const cx = b.left + slot * (i + 0.5);
      const label =
        folds.length <= 16 || i % Math.ceil(folds.length / 16) === 0
          ? `<text class="xl" text-anchor="middle" x="${f1(cx)}" y="${b.height - b.bottom + 16}">${esc(f.label)}</text>`
          : '';
      return (
        bar(cx - bw / 2 - 1, f.inSample, 'is', `${f.label} in-sample: ${f.inSample}`) +
        bar(cx + bw / 2 + 1, f.outOfSample, 'oos', `${f.label} out-of-sample: ${f.outOfSample}`) +
        label
      );
    })
    .join('');
  const isText = 'in-sample (the train window the trial was picked on)';
  const at = b.left + 20 + textWidth(isText) + 24;
  const key = `<rect class="is" x="${b.left}" y="${b.height - 16}" width="14" height="10"/><text class="lg" x="${b.left + 20}" y="${b.height - 7}">${isText}</text><rect class="oos" x="${at}" y="${b.height - 16}" width="14" height="10"/><text class="lg" x="${at + 20}" y="${b.height - 7}">out-of-sample (the test window after it)</text>`;
  return `<svg viewBox="0 0 ${W} ${b.height}" role="img">${valueAxis(y, b, unit)}<line class="zero" x1="${b.left}" x2="${W - b.right}" y1="${f1(zero)}" y2="${f1(zero)}"/>${body}${key}</svg>`;
}

/** red (worst) → yellow → green (best) */
export function heatColour(t: number): string {
  const r = t < 0.5 ? 220 : Math.round(220 - (t - 0.5) * 2 * 180);
  const g = t < 0.5 ? Math.round(60 + t * 2 * 160) : 200;
  return `rgb(${r},${g},70)`;
}

export interface HeatCells {
  /** Axis titles: the parameter names. */
  xTitle: string;
  yTitle: string;
  xs: string[];
  ys: string[];
  /** value[j][i] for ys[j], xs[i]; null = no scored trial. */
  value: Array<Array<number | null>>;
  /** How a value is printed in a cell and on the colour scale. */
  text(v: number): string;
  /** Tooltip of a cell. */
  tip(i: number, j: number): string;
}

/** Width of a text in the report's sans-serif at `size` px, generously (labels must never be cut). */
const textWidth = (t: string, size = 12) => t.length * size * 0.62;

/** The grid of cells with the parameter names as axis titles and a colour scale from the worst to the best value. */
export function heatChart(h: HeatCells): string {
  const cw = Math.max(
    64,
    Math.min(
      120,
      ...h.xs.map((x) => 14 + textWidth(x, 11)),
      ...h.value.flat().map((v) => (v === null ? 0 : 14 + textWidth(h.text(v), 11))),
    ),
  );
  const ch = 28;
  const yTitle = `${h.yTitle} ↓`;
  const left = 8 + Math.max(40, ...h.ys.map((y) => textWidth(y, 11)), textWidth(yTitle, 13)) + 8;
  const top = 26;
  const gridW = h.xs.length * cw;
  const gridH = h.ys.length * ch;
  const vals = h.value.flat().filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = vals.length ? Math.min(...vals) : 0;
  const hi = vals.length ? Math.max(...vals) : 1;
  const scaleText = vals.length ? `${h.text(lo)} (worst) … ${h.text(hi)} (best)` : 'no scored trial';
  const xTitle = `${h.xTitle} →`;
  const w = Math.ceil(Math.max(left + gridW, left + textWidth(xTitle, 13), left + 168 + textWidth(scaleText)) + 12);
  const height = top + gridH + 74;
  const out: string[] = [];
  // axis titles: the parameter down above its values, the one across under its values
  out.push(`<text class="axis" text-anchor="end" x="${left - 8}" y="${top - 8}">${esc(yTitle)}</text>`);
  h.ys.forEach((y, j) => {
    out.push(`<text class="yl" x="${left - 8}" y="${top + j * ch + ch / 2 + 4}">${esc(y)}</text>`);
    h.xs.forEach((_x, i) => {
      const v = h.value[j][i];
      const ok = v !== null && Number.isFinite(v);
      const t = ok && hi > lo ? (v! - lo) / (hi - lo) : 0.5;
      out.push(
        `<rect x="${left + i * cw}" y="${top + j * ch}" width="${cw - 2}" height="${ch - 2}" fill="${ok ? heatColour(t) : '#ddd'}"><title>${esc(h.tip(i, j))}</title></rect>`,
        `<text class="cell" x="${left + i * cw + cw / 2 - 1}" y="${top + j * ch + ch / 2 + 4}">${ok ? esc(h.text(v!)) : '–'}</text>`,
      );
    });
  });
  h.xs.forEach((x, i) =>
    out.push(`<text class="xl" text-anchor="middle" x="${left + i * cw + cw / 2}" y="${top + gridH + 14}">${esc(x)}</text>`),
  );
  out.push(`<text class="axis" x="${left}" y="${top + gridH + 34}">${esc(xTitle)}</text>`);
  // colour scale
  const sy = top + gridH + 50;
  const steps = 10;
  for (let k = 0; k < steps; k++)
    out.push(`<rect x="${left + k * 16}" y="${sy}" width="16" height="10" fill="${heatColour(k / (steps - 1))}"/>`);
  out.push(`<text class="lg" x="${left + steps * 16 + 8}" y="${sy + 9}">${esc(scaleText)}</text>`);
  return `<svg class="heat" viewBox="0 0 ${w} ${height}" width="${w}" role="img">${out.join('')}</svg>`;
}
