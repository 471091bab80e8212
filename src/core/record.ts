// The 64-byte market record and the 256-byte signal record (docs/design.md §4): byte offsets, kinds and flags.
// Mirrors assembly/record.ts; test/core/layout.test.ts checks the two against each other through the core.

export const REC_SIZE = 64;
export const REC_SHIFT = 6;
export const R = {
  kind: 0,
  side: 1,
  flags: 2,
  inst: 4,
  exchTs: 8,
  localTs: 16,
  price: 24,
  qty: 32,
  seq: 40,
  aux: 48,
  aux2: 56,
} as const;

export const Kind = {
  bookLevel: 1,
  bookClear: 2,
  trade: 3,
  msgEnd: 4,
  status: 5,
  order: 6,
  /** Funding and mark/index prices from the `ticker` channel: capture ring → recorder only, never the core (docs/design.md §4.2). */
  ticker: 7,
  signal: 16,
} as const;

export const Side = { none: 0, bid: 1, ask: 2 } as const;
export type BookSide = 1 | 2;

export const Flag = { snapshot: 1, last: 2, reset: 4, checksum: 8 } as const;

/** Whether a record ends its market message: book levels and clears run on until one carries `last`; every other
 * kind (trade, message end, status) is a message of its own. */
export function endsMessage(kind: number, flags: number): boolean {
  return !((kind === Kind.bookLevel || kind === Kind.bookClear) && (flags & Flag.last) === 0);
}

/**
 * Codes of status records (in `seq`): 1–9 from the core, 10–19 from the feed (each one on the market ring
 * invalidates that instrument's book until the next snapshot), 20+ information.
 */
export const Status = {
  checksumMismatch: 1,
  bookFull: 2,
  notSynced: 3,
  gap: 10,
  disconnect: 11,
  badFrame: 12,
  ringFull: 13,
  stale: 14,
  resubscribe: 15,
  captureLoss: 16,
  /** Recorder only: a clock-offset estimate (price = offset ns, qty = bound ns, aux = round trip ns). */
  clockOffset: 20,
  /**
   * Multi-thread layout, feed → strategy only (never recorded): the feed has published everything it stamped before
   * this record's local_ts, so the strategy's timer may tick up to it (src/live/trader.ts).
   */
  clockMark: 21,
} as const;

export const SIG_SIZE = 256;
export const SIG_SHIFT = 8;
export const S = {
  kind: 0,
  state: 1,
  flags: 2,
  inst: 4,
  exchTs: 8,
  localTs: 16,
  seq: 24,
  bestBid: 32,
  bestAsk: 40,
  bidQty: 48,
  askQty: 56,
  spread: 64,
  msgCount: 72,
  fields: 80,
  bestDecimals: 232,
} as const;

/** Signal field ids (docs/signals.md); f64 at S.fields + 8·id. mlofi level m (0-based) is id 9 + m. */
export const Field = {
  l1: 0,
  obiN: 1,
  obiW: 2,
  obiBand: 3,
  ofi: 4,
  ofiDecay: 5,
  ofiNorm: 6,
  wmid: 7,
  z: 8,
  mlofi: 9,
} as const;
export type FieldName = keyof typeof Field;
export const MAX_OFI_LEVELS = 10;
export const SIG_FIELD_COUNT = 19;

export const State = { valid: 1, zReady: 2, checksumOk: 4 } as const;

/** Packs the wire decimal counts of a level's price and size strings into a record's aux2. */
export function wireDecimals(priceDec: number, sizeDec: number): number {
  return (priceDec & 0xff) | ((sizeDec & 0xff) << 8);
}
