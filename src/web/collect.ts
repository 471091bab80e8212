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
    /** The instrument charted (several symbols: one RunCharts each, ./player). */
    readonly inst = 0,
  ) {
    const grid = rec.instruments?.[inst].grid ?? rec.grid;
    this.tickLotQuote = grid.tickSize * grid.lotSize;
    this.depth = new DecimatedTable(depthWidth(levels), 2048);
    this.row = new Array(depthWidth(levels)).fill(NaN);
  }

  readonly hooks: SessionHooks = {
    onBook: (m: Market, rt: StrategyRuntime) => {
      const b = m.book;
      if (!b.valid || m.index !== this.inst) return;
      const bb = b.bestBidTick;
      const ba = b.bestAskTick;
      const mid = (bb + ba) / 2;
      const touch = b.bestBidLot + b.bestAskLot;
      // the core's wmid (docs/signals.md), from the message's own touch (the core's latest record may already describe
      // a later message)
      const wmid = touch > 0 ? (bb * b.bestAskLot + ba * b.bestBidLot) / touch : mid;
      const p = rt.position(this.inst);
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
    onEvent: (localNs: bigint, e: Event, inst: number) => {
      if (e.type === 'fill' && inst === this.inst)
        this.fills.push(Number(localNs - this.rec.firstNs), e.priceTick, e.side === 'buy' ? 1 : -1, e.qtyLot);
    },
    onRows: (from: number, to: number) => {
      const kind = this.rec.cols.kind as Int32Array;
      const of = this.rec.inst;
      for (let i = from; i < to; i++) {
        if (kind[i] !== KIND_TRADE || (of && of[i] !== this.inst)) continue;
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

/**
 * The charts of a run of one or several symbols: a RunCharts per instrument, all fed as the replay goes (each takes
 * its own instrument's book messages, trades, fills and depth), and the one on view sent to the page. Switching the
 * view sends that instrument's tables whole; nothing is re-run.
 */
export class SymbolCharts {
  readonly each: RunCharts[];
  readonly hooks: SessionHooks;

  constructor(
    rec: Recording,
    books: readonly BookView[],
    depthEveryNs: number,
    /** The instrument on view. */
    public view = 0,
  ) {
    const n = rec.instruments?.length ?? 1;
    this.each = Array.from({ length: n }, (_, i) => new RunCharts(rec, books[i], depthEveryNs, DEPTH_LEVELS, i));
    if (n === 1) this.hooks = this.each[0].hooks;
    else {
      const each = this.each;
      this.hooks = {
        onBook: (m, rt) => each[m.index].hooks.onBook!(m, rt),
        onEvent: (t, e, inst) => each[inst].hooks.onEvent!(t, e, inst),
        onRows: (from, to) => {
          for (const c of each) c.hooks.onRows!(from, to);
        },
      };
    }
    if (this.view >= n) this.view = 0;
  }

  get shown(): RunCharts {
    return this.each[this.view];
  }

  /** Charts instrument `i` from now on: its tables go to the page whole with the next frame. */
  show(i: number): void {
    if (i < 0 || i >= this.each.length || i === this.view) return;
    this.view = i;
    this.shown.resendAll();
  }

  bound(targetRel: number): number {
    return this.each[0].bound(targetRel); // every instrument's snapshots are due at the same times
  }

  afterFeed(relNs: number): void {
    for (const c of this.each) c.afterFeed(relNs);
  }
}
