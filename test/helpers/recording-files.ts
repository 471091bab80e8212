// A small recording of many files for tests that damage some of them: the Bitget-like book stream cut into `count`
// market-data files of `rows` rows each, in the hive layout, with the metadata the recorder writes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { bookRecords } from '../../bench/bookstream';
import { encodeParquet } from '../../src/capture/parquet/encode';
import { marketPath, SCHEMA_VERSION, type FileMeta } from '../../src/capture/schema';
import { R } from '../../src/core/record';

const ts = (w: Int32Array, rec: number) => (BigInt(w[rec * 16 + R.localTs / 4 + 1]) << 32n) | BigInt(w[rec * 16 + R.localTs / 4] >>> 0);

export function recordingMeta(first: bigint, last: bigint, rows: number, extra: Partial<FileMeta> = {}): FileMeta {
  return {
    schema_version: SCHEMA_VERSION,
    venue: 'bitget',
    inst_type: 'USDT-FUTURES',
    symbol: 'BTCUSDT',
    tick_size: '0.1',
    lot_size: '0.001',
    price_scale: '1',
    price_step: '1',
    size_scale: '3',
    size_step: '1',
    clock_offset_ns: '',
    clock_offset_bound_ns: '',
    clock_offset_method: '',
    clock_offset_rtt_ns: '',
    feed_latency_p1_ns: '',
    recorder_version: 'test',
    source: 'replay',
    dropped_records: '0',
    first_local_ts: String(first),
    last_local_ts: String(last),
    rows: String(rows),
    ...extra,
  };
}

/**
 * Writes `count` files of `rows` records each under `root` (file k with metadata `metaOf(k)` over the recorder's);
 * returns their paths in replay order and the records.
 */
export function writeFiles(
  root: string,
  count: number,
  rows: number,
  seed = 5,
  metaOf: (k: number) => Partial<FileMeta> = () => ({}),
): { paths: string[]; words: Int32Array } {
  const { words, n } = bookRecords(count * rows + 64, seed);
  if (n < count * rows) throw new Error('the stream gave too few records');
  const paths: string[] = [];
  for (let k = 0; k < count; k++) {
    const a = k * rows;
    const path = marketPath(root, 'bitget', 'USDT-FUTURES', 'BTCUSDT', ts(words, a), k);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, encodeParquet(words, a * 16, rows, recordingMeta(ts(words, a), ts(words, a + rows - 1), rows, metaOf(k))));
    paths.push(path);
  }
  return { paths, words };
}
