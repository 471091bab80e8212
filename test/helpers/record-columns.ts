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
    cols.exch_ts[i] = exch;
    cols.local_ts[i] = exch + BigInt(feedMs) * 1_000_000n;
    cols.price[i] = BigInt(r.price ?? 0);
    cols.qty[i] = BigInt(r.qty ?? 0);
    cols.seq[i] = BigInt(i + 1);
    cols.aux2[i] = 0x0301n;
  });
  return { cols, rows: n };
}
