// A typed handle on one SPSC ring in the shared memory (the mechanics live in assembly/ring.ts). Each thread makes
// its own handle over the same offset; a handle is either the producer's or the consumer's, never both.
//
// Zero-copy use: the producer asks `writable(n)`, fills slots at `slot(head + i)` through the Core's typed views,
// then `publish(k)`; the consumer asks `readable(n)`, reads `slot(tail + i)`, then `release(k)`.

import type { Core } from './loader';
import { RH, RING_HEADER } from './layout';

export class Ring {
  readonly capacity: number;
  readonly recordSize: number;

  constructor(
    readonly core: Core,
    readonly base: number,
  ) {
    this.capacity = core.x.ringCapacity(base);
    this.recordSize = core.x.ringRecordSize(base);
    if (this.capacity === 0) throw new Error(`no ring at offset ${base}: the memory is not formatted`);
  }

  /** Byte offset of the slot for free-running index `index`. */
  slot(index: number): number {
    return this.base + RING_HEADER + (index & (this.capacity - 1)) * this.recordSize;
  }

  // producer
  /** Producer's next index. */
  get head(): number {
    return this.core.x.ringHead(this.base) >>> 0;
  }
  /** Producer: slots free now, at most `want`; may be low (the consumer can free more at any moment), never high. */
  writable(want: number): number {
    return this.core.x.ringWritable(this.base, want);
  }
  /** Producer: makes the next `n` filled slots visible, with one index store. */
  publish(n: number): void {
    this.core.x.ringPublish(this.base, n);
  }
  /** Producer: copies `n` records from byte offset `src`; returns how many fitted (a full ring never overwrites). */
  pushFrom(src: number, n: number): number {
    return this.core.x.ringPushBatch(this.base, src, n);
  }

  // consumer
  /** Consumer's next index. */
  get tail(): number {
    return this.core.x.ringTail(this.base) >>> 0;
  }
  /** Consumer: records ready now, at most `want`; may be low (the producer can publish more), never high. */
  readable(want: number): number {
    return this.core.x.ringReadable(this.base, want);
  }
  /** Consumer: frees the `n` oldest records. */
  release(n: number): void {
    this.core.x.ringRelease(this.base, n);
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
    const w = this.core.words;
    const headIdx = (this.base + RH.head) >> 2;
    Atomics.store(w, (this.base + RH.waiting) >> 2, 1);
    const head = Atomics.load(w, headIdx);
    if (head === (this.tail | 0)) {
      const r = (Atomics as any).waitAsync(w, headIdx, head, timeoutMs);
      if (r.async) await r.value;
    }
    Atomics.store(w, (this.base + RH.waiting) >> 2, 0);
    return this.readable(1 << 30);
  }

  /** Published but not yet released; a snapshot that either side may change at once. */
  get size(): number {
    return this.core.x.ringSize(this.base) >>> 0;
  }
}
