// The page's copy of one decimated table from the worker, kept up to date by TableUpdates (see ./decimate).
import type { TableUpdate } from './protocol';

export class TableCopy {
  cols: number[][];
  /** Bumped by every change: views redraw only when it moved. */
  version = 0;

  constructor(readonly width: number) {
    this.cols = Array.from({ length: width }, () => []);
  }

  get length(): number {
    return this.cols[0].length;
  }

  apply(u: TableUpdate | undefined): void {
    if (!u) return;
    for (let c = 0; c < this.width; c++) {
      const col = this.cols[c];
      col.length = Math.min(col.length, u.from);
      const src = u.cols[c];
      for (let i = 0; i < src.length; i++) col.push(src[i]);
    }
    this.version++;
  }

  clear(): void {
    for (const c of this.cols) c.length = 0;
    this.version++;
  }

  /** A frozen copy (the previous run, kept for comparison). */
  snapshot(): TableCopy {
    const t = new TableCopy(this.width);
    t.cols = this.cols.map((c) => c.slice());
    return t;
  }
}
