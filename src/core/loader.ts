// Loads core.wasm once, creates or attaches to the shared memory, and instantiates the core on any thread:
// Node main thread, worker_threads, the browser's page or its Web Workers. Compile once and post the
// WebAssembly.Module with the WebAssembly.Memory to workers; every thread then runs identical code.

import type { CoreExports } from './exports';
import {
  DEFAULT_PAGES,
  MAX_PAGES,
  MAGIC,
  LAYOUT_VERSION,
  H,
  RESERVED_BYTES,
  RING_TABLE,
  RING_SPECS,
  ringOffsets,
  scratchOffset,
  SCRATCH_TEXT,
  type RingName,
  type RingSpec,
} from './layout';

export type WasmSource = BufferSource | URL | string;

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/** Compiles core.wasm: from bytes, or from a URL/path (streaming in the browser), or from next to this bundle. */
export async function compileCore(source?: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source);
  if (isNode) {
    const { readFile } = await import('node:fs/promises');
    const candidates = source ? [source] : ['./', '../', '../../', '../../../'].map((d) => new URL(`${d}core.wasm`, import.meta.url));
    let lastError: unknown;
    for (const c of candidates) {
      try {
        return await WebAssembly.compile(await readFile(c as URL | string));
      } catch (err) {
        lastError = err;
      }
    }
    throw new Error(`cannot load core.wasm (run \`npm run build\` first): ${String(lastError)}`);
  }
  const url = source ?? new URL('./core.wasm', import.meta.url);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot fetch core.wasm from ${String(url)}: HTTP ${response.status}`);
  if (typeof WebAssembly.compileStreaming === 'function' && response.headers.get('content-type') === 'application/wasm') {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

/** A shared, never-growing memory (initial = maximum), so typed-array views stay valid for its whole life. */
export function createMemory(pages = DEFAULT_PAGES): WebAssembly.Memory {
  if (!(pages * 65536 > RESERVED_BYTES && pages <= MAX_PAGES)) {
    throw new RangeError(`memory of ${pages} pages: need more than ${RESERVED_BYTES / 65536} and at most ${MAX_PAGES}`);
  }
  return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
}

export interface InstantiateOptions {
  /** Scratch slot (0..15) this instance may use for strings and staging; each concurrent instance needs its own. */
  slot?: number;
}

/** One instance of the core over a shared memory, with typed-array views of the whole memory. */
export class Core {
  readonly bytes: Uint8Array;
  readonly words: Int32Array;
  readonly f64: Float64Array;
  /** 8-byte aligned int64 fields as bigints (one allocation per read, where readI64Big needs several). */
  readonly i64: BigInt64Array;
  /** This instance's scratch slot: the frame decoder's area (see layout.ts). */
  readonly scratch: number;
  /** The tools' part of the slot (64 KiB): decimal strings to parse, book check strings printed back. */
  readonly text: number;

  constructor(
    readonly module: WebAssembly.Module,
    readonly memory: WebAssembly.Memory,
    readonly x: CoreExports,
    slot: number,
  ) {
    const buffer = memory.buffer as unknown as ArrayBuffer;
    this.bytes = new Uint8Array(buffer);
    this.words = new Int32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.i64 = new BigInt64Array(buffer);
    this.scratch = scratchOffset(slot);
    this.text = this.scratch + SCRATCH_TEXT;
  }

  /** True once formatMemory() (on any thread) has laid out this memory with this layout version. */
  get formatted(): boolean {
    return this.words[H.magic >> 2] === MAGIC && this.words[H.version >> 2] === LAYOUT_VERSION;
  }

  /** Byte offset of a ring of the live layout; throws if the memory is not formatted. */
  ringOffset(name: RingName): number {
    if (!this.formatted) throw new Error('shared memory is not formatted: call formatMemory() on the main thread first');
    return ringOffsets()[name];
  }
}

function abortHandler(memory: WebAssembly.Memory) {
  return (msg: number, file: number, line: number, col: number): never => {
    const text = (ptr: number) => {
      if (!ptr) return '?';
      const u16 = new Uint16Array(memory.buffer as unknown as ArrayBuffer);
      const len = new Uint32Array(memory.buffer as unknown as ArrayBuffer)[(ptr - 4) >>> 2] >>> 1;
      let s = '';
      for (let i = 0; i < len; i++) s += String.fromCharCode(u16[(ptr >>> 1) + i]);
      return s;
    };
    throw new Error(`core.wasm aborted: ${text(msg)} at ${text(file)}:${line}:${col}`);
  };
}

export async function instantiateCore(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  opts: InstantiateOptions = {},
): Promise<Core> {
  const instance = await WebAssembly.instantiate(module, { env: { memory, abort: abortHandler(memory) } });
  const x = instance.exports as unknown as CoreExports;
  x._initialize();
  if (x.reservedBytes() !== RESERVED_BYTES) {
    throw new Error(`core.wasm reserves ${x.reservedBytes()} bytes but the loader expects ${RESERVED_BYTES}: rebuild`);
  }
  return new Core(module, memory, x, opts.slot ?? 0);
}

/** Lays out the hand-placed region: header and every ring of RING_SPECS. Call once, before any worker attaches. */
export function formatMemory(core: Core, specs: readonly RingSpec[] = RING_SPECS): void {
  const offsets = ringOffsets(specs);
  specs.forEach((s, i) => {
    core.x.ringInit(offsets[s.name], s.capLog2, s.recShift);
    const e = (RING_TABLE + i * 32) >> 2;
    core.words[e] = offsets[s.name];
    core.words[e + 1] = s.capLog2;
    core.words[e + 2] = s.recShift;
    core.words[e + 3] = 1;
  });
  core.words[H.reserved >> 2] = RESERVED_BYTES;
  core.words[H.pages >> 2] = core.memory.buffer.byteLength / 65536;
  core.words[H.version >> 2] = LAYOUT_VERSION;
  Atomics.store(core.words, H.magic >> 2, MAGIC); // last: attaching threads check it
}

export interface LoadedCore {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  core: Core;
}

/** Main-thread convenience: compile, create the memory, instantiate (slot 0) and format. */
export async function loadCore(opts: { source?: WasmSource; pages?: number } = {}): Promise<LoadedCore> {
  const module = await compileCore(opts.source);
  const memory = createMemory(opts.pages);
  const core = await instantiateCore(module, memory, { slot: 0 });
  formatMemory(core);
  return { module, memory, core };
}
