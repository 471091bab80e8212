// One step of the engine: every market-ring record ready now applied to the books and signals, one message at a time
// (not one drain of everything), so each signal leaves as soon as its own message is applied and carries its own
// stamps. The engine worker calls it in its wait loop; the single-thread layout calls it right after the feed has
// published a frame's records, on the thread that read the socket (src/feed/pipeline.ts).
import type { Core } from './loader';
import type { Ring } from './ring';
import type { Engine } from './engine-handle';
import { Kind, R, Status } from './record';
import { MonotonicClock } from './clock';
import { LatencySamples, elapsedNs } from './latency';
import { TRACE_DONE, TRACE_PICKUP, type TraceTable } from '../latency/trace';

export class EngineStepper {
  /** Receive → signal published, per message. */
  readonly latency = new LatencySamples();
  private readonly clock = new MonotonicClock();
  private readonly words: Int32Array;

  constructor(
    core: Core,
    readonly engine: Engine,
    readonly market: Ring,
    readonly signal: Ring,
    private readonly trace: TraceTable | null,
  ) {
    this.words = core.words;
  }

  /** Applies every record readable now (up to 4096); returns how many (0: the ring was empty). */
  step(): number {
    const market = this.market;
    let n = market.readable(4096);
    if (n === 0) return 0;
    const total = n;
    const words = this.words;
    const clock = this.clock;
    const capacity = market.capacity;
    clock.read();
    let startHi = clock.hi; // when the engine started on the message: the batch's pickup, then each previous one's end
    let startLo = clock.lo;
    while (n > 0) {
      const tail = market.tail;
      const run = Math.min(n, capacity - (tail & (capacity - 1))); // contiguous up to the ring's end
      const k = this.engine.applyMessage(market.slot(tail), run, this.signal);
      const last = market.slot(tail + k - 1);
      const tsHi = words[(last + R.localTs + 4) >> 2];
      const tsLo = words[(last + R.localTs) >> 2] >>> 0;
      market.release(k);
      n -= k;
      clock.read();
      // a clock mark (src/feed/feed-session.ts) is no market message: its stamp is no receive time to measure from
      if ((words[last >> 2] & 0xff) !== Kind.status || words[(last + R.seq) >> 2] !== Status.clockMark) {
        const done = elapsedNs(clock.hi, clock.lo, tsHi, tsLo);
        this.latency.add(done);
        const t = this.trace;
        if (t && t.stamp(tsHi, tsLo, TRACE_PICKUP, elapsedNs(startHi, startLo, tsHi, tsLo))) t.stamp(tsHi, tsLo, TRACE_DONE, done);
      }
      startHi = clock.hi;
      startLo = clock.lo;
    }
    return total;
  }
}
