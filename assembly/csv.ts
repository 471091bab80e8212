// WHEN TO USE: turning Tardis.dev CSV datasets (`incremental_book_L2`, `trades`; docs/import.md) into 64-byte
// records straight from their bytes: prices and sizes through the same exact decimal parser as the frame decoder
// (never rounded; off the instrument's grid is an error naming the line and column), timestamps from µs to ns.
//
// The caller hands over whole lines (a buffer that ends at a line end, or the file's end with `final`). Book rows
// are grouped into messages the way Tardis documents it: consecutive rows with the same local_timestamp (and the
// same is_snapshot) came in one exchange message; the last record of a message carries FLAG_LAST. A message is
// only emitted once the next one starts (or at the end), so a call returns the records of complete messages and
// how many bytes those took; the caller passes the rest again with more data.

import { decimalToSteps, decimalValue, decimalWireDecimals, DEC_OK, DEC_EXPONENT } from "./decimal";
import {
  R_KIND, R_FLAGS, R_INST, R_EXCH_TS, R_LOCAL_TS, R_PRICE, R_QTY, R_SEQ, R_AUX, R_AUX2, REC_SIZE,
  KIND_BOOK_LEVEL, KIND_BOOK_CLEAR, KIND_TRADE, FLAG_SNAPSHOT, FLAG_LAST, FLAG_RESET,
} from "./record";

// The config and state block (caller-owned, CSV_BYTES): written by the caller before the first call, then kept.
export const CV_KIND: usize = 0;          // i32: 1 incremental_book_L2, 2 trades
export const CV_COLUMNS: usize = 4;       // i32: columns every row must have
export const CV_COL_TS: usize = 8;        // i32 column indexes (−1: absent)
export const CV_COL_LOCAL: usize = 12;
export const CV_COL_FLAG: usize = 16;     // is_snapshot (book) or id (trades)
export const CV_COL_SIDE: usize = 20;
export const CV_COL_PRICE: usize = 24;
export const CV_COL_AMOUNT: usize = 28;
export const CV_COL_SYMBOL: usize = 32;
export const CV_INST: usize = 36;         // u32 instrument index stamped on the records
export const CV_PRICE_SCALE: usize = 40;  // i32
export const CV_SIZE_SCALE: usize = 44;   // i32
export const CV_PRICE_STEP: usize = 48;   // i64
export const CV_SIZE_STEP: usize = 56;    // i64
export const CV_SYMBOL_PTR: usize = 64;   // u32 address of the symbol to keep (0: every row)
export const CV_SYMBOL_LEN: usize = 68;   // i32
// state, carried between calls
export const CV_LINE: usize = 72;         // i64 lines consumed so far (the header included)
export const CV_IN_BOOK: usize = 80;      // i32 1 once a snapshot started a book
export const CV_PREV_SNAP: usize = 84;    // i32 the previous emitted message was a snapshot
export const CV_LAST_LOCAL: usize = 88;   // i64 local time of the last row taken (order check)
export const CV_SKIPPED_PRE: usize = 96;  // i64 book rows before the first snapshot (skipped)
export const CV_SKIPPED_SYM: usize = 104; // i64 rows of other symbols (skipped)
// results of the last call
export const CV_CONSUMED: usize = 112;    // i32 bytes of the buffer fully handled
export const CV_ERR_LINE: usize = 120;    // i64 1-based line of an error
export const CV_ERR_COL: usize = 128;     // i32 0-based column of an error (−1: the line as a whole)
export const CV_ERR_DEC: usize = 132;     // i32 the decimal parser's code, when that was the error
export const CV_COL_EXCHANGE: usize = 136; // i32 column of `exchange` (−1: absent)
// state: the exchange the kept rows name, taken from the first of them
export const CV_EXCHANGE_LEN: usize = 140; // i32 its length in bytes (−1: no kept row yet)
export const CV_EXCHANGE_LINE: usize = 144; // i64 the line it was taken from
export const CV_EXCHANGE: usize = 152;    // its first EXCHANGE_KEPT bytes
const EXCHANGE_KEPT: i32 = 40;
export const CV_PLAIN: usize = 192;       // 64 bytes: an exponent-notation number rewritten as a plain decimal
export const CV_FIELDS: usize = 256;      // 16 × (u32 offset, i32 length): the current line's fields
export const CV_BYTES: usize = 384;

// Errors (negative results).
export const CSV_ERR_COLUMNS: i32 = -1;   // fewer columns than the header
export const CSV_ERR_TIME: i32 = -2;      // timestamp / local_timestamp not a whole number of µs in range
export const CSV_ERR_FLAG: i32 = -3;      // is_snapshot not true/false
export const CSV_ERR_SIDE: i32 = -4;      // side not bid/ask (book) or buy/sell/unknown (trades)
export const CSV_ERR_PRICE: i32 = -5;     // CV_ERR_DEC says why
export const CSV_ERR_AMOUNT: i32 = -6;
export const CSV_ERR_ORDER: i32 = -7;     // local_timestamp earlier than the previous row's
export const CSV_ERR_QUOTED: i32 = -8;    // a quoted field (Tardis never quotes)
export const CSV_ERR_TOO_BIG: i32 = -9;   // one message has more rows than the output holds
export const CSV_ERR_EXCHANGE: i32 = -10; // a kept row names another exchange than the first kept row

const MAX_FIELDS: i32 = 16;
// The current line's field table (in the caller's block: static data would be shared by every thread's instance).
let fields: usize = 0;

// @ts-ignore: decorator
@inline function fieldOff(i: i32): usize {
  return <usize>load<u32>(fields + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline function fieldLen(i: i32): i32 {
  return load<i32>(fields + (<usize>i << 3) + 4);
}

let nFields = 0;

// @ts-ignore: decorator
@inline function field(start: usize, q: usize): void {
  if (nFields < MAX_FIELDS) {
    store<u32>(fields + (<usize>nFields << 3), <u32>start);
    store<i32>(fields + (<usize>nFields << 3) + 4, <i32>(q - start));
  }
  nFields++;
}

/**
 * Splits the line starting at p at commas, up to its newline or `end`, in one pass (16 bytes at a time while they
 * last): fills the field table, sets nFields (more than MAX_FIELDS when there are more) and returns where the line
 * stops (its newline, or `end`).
 */
function splitLine(p: usize, end: usize): usize {
  nFields = 0;
  let start = p;
  const comma = i8x16.splat(0x2c);
  const nl = i8x16.splat(0x0a);
  while (p + 16 <= end) {
    const v = v128.load(p);
    let bits = i8x16.bitmask(v128.or(i8x16.eq(v, comma), i8x16.eq(v, nl)));
    while (bits != 0) {
      const q = p + <usize>ctz(bits);
      field(start, q);
      if (load<u8>(q) == 0x0a) return q;
      start = q + 1;
      bits &= bits - 1;
    }
    p += 16;
  }
  while (p < end) {
    const c = load<u8>(p);
    if (c == 0x2c || c == 0x0a) {
      field(start, p);
      if (c == 0x0a) return p;
      start = p + 1;
    }
    p++;
  }
  field(start, end);
  return end;
}

let num: i64 = 0;

/** A whole non-negative decimal integer field into `num`; false if empty, not all digits, or beyond i64. */
function digits(col: i32): bool {
  const off = fieldOff(col);
  const len = fieldLen(col);
  if (len == 0 || len > 19) return false;
  let v: u64 = 0;
  for (let i = 0; i < len; i++) {
    const d = <u32>load<u8>(off + i) - 0x30;
    if (d > 9) return false;
    v = v * 10 + <u64>d;
  }
  if (v > <u64>i64.MAX_VALUE) return false; // 19 digits never wrap a u64
  num = <i64>v;
  return true;
}

const MAX_MICROS: i64 = 9_000_000_000_000_000; // µs whose ns still fit an i64 (year 2255)

/** µs since the epoch → ns; false unless a whole number that fits. */
function micros(col: i32): bool {
  if (!digits(col) || num > MAX_MICROS) return false;
  num *= 1000;
  return true;
}

function fieldIs(col: i32, a: u64, n: i32): bool {
  if (fieldLen(col) != n) return false;
  const off = fieldOff(col);
  let v: u64 = 0;
  for (let i = n - 1; i >= 0; i--) v = (v << 8) | <u64>load<u8>(off + i);
  return v == a;
}

/**
 * Rewrites an exponent-notation decimal ("1.5e-7", "2E3") as a plain one at cfg + CV_PLAIN; returns its length, or
 * 0 when it is not such a number or does not fit. Exact: only the decimal point moves.
 */
function plain(off: usize, len: i32, cfg: usize): i32 {
  let e = -1;
  for (let i = 0; i < len; i++) {
    const c = load<u8>(off + i);
    if (c == 0x65 || c == 0x45) {
      e = i;
      break;
    }
  }
  if (e <= 0 || e + 1 >= len) return 0;
  let expSign: i32 = 1;
  let k = e + 1;
  const s = load<u8>(off + k);
  if (s == 0x2d || s == 0x2b) {
    if (s == 0x2d) expSign = -1;
    k++;
  }
  if (k >= len) return 0;
  let exp: i32 = 0;
  for (; k < len; k++) {
    const d = <i32>load<u8>(off + k) - 0x30;
    if (<u32>d > 9 || exp > 40) return 0;
    exp = exp * 10 + d;
  }
  exp *= expSign;
  // mantissa digits without the point, and where the point was
  const digitsAt = cfg + CV_PLAIN + 40; // 24 bytes of mantissa digits, after the 40 of output
  let nd = 0;
  let point = -1;
  for (let i = 0; i < e; i++) {
    const c = load<u8>(off + i);
    if (c == 0x2e) {
      if (point >= 0) return 0;
      point = nd;
    } else if (<u32>(c - 0x30) <= 9) {
      if (nd >= 24) return 0;
      store<u8>(digitsAt + nd++, c);
    } else return 0;
  }
  if (nd == 0) return 0;
  if (point < 0) point = nd;
  point += exp; // digits before the point in the plain form
  const out = cfg + CV_PLAIN;
  let n = 0;
  if (point <= 0) {
    if (2 - point + nd > 40) return 0;
    store<u8>(out + n++, 0x30);
    store<u8>(out + n++, 0x2e);
    for (let i = 0; i < -point; i++) store<u8>(out + n++, 0x30);
    for (let i = 0; i < nd; i++) store<u8>(out + n++, load<u8>(digitsAt + i));
  } else if (point >= nd) {
    if (point > 40) return 0;
    for (let i = 0; i < nd; i++) store<u8>(out + n++, load<u8>(digitsAt + i));
    for (let i = nd; i < point; i++) store<u8>(out + n++, 0x30);
  } else {
    if (nd + 1 > 40) return 0;
    for (let i = 0; i < nd; i++) {
      if (i == point) store<u8>(out + n++, 0x2e);
      store<u8>(out + n++, load<u8>(digitsAt + i));
    }
  }
  return n;
}

/** A price or amount field in steps; DEC_OK or the decimal parser's code (exponent notation is rewritten first). */
function steps(col: i32, scale: i32, step: i64, cfg: usize): i32 {
  const off = fieldOff(col);
  const len = fieldLen(col);
  const code = decimalToSteps(off, len, scale, step, false);
  if (code != DEC_EXPONENT) return code;
  const n = plain(off, len, cfg);
  return n > 0 ? decimalToSteps(cfg + CV_PLAIN, n, scale, step, false) : code;
}

// Per-call output cursor.
let oBase: usize = 0;
let oCount: i32 = 0;

function record(): usize {
  return oBase + <usize>(oCount++) * REC_SIZE;
}

function fail(cfg: usize, line: i64, col: i32, code: i32): i32 {
  store<i64>(cfg + CV_ERR_LINE, line);
  store<i32>(cfg + CV_ERR_COL, col);
  return code;
}

/**
 * Reads the whole lines of [buf, buf + len) (and a last line without a newline when `final`) into records at `out`
 * (room for `cap`). Returns the records written — complete messages only — or a CSV_ERR_* code (CV_ERR_LINE,
 * CV_ERR_COL, CV_ERR_DEC say where and why). CV_CONSUMED is how many bytes were handled; the caller passes the
 * rest again with more data after it.
 */
export function csvRecords(buf: usize, len: i32, final: bool, cfg: usize, out: usize, cap: i32): i32 {
  const kind = load<i32>(cfg + CV_KIND);
  const columns = load<i32>(cfg + CV_COLUMNS);
  const cTs = load<i32>(cfg + CV_COL_TS);
  const cLocal = load<i32>(cfg + CV_COL_LOCAL);
  const cFlag = load<i32>(cfg + CV_COL_FLAG);
  const cSide = load<i32>(cfg + CV_COL_SIDE);
  const cPrice = load<i32>(cfg + CV_COL_PRICE);
  const cAmount = load<i32>(cfg + CV_COL_AMOUNT);
  const cSymbol = load<i32>(cfg + CV_COL_SYMBOL);
  const cExchange = load<i32>(cfg + CV_COL_EXCHANGE);
  const inst = load<u32>(cfg + CV_INST);
  const priceScale = load<i32>(cfg + CV_PRICE_SCALE);
  const sizeScale = load<i32>(cfg + CV_SIZE_SCALE);
  const priceStep = load<i64>(cfg + CV_PRICE_STEP);
  const sizeStep = load<i64>(cfg + CV_SIZE_STEP);
  const symPtr = <usize>load<u32>(cfg + CV_SYMBOL_PTR);
  const symLen = load<i32>(cfg + CV_SYMBOL_LEN);
  const book = kind == 1;
  fields = cfg + CV_FIELDS;
  oBase = out;
  oCount = 0;
  store<i32>(cfg + CV_ERR_DEC, 0);
  let line = load<i64>(cfg + CV_LINE);
  let inBook = load<i32>(cfg + CV_IN_BOOK);
  let prevSnap = load<i32>(cfg + CV_PREV_SNAP);
  let lastLocal = load<i64>(cfg + CV_LAST_LOCAL);
  let skippedPre = load<i64>(cfg + CV_SKIPPED_PRE);
  let skippedSym = load<i64>(cfg + CV_SKIPPED_SYM);
  // the open book message: where it started (bytes, records, line) and the state before it
  let msgOpen = false;
  let msgLocal: i64 = 0;
  let msgSnap = 0;
  let msgSkip = false;
  let msgByte: usize = buf;
  let msgRec = 0;
  let msgLine = line;
  let msgInBook = inBook;
  let msgPrevSnap = prevSnap;
  let msgLastLocal = lastLocal;
  let msgSkippedPre = skippedPre;
  let msgSkippedSym = skippedSym;
  const end = buf + <usize>len;
  let p = buf;
  while (p < end) {
    const q = splitLine(p, end);
    if (q >= end && !final) break; // an incomplete line: wait for the rest
    const next = q < end ? q + 1 : q;
    const lineStart = p;
    line++;
    p = next;
    const n = nFields;
    if (n > 0 && n <= MAX_FIELDS) {
      // a CR before the newline belongs to no field
      const last = fields + (<usize>(n - 1) << 3);
      const len = load<i32>(last + 4);
      if (len > 0 && load<u8>(<usize>load<u32>(last) + len - 1) == 0x0d) store<i32>(last + 4, len - 1);
    }
    if (n == 1 && fieldLen(0) == 0) continue; // an empty line
    if (n < columns) return fail(cfg, line, -1, CSV_ERR_COLUMNS);
    if (symLen > 0 && cSymbol >= 0) {
      const off = fieldOff(cSymbol);
      let same = fieldLen(cSymbol) == symLen;
      for (let i = 0; same && i < symLen; i++) same = load<u8>(off + i) == load<u8>(symPtr + i);
      if (!same) {
        skippedSym++;
        continue;
      }
    }
    // one venue's rows: a file joined from two venues' exports would be merged into one tape
    if (cExchange >= 0) {
      const off = fieldOff(cExchange);
      const len = fieldLen(cExchange);
      const kept = min(len, EXCHANGE_KEPT);
      const seen = load<i32>(cfg + CV_EXCHANGE_LEN);
      if (seen < 0) {
        memory.copy(cfg + CV_EXCHANGE, off, <usize>kept);
        store<i32>(cfg + CV_EXCHANGE_LEN, len);
        store<i64>(cfg + CV_EXCHANGE_LINE, line);
      } else {
        let same = len == seen;
        for (let i = 0; same && i < kept; i++) same = load<u8>(off + i) == load<u8>(cfg + CV_EXCHANGE + i);
        if (!same) return fail(cfg, line, cExchange, CSV_ERR_EXCHANGE);
      }
    }
    if (load<u8>(fieldOff(cPrice)) == 0x22 || load<u8>(fieldOff(cSide)) == 0x22)
      return fail(cfg, line, -1, CSV_ERR_QUOTED);
    if (!micros(cLocal)) return fail(cfg, line, cLocal, CSV_ERR_TIME);
    const local = num;
    if (!micros(cTs)) return fail(cfg, line, cTs, CSV_ERR_TIME);
    const exch = num;
    if (local < lastLocal) return fail(cfg, line, cLocal, CSV_ERR_ORDER);
    let code = steps(cPrice, priceScale, priceStep, cfg);
    if (code != DEC_OK) {
      store<i32>(cfg + CV_ERR_DEC, code);
      return fail(cfg, line, cPrice, CSV_ERR_PRICE);
    }
    const price = decimalValue();
    const pdec = decimalWireDecimals();
    code = steps(cAmount, sizeScale, sizeStep, cfg);
    if (code != DEC_OK) {
      store<i32>(cfg + CV_ERR_DEC, code);
      return fail(cfg, line, cAmount, CSV_ERR_AMOUNT);
    }
    const qty = decimalValue();
    const sdec = decimalWireDecimals();
    lastLocal = local;
    if (!book) {
      let side: u32 = 0;
      if (fieldIs(cSide, 0x797562, 3)) side = 1; // buy
      else if (fieldIs(cSide, 0x6c6c6573, 4)) side = 2; // sell
      else if (!fieldIs(cSide, 0x6e776f6e6b6e75, 7)) return fail(cfg, line, cSide, CSV_ERR_SIDE); // unknown
      // trade ids are kept when they are plain integers (most venues); other ids (UUIDs) leave seq 0
      const id: i64 = cFlag >= 0 && digits(cFlag) ? num : 0;
      if (oCount >= cap) {
        line--;
        p = lineStart;
        break;
      }
      const r = record();
      store<u32>(r + R_KIND, <u32>KIND_TRADE | (side << 8) | (<u32>FLAG_LAST << 16));
      store<u32>(r + R_INST, inst);
      store<i64>(r + R_EXCH_TS, exch);
      store<i64>(r + R_LOCAL_TS, local);
      store<i64>(r + R_PRICE, price);
      store<i64>(r + R_QTY, qty);
      store<i64>(r + R_SEQ, id);
      store<i64>(r + R_AUX, 0);
      store<i64>(r + R_AUX2, 0);
      continue;
    }
    let snap = 0;
    if (fieldIs(cFlag, 0x65757274, 4)) snap = 1; // true
    else if (!fieldIs(cFlag, 0x65736c6166, 5)) return fail(cfg, line, cFlag, CSV_ERR_FLAG); // false
    let side: u32 = 0;
    if (fieldIs(cSide, 0x646962, 3)) side = 1; // bid
    else if (fieldIs(cSide, 0x6b7361, 3)) side = 2; // ask
    else return fail(cfg, line, cSide, CSV_ERR_SIDE);
    if (!msgOpen || local != msgLocal || snap != msgSnap) {
      // this row starts a message: the open one is complete
      if (msgOpen && oCount > msgRec) {
        const last = oBase + <usize>(oCount - 1) * REC_SIZE;
        store<u16>(last + R_FLAGS, load<u16>(last + R_FLAGS) | FLAG_LAST);
      }
      msgOpen = true;
      msgLocal = local;
      msgSnap = snap;
      msgByte = lineStart;
      msgRec = oCount;
      msgLine = line - 1;
      msgInBook = inBook;
      msgPrevSnap = prevSnap;
      msgLastLocal = local;
      msgSkippedPre = skippedPre;
      msgSkippedSym = skippedSym;
      // rows before the first snapshot belong to no book (Tardis: buffered updates before a reconnect's snapshot)
      msgSkip = snap == 0 && inBook == 0;
      if (!msgSkip && snap != 0 && prevSnap == 0) {
        // a snapshot after updates (or first of all): the old book is gone
        if (oCount >= cap) break;
        const r = record();
        memory.fill(r, 0, REC_SIZE);
        store<u8>(r + R_KIND, KIND_BOOK_CLEAR);
        store<u16>(r + R_FLAGS, FLAG_SNAPSHOT | FLAG_RESET);
        store<u32>(r + R_INST, inst);
        store<i64>(r + R_EXCH_TS, exch);
        store<i64>(r + R_LOCAL_TS, local);
        inBook = 1;
      }
      if (!msgSkip) prevSnap = snap;
    }
    if (msgSkip) {
      skippedPre++;
      continue;
    }
    if (oCount >= cap) {
      if (msgRec == 0) return fail(cfg, line, -1, CSV_ERR_TOO_BIG);
      break; // the open message goes again next call, from its first row
    }
    const r = record();
    store<u32>(r + R_KIND, <u32>KIND_BOOK_LEVEL | (side << 8) | (<u32>(snap ? FLAG_SNAPSHOT : 0) << 16));
    store<u32>(r + R_INST, inst);
    store<i64>(r + R_EXCH_TS, exch);
    store<i64>(r + R_LOCAL_TS, local);
    store<i64>(r + R_PRICE, price);
    store<i64>(r + R_QTY, qty);
    store<i64>(r + R_SEQ, 0);
    store<i64>(r + R_AUX, 0);
    store<i64>(r + R_AUX2, <i64>(pdec | (sdec << 8)));
  }
  let consumed = p;
  if (book && msgOpen) {
    const whole = final && p >= end;
    if (whole) {
      if (oCount > msgRec) {
        const last = oBase + <usize>(oCount - 1) * REC_SIZE;
        store<u16>(last + R_FLAGS, load<u16>(last + R_FLAGS) | FLAG_LAST);
      }
    } else {
      // the open message is not known to be complete: hand it back, and the state as it was before it
      oCount = msgRec;
      consumed = msgByte;
      line = msgLine;
      inBook = msgInBook;
      prevSnap = msgPrevSnap;
      lastLocal = msgLastLocal;
      skippedPre = msgSkippedPre;
      skippedSym = msgSkippedSym;
    }
  }
  store<i64>(cfg + CV_LINE, line);
  store<i32>(cfg + CV_IN_BOOK, inBook);
  store<i32>(cfg + CV_PREV_SNAP, prevSnap);
  store<i64>(cfg + CV_LAST_LOCAL, lastLocal);
  store<i64>(cfg + CV_SKIPPED_PRE, skippedPre);
  store<i64>(cfg + CV_SKIPPED_SYM, skippedSym);
  store<i32>(cfg + CV_CONSUMED, <i32>(consumed - buf));
  return oCount;
}
