// The time-series panels (uPlot): price with public trades and own fills marked, OBI, OFI, position and equity.
// All share one x axis, the recording's whole span, labelled in UTC on a 24-hour clock like every report, so progress
// reads left to right and the cursor lines up across panels (and with the depth heat map above, which takes its plot
// area from here). The plots are made when a recording opens — before that there is no time axis to show — and
// again for each recording (the equity axis is in its quote currency). Markers and the previous run's equity are
// painted in draw hooks: they have their own times, and uPlot's series all share the x values of one table.
import uPlot from 'uplot';
import { TableCopy } from './tables';
import { stepDecimals } from '../format/numbers';
import { SIGNAL_COLS, TRADE_COLS, FILL_COLS, type RecordingInfo } from './protocol';

const col = <T extends readonly string[]>(names: T, name: T[number]) => names.indexOf(name);
const S = {
  t: col(SIGNAL_COLS, 't'),
  bid: col(SIGNAL_COLS, 'bid'),
  ask: col(SIGNAL_COLS, 'ask'),
  mid: col(SIGNAL_COLS, 'mid'),
  wmid: col(SIGNAL_COLS, 'wmid'),
  obi: col(SIGNAL_COLS, 'obiN'),
  ofi: col(SIGNAL_COLS, 'ofiNorm'),
  pos: col(SIGNAL_COLS, 'position'),
  eq: col(SIGNAL_COLS, 'equity'),
};
const T = { t: col(TRADE_COLS, 't'), price: col(TRADE_COLS, 'price'), side: col(TRADE_COLS, 'side') };
const F = { t: col(FILL_COLS, 't'), price: col(FILL_COLS, 'price'), side: col(FILL_COLS, 'side') };

export const COLOURS = {
  bid: '#3fb950',
  ask: '#f85149',
  mid: '#8b949e',
  wmid: 'rgba(210, 153, 34, 0.45)',
  obi: '#58a6ff',
  ofi: '#bc8cff',
  pos: '#39c5cf',
  eq: '#e3b341',
  prev: 'rgba(201, 209, 217, 0.45)',
  buyTrade: 'rgba(63, 185, 80, 0.55)',
  sellTrade: 'rgba(248, 81, 73, 0.55)',
};

export interface RunTables {
  signals: TableCopy;
  trades: TableCopy;
  fills: TableCopy;
}

export interface ChartHosts {
  price: HTMLElement;
  obi: HTMLElement;
  ofi: HTMLElement;
  position: HTMLElement;
  equity: HTMLElement;
}

const HEIGHT = { price: 260, obi: 130, ofi: 130, position: 130, equity: 150 };

/**
 * Value axes of the small plots: uPlot's default 30 px between labels leaves a 60 px plot one label (often just "0"),
 * which reads as no scale at all; a third of the plot's height, at least 14 px (the labels' line), gives two to four.
 */
export const valueSpace = (_u: uPlot, _axis: number, _min: number, _max: number, plotDim: number) =>
  Math.max(14, Math.min(30, Math.floor(plotDim / 3.5)));

/** A value axis label: as many decimals as the step between labels has, grouped thousands, no "-0". */
export function tickLabel(v: number, incr: number): string {
  const d = stepDecimals(incr);
  const x = Math.abs(v) < incr / 2 ? 0 : v;
  return x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

/** Labels for a value axis that also keeps what it drew in `into[key]` (window.__ringbook.valueAxes). */
export const valueLabels =
  (into: Record<string, string[]>, key: string) =>
  (_u: uPlot, splits: number[], _axis: number, _space: number, incr: number): string[] => {
    const labels = splits.map((v) => tickLabel(v, incr));
    into[key] = labels;
    return labels;
  };

/** uPlot's time axis formats on a 24-hour clock, ISO dates: [min tick s, default, rollover year, month, day, hour, min, sec, mode]. */
export const UTC_AXIS: (string | number | null)[][] = [
  [3600 * 24 * 365, '{YYYY}', null, null, null, null, null, null, 1],
  [3600 * 24 * 28, '{YYYY}-{MM}', '\n{YYYY}', null, null, null, null, null, 1],
  [3600 * 24, '{MM}-{DD}', '\n{YYYY}', null, null, null, null, null, 1],
  [3600, '{HH}:{mm}', '\n{YYYY}-{MM}-{DD}', null, '\n{MM}-{DD}', null, null, null, 1],
  [60, '{HH}:{mm}', '\n{YYYY}-{MM}-{DD}', null, '\n{MM}-{DD}', null, null, null, 1],
  [1, ':{ss}', '\n{YYYY}-{MM}-{DD} {HH}:{mm}', null, '\n{MM}-{DD} {HH}:{mm}', null, '\n{HH}:{mm}', null, 1],
  [0.001, ':{ss}.{fff}', '\n{YYYY}-{MM}-{DD} {HH}:{mm}', null, '\n{MM}-{DD} {HH}:{mm}', null, '\n{HH}:{mm}', null, 1],
];
const utcDate = (ts: number) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC');

export class ReplayCharts {
  private info: RecordingInfo | null = null;
  private x0 = 0;
  private x1 = 1;
  private plots: Record<keyof ChartHosts, uPlot> | null = null;
  private drawn = '';
  /** The value axes' width, shared so every plot area starts at the same x: the widest labels any plot needs. */
  private axisWidth = 50;
  private measure: CanvasRenderingContext2D | null = null;
  /** The run before the latest parameter change, drawn faded for comparison. */
  previous: { fills: TableCopy; signals: TableCopy } | null = null;
  /** What each plot's value axis shows, by plot (window.__ringbook.valueAxes). */
  readonly axisLabels: Record<string, string[]> = {};

  constructor(
    private readonly hosts: ChartHosts,
    private readonly run: RunTables,
  ) {}

  /** The plots for a recording, the equity axis in `currency`. */
  private make(currency: string): Record<keyof ChartHosts, uPlot> {
    const hosts = this.hosts;
    const width = (h: HTMLElement) => Math.max(300, h.clientWidth);
    const base = (h: HTMLElement, key: keyof ChartHosts, series: uPlot.Series[], extra: Partial<uPlot.Options> = {}): uPlot =>
      new uPlot(
        {
          width: width(h),
          height: HEIGHT[key],
          cursor: { sync: { key: 'replay' }, drag: { x: false, y: false } },
          tzDate: utcDate,
          scales: { x: { time: true, range: () => [this.x0, this.x1] } },
          axes: [
            { stroke: '#8b949e', grid: { stroke: '#21262d' }, ticks: { stroke: '#30363d' }, values: UTC_AXIS },
            {
              stroke: '#8b949e',
              grid: { stroke: '#21262d' },
              ticks: { stroke: '#30363d' },
              size: (_u, values) => this.valueAxisWidth(values),
              // the price plot is tall enough for uPlot's own spacing and prices
              ...(key === 'price' ? {} : { space: valueSpace, values: valueLabels(this.axisLabels, key) }),
            },
          ],
          series: [{ label: 'UTC', value: '{YYYY}-{MM}-{DD} {HH}:{mm}:{ss}.{fff}' }, ...series],
          legend: { show: true },
          ...extra,
        },
        [[]],
        h,
      );
    const line = (label: string, stroke: string, width = 1, extra: Partial<uPlot.Series> = {}): uPlot.Series => ({
      label,
      stroke,
      width,
      points: { show: false },
      ...extra,
    });
    return {
      price: base(
        hosts.price,
        'price',
        [line('bid', COLOURS.bid), line('ask', COLOURS.ask), line('mid', COLOURS.mid), line('wmid', COLOURS.wmid)],
        {
          hooks: { draw: [(u) => this.drawMarkers(u)] },
        },
      ),
      obi: base(hosts.obi, 'obi', [line('obiN', COLOURS.obi)]),
      ofi: base(hosts.ofi, 'ofi', [line('ofiNorm', COLOURS.ofi)]),
      position: base(hosts.position, 'position', [
        line('position (lots)', COLOURS.pos, 1.5, { paths: uPlot.paths.stepped!({ align: 1 }) }),
      ]),
      equity: base(hosts.equity, 'equity', [line(`equity (${currency})`, COLOURS.eq, 1.5)], {
        hooks: { draw: [(u) => this.drawPreviousEquity(u)] },
        scales: { x: { time: true, range: () => [this.x0, this.x1] }, y: { range: (_u, min, max) => this.equityRange(min, max) } },
      }),
    };
  }

  /**
   * Width for value labels like `values` (uPlot asks on every layout); grows to the widest seen, never shrinks
   * mid-recording. The strategy's recorded series take theirs from here too, so that every plot on the page starts and
   * ends at the same x and a time is at one x on all of them; when theirs need more, these plots widen to match.
   */
  valueAxisWidth(values: string[] | null): number {
    this.measure ??= document.createElement('canvas').getContext('2d');
    if (this.measure && values) {
      this.measure.font = '12px system-ui, -apple-system, sans-serif';
      let w = 0;
      for (const v of values) w = Math.max(w, this.measure.measureText(v).width);
      // the tick (10 px), the gap to the labels (5 px) and a margin
      const need = Math.ceil(w) + 22;
      if (need > this.axisWidth) {
        this.axisWidth = need;
        // the plots laid out already keep their width until told: lay them out again, once this layout is done
        if (this.plots) queueMicrotask(() => this.relayout());
      }
    }
    return this.axisWidth;
  }

  private relayout(): void {
    for (const p of Object.values(this.plots ?? {})) p.redraw(false, true);
    this.onRelayout?.();
  }

  /** Called after the plots were laid out again for a wider value axis (the recorded series follow). */
  onRelayout: (() => void) | null = null;

  /** Plots for a recording: its span across, its currency on the equity axis. The hosts must be laid out. */
  setRecording(info: RecordingInfo, currency: string): void {
    if (this.plots) for (const p of Object.values(this.plots)) p.destroy();
    this.axisWidth = 50;
    this.plots = this.make(currency);
    this.info = info;
    this.x0 = Number(BigInt(info.firstNs) / 1000n) / 1e6;
    this.x1 = Math.max(this.x0 + 1e-3, Number(BigInt(info.lastNs) / 1000n) / 1e6);
    this.previous = null;
    this.drawn = '';
  }

  /** Keeps the current run's fills and equity as the comparison, before a run with other parameters starts. */
  keepAsPrevious(): void {
    this.previous = { fills: this.run.fills.snapshot(), signals: this.run.signals.snapshot() };
  }

  resize(): void {
    if (!this.plots) return;
    for (const k of Object.keys(this.plots) as Array<keyof ChartHosts>) {
      const w = Math.max(300, this.hosts[k].clientWidth);
      if (this.plots[k].width !== w) this.plots[k].setSize({ width: w, height: HEIGHT[k] });
    }
  }

  /** Where the plots draw, in CSS px from their host's left edge (the depth heat map lines up with it); null before a recording. */
  plotArea(): { left: number; width: number } | null {
    if (!this.plots) return null;
    const over = this.plots.price.over.getBoundingClientRect();
    const host = this.hosts.price.getBoundingClientRect();
    return over.width > 0 ? { left: over.left - host.left, width: over.width } : null;
  }

  private xs(t: number[]): number[] {
    const out = new Array<number>(t.length);
    for (let i = 0; i < t.length; i++) out[i] = this.x0 + t[i] / 1e9;
    return out;
  }

  /** Redraws when any table changed since the last call. */
  draw(): void {
    const key = `${this.run.signals.version}/${this.run.trades.version}/${this.run.fills.version}/${this.previous ? 1 : 0}`;
    if (key === this.drawn || !this.info || !this.plots) return;
    this.drawn = key;
    const c = this.run.signals.cols;
    const tick = this.info.tickSize;
    const px = (a: number[]) => a.map((v) => v * tick);
    const x = this.xs(c[S.t]);
    this.plots.price.setData([x, px(c[S.bid]), px(c[S.ask]), px(c[S.mid]), px(c[S.wmid])]);
    this.plots.obi.setData([x, c[S.obi]]);
    this.plots.ofi.setData([x, c[S.ofi]]);
    this.plots.position.setData([x, c[S.pos]]);
    this.plots.equity.setData([x, c[S.eq]]);
  }

  /** Public trades as small dots (green: taker buy), own fills as triangles (up: buy), the previous run's hollow. */
  private drawMarkers(u: uPlot): void {
    if (!this.info) return;
    const ctx = clipToPlot(u);
    const tick = this.info.tickSize;
    const dpr = devicePixelRatio || 1;
    const tr = this.run.trades.cols;
    for (let i = 0; i < tr[T.t].length; i++) {
      const x = u.valToPos(this.x0 + tr[T.t][i] / 1e9, 'x', true);
      const y = u.valToPos(tr[T.price][i] * tick, 'y', true);
      ctx.fillStyle = tr[T.side][i] === 1 ? COLOURS.buyTrade : COLOURS.sellTrade;
      ctx.fillRect(x - 1.5 * dpr, y - 1.5 * dpr, 3 * dpr, 3 * dpr);
    }
    const fills = (t: TableCopy, hollow: boolean) => {
      const f = t.cols;
      for (let i = 0; i < f[F.t].length; i++) {
        const x = u.valToPos(this.x0 + f[F.t][i] / 1e9, 'x', true);
        const y = u.valToPos(f[F.price][i] * tick, 'y', true);
        const up = f[F.side][i] > 0;
        const s = 6 * dpr;
        ctx.beginPath();
        ctx.moveTo(x, up ? y - s : y + s);
        ctx.lineTo(x - s, up ? y + s * 0.6 : y - s * 0.6);
        ctx.lineTo(x + s, up ? y + s * 0.6 : y - s * 0.6);
        ctx.closePath();
        if (hollow) {
          ctx.strokeStyle = COLOURS.prev;
          ctx.lineWidth = dpr;
          ctx.stroke();
        } else {
          ctx.fillStyle = up ? COLOURS.bid : COLOURS.ask;
          ctx.strokeStyle = '#f0f6fc';
          ctx.lineWidth = dpr;
          ctx.fill();
          ctx.stroke();
        }
      }
    };
    if (this.previous) fills(this.previous.fills, true);
    fills(this.run.fills, false);
    ctx.restore();
  }

  /** The current run's equity range widened to the previous run's, so both lines fit. */
  private equityRange(min: number | null, max: number | null): uPlot.Range.MinMax {
    let lo = min ?? 0;
    let hi = max ?? 0;
    const prev = this.previous?.signals.cols[S.eq];
    if (prev)
      for (const v of prev) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    const pad = (hi - lo) * 0.05 || Math.max(Math.abs(hi) * 0.05, 0.01);
    return [lo - pad, hi + pad];
  }

  private drawPreviousEquity(u: uPlot): void {
    const p = this.previous?.signals.cols;
    if (!p || p[S.t].length === 0) return;
    const ctx = clipToPlot(u);
    const dpr = devicePixelRatio || 1;
    ctx.strokeStyle = COLOURS.prev;
    ctx.lineWidth = 1.5 * dpr;
    ctx.setLineDash([4 * dpr, 3 * dpr]);
    ctx.beginPath();
    for (let i = 0; i < p[S.t].length; i++) {
      const x = u.valToPos(this.x0 + p[S.t][i] / 1e9, 'x', true);
      const y = u.valToPos(p[S.eq][i], 'y', true);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.stroke();
    ctx.restore();
  }
}

/** The plot's canvas context, saved and clipped to the plotting area (the caller restores it). */
function clipToPlot(u: uPlot): CanvasRenderingContext2D {
  const ctx = u.ctx;
  const { left, top, width, height } = u.bbox;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  return ctx;
}
