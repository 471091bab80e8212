// The hand-placed shared region [0, RESERVED_BYTES) (docs/design.md §2): header, ring table, health counters, per-thread
// scratch slots and the rings. Versioned: Core.formatted is false on a memory laid out by another version.
// The numbers mirror assembly/layout.ts and assembly/ring.ts; test/core/layout.test.ts holds them to the core.

import { REC_SHIFT, SIG_SHIFT } from './record';

export const RESERVED_BYTES = 32 * 1024 * 1024; // = asconfig memoryBase = assembly/layout.ts RESERVED_BYTES
export const PAGE = 65536;
export const DEFAULT_PAGES = 1024; // 64 MiB: 32 MiB hand-placed + 32 MiB for the engine's books
export const MAX_PAGES = 16384; // the module's declared maximum (1 GiB)

export const MAGIC = 0x4b425252; // "RRBK"
export const LAYOUT_VERSION = 2;

export const H = { magic: 0, version: 4, reserved: 8, pages: 12 } as const;
export const RING_TABLE = 256; // 8 entries × 32 bytes: offset, capLog2, recShift, in use
export const COUNTERS = 4096; // 64 counters, one 64-byte line each (no false sharing between writers)
export const COUNTER_COUNT = 64;
export const CONTROL = 8192; // 64 instruments × one 64-byte line: resync requests from the engine to the feed
export const CONTROL_COUNT = 64;
export const CONTROL_LINE = 64;
export const SCRATCH = 65536; // 16 slots × 256 KiB, one per instance that needs one (frames, staging, strings)
export const SCRATCH_SLOT = 262144;
export const SCRATCH_SLOTS = 16;
/** Within a slot: [0, SCRATCH_TEXT) belongs to the frame decoder; [SCRATCH_TEXT, slot end) to tools (strings). */
export const SCRATCH_TEXT = 196608;
export const RINGS = 8 * 1024 * 1024;

export interface RingSpec {
  readonly name: RingName;
  readonly capLog2: number;
  readonly recShift: number;
}
export type RingName = 'market' | 'signal' | 'capture' | 'order';

/** The rings of a live session, in table order. Sizes: market 4 MiB, signal 4 MiB, capture 8 MiB, order 256 KiB. */
export const RING_SPECS: readonly RingSpec[] = [
  { name: 'market', capLog2: 16, recShift: REC_SHIFT },
  { name: 'signal', capLog2: 14, recShift: SIG_SHIFT },
  { name: 'capture', capLog2: 17, recShift: REC_SHIFT },
  { name: 'order', capLog2: 12, recShift: REC_SHIFT },
];

/** A ring's header (assembly/ring.ts): indices on lines of their own, then the fields fixed by ringInit. */
export const RH = {
  head: 0,
  cachedTail: 8,
  tail: 64,
  cachedHead: 72,
  waiting: 128,
  magic: 192,
  capacity: 196,
  mask: 200,
  recShift: 204,
} as const;
export const RING_HEADER = 256;

export function ringBytes(spec: RingSpec): number {
  return RING_HEADER + 2 ** spec.capLog2 * 2 ** spec.recShift;
}

/** Byte offset of each ring, packed from RINGS on, 4 KiB aligned. */
export function ringOffsets(specs: readonly RingSpec[] = RING_SPECS): Record<RingName, number> {
  const out = {} as Record<RingName, number>;
  let at = RINGS;
  for (const s of specs) {
    out[s.name] = at;
    at += Math.ceil(ringBytes(s) / 4096) * 4096;
  }
  if (at > RESERVED_BYTES) throw new Error(`ring layout needs ${at} bytes, more than the ${RESERVED_BYTES} reserved`);
  return out;
}

export function counterOffset(i: number): number {
  if (!(i >= 0 && i < COUNTER_COUNT)) throw new RangeError(`counter ${i} outside 0..${COUNTER_COUNT - 1}`);
  return COUNTERS + i * 64;
}

/** The control line of instrument `i`: +0 resync requests (u32, engine increments), +4 requests handled (feed). */
export function controlOffset(i: number): number {
  if (!(i >= 0 && i < CONTROL_COUNT)) throw new RangeError(`instrument ${i} outside 0..${CONTROL_COUNT - 1}`);
  return CONTROL + i * CONTROL_LINE;
}

export function scratchOffset(slot: number): number {
  if (!(slot >= 0 && slot < SCRATCH_SLOTS)) throw new RangeError(`scratch slot ${slot} outside 0..${SCRATCH_SLOTS - 1}`);
  return SCRATCH + slot * SCRATCH_SLOT;
}
