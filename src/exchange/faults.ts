// Fault injection for the exchange's outgoing public frames, per connection and seeded. WHEN TO USE: to exercise a
// client's gap detection, checksum verification, parser robustness, reconnects and clock-offset handling.
//
// Frame faults (this file) act on `books` and `trade` updates only — snapshots, acks, errors and pongs are never
// dropped or altered, so a client can always resync. Transport faults (latency, jitter, stalls; outbox.ts) and
// forced disconnects (the session) act on everything. The exchange's own seq/pseq chain is never affected: a
// dropped update leaves a pseq gap exactly as a lost frame would.
import type { Push } from './publisher';
import { Rng } from './rng';

export interface FaultOptions {
  /** Probability of not sending a books/trade update at all (seq gap). */
  dropRate: number;
  /** Probability of sending a books/trade update twice. */
  duplicateRate: number;
  /** Probability of holding a books/trade update and sending it after the next update of the same stream. */
  reorderRate: number;
  /** Probability of writing a wrong `checksum` into a spot books update (levels stay correct). */
  corruptChecksumRate: number;
  /** Probability of replacing a books/trade update by a truncated, unparseable text frame (the update is lost). */
  malformedRate: number;
  /** Abruptly close each connection this many seconds after it opened (0 = never). */
  disconnectEverySec: number;
  /** Every stallEverySec seconds, hold all outgoing frames for stallMs, then release them in order (0 = off). */
  stallMs: number;
  stallEverySec: number;
  /** Delay every outgoing frame by latencyMs + uniform[0, jitterMs), keeping order. */
  latencyMs: number;
  jitterMs: number;
  /** Added to every exchange timestamp: data ts, outer ts, trade ts, REST serverTime/requestTime. */
  clockSkewMs: number;
  /**
   * Hold every /api/ request this long before it acts (the venue is slow: an order placed meets the book late, and a
   * client whose timeout is shorter never learns whether it was placed). Public and private REST; not /debug/.
   */
  restLatencyMs: number;
  /** Probability of answering an /api/ request with Bitget's 40015 "system is abnormal" (HTTP 500) instead of acting. */
  restErrorRate: number;
}

export const NO_FAULTS: Readonly<FaultOptions> = {
  dropRate: 0,
  duplicateRate: 0,
  reorderRate: 0,
  corruptChecksumRate: 0,
  malformedRate: 0,
  disconnectEverySec: 0,
  stallMs: 0,
  stallEverySec: 0,
  latencyMs: 0,
  jitterMs: 0,
  clockSkewMs: 0,
  restLatencyMs: 0,
  restErrorRate: 0,
};

const RATES = ['dropRate', 'duplicateRate', 'reorderRate', 'corruptChecksumRate', 'malformedRate', 'restErrorRate'] as const;
const NON_NEGATIVE = ['disconnectEverySec', 'stallMs', 'stallEverySec', 'latencyMs', 'jitterMs', 'restLatencyMs'] as const;

/** Fills defaults and validates; throws a RangeError naming the option, the allowed range and the bad value. */
export function resolveFaults(partial: Partial<FaultOptions> = {}): FaultOptions {
  const f: FaultOptions = { ...NO_FAULTS, ...partial };
  for (const k of Object.keys(partial)) {
    if (!(k in NO_FAULTS)) throw new RangeError(`unknown fault option "${k}" (known: ${Object.keys(NO_FAULTS).join(', ')})`);
  }
  for (const k of RATES) {
    const v = f[k];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new RangeError(`fault ${k} must be a probability in [0, 1], got ${String(v)}`);
  }
  for (const k of NON_NEGATIVE) {
    const v = f[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new RangeError(`fault ${k} must be a finite number ≥ 0, got ${String(v)}`);
  }
  if (typeof f.clockSkewMs !== 'number' || !Number.isInteger(f.clockSkewMs)) {
    throw new RangeError(`fault clockSkewMs must be a whole number of ms (may be negative), got ${String(f.clockSkewMs)}`);
  }
  if (f.stallMs > 0 !== f.stallEverySec > 0) {
    throw new RangeError(`faults stallMs and stallEverySec go together: set both > 0 or both 0 (got ${f.stallMs} and ${f.stallEverySec})`);
  }
  if (f.stallMs > 0 && f.stallEverySec * 1000 <= f.stallMs) {
    throw new RangeError(
      `fault stallEverySec (${f.stallEverySec} s) must be longer than stallMs (${f.stallMs} ms), or output never resumes`,
    );
  }
  return f;
}

/** What was injected, per connection and in total. */
export interface FaultCounters {
  dropped: number;
  duplicated: number;
  reordered: number;
  corruptedChecksums: number;
  malformed: number;
  disconnects: number;
  stalls: number;
  /** Frames that left later than they were produced (latency, jitter or a stall). */
  delayedFrames: number;
  /** REST requests answered 40015 instead of acting (restErrorRate); exchange totals only. */
  restErrors: number;
  /** REST requests held restLatencyMs before acting; exchange totals only. */
  delayedRequests: number;
}

export function zeroFaultCounters(): FaultCounters {
  return {
    dropped: 0,
    duplicated: 0,
    reordered: 0,
    corruptedChecksums: 0,
    malformed: 0,
    disconnects: 0,
    stalls: 0,
    delayedFrames: 0,
    restErrors: 0,
    delayedRequests: 0,
  };
}

/** Increments one counter in both the connection's and the exchange's totals. */
export function bump(own: FaultCounters, total: FaultCounters, key: keyof FaultCounters): void {
  own[key]++;
  total[key]++;
}

/** Per-connection frame faults. `apply` returns the texts to send now, in order (0, 1, 2 or 3 frames). */
export class FrameFaults {
  private readonly rng: Rng;
  /** Per stream (instType:instId:channel): frames held by a reorder, released after the next update. */
  private readonly held = new Map<string, string[]>();

  constructor(
    private readonly opts: FaultOptions,
    seed: number,
    private readonly own: FaultCounters,
    private readonly total: FaultCounters,
  ) {
    this.rng = new Rng(seed);
  }

  get active(): boolean {
    const o = this.opts;
    return o.dropRate > 0 || o.duplicateRate > 0 || o.reorderRate > 0 || o.corruptChecksumRate > 0 || o.malformedRate > 0;
  }

  apply(push: Push): string[] {
    if (push.action !== 'update' || (push.channel !== 'books' && push.channel !== 'trade') || !this.active) return [push.text];
    const o = this.opts;
    if (this.rng.chance(o.dropRate)) {
      bump(this.own, this.total, 'dropped');
      return [];
    }
    let text = push.text;
    if (this.rng.chance(o.malformedRate)) {
      bump(this.own, this.total, 'malformed');
      text = text.slice(0, this.rng.int(1, Math.max(1, Math.floor(text.length / 2))));
    } else if (push.checksum !== undefined && this.rng.chance(o.corruptChecksumRate)) {
      bump(this.own, this.total, 'corruptedChecksums');
      const wrong = (push.checksum ^ (1 << this.rng.int(0, 30))) | 0;
      text = text.replace(`"checksum":${push.checksum},`, `"checksum":${wrong},`);
    }
    const frames = [text];
    if (this.rng.chance(o.duplicateRate)) {
      bump(this.own, this.total, 'duplicated');
      frames.push(text);
    }
    const key = `${push.arg.instType}:${push.arg.instId}:${push.channel}`;
    const held = this.held.get(key);
    if (held) {
      this.held.delete(key);
      bump(this.own, this.total, 'reordered');
      return [...frames, ...held];
    }
    if (this.rng.chance(o.reorderRate)) {
      this.held.set(key, frames);
      return [];
    }
    return frames;
  }

  /** Discards frames held for a stream (on resubscribe/unsubscribe, so no stale update follows a new snapshot). */
  forget(instType: string, instId: string, channel: string): void {
    this.held.delete(`${instType}:${instId}:${channel}`);
  }
}
