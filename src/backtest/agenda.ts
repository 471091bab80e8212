// The backtest loop's agenda: orders on their way to the venue (ARRIVE) and the venue's answers on their way back
// (ANSWER), a min-heap on the loop's clock popped in (time, kind, insertion) order, so equal times always resolve the
// same way. TICK and SIGNAL complete the tie order: the loop (run.ts) keeps its one pending timer tick and the market
// events (a FIFO in local-time order) beside the heap.
import type { Action, Event } from '../strategy/events';

// Heap entry kinds, in tie order.
export const ARRIVE = 0;
export const TICK = 1;
export const ANSWER = 2;
export const SIGNAL = 3;

export interface Item {
  t: number;
  kind: number;
  seq: number;
  action?: Action;
  event?: Event;
  /** Exchange time of an answer (fills keep it in the trace). */
  exchT?: number;
  /** The instrument: whose venue an action reaches, or whose venue answers. */
  inst: number;
}

/** A binary min-heap on (t, kind, seq): deterministic order for equal times. */
export class Agenda {
  private a: Item[] = [];
  private seq = 0;
  get size(): number {
    return this.a.length;
  }
  peek(): Item | undefined {
    return this.a[0];
  }
  private less(x: Item, y: Item): boolean {
    return x.t < y.t || (x.t === y.t && (x.kind < y.kind || (x.kind === y.kind && x.seq < y.seq)));
  }
  push(it: Omit<Item, 'seq'>): void {
    const item = it as Item;
    item.seq = this.seq++;
    const a = this.a;
    let i = a.length;
    a.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(item, a[p])) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = item;
  }
  pop(): Item {
    const a = this.a;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && this.less(a[r], a[l]) ? r : l;
        if (!this.less(a[c], last)) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}
