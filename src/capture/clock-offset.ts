// How far is our clock from the exchange's? θ = local − exchange (docs/signals.md §4.4). REST round trips give
// θ̂ = (t0 + t1)/2 − Ts with |error| ≤ (t1 − t0)/2 + the server stamp's resolution (1 ms on Bitget): keep the
// sample with the smallest round trip. A negative feed latency (local_ts < exch_ts) simply means θ < 0: our clock is
// behind the exchange's — not time travel. Drift between estimates shows in a low quantile of local_ts − exch_ts.
import type { LocalClock } from '../core/clock';
import type { ClockEstimate } from './writer';

export const SERVER_RESOLUTION_NS = 1_000_000n;

export interface OffsetSample {
  t0: bigint;
  t1: bigint;
  serverMs: bigint;
}

/** The estimate from round-trip samples: the minimum-RTT one, bound = RTT/2 + the server's 1 ms resolution. */
export function estimateOffset(samples: OffsetSample[]): ClockEstimate {
  if (!samples.length) throw new Error('no clock samples');
  let best = samples[0];
  for (const s of samples) if (s.t1 - s.t0 < best.t1 - best.t0) best = s;
  const rtt = best.t1 - best.t0;
  // serverTime is the exchange's ms floor: its true instant lies in [Ts, Ts + 1 ms), so centre it.
  const server = best.serverMs * 1_000_000n + SERVER_RESOLUTION_NS / 2n;
  return {
    offsetNs: (best.t0 + best.t1) / 2n - server,
    boundNs: rtt / 2n + SERVER_RESOLUTION_NS / 2n,
    rttNs: rtt,
    method: `rest-min-rtt(k=${samples.length})`,
  };
}

/** Takes `k` samples from GET /api/v2/public/time, sequentially. Network errors propagate to the caller. */
export async function sampleOffset(restUrl: string, clock: LocalClock, k = 8): Promise<ClockEstimate> {
  const url = new URL('/api/v2/public/time', restUrl);
  const samples: OffsetSample[] = [];
  for (let i = 0; i < k; i++) {
    clock.read();
    const t0 = clock.ns;
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { code?: string; data?: { serverTime?: string } };
    clock.read();
    const t1 = clock.ns;
    if (body?.code !== '00000' || !/^\d+$/.test(body.data?.serverTime ?? '')) {
      throw new Error(`unexpected server time answer from ${url.href}: ${JSON.stringify(body).slice(0, 200)}`);
    }
    samples.push({ t0, t1, serverMs: BigInt(body.data!.serverTime!) });
  }
  return estimateOffset(samples);
}
