// The strategy thread's end of the latency trace: for every signal the strategy handles it reads the stamps the
// feed and engine threads left (src/latency/trace.ts), adds its own (picked up, decided) and, for an order, the
// moment the gateway handed its bytes to the socket; each finished span goes into the hop board.
//
// WHEN TO USE: one per trading session, on the thread that runs the strategy: `signal()` when a signal record is
// picked up, `decided()` once the strategy returned (the runtime's risk checks run inside that step),
// `order(clientOid)` for each order it sent, and `wire(clientOid)` from the gateway when that order's bytes are
// written. With `keepLog`, every sample is also kept (bounded) with its exchange `seq` and clientOid, so a benchmark
// can join the exchange's own send and arrival stamps.
import { MonotonicClock, type LocalClock } from '../core/clock';
import { elapsedNs } from '../core/latency';
import type { HopBoard } from './hops';
import { TRACE_DECODED, TRACE_DONE, TRACE_PICKUP, type TraceTable } from './trace';

/** One decided message (recvNs as int64 ns; the others ns after it, NaN where not stamped). */
export interface MessageSample {
  seq: bigint;
  recvNs: bigint;
  decisionNs: number;
}

/** One order request: its message's receive stamp and when its bytes went to the socket, ns after that. */
export interface OrderSample {
  clientOid: string;
  recvNs: bigint;
  decisionNs: number;
  wireNs: number;
}

const MAX_LOG = 1 << 20;
const MAX_PENDING = 4096;
/** Decided messages whose feed and engine stamps are read later (see decided()). */
const QUEUE = 8;

export class LatencyProbe {
  private readonly clock: LocalClock;
  // the message being handled
  private hi = 0;
  private lo = 0;
  private pickupNs = NaN;
  private decisionNs = NaN;
  private seq = 0n;
  private active = false;
  /** A ring of QUEUE (hi, lo, pickupNs) triples. */
  private readonly queued = new Float64Array(QUEUE * 3);
  private queuedFirst = 0;
  private queuedN = 0;
  private readonly pending = new Map<string, { hi: number; lo: number; decisionNs: number }>();
  readonly messages: MessageSample[] = [];
  readonly orders: OrderSample[] = [];
  /** Whether signal() wants the exchange seq (only to keep the log). */
  get wantsSeq(): boolean {
    return !!this.opts.keepLog;
  }
  /** Signals whose feed or engine stamps were missing (another message took their trace row). */
  unstamped = 0;

  constructor(
    readonly board: HopBoard,
    private readonly trace: TraceTable | null,
    private readonly opts: { keepLog?: boolean; clock?: LocalClock } = {},
  ) {
    this.clock = opts.clock ?? new MonotonicClock();
  }

  /** A signal of the message received at (hi, lo) (its local_ts halves; lo unsigned) is picked up now. */
  signal(hi: number, lo: number, seq: bigint | null = null): void {
    this.clock.read();
    this.hi = hi;
    this.lo = lo;
    this.pickupNs = elapsedNs(this.clock.hi, this.clock.lo, hi, lo);
    this.seq = seq ?? 0n;
    this.active = true;
  }

  /** The strategy decided on the current signal. */
  decided(): void {
    if (!this.active) return;
    this.active = false;
    this.clock.read();
    const decision = elapsedNs(this.clock.hi, this.clock.lo, this.hi, this.lo);
    this.decisionNs = decision;
    this.board.record('strategy', decision - this.pickupNs);
    this.board.record('tick→decision', decision);
    if (this.opts.keepLog && this.messages.length < MAX_LOG) {
      this.messages.push({ seq: this.seq, recvNs: (BigInt(this.hi) << 32n) | BigInt(this.lo), decisionNs: decision });
    }
    // The engine stamps a message right after its signal is out, so the stamp can land a moment after this thread
    // read the signal (sooner on a quiet host): the split of the earlier hops waits a few messages.
    if (this.queuedN === QUEUE) this.foldOldest();
    const at = ((this.queuedFirst + this.queuedN) % QUEUE) * 3;
    this.queued[at] = this.hi;
    this.queued[at + 1] = this.lo;
    this.queued[at + 2] = this.pickupNs;
    this.queuedN++;
  }

  /**
   * Starts a measurement afresh: the board, the log and the messages still waiting to be split. Those decided before
   * it would otherwise land in the new board's per-hop counts (up to QUEUE of them), and the orders waiting for their
   * wire stamp likewise in gateway→wire and tick→wire.
   */
  reset(): void {
    this.board.reset();
    this.queuedFirst = 0;
    this.queuedN = 0;
    this.pending.clear();
    this.messages.length = 0;
    this.orders.length = 0;
    this.unstamped = 0;
  }

  /** Splits every decided message still waiting into its hops (before reading the board). */
  flush(): void {
    while (this.queuedN > 0) this.foldOldest();
  }

  private foldOldest(): void {
    const at = this.queuedFirst * 3;
    const hi = this.queued[at];
    const lo = this.queued[at + 1];
    const pickupNs = this.queued[at + 2];
    this.queuedFirst = (this.queuedFirst + 1) % QUEUE;
    this.queuedN--;
    const t = this.trace;
    if (!t) return;
    const decoded = t.get(hi, lo, TRACE_DECODED);
    const pickup = t.get(hi, lo, TRACE_PICKUP);
    const done = t.get(hi, lo, TRACE_DONE);
    if (done !== done) this.unstamped++;
    const b = this.board;
    b.record('decode', decoded);
    b.record('ring→engine', pickup - decoded);
    b.record('book+signals', done - pickup);
    b.record('ring→strategy', pickupNs - done);
  }

  /** The decision just made sent order `clientOid` (its wire time comes from the gateway). */
  order(clientOid: string): void {
    if (this.decisionNs !== this.decisionNs) return;
    if (this.pending.size >= MAX_PENDING) this.pending.clear(); // orders the gateway never wrote (stopped)
    this.pending.set(clientOid, { hi: this.hi, lo: this.lo, decisionNs: this.decisionNs });
  }

  /** The gateway handed the bytes of `clientOid`'s request to the socket. */
  wire(clientOid: string): void {
    const p = this.pending.get(clientOid);
    if (!p) return;
    this.pending.delete(clientOid);
    this.clock.read();
    const wire = elapsedNs(this.clock.hi, this.clock.lo, p.hi, p.lo);
    this.board.record('gateway→wire', wire - p.decisionNs);
    this.board.record('tick→wire', wire);
    if (this.opts.keepLog && this.orders.length < MAX_LOG) {
      this.orders.push({ clientOid, recvNs: (BigInt(p.hi) << 32n) | BigInt(p.lo), decisionNs: p.decisionNs, wireNs: wire });
    }
  }
}
