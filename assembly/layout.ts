// The hand-placed part of the shared memory, [0, RESERVED_BYTES): header, ring table, health counters, control
// lines, per-thread scratch slots and the rings. Its numbers live here, exported for src/core/layout.ts to mirror
// (test/core/layout.test.ts holds the two together), which places the rings and formats the header. The core
// itself writes only the control lines. AssemblyScript's static data and the engine's heap start at
// RESERVED_BYTES, which must equal asconfig.json's `memoryBase`.
export const RESERVED_BYTES: u32 = 33554432; // 32 MiB

export const MAGIC: u32 = 0x4b425252; // "RRBK"; with LAYOUT_VERSION, tells a thread the memory is laid out as it expects
export const LAYOUT_VERSION: u32 = 2;
export const H_MAGIC: usize = 0;     // u32, written last by formatMemory
export const H_VERSION: usize = 4;   // u32
export const H_RESERVED: usize = 8;  // u32 RESERVED_BYTES
export const H_PAGES: usize = 12;    // u32 memory pages
export const RING_TABLE: usize = 256; // 8 entries × 32 bytes: offset, capLog2, recShift, in use
export const COUNTERS: usize = 4096;  // COUNTER_COUNT counters, one 64-byte line each (no false sharing between writers)
export const COUNTER_COUNT: i32 = 64;
export const CONTROL: usize = 8192;   // one line per instrument: resync requests from the engine to the feed
export const CONTROL_COUNT: i32 = 64;
export const CONTROL_LINE: usize = 64; // +0 resync requests (u32, the engine increments), +4 requests handled (feed)
export const SCRATCH: usize = 65536;  // SCRATCH_SLOTS slots, one per instance that needs one (frames, staging, strings)
export const SCRATCH_SLOT: usize = 262144;
export const SCRATCH_SLOTS: i32 = 16;
export const SCRATCH_TEXT: usize = 196608; // within a slot: the frame decoder's part ends here, the tools' begins
export const RINGS: usize = 8388608;  // 8 MiB: the rings, packed from here, 4 KiB aligned

export function reservedBytes(): u32 {
  return RESERVED_BYTES;
}

/** First byte past the module's static data: where the engine's start-up allocations begin. */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * Start-up only, engine instance only: `bytes` of zeroed memory from the engine's heap, 64-byte aligned (staging
 * buffers, tables). Nothing is ever freed: the heap is laid out once.
 */
export function coreAlloc(bytes: usize): usize {
  const p = (heap.alloc(bytes + 64) + 63) & ~<usize>63;
  memory.fill(p, 0, bytes);
  return p;
}
