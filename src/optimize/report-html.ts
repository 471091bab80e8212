// The optimizer's HTML report: one self-contained file (inline CSS and SVG, no network) with the ranked trials, the
// chosen configuration, walk-forward in- vs out-of-sample, the overfitting controls and a heat map of the
// objective over any two searched parameters (each cell: the best trial with those two values).
import { esc } from '../backtest/report-html';
import type { Summary } from './summary';
import type { TrialResult } from './trial';
import { objectiveValue, scoreWindow } from './score';

const fmt = (x: unknown) =>
  x === null || x === undefined ? '–' : typeof x === 'number' ? (Number.isInteger(x) ? String(x) : x.toPrecision(5)) : String(x);

function color(t: number): string {
  // red (worst) → yellow → green (best)
  const r = t < 0.5 ? 220 : Math.round(220 - (t - 0.5) * 2 * 180);
  const g = t < 0.5 ? Math.round(60 + t * 2 * 160) : 200;
  return `rgb(${r},${g},70)`;
}

export function heatMap(results: TrialResult[], summary: Summary, a: string, b: string): string {
  const span = Number(BigInt(summary.toNs) - BigInt(summary.fromNs)) + 1;
  const key = (v: unknown) => JSON.stringify(v);
  const xs = [...new Map(results.map((r) => [key(r.params[a]), r.params[a]])).values()];
  const ys = [...new Map(results.map((r) => [key(r.params[b]), r.params[b]])).values()];
  const sortVals = (v: unknown[]) =>
    v.sort((p, q) => (typeof p === 'number' && typeof q === 'number' ? p - q : String(p) < String(q) ? -1 : 1));
  sortVals(xs);
  sortVals(ys);
  const best = new Map<string, number>();
  for (const r of results) {
    if (r.error) continue;
    const v = objectiveValue(scoreWindow(r, summary.sampleNs, 0, span), summary.objective);
    const k = `${key(r.params[a])}|${key(r.params[b])}`;
    if (!best.has(k) || v > best.get(k)!) best.set(k, v);
  }
  const vals = [...best.values()].filter(Number.isFinite);
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  const cw = 64;
  const ch = 28;
  const left = 110;
  const top = 30;
  const w = left + xs.length * cw + 10;
  const h = top + ys.length * ch + 40;
  const cells: string[] = [];
  ys.forEach((y, j) => {
    cells.push(`<text x="${left - 6}" y="${top + j * ch + ch / 2 + 4}" text-anchor="end">${esc(fmt(y))}</text>`);
    xs.forEach((x, i) => {
      const v = best.get(`${key(x)}|${key(y)}`);
      const ok = v !== undefined && Number.isFinite(v);
      const t = ok && hi > lo ? (v! - lo) / (hi - lo) : 0.5;
      cells.push(
        `<rect x="${left + i * cw}" y="${top + j * ch}" width="${cw - 2}" height="${ch - 2}" fill="${ok ? color(t) : '#ddd'}"><title>${esc(`${a}=${fmt(x)} ${b}=${fmt(y)}: ${ok ? fmt(v) : 'no score'}`)}</title></rect>`,
      );
      cells.push(
        `<text x="${left + i * cw + cw / 2 - 1}" y="${top + j * ch + ch / 2 + 4}" text-anchor="middle" font-size="10">${ok ? esc(fmt(v)) : '–'}</text>`,
      );
    });
  });
  xs.forEach((x, i) =>
    cells.push(`<text x="${left + i * cw + cw / 2}" y="${top + ys.length * ch + 16}" text-anchor="middle">${esc(fmt(x))}</text>`),
  );
  return `<svg width="${w}" height="${h}" font-family="sans-serif" font-size="12"><text x="${left}" y="16">${esc(`${summary.objective}: ${a} (across) × ${b} (down), best over the other parameters`)}</text>${cells.join('')}<text x="${left}" y="${h - 4}">${esc(a)}</text></svg>`;
}

export function optimizeReport(summary: Summary, results: TrialResult[], keys: string[], heat: [string, string] | null): string {
  const th = (cols: string[]) => `<tr>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`;
  const td = (cols: unknown[]) => `<tr>${cols.map((c) => `<td>${esc(fmt(c))}</td>`).join('')}</tr>`;
  const ranked = `<table>${th(['rank', 'trial', ...keys, summary.objective, 'net', 'sharpe', 'max DD', 'trades'])}${summary.ranked.map((r) => td([r.rank, r.id, ...keys.map((k) => r.params[k]), r.objective, r.netQuote, r.sharpe, r.maxDrawdownQuote, r.trades])).join('')}</table>`;
  const of = summary.overfitting;
  const over = of
    ? `<table>${Object.entries(of)
        .map(([k, v]) => td([k, v]))
        .join('')}</table>`
    : '<p>no trial scored</p>';
  const wf = summary.walkForward
    ? `<table>${th(['fold', 'train from', 'test from', 'trial', 'in-sample', 'out-of-sample', 'IS net', 'OOS net'])}${summary.walkForward.folds.map((f) => td([f.index, new Date(Number(BigInt(f.trainFrom) / 1_000_000n)).toISOString(), new Date(Number(BigInt(f.testFrom) / 1_000_000n)).toISOString(), f.id, f.inSample, f.outOfSample, f.inSampleNetQuote, f.outOfSampleNetQuote])).join('')}</table><p>out of sample: net ${esc(fmt(summary.walkForward.outOfSample.netQuote))}, Sharpe ${esc(fmt(summary.walkForward.outOfSample.sharpe))}</p>`
    : '<p>no walk-forward (use --walk-forward train=…,test=…,purge=…)</p>';
  const map = heat ? heatMap(results, summary, heat[0], heat[1]) : '<p>one searched parameter: no heat map</p>';
  const chosen = summary.chosen ? `<pre>${esc(JSON.stringify(summary.chosen.config, null, 2))}</pre>` : '';
  return `<!doctype html><html><head><meta charset="utf-8"><title>ringbook optimize</title><style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:right}th{background:#f3f3f3}pre{background:#f7f7f7;padding:8px;font-size:12px}</style></head><body>
<h1>Optimizer: ${esc(summary.objective)}, ${summary.trials} trials (${summary.scored} scored, ${summary.invalid} invalid)</h1>
<h2>Heat map</h2>${map}
<h2>Ranked (top ${summary.ranked.length})</h2>${ranked}
<h2>Walk-forward</h2>${wf}
<h2>Overfitting controls</h2>${over}
<h2>Chosen configuration${summary.chosen ? ` (trial ${summary.chosen.id}, ${esc(summary.chosen.why)})` : ''}</h2>${chosen}
</body></html>`;
}
