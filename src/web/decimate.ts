// A table of points that never grows past a fixed size, whatever the recording's length: it keeps every
// `stride`-th point offered, and when full drops every other kept point and doubles the stride, so the kept points
// stay evenly spaced in offer order. The page is sent only what changed since the last update (all of it again
// right after a thinning), which keeps the chart messages small on a million-row replay.
import type { TableUpdate } from './protocol';

export class DecimatedTable {
  private readonly cols: Float64Array[];
  private n = 0;
  private offered = 0;
  private stride = 1;
  /** Rows the page already holds unchanged. */
  private sent = 0;

  constructor(
    readonly width: number,
    readonly capacity = 4096,
  ) {
    if (capacity < 2 || capacity % 2 !== 0) throw new RangeError('capacity must be an even number ≥ 2');
    this.cols = Array.from({ length: width }, () => new Float64Array(capacity));
  }

  get length(): number {
    return this.n;
  }

  get everyNth(): number {
    return this.stride;
  }

  /** Offers one point (`width` values); kept when its offer number is a multiple of the stride. */
  push(...values: number[]): void {
    const k = this.offered++;
    if (k % this.stride !== 0) return;
    if (this.n === this.capacity) this.thin();
    // after thinning the stride doubled: this point may no longer be on the grid
    if (k % this.stride !== 0) return;
    const at = this.n++;
    for (let c = 0; c < this.width; c++) this.cols[c][at] = values[c];
  }

  /** Keeps rows 0, 2, 4, … (offers 0, 2·stride, 4·stride, …) and doubles the stride. */
  private thin(): void {
    const half = this.n >> 1;
    for (const col of this.cols) for (let i = 0; i < half; i++) col[i] = col[2 * i];
    this.n = half;
    this.stride *= 2;
    this.sent = Math.min(this.sent, 1); // row 0 survives a thinning in place; every later row moved
  }

  /** What changed since the last call, or undefined when nothing did. */
  update(): TableUpdate | undefined {
    if (this.sent === this.n) return undefined;
    const from = Math.min(this.sent, this.n);
    const cols = this.cols.map((c) => c.slice(from, this.n));
    this.sent = this.n;
    return { from, cols };
  }

  /** Makes the next update() send the whole table (the page lost its copy). */
  resend(): void {
    this.sent = 0;
  }
}
