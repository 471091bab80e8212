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

/** Names the process family's wall − monotonic offset in the environment, which workers and child processes inherit. */
const ANCHOR_ENV = 'RINGBOOK_CLOCK_WALL_MINUS_MONOTONIC_NS';
let cachedAnchor: bigint | null = null;

/**
 * ns to add to this thread's performance.now() (in ns) for the local clock: the wall-clock anchor of the whole
 * process family plus this thread's performance.now() → CLOCK_MONOTONIC offset. Every thread's performance.now()
 * starts at its own timeOrigin, and timeOrigins are read off the wall clock a few µs apart (7 µs between two
 * threads here), which would show in every hop that crosses a thread. CLOCK_MONOTONIC (process.hrtime) is one clock
 * for the whole machine, so stamps of every thread and process that share the anchor agree to well under a
 * microsecond. The anchor is taken once, by the first thread that asks, and travels in the environment, which worker
 * threads and child processes copy when they start. Outside Node: performance.timeOrigin, as before.
 */
export function threadClockAnchorNs(): bigint {
  if (cachedAnchor !== null) return cachedAnchor;
  if (typeof process === 'undefined' || typeof process.hrtime?.bigint !== 'function') {
    cachedAnchor = BigInt(Math.round(performance.timeOrigin * 1e6));
    return cachedAnchor;
  }
  // this thread's performance.now() → hrtime: the pair with the tightest bracket of a few
  let best = Infinity;
  let perfToHr = 0n;
  for (let i = 0; i < 5; i++) {
    const a = performance.now();
    const hr = process.hrtime.bigint();
    const b = performance.now();
    if (b - a < best) {
      best = b - a;
      perfToHr = hr - BigInt(Math.round(((a + b) / 2) * 1e6));
    }
  }
  let wallMinusHr = process.env[ANCHOR_ENV];
  if (!wallMinusHr || !/^-?\d+$/.test(wallMinusHr)) {
    wallMinusHr = String(wallMinusHrAtMillisecondStep());
    process.env[ANCHOR_ENV] = wallMinusHr;
  }
  cachedAnchor = BigInt(wallMinusHr) + perfToHr;
  return cachedAnchor;
}

/**
 * Wall clock − hrtime, read where Date.now() steps to its next millisecond (an exact wall instant), so the local clock
 * agrees with Date.now() — what the local exchange, and most peers, stamp with — to a few µs. performance.timeOrigin
 * is not that: it is read once at process start and was found several ms away from Date.now() on a busy host, which a
 * measured clock offset then carried as if the exchange's clock were off. Spins at most ~3 ms, once per process family.
 */
function wallMinusHrAtMillisecondStep(): bigint {
  // three steps, keeping the one seen in the tightest bracket: a thread descheduled inside one would skew it
  let best: bigint | null = null;
  let width = 0n;
  for (let k = 0; k < 3; k++) {
    const first = Date.now();
    let before = process.hrtime.bigint();
    let ms = Date.now();
    for (let i = 0; ms === first && i < 10_000_000; i++) {
      before = process.hrtime.bigint();
      ms = Date.now();
    }
    const after = process.hrtime.bigint();
    if (best === null || after - before < width) {
      best = BigInt(ms) * 1_000_000n - (before + after) / 2n;
      width = after - before;
    }
  }
  return best!;
}

/** The process family's local clock − CLOCK_MONOTONIC (process.hrtime) in ns: maps hrtime readings to local_ts. */
export function wallMinusMonotonicNs(): bigint {
  threadClockAnchorNs();
  return BigInt(process.env[ANCHOR_ENV]!);
}

export class MonotonicClock implements LocalClock {
  hi = 0;
  lo = 0;
  private readonly anchorHi: number;
  private readonly anchorLo: number;
  private readonly perf0: number;

  /**
   * Defaults to the process family's anchor (threadClockAnchorNs) plus performance.now(), so the stamps of every
   * thread, and of child processes started after, agree to well under a microsecond. `anchorMs` pins another anchor.
   */
  constructor(anchorMs?: number, perf0 = 0) {
    const anchor = anchorMs === undefined ? threadClockAnchorNs() : BigInt(Math.round(anchorMs * 1e6));
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
