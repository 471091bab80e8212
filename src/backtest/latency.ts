// Order latencies of the simulated venue (docs/signals.md §4.2): entry = local send → matching engine, response =
// matching engine → local. Times are ns as doubles (absolute epoch ns lose nothing that matters to a latency).
// Models only look at the past: the feed-derived one uses the feed latency of the last complete second.
import { durationNs, durationText } from '../format/durations';

export interface LatencyModel {
  readonly name: string;
  entry(atNs: number): number;
  response(atNs: number): number;
  /**
   * Every market message's feed latency (local − exchange) as the replay reaches it; models may ignore it. The loop
   * writes `feed[0]` = when (ns since the epoch) and `feed[1]` = the latency, then calls observeFeed(): numbers in a
   * typed array, not arguments, since this runs for every message and a double argument is a new heap number each call.
   */
  readonly feed?: Float64Array;
  observeFeed?(): void;
}

export function constantLatency(entryNs: number, responseNs: number): LatencyModel {
  return { name: `constant:${durationText(entryNs)},${durationText(responseNs)}`, entry: () => entryNs, response: () => responseNs };
}

/**
 * entry = a·feed + b and response = c·feed + d, feed being the mean feed latency over the last complete second
 * (hftbacktest's synthetic latency; its tutorial uses a = 4, c = 3). Before the first second completes, the running
 * mean of what has been seen.
 */
export function feedLatency(a: number, b: number, c: number, d: number): LatencyModel {
  // The running state in a Float64Array, not in closure variables: a double stored into a closure is a new heap
  // number on every market message (millions of allocations a run).
  // [bucket, sum, n, last, lo, hi]: lo–hi is the bucket's second less 10 µs at each end, where the division below
  // cannot round to another second (a double near 1.8e18 ns is exact to 256 ns): a stamp inside it needs none
  const st = new Float64Array(6);
  st[0] = -1;
  st[4] = NaN;
  st[5] = NaN;
  const input = new Float64Array(2); // [atNs, feedNs]
  const feed = () => (st[3] > 0 ? st[3] : st[2] > 0 ? st[1] / st[2] : 0);
  return {
    name: `feed:${a}x+${b / 1e6}ms,${c}x+${d / 1e6}ms`,
    entry: () => Math.max(0, a * feed() + b),
    response: () => Math.max(0, c * feed() + d),
    feed: input,
    observeFeed() {
      const feedNs = input[1];
      const at = input[0];
      if (!(at >= st[4] && at < st[5])) {
        const sec = Math.floor(at / 1e9);
        if (sec !== st[0]) {
          if (st[2] > 0 && st[0] >= 0) st[3] = st[1] / st[2];
          st[0] = sec;
          st[1] = 0;
          st[2] = 0;
        }
        st[4] = sec * 1e9 + 1e4;
        st[5] = sec * 1e9 + 1e9 - 1e4;
      }
      if (feedNs > 0) {
        st[1] += feedNs;
        st[2]++;
      }
    },
  };
}

export interface RoundTrip {
  /** Local time the request left, and its round trip to the venue's answer, ns. */
  reqNs: number;
  rttNs: number;
}

/**
 * Interpolated from recorded round trips of our own orders (hftbacktest IntpOrderLatency). Our recordings hold the
 * local send and answer times, not the venue's stamp, so each leg is taken as half the round trip. Before the first
 * and after the last row the nearest row holds.
 */
export function interpolatedLatency(rows: RoundTrip[]): LatencyModel {
  if (!rows.length)
    throw new Error(
      'no recorded round trips of own orders to interpolate latency from (record with `ringbook demo` or `live --record`, or use --latency constant:… / feed:…)',
    );
  const r = [...rows].sort((x, y) => x.reqNs - y.reqNs);
  const at = (t: number): number => {
    if (t <= r[0].reqNs) return r[0].rttNs;
    const last = r[r.length - 1];
    if (t >= last.reqNs) return last.rttNs;
    let lo = 0;
    let hi = r.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (r[mid].reqNs <= t) lo = mid;
      else hi = mid;
    }
    const span = r[hi].reqNs - r[lo].reqNs;
    const w = span > 0 ? (t - r[lo].reqNs) / span : 0;
    return r[lo].rttNs + w * (r[hi].rttNs - r[lo].rttNs);
  };
  return { name: `recorded:${r.length} round trips`, entry: (t) => at(t) / 2, response: (t) => at(t) / 2 };
}

/** A part of --latency in the command line's duration grammar (0 allowed), as ns. */
function duration(opt: string, text: string): number {
  return Number(durationNs(`--latency ${opt}:`, text, { zero: true, examples: '5ms, 250us, 0.01s' }));
}

/**
 * The --latency option: `constant:ENTRY[,RESPONSE]`, `feed[:A,B,C,D]` (entry = A·feed + B, response = C·feed + D;
 * default 4,0ms,3,0ms) or `recorded` (needs the round trips, passed by the caller).
 */
export function parseLatency(spec: string, recorded?: () => RoundTrip[]): LatencyModel {
  const [kind, rest = ''] = spec.split(/:(.*)/s, 2);
  if (kind === 'constant') {
    const parts = rest.split(',').filter(Boolean);
    if (parts.length < 1 || parts.length > 2) throw new Error(`--latency ${spec}: use constant:ENTRY[,RESPONSE], e.g. constant:5ms,5ms`);
    const e = duration(spec, parts[0]);
    return constantLatency(e, parts[1] ? duration(spec, parts[1]) : e);
  }
  if (kind === 'feed') {
    const parts = rest ? rest.split(',') : ['4', '0ms', '3', '0ms'];
    if (parts.length !== 4)
      throw new Error(`--latency ${spec}: use feed:A,B,C,D (entry = A·feed + B, response = C·feed + D), e.g. feed:4,0ms,3,0ms`);
    const a = Number(parts[0]);
    const c = Number(parts[2]);
    if (!(a >= 0) || !(c >= 0)) throw new Error(`--latency ${spec}: the multipliers must be numbers ≥ 0`);
    return feedLatency(a, duration(spec, parts[1]), c, duration(spec, parts[3]));
  }
  if (kind === 'recorded') {
    if (!recorded) throw new Error('--latency recorded needs a recording with own orders (under <root>/_orders/)');
    return interpolatedLatency(recorded());
  }
  throw new Error(`--latency "${spec}" is not a latency model: use constant:5ms,5ms, feed[:4,0ms,3,0ms] or recorded`);
}
