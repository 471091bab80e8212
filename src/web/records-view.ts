// The strategy's own series (ctx.record(name, value)): one small chart each, on the recording's time axis, drawn when
// a run reaches the end (the runtime hands them over with the metrics, as the backtest's HTML report draws them); the
// previous run's series of the same name dashed beside it after a change. Hidden when the strategy records nothing.
import uPlot from 'uplot';
import { UTC_AXIS, valueLabels, valueSpace } from './charts';
import type { RecordedCopy, RecordingInfo } from './protocol';

const HEIGHT = 130;
const utcDate = (ts: number) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC');

export class RecordsView {
  private plots: uPlot[] = [];
  private x0 = 0;
  private x1 = 1;
  /** Names of the series shown (window.__ringbook.records). */
  names: string[] = [];
  /** Each series' value axis as drawn, [min, max] (window.__ringbook.recordScales). */
  scales: Record<string, [number, number]> = {};
  /** The labels of each series' value axis, by `record:NAME` (window.__ringbook.valueAxes). */
  axisLabels: Record<string, string[]> = {};

  constructor(
    private readonly panel: HTMLElement,
    private readonly host: HTMLElement,
    /** The value axis width of the charts above, shared (ReplayCharts.valueAxisWidth): the plots line up with theirs. */
    private readonly axisWidth: (values: string[] | null) => number = () => 60,
  ) {}

  /** Lays the plots out again (the shared value axis grew). */
  relayout(): void {
    for (const p of this.plots) p.redraw(false, true);
  }

  setRecording(info: RecordingInfo): void {
    this.x0 = Number(BigInt(info.firstNs) / 1000n) / 1e6;
    this.x1 = Math.max(this.x0 + 1e-3, Number(BigInt(info.lastNs) / 1000n) / 1e6);
    this.clear();
  }

  clear(): void {
    for (const p of this.plots) p.destroy();
    this.plots = [];
    this.names = [];
    this.scales = {};
    this.axisLabels = {};
    this.host.replaceChildren();
    this.panel.hidden = true;
  }

  show(records: RecordedCopy[], previous: RecordedCopy[] | null): void {
    this.clear();
    this.names = records.map((r) => r.name);
    if (!records.length) return;
    this.panel.hidden = false;
    const width = Math.max(300, this.host.clientWidth || this.panel.clientWidth - 24);
    for (const r of records) {
      const box = document.createElement('div');
      box.dataset.record = r.name;
      const title = document.createElement('div');
      title.className = 'record-title';
      title.textContent = `${r.name} · ${r.t.length} point${r.t.length === 1 ? '' : 's'}`;
      box.appendChild(title);
      this.host.appendChild(box);
      const prev = previous?.find((p) => p.name === r.name) ?? null;
      const xs = (t: Float64Array) => Array.from(t, (v) => this.x0 + v / 1e9);
      const plot = new uPlot(
        {
          width,
          height: HEIGHT,
          cursor: { sync: { key: 'replay' }, drag: { x: false, y: false } },
          tzDate: utcDate,
          // the previous run's values too: its dashed line would otherwise run off the plot where the runs differ
          scales: { x: { time: true, range: () => [this.x0, this.x1] }, y: { range: () => valueRange(r.v, prev?.v) } },
          axes: [
            { stroke: '#8b949e', grid: { stroke: '#21262d' }, ticks: { stroke: '#30363d' }, values: UTC_AXIS },
            {
              stroke: '#8b949e',
              grid: { stroke: '#21262d' },
              size: (_u, values) => this.axisWidth(values),
              space: valueSpace,
              values: valueLabels(this.axisLabels, `record:${r.name}`),
            },
          ],
          series: [
            { label: 'UTC', value: '{YYYY}-{MM}-{DD} {HH}:{mm}:{ss}.{fff}' },
            { label: r.name, stroke: '#d2a8ff', width: 1.5, points: { show: r.t.length < 200, size: 4 } },
          ],
          hooks: {
            ...(prev ? { draw: [(u: uPlot) => drawPrevious(u, prev, this.x0)] } : {}),
            setScale: [(u: uPlot, key: string) => this.axisSet(r.name, u, key)],
          },
        },
        [xs(r.t), Array.from(r.v)],
        box,
      );
      this.plots.push(plot);
    }
  }

  private axisSet(name: string, u: uPlot, key: string): void {
    if (key === 'y' && u.scales.y.min != null && u.scales.y.max != null) this.scales[name] = [u.scales.y.min, u.scales.y.max];
  }
}

/** Both runs' values with a margin; a flat series gets room around its value. */
function valueRange(v: Float64Array, prev: Float64Array | undefined): uPlot.Range.MinMax {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of prev ? [v, prev] : [v])
    for (const x of a)
      if (Number.isFinite(x)) {
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
  if (lo > hi) return [0, 1];
  const pad = (hi - lo) * 0.05 || Math.max(Math.abs(hi) * 0.05, 0.01);
  return [lo - pad, hi + pad];
}

function drawPrevious(u: uPlot, p: RecordedCopy, x0: number): void {
  const ctx = u.ctx;
  const { left, top, width, height } = u.bbox;
  const dpr = devicePixelRatio || 1;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  ctx.strokeStyle = 'rgba(201, 209, 217, 0.45)';
  ctx.lineWidth = dpr;
  ctx.setLineDash([4 * dpr, 3 * dpr]);
  ctx.beginPath();
  for (let i = 0; i < p.t.length; i++) {
    const x = u.valToPos(x0 + p.t[i] / 1e9, 'x', true);
    const y = u.valToPos(p.v[i], 'y', true);
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  }
  ctx.stroke();
  ctx.restore();
}
