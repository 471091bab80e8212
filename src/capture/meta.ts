// The key-value metadata of a market-data file (docs/capture.md), from its records: what the recorder, imports and
// the replay page's conversions write. No I/O: the browser uses it too.
import { SCHEMA_VERSION, RECORDER_VERSION, type FileMeta } from './schema';

/** One stream's identity and grid, as every file of it records them. */
export interface StreamInfo {
  venue: string;
  instType: string;
  symbol: string;
  tickSize: string;
  lotSize: string;
  priceScale: number;
  priceStep: bigint;
  sizeScale: number;
  sizeStep: bigint;
  source: FileMeta['source'];
}

/** The clock offset (local − exchange) a file records, with its bound, round trip and how it was measured. */
export interface ClockEstimate {
  offsetNs: bigint;
  boundNs: bigint;
  rttNs: bigint;
  method: string;
}

const WORDS = 16;

function p1LocalMinusExch(words: Int32Array, n: number): bigint | null {
  const step = Math.max(1, Math.floor(n / 65536));
  const xs: number[] = [];
  for (let i = 0; i < n; i += step) {
    const p = i * WORDS;
    if ((words[p] & 0xff) !== 1) continue; // book levels
    if (words[p + 3] < 0 || (words[p + 3] === 0 && words[p + 2] === 0)) continue; // no exchange stamp
    // the difference from the halves' differences: exact (two stamps as doubles would keep only ~0.25 µs of it)
    xs.push((words[p + 5] - words[p + 3]) * 4294967296 + ((words[p + 4] >>> 0) - (words[p + 2] >>> 0)));
  }
  if (!xs.length) return null;
  xs.sort((a, b) => a - b);
  return BigInt(Math.round(xs[Math.floor(xs.length * 0.01)]));
}

/** The key-value metadata of a market-data file holding `rows` records of `words` (recorder and import alike). */
export function streamMeta(
  i: StreamInfo,
  c: ClockEstimate | null,
  dropped: number,
  firstTs: bigint,
  lastTs: bigint,
  words: Int32Array,
  rows: number,
): FileMeta {
  const p1 = rows ? p1LocalMinusExch(words, rows) : null;
  return {
    schema_version: SCHEMA_VERSION,
    venue: i.venue,
    inst_type: i.instType,
    symbol: i.symbol,
    tick_size: i.tickSize,
    lot_size: i.lotSize,
    price_scale: String(i.priceScale),
    price_step: String(i.priceStep),
    size_scale: String(i.sizeScale),
    size_step: String(i.sizeStep),
    clock_offset_ns: c ? String(c.offsetNs) : '',
    clock_offset_bound_ns: c ? String(c.boundNs) : '',
    clock_offset_method: c?.method ?? '',
    clock_offset_rtt_ns: c ? String(c.rttNs) : '',
    feed_latency_p1_ns: p1 === null ? '' : String(p1),
    recorder_version: RECORDER_VERSION,
    source: i.source,
    dropped_records: String(dropped),
    first_local_ts: String(firstTs),
    last_local_ts: String(lastTs),
    rows: String(rows),
  };
}
