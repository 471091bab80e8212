// Signal and status records → strategy events, one rule for live trading and the backtest (so a replay feeds the
// machine exactly what the live session fed it): a status with a code below 20 makes the market unhealthy, the
// next valid signal makes it healthy again, and each signal becomes one `signal` event.
import { Kind, R, S, State, Field, Status, readI64, type Core } from '../core/index';
import type { Event } from '../fsm/index';

type SignalEvent = Extract<Event, { type: 'signal' }>;

/**
 * The strategy's timer: ticks fall on multiples of this interval of the local clock and are handed to the machine
 * in time order with the signals (a tick due before a signal's local time goes first), so a replay that ticks on the
 * same grid (src/backtest) feeds the machine the same sequence as the live trader.
 */
export const TICK_NS = 50_000_000n;

/**
 * An int64 field as a number: ints that fit 32 bits come out as small integers (no heap number), the rest (the
 * absent-level sentinels) as exact doubles like readI64.
 */
function num64(w: Int32Array, byteOffset: number): number {
  const lo = w[byteOffset >> 2];
  const hi = w[(byteOffset >> 2) + 1];
  return (hi === 0 && lo >= 0) || (hi === -1 && lo < 0) ? lo : hi * 4294967296 + (lo >>> 0);
}

/** The signal record at byte offset `at` as the machine's event (reads the record in place). */
export function signalEventAt(core: Core, at: number): SignalEvent {
  const w = core.words;
  const f = core.f64;
  const state = core.bytes[at + S.state];
  const fields = (at + S.fields) >> 3;
  const l = (at + S.localTs) >> 2;
  const e = (at + S.exchTs) >> 2;
  return {
    type: 'signal',
    localTs: core.i64[(at + S.localTs) >> 3],
    exchTs: core.i64[(at + S.exchTs) >> 3],
    valid: (state & State.valid) !== 0,
    bestBid: num64(w, at + S.bestBid),
    bestAsk: num64(w, at + S.bestAsk),
    bidQty: num64(w, at + S.bidQty),
    askQty: num64(w, at + S.askQty),
    l1: f[fields + Field.l1],
    obiN: f[fields + Field.obiN],
    ofiNorm: f[fields + Field.ofiNorm],
    z: f[fields + Field.z],
    zReady: (state & State.zReady) !== 0,
    // local − exchange from the halves: exact (far below 2^53) and no bigint temporary
    feedLatencyNs: (w[l + 1] - w[e + 1]) * 4294967296 + ((w[l] >>> 0) - (w[e] >>> 0)),
  };
}

export class MarketEvents {
  private unhealthy = '';
  clockOffsetNs: number | undefined;
  signals = 0;
  statuses = 0;

  /** Events for the output record at `at` (signal or status of any instrument: the caller filters), in order. */
  fromRecord(core: Core, at: number, emit: (e: Event) => void): void {
    const kind = core.bytes[at];
    if (kind === Kind.signal) {
      const s = signalEventAt(core, at);
      this.signals++;
      if (this.unhealthy && s.valid) {
        emit({ type: 'marketHealth', ok: true, reason: `recovered from ${this.unhealthy}`, clockOffsetNs: this.clockOffsetNs });
        this.unhealthy = '';
      }
      emit(s);
    } else if (kind === Kind.status) {
      const code = readI64(core.words, at + R.seq);
      if (code < 20) {
        this.statuses++;
        this.unhealthy = statusName(code);
        emit({ type: 'marketHealth', ok: false, reason: this.unhealthy, clockOffsetNs: this.clockOffsetNs });
      }
    }
  }
}

function statusName(code: number): string {
  return Object.entries(Status).find(([, v]) => v === code)?.[0] ?? `status ${code}`;
}
