// The depth heat map: time across (the recording's whole span, as the charts), price up, one column per book
// snapshot from the worker, each level a cell one tick high coloured by its size (bids green, asks red, brighter =
// larger, on a log scale so a few huge levels do not wash out the rest). The cells are painted into an ImageData
// buffer, only when new snapshots arrive: a thousand columns of forty levels is too many fillRect calls for every
// frame. The mid line, the price labels and the replay's current time are drawn over it each frame. Time runs over
// the same horizontal span as the charts' plot area (`area`), so a moment lines up across all of them; the price
// labels sit in the margin to its left, where the charts have their value axis.
import { TableCopy } from './tables';
import { SIGNAL_COLS, type RecordingInfo } from './protocol';

const MID = SIGNAL_COLS.indexOf('mid');
const ST = SIGNAL_COLS.indexOf('t');
const BACKGROUND = '#0d1117';

interface Painted {
  key: string;
  img: ImageData;
  /** Price range shown, ticks. */
  lo: number;
  hi: number;
}

export class DepthHeatmap {
  private info: RecordingInfo | null = null;
  private painted: Painted | null = null;
  private drawn = '';
  /** Relative ns of the replay now; drawn as a vertical line. */
  nowRel = 0;
  /** The charts' plot area in CSS px from the canvas's left edge; the whole width when null. */
  area: { left: number; width: number } | null = null;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly depth: TableCopy,
    private readonly signals: TableCopy,
  ) {}

  setRecording(info: RecordingInfo): void {
    this.info = info;
    this.painted = null;
    this.drawn = '';
  }

  private span(): number {
    return this.info ? Math.max(1, Number(BigInt(this.info.lastNs) - BigInt(this.info.firstNs))) : 1;
  }

  draw(): void {
    const cv = this.canvas;
    const dpr = devicePixelRatio || 1;
    const w = Math.max(100, Math.round(cv.clientWidth * dpr));
    const h = Math.max(60, Math.round(cv.clientHeight * dpr));
    const span = this.span();
    const x0 = this.area ? Math.round(this.area.left * dpr) : 0;
    const pw = this.area ? Math.max(10, Math.round(this.area.width * dpr)) : w;
    const dataKey = `${this.depth.version}/${w}x${h}/${x0}+${pw}`;
    const key = `${dataKey}/${this.signals.version}/${Math.round((this.nowRel / span) * w)}`;
    if (key === this.drawn) return;
    this.drawn = key;
    if (cv.width !== w || cv.height !== h) {
      cv.width = w;
      cv.height = h;
    }
    const ctx = cv.getContext('2d')!;
    if (this.painted?.key !== dataKey) this.painted = this.paint(ctx, dataKey, w, h, x0, pw);
    const p = this.painted;
    if (!p || !this.info) {
      ctx.fillStyle = BACKGROUND;
      ctx.fillRect(0, 0, w, h);
      return;
    }
    ctx.putImageData(p.img, 0, 0);
    const xOf = (t: number) => x0 + (t / span) * pw;
    const yOf = (price: number) => h - ((price - p.lo) / (p.hi - p.lo)) * h;
    // mid on top, so the book can be read against the touch
    const s = this.signals.cols;
    ctx.lineWidth = dpr;
    if (s[ST].length > 1) {
      ctx.strokeStyle = 'rgba(240, 246, 252, 0.7)';
      ctx.beginPath();
      for (let i = 0; i < s[ST].length; i++) {
        if (i === 0) ctx.moveTo(xOf(s[ST][i]), yOf(s[MID][i]));
        else ctx.lineTo(xOf(s[ST][i]), yOf(s[MID][i]));
      }
      ctx.stroke();
    }
    ctx.strokeStyle = 'rgba(88, 166, 255, 0.9)';
    ctx.beginPath();
    ctx.moveTo(xOf(this.nowRel), 0);
    ctx.lineTo(xOf(this.nowRel), h);
    ctx.stroke();
    const tick = this.info.tickSize;
    ctx.fillStyle = '#8b949e';
    ctx.font = `${11 * dpr}px system-ui, sans-serif`;
    // in the margin when there is one (right-aligned against the cells, like the charts' value axis), else over them
    const inMargin = x0 > 40 * dpr;
    ctx.textAlign = inMargin ? 'right' : 'left';
    const lx = inMargin ? x0 - 6 * dpr : 4 * dpr;
    ctx.fillText((p.hi * tick).toFixed(decimals(tick)), lx, 12 * dpr);
    ctx.fillText((p.lo * tick).toFixed(decimals(tick)), lx, h - 4 * dpr);
    ctx.textAlign = 'left';
  }

  /** The cells as an image; null while there is nothing to show. */
  private paint(ctx: CanvasRenderingContext2D, key: string, w: number, h: number, left: number, pw: number): Painted | null {
    const info = this.info;
    if (!info || this.depth.length === 0) return null;
    const n = info.depthLevels;
    const d = this.depth.cols;
    const rows = this.depth.length;
    const span = this.span();
    // price range: every level shown, a tick of margin
    let lo = Infinity;
    let hi = -Infinity;
    let maxQty = 0;
    for (let side = 0; side < 2; side++) {
      const pAt = 1 + side * 2 * n;
      for (let i = 0; i < n; i++) {
        const prices = d[pAt + i];
        const sizes = d[pAt + n + i];
        for (let r = 0; r < rows; r++) {
          const p = prices[r];
          if (!(p === p)) continue;
          if (p < lo) lo = p;
          if (p > hi) hi = p;
          if (sizes[r] > maxQty) maxQty = sizes[r];
        }
      }
    }
    if (!(hi >= lo)) return null;
    lo -= 1;
    hi += 1;
    const xOf = (t: number) => left + (t / span) * pw;
    const yOf = (p: number) => h - ((p - lo) / (hi - lo)) * h;
    const cell = Math.max(1, Math.ceil(h / (hi - lo)));
    const img = ctx.createImageData(w, h);
    const px = new Uint32Array(img.data.buffer);
    px.fill(0xff17110d); // BACKGROUND as little-endian RGBA
    const logMax = Math.log1p(maxQty);
    for (let r = 0; r < rows; r++) {
      const x0 = Math.max(0, Math.floor(xOf(d[0][r])));
      const x1 = Math.min(w, Math.max(x0 + 1, Math.ceil(xOf(r + 1 < rows ? d[0][r + 1] : d[0][r] + info.depthEveryNs))));
      for (let side = 0; side < 2; side++) {
        const pAt = 1 + side * 2 * n;
        for (let i = 0; i < n; i++) {
          const p = d[pAt + i][r];
          if (!(p === p)) break;
          const a = logMax > 0 ? Math.log1p(d[pAt + n + i][r]) / logMax : 0;
          const level = Math.round(40 + 215 * a);
          // ABGR: bids mostly green, asks mostly red
          const colour =
            side === 0
              ? 0xff000000 | ((level >> 2) << 16) | (level << 8) | (level >> 3)
              : 0xff000000 | ((level >> 3) << 16) | ((level >> 2) << 8) | level;
          const y0 = Math.max(0, Math.round(yOf(p)) - (cell >> 1));
          const y1 = Math.min(h, y0 + cell);
          for (let y = y0; y < y1; y++) px.fill(colour, y * w + x0, y * w + x1);
        }
      }
    }
    return { key, img, lo, hi };
  }
}

/** Decimals a price on this tick grid needs (0.1 → 1, 0.005 → 3). */
export function decimals(tickSize: number): number {
  const s = String(tickSize);
  if (s.includes('e-')) return Number(s.split('e-')[1]);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}
