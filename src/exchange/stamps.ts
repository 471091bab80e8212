// The local exchange's own latency stamps: when it handed each `books` update to a subscriber's socket (by symbol
// and seq) and when each place-order request reached it (by clientOid). A client never sees them: a benchmark or
// an in-process session joins them with its own stamps (src/latency) for the hops outside the client's process.
//
// Times are this process's performance.now() in ms (fractional, sub-µs); `clock()` gives the pair that maps them
// onto another process's: the same instant on CLOCK_MONOTONIC (process.hrtime, system-wide on Linux) and here.
// Bounded: the newest MAX_STAMPS of each kind are kept.

const MAX_STAMPS = 1 << 18;

export interface StampLog {
  /** [symbol, seq (decimal), ms] per books update sent. */
  sends: Array<[string, string, number]>;
  /** [clientOid, ms] per place-order request received (headers read). */
  arrivals: Array<[string, number]>;
  /** The same instant as hrtime ns (decimal) and performance.now() ms. */
  clock: { hrtimeNs: string; nowMs: number };
}

export class WireStamps {
  private sends: Array<[string, string, number]> = [];
  private arrivals: Array<[string, number]> = [];

  send(symbol: string, seq: bigint, ms: number): void {
    if (this.sends.length >= MAX_STAMPS) this.sends = this.sends.slice(MAX_STAMPS >> 1);
    this.sends.push([symbol, seq.toString(), ms]);
  }

  /** A request to `path` with body `body` arrived at `ms`: kept when it places an order with a clientOid. */
  request(path: string, body: string, ms: number): void {
    if (!path.endsWith('/place-order')) return;
    const m = /"clientOid"\s*:\s*"([^"]*)"/.exec(body);
    if (!m) return;
    if (this.arrivals.length >= MAX_STAMPS) this.arrivals = this.arrivals.slice(MAX_STAMPS >> 1);
    this.arrivals.push([m[1], ms]);
  }

  /** Everything kept so far (and forgets it, so a reader that polls gets each stamp once). */
  take(): StampLog {
    const out = { sends: this.sends, arrivals: this.arrivals, clock: clockPair() };
    this.sends = [];
    this.arrivals = [];
    return out;
  }
}

/** One instant on both clocks: hrtime (system-wide monotonic) and performance.now(). */
export function clockPair(): { hrtimeNs: string; nowMs: number } {
  const a = performance.now();
  const hr = process.hrtime.bigint();
  const b = performance.now();
  return { hrtimeNs: hr.toString(), nowMs: (a + b) / 2 };
}
