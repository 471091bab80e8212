// A typed handle on one SPSC ring in the shared memory (the protocol is assembly/ring.ts's). Each thread makes its
// own handle over the same offset; a handle is either the producer's or the consumer's, never both.
//
// Zero-copy use: the producer asks `writable(n)`, fills the records at `head + i` (through `f64`/`i32` and
// `f64At`/`i32At`, or at the byte offset `slot(head + i)` through the Core's views), then `publish(k)`; the consumer
// asks `readable(n)`, reads the records at `tail + i`, then `release(k)`.
//
// Where each step runs, from what was measured on Node 20 (bench ring, and per-call timings): the index arithmetic
// and the plain loads of a side's own index run here in JavaScript, with the ring's constants cached in the handle.
// Every atomic step (publish, release, the refresh of the other side's index) is one call into the core: V8 does not
// inline Atomics.load/store (each is a builtin call, ~8 ns), while a call into wasm from an optimised call site that
// has seen one target costs ~4 ns with its atomic operations inside. Those steps are the core's own functions, so the
// handle keeps to its protocol exactly (the same header words, the same announce-then-check wake-up) and can be
// mixed with the core's own ring calls (pushFrom, popTo, wait, engine.drain) on the same side. Indices are
// free-running u32; differences are taken `| 0`, exact while fewer than 2^31 records are in flight.
//
// The consumer's release is batched (MCRingBuffer's lazy update of the control variables, Lee, Bu and Chandranmenon,
// IPDPS 2010): while records it has already seen published remain, a small release only counts here, and the tail
// index is stored once RELEASE_BATCH records are held back or the consumer has caught up. Each store of `tail`
// takes its cache line from the producer's core when the producer is waiting for room; one store per record made
// that line the bottleneck of a producer that runs ahead (bench ring, batch 1 across threads: 20 M records/s with a
// store per record, 32 M with this). What is held back is less than RELEASE_BATCH slots (a quarter of a small ring), only while the
// consumer has more to read, and every call that hands the index to the core (popTo, wait, waitAsync,
// engine.drain) stores it first; records are never made visible later by it (that is the producer's publish).

import type { Core } from './loader';
import type { CoreExports } from './exports';
import { RH, RING_HEADER } from './layout';

type IndexCalls = Pick<CoreExports, 'ringPublish' | 'ringRelease' | 'ringLoadHead' | 'ringLoadTail'>;

/**
 * One set of the core's index functions per memory in this thread. Each instance of the core exports functions of its
 * own, and a call site that has seen several targets is no longer inlined (measured: 14 ns a release through a call
 * site that had seen three instances, 5 ns through one). Every instance over one memory does the same to the same
 * bytes, so the first instance's functions serve every handle over that memory.
 */
const callsByMemory = new WeakMap<WebAssembly.Memory, IndexCalls>();
function indexCalls(core: Core): IndexCalls {
  let calls = callsByMemory.get(core.memory);
  if (!calls) callsByMemory.set(core.memory, (calls = core.x));
  return calls;
}

/** Consumer: release() stores the tail index once this many records are held back (at once when caught up; less on a ring of fewer than 128 slots). */
export const RELEASE_BATCH = 32;

export class Ring {
  readonly capacity: number;
  readonly recordSize: number;
  /** Index → slot number: `index & mask`. */
  readonly mask: number;
  /** The slots as float64s (records of 8 bytes or more): a record's first element is at `f64At(index)`. */
  readonly f64: Float64Array;
  /** The slots as int32s: a record's first element is at `i32At(index)`. */
  readonly i32: Int32Array;
  private readonly shift: number;
  private readonly shift64: number;
  private readonly shift32: number;
  private readonly slots: number;
  private readonly w: Int32Array;
  private readonly calls: IndexCalls;
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
  /** Consumer: records released here whose index store is held back (see release). */
  private unreleased = 0;
  /** RELEASE_BATCH, or a quarter of a small ring: a producer waiting for room never waits for most of it. */
  private readonly releaseBatch: number;

  constructor(
    readonly core: Core,
    readonly base: number,
  ) {
    this.capacity = core.x.ringCapacity(base);
    this.recordSize = core.x.ringRecordSize(base);
    if (this.capacity === 0) throw new Error(`no ring at offset ${base}: the memory is not formatted`);
    this.mask = this.capacity - 1;
    this.releaseBatch = Math.max(1, Math.min(RELEASE_BATCH, this.capacity >> 2));
    this.shift = Math.log2(this.recordSize);
    this.shift64 = Math.max(0, this.shift - 3);
    this.shift32 = Math.max(0, this.shift - 2);
    this.slots = base + RING_HEADER;
    const buffer = core.memory.buffer as unknown as ArrayBuffer;
    this.f64 = new Float64Array(buffer, this.slots, (this.capacity * this.recordSize) >> 3);
    this.i32 = new Int32Array(buffer, this.slots, (this.capacity * this.recordSize) >> 2);
    this.w = core.words;
    this.calls = indexCalls(core);
    this.iHead = (base + RH.head) >> 2;
    this.iTail = (base + RH.tail) >> 2;
    this.iWaiting = (base + RH.waiting) >> 2;
    this.seenTail = this.calls.ringLoadTail(base);
    this.seenHead = this.calls.ringLoadHead(base);
  }

  /** Byte offset of the slot for free-running index `index`. */
  slot(index: number): number {
    return this.slots + ((index & this.mask) << this.shift);
  }
  /** Element of `f64` where the record at free-running index `index` starts. */
  f64At(index: number): number {
    return (index & this.mask) << this.shift64;
  }
  /** Element of `i32` where the record at free-running index `index` starts. */
  i32At(index: number): number {
    return (index & this.mask) << this.shift32;
  }

  // producer
  /** Producer's next index. */
  get head(): number {
    return this.w[this.iHead] >>> 0;
  }
  /** Producer: slots free now, at most `want`; may be low (the consumer can free more at any moment), never high. */
  writable(want: number): number {
    const head = this.w[this.iHead];
    let free = this.capacity - ((head - this.seenTail) | 0);
    if (free < want || free > this.capacity) {
      const tail = this.calls.ringLoadTail(this.base);
      this.seenTail = tail;
      free = this.capacity - ((head - tail) | 0);
    }
    return free < want ? free : want;
  }
  /** Producer: makes the next `n` filled slots visible, with one index store; wakes a consumer asleep in wait(). */
  publish(n: number): void {
    this.calls.ringPublish(this.base, n);
  }
  /** Producer: copies `n` records from byte offset `src`; returns how many fitted (a full ring never overwrites). */
  pushFrom(src: number, n: number): number {
    return this.core.x.ringPushBatch(this.base, src, n);
  }

  // consumer
  /** Consumer's next index. */
  get tail(): number {
    return (this.w[this.iTail] + this.unreleased) >>> 0;
  }
  /** Consumer: records ready now, at most `want`; may be low (the producer can publish more), never high. */
  readable(want: number): number {
    const tail = (this.w[this.iTail] + this.unreleased) | 0;
    let avail = (this.seenHead - tail) | 0;
    if (avail < want) {
      const head = this.calls.ringLoadHead(this.base);
      this.seenHead = head;
      avail = (head - tail) | 0;
    }
    return avail < want ? avail : want;
  }
  /**
   * Consumer: frees the `n` oldest records. The index store waits while fewer than RELEASE_BATCH are held back and
   * records already seen published remain to be read (see the top of this file); a consumer that caught up stores it.
   */
  release(n: number): void {
    const k = this.unreleased + n;
    if (k >= this.releaseBatch || ((this.seenHead - this.w[this.iTail] - k) | 0) <= 0) {
      this.unreleased = 0;
      this.calls.ringRelease(this.base, k);
    } else this.unreleased = k;
  }
  /** Consumer: stores a held-back release now (every call that hands the ring to the core does it first). */
  flush(): void {
    if (this.unreleased === 0) return;
    const k = this.unreleased;
    this.unreleased = 0;
    this.calls.ringRelease(this.base, k);
  }
  /** Consumer: copies up to `n` records to byte offset `dst` and frees them; returns how many. */
  popTo(dst: number, n: number): number {
    this.flush();
    return this.core.x.ringPopBatch(this.base, dst, n);
  }
  /** Consumer: spins `spins` times, then sleeps up to `timeoutMs` (not on a browser main thread); returns readable. */
  wait(spins = 2000, timeoutMs = 100): number {
    this.flush();
    return this.core.x.ringWait(this.base, spins, BigInt(Math.round(timeoutMs * 1e6)));
  }

  /**
   * Consumer, for threads that must not block (a browser page, Node's main thread): resolves once records are
   * readable or after `timeoutMs`, with the readable count. Uses the same announce-then-check handshake as wait().
   */
  async waitAsync(timeoutMs = 100): Promise<number> {
    this.flush();
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
    return (Atomics.load(this.w, this.iHead) - Atomics.load(this.w, this.iTail) - this.unreleased) >>> 0;
  }
}
