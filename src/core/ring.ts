// A typed handle on one SPSC ring in the shared memory (the protocol is assembly/ring.ts's). Each thread makes its
// own handle over the same offset; a handle is either the producer's or the consumer's, never both.
//
// Zero-copy use: the producer asks `writable(n)`, fills slots at `slot(head + i)` through the Core's typed views,
// then `publish(k)`; the consumer asks `readable(n)`, reads `slot(tail + i)`, then `release(k)`.
//
// The per-record calls (head, tail, slot, writable, readable, publish, release) run here in JavaScript on the
// memory's Int32 view, with the ring's constants cached in the handle: a call into wasm costs more than the few
// loads and stores it would do. They keep to the core's protocol exactly (the same header words, the same cached
// opposite index, the same announce-then-check wake-up), so a handle can be mixed with the core's own ring calls
// (pushFrom, popTo, wait, engine.drain) on the same side. Indices are free-running u32; differences are taken
// `| 0`, exact while fewer than 2^31 records are in flight (capacities are far below).

import type { Core } from './loader';
import { RH, RING_HEADER } from './layout';

export class Ring {
  readonly capacity: number;
  readonly recordSize: number;
  private readonly mask: number;
  private readonly shift: number;
  private readonly slots: number;
  private readonly w: Int32Array;
  // Int32 indices of the header words
  private readonly iHead: number;
  private readonly iTail: number;
  private readonly iWaiting: number;
  /**
   * This side's last sight of the other side's index, kept here rather than in the ring's shared cache words: a write
   * to shared memory on every refresh would pull the other side's cache line back and forth between cores. A stale
   * sight only makes writable/readable low (indices only grow), so it is safe beside the core's own cache.
   */
  private seenTail: number;
  private seenHead: number;

  constructor(
    readonly core: Core,
    readonly base: number,
  ) {
    this.capacity = core.x.ringCapacity(base);
    this.recordSize = core.x.ringRecordSize(base);
    if (this.capacity === 0) throw new Error(`no ring at offset ${base}: the memory is not formatted`);
    this.mask = this.capacity - 1;
    this.shift = Math.log2(this.recordSize);
    this.slots = base + RING_HEADER;
    this.w = core.words;
    this.iHead = (base + RH.head) >> 2;
    this.iTail = (base + RH.tail) >> 2;
    this.iWaiting = (base + RH.waiting) >> 2;
    this.seenTail = Atomics.load(this.w, this.iTail);
    this.seenHead = Atomics.load(this.w, this.iHead);
  }

  /** Byte offset of the slot for free-running index `index`. */
  slot(index: number): number {
    return this.slots + ((index & this.mask) << this.shift);
  }

  // producer
  /** Producer's next index. */
  get head(): number {
    return this.w[this.iHead] >>> 0;
  }
  /** Producer: slots free now, at most `want`; may be low (the consumer can free more at any moment), never high. */
  writable(want: number): number {
    const w = this.w;
    const head = w[this.iHead];
    let free = this.capacity - ((head - this.seenTail) | 0);
    if (free < want || free > this.capacity) {
      const tail = Atomics.load(w, this.iTail);
      this.seenTail = tail;
      free = this.capacity - ((head - tail) | 0);
    }
    return free < want ? free : want;
  }
  /** Producer: makes the next `n` filled slots visible, with one index store; wakes a consumer asleep in wait(). */
  publish(n: number): void {
    const w = this.w;
    Atomics.store(w, this.iHead, (w[this.iHead] + n) | 0);
    if (Atomics.load(w, this.iWaiting) !== 0) Atomics.notify(w, this.iHead, 1);
  }
  /** Producer: copies `n` records from byte offset `src`; returns how many fitted (a full ring never overwrites). */
  pushFrom(src: number, n: number): number {
    return this.core.x.ringPushBatch(this.base, src, n);
  }

  // consumer
  /** Consumer's next index. */
  get tail(): number {
    return this.w[this.iTail] >>> 0;
  }
  /** Consumer: records ready now, at most `want`; may be low (the producer can publish more), never high. */
  readable(want: number): number {
    const w = this.w;
    const tail = w[this.iTail];
    let avail = (this.seenHead - tail) | 0;
    if (avail < want) {
      const head = Atomics.load(w, this.iHead);
      this.seenHead = head;
      avail = (head - tail) | 0;
    }
    return avail < want ? avail : want;
  }
  /** Consumer: frees the `n` oldest records. */
  release(n: number): void {
    const w = this.w;
    Atomics.store(w, this.iTail, (w[this.iTail] + n) | 0);
  }
  /** Consumer: copies up to `n` records to byte offset `dst` and frees them; returns how many. */
  popTo(dst: number, n: number): number {
    return this.core.x.ringPopBatch(this.base, dst, n);
  }
  /** Consumer: spins `spins` times, then sleeps up to `timeoutMs` (not on a browser main thread); returns readable. */
  wait(spins = 2000, timeoutMs = 100): number {
    return this.core.x.ringWait(this.base, spins, BigInt(Math.round(timeoutMs * 1e6)));
  }

  /**
   * Consumer, for threads that must not block (a browser page, Node's main thread): resolves once records are
   * readable or after `timeoutMs`, with the readable count. Uses the same announce-then-check handshake as wait().
   */
  async waitAsync(timeoutMs = 100): Promise<number> {
    const n = this.readable(1);
    if (n) return n;
    const w = this.w;
    Atomics.store(w, this.iWaiting, 1);
    const head = Atomics.load(w, this.iHead);
    if (head === w[this.iTail]) {
      const r = (Atomics as any).waitAsync(w, this.iHead, head, timeoutMs);
      if (r.async) await r.value;
    }
    Atomics.store(w, this.iWaiting, 0);
    return this.readable(1 << 30);
  }

  /** Published but not yet released; a snapshot that either side may change at once. */
  get size(): number {
    return (Atomics.load(this.w, this.iHead) - Atomics.load(this.w, this.iTail)) >>> 0;
  }
}
