// The engine's code kept hot on a book of its own: a scratch engine (its own instrument table, book, signal state and
// counters, no control lines, so it never asks the feed for a resync) made on the engine's instance at start-up,
// applying the warm frames' records (src/feed/warm-frames.ts) from their scratch ring, one message at a time as
// EngineStepper does, and writing its output records to a scratch signal ring it then frees. The live engine, its
// books and the rings the strategy and the recorder read are never touched.
import type { Core } from './loader';
import { Ring } from './ring';
import { Engine, type Instrument, type InstrumentSpec } from './engine-handle';
import { SIG_SHIFT } from './record';
import { MonotonicClock } from './clock';

export class EngineWarmer {
  readonly engine: Engine;
  readonly instrument: Instrument;
  private readonly out: Ring;
  private readonly clock = new MonotonicClock();

  /**
   * Start-up only, on the engine's thread (the instance that allocates). `inst`: the warm frames' instrument index;
   * `signalRing`: where to format the scratch output ring (src/feed/warm-frames.ts warmRingOffsets).
   */
  constructor(core: Core, inst: number, spec: InstrumentSpec, signalRing: number, signalLog2: number) {
    this.engine = new Engine(core, inst + 1);
    this.instrument = this.engine.addInstrument(inst, { ...spec, levelsPerSide: 64, zCapacity: 128 });
    core.x.ringInit(signalRing, signalLog2, SIG_SHIFT);
    this.out = new Ring(core, signalRing);
  }

  /** Applies every record of `market` (a scratch ring) and frees them and the output; returns the records applied. */
  apply(market: Ring): number {
    let n = market.readable(4096);
    const total = n;
    const clock = this.clock;
    clock.read();
    while (n > 0) {
      const tail = market.tail;
      const run = Math.min(n, market.capacity - (tail & market.mask));
      const k = this.engine.applyMessage(market.slot(tail), run, this.out);
      market.release(k);
      n -= k;
      clock.read();
    }
    const o = this.out.readable(1 << 30);
    if (o) this.out.release(o);
    return total;
  }

  /** Whether the scratch book is trusted (a failed checksum unsyncs it until the next snapshot). */
  get synced(): boolean {
    return this.instrument.synced;
  }

  /** Bitget's checksum of the scratch book's top 25. */
  checksum(): number {
    return this.instrument.book.checksum(25);
  }
}
