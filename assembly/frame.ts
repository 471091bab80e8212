// WHEN TO USE: decoding Bitget v2 WebSocket text frames straight from their UTF-8 bytes into 64-byte records in a
// ring's unpublished slots — no JSON.parse, no strings, no floats. frameScan classifies a frame and locates its
// parts; frameBooks / frameTrades turn its `data` into records. The caller (src/feed) checks continuity and then
// publishes the records or drops them (unpublished slots are simply reused).
//
// Bitget facts (docs/bitget.md §1): keys may come in any order; `seq`/`pseq`/`tradeId` exceed 2^53 and are
// read here as exact i64; `data[0].ts` is a string of ms; prices and sizes are decimal strings.
// Bitget's v3 (UTA) public frames, which Tardis.dev records since 2026-04-28 (docs/import.md), are read by the same
// code: `arg.topic`/`arg.symbol` stand for `channel`/`instId`, book levels come as `a`/`b`, `publicTrade` trades as
// `{i, p, v, S, T}`. A v3 book `checksum` of 0 is taken as "none" (Bitget's v3 examples carry 0).

import { decimalToSteps, decimalValue, decimalWireDecimals, DEC_OK } from "./decimal";
import { ringHead, ringSlot, ringWritable } from "./ring";
import {
  R_KIND, R_SIDE, R_FLAGS, R_INST, R_EXCH_TS, R_LOCAL_TS, R_PRICE, R_QTY, R_SEQ, R_AUX, R_AUX2, REC_SIZE,
  KIND_BOOK_LEVEL, KIND_BOOK_CLEAR, KIND_MSG_END, KIND_TRADE, FLAG_SNAPSHOT, FLAG_LAST, FLAG_RESET, FLAG_CHECKSUM,
} from "./record";

// Frame kinds (frameScan's result).
export const FRAME_MALFORMED: i32 = 0;
export const FRAME_PONG: i32 = 1;
export const FRAME_EVENT: i32 = 2;   // subscribe / unsubscribe / error / login acknowledgements
export const FRAME_PUSH: i32 = 3;    // action snapshot / update
export const FRAME_UNKNOWN: i32 = 4; // valid JSON object of no known shape

// Errors of frameBooks / frameTrades (negative results).
export const FERR_SYNTAX: i32 = -1;
export const FERR_RING_FULL: i32 = -2;
export const FERR_PRICE: i32 = -3;   // out.decCode says why
export const FERR_SIZE: i32 = -4;
export const FERR_SHAPE: i32 = -5;   // data is not exactly one book object, or a level is not [price, size]
export const FERR_NUMBER: i32 = -6;  // seq / pseq / checksum / ts not an integer in range

// The out struct (in the caller's scratch slot). The caller writes local_ts (O_LOCAL_TS) before decoding.
export const O_KIND: usize = 0;        // i32
export const O_ACTION: usize = 4;      // i32: 1 snapshot, 2 update, 0 none
export const O_INST_TYPE: usize = 8;   // i32 offset, i32 length (from the frame start)
export const O_CHANNEL: usize = 16;
export const O_INST_ID: usize = 24;
export const O_EVENT: usize = 32;
export const O_MSG: usize = 40;
export const O_OP: usize = 48;
export const O_DATA: usize = 56;
export const O_PUSH_TS: usize = 64;    // i64 ms (outer ts)
export const O_CODE: usize = 72;       // i64 (error code; 0 when absent)
export const O_LOCAL_TS: usize = 80;   // i64 ns: input
export const O_EXCH_TS: usize = 88;    // i64 ns (data[0].ts, or the newest trade's)
export const O_SEQ: usize = 96;        // i64
export const O_PSEQ: usize = 104;      // i64
export const O_CHECKSUM: usize = 112;  // i32
export const O_HAS: usize = 116;       // i32 bits: 1 seq, 2 pseq, 4 checksum, 8 ts
export const O_ERR_POS: usize = 120;   // i32 byte offset of a syntax error
export const O_DEC_CODE: usize = 124;  // i32 decimal error code of a bad price/size
export const O_LEVELS: usize = 128;    // i32 level records written
export const O_DUPES: usize = 132;     // i32 trades skipped as already seen
export const O_LEN: usize = 136;       // i32 frame length
export const O_DATA_OPEN: usize = 140; // i32 1: scanning stopped at `data` (the decoder finishes the object)
export const O_V3: usize = 144;        // i32 1: the arg used v3 keys (topic/symbol)
export const O_TEMP: usize = 192;      // 64 bytes of scratch for reordering records
export const OUT_BYTES: usize = 256;

// Per-instrument decoding config (written once by the feed at start-up, in its scratch slot).
export const C_INST: usize = 0;          // u32 instrument index
export const C_PRICE_SCALE: usize = 4;   // i32
export const C_PRICE_STEP: usize = 8;    // i64, scaled units
export const C_SIZE_SCALE: usize = 16;   // i32
export const C_SIZE_STEP: usize = 24;    // i64, scaled units
export const C_LAST_TRADE_ID: usize = 32; // i64, raised by frameTrades
export const CFG_BYTES: usize = 64;

export const HAS_SEQ: i32 = 1;
export const HAS_PSEQ: i32 = 2;
export const HAS_CHECKSUM: i32 = 4;
export const HAS_TS: i32 = 8;

const K_ACTION: u64 = 0x6e6f69746361;
const K_ARG: u64 = 0x677261;
const K_DATA: u64 = 0x61746164;
const K_TS: u64 = 0x7374;
const K_EVENT: u64 = 0x746e657665;
const K_CODE: u64 = 0x65646f63;
const K_MSG: u64 = 0x67736d;
const K_OP: u64 = 0x706f;
const K_INSTTYPE: u64 = 0x6570795474736e69;
const K_CHANNEL: u64 = 0x6c656e6e616863;
const K_INSTID: u64 = 0x644974736e69;
const K_TOPIC: u64 = 0x6369706f74;
const K_SYMBOL: u64 = 0x6c6f626d7973;
const K_A: u64 = 0x61;
const K_B: u64 = 0x62;
const K_V3_TS: u64 = 0x54; // T
const K_V3_ID: u64 = 0x69; // i
const K_V3_PRICE: u64 = 0x70; // p
const K_V3_PRICE_UPPER: u64 = 0x50; // P (as some v3 examples spell it)
const K_V3_SIZE: u64 = 0x76; // v
const K_V3_SIDE: u64 = 0x53; // S
const K_ASKS: u64 = 0x736b7361;
const K_BIDS: u64 = 0x73646962;
const K_SEQ: u64 = 0x716573;
const K_PSEQ: u64 = 0x71657370;
const K_CHECKSUM: u64 = 0x6d75736b63656863;
const K_PRICE: u64 = 0x6563697270;
const K_SIZE: u64 = 0x657a6973;
const K_SIDE: u64 = 0x65646973;
const K_TRADEID: u64 = 0x64496564617274;
const K_BUY: u64 = 0x797562;
const K_SELL: u64 = 0x6c6c6573;
const K_SNAPSHOT: u64 = 0x746f687370616e73;
const K_UPDATE: u64 = 0x657461647075;

// Scanner state: private to each instance (wasm globals).
let p: usize = 0;
let end: usize = 0;
let strOff: usize = 0;
let strLen: i32 = 0;
let num: i64 = 0;

// @ts-ignore: decorator
@inline function peek(): u32 {
  return p < end ? <u32>load<u8>(p) : 0;
}

// @ts-ignore: decorator
@inline function ws(): void {
  while (p < end) {
    const c = load<u8>(p);
    if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
    p++;
  }
}

// @ts-ignore: decorator
@inline function eat(c: u32): bool {
  ws();
  if (peek() != c) return false;
  p++;
  return true;
}

/** A JSON string at p: sets strOff/strLen to its raw bytes (escapes left as they are). */
function str(): bool {
  ws();
  if (peek() != 0x22) return false;
  const start = ++p;
  while (p < end) {
    const c = load<u8>(p);
    if (c == 0x22) {
      strOff = start;
      strLen = <i32>(p - start);
      p++;
      return true;
    }
    p += c == 0x5c ? 2 : 1; // skip the escaped character
  }
  return false;
}

/** A JSON integer (optionally a string of digits) at p, into `num`; false if absent, fractional or out of i64. */
function int(allowQuoted: bool): bool {
  ws();
  let quoted = false;
  if (allowQuoted && peek() == 0x22) {
    quoted = true;
    p++;
  }
  let negative = false;
  if (peek() == 0x2d) {
    negative = true;
    p++;
  }
  let v: u64 = 0;
  let digits = 0;
  while (p < end) {
    const d = <u32>load<u8>(p) - 0x30;
    if (d > 9) break;
    if (v > (u64.MAX_VALUE - d) / 10) return false;
    v = v * 10 + d;
    digits++;
    p++;
  }
  if (digits == 0) return false;
  const c = peek();
  if (c == 0x2e || c == 0x65 || c == 0x45) return false;
  if (quoted) {
    if (c != 0x22) return false;
    p++;
  }
  if (negative ? v > <u64>i64.MAX_VALUE + 1 : v > <u64>i64.MAX_VALUE) return false;
  num = negative ? -<i64>v : <i64>v;
  return true;
}

/** Skips any JSON value. */
function skip(): bool {
  ws();
  const c = peek();
  if (c == 0x22) return str();
  if (c == 0x7b || c == 0x5b) {
    // objects and arrays: count brackets, stepping over strings
    let depth = 0;
    while (p < end) {
      const d = load<u8>(p);
      if (d == 0x22) {
        if (!str()) return false;
        continue;
      }
      if (d == 0x7b || d == 0x5b) depth++;
      else if (d == 0x7d || d == 0x5d) {
        if (--depth == 0) {
          p++;
          return true;
        }
      }
      p++;
    }
    return false;
  }
  // number, true, false, null
  const start = p;
  while (p < end) {
    const d = load<u8>(p);
    if (d == 0x2c || d == 0x7d || d == 0x5d || d == 0x20 || d == 0x0a || d == 0x0d || d == 0x09) break;
    p++;
  }
  return p > start;
}

/** The first (up to) 8 bytes of the current string packed little-endian; 0 for longer strings. */
function packed(): u64 {
  if (strLen > 8) return 0;
  let v: u64 = 0;
  for (let i = strLen - 1; i >= 0; i--) v = (v << 8) | <u64>load<u8>(strOff + i);
  return v;
}

// @ts-ignore: decorator
@inline function span(out: usize, at: usize, base: usize): void {
  store<i32>(out + at, <i32>(strOff - base));
  store<i32>(out + at + 4, strLen);
}

function scanArg(out: usize, base: usize): bool {
  if (!eat(0x7b)) return false;
  if (eat(0x7d)) return true;
  do {
    if (!str()) return false;
    const key = packed();
    if (!eat(0x3a)) return false;
    if (key == K_INSTTYPE || key == K_CHANNEL || key == K_INSTID || key == K_TOPIC || key == K_SYMBOL) {
      if (!str()) return false;
      span(out, key == K_INSTTYPE ? O_INST_TYPE : key == K_CHANNEL || key == K_TOPIC ? O_CHANNEL : O_INST_ID, base);
      if (key == K_TOPIC || key == K_SYMBOL) store<i32>(out + O_V3, 1);
    } else if (!skip()) return false;
  } while (eat(0x2c));
  return eat(0x7d);
}

/**
 * Classifies the frame of `len` bytes at `frame` and fills `out` (OUT_BYTES, zeroed here) with the offsets of its
 * parts. Returns a FRAME_* kind; FRAME_MALFORMED also sets O_ERR_POS.
 */
export function frameScan(frame: usize, len: i32, out: usize): i32 {
  const localLo = load<i64>(out + O_LOCAL_TS);
  memory.fill(out, 0, O_TEMP);
  store<i64>(out + O_LOCAL_TS, localLo);
  store<i32>(out + O_LEN, len);
  p = frame;
  end = frame + <usize>len;
  let kind = FRAME_MALFORMED;
  if (len == 4 && load<u32>(frame) == 0x676e6f70) kind = FRAME_PONG; // "pong"
  else kind = scanObject(frame, out);
  store<i32>(out + O_KIND, kind);
  if (kind == FRAME_MALFORMED) store<i32>(out + O_ERR_POS, <i32>(p - frame));
  return kind;
}

function scanObject(frame: usize, out: usize): i32 {
  if (!eat(0x7b)) return FRAME_MALFORMED;
  let hasAction = false;
  let hasEvent = false;
  if (!eat(0x7d)) {
    do {
      if (!str()) return FRAME_MALFORMED;
      const key = packed();
      if (!eat(0x3a)) return FRAME_MALFORMED;
      if (key == K_ACTION) {
        if (!str()) return FRAME_MALFORMED;
        const v = packed();
        store<i32>(out + O_ACTION, v == K_SNAPSHOT ? 1 : v == K_UPDATE ? 2 : 0);
        hasAction = true;
      } else if (key == K_ARG) {
        if (!scanArg(out, frame)) return FRAME_MALFORMED;
      } else if (key == K_DATA) {
        ws();
        const start = p;
        store<i32>(out + O_DATA, <i32>(start - frame));
        if (hasAction && load<i32>(out + O_CHANNEL + 4) != 0) {
          // Routing is known (Bitget sends action and arg first): stop here, so the bulk of the frame is read once,
          // by frameBooks/frameTrades, which also check what follows the data.
          store<i32>(out + O_DATA_OPEN, 1);
          return FRAME_PUSH;
        }
        if (!skip()) return FRAME_MALFORMED;
        store<i32>(out + O_DATA + 4, <i32>(p - start));
      } else if (key == K_TS) {
        if (!int(true)) return FRAME_MALFORMED;
        store<i64>(out + O_PUSH_TS, num);
      } else if (key == K_CODE) {
        if (!int(true)) return FRAME_MALFORMED;
        store<i64>(out + O_CODE, num);
      } else if (key == K_EVENT || key == K_MSG || key == K_OP) {
        if (!str()) return FRAME_MALFORMED;
        span(out, key == K_EVENT ? O_EVENT : key == K_MSG ? O_MSG : O_OP, frame);
        if (key == K_EVENT) hasEvent = true;
      } else if (!skip()) return FRAME_MALFORMED;
    } while (eat(0x2c));
    if (!eat(0x7d)) return FRAME_MALFORMED;
  }
  ws();
  if (p != end) return FRAME_MALFORMED;
  return hasAction ? FRAME_PUSH : hasEvent ? FRAME_EVENT : FRAME_UNKNOWN;
}

// ---- books ----------------------------------------------------------------------------------------------------

// Positions the scanner on the data value (to the frame's end when frameScan stopped there).
function enterData(frame: usize, out: usize): void {
  p = frame + <usize>load<i32>(out + O_DATA);
  end = load<i32>(out + O_DATA_OPEN) != 0 ? frame + <usize>load<i32>(out + O_LEN) : p + <usize>load<i32>(out + O_DATA + 4);
}

// After the data value: when frameScan stopped at it, the rest of the top-level object must still be valid JSON.
function leaveData(out: usize): bool {
  if (load<i32>(out + O_DATA_OPEN) == 0) return true;
  while (eat(0x2c)) {
    if (!str()) return false;
    const key = packed();
    if (!eat(0x3a)) return false;
    if (key == K_TS) {
      if (!int(true)) return false;
      store<i64>(out + O_PUSH_TS, num);
    } else if (!skip()) return false;
  }
  if (!eat(0x7d)) return false;
  ws();
  return p == end;
}

// Records are written at ring slots head + n; `room` tracks how many are known free.
let wHead: u32 = 0;
let wCount: u32 = 0;
let wRoom: u32 = 0;
let wRing: usize = 0;

function nextRecord(): usize {
  if (wCount >= wRoom) {
    wRoom = ringWritable(wRing, wCount + 64);
    if (wCount >= wRoom) return 0;
  }
  // Every writer below stores all 64 bytes (kind/side/flags as one u32, the rest field by field or when stamping).
  return ringSlot(wRing, wHead + wCount++);
}

/**
 * Decodes a `books*` push (after frameScan) into records at ring `ring`'s next unpublished slots: a book clear first
 * for a snapshot (FLAG_RESET too when `resetOnSnapshot`), one record per level, the last one flagged FLAG_LAST (and
 * FLAG_CHECKSUM when `verifyChecksum` and the frame carries one on an update); a message without levels becomes a
 * MSG_END record. Returns the record count (publish them with ringPublish), or a FERR_* code.
 */
export function frameBooks(frame: usize, out: usize, ring: usize, cfg: usize, resetOnSnapshot: bool, verifyChecksum: bool): i32 {
  return truncation(books(frame, out, ring, cfg, resetOnSnapshot, verifyChecksum));
}

// A frame cut short reads as a shape error where it stops; call it what it is: broken JSON.
function truncation(r: i32): i32 {
  return r == FERR_SHAPE && p >= end ? FERR_SYNTAX : r;
}

function books(frame: usize, out: usize, ring: usize, cfg: usize, resetOnSnapshot: bool, verifyChecksum: bool): i32 {
  const inst = load<u32>(cfg + C_INST);
  const priceScale = load<i32>(cfg + C_PRICE_SCALE);
  const priceStep = load<i64>(cfg + C_PRICE_STEP);
  const sizeScale = load<i32>(cfg + C_SIZE_SCALE);
  const sizeStep = load<i64>(cfg + C_SIZE_STEP);
  enterData(frame, out);
  wRing = ring;
  wHead = ringHead(ring);
  wCount = 0;
  wRoom = 0;
  const snapshot = load<i32>(out + O_ACTION) == 1;
  const v3 = load<i32>(out + O_V3) != 0;
  const baseFlags: u16 = snapshot ? FLAG_SNAPSHOT : 0;
  if (snapshot) {
    const r = nextRecord();
    if (r == 0) return FERR_RING_FULL;
    memory.fill(r, 0, REC_SIZE);
    store<u8>(r + R_KIND, KIND_BOOK_CLEAR);
    store<u16>(r + R_FLAGS, FLAG_SNAPSHOT | (resetOnSnapshot ? FLAG_RESET : 0));
  }
  let has = 0;
  let levels = 0;
  if (!eat(0x5b) || !eat(0x7b)) return FERR_SHAPE;
  if (!eat(0x7d)) {
    do {
      if (!str()) return FERR_SYNTAX;
      const key = packed();
      if (!eat(0x3a)) return FERR_SYNTAX;
      if (key == K_ASKS || key == K_BIDS || key == K_A || key == K_B) {
        const side: u8 = key == K_BIDS || key == K_B ? 1 : 2;
        if (!eat(0x5b)) return FERR_SHAPE;
        if (!eat(0x5d)) {
          do {
            if (!eat(0x5b) || !str()) return FERR_SHAPE;
            let code = decimalToSteps(strOff, strLen, priceScale, priceStep, false);
            if (code != DEC_OK) {
              store<i32>(out + O_DEC_CODE, code);
              return FERR_PRICE;
            }
            const price = decimalValue();
            const pdec = decimalWireDecimals();
            if (!eat(0x2c) || !str()) return FERR_SHAPE;
            code = decimalToSteps(strOff, strLen, sizeScale, sizeStep, false);
            if (code != DEC_OK) {
              store<i32>(out + O_DEC_CODE, code);
              return FERR_SIZE;
            }
            while (eat(0x2c)) if (!skip()) return FERR_SYNTAX; // extra elements (order counts on some venues)
            if (!eat(0x5d)) return FERR_SHAPE;
            const r = nextRecord();
            if (r == 0) return FERR_RING_FULL;
            store<u32>(r + R_KIND, <u32>KIND_BOOK_LEVEL | (<u32>side << 8) | (<u32>baseFlags << 16));
            store<i64>(r + R_PRICE, price);
            store<i64>(r + R_QTY, decimalValue());
            store<i64>(r + R_AUX2, <i64>(pdec | (decimalWireDecimals() << 8)));
            levels++;
          } while (eat(0x2c));
          if (!eat(0x5d)) return FERR_SHAPE;
        }
      } else if (key == K_TS) {
        if (!int(true)) return FERR_NUMBER;
        store<i64>(out + O_EXCH_TS, num * 1_000_000);
        has |= HAS_TS;
      } else if (key == K_SEQ || key == K_PSEQ) {
        if (!int(true)) return FERR_NUMBER;
        store<i64>(out + (key == K_SEQ ? O_SEQ : O_PSEQ), num);
        has |= key == K_SEQ ? HAS_SEQ : HAS_PSEQ;
      } else if (key == K_CHECKSUM) {
        if (!int(true) || num < i32.MIN_VALUE || num > i32.MAX_VALUE) return FERR_NUMBER;
        store<i32>(out + O_CHECKSUM, <i32>num);
        if (!(v3 && num == 0)) has |= HAS_CHECKSUM;
      } else if (!skip()) return FERR_SYNTAX;
    } while (eat(0x2c));
    if (!eat(0x7d)) return FERR_SYNTAX;
  }
  if (!eat(0x5d)) return FERR_SHAPE; // exactly one book object
  if (!leaveData(out)) return FERR_SYNTAX;
  store<i32>(out + O_HAS, has);
  store<i32>(out + O_LEVELS, levels);
  if (wCount == 0 || (snapshot && levels == 0)) {
    const r = nextRecord();
    if (r == 0) return FERR_RING_FULL;
    memory.fill(r, 0, REC_SIZE);
    store<u8>(r + R_KIND, KIND_MSG_END);
  }
  // The scalars come after the levels on the wire: stamp every record now.
  const exchTs = load<i64>(out + O_EXCH_TS);
  const localTs = load<i64>(out + O_LOCAL_TS);
  const seq = load<i64>(out + O_SEQ);
  const pseq = load<i64>(out + O_PSEQ);
  for (let i: u32 = 0; i < wCount; i++) {
    const r = ringSlot(ring, wHead + i);
    store<u32>(r + R_INST, inst);
    store<i64>(r + R_EXCH_TS, exchTs);
    store<i64>(r + R_LOCAL_TS, localTs);
    store<i64>(r + R_SEQ, seq);
    store<i64>(r + R_AUX, pseq);
  }
  const last = ringSlot(ring, wHead + wCount - 1);
  let flags = load<u16>(last + R_FLAGS) | FLAG_LAST;
  if (verifyChecksum && !snapshot && (has & HAS_CHECKSUM) != 0) {
    flags |= FLAG_CHECKSUM;
    store<i64>(last + R_AUX2, (load<i64>(last + R_AUX2) & 0xffffffff) | (<i64>load<i32>(out + O_CHECKSUM) << 32));
  }
  store<u16>(last + R_FLAGS, flags);
  return <i32>wCount;
}

// ---- trades ---------------------------------------------------------------------------------------------------

/**
 * Decodes a `trade` push into TRADE records (oldest first; Bitget sends newest first), skipping trades whose
 * tradeId is not above the config's last trade id (already seen: Bitget's trade ids increase), then raises it.
 * Returns the record count (0 when every trade was a duplicate) or a FERR_* code.
 */
export function frameTrades(frame: usize, out: usize, ring: usize, cfg: usize): i32 {
  return truncation(trades(frame, out, ring, cfg));
}

function trades(frame: usize, out: usize, ring: usize, cfg: usize): i32 {
  const inst = load<u32>(cfg + C_INST);
  const priceScale = load<i32>(cfg + C_PRICE_SCALE);
  const priceStep = load<i64>(cfg + C_PRICE_STEP);
  const sizeScale = load<i32>(cfg + C_SIZE_SCALE);
  const sizeStep = load<i64>(cfg + C_SIZE_STEP);
  const lastIdPtr = cfg + C_LAST_TRADE_ID;
  enterData(frame, out);
  wRing = ring;
  wHead = ringHead(ring);
  wCount = 0;
  wRoom = 0;
  const seen = load<i64>(lastIdPtr);
  let newest = seen;
  let dupes = 0;
  const localTs = load<i64>(out + O_LOCAL_TS);
  if (!eat(0x5b)) return FERR_SHAPE;
  if (!eat(0x5d)) {
    do {
      if (!eat(0x7b)) return FERR_SHAPE;
      let ts: i64 = 0, id: i64 = 0, price: i64 = 0, qty: i64 = 0;
      let side: u8 = 0;
      let got = 0;
      do {
        if (!str()) return FERR_SYNTAX;
        const key = packed();
        if (!eat(0x3a)) return FERR_SYNTAX;
        if (key == K_TS || key == K_TRADEID || key == K_V3_TS || key == K_V3_ID) {
          if (!int(true)) return FERR_NUMBER;
          const isTs = key == K_TS || key == K_V3_TS;
          if (isTs) ts = num * 1_000_000; else id = num;
          got |= isTs ? 1 : 2;
        } else if (key == K_PRICE || key == K_SIZE || key == K_V3_PRICE || key == K_V3_PRICE_UPPER || key == K_V3_SIZE) {
          if (!str()) return FERR_SHAPE;
          const isPrice = key == K_PRICE || key == K_V3_PRICE || key == K_V3_PRICE_UPPER;
          const code = decimalToSteps(strOff, strLen, isPrice ? priceScale : sizeScale, isPrice ? priceStep : sizeStep, false);
          if (code != DEC_OK) {
            store<i32>(out + O_DEC_CODE, code);
            return isPrice ? FERR_PRICE : FERR_SIZE;
          }
          if (isPrice) price = decimalValue(); else qty = decimalValue();
          got |= isPrice ? 4 : 8;
        } else if (key == K_SIDE || key == K_V3_SIDE) {
          if (!str()) return FERR_SHAPE;
          const v = packed();
          side = v == K_BUY ? 1 : v == K_SELL ? 2 : 0;
          if (side == 0) return FERR_SHAPE;
          got |= 16;
        } else if (!skip()) return FERR_SYNTAX;
      } while (eat(0x2c));
      if (!eat(0x7d)) return FERR_SYNTAX;
      if (got != 31) return FERR_SHAPE;
      if (id <= seen) {
        dupes++;
        continue;
      }
      if (id > newest) newest = id;
      const r = nextRecord();
      if (r == 0) return FERR_RING_FULL;
      store<u32>(r + R_KIND, <u32>KIND_TRADE | (<u32>side << 8));
      store<u32>(r + R_INST, inst);
      store<i64>(r + R_AUX, 0);
      store<i64>(r + R_AUX2, 0);
      store<i64>(r + R_EXCH_TS, ts);
      store<i64>(r + R_LOCAL_TS, localTs);
      store<i64>(r + R_PRICE, price);
      store<i64>(r + R_QTY, qty);
      store<i64>(r + R_SEQ, id);
      if (ts > load<i64>(out + O_EXCH_TS)) store<i64>(out + O_EXCH_TS, ts);
    } while (eat(0x2c));
    if (!eat(0x5d)) return FERR_SHAPE;
  }
  if (!leaveData(out)) return FERR_SYNTAX;
  // newest first on the wire → oldest first in the ring
  const tmp = out + O_TEMP;
  for (let i: u32 = 0, j = wCount - 1; wCount > 0 && i < j; i++, j--) {
    const a = ringSlot(ring, wHead + i);
    const b = ringSlot(ring, wHead + j);
    memory.copy(tmp, a, REC_SIZE);
    memory.copy(a, b, REC_SIZE);
    memory.copy(b, tmp, REC_SIZE);
  }
  if (wCount > 0) {
    const last = ringSlot(ring, wHead + wCount - 1);
    store<u16>(last + R_FLAGS, load<u16>(last + R_FLAGS) | FLAG_LAST);
  }
  store<i64>(lastIdPtr, newest);
  store<i32>(out + O_DUPES, dupes);
  return <i32>wCount;
}
