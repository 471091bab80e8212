// Per-message stamps that cross threads: the feed thread opens a row for each market message it publishes, the
// engine thread adds when it picked the message up and when its signal was out, and the strategy's thread reads
// the row to split the message's time into hops. Rows are found by the message's receive stamp (the local_ts the
// records and the signal carry), so no ring record needs a field of its own.
//
// A row is the receive stamp's low bits (65,536 rows): two messages in flight at once land on one row only when those
// bits agree (1 in 65,536); the row's key (the full stamp) tells, and a reader that finds another message's key
// skips the sample. Values are ns since the receive stamp; NaN = not stamped (yet).
//
// WHEN TO USE: the live pipeline makes one (`TraceTable.create()`) and passes `buffer` to its workers.

const ROWS = 65536;
const MASK = ROWS - 1;
const ROW_F64 = 4; // key (two int32), decoded, engine pickup, engine done
export const TRACE_DECODED = 1;
export const TRACE_PICKUP = 2;
export const TRACE_DONE = 3;

export class TraceTable {
  private readonly f: Float64Array;
  private readonly i: Int32Array;

  private constructor(readonly buffer: SharedArrayBuffer) {
    this.f = new Float64Array(buffer);
    this.i = new Int32Array(buffer);
  }

  static create(): TraceTable {
    const t = new TraceTable(new SharedArrayBuffer(ROWS * ROW_F64 * 8));
    t.f.fill(NaN);
    return t;
  }

  static attach(buffer: SharedArrayBuffer): TraceTable {
    return new TraceTable(buffer);
  }

  /** Feed thread, before publishing: a new message received at (hi, lo), decoded and on the ring `decodedNs` later. */
  open(hi: number, lo: number, decodedNs: number): void {
    const r = (lo & MASK) * ROW_F64;
    const f = this.f;
    f[r + TRACE_PICKUP] = NaN;
    f[r + TRACE_DONE] = NaN;
    f[r + TRACE_DECODED] = decodedNs;
    this.i[r * 2] = lo | 0;
    this.i[r * 2 + 1] = hi | 0;
  }

  /** Adds a stamp (ns since receipt) to the message received at (hi, lo); false when its row holds another one. */
  stamp(hi: number, lo: number, col: number, ns: number): boolean {
    const r = (lo & MASK) * ROW_F64;
    if (this.i[r * 2] !== (lo | 0) || this.i[r * 2 + 1] !== (hi | 0)) return false;
    this.f[r + col] = ns;
    return true;
  }

  /** A stamp of the message received at (hi, lo), ns since receipt; NaN when missing or overwritten. */
  get(hi: number, lo: number, col: number): number {
    const r = (lo & MASK) * ROW_F64;
    if (this.i[r * 2] !== (lo | 0) || this.i[r * 2 + 1] !== (hi | 0)) return NaN;
    return this.f[r + col];
  }
}
