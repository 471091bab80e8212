// The 64-byte market record (docs/design.md §4) and the 256-byte signal record: field offsets, kinds and flags.
// The TypeScript twin is src/core/record.ts; test/core/layout.test.ts holds the two to the same numbers.

export const REC_SIZE: i32 = 64;
export const REC_SHIFT: i32 = 6;

export const R_KIND: i32 = 0;      // u8
export const R_SIDE: i32 = 1;      // u8: 0 none, 1 bid/buy, 2 ask/sell
export const R_FLAGS: i32 = 2;     // u16
export const R_INST: i32 = 4;      // u32 instrument index
export const R_EXCH_TS: i32 = 8;   // i64 ns
export const R_LOCAL_TS: i32 = 16; // i64 ns
export const R_PRICE: i32 = 24;    // i64 ticks
export const R_QTY: i32 = 32;      // i64 lots, 0 deletes
export const R_SEQ: i32 = 40;      // i64 exchange seq / trade id
export const R_AUX: i32 = 48;      // i64 pseq / client order id
export const R_AUX2: i32 = 56;     // i64: book level = wire decimals (price | size << 8) | expected checksum << 32

export const KIND_BOOK_LEVEL: u8 = 1;
export const KIND_BOOK_CLEAR: u8 = 2; // snapshot start or resync; FLAG_RESET also resets the signals
export const KIND_TRADE: u8 = 3;
export const KIND_MSG_END: u8 = 4;    // closes a message that carried no level (it may still carry a checksum)
export const KIND_STATUS: u8 = 5;
export const KIND_ORDER: u8 = 6;
export const KIND_TICKER: u8 = 7;    // a futures ticker push: feed → capture ring → recorder only; the core never applies one
export const KIND_SIGNAL: u8 = 16;

export const SIDE_NONE: i32 = 0;
export const SIDE_BID: i32 = 1;
export const SIDE_ASK: i32 = 2;

export const FLAG_SNAPSHOT: u16 = 1;
export const FLAG_LAST: u16 = 2;      // last record of an exchange message: signals are computed here
export const FLAG_RESET: u16 = 4;     // on BOOK_CLEAR: forget signal state (first snapshot, gap, resync)
export const FLAG_CHECKSUM: u16 = 8;  // on the last record: aux2's high 32 bits hold the exchange's CRC-32

// Status codes (KIND_STATUS records; `seq` holds the code, `aux` a detail). 1–9 come from the core, 10–19 from the
// feed (src/feed) and invalidate that instrument's book until a snapshot; 20+ are information (clock estimates).
export const STATUS_CHECKSUM_MISMATCH: i64 = 1; // aux = our CRC, aux2 = the exchange's
export const STATUS_BOOK_FULL: i64 = 2;         // a side hit its level capacity: resync needed
export const STATUS_NOT_SYNCED: i64 = 3;        // an update arrived while the book awaits a snapshot
export const STATUS_GAP: i64 = 10;              // pseq did not chain to the last seq, or an update came before the snapshot
export const STATUS_DISCONNECT: i64 = 11;
export const STATUS_BAD_FRAME: i64 = 12;        // a book push the decoder refused
export const STATUS_RING_FULL: i64 = 13;        // the market ring had no room for a whole message
export const STATUS_STALE: i64 = 14;            // without pseq: an update whose seq is not above the last one
export const STATUS_RESUBSCRIBE: i64 = 15;
export const STATUS_CAPTURE_LOSS: i64 = 16;     // the recorder lost records (a full capture ring)
export const STATUS_CLOCK_OFFSET: i64 = 20;     // recorder only: price = offset ns, qty = bound ns, aux = round trip ns
export const STATUS_CLOCK_MARK: i64 = 21;       // feed → strategy only, never recorded: nothing stamped before local_ts is still on its way

// Signal record: 256 bytes, written once per valid or invalid book message.
export const SIG_SIZE: i32 = 256;
export const SIG_SHIFT: i32 = 8;
export const S_KIND: i32 = 0;      // u8 = KIND_SIGNAL
export const S_STATE: i32 = 1;     // u8 bits: 1 valid, 2 zReady, 4 checksum verified
export const S_FLAGS: i32 = 2;     // u16: flags of the message's last record
export const S_INST: i32 = 4;      // u32
export const S_EXCH_TS: i32 = 8;
export const S_LOCAL_TS: i32 = 16;
export const S_SEQ: i32 = 24;
export const S_BEST_BID: i32 = 32; // i64 ticks
export const S_BEST_ASK: i32 = 40;
export const S_BID_QTY: i32 = 48;  // i64 lots
export const S_ASK_QTY: i32 = 56;
export const S_SPREAD: i32 = 64;   // i64 ticks
export const S_MSG_COUNT: i32 = 72; // i64 messages applied to this instrument so far
export const S_FIELDS: i32 = 80;
export const S_BEST_DECIMALS: i32 = 232; // u32 wire decimals of the best bid level, then u32 of the best ask   // f64 fields by id: l1, obiN, obiW, obiBand, ofi, ofiDecay, ofiNorm, wmid, z, mlofi[10]
export const SIG_FIELD_COUNT: i32 = 19;
export const MAX_OFI_LEVELS: i32 = 10;

export const STATE_VALID: u8 = 1;
export const STATE_Z_READY: u8 = 2;
export const STATE_CHECKSUM_OK: u8 = 4;
