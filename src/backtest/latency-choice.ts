// Which order-latency model a replay runs with, one rule for `ringbook backtest` and the replay page: the model named
// (--latency, the page's latency field), else `recorded` — the session's own measured round trips — when the recording
// holds any, else `feed`. `recorded` named for a recording without them is refused, with what the recording lacks and
// what to give instead: falling back to another model would replay with a latency nobody measured and call it recorded.
// No file access: the caller finds the round trips (src/backtest/orders.ts from disk, src/web/own-orders.ts by URL)
// and says what is missing in its own terms.
import { parseLatency, type LatencyModel, type RoundTrip } from './latency';

/** The model a run uses when none is named, given how many round trips of own orders the recording holds. */
export function defaultLatencySpec(roundTrips: number): 'recorded' | 'feed' {
  return roundTrips > 0 ? 'recorded' : 'feed';
}

/** What a recording lacks for `recorded`: no _orders stream at all, none of the run's symbols, or no order answered. */
export type OwnOrdersLack = 'stream' | 'symbols' | 'answers';

/**
 * The lack in words: `where.root` names the recording's root ("data/", as dirText gives it) and `where.orders` its
 * own-order stream ("data/_orders"), as the reader knows them.
 */
export function ownOrdersLackText(where: { root: string; orders: string }, symbols: readonly string[], lack: OwnOrdersLack): string {
  if (lack === 'stream') return `${where.root} has no _orders stream`;
  return lack === 'symbols'
    ? `${where.orders} holds no orders of ${symbols.join(', ')}`
    : `${where.orders} holds no order of ${symbols.join(', ')} the venue answered`;
}

/** `--latency recorded…` for a recording without round trips of own orders: what it lacks and what to give instead. */
export function recordedLatencyRefusal(spec: string, lacks: string): string {
  return (
    `--latency ${spec} needs the order acks of a trading session recorded with the market data (\`ringbook demo --out DIR\` or ` +
    `\`ringbook live --record DIR\`): ${lacks}; use --latency feed (entry 4× and response 3× the recorded feed latency, the default here) or --latency constant:5ms`
  );
}

/** Whether a --latency value names the recorded model (its kind, before any `:`). */
export const isRecordedSpec = (spec: string): boolean => spec.split(':')[0] === 'recorded';

/**
 * The latency model of a run: `spec` (undefined: none named) by the rule above. `lacks` says what the recording lacks
 * (ownOrdersLackText); only called on the way to the refusal. Throws an Error with the parser's or the refusal's
 * message (the CLI makes it a usage error).
 */
export function latencyOf(spec: string | undefined, trips: readonly RoundTrip[], lacks: () => string): LatencyModel {
  const chosen = spec ?? defaultLatencySpec(trips.length);
  if (isRecordedSpec(chosen) && trips.length === 0) throw new Error(recordedLatencyRefusal(chosen, lacks()));
  return parseLatency(chosen, () => [...trips]);
}
