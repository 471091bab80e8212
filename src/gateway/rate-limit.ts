// Client-side rate limits, one limiter per endpoint (Bitget counts each endpoint independently, §5.4): requests
// over the budget wait in FIFO order instead of being sent. WHEN TO USE: `acquire()` before a request, call the
// returned `release()` when its response (or failure) is in.
//
// Why a slot is held until completion + window, not send + window: Bitget counts arrivals on its side, and an
// arrival lies somewhere between our send and our receipt of the answer. Holding each slot over
// [send, completion + window) means every request that arrives inside any server-side window of length `window`
// still holds its slot at that window's end, so at most `limit` can: the budget holds whatever the network
// jitter. The cost is one round trip of throughput per window.

export interface RateLimit {
  limit: number;
  windowMs: number;
}

export class SlidingWindowLimiter {
  private inFlight = 0;
  /** Times (limiter clock) at which completed requests give their slot back, ascending. */
  private frees: number[] = [];
  private readonly waiters: Array<{ grant: () => void; fail: (e: Error) => void }> = [];
  private timer: NodeJS.Timeout | null = null;
  private pausedUntil = 0;
  private disposed = false;
  readonly stats = { granted: 0, queuedMax: 0, paused: 0 };

  /** @param now a monotonic ms clock (performance.now by default). */
  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(limit >= 1) || !(windowMs > 0)) throw new Error(`RB_ERR_GW_RATE_LIMIT: bad budget ${limit}/${windowMs} ms`);
  }

  /** Resolves with a release function once a slot is free. */
  acquire(): Promise<() => void> {
    if (this.disposed) return Promise.reject(new Error('RB_ERR_GW_CLOSED: the client is closed'));
    return new Promise((resolve, reject) => {
      this.waiters.push({ grant: () => resolve(this.releaser()), fail: reject });
      this.stats.queuedMax = Math.max(this.stats.queuedMax, this.waiters.length);
      this.pump();
    });
  }

  /**
   * A slot now, or null when none is free or callers are already waiting (they go first): the order path takes it
   * without a promise, so a request can leave in the same call as the decision that made it.
   */
  tryAcquire(): (() => void) | null {
    if (this.disposed || this.waiters.length) return null;
    const now = this.now();
    if (now < this.pausedUntil) return null;
    let k = 0;
    while (k < this.frees.length && this.frees[k] <= now) k++;
    if (k) this.frees.splice(0, k);
    if (this.inFlight + this.frees.length >= this.limit) return null;
    this.inFlight++;
    this.stats.granted++;
    return this.releaser();
  }

  /** No grants before `ms` from now (after an HTTP 429). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
    this.stats.paused++;
    this.pump();
  }

  /** Requests waiting for a slot. */
  get queued(): number {
    return this.waiters.length;
  }

  /** Stops the timer and fails every waiting caller with RB_ERR_GW_CLOSED (shutdown). */
  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const w of this.waiters.splice(0)) w.fail(new Error('RB_ERR_GW_CLOSED: the client is closed'));
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inFlight--;
      const t = this.now() + this.windowMs;
      let i = this.frees.length;
      while (i > 0 && this.frees[i - 1] > t) i--;
      this.frees.splice(i, 0, t);
      this.pump();
    };
  }

  private pump(): void {
    const now = this.now();
    let k = 0;
    while (k < this.frees.length && this.frees[k] <= now) k++;
    if (k) this.frees.splice(0, k);
    while (this.waiters.length && now >= this.pausedUntil && this.inFlight + this.frees.length < this.limit) {
      this.inFlight++;
      this.stats.granted++;
      this.waiters.shift()!.grant();
    }
    if (!this.waiters.length || this.timer) return;
    // Wake at the earliest moment a slot can free up; in-flight requests wake us through release() instead.
    const at = Math.max(this.pausedUntil, this.inFlight + this.frees.length >= this.limit ? (this.frees[0] ?? Infinity) : now);
    if (at === Infinity) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.pump();
      },
      Math.max(1, Math.ceil(at - now)),
    );
  }
}
