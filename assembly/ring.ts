// WHEN TO USE: one producer thread hands fixed-size records to one consumer thread through the shared memory
// (feed → engine, engine → strategy, feed → recorder). Not for several producers or several consumers.
//
// Layout at `ring` (64-byte aligned, placed by src/core/layout.ts):
//   +0   head        u32  written by the producer only (free-running index of the next slot to publish)
//   +8   cachedTail  u32  the producer's last view of `tail`
//   +64  tail        u32  written by the consumer only
//   +72  cachedHead  u32  the consumer's last view of `head`
//   +128 waiting     u32  consumer is (about to be) asleep in atomic.wait on `head`
//   +192 magic, capacity, mask, recShift (read-only after ringInit)
//   +256 slots: capacity << recShift bytes
// Each side caches the other's index and re-reads it only when its cached value says full/empty (rigtorp), and
// the producer publishes a whole batch with one store. The TypeScript handle keeps its own caches (src/core/ring.ts),
// so a side's cache here may fall behind its own index when the handle moved it: a count beyond the capacity is
// such a stale view, and is re-read like a full or empty one. The handle's consumer also holds back small releases
// while it has records left to read (it stores tail by the batch; its flush() before any of these functions). Wasm atomics are sequentially consistent: slots are
// written before the index store that publishes them, and read after the index load that reveals them.
// A full ring never overwrites: the producer is told how much fits and the caller decides what to do.

import { copyBytes } from "./move";

// The header's fields, exported because TypeScript reads `head` and sets `waiting` too (src/core/ring.ts waitAsync).
export const RH_HEAD: usize = 0;
export const RH_CACHED_TAIL: usize = 8;
export const RH_TAIL: usize = 64;
export const RH_CACHED_HEAD: usize = 72;
export const RH_WAITING: usize = 128;
export const RH_MAGIC: usize = 192;
export const RH_CAPACITY: usize = 196;
export const RH_MASK: usize = 200;
export const RH_REC_SHIFT: usize = 204;
export const RING_HEADER: usize = 256;
export const RING_MAGIC: u32 = 0x474e4952; // "RING"

/** Bytes a ring of 2^capLog2 records of 2^recShift bytes occupies. */
export function ringBytes(capLog2: u32, recShift: u32): usize {
  return RING_HEADER + ((<usize>1 << capLog2) << recShift);
}

/** Formats a ring. Call once, before either side starts. */
export function ringInit(ring: usize, capLog2: u32, recShift: u32): void {
  memory.fill(ring, 0, RING_HEADER);
  store<u32>(ring + RH_CAPACITY, 1 << capLog2);
  store<u32>(ring + RH_MASK, (1 << capLog2) - 1);
  store<u32>(ring + RH_REC_SHIFT, recShift);
  atomic.store<u32>(ring + RH_MAGIC, RING_MAGIC);
}

export function ringCapacity(ring: usize): u32 {
  return load<u32>(ring + RH_CAPACITY);
}

export function ringRecordSize(ring: usize): u32 {
  return 1 << load<u32>(ring + RH_REC_SHIFT);
}

// @ts-ignore: decorator
@inline export function ringSlot(ring: usize, index: u32): usize {
  return ring + RING_HEADER + (<usize>(index & load<u32>(ring + RH_MASK)) << load<u32>(ring + RH_REC_SHIFT));
}

// ---- producer side -------------------------------------------------------------------------------------------

/** Producer: index of the next slot to write (its address is ringSlot(ring, ringHead(ring) + i)). */
// @ts-ignore: decorator
@inline export function ringHead(ring: usize): u32 {
  return load<u32>(ring + RH_HEAD);
}

/**
 * Producer: how many slots (at most `want`) can be written now. Re-reads the consumer's tail only when the cached
 * copy says fewer than `want` are free, so the answer can be low (never high): the consumer may have freed more.
 */
export function ringWritable(ring: usize, want: u32): u32 {
  const head = load<u32>(ring + RH_HEAD);
  const cap = load<u32>(ring + RH_CAPACITY);
  let free = cap - (head - load<u32>(ring + RH_CACHED_TAIL));
  if (free < want || free > cap) {
    const tail = atomic.load<u32>(ring + RH_TAIL);
    store<u32>(ring + RH_CACHED_TAIL, tail);
    free = cap - (head - tail);
  }
  return free < want ? free : want;
}

/** Producer: makes the next `n` written slots visible to the consumer with one index store; wakes a sleeper. */
export function ringPublish(ring: usize, n: u32): void {
  atomic.store<u32>(ring + RH_HEAD, load<u32>(ring + RH_HEAD) + n);
  if (atomic.load<u32>(ring + RH_WAITING) != 0) atomic.notify(ring + RH_HEAD, 1);
}

/** Producer: copies up to `n` records from `src` (contiguous) and publishes them at once; returns how many fit. */
export function ringPushBatch(ring: usize, src: usize, n: u32): u32 {
  const k = ringWritable(ring, n);
  if (k == 0) return 0;
  const shift = load<u32>(ring + RH_REC_SHIFT);
  const cap = load<u32>(ring + RH_CAPACITY);
  const first = load<u32>(ring + RH_HEAD) & (cap - 1);
  const run = min<u32>(k, cap - first); // up to the end of the slot array, then wrap
  copyBytes(ring + RING_HEADER + (<usize>first << shift), src, <usize>run << shift);
  if (run < k) copyBytes(ring + RING_HEADER, src + (<usize>run << shift), <usize>(k - run) << shift);
  ringPublish(ring, k);
  return k;
}

/** Producer: one record; returns false when the ring is full. */
export function ringPush(ring: usize, src: usize): bool {
  return ringPushBatch(ring, src, 1) == 1;
}

// ---- consumer side -------------------------------------------------------------------------------------------

/** Consumer: index of the oldest unread slot. */
// @ts-ignore: decorator
@inline export function ringTail(ring: usize): u32 {
  return load<u32>(ring + RH_TAIL);
}

/**
 * Consumer: how many records (at most `want`) can be read now. Re-reads the producer's head only when the cached
 * copy shows fewer than `want`, so it can be low (never high): the producer may have published more since.
 */
export function ringReadable(ring: usize, want: u32): u32 {
  const tail = load<u32>(ring + RH_TAIL);
  let avail = load<u32>(ring + RH_CACHED_HEAD) - tail;
  if (avail < want || avail > load<u32>(ring + RH_CAPACITY)) {
    const head = atomic.load<u32>(ring + RH_HEAD);
    store<u32>(ring + RH_CACHED_HEAD, head);
    avail = head - tail;
  }
  return avail < want ? avail : want;
}

/** Consumer: frees the `n` oldest records for the producer. */
export function ringRelease(ring: usize, n: u32): void {
  atomic.store<u32>(ring + RH_TAIL, load<u32>(ring + RH_TAIL) + n);
}

/** Consumer: copies up to `n` records to `dst` and frees them; returns how many were read. */
export function ringPopBatch(ring: usize, dst: usize, n: u32): u32 {
  const k = ringReadable(ring, n);
  if (k == 0) return 0;
  const shift = load<u32>(ring + RH_REC_SHIFT);
  const cap = load<u32>(ring + RH_CAPACITY);
  const first = load<u32>(ring + RH_TAIL) & (cap - 1);
  const run = min<u32>(k, cap - first);
  copyBytes(dst, ring + RING_HEADER + (<usize>first << shift), <usize>run << shift);
  if (run < k) copyBytes(dst + (<usize>run << shift), ring + RING_HEADER, <usize>(k - run) << shift);
  ringRelease(ring, k);
  return k;
}

/** Consumer: one record; returns false when the ring is empty. */
export function ringPop(ring: usize, dst: usize): bool {
  return ringPopBatch(ring, dst, 1) == 1;
}

/**
 * Consumer: waits until at least one record is readable. Spins `spins` times first (waking a sleeping thread costs
 * ~20 µs on a VM), then sleeps on `head` for up to `timeoutNs` (-1 = forever). Returns the readable count, 0 on
 * timeout. Never call it on a browser main thread: atomic.wait traps there.
 */
export function ringWait(ring: usize, spins: i32, timeoutNs: i64): u32 {
  const tail = load<u32>(ring + RH_TAIL);
  for (let i = 0; i < spins; i++) {
    const head = atomic.load<u32>(ring + RH_HEAD);
    if (head != tail) {
      store<u32>(ring + RH_CACHED_HEAD, head);
      return head - tail;
    }
  }
  // Dekker-style handshake with ringPublish: announce the sleep, then re-check, then sleep only on that value.
  atomic.store<u32>(ring + RH_WAITING, 1);
  const head = atomic.load<u32>(ring + RH_HEAD);
  if (head == tail) atomic.wait<i32>(ring + RH_HEAD, <i32>head, timeoutNs);
  atomic.store<u32>(ring + RH_WAITING, 0);
  const now = atomic.load<u32>(ring + RH_HEAD);
  store<u32>(ring + RH_CACHED_HEAD, now);
  return now - tail;
}

/**
 * The other side's index, loaded atomically (sequentially consistent, as every index load here): the TypeScript
 * handle refreshes its private sight of it through these, because a call into the core costs a JavaScript thread
 * less than Atomics.load does (src/core/ring.ts says what was measured).
 */
export function ringLoadHead(ring: usize): u32 {
  return atomic.load<u32>(ring + RH_HEAD);
}
export function ringLoadTail(ring: usize): u32 {
  return atomic.load<u32>(ring + RH_TAIL);
}

/** Either side: records published and not yet released. A snapshot: both indices may move right after. */
export function ringSize(ring: usize): u32 {
  return atomic.load<u32>(ring + RH_HEAD) - atomic.load<u32>(ring + RH_TAIL);
}
