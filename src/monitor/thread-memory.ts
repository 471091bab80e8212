// What a thread's own V8 isolate holds (its heap and the ArrayBuffers it keeps alive outside it): the process's
// resident memory is shared by every thread, so a slow leak can only be traced to one this way.
import { getHeapStatistics } from 'node:v8';

export interface ThreadMemory {
  heapUsed: number;
  heapTotal: number;
  external: number;
}

export function threadMemory(): ThreadMemory {
  const h = getHeapStatistics();
  return { heapUsed: h.used_heap_size, heapTotal: h.total_heap_size, external: h.external_memory };
}
