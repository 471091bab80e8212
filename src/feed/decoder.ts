// Bitget frames → records through the core's byte-level decoder (assembly/frame.ts). The frame is copied once into
// this thread's scratch slot; level and trade records are written straight into the market ring's unpublished
// slots. Strings are made only for the few routing fields (channel, instId) and for event frames.

import type { Core } from '../core/index';
import { writeI64Big } from '../core/int64';
import { SCRATCH_TEXT } from '../core/layout';

// The core's numbers (assembly/frame.ts), mirrored; test/core/layout.test.ts holds them to the core's exports.
export const FrameKind = { malformed: 0, pong: 1, event: 2, push: 3, unknown: 4 } as const;

/** frameBooks / frameTrades errors (negative results). */
export const FrameError = { syntax: -1, ringFull: -2, price: -3, size: -4, shape: -5, number: -6 } as const;

export const DecodeError: Record<number, string> = {
  [FrameError.syntax]: 'JSON syntax error in data',
  [FrameError.ringFull]: 'market ring full',
  [FrameError.price]: 'price not on the instrument grid or not a plain decimal',
  [FrameError.size]: 'size not on the instrument grid or not a plain decimal',
  [FrameError.shape]: 'unexpected shape (data must hold one book object of [price, size] levels)',
  [FrameError.number]: 'seq, pseq, checksum or ts is not an integer in range',
};

/** The decoder's out struct: what frameScan found (spans are i32 offset, i32 length from the frame's start). */
export const O = {
  kind: 0,
  action: 4,
  instType: 8,
  channel: 16,
  instId: 24,
  event: 32,
  msg: 40,
  op: 48,
  data: 56,
  pushTs: 64,
  code: 72,
  localTs: 80,
  exchTs: 88,
  seq: 96,
  pseq: 104,
  checksum: 112,
  has: 116,
  errPos: 120,
  decCode: 124,
  levels: 128,
  dupes: 132,
  len: 136,
  dataOpen: 140,
  v3: 144,
  temp: 192,
} as const;
export const Has = { seq: 1, pseq: 2, checksum: 4, ts: 8 } as const;
/** An instrument's decoding config: its index and grid. */
export const C = { inst: 0, priceScale: 4, priceStep: 8, sizeScale: 16, sizeStep: 24, lastTradeId: 32 } as const;
export const OUT_BYTES = 256;
export const CFG_BYTES = 64;
const MAX_INSTRUMENTS = 64;
const FRAME_AT = OUT_BYTES + MAX_INSTRUMENTS * CFG_BYTES; // 4352

export interface DecodeInstrument {
  inst: number;
  priceScale: number;
  priceStep: bigint;
  sizeScale: number;
  sizeStep: bigint;
}

export class FrameDecoder {
  private readonly out: number;
  private readonly frame: number;
  readonly maxFrameBytes: number;
  private readonly utf8 = new TextDecoder();
  private readonly interned = new Map<number, string>();

  /** Uses the decoder's part of this thread's scratch slot: up to SCRATCH_TEXT bytes (frames up to ~188 KiB). */
  constructor(readonly core: Core) {
    this.out = core.scratch;
    this.frame = core.scratch + FRAME_AT;
    this.maxFrameBytes = SCRATCH_TEXT - FRAME_AT;
  }

  /** Start-up: the grid of instrument `i` (its index in the engine), used to turn strings into ticks and lots. */
  configure(i: DecodeInstrument): void {
    if (!(i.inst >= 0 && i.inst < MAX_INSTRUMENTS)) throw new RangeError(`instrument index ${i.inst} outside 0..${MAX_INSTRUMENTS - 1}`);
    const at = this.cfg(i.inst);
    const w = this.core.words;
    this.core.bytes.fill(0, at, at + CFG_BYTES);
    w[(at + C.inst) >> 2] = i.inst;
    w[(at + C.priceScale) >> 2] = i.priceScale;
    writeI64Big(w, at + C.priceStep, i.priceStep);
    w[(at + C.sizeScale) >> 2] = i.sizeScale;
    writeI64Big(w, at + C.sizeStep, i.sizeStep);
  }

  private cfg(inst: number): number {
    return this.out + OUT_BYTES + inst * CFG_BYTES;
  }

  /**
   * Copies the frame in and classifies it. `localHi`/`localLo` are the receive time (ns) as two 32-bit halves, so
   * the hot path needs no BigInt. Returns a FrameKind; frames larger than the scratch slot are malformed.
   */
  scan(data: Uint8Array, localHi: number, localLo: number): number {
    if (data.length > this.maxFrameBytes) return FrameKind.malformed;
    this.core.bytes.set(data, this.frame);
    const w = this.core.words;
    w[(this.out + O.localTs) >> 2] = localLo;
    w[(this.out + O.localTs + 4) >> 2] = localHi;
    return this.core.x.frameScan(this.frame, data.length, this.out);
  }

  /** Same as scan() for a text frame that arrived as a string (browsers, some tests). */
  scanText(text: string, localHi: number, localLo: number): number {
    return this.scan(new TextEncoder().encode(text), localHi, localLo);
  }

  private span(field: number): string {
    const w = this.core.words;
    const off = w[(this.out + field) >> 2];
    const len = w[(this.out + field + 4) >> 2];
    if (len === 0) return '';
    const b = this.core.bytes;
    const at = this.frame + off;
    // routing strings repeat frame after frame: the same bytes give back the same string, without building it
    let h = len;
    for (let i = 0; i < len; i++) h = (Math.imul(h, 31) + b[at + i]) | 0;
    const hit = this.interned.get(h);
    if (hit !== undefined && hit.length === len) {
      let same = true;
      for (let i = 0; i < len && same; i++) same = hit.charCodeAt(i) === b[at + i];
      if (same) return hit;
    }
    let s = '';
    for (let i = 0; i < len; i++) s += String.fromCharCode(b[at + i]);
    if (len <= 64 && this.interned.size < 1024) this.interned.set(h, s);
    return s;
  }

  get action(): 'snapshot' | 'update' | '' {
    const a = this.core.words[(this.out + O.action) >> 2];
    return a === 1 ? 'snapshot' : a === 2 ? 'update' : '';
  }
  get channel(): string {
    return this.span(O.channel);
  }
  get instId(): string {
    return this.span(O.instId);
  }
  get instType(): string {
    return this.span(O.instType);
  }
  get event(): string {
    return this.span(O.event);
  }
  get op(): string {
    return this.span(O.op);
  }
  /** The error message of an event frame, decoded as UTF-8. */
  get msg(): string {
    const w = this.core.words;
    const off = w[(this.out + O.msg) >> 2];
    const len = w[(this.out + O.msg + 4) >> 2];
    return this.utf8.decode(this.core.bytes.slice(this.frame + off, this.frame + off + len));
  }
  get code(): number {
    return Number(this.i64(O.code));
  }
  get errorPosition(): number {
    return this.core.words[(this.out + O.errPos) >> 2];
  }
  get has(): number {
    return this.core.words[(this.out + O.has) >> 2];
  }
  get levels(): number {
    return this.core.words[(this.out + O.levels) >> 2];
  }
  /** The last frame used Bitget's v3 (UTA) argument keys (topic/symbol). */
  get v3(): boolean {
    return this.core.words[(this.out + O.v3) >> 2] !== 0;
  }
  get duplicates(): number {
    return this.core.words[(this.out + O.dupes) >> 2];
  }
  get decimalCode(): number {
    return this.core.words[(this.out + O.decCode) >> 2];
  }
  /** seq and pseq as 32-bit halves: exact beyond 2^53 without BigInt. */
  get seqHi(): number {
    return this.core.words[(this.out + O.seq + 4) >> 2];
  }
  get seqLo(): number {
    return this.core.words[(this.out + O.seq) >> 2] >>> 0;
  }
  get pseqHi(): number {
    return this.core.words[(this.out + O.pseq + 4) >> 2];
  }
  get pseqLo(): number {
    return this.core.words[(this.out + O.pseq) >> 2] >>> 0;
  }
  get checksum(): number {
    return this.core.words[(this.out + O.checksum) >> 2];
  }
  /** Exchange time of the data (ns) and push time (ms), as bigint: off the hot path (tools, tests). */
  get exchTsNs(): bigint {
    return this.i64(O.exchTs);
  }
  get pushTsMs(): bigint {
    return this.i64(O.pushTs);
  }
  get seq(): bigint {
    return this.i64(O.seq);
  }
  get pseq(): bigint {
    return this.i64(O.pseq);
  }
  /** Exchange data time in ms as a number (exact: ms fit 2^53), for latency statistics. */
  get exchTsMs(): number {
    const w = this.core.words;
    return (w[(this.out + O.exchTs + 4) >> 2] * 4294967296 + (w[(this.out + O.exchTs) >> 2] >>> 0)) / 1e6;
  }

  private i64(field: number): bigint {
    const w = this.core.words;
    return (BigInt(w[(this.out + field + 4) >> 2]) << 32n) | BigInt(w[(this.out + field) >> 2] >>> 0);
  }

  /** Writes the last scanned `books*` push as records into `ringBase`'s unpublished slots; count or negative error. */
  books(ringBase: number, inst: number, resetOnSnapshot: boolean, verifyChecksum: boolean): number {
    return this.core.x.frameBooks(this.frame, this.out, ringBase, this.cfg(inst), resetOnSnapshot ? 1 : 0, verifyChecksum ? 1 : 0);
  }

  /** Writes the last scanned `trade` push as TRADE records (de-duplicated by tradeId); count or negative error. */
  trades(ringBase: number, inst: number): number {
    return this.core.x.frameTrades(this.frame, this.out, ringBase, this.cfg(inst));
  }
}
