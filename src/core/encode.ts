// Writing and reading 64-byte records and 256-byte signal records through the Core's typed views. Ticks, lots and
// counters are safe integers (numbers); ns timestamps and exchange sequence numbers may exceed 2^53, so they are
// taken as bigint or as a number when the caller knows it is safe.

import type { Core } from './loader';
import { R, S, Flag, Kind, REC_SIZE, Field, MAX_OFI_LEVELS, State, wireDecimals, type BookSide } from './record';
import { writeI64, writeI64Big, readI64, readI64Big } from './int64';

export interface LevelRecord {
  inst: number;
  side: BookSide;
  price: number;
  qty: number;
  priceDec: number;
  sizeDec: number;
  exchTs?: bigint;
  localTs?: bigint;
  seq?: bigint;
  last?: boolean;
  snapshot?: boolean;
  /** The exchange's CRC-32 (signed) to verify after this message; only on the last record. */
  checksum?: number;
}

function setTimes(w: Int32Array, at: number, exchTs = 0n, localTs = 0n, seq = 0n): void {
  writeI64Big(w, at + R.exchTs, exchTs);
  writeI64Big(w, at + R.localTs, localTs);
  writeI64Big(w, at + R.seq, seq);
}

function header(core: Core, at: number, kind: number, side: number, flags: number, inst: number): void {
  core.bytes.fill(0, at, at + REC_SIZE);
  core.bytes[at + R.kind] = kind;
  core.bytes[at + R.side] = side;
  core.words[(at + R.flags) >> 2] |= flags; // flags are the high half of the first word (little-endian u16 at +2)
  core.words[(at + R.inst) >> 2] = inst;
}

export function writeLevel(core: Core, at: number, r: LevelRecord): void {
  const flags = (r.last ? Flag.last : 0) | (r.snapshot ? Flag.snapshot : 0) | (r.checksum !== undefined ? Flag.checksum : 0);
  header(core, at, Kind.bookLevel, r.side, flags << 16, r.inst);
  setTimes(core.words, at, r.exchTs, r.localTs, r.seq);
  writeI64(core.words, at + R.price, r.price);
  writeI64(core.words, at + R.qty, r.qty);
  core.words[(at + R.aux2) >> 2] = wireDecimals(r.priceDec, r.sizeDec);
  core.words[(at + R.aux2 + 4) >> 2] = r.checksum ?? 0;
}

export function writeClear(core: Core, at: number, inst: number, opts: { reset?: boolean; last?: boolean; localTs?: bigint } = {}): void {
  const flags = Flag.snapshot | (opts.reset ? Flag.reset : 0) | (opts.last ? Flag.last : 0);
  header(core, at, Kind.bookClear, 0, flags << 16, inst);
  setTimes(core.words, at, 0n, opts.localTs ?? 0n);
}

export function writeMsgEnd(
  core: Core,
  at: number,
  inst: number,
  opts: { localTs?: bigint; exchTs?: bigint; seq?: bigint; checksum?: number } = {},
): void {
  const flags = Flag.last | (opts.checksum !== undefined ? Flag.checksum : 0);
  header(core, at, Kind.msgEnd, 0, flags << 16, inst);
  setTimes(core.words, at, opts.exchTs, opts.localTs, opts.seq);
  core.words[(at + R.aux2 + 4) >> 2] = opts.checksum ?? 0;
}

/** A decoded signal record (allocates: for tools and tests; hot paths read the views directly). */
export interface SignalSnapshot {
  kind: number;
  inst: number;
  valid: boolean;
  zReady: boolean;
  checksumOk: boolean;
  flags: number;
  exchTs: bigint;
  localTs: bigint;
  seq: bigint;
  msgCount: number;
  bestBid: number;
  bestAsk: number;
  bidQty: number;
  askQty: number;
  spread: number;
  /** Wire decimals of the best levels' price strings, to print them back as the exchange did. */
  bestBidPriceDec: number;
  bestAskPriceDec: number;
  bestBidSizeDec: number;
  bestAskSizeDec: number;
  l1: number;
  obiN: number;
  obiW: number;
  obiBand: number;
  ofi: number;
  ofiDecay: number;
  ofiNorm: number;
  wmid: number;
  z: number;
  mlofi: number[];
}

export function readSignal(core: Core, at: number): SignalSnapshot {
  const w = core.words;
  const state = core.bytes[at + S.state];
  const f = (id: number) => core.f64[(at + S.fields + id * 8) >> 3];
  const valid = (state & State.valid) !== 0;
  return {
    kind: core.bytes[at + S.kind],
    inst: w[(at + S.inst) >> 2] >>> 0,
    valid,
    zReady: (state & State.zReady) !== 0,
    checksumOk: (state & State.checksumOk) !== 0,
    flags: core.bytes[at + S.flags] | (core.bytes[at + S.flags + 1] << 8),
    exchTs: readI64Big(w, at + S.exchTs),
    localTs: readI64Big(w, at + S.localTs),
    seq: readI64Big(w, at + S.seq),
    msgCount: readI64(w, at + S.msgCount),
    bestBid: valid ? readI64(w, at + S.bestBid) : 0,
    bestAsk: valid ? readI64(w, at + S.bestAsk) : 0,
    bidQty: readI64(w, at + S.bidQty),
    askQty: readI64(w, at + S.askQty),
    spread: readI64(w, at + S.spread),
    bestBidPriceDec: core.bytes[at + S.bestDecimals],
    bestAskPriceDec: core.bytes[at + S.bestDecimals + 4],
    bestBidSizeDec: core.bytes[at + S.bestDecimals + 1],
    bestAskSizeDec: core.bytes[at + S.bestDecimals + 5],
    l1: f(Field.l1),
    obiN: f(Field.obiN),
    obiW: f(Field.obiW),
    obiBand: f(Field.obiBand),
    ofi: f(Field.ofi),
    ofiDecay: f(Field.ofiDecay),
    ofiNorm: f(Field.ofiNorm),
    wmid: f(Field.wmid),
    z: f(Field.z),
    mlofi: Array.from({ length: MAX_OFI_LEVELS }, (_, m) => f(Field.mlofi + m)),
  };
}
