// The capture schema's own Parquet writer (src/capture/parquet/file-writer.ts, src/capture/parquet/delta.ts): byte-identical
// DELTA_BINARY_PACKED and snappy output to hyparquet-writer's, exact round trips through hyparquet and DuckDB for
// adversarial int64/int32 data (±2^63, beyond 2^53, deltas overflowing 64 bits, bit widths 0–64, 1/32/33/128/129
// rows), the file contract of encodeParquet (schema, key/value metadata, timestamp statistics, one page per column
// chunk so src/capture/parquet/reader.ts streams row groups back) and its size on a Bitget-like stream.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata, parquetRead, snappyUncompress } from 'hyparquet';
import { ByteWriter, parquetWriteBuffer } from 'hyparquet-writer';
import { deltaBinaryPack } from 'hyparquet-writer/src/delta.js';
import { snappyCompress } from 'hyparquet-writer/src/snappy.js';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { deltaInt32, deltaInt64, maxEncodedBytes } from '../../../src/capture/parquet/delta';
import { writeParquet, snappyCompressFast, type FastColumn } from '../../../src/capture/parquet/file-writer';
import { encodeParquet } from '../../../src/capture/parquet/encode';
import { rowGroups, columnsToRecords } from '../../../src/capture/parquet/reader';
import { COLUMNS } from '../../../src/capture/schema';
import { bookRecords } from '../../../bench/bookstream';
import { bigIntCalls } from '../../helpers/bigint-calls';
import { rng } from '../../../bench/stats';

const MIN64 = -(2n ** 63n);
const MAX64 = 2n ** 63n - 1n;
const tmp = mkdtempSync(join(tmpdir(), 'ringbook-file-writer-'));

// ---- adversarial data -------------------------------------------------------------------------------------------

const EXTREMES64 = [
  MIN64,
  MAX64,
  -1n,
  0n,
  1n,
  MIN64 + 1n,
  MAX64 - 1n,
  2n ** 53n + 1n,
  -(2n ** 53n) - 1n,
  2n ** 32n,
  2n ** 32n - 1n,
  -(2n ** 32n),
  2n ** 31n,
  -(2n ** 31n) - 1n,
  2n ** 62n,
  -(2n ** 62n),
  1_795_000_000_000_000_000n,
];

/** Seeded int64 series, each stressing another part of the encoder. */
function gen64(kind: string, n: number, seed: number): BigInt64Array {
  const r = rng(seed);
  const u32 = () => BigInt(Math.floor(r() * 2 ** 32));
  const rand64 = () => BigInt.asIntN(64, (u32() << 32n) | u32());
  const out = new BigInt64Array(n);
  let v = 0n;
  for (let i = 0; i < n; i++) {
    switch (kind) {
      case 'random64':
        out[i] = rand64();
        break; // deltas overflow 64 bits all the time: widths up to 64
      case 'extremes':
        out[i] = EXTREMES64[Math.floor(r() * EXTREMES64.length)];
        break;
      case 'alternating':
        out[i] = i % 2 ? MAX64 : MIN64;
        break; // deltas ±1 after wrapping
      case 'alternating0':
        out[i] = i % 2 ? MIN64 : 0n;
        break; // every delta is −2^63 (wrapped): width 0
      case 'alternatingNear':
        out[i] = i % 2 ? MAX64 - BigInt(i) : MIN64 + BigInt(i);
        break;
      case 'constant':
        out[i] = -123456789012345678n;
        break;
      case 'zero':
        out[i] = 0n;
        break;
      case 'timestamps':
        v = i === 0 ? 1_795_000_000_000_000_000n : v + BigInt(Math.floor(r() * r() * 200_000));
        out[i] = v;
        break;
      case 'loWrap':
        out[i] = 2n ** 32n * 7n - 64n + BigInt(i) * 3n - BigInt(i % 5);
        break; // low halves wrap: borrows
      // same high half, the low half wrapping past 2^32 without a carry: a delta of 3 − 2^32 between small ones
      case 'loWrapNoCarry':
        out[i] = 5n * 2n ** 32n + BigInt((0xffffff00 + ((3 * i) % 600)) >>> 0);
        break;
      case 'loSign':
        out[i] = 3n * 2n ** 32n + 2n ** 31n - 500n + BigInt(i);
        break; // low half crosses its sign bit
      case 'loSignDown':
        out[i] = -3n * 2n ** 32n + 2n ** 31n + 500n - BigInt(i);
        break;
      case 'descending':
        out[i] = MAX64 - BigInt(i) * 1_000_000_007n;
        break;
      case 'walk':
        v += BigInt(Math.floor(r() * 2001) - 1000);
        out[i] = v + 2n ** 60n;
        break;
      case 'jumps':
        v += r() < 0.02 ? (r() < 0.5 ? -1n : 1n) * 2n ** BigInt(33 + Math.floor(r() * 29)) : BigInt(Math.floor(r() * 100));
        out[i] = v;
        break;
      case 'bigSteps':
        out[i] = BigInt.asIntN(64, BigInt(i) * 0x7fff_ffff_ffffn);
        break; // constant 47-bit delta
      case 'widths': {
        // each miniblock reaches exactly 2^w − 1 above its minimum delta, w = 0..64
        const w = BigInt(Math.floor(i / 32) % 65);
        v = BigInt.asIntN(64, v + (i % 32 === 7 ? (1n << w) - 1n : 0n));
        out[i] = v;
        break;
      }
      default:
        throw new Error(kind);
    }
  }
  return out;
}
const KINDS64 = [
  'random64',
  'extremes',
  'alternating',
  'alternating0',
  'alternatingNear',
  'constant',
  'zero',
  'timestamps',
  'loWrap',
  'loWrapNoCarry',
  'loSign',
  'loSignDown',
  'descending',
  'walk',
  'jumps',
  'bigSteps',
  'widths',
];

function gen32(kind: string, n: number, seed: number): Int32Array {
  const r = rng(seed);
  const out = new Int32Array(n);
  const ex = [-0x80000000, 0x7fffffff, -1, 0, 1, 0x40000000, -0x40000001];
  for (let i = 0; i < n; i++) {
    switch (kind) {
      case 'random32':
        out[i] = Math.floor(r() * 2 ** 32) | 0;
        break;
      case 'extremes32':
        out[i] = ex[Math.floor(r() * ex.length)];
        break;
      case 'alternating32':
        out[i] = i % 2 ? 0x7fffffff : -0x80000000;
        break;
      case 'small':
        out[i] = Math.floor(r() * 3);
        break;
      case 'constant32':
        out[i] = 77;
        break;
      case 'signCross':
        out[i] = i % 3 === 0 ? -5 - i : 5 + i;
        break;
      default:
        throw new Error(kind);
    }
  }
  return out;
}
const KINDS32 = ['random32', 'extremes32', 'alternating32', 'small', 'constant32', 'signCross'];

const COUNTS = [1, 2, 31, 32, 33, 127, 128, 129, 130, 160, 161, 256, 257, 1000, 4097];

const halves = (a: BigInt64Array) => new Int32Array(a.buffer, a.byteOffset, a.length * 2);

function hyparquetWriterDelta(values: Int32Array | BigInt64Array, type: 'INT32' | 'INT64'): Uint8Array {
  const w = new ByteWriter();
  deltaBinaryPack(w, values, type);
  return w.getBytes().slice();
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ---- reading back -----------------------------------------------------------------------------------------------

const ab = (u: Uint8Array) => u.buffer.slice(u.byteOffset, u.byteOffset + u.length) as ArrayBuffer;

/** Every column of the file through hyparquet, pages placed by their row ranges; checks each page is typed. */
async function readAll(data: Uint8Array): Promise<Record<string, Int32Array | BigInt64Array>> {
  const file = ab(data);
  const md = parquetMetadata(file);
  const rows = Number(md.num_rows);
  const out: Record<string, Int32Array | BigInt64Array> = {};
  for (const el of md.schema.slice(1)) out[el.name] = el.type === 'INT64' ? new BigInt64Array(rows) : new Int32Array(rows);
  await parquetRead({
    file,
    metadata: md,
    onChunk: (c: { columnName: string; columnData: any; rowStart: number; rowEnd: number }) => {
      const dst = out[c.columnName];
      if (dst instanceof BigInt64Array) assert.instance(c.columnData, BigInt64Array, `${c.columnName}: BigInt64Array pages`);
      else assert.instance(c.columnData, Int32Array, `${c.columnName}: Int32Array pages`);
      (dst as any).set(c.columnData, c.rowStart);
    },
  } as any);
  return out;
}

function firstDiff(a: ArrayLike<unknown>, b: ArrayLike<unknown>): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

let duck: DuckDBConnection | undefined;
async function duckdb(): Promise<DuckDBConnection> {
  duck ??= await (await DuckDBInstance.create(':memory:')).connect();
  return duck;
}
async function sql(q: string): Promise<Record<string, any>[]> {
  return (await (await duckdb()).runAndReadAll(q)).getRowObjectsJson() as Record<string, any>[];
}

/** DuckDB's view of every column: all values in file order, and count/sum/min/max, as strings. */
async function duckColumns(path: string, names: string[]): Promise<Record<string, { all: string; agg: string }>> {
  const src = `read_parquet('${path}', file_row_number = true)`;
  const out: Record<string, { all: string; agg: string }> = {};
  for (const c of names) {
    const [row] = await sql(`SELECT coalesce(string_agg(CAST("${c}" AS VARCHAR), ',' ORDER BY file_row_number), '') AS a,
      concat_ws('|', count("${c}"), CAST(sum("${c}") AS VARCHAR), CAST(min("${c}") AS VARCHAR), CAST(max("${c}") AS VARCHAR)) AS g FROM ${src}`);
    out[c] = { all: row.a, agg: row.g };
  }
  return out;
}

function expectedAgg(v: ArrayLike<bigint | number>): string {
  if (v.length === 0) return '0';
  let sum = 0n;
  let min = BigInt(v[0]);
  let max = min;
  for (let i = 0; i < v.length; i++) {
    const x = BigInt(v[i]);
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return `${v.length}|${sum}|${min}|${max}`;
}

// ---- the encoder ------------------------------------------------------------------------------------------------

test('DELTA_BINARY_PACKED: byte-identical to hyparquet-writer for adversarial int64 and int32 series', () => {
  let checked = 0;
  for (const n of COUNTS) {
    for (const [k, kind] of KINDS64.entries()) {
      const v = gen64(kind, n, 1000 * k + n);
      const out = new Uint8Array(maxEncodedBytes(n));
      const e = deltaInt64(halves(v), 0, n, out, 0);
      assert.is(e.count, n);
      assert.ok(sameBytes(out.subarray(e.start, e.end), hyparquetWriterDelta(v, 'INT64')), `${kind} × ${n}`);
      checked++;
    }
    for (const [k, kind] of KINDS32.entries()) {
      const v = gen32(kind, n, 77 * k + n);
      const out = new Uint8Array(maxEncodedBytes(n));
      const e = deltaInt32(v, 0, n, out, 0);
      assert.ok(sameBytes(out.subarray(e.start, e.end), hyparquetWriterDelta(v, 'INT32')), `${kind} × ${n}`);
      checked++;
    }
  }
  assert.is(checked, COUNTS.length * (KINDS64.length + KINDS32.length));
});

test('DELTA_BINARY_PACKED: a stream can start mid-array and stop at a byte budget, on a block boundary', () => {
  const v = gen64('random64', 1000, 5);
  const out = new Uint8Array(maxEncodedBytes(1000));
  const e = deltaInt64(halves(v), 100, 1000, out, 0, 2000);
  assert.ok(e.count > 1 && e.count < 900 && (e.count - 1) % 128 === 0, `stopped after ${e.count} values`);
  assert.ok(sameBytes(out.subarray(e.start, e.end), hyparquetWriterDelta(v.slice(100, 100 + e.count), 'INT64')));
  const g = deltaInt64(halves(v), 3, 870, out, 0); // ends mid-array, in a partial miniblock: zero padding all the same
  assert.ok(sameBytes(out.subarray(g.start, g.end), hyparquetWriterDelta(v.slice(3, 870), 'INT64')));
  const w = gen32('random32', 1000, 6);
  const h = deltaInt32(w, 3, 870, out, 0);
  assert.ok(sameBytes(out.subarray(h.start, h.end), hyparquetWriterDelta(w.slice(3, 870), 'INT32')));
  const f = deltaInt32(w, 10, 1000, out, 0, 700);
  assert.ok((f.count - 1) % 128 === 0 && f.count < 990);
  assert.ok(sameBytes(out.subarray(f.start, f.end), hyparquetWriterDelta(w.slice(10, 10 + f.count), 'INT32')));
});

test('snappy: same bytes as hyparquet-writer, and hyparquet decompresses them', () => {
  const r = rng(9);
  const inputs: Uint8Array[] = [new Uint8Array(0)];
  for (const n of [1, 4, 14, 15, 16, 17, 60, 61, 64, 65, 100, 255, 256, 257, 4096, 65535, 65536, 65537, 200_000]) {
    inputs.push(Uint8Array.from({ length: n }, () => Math.floor(r() * 256))); // incompressible
    inputs.push(Uint8Array.from({ length: n }, (_, i) => (i % 7) * 3)); // long copies
    inputs.push(Uint8Array.from({ length: n }, (_, i) => (r() < 0.9 ? i % 251 : Math.floor(r() * 256)) >> (i % 3))); // mixed
  }
  inputs.push(new Uint8Array(300_000)); // one long run of zeros
  for (const kind of ['timestamps', 'jumps', 'widths']) {
    const v = gen64(kind, 50_000, 3);
    const out = new Uint8Array(maxEncodedBytes(v.length));
    const e = deltaInt64(halves(v), 0, v.length, out, 0);
    inputs.push(out.slice(e.start, e.end));
  }
  for (const input of inputs) {
    const z = snappyCompressFast(input);
    assert.ok(sameBytes(z, snappyCompress(input)), `${input.length} bytes`);
    const back = new Uint8Array(input.length);
    snappyUncompress(z, back);
    assert.ok(sameBytes(back, input));
  }
});

// ---- files ------------------------------------------------------------------------------------------------------

function adversarialColumns(n: number, seed: number): FastColumn[] {
  return [
    ...KINDS64.map((kind, k): FastColumn => ({
      name: `i64_${kind}`,
      type: 'INT64',
      data: gen64(kind, n, seed + k),
      statistics: kind !== 'zero' && kind !== 'walk',
    })),
    ...KINDS32.map((kind, k): FastColumn => ({
      name: `i32_${kind}`,
      type: 'INT32',
      data: gen32(kind, n, seed + 100 + k),
      statistics: kind !== 'small',
    })),
  ];
}

test('files read back exactly by hyparquet: every row count, row-group size, page split and codec', async () => {
  const layouts = [
    {},
    { rowGroupSize: 128 },
    { rowGroupSize: 100, codec: 'UNCOMPRESSED' as const },
    { rowGroupSize: 1000, pageBytes: 300 },
    { pageBytes: 1 },
  ];
  for (const n of COUNTS) {
    const cols = adversarialColumns(n, n);
    for (const o of layouts) {
      const data = writeParquet(cols, n, o);
      const back = await readAll(data);
      for (const c of cols) assert.is(firstDiff(back[c.name], c.data), -1, `${c.name} × ${n} ${JSON.stringify(o)}`);
      const md = parquetMetadata(ab(data));
      assert.is(Number(md.num_rows), n);
      const size = o.rowGroupSize ?? 131072;
      assert.is(md.row_groups.length, Math.ceil(n / size));
      for (const [g, rg] of md.row_groups.entries()) {
        for (const [k, chunk] of rg.columns.entries()) {
          const c = cols[k];
          const stats = chunk.meta_data!.statistics;
          if (!c.statistics) {
            assert.is(stats, undefined);
            continue;
          }
          const part = Array.from(c.data.subarray(g * size, (g + 1) * size) as ArrayLike<bigint | number>);
          const cmp = (a: any, b: any) => (a < b ? -1 : a > b ? 1 : 0);
          part.sort(cmp);
          assert.equal([stats?.min_value, stats?.max_value], [part[0], part[part.length - 1]], `${c.name} statistics, group ${g}`);
        }
      }
    }
  }
});

test('files read back exactly by DuckDB: all values, sum/min/max, page splits, one row, uncompressed', async () => {
  const cases = [
    { n: 4097, o: { rowGroupSize: 1000, pageBytes: 2000 } },
    { n: 129, o: {} },
    { n: 1, o: {} },
    { n: 33, o: { codec: 'UNCOMPRESSED' as const } },
  ];
  for (const { n, o } of cases) {
    const cols = adversarialColumns(n, 31 + n);
    const path = join(tmp, `duck-${n}.parquet`);
    writeFileSync(path, writeParquet(cols, n, o));
    const got = await duckColumns(
      path,
      cols.map((c) => c.name),
    );
    for (const c of cols) {
      assert.is(got[c.name].agg, expectedAgg(c.data), `${c.name} × ${n}: count|sum|min|max`);
      assert.ok(got[c.name].all === Array.from(c.data, String).join(','), `${c.name} × ${n}: every value in order`);
    }
    const [types] = await sql(`SELECT typeof(i64_random64) AS a, typeof(i32_random32) AS b FROM read_parquet('${path}') LIMIT 1`);
    assert.equal(types, { a: 'BIGINT', b: 'INTEGER' });
  }
});

test('with SNAPPY and no page checksums, files are byte for byte what hyparquet-writer writes (where it also writes one page per chunk)', () => {
  for (const n of [1, 33, 129, 4097]) {
    const cols = adversarialColumns(n, 500 + n);
    for (const rowGroupSize of [100, 1000, 131072]) {
      const kvMetadata = [
        { key: 'a', value: '1' },
        { key: 'b', value: 'two' },
      ];
      const mine = writeParquet(cols, n, { rowGroupSize, kvMetadata, pageChecksums: false });
      const theirs = new Uint8Array(
        parquetWriteBuffer({
          columnData: cols.map((c) => ({
            name: c.name,
            data: c.data,
            type: c.type,
            nullable: false,
            encoding: 'DELTA_BINARY_PACKED',
            statistics: !!c.statistics,
          })),
          rowGroupSize,
          kvMetadata,
          createdBy: 'ringbook',
        } as any),
      );
      assert.ok(sameBytes(mine, theirs), `${n} rows, groups of ${rowGroupSize}`);
    }
  }
});

test('a file with no rows is valid too', async () => {
  const data = writeParquet([{ name: 'x', type: 'INT64', data: new BigInt64Array(0) }], 0, { kvMetadata: [{ key: 'k', value: 'v' }] });
  assert.is(Number(parquetMetadata(ab(data)).num_rows), 0);
  const path = join(tmp, 'empty.parquet');
  writeFileSync(path, data);
  assert.equal(await sql(`SELECT count(*)::VARCHAR AS n FROM read_parquet('${path}')`), [{ n: '0' }]);
});

test('bad input is refused with a clear error', () => {
  assert.throws(() => writeParquet([{ name: 'x', type: 'INT64', data: new BigInt64Array(3) }], 4), /3 values, not 4/);
  assert.throws(() => writeParquet([{ name: 'x', type: 'INT64', data: new Int32Array(3) as any }], 3), /BigInt64Array/);
  assert.throws(() => writeParquet([{ name: 'x', type: 'INT32', data: new BigInt64Array(3) as any }], 3), /Int32Array/);
  assert.throws(() => writeParquet([{ name: 'x', type: 'INT32', data: new Int32Array(3) }], 3, { rowGroupSize: 0 }), /rowGroupSize/);
  assert.throws(() => writeParquet([{ name: 'x', type: 'INT32', data: new Int32Array(3) }], 3, { codec: 'GZIP' as any }), /codec/);
});

// ---- encodeParquet: the capture contract ------------------------------------------------------------------------

const META = {
  schema_version: '1',
  venue: 'bitget',
  inst_type: 'USDT-FUTURES',
  symbol: 'BTCUSDT',
  tick_size: '0.1',
  lot_size: '0.001',
  price_scale: '1',
  price_step: '1',
  size_scale: '3',
  size_step: '1',
  clock_offset_ns: '-12345',
  clock_offset_bound_ns: '678',
  clock_offset_method: 'rest-min-rtt',
  clock_offset_rtt_ns: '1357',
  feed_latency_p1_ns: '2468',
  recorder_version: 'ringbook-recorder/0.1.0',
  source: 'simulator' as const,
  dropped_records: '0',
  first_local_ts: '1',
  last_local_ts: '2',
  rows: '3',
};

test('encodeParquet: schema, key/value metadata, created_by and timestamp statistics (hyparquet and DuckDB agree)', async () => {
  const { words, n } = bookRecords(3000, 4);
  const data = encodeParquet(words, 0, n, META, { rowGroupSize: 1024 });
  const md = parquetMetadata(ab(data));
  assert.is(md.created_by, 'ringbook');
  assert.equal(Object.fromEntries((md.key_value_metadata ?? []).map((kv) => [kv.key, kv.value])), META);
  assert.is(md.schema.length, COLUMNS.length + 1);
  for (const [i, c] of COLUMNS.entries()) {
    const el = md.schema[i + 1];
    assert.equal(
      [el.name, el.type, el.repetition_type, el.logical_type, el.converted_type],
      [c.name, c.type, 'REQUIRED', undefined, undefined],
    );
  }
  const back = await readAll(data);
  assert.is(md.row_groups.length, 3);
  for (const [g, rg] of md.row_groups.entries()) {
    const rows = Number(rg.num_rows);
    for (const chunk of rg.columns) {
      const m = chunk.meta_data!;
      assert.equal([m.codec, m.encodings, Number(m.num_values)], ['SNAPPY', ['DELTA_BINARY_PACKED'], rows]);
      const name = m.path_in_schema[0];
      if (name === 'exch_ts' || name === 'local_ts') {
        const vals = (back[name] as BigInt64Array).subarray(g * 1024, g * 1024 + rows);
        const sorted = [...vals].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        assert.is(m.statistics?.min_value, sorted[0], `${name} min, group ${g}`);
        assert.is(m.statistics?.max_value, sorted[sorted.length - 1], `${name} max, group ${g}`);
      } else {
        assert.is(m.statistics, undefined, `${name}: no statistics`);
      }
    }
  }
  const path = join(tmp, 'book.parquet');
  writeFileSync(path, data);
  const kv = await sql(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${path}')`);
  assert.equal(Object.fromEntries(kv.map((r) => [r.k, r.v])), META);
  const stats =
    await sql(`SELECT row_group_id AS g, path_in_schema AS c, stats_min_value AS lo, stats_max_value AS hi, compression AS z, encodings AS e
    FROM parquet_metadata('${path}') WHERE path_in_schema IN ('exch_ts', 'local_ts') ORDER BY 1, 2`);
  assert.is(stats.length, 6);
  for (const s of stats) {
    const m = md.row_groups[Number(s.g)].columns.find((c) => c.meta_data!.path_in_schema[0] === s.c)!.meta_data!;
    assert.equal(
      [s.lo, s.hi, s.z, s.e],
      [String(m.statistics!.min_value), String(m.statistics!.max_value), 'SNAPPY', 'DELTA_BINARY_PACKED'],
    );
  }
  const got = await duckColumns(
    path,
    COLUMNS.map((c) => c.name),
  );
  for (const c of COLUMNS) assert.is(got[c.name].agg, expectedAgg(back[c.name]), c.name);
  // DuckDB prunes row groups by the timestamp statistics and still gets the right rows
  const t = (back.exch_ts as BigInt64Array)[2500];
  const [hit] = await sql(`SELECT count(*)::VARCHAR AS n FROM read_parquet('${path}') WHERE exch_ts = ${t}`);
  assert.is(hit.n, String([...(back.exch_ts as BigInt64Array)].filter((x) => x === t).length));
});

test('encodeParquet: full-size row groups stream back through reader.ts exactly, at ≤ 8 bytes per record', async () => {
  const { words, n } = bookRecords(300_000, 11); // 3 row groups of 131072, 131072 and the rest
  const data = encodeParquet(words, 0, n, META);
  const md = parquetMetadata(ab(data));
  assert.is(md.row_groups.length, 3);
  for (const rg of md.row_groups) {
    for (const c of rg.columns.slice(3, 5))
      assert.equal(c.meta_data!.encoding_stats, [{ page_type: 'DATA_PAGE_V2', encoding: 'DELTA_BINARY_PACKED', count: 1 }]);
  }
  const back = new Int32Array(n * 16);
  let groups = 0;
  for await (const g of rowGroups(ab(data))) {
    for (const c of COLUMNS) assert.instance(g.columns[c.name], c.type === 'INT64' ? BigInt64Array : Int32Array);
    columnsToRecords(g.columns, g.rows, back, g.rowStart * 16, 0);
    groups++;
  }
  assert.is(groups, 3);
  for (let i = 0; i < n * 16; i++) if (i % 16 !== 1 && back[i] !== words[i]) assert.unreachable(`word ${i} differs`);
  assert.ok(data.length / n <= 8, `${(data.length / n).toFixed(2)} bytes per record`);
});

test('encodeParquet: records from an offset, and the same bytes as encoding the copied slice', () => {
  const { words, n } = bookRecords(2000, 12);
  const a = encodeParquet(words, 100 * 16, n - 100, META, { rowGroupSize: 512 });
  const b = encodeParquet(words.slice(100 * 16), 0, n - 100, META, { rowGroupSize: 512 });
  assert.ok(sameBytes(a, b));
  assert.is(a.byteOffset, 0);
  assert.is(a.buffer.byteLength, a.length, 'the file owns an exact buffer');
});

test('no BigInt per value: BigInt() calls do not grow with the row count', async () => {
  const { words, n } = bookRecords(100_000, 13);
  const count = (rows: number) => bigIntCalls(() => encodeParquet(words, 0, rows, META, { rowGroupSize: 1 << 20 }));
  const small = await count(1000);
  const large = await count(n);
  assert.ok(small > 0 && small < 200, `${small} calls`);
  assert.is(large, small);
});

test.after(() => duck?.closeSync?.());

test.run();
