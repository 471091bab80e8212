import { Kind, Flag } from '../../src/core/index';
// Market records written by hand for backtest tests: each at an exchange time in ms from a fixed origin, reaching us
// a fixed feed latency later, with prices and sizes in ticks and lots (one price decimal, three size decimals).
export const T0 = 1_800_000_000_000_000_000n;

export interface Rec {
  kind: number;
  side?: number;
  flags?: number;
  atMs: number;
  price?: number;
  qty?: number;
  /** A status record's code (src/core/record.ts Status), in the seq column; others are numbered in order. */
  seq?: number;
  /** No exchange stamp (exch_ts 0), as the recorder writes its clock-offset status. */
  noExch?: boolean;
}

/** The columns of a recording (src/capture/schema.ts), typed each (a type, not an interface: it is a Columns too). */
export type RecordCols = {
  kind: Int32Array;
  side: Int32Array;
  flags: Int32Array;
  exch_ts: BigInt64Array;
  local_ts: BigInt64Array;
  price: BigInt64Array;
  qty: BigInt64Array;
  seq: BigInt64Array;
  aux: BigInt64Array;
  aux2: BigInt64Array;
};

/** `recs` as the columns of a recording, local stamps `feedMs` after the exchange's. */
export function recordColumns(recs: Rec[], feedMs = 30): { cols: RecordCols; rows: number } {
  const n = recs.length;
  const cols: RecordCols = {
    kind: new Int32Array(n),
    side: new Int32Array(n),
    flags: new Int32Array(n),
    exch_ts: new BigInt64Array(n),
    local_ts: new BigInt64Array(n),
    price: new BigInt64Array(n),
    qty: new BigInt64Array(n),
    seq: new BigInt64Array(n),
    aux: new BigInt64Array(n),
    aux2: new BigInt64Array(n),
  };
  recs.forEach((r, i) => {
    cols.kind[i] = r.kind;
    cols.side[i] = r.side ?? 0;
    cols.flags[i] = r.flags ?? 0;
    const exch = T0 + BigInt(Math.round(r.atMs * 1e6));
    cols.exch_ts[i] = r.noExch ? 0n : exch;
    cols.local_ts[i] = exch + BigInt(feedMs) * 1_000_000n;
    cols.price[i] = BigInt(r.price ?? 0);
    cols.qty[i] = BigInt(r.qty ?? 0);
    cols.seq[i] = BigInt(r.seq ?? i + 1);
    cols.aux2[i] = 0x0301n;
  });
  return { cols, rows: n };
}

/** A book message: levels [side, price, qty], the last one flagged; `snapshot` clears the book first. */
export function bookMessage(atMs: number, levels: Array<[1 | 2, number, number]>, snapshot = false): Rec[] {
  const out: Rec[] = snapshot ? [{ kind: Kind.bookClear, flags: Flag.snapshot | Flag.reset, atMs }] : [];
  levels.forEach(([side, price, qty], i) =>
    out.push({
      kind: Kind.bookLevel,
      side,
      price,
      qty,
      atMs,
      flags: (snapshot ? Flag.snapshot : 0) | (i === levels.length - 1 ? Flag.last : 0),
    }),
  );
  return out;
}

/** A public trade: `taker` 1 = a buyer lifted the ask, 2 = a seller hit the bid. */
export const tradeRecord = (atMs: number, taker: 1 | 2, price: number, qty: number): Rec => ({
  kind: Kind.trade,
  side: taker,
  atMs,
  price,
  qty,
});
