// What the HTML reports' inline SVG charts share (the backtest report and the optimizer's): escaping, cutting a long
// series to a drawable number of points, linear scales and round axis ticks. No DOM and no Node: the page can use it.

/** Points per chart at most. */
export const MAX_POINTS = 2000;

/** A pixel coordinate with one decimal. */
export const f1 = (v: number): string => v.toFixed(1);

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

export interface Points {
  x: number[];
  y: number[];
}

/** At most `max` points: index buckets, each reduced to its min and max (non-finite values start a gap). */
export function downsample(x: ArrayLike<number>, y: ArrayLike<number>, max = MAX_POINTS): Points {
  const n = Math.min(x.length, y.length);
  if (n <= max) return { x: Array.from({ length: n }, (_, i) => x[i]), y: Array.from({ length: n }, (_, i) => y[i]) };
  const buckets = Math.max(1, Math.floor(max / 2));
  const out: Points = { x: [], y: [] };
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets);
    let lo = -1;
    let hi = -1;
    for (let i = from; i < to; i++) {
      if (!Number.isFinite(y[i])) continue;
      if (lo < 0 || y[i] < y[lo]) lo = i;
      if (hi < 0 || y[i] > y[hi]) hi = i;
    }
    if (lo < 0) {
      out.x.push(x[from]);
      out.y.push(NaN);
      continue;
    }
    for (const i of lo === hi ? [lo] : lo < hi ? [lo, hi] : [hi, lo]) {
      out.x.push(x[i]);
      out.y.push(y[i]);
    }
  }
  return out;
}

// ---- scales and axes -------------------------------------------------------------------------------------------

export interface Scale {
  lo: number;
  hi: number;
  px(v: number): number;
}

export function extent(vs: Iterable<number>, withZero = false): [number, number] {
  let lo = withZero ? 0 : Infinity;
  let hi = withZero ? 0 : -Infinity;
  for (const v of vs) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (lo > hi) return [0, 1];
  if (lo === hi) return [lo - (Math.abs(lo) || 1) * 0.5, hi + (Math.abs(hi) || 1) * 0.5];
  return [lo, hi];
}

export function scale([lo, hi]: [number, number], a: number, b: number): Scale {
  return { lo, hi, px: (v) => a + ((v - lo) / (hi - lo)) * (b - a) };
}

/** 1-2-5 steps giving about `count` ticks inside [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  const raw = (hi - lo) / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * p).find((s) => s >= raw) ?? 10 * p;
  const out: number[] = [];
  // Counted, not accumulated: a step below the spacing of doubles near lo would never advance v.
  const first = Math.ceil(lo / step);
  for (let i = 0; i <= 4 * count; i++) {
    const v = (first + i) * step;
    if (v > hi + step * 1e-9) break;
    out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  return out;
}

/** A tick's label with as many decimals as the step between ticks needs. */
export function tickLabel(v: number, ticks: number[]): string {
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : Math.abs(v) || 1;
  const dp = Math.max(0, Math.min(10, -Math.floor(Math.log10(step))));
  return v.toFixed(dp);
}
