// What the charts of one run are drawn from, gathered in the worker as the replay goes: per signal the touch, mid,
// weighted mid, OBI, OFI, position and equity; public trades from the records fed; own fills; and top-of-book
// snapshots on a fixed grid of market time for the depth heat map. Every table is bounded (./decimate), so a
// million-row replay sends the page a few thousand points per series.
import { equityQuote } from '../strategy/risk';
import type { Event } from '../strategy/events';
import type { Market } from '../strategy/api';
import type { StrategyRuntime } from '../strategy/runtime';
import type { BookView } from '../core/index';
import { DecimatedTable } from './decimate';
import { SIGNAL_COLS, TRADE_COLS, FILL_COLS, DEPTH_LEVELS, depthWidth, type LadderSnapshot } from './protocol';
import type { Recording } from './recording';
import type { SessionHooks } from './replay-session';

const KIND_TRADE = 3;
/** Heat map columns across the whole recording; fewer pixels than that on any screen. */
export const DEPTH_COLUMNS = 800;

/** The snapshot interval for a recording: DEPTH_COLUMNS across its span, at least 1 ms. */
export function depthInterval(rec: Recording): number {
  return Math.max(1e6, Number(rec.lastNs - rec.firstNs) / DEPTH_COLUMNS);
}

export class RunCharts {
  readonly signals = new DecimatedTable(SIGNAL_COLS.length);
  readonly trades = new DecimatedTable(TRADE_COLS.length);
  readonly fills = new DecimatedTable(FILL_COLS.length);
  /** Sized past DEPTH_COLUMNS so a normal run never thins it; a recording with stalls may add a few more. */
  readonly depth: DecimatedTable;
  private depthIndex = 0;
  private nextDepth = 0;
  private readonly tickLotQuote: number;
  private readonly row: number[];

  constructor(
    private readonly rec: Recording,
    private readonly book: BookView,
    readonly depthEveryNs: number,
    readonly levels = DEPTH_LEVELS,
  ) {
    this.tickLotQuote = rec.grid.tickSize * rec.grid.lotSize;
    this.depth = new DecimatedTable(depthWidth(levels), 2048);
    this.row = new Array(depthWidth(levels)).fill(NaN);
  }

  readonly hooks: SessionHooks = {
    onBook: (m: Market, rt: StrategyRuntime) => {
      const b = m.book;
      if (!b.valid) return;
      const bb = b.bestBidTick;
      const ba = b.bestAskTick;
      const mid = (bb + ba) / 2;
      const touch = b.bestBidLot + b.bestAskLot;
      // the core's wmid (docs/signals.md), from the message's own touch (the core's latest record may already describe
      // a later message)
      const wmid = touch > 0 ? (bb * b.bestAskLot + ba * b.bestBidLot) / touch : mid;
      const p = rt.position(0);
      const localNs = rt.originNs + BigInt(m.localNs);
      this.signals.push(
        Number(localNs - this.rec.firstNs),
        bb,
        ba,
        mid,
        wmid,
        m.signals.obiN,
        m.signals.ofiNorm,
        p.lot,
        equityQuote(p, mid, this.tickLotQuote),
      );
    },
    onEvent: (localNs: bigint, e: Event) => {
      if (e.type === 'fill') this.fills.push(Number(localNs - this.rec.firstNs), e.priceTick, e.side === 'buy' ? 1 : -1, e.qtyLot);
    },
    onRows: (from: number, to: number) => {
      const kind = this.rec.cols.kind as Int32Array;
      for (let i = from; i < to; i++) {
        if (kind[i] !== KIND_TRADE) continue;
        const c = this.rec.cols;
        this.trades.push(
          this.rec.rel[i],
          Number((c.price as BigInt64Array)[i]),
          (c.side as Int32Array)[i],
          Number((c.qty as BigInt64Array)[i]),
        );
      }
    },
  };

  /** The latest time a slice may reach before the next depth snapshot is due. */
  bound(targetRel: number): number {
    return Math.min(targetRel, this.nextDepth);
  }

  /** Takes the depth snapshot once the replay reached its time (the book as of the last record fed). */
  afterFeed(relNs: number): void {
    if (relNs < this.nextDepth) return;
    const r = this.row;
    const n = this.levels;
    r[0] = relNs;
    for (const side of [1, 2] as const) {
      const at = side === 1 ? 1 : 1 + 2 * n;
      for (let i = 0; i < n; i++) {
        const p = this.book.price(side, i);
        r[at + i] = p === undefined ? NaN : p;
        r[at + n + i] = p === undefined ? NaN : this.book.qty(side, i);
      }
    }
    this.depth.push(...r);
    // by grid index: relNs may be the previous due time itself, and (k·I)/I can round to just below k
    this.depthIndex = Math.max(this.depthIndex + 1, Math.floor(relNs / this.depthEveryNs) + 1);
    this.nextDepth = this.depthIndex * this.depthEveryNs;
  }

  /** The top `n` levels a side, for a page that cannot read the shared memory itself. */
  ladder(n: number): LadderSnapshot {
    return this.book.top(n);
  }

  resendAll(): void {
    for (const t of [this.signals, this.trades, this.fills, this.depth]) t.resend();
  }
}
