// Local receive time: a wall-clock anchor taken once plus the monotonic clock (docs/design.md §7), as int64 ns split into
// two 32-bit halves so the per-message path needs no BigInt. Injected, so tests can drive time themselves.

const TWO32 = 4294967296;

export interface LocalClock {
  /** Reads the clock; afterwards `hi`/`lo` hold the ns timestamp's halves (lo unsigned). */
  read(): void;
  hi: number;
  lo: number;
  /** The last read as bigint (tools and tests). */
  readonly ns: bigint;
}

export class MonotonicClock implements LocalClock {
  hi = 0;
  lo = 0;
  private readonly anchorHi: number;
  private readonly anchorLo: number;
  private readonly perf0: number;

  /**
   * Defaults to this thread's performance.timeOrigin (absolute, sub-millisecond) plus performance.now(), so the
   * stamps of different worker threads agree to well under a microsecond.
   */
  constructor(anchorMs = performance.timeOrigin, perf0 = 0) {
    const anchor = BigInt(Math.round(anchorMs * 1e6));
    this.anchorHi = Number(anchor >> 32n);
    this.anchorLo = Number(anchor & 0xffffffffn);
    this.perf0 = perf0;
  }

  read(): void {
    const elapsed = Math.round((performance.now() - this.perf0) * 1e6); // ns; exact below 2^53 (104 days)
    const eHi = Math.floor(elapsed / TWO32);
    let lo = this.anchorLo + (elapsed - eHi * TWO32);
    let hi = this.anchorHi + eHi;
    if (lo >= TWO32) {
      lo -= TWO32;
      hi += 1;
    }
    this.hi = hi;
    this.lo = lo;
  }

  get ns(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }
}

/** A clock that only moves when told to (tests). */
export class ManualClock implements LocalClock {
  hi = 0;
  lo = 0;
  constructor(private t: bigint = 0n) {}
  set(ns: bigint): void {
    this.t = ns;
  }
  advance(ns: bigint): void {
    this.t += ns;
  }
  read(): void {
    this.hi = Number(this.t >> 32n);
    this.lo = Number(this.t & 0xffffffffn);
  }
  get ns(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }
}
