// The gateway's view of Bitget's clock: an injected local wall clock plus a measured offset, so ACCESS-TIMESTAMP
// (REST, ms) and the WebSocket login timestamp (s) stay inside Bitget's window (40004/40008, 30014: ~30 s) even
// when the host clock drifts (docs/bitget.md §6). WHEN TO USE: one instance shared by the REST client and
// the private WebSocket; `BitgetRestClient.syncClock` measures the offset.

export class ServerClock {
  /**
   * @param now local wall clock, ms since the epoch (injected: tests pin it).
   * @param offsetMs server − local, ms: added to `now()` to get Bitget's time.
   */
  constructor(
    readonly now: () => number = Date.now,
    public offsetMs = 0,
  ) {}

  /** Bitget's time now, whole ms. */
  serverMs(): number {
    return Math.round(this.now() + this.offsetMs);
  }

  /** ACCESS-TIMESTAMP for REST: ms as a string. */
  restTimestamp(): string {
    return String(this.serverMs());
  }

  /** The private WebSocket login timestamp: whole seconds as a string. */
  wsTimestamp(): string {
    return String(Math.floor(this.serverMs() / 1000));
  }
}

export interface TimeSample {
  /** Local ms before sending and after receiving. */
  t0: number;
  t1: number;
  /** Bitget's serverTime, ms. */
  serverMs: number;
}

/**
 * server − local from round trips: the minimum-RTT sample, centred (the server stamped somewhere in [t0, t1];
 * its ms floor is centred by +0.5). Error bound = RTT/2 + 0.5 ms.
 */
export function offsetFromSamples(samples: TimeSample[]): { offsetMs: number; rttMs: number; boundMs: number } {
  if (!samples.length) throw new Error('RB_ERR_GW_CLOCK: no server time samples');
  let best = samples[0];
  for (const s of samples) if (s.t1 - s.t0 < best.t1 - best.t0) best = s;
  const rttMs = best.t1 - best.t0;
  return { offsetMs: best.serverMs + 0.5 - (best.t0 + best.t1) / 2, rttMs, boundMs: rttMs / 2 + 0.5 };
}
