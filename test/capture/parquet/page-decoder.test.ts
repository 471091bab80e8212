// The fast read path (src/capture/parquet/page-decoder.ts) against hyparquet: on files from our writer (writeParquet /
// encodeParquet) every row group decodes to exactly what hyparquet's parquetRead returns and to the values written,
// for adversarial INT64/INT32 series (±2^63, large negative deltas, low halves wrapping, widths up to 64, all equal),
// row counts off the 32/128 grid, several pages per chunk, UNCOMPRESSED, several row groups. Files outside the subset
// (dictionary, PLAIN, optional columns, corrupt streams) make it return null, and rowGroups still reads them through
// hyparquet. Knob: RB_PROPERTY_RUNS (default 100 per property).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from '../../helpers/fc';
import { parquetMetadata, parquetRead, type FileMetaData } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { ByteWriter, parquetWriteBuffer } from 'hyparquet-writer';
import { serializeTCompactProtocol } from 'hyparquet-writer/src/thrift.js';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { writeParquet, type FastColumn, type FastWriteOptions } from '../../../src/capture/parquet/file-writer';
import { fastRowGroup } from '../../../src/capture/parquet/page-decoder';
import { rowGroups } from '../../../src/capture/parquet/reader';
import { encodeParquet } from '../../../src/capture/parquet/encode';
import { COLUMNS, type Columns } from '../../../src/capture/schema';
import { bookRecords } from '../../../bench/bookstream';
import { bigIntCalls } from '../../helpers/bigint-calls';

const RUNS = Number(process.env.RB_PROPERTY_RUNS ?? 100);
const MIN64 = -(2n ** 63n);
const MAX64 = 2n ** 63n - 1n;
const TWO32 = 2n ** 32n;

const ab = (u: Uint8Array) => u.buffer.slice(u.byteOffset, u.byteOffset + u.length) as ArrayBuffer;
const halves = (a: BigInt64Array) => new Int32Array(a.buffer, a.byteOffset, a.length * 2);

/** Index of the first difference (-2: lengths differ, -1: equal); INT64 compared through their int32 halves. */
function firstDiff(a: Int32Array | BigInt64Array, b: Int32Array | BigInt64Array): number {
  if (a.length !== b.length || a instanceof BigInt64Array !== b instanceof BigInt64Array) return -2;
  const x = a instanceof BigInt64Array ? halves(a) : a;
  const y = b instanceof BigInt64Array ? halves(b as BigInt64Array) : b;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return a instanceof BigInt64Array ? i >> 1 : i;
  return -1;
}

/** Rows [start, start + rows) of the named columns through hyparquet's parquetRead, pages placed by row. */
async function hyparquetGroup(file: ArrayBuffer, md: FileMetaData, start: number, rows: number, names: string[]): Promise<Columns> {
  const out: Columns = {};
  for (const name of names) {
    const el = md.schema.find((e) => e.name === name)!;
    out[name] = el.type === 'INT64' ? new BigInt64Array(rows) : new Int32Array(rows);
  }
  await parquetRead({
    file,
    metadata: md,
    columns: names,
    rowStart: start,
    rowEnd: start + rows,
    onChunk: (c: { columnName: string; columnData: ArrayLike<any>; rowStart: number; rowEnd: number }) => {
      const dst = out[c.columnName];
      const from = Math.max(start, c.rowStart);
      const to = Math.min(start + rows, c.rowEnd);
      for (let r = from; r < to; r++)
        (dst as any)[r - start] =
          dst instanceof BigInt64Array ? BigInt(c.columnData[r - c.rowStart]) : Number(c.columnData[r - c.rowStart]);
    },
  } as any);
  return out;
}

/**
 * The fast path on every row group of `data` equals hyparquet and the written columns; rowGroups yields the same.
 * Returns a failure message, or '' when all agree.
 */
async function check(data: Uint8Array, cols: readonly FastColumn[]): Promise<string> {
  const file = ab(data);
  const md = parquetMetadata(file);
  const names = cols.map((c) => c.name);
  let start = 0;
  for (let g = 0; g < md.row_groups.length; g++) {
    const rows = Number(md.row_groups[g].num_rows);
    const fast = await fastRowGroup(file, md, g, names);
    if (!fast) return `group ${g}: fast path declined`;
    const slow = await hyparquetGroup(file, md, start, rows, names);
    for (const c of cols) {
      const written = c.data.subarray(start, start + rows) as Int32Array | BigInt64Array;
      let d = firstDiff(fast[c.name], slow[c.name]);
      if (d !== -1) return `group ${g}, ${c.name}: differs from hyparquet at row ${start + d}`;
      d = firstDiff(fast[c.name], written);
      if (d !== -1) return `group ${g}, ${c.name}: differs from the written values at row ${start + d}`;
    }
    start += rows;
  }
  start = 0;
  for await (const g of rowGroups(file, names)) {
    for (const c of cols) {
      const d = firstDiff(g.columns[c.name], c.data.subarray(start, start + g.rows) as Int32Array | BigInt64Array);
      if (d !== -1) return `rowGroups, group ${g.group}, ${c.name}: differs at row ${start + d}`;
    }
    start += g.rows;
  }
  return start === Number(md.num_rows) ? '' : `rowGroups yielded ${start} rows of ${md.num_rows}`;
}

// ---- adversarial series ------------------------------------------------------------------------------------------

const wrap64 = (v: bigint) => BigInt.asIntN(64, v);
const int64 = fc.bigInt({ min: MIN64, max: MAX64 });
/** Near ±2^63. */
const extreme64 = fc.oneof(fc.bigInt({ min: MIN64, max: MIN64 + 2n ** 20n }), fc.bigInt({ min: MAX64 - 2n ** 20n, max: MAX64 }));

/** A series from a first value and n − 1 deltas, wrapping at 64 bits. */
function walk64(first: bigint, steps: readonly bigint[]): bigint[] {
  const out = [first];
  for (const s of steps) out.push(wrap64(out[out.length - 1] + s));
  return out;
}

function series64(n: number): fc.Arbitrary<BigInt64Array> {
  const steps = (step: fc.Arbitrary<bigint>) => fc.array(step, { minLength: n - 1, maxLength: n - 1 });
  return fc
    .oneof(
      fc.array(int64, { minLength: n, maxLength: n }), // deltas overflow 64 bits: widths up to 64
      fc.array(extreme64, { minLength: n, maxLength: n }),
      fc.tuple(int64, steps(fc.bigInt({ min: -(2n ** 31n), max: 2n ** 31n - 1n }))).map(([a, s]) => walk64(a, s)), // int32 deltas
      fc.tuple(extreme64, steps(fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }))).map(([a, s]) => walk64(a, s)), // wrapping past ±2^63
      fc.tuple(int64, steps(fc.bigInt({ min: MIN64, max: -(2n ** 31n) }))).map(([a, s]) => walk64(a, s)), // large negative deltas
      // min delta an int32 but deltas beyond 2^31: width 31, low halves wrapping by large steps
      fc.tuple(int64, steps(fc.bigInt({ min: 2n ** 31n - 2n ** 29n, max: 2n ** 31n + 2n ** 30n }))).map(([a, s]) => walk64(a, s)),
      // the low half wrapping (and crossing its sign bit) with small deltas of either sign, high half ±k
      fc
        .tuple(
          fc.integer({ min: -3, max: 3 }),
          fc.constantFrom(0n, 2n ** 31n),
          fc.bigInt({ min: -600n, max: 600n }),
          steps(fc.bigInt({ min: -40n, max: 40n })),
        )
        .map(([k, at, off, s]) => walk64(BigInt(k) * TWO32 + at + off, s)),
      // timestamps: ~1.8e18 and small positive steps, now and then a jump
      fc
        .tuple(
          fc.bigInt({ min: 1_700_000_000_000_000_000n, max: 1_900_000_000_000_000_000n }),
          steps(
            fc.oneof(
              { weight: 20, arbitrary: fc.bigInt({ min: 0n, max: 300_000n }) },
              { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 45n), max: 2n ** 45n }) },
            ),
          ),
        )
        .map(([a, s]) => walk64(a, s)),
      fc.oneof(int64, extreme64).map((v) => new Array<bigint>(n).fill(v)), // all equal: width 0
      fc
        .tuple(int64, steps(fc.constantFrom(0n, 1n, -1n, TWO32, -TWO32, 2n ** 31n, -(2n ** 31n), 2n ** 32n - 1n, MIN64, MAX64)))
        .map(([a, s]) => walk64(a, s)),
    )
    .map((v) => BigInt64Array.from(v));
}

function series32(n: number): fc.Arbitrary<Int32Array> {
  const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
  const steps = (step: fc.Arbitrary<number>) => fc.array(step, { minLength: n - 1, maxLength: n - 1 });
  const walk = (first: number, s: readonly number[]) => {
    const out = [first];
    for (const d of s) out.push((out[out.length - 1] + d) | 0);
    return out;
  };
  return fc
    .oneof(
      fc.array(int32, { minLength: n, maxLength: n }), // widths up to 32
      fc.tuple(int32, steps(fc.integer({ min: -3, max: 3 }))).map(([a, s]) => walk(a, s)),
      fc.tuple(int32, steps(int32)).map(([a, s]) => walk(a, s)),
      fc.array(fc.constantFrom(-0x80000000, 0x7fffffff, -1, 0, 1), { minLength: n, maxLength: n }),
      int32.map((v) => new Array<number>(n).fill(v)),
    )
    .map((v) => Int32Array.from(v));
}

const lengths = fc.oneof(fc.constantFrom(1, 2, 31, 32, 33, 127, 128, 129, 130, 255, 257, 1000), fc.integer({ min: 1, max: 1500 }));

const options: fc.Arbitrary<FastWriteOptions> = fc.record({
  rowGroupSize: fc.oneof(fc.constant(131072), fc.integer({ min: 1, max: 700 })),
  pageBytes: fc.oneof(fc.constant(Infinity), fc.integer({ min: 1, max: 3000 })),
  codec: fc.constantFrom('SNAPPY' as const, 'UNCOMPRESSED' as const),
});

const columnSet = lengths
  .chain((n) =>
    fc.tuple(fc.array(series64(n), { minLength: 1, maxLength: 3 }), fc.array(series32(n), { minLength: 0, maxLength: 2 }), options),
  )
  .map(([a, b, o]) => ({
    o,
    cols: [
      ...a.map((data, i): FastColumn => ({ name: `i64_${i}`, type: 'INT64', data })),
      ...b.map((data, i): FastColumn => ({ name: `i32_${i}`, type: 'INT32', data })),
    ],
  }));

// ---- our files: the fast path equals hyparquet ------------------------------------------------------------------

test('property: the fast path reads our files exactly as hyparquet does (any series, row groups, pages, codec)', async () => {
  await fc.assert(
    fc.asyncProperty(columnSet, async ({ cols, o }) => {
      const msg = await check(writeParquet(cols, cols[0].data.length, o), cols);
      if (msg) throw new Error(`${msg} (${JSON.stringify(o)})`);
    }),
    { numRuns: RUNS },
  );
});

test('edges: ±2^63, large negative deltas, all equal, 1 row, 129 rows, pages of one block, uncompressed, many groups', async () => {
  const cases: Array<{ n: number; o: FastWriteOptions }> = [
    { n: 1, o: {} },
    { n: 2, o: {} },
    { n: 129, o: {} },
    { n: 129, o: { codec: 'UNCOMPRESSED' } },
    { n: 97, o: {} },
    { n: 1000, o: { pageBytes: 1 } },
    { n: 1000, o: { rowGroupSize: 129, pageBytes: 400, codec: 'UNCOMPRESSED' } },
    { n: 4097, o: { rowGroupSize: 1000, pageBytes: 2000 } },
    { n: 300, o: { rowGroupSize: 1 } },
  ];
  for (const { n, o } of cases) {
    const i64 = (f: (i: number) => bigint) => BigInt64Array.from({ length: n }, (_, i) => wrap64(f(i)));
    const i32 = (f: (i: number) => number) => Int32Array.from({ length: n }, (_, i) => f(i) | 0);
    const cols: FastColumn[] = [
      { name: 'alternating', type: 'INT64', data: i64((i) => (i % 2 ? MAX64 : MIN64)) },
      { name: 'near_min', type: 'INT64', data: i64((i) => MIN64 + BigInt((i * 7919) % 1000)) },
      { name: 'near_max', type: 'INT64', data: i64((i) => MAX64 - BigInt((i * 7919) % 1000)) },
      { name: 'falling', type: 'INT64', data: i64((i) => MAX64 - BigInt(i) * 3_000_000_000_000_000n) }, // wraps
      { name: 'negative_jumps', type: 'INT64', data: i64((i) => BigInt(i) * -(2n ** 61n) + BigInt(i % 3)) },
      {
        name: 'steps_over_2_31',
        type: 'INT64',
        data: i64((i) => BigInt(i >> 1) * (2n ** 32n + 2n ** 30n - 7n) + BigInt(i % 2) * (2n ** 31n - 7n)),
      },
      { name: 'equal', type: 'INT64', data: i64(() => -123456789012345678n) },
      { name: 'zero', type: 'INT64', data: i64(() => 0n) },
      { name: 'lo_wrap', type: 'INT64', data: i64((i) => 5n * TWO32 - 20n + BigInt((i * 13) % 41) - BigInt(i % 2) * 2n) },
      { name: 'widths', type: 'INT64', data: i64((i) => (i % 32 === 7 ? (1n << BigInt(Math.floor(i / 32) % 65)) - 1n : 0n)) },
      { name: 'i32_alternating', type: 'INT32', data: i32((i) => (i % 2 ? 0x7fffffff : -0x80000000)) },
      { name: 'i32_equal', type: 'INT32', data: i32(() => -7) },
      { name: 'i32_steps', type: 'INT32', data: i32((i) => i * 1_000_003) },
    ];
    const msg = await check(writeParquet(cols, n, o), cols);
    assert.is(msg, '', `${n} rows ${JSON.stringify(o)}`);
  }
  // min delta 2^31 − 1, then deltas of 2^31 + 2^30 + 2^29: the low half wraps three times yet stays below 2^31
  const d0 = 2n ** 31n - 1n;
  const d1 = 2n ** 31n + 2n ** 30n + 2n ** 29n;
  const sneaky: FastColumn[] = [{ name: 'v', type: 'INT64', data: BigInt64Array.from(walk64(0n, [d0, d1, d1, d1])) }];
  assert.is(await check(writeParquet(sneaky, 5), sneaky), '', 'wraps the low half never shows');
});

test('encodeParquet recordings: every row group through the fast path equals hyparquet and the records', async () => {
  const { words, n } = bookRecords(60_000, 5);
  for (const o of [{ rowGroupSize: 16384 }, { rowGroupSize: 777, codec: 'UNCOMPRESSED' as const }]) {
    const data = encodeParquet(words, 0, n, { symbol: 'BTCUSDT' } as any, o);
    const file = ab(data);
    const md = parquetMetadata(file);
    const names = COLUMNS.map((c) => c.name);
    let start = 0;
    for (let g = 0; g < md.row_groups.length; g++) {
      const rows = Number(md.row_groups[g].num_rows);
      const fast = await fastRowGroup(file, md, g, names);
      assert.ok(fast, `group ${g} on the fast path`);
      const slow = await hyparquetGroup(file, md, start, rows, names);
      for (const c of COLUMNS) {
        assert.is(firstDiff(fast![c.name], slow[c.name]), -1, `${c.name}, group ${g}`);
        // and the record words themselves
        const col = fast![c.name];
        const h = col instanceof BigInt64Array ? halves(col) : col;
        for (let i = 0; i < rows; i++) {
          const p = (start + i) * 16 + (c.at >> 2);
          const ok =
            c.type === 'INT64'
              ? h[2 * i] === words[p] && h[2 * i + 1] === words[p + 1]
              : h[i] === ((words[p] >>> ((c.at & 3) * 8)) & (c.width === 1 ? 0xff : 0xffff));
          if (!ok) assert.unreachable(`${c.name}, record ${start + i}`);
        }
      }
      start += rows;
    }
    assert.is(start, n);
  }
});

test('a subset of the columns, in any order, and the BigInt64Array halves are the values', async () => {
  const { words, n } = bookRecords(5000, 7);
  const data = encodeParquet(words, 0, n, { symbol: 'X' } as any, { rowGroupSize: 1024 });
  const file = ab(data);
  const md = parquetMetadata(file);
  const fast = (await fastRowGroup(file, md, 2, ['seq', 'kind', 'exch_ts']))!;
  assert.equal(Object.keys(fast), ['seq', 'kind', 'exch_ts']);
  assert.instance(fast.seq, BigInt64Array);
  assert.instance(fast.kind, Int32Array);
  const slow = await hyparquetGroup(file, md, 2048, 1024, ['seq', 'kind', 'exch_ts']);
  assert.equal([...(fast.exch_ts as BigInt64Array)], [...(slow.exch_ts as BigInt64Array)]);
  assert.equal([...(fast.seq as BigInt64Array)], [...(slow.seq as BigInt64Array)]);
  assert.is(await fastRowGroup(file, md, 0, ['no_such_column']), null, 'an unknown column is for hyparquet to report');
});

test('no BigInt per value: none at all in fastRowGroup, and rowGroups only parses the footer with them', async () => {
  const { words, n } = bookRecords(50_000, 3);
  const file = ab(encodeParquet(words, 0, n, { symbol: 'X' } as any, { rowGroupSize: 8192 }));
  const md = parquetMetadata(file);
  const names = COLUMNS.map((c) => c.name);
  let rows = 0;
  const fast = await bigIntCalls(async () => {
    for (let g = 0; g < md.row_groups.length; g++) rows += (await fastRowGroup(file, md, g, names))!.kind.length;
  });
  assert.is(fast, 0, 'fastRowGroup');
  const all = await bigIntCalls(async () => {
    for await (const g of rowGroups(file)) rows += g.rows;
  });
  assert.is(rows, 2 * n);
  assert.ok(all < 2000, `rowGroups: ${all} BigInt() calls for ${n} rows × 7 INT64 columns`);
});

// ---- page headers with fields we do not read ---------------------------------------------------------------------

/** Rewrites every page header of a single-column file, adding `extra` fields, and fixes up the offsets. */
function withExtraHeaderFields(data: Uint8Array, extra: (h: any) => Record<string, unknown>): Uint8Array {
  const md = parquetMetadata(ab(data));
  const parts: Uint8Array[] = [data.subarray(0, 4)];
  let offset = 4;
  for (const rg of md.row_groups) {
    const m = rg.columns[0].meta_data!;
    const start = Number(m.data_page_offset);
    const end = start + Number(m.total_compressed_size);
    const reader = { view: new DataView(data.buffer, data.byteOffset, end), offset: start };
    const chunkStart = offset;
    while (reader.offset < end) {
      const h = parquetHeader(reader);
      const v2 = h.data_page_header_v2!;
      const w = new ByteWriter();
      serializeTCompactProtocol(w, {
        field_1: 3,
        field_2: h.uncompressed_page_size,
        field_3: h.compressed_page_size,
        field_4: h.crc,
        field_8: {
          field_1: v2.num_values,
          field_2: 0,
          field_3: v2.num_rows,
          field_4: 5,
          field_5: 0,
          field_6: 0,
          field_7: v2.is_compressed ? undefined : false,
          field_8: { field_1: new Uint8Array([1, 2, 3]), field_3: 0n, field_5: new Uint8Array(8), field_7: true },
          field_40: [1, 2, 3],
        },
        ...extra(h),
      });
      const head = w.getBytes().slice();
      parts.push(head, data.subarray(reader.offset, reader.offset + h.compressed_page_size));
      offset += head.length + h.compressed_page_size;
      reader.offset += h.compressed_page_size;
    }
    m.data_page_offset = BigInt(chunkStart);
    m.total_compressed_size = BigInt(offset - chunkStart);
    rg.columns[0].file_offset = BigInt(chunkStart);
    rg.total_compressed_size = BigInt(offset - chunkStart);
  }
  const footer = new ByteWriter();
  writeMetadata(footer, md);
  footer.appendBytes(new Uint8Array([0x50, 0x41, 0x52, 0x31]));
  parts.push(footer.getBytes());
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

test('page headers: unknown fields of every Thrift type (statistics, lists, far field ids) are skipped, the crc checked', async () => {
  const n = 3000;
  const data = BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * 1_000_000_007n - 2n ** 62n);
  const cols: FastColumn[] = [{ name: 'v', type: 'INT64', data }];
  for (const codec of ['SNAPPY', 'UNCOMPRESSED'] as const) {
    const file = withExtraHeaderFields(writeParquet(cols, n, { rowGroupSize: 1100, pageBytes: 700, codec }), () => ({
      field_9: {
        field_1: 'a string',
        field_2: [new Uint8Array(2), new Uint8Array(0)],
        field_3: 3.5,
        field_4: false,
        field_5: [true, false, true],
      },
      field_31: -12345678901234n,
      field_200: { field_1: [{ field_1: 1 }, { field_2: 'x' }] },
    }));
    assert.is(await check(file, cols), '', codec);
  }
});

// ---- outside the subset: null, and rowGroups falls back to hyparquet ----------------------------------------------

test('hyparquet-writer files with dictionary or PLAIN pages, or optional columns: null, and rowGroups still reads them', async () => {
  const n = 5000;
  const repetitive = BigInt64Array.from({ length: n }, (_, i) => BigInt(i % 7) * 2n ** 40n - 3n); // → dictionary
  const unique = BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * 0x1_0000_0001n + MIN64); // → PLAIN
  const small = Int32Array.from({ length: n }, (_, i) => (i * 31) % 5);
  const files = [
    parquetWriteBuffer({
      columnData: [
        { name: 'price', data: repetitive, type: 'INT64', nullable: false },
        { name: 'seq', data: unique, type: 'INT64', nullable: false },
        { name: 'kind', data: small, type: 'INT32', nullable: false },
      ],
      rowGroupSize: 2000,
    } as any),
    parquetWriteBuffer({
      columnData: [
        { name: 'price', data: repetitive, type: 'INT64', encoding: 'DELTA_BINARY_PACKED' },
        { name: 'seq', data: unique, type: 'INT64', encoding: 'DELTA_BINARY_PACKED' },
        { name: 'kind', data: small, type: 'INT32', encoding: 'DELTA_BINARY_PACKED' },
      ],
      rowGroupSize: 2000,
    } as any),
  ];
  for (const [k, buf] of files.entries()) {
    const md = parquetMetadata(buf);
    const encodings = md.row_groups[0].columns.map((c) => c.meta_data!.encodings.join('+'));
    if (k === 0) assert.ok(encodings.includes('PLAIN+RLE_DICTIONARY') && encodings.some((e) => e === 'PLAIN'), encodings.join(', '));
    else assert.ok(md.schema.slice(1).every((e) => e.repetition_type === 'OPTIONAL'));
    for (let g = 0; g < md.row_groups.length; g++)
      assert.is(await fastRowGroup(buf, md, g, ['price', 'seq', 'kind']), null, `file ${k}, group ${g}`);
    const got = { price: [] as bigint[], seq: [] as bigint[], kind: [] as number[] };
    for await (const g of rowGroups(buf, ['price', 'seq', 'kind'])) {
      assert.instance(g.columns.price, BigInt64Array);
      assert.instance(g.columns.kind, Int32Array);
      got.price.push(...(g.columns.price as BigInt64Array));
      got.seq.push(...(g.columns.seq as BigInt64Array));
      got.kind.push(...(g.columns.kind as Int32Array));
    }
    assert.equal(got.price, [...repetitive], `file ${k}: price`);
    assert.equal(got.seq, [...unique], `file ${k}: seq`);
    assert.equal(got.kind, [...small], `file ${k}: kind`);
  }
});

test('hyparquet-writer files in our layout (required, DELTA_BINARY_PACKED, several pages) take the fast path', async () => {
  const n = 20_000;
  const cols: FastColumn[] = [
    { name: 'ts', type: 'INT64', data: BigInt64Array.from({ length: n }, (_, i) => 1_800_000_000_000_000_000n + BigInt(i * 977)) },
    { name: 'k', type: 'INT32', data: Int32Array.from({ length: n }, (_, i) => (i * 7) % 3) },
  ];
  const buf = parquetWriteBuffer({
    columnData: cols.map((c) => ({ name: c.name, data: c.data, type: c.type, nullable: false, encoding: 'DELTA_BINARY_PACKED' })),
    rowGroupSize: 15_000,
    pageSize: 4096,
  } as any);
  const md = parquetMetadata(buf);
  assert.ok(
    md.row_groups[0].columns.every((c) => (c.meta_data!.encoding_stats?.[0]?.count ?? 1) > 1),
    'several pages per chunk',
  );
  assert.is(await check(new Uint8Array(buf), cols), '');
});

test('corrupt or foreign streams: null (a bit width over 64, a wrong block size), and hyparquet decides', async () => {
  const n = 300;
  const cols: FastColumn[] = [{ name: 'v', type: 'INT64', data: BigInt64Array.from({ length: n }, (_, i) => BigInt(i * i)) }];
  // without page checksums: this is about streams the checksum would not catch (another writer's, say)
  const clean = writeParquet(cols, n, { codec: 'UNCOMPRESSED', pageChecksums: false });
  const md = parquetMetadata(ab(clean));
  const m = md.row_groups[0].columns[0].meta_data!;
  const reader = { view: new DataView(clean.buffer, clean.byteOffset, clean.length), offset: Number(m.data_page_offset) };
  parquetHeader(reader);
  const body = reader.offset; // <block size 128: 0x80 0x01> <4> <count: 2 bytes> <first value 0: 1 byte> <min delta 1: 1 byte> <widths>
  assert.equal([...clean.subarray(body, body + 3)], [0x80, 0x01, 4]);
  const widthAt = body + 2 + 1 + 2 + 1 + 1;
  const bad = clean.slice();
  bad[widthAt] = 65;
  assert.is(await fastRowGroup(ab(bad), md, 0, ['v']), null, 'width 65');
  const odd = clean.slice();
  odd[body] = 0x81; // block size 129: not a multiple of 128
  assert.is(await fastRowGroup(ab(odd), md, 0, ['v']), null, 'block size 129');
  assert.ok(await fastRowGroup(ab(clean), md, 0, ['v']), 'the clean file is ours');
});

test.run();
