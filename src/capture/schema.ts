// The capture contract (docs/design.md §6, docs/capture.md): one Parquet row per 64-byte record, signed INT64 for every
// 64-bit field (DuckDB rejects the unsigned INTEGER logical type hyparquet-writer emits), DELTA_BINARY_PACKED for
// every integer column (typed arrays on read, ~4 bytes/row) and SNAPPY pages.

export const SCHEMA_VERSION = '1';
export const RECORDER_VERSION = 'ringbook-recorder/0.1.0';

/** Column name, the record's byte offset, and the Parquet physical type. */
export const COLUMNS = [
  { name: 'kind', at: 0, type: 'INT32', width: 1 },
  { name: 'side', at: 1, type: 'INT32', width: 1 },
  { name: 'flags', at: 2, type: 'INT32', width: 2 },
  { name: 'exch_ts', at: 8, type: 'INT64', width: 8 },
  { name: 'local_ts', at: 16, type: 'INT64', width: 8 },
  { name: 'price', at: 24, type: 'INT64', width: 8 },
  { name: 'qty', at: 32, type: 'INT64', width: 8 },
  { name: 'seq', at: 40, type: 'INT64', width: 8 },
  { name: 'aux', at: 48, type: 'INT64', width: 8 },
  { name: 'aux2', at: 56, type: 'INT64', width: 8 },
] as const;

export type ColumnName = (typeof COLUMNS)[number]['name'];

/** A row group's columns by name, as typed arrays: INT64 columns as BigInt64Array, INT32 as Int32Array. */
export type Columns = Record<string, Int32Array | BigInt64Array>;

/** Key-value metadata every file carries (values are strings). */
export interface FileMeta {
  schema_version: string;
  venue: string;
  inst_type: string;
  symbol: string;
  tick_size: string;
  lot_size: string;
  price_scale: string;
  price_step: string;
  size_scale: string;
  size_step: string;
  /** local − exchange clock, ns, from REST round trips (minimum-RTT sample); '' when never measured. */
  clock_offset_ns: string;
  clock_offset_bound_ns: string;
  clock_offset_method: string;
  clock_offset_rtt_ns: string;
  /** Low quantile (p1) of local_ts − exch_ts over this file's book records: offset + minimum one-way latency. */
  feed_latency_p1_ns: string;
  recorder_version: string;
  /** tardis: imported from Tardis.dev data (`ringbook import`, docs/import.md). */
  source: 'live' | 'demo' | 'simulator' | 'replay' | 'tardis';
  /** Records lost before reaching this file (capture ring full, disk errors); 0 in a healthy recording. */
  dropped_records: string;
  first_local_ts: string;
  last_local_ts: string;
  rows: string;
}

/** Hive path of a market-data file: <root>/venue=…/inst_type=…/symbol=…/date=YYYY-MM-DD/<first_local_ts>-<n>.parquet */
const DAY_NS = 86_400_000_000_000n;

/** The first UTC midnight after local time `ns`: where a file's date= partition ends (files roll there). */
export const nextUtcMidnight = (ns: bigint): bigint => (ns / DAY_NS + 1n) * DAY_NS;

export function marketPath(root: string, venue: string, instType: string, symbol: string, firstLocalTsNs: bigint, n: number): string {
  const date = new Date(Number(firstLocalTsNs / 1_000_000n)).toISOString().slice(0, 10);
  return `${root}/venue=${venue}/inst_type=${instType}/symbol=${symbol}/date=${date}/${firstLocalTsNs}-${n}.parquet`;
}

/**
 * The partition a market-data file's path names (marketPath's form), or null for any other path: what is known of a
 * file that cannot be opened (a damaged one still says which stream it belonged to and from when).
 */
export function marketPathParts(path: string): { venue: string; instType: string; symbol: string; firstLocalTsNs: bigint } | null {
  const m = /(?:^|\/)venue=([^/]+)\/inst_type=([^/]+)\/symbol=([^/]+)\/date=[^/]+\/(\d+)-\d+\.parquet$/.exec(path);
  return m ? { venue: m[1], instType: m[2], symbol: m[3], firstLocalTsNs: BigInt(m[4]) } : null;
}

/** Raw frames live apart from the market tree (another schema): <root>/_raw/venue=…/date=…/<first_local_ts>-<n>.parquet */
export function rawPath(root: string, venue: string, firstLocalTsNs: bigint, n: number): string {
  const date = new Date(Number(firstLocalTsNs / 1_000_000n)).toISOString().slice(0, 10);
  return `${root}/_raw/venue=${venue}/date=${date}/${firstLocalTsNs}-${n}.parquet`;
}
