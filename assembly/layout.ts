// The hand-placed part of the shared memory. Bytes [0, RESERVED_BYTES) belong to the header, the rings and the
// per-thread scratch slots laid out by src/core/layout.ts; AssemblyScript's static data and the engine's heap
// start at RESERVED_BYTES, which must equal asconfig.json's `memoryBase`.
export const RESERVED_BYTES: u32 = 33554432; // 32 MiB

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
