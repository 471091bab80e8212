// The top-of-book ladder and where it comes from. In a cross-origin isolated page the worker hands over the core's
// shared memory and compiled module; the page instantiates its own copy of the core over that memory and reads the
// worker's book through it every animation frame, with nothing copied or posted. Reads are not synchronised with
// the worker: a frame may catch the book in the middle of a message (a level just removed, the touch briefly
// crossed), which is harmless for a display and corrected on the next frame. Without isolation the ladder comes
// copied inside the worker's frames, up to ~80 ms old.
import { instantiateCore, BookView, type Core } from '../core/index';
import { LADDER_LEVELS, type LadderSnapshot, type SharedBook } from './protocol';
import { decimals } from './depth';

/** The page's own view of the worker's book. */
export class SharedBookReader {
  private book: BookView;

  private constructor(
    private readonly core: Core,
    private readonly ptrs: readonly number[],
  ) {
    this.book = new BookView(core, ptrs[0]);
  }

  static async attach(shared: SharedBook): Promise<SharedBookReader> {
    // slot 1: the worker's instance uses slot 0's scratch; this one only reads the book and never allocates
    const core = await instantiateCore(shared.module, shared.memory, { slot: 1 });
    return new SharedBookReader(core, shared.bookPtrs ?? [shared.bookPtr]);
  }

  /** Reads instrument `i`'s book from now on (several symbols). */
  show(i: number): void {
    if (this.ptrs[i] !== undefined) this.book = new BookView(this.core, this.ptrs[i]);
  }

  read(n = LADDER_LEVELS): LadderSnapshot {
    return this.book.top(n);
  }
}

/** Asks above bids, best in the middle; cells are rewritten only when their text changes. */
export class LadderView {
  private readonly cells: Array<{ price: HTMLTableCellElement; qty: HTMLTableCellElement; bar: HTMLDivElement }> = [];
  private tickSize = 1;
  private lotSize = 1;

  constructor(table: HTMLTableElement) {
    const body = table.createTBody();
    for (let r = 0; r < 2 * LADDER_LEVELS; r++) {
      const tr = body.insertRow();
      tr.className = r < LADDER_LEVELS ? 'ask' : 'bid';
      const price = tr.insertCell();
      const qty = tr.insertCell();
      const barCell = tr.insertCell();
      const bar = document.createElement('div');
      bar.className = 'bar';
      barCell.appendChild(bar);
      price.className = 'price';
      qty.className = 'qty';
      this.cells.push({ price, qty, bar });
    }
  }

  setGrid(tickSize: number, lotSize: number): void {
    this.tickSize = tickSize;
    this.lotSize = lotSize;
  }

  show(l: LadderSnapshot | null): void {
    const pd = decimals(this.tickSize);
    const qd = decimals(this.lotSize);
    const rows: Array<[number, number] | undefined> = [];
    for (let i = LADDER_LEVELS - 1; i >= 0; i--) rows.push(l?.asks[i]);
    for (let i = 0; i < LADDER_LEVELS; i++) rows.push(l?.bids[i]);
    let max = 0;
    for (const r of rows) if (r) max = Math.max(max, r[1]);
    rows.forEach((r, i) => {
      const c = this.cells[i];
      const price = r ? (r[0] * this.tickSize).toFixed(pd) : '';
      const qty = r ? (r[1] * this.lotSize).toFixed(qd) : '';
      if (c.price.textContent !== price) c.price.textContent = price;
      if (c.qty.textContent !== qty) c.qty.textContent = qty;
      const width = r && max > 0 ? `${Math.round((r[1] / max) * 100)}%` : '0%';
      if (c.bar.style.width !== width) c.bar.style.width = width;
    });
  }
}
