// WHEN TO USE: the engine thread's loop body. It applies market records (docs/design.md §4) to the books of up to
// `maxInstruments` instruments, verifies checksums at message ends, computes the signals once per whole message and
// publishes 256-byte signal/status/trade records to an output ring. Deterministic: the same records in give the
// same bytes out. Only the engine instance may call engineNew/engineAddInstrument (they allocate).

import {
  R_KIND, R_SIDE, R_FLAGS, R_INST, R_EXCH_TS, R_LOCAL_TS, R_PRICE, R_QTY, R_SEQ, R_AUX, R_AUX2, REC_SIZE, REC_SHIFT,
  KIND_BOOK_LEVEL, KIND_BOOK_CLEAR, KIND_TRADE, KIND_MSG_END, KIND_SIGNAL, KIND_STATUS,
  FLAG_LAST, FLAG_RESET, FLAG_CHECKSUM, SIG_SIZE,
  S_KIND, S_STATE, S_FLAGS, S_INST, S_EXCH_TS, S_LOCAL_TS, S_SEQ, S_MSG_COUNT,
  STATUS_CHECKSUM_MISMATCH, STATUS_BOOK_FULL, STATUS_NOT_SYNCED, STATUS_BAD_FRAME, STATE_CHECKSUM_OK, SIDE_BID, SIDE_ASK,
} from "./record";
import { bookNew, bookClear, bookSet, bookChecksum } from "./book";
import { copyBytes, zeroBytes } from "./move";
import { signalsNew, signalsReset, signalsUpdate } from "./signals";
import { CONTROL_COUNT, CONTROL_LINE } from "./layout";
import { ringPush, ringReadable, ringRelease, ringCapacity, ringTail, ringSlot } from "./ring";

// Engine: +0 maxInstruments i32, +8 instrument table ptr, +16 bad-record counter i64, +24 control lines ptr,
// +64 scratch record (256 B).
const E_MAX: usize = 0;
const E_TABLE: usize = 8;
const E_BAD: usize = 16;
const E_CONTROL: usize = 24;
const E_SCRATCH: usize = 64;
const E_BYTES: usize = 64 + 256;

// Instrument: pointers, sync state, then counters (i64), then the last signal record (256 B).
export const I_BOOK: usize = 0;
export const I_SIGNALS: usize = 8;
export const I_SYNCED: usize = 16;          // i32: 1 after a book clear, 0 after a checksum failure or a full book
export const I_MESSAGES: usize = 64;        // i64 counters from here on
export const I_LEVELS: usize = 72;
export const I_CHECKSUM_OK: usize = 80;
export const I_CHECKSUM_FAIL: usize = 88;
export const I_BOOK_FULL: usize = 96;
export const I_IGNORED: usize = 104;        // level records dropped while awaiting a snapshot
export const I_INVALID: usize = 112;        // messages that left the book one-sided or crossed
export const I_OUT_DROPS: usize = 120;      // output records lost to a full output ring
export const I_TRADES: usize = 128;
export const I_FEED_STATUS: usize = 136;    // status records from the feed (each one invalidated the book)
// usize: where a message's signal record is written; 0 = I_LAST_SIGNAL. A replay that delivers each message later
// (at its local time, after later messages were applied) points it at a slot of its own for every message, so the
// record stays where the core wrote it until the strategy has read it: no copy.
export const I_SIGNAL_OUT: usize = 144;
export const I_LAST_SIGNAL: usize = 256;
const I_BYTES: usize = 512;

/**
 * Start-up only. `control` (0 = none) is the base of the per-instrument control lines in the shared header
 * (src/core/layout.ts CONTROL): the engine bumps line i's request counter whenever instrument i needs a fresh
 * snapshot (checksum mismatch, full book), and the feed thread resubscribes when it sees the counter move.
 */
export function engineNew(maxInstruments: i32, control: usize): usize {
  const e = (heap.alloc(E_BYTES + 64) + 63) & ~<usize>63;
  memory.fill(e, 0, E_BYTES);
  store<i32>(e + E_MAX, maxInstruments);
  const table = heap.alloc(<usize>maxInstruments << 3);
  memory.fill(table, 0, <usize>maxInstruments << 3);
  store<usize>(e + E_TABLE, table);
  store<usize>(e + E_CONTROL, control);
  return e;
}

function requestResync(e: usize, idx: u32): void {
  const control = load<usize>(e + E_CONTROL);
  if (control != 0 && idx < <u32>CONTROL_COUNT) atomic.add<u32>(control + <usize>idx * CONTROL_LINE, 1);
}

/** Start-up only: creates instrument `idx` with its book and signal state; returns its address. */
export function engineAddInstrument(
  e: usize, idx: i32, levelsPerSide: i32, priceScale: i32, priceStep: i64, sizeScale: i32, sizeStep: i64,
  zCapacity: i32,
): usize {
  if (<u32>idx >= <u32>load<i32>(e + E_MAX)) return 0;
  const inst = (heap.alloc(I_BYTES + 64) + 63) & ~<usize>63;
  memory.fill(inst, 0, I_BYTES);
  store<usize>(inst + I_BOOK, bookNew(levelsPerSide, priceScale, priceStep, sizeScale, sizeStep));
  store<usize>(inst + I_SIGNALS, signalsNew(zCapacity));
  store<usize>(load<usize>(e + E_TABLE) + (<usize>idx << 3), inst);
  return inst;
}

export function engineInstrument(e: usize, idx: i32): usize {
  if (<u32>idx >= <u32>load<i32>(e + E_MAX)) return 0;
  return load<usize>(load<usize>(e + E_TABLE) + (<usize>idx << 3));
}

/** Records naming an unknown instrument or kind. */
export function engineBadRecords(e: usize): i64 {
  return load<i64>(e + E_BAD);
}

// @ts-ignore: decorator
@inline function bump(inst: usize, counter: usize): void {
  store<i64>(inst + counter, load<i64>(inst + counter) + 1);
}

function emit(inst: usize, rec: usize, out: usize): void {
  if (out != 0 && !ringPush(out, rec)) bump(inst, I_OUT_DROPS);
  emitted |= REPLAY_RING;
}

/** engineReplayMessage's flags beside the count of records applied (the low 16 bits). */
export const REPLAY_SIGNAL: u32 = 1 << 16;
export const REPLAY_RING: u32 = 1 << 17;
// engineReplayMessage's mode and what its call produced (per instance: the engine instance's own globals).
let inPlace = false;
let emitted: u32 = 0;

function emitStatus(e: usize, inst: usize, idx: u32, src: usize, code: i64, a: i64, b: i64, out: usize): void {
  const r = e + E_SCRATCH;
  zeroBytes(r, SIG_SIZE);
  store<u8>(r + R_KIND, KIND_STATUS);
  store<u32>(r + R_INST, idx);
  store<i64>(r + R_EXCH_TS, load<i64>(src + R_EXCH_TS));
  store<i64>(r + R_LOCAL_TS, load<i64>(src + R_LOCAL_TS));
  store<i64>(r + R_SEQ, code);
  store<i64>(r + R_AUX, a);
  store<i64>(r + R_AUX2, b);
  emit(inst, r, out);
}

function endMessage(e: usize, inst: usize, idx: u32, rec: usize, out: usize): void {
  bump(inst, I_MESSAGES);
  if (load<i32>(inst + I_SYNCED) == 0) return;
  const book = load<usize>(inst + I_BOOK);
  const flags = load<u16>(rec + R_FLAGS);
  let state: u8 = 0;
  if (flags & FLAG_CHECKSUM) {
    const expected = <i32>(load<i64>(rec + R_AUX2) >> 32);
    const got = bookChecksum(book, 25);
    if (got != expected) {
      // The book no longer matches the exchange: stop trusting it until the next snapshot.
      bump(inst, I_CHECKSUM_FAIL);
      store<i32>(inst + I_SYNCED, 0);
      signalsReset(load<usize>(inst + I_SIGNALS));
      requestResync(e, idx);
      emitStatus(e, inst, idx, rec, STATUS_CHECKSUM_MISMATCH, got, expected, out);
      return;
    }
    bump(inst, I_CHECKSUM_OK);
    state = STATE_CHECKSUM_OK;
  }
  const to = load<usize>(inst + I_SIGNAL_OUT);
  const sig = to != 0 ? to : inst + I_LAST_SIGNAL;
  store<u8>(sig + S_KIND, KIND_SIGNAL);
  store<u16>(sig + S_FLAGS, flags);
  store<u32>(sig + S_INST, idx);
  store<i64>(sig + S_EXCH_TS, load<i64>(rec + R_EXCH_TS));
  store<i64>(sig + S_LOCAL_TS, load<i64>(rec + R_LOCAL_TS));
  store<i64>(sig + S_SEQ, load<i64>(rec + R_SEQ));
  store<i64>(sig + S_MSG_COUNT, load<i64>(inst + I_MESSAGES));
  if (!signalsUpdate(load<usize>(inst + I_SIGNALS), book, load<i64>(rec + R_LOCAL_TS), sig)) bump(inst, I_INVALID);
  store<u8>(sig + S_STATE, load<u8>(sig + S_STATE) | state);
  if (inPlace) emitted |= REPLAY_SIGNAL;
  else emit(inst, sig, out);
}

/** Applies `n` contiguous 64-byte records at `recs`; output records go to ring `out` (0 = none). */
export function engineApply(e: usize, recs: usize, n: u32, out: usize): void {
  applyRecords(e, recs, n, out, false);
}

/**
 * Applies records from `recs` (at most `n`) up to and including the first one that ends a market message (a book
 * level or clear with FLAG_LAST, or any other kind); returns how many it applied. A replay that interleaves its own
 * events between messages calls this once per message instead of finding the boundaries itself.
 */
export function engineApplyMessage(e: usize, recs: usize, n: u32, out: usize): u32 {
  return applyRecords(e, recs, n, out, true);
}

// The record loop of engineApply and engineApplyMessage (which stops after a message's last record, found as it
// goes rather than by a scan ahead). Returns the records applied.
// @ts-ignore: decorator
@inline function applyRecords(e: usize, recs: usize, n: u32, out: usize, oneMessage: bool): u32 {
  const max = <u32>load<i32>(e + E_MAX);
  const table = load<usize>(e + E_TABLE);
  for (let j: u32 = 0; j < n; j++) {
    const rec = recs + (<usize>j << REC_SHIFT);
    const kind = load<u8>(rec + R_KIND);
    const flags = load<u16>(rec + R_FLAGS);
    const idx = load<u32>(rec + R_INST);
    const inst = idx < max ? load<usize>(table + (<usize>idx << 3)) : 0;
    if (inst == 0) store<i64>(e + E_BAD, load<i64>(e + E_BAD) + 1);
    else applyRecord(e, inst, idx, rec, kind, flags, out);
    if (oneMessage && ((kind != KIND_BOOK_LEVEL && kind != KIND_BOOK_CLEAR) || (flags & FLAG_LAST) != 0)) return j + 1;
  }
  return n;
}

// @ts-ignore: decorator
@inline function applyRecord(e: usize, inst: usize, idx: u32, rec: usize, kind: u8, flags: u16, out: usize): void {
  if (kind == KIND_BOOK_LEVEL) {
    if (load<i32>(inst + I_SYNCED) != 0) {
      bump(inst, I_LEVELS);
      const aux2 = load<i64>(rec + R_AUX2);
      const side = <i32>load<u8>(rec + R_SIDE);
      const qty = load<i64>(rec + R_QTY);
      if ((side != SIDE_BID && side != SIDE_ASK) || qty < 0) {
        // on neither side, or of a negative size: no decoder makes one, a damaged file can; the book is not to be
        // trusted until the next snapshot (and the side would address memory outside the book)
        store<i32>(inst + I_SYNCED, 0);
        signalsReset(load<usize>(inst + I_SIGNALS));
        requestResync(e, idx);
        emitStatus(e, inst, idx, rec, STATUS_BAD_FRAME, 0, 0, out);
      } else if (!bookSet(load<usize>(inst + I_BOOK), side, load<i64>(rec + R_PRICE), qty, <u32>(aux2 & 0xffff))) {
        bump(inst, I_BOOK_FULL);
        store<i32>(inst + I_SYNCED, 0);
        signalsReset(load<usize>(inst + I_SIGNALS));
        requestResync(e, idx);
        emitStatus(e, inst, idx, rec, STATUS_BOOK_FULL, 0, 0, out);
      }
    } else {
      bump(inst, I_IGNORED);
      if (flags & FLAG_LAST) emitStatus(e, inst, idx, rec, STATUS_NOT_SYNCED, load<i64>(rec + R_SEQ), 0, out);
    }
    if (flags & FLAG_LAST) endMessage(e, inst, idx, rec, out);
  } else if (kind == KIND_BOOK_CLEAR) {
    bookClear(load<usize>(inst + I_BOOK));
    store<i32>(inst + I_SYNCED, 1);
    if (flags & FLAG_RESET) signalsReset(load<usize>(inst + I_SIGNALS));
    if (flags & FLAG_LAST) endMessage(e, inst, idx, rec, out);
  } else if (kind == KIND_MSG_END) {
    endMessage(e, inst, idx, rec, out);
  } else if (kind == KIND_STATUS) {
    // Codes 10–19: the feed lost continuity (gap, disconnect, bad frame, lost capture): the book is stale until
    // the next snapshot. Other codes (clock estimates, …) are information and only travel on.
    const code = load<i64>(rec + R_SEQ);
    if (code >= 10 && code < 20) {
      bump(inst, I_FEED_STATUS);
      store<i32>(inst + I_SYNCED, 0);
      signalsReset(load<usize>(inst + I_SIGNALS));
    }
    const r = e + E_SCRATCH;
    copyBytes(r, rec, REC_SIZE);
    zeroBytes(r + REC_SIZE, SIG_SIZE - REC_SIZE);
    emit(inst, r, out);
  } else if (kind == KIND_TRADE) {
    bump(inst, I_TRADES);
    // Trades travel on to the strategy unchanged (in the first 64 bytes of an output record), unless the replay
    // reads them from its own records.
    if (!inPlace) {
      const r = e + E_SCRATCH;
      copyBytes(r, rec, REC_SIZE);
      zeroBytes(r + REC_SIZE, SIG_SIZE - REC_SIZE);
      emit(inst, r, out);
    }
  } else {
    store<i64>(e + E_BAD, load<i64>(e + E_BAD) + 1);
  }
}

/**
 * engineApplyMessage for a replay that reads what it needs where it already is: the message's signal stays in the
 * instrument's last-signal record (I_LAST_SIGNAL) instead of being copied to `out`, and trades are not copied out
 * (the replay has their input records). Status records still go to `out`. Returns the records applied (≤ 65535),
 * | 1 << 16 when a signal was computed, | 1 << 17 when anything went to `out`.
 */
export function engineReplayMessage(e: usize, recs: usize, n: u32, out: usize): u32 {
  inPlace = true;
  emitted = 0;
  const j = engineApplyMessage(e, recs, min<u32>(n, 0xffff), out);
  inPlace = false;
  return j | emitted;
}

/**
 * Consumes up to `max` records from ring `input` in place (no copy), applies them and frees them. Returns how many
 * were consumed; 0 when the ring was empty.
 */
export function engineDrain(e: usize, input: usize, out: usize, max: u32): u32 {
  const avail = ringReadable(input, max);
  if (avail == 0) return 0;
  const cap = ringCapacity(input);
  const tail = ringTail(input);
  const first = tail & (cap - 1);
  const run = min<u32>(avail, cap - first);
  engineApply(e, ringSlot(input, tail), run, out);
  if (run < avail) engineApply(e, ringSlot(input, tail + run), avail - run, out);
  ringRelease(input, avail);
  return avail;
}
