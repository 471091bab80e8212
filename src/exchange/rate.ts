// The market-data rate control: `books` updates per second per symbol. The push interval becomes 1/rate, and the
// order flow's churn (limit arrivals and cancels through the orders' lifetime, market orders) is scaled by
// rate / 10, so every push still carries about the changes of one push at the default 10 per second: the same
// book depth and the same per-message work, only more often. Timers fire about once a millisecond, so above
// ~1,000/s the pushes of one timer tick leave back to back (bursts of rate/1000).
import type { Instrument } from './instruments';
import { DEFAULT_FLOW, type FlowParams } from './order-flow';

export const DEFAULT_PUSHES_PER_SEC = 10;
export const MAX_PUSHES_PER_SEC = 20_000;

/** The push interval (ms, fractional) and the instruments with their flow sped up for `rate` pushes per second. */
export function atRate(
  instruments: readonly Instrument[],
  flow: Partial<FlowParams> | undefined,
  rate: number,
): { pushIntervalMs: number; instruments: Instrument[]; flow: Partial<FlowParams> } {
  if (!(rate >= 1 && rate <= MAX_PUSHES_PER_SEC))
    throw new RangeError(`exchange rate must be between 1 and ${MAX_PUSHES_PER_SEC} messages per second, got ${String(rate)}`);
  const k = rate / DEFAULT_PUSHES_PER_SEC;
  const { orderLifetimeSec: _l, marketRate: _m, ...rest } = flow ?? {};
  return {
    pushIntervalMs: 1000 / rate,
    flow: rest,
    instruments: instruments.map((i) => {
      const p = { ...DEFAULT_FLOW, ...i.flow, ...flow };
      return { ...i, flow: { ...i.flow, orderLifetimeSec: p.orderLifetimeSec / k, marketRate: p.marketRate * k } };
    }),
  };
}
