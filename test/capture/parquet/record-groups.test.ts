// Row groups → records in core memory (src/capture/parquet/record-groups.ts): the core's decoder (assembly/parquet.ts)
// gives back exactly the records encodeParquet wrote, for adversarial 64-bit fields (±2^63, wrapping, widths up to
// 64, constant runs that snappy turns into overlapping copies), any row group size, piece size, number of pages,
// SNAPPY or UNCOMPRESSED; groups the core does not take (another writer's encodings, chunks larger than the area,
// corrupt streams) come through the column path with the same records. Knob: RB_PROPERTY_RUNS (default 100 per property).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from '../../helpers/fc';
import { parquetMetadata } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { loadCore, type Core } from '../../../src/core/index';
import { encodeParquet } from '../../../src/capture/parquet/encode';
import { columnsToRecords, rowGroups } from '../../../src/capture/parquet/reader';
import { RecordArea, recordGroups } from '../../../src/capture/parquet/record-groups';
import { COLUMNS } from '../../../src/capture/schema';
import { bookRecords } from '../../../bench/bookstream';

const RUNS = Number(process.env.RB_PROPERTY_RUNS ?? 100);
const MIN64 = -(2n ** 63n);
const MAX64 = 2n ** 63n - 1n;
const ab = (u: Uint8Array) => u.buffer.slice(u.byteOffset, u.byteOffset + u.length) as ArrayBuffer;

let core: Core;
let area: RecordArea;
let small: RecordArea;
/** Areas whose pieces split groups anywhere: inside a miniblock, a block, at page ends. */
let pieces: RecordArea[];

/** Every record `recordGroups` yields, copied out of core memory, with the counts of decoded and fallback groups. */
async function readAll(file: ArrayBuffer, a: RecordArea, inst: number): Promise<{ words: Int32Array; decoded: number; fallback: number }> {
  const d0 = a.decoded;
  const f0 = a.fallback;
  const parts: Int32Array[] = [];
  let rows = 0;
  for await (const g of recordGroups(file, a, inst)) {
    assert.is(g.rowStart, rows, 'pieces in order, none skipped');
    parts.push(core.words.slice(g.ptr >> 2, (g.ptr >> 2) + g.rows * 16));
    rows += g.rows;
  }
  const words = new Int32Array(rows * 16);
  let at = 0;
  for (const p of parts) {
    words.set(p, at);
    at += p.length;
  }
  return { words, decoded: a.decoded - d0, fallback: a.fallback - f0 };
}

/** The records as written, with the instrument word replaced. */
function expected(words: Int32Array, n: number, inst: number): Int32Array {
  const out = words.slice(0, n * 16);
  for (let i = 0; i < n; i++) out[i * 16 + 1] = inst;
  return out;
}

function firstDiff(a: Int32Array, b: Int32Array): string {
  if (a.length !== b.length) return `lengths ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `record ${i >> 4}, word ${i & 15}: ${a[i]} vs ${b[i]}`;
  return '';
}

// ---- adversarial records -------------------------------------------------------------------------------------

const int64 = fc.bigInt({ min: MIN64, max: MAX64 });
const extreme64 = fc.oneof(fc.bigInt({ min: MIN64, max: MIN64 + 2n ** 20n }), fc.bigInt({ min: MAX64 - 2n ** 20n, max: MAX64 }));

/** One int64 column of n values: random (widths to 64), extreme, walks with small or int32 deltas, or constant. */
function column64(n: number): fc.Arbitrary<bigint[]> {
  const walk = (first: fc.Arbitrary<bigint>, step: fc.Arbitrary<bigint>) =>
    fc.tuple(first, fc.array(step, { minLength: n - 1, maxLength: n - 1 })).map(([a, s]) => {
      const out = [a];
      for (const d of s) out.push(BigInt.asIntN(64, out[out.length - 1] + d));
      return out;
    });
  return fc.oneof(
    fc.array(int64, { minLength: n, maxLength: n }),
    fc.array(extreme64, { minLength: n, maxLength: n }),
    walk(int64, fc.bigInt({ min: -(2n ** 31n), max: 2n ** 31n - 1n })),
    walk(extreme64, fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n })),
    walk(fc.bigInt({ min: 1_700_000_000_000_000_000n, max: 1_900_000_000_000_000_000n }), fc.bigInt({ min: 0n, max: 300_000n })),
    walk(int64, fc.constantFrom(0n, 1n, -1n, 2n ** 32n, MIN64, MAX64)),
    fc.oneof(int64, extreme64).map((v) => new Array<bigint>(n).fill(v)),
  );
}

/** n records: kind/side/flags bytes (runs or random) and the seven int64 fields from column64. */
function records(n: number): fc.Arbitrary<Int32Array> {
  const byte = fc
    .oneof(fc.constant(fc.integer({ min: 0, max: 255 })), fc.constant(fc.integer({ min: 1, max: 3 })))
    .chain((g) => fc.array(g, { minLength: n, maxLength: n }));
  const flags = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: n, maxLength: n });
  return fc.tuple(byte, byte, flags, fc.array(column64(n), { minLength: 7, maxLength: 7 })).map(([kind, side, fl, cols]) => {
    const w = new Int32Array(n * 16);
    const big = new BigInt64Array(w.buffer);
    for (let i = 0; i < n; i++) {
      w[i * 16] = kind[i] | (side[i] << 8) | (fl[i] << 16);
      w[i * 16 + 1] = 12345;
      for (let c = 0; c < 7; c++) big[i * 8 + 1 + c] = cols[c][i];
    }
    return w;
  });
}

test.before(async () => {
  ({ core } = await loadCore());
  area = new RecordArea(core);
  small = new RecordArea(core, { rows: 1000, bytes: 256 << 10 });
  pieces = [1, 7, 32, 33, 129].map((rows) => new RecordArea(core, { rows, bytes: 256 << 10 }));
});

test('property: the core decodes our files to exactly the records written (any fields, group size, codec, piece size)', async () => {
  const arb = fc
    .integer({ min: 1, max: 700 })
    .chain((n) =>
      fc.tuple(
        fc.constant(n),
        records(n),
        fc.integer({ min: 1, max: 400 }),
        fc.constantFrom('SNAPPY' as const, 'UNCOMPRESSED' as const),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 5 }),
      ),
    );
  await fc.assert(
    fc.asyncProperty(arb, async ([n, words, rowGroupSize, codec, inst, which]) => {
      const file = ab(encodeParquet(words, 0, n, { symbol: 'X' } as any, { rowGroupSize, codec }));
      const a = which < pieces.length ? pieces[which] : area;
      const got = await readAll(file, a, inst);
      const msg = firstDiff(got.words, expected(words, n, inst));
      if (msg) throw new Error(`${n} rows, groups of ${rowGroupSize}, ${codec}, pieces of ${a.rows}: ${msg}`);
      if (got.fallback !== 0 || got.decoded !== Math.ceil(n / rowGroupSize))
        throw new Error(`decoded ${got.decoded}, fallback ${got.fallback}`);
    }),
    { numRuns: RUNS },
  );
});

/** The column chunks of a one-group file: name → bytes (each one page: our writer's layout). */
function chunksOf(file: Uint8Array): Map<string, { bytes: Uint8Array; i64: boolean }> {
  const md = parquetMetadata(ab(file));
  const out = new Map<string, { bytes: Uint8Array; i64: boolean }>();
  for (const c of md.row_groups[0].columns) {
    const m = c.meta_data!;
    const at = Number(m.data_page_offset);
    out.set(m.path_in_schema[0], { bytes: file.subarray(at, at + Number(m.total_compressed_size)), i64: m.type === 'INT64' });
  }
  return out;
}

test('chunks of several pages, read in pieces that straddle the page ends: the records of every page in order', () => {
  // Our writer puts one page in a chunk; other writers split chunks into pages. Pages of three files' chunks are
  // joined into one chunk per column and read through the core's group reader directly.
  const { words } = bookRecords(2000, 3);
  const sizes = [700, 1, 433];
  const codecs = ['SNAPPY', 'UNCOMPRESSED', 'SNAPPY'] as const;
  let from = 0;
  const parts = sizes.map((n, k) => {
    const file = encodeParquet(words, from * 16, n, { symbol: 'X' } as any, { codec: codecs[k] }); // start in words
    from += n;
    return chunksOf(file);
  });
  const rows = from;
  const x = core.x;
  const g = x.coreAlloc(x.pqGroupBytes());
  const cap = 1 << 20;
  const input = x.coreAlloc(cap + 16);
  const scratch = x.coreAlloc(cap + 16);
  let at = input;
  COLUMNS.forEach((c, k) => {
    const joined = parts.map((p) => p.get(c.name)!.bytes);
    const len = joined.reduce((s, b) => s + b.length, 0);
    let o = at;
    for (const b of joined) {
      core.bytes.set(b, o);
      o += b.length;
    }
    // the mixed codecs per page: the chunk says SNAPPY and each page header says whether it is compressed
    assert.ok(x.pqGroupColumn(g, k, at, len, c.type === 'INT64' ? 1 : 0, 1, c.at, c.width), c.name);
    at += len;
  });
  assert.is(x.pqGroupOpen(g, COLUMNS.length, rows, scratch, cap), 0);
  for (const piece of [1, 63, 700, 5, 300]) {
    const ptr = x.coreAlloc(2048 * 64);
    const got: Int32Array[] = [];
    assert.is(x.pqGroupOpen(g, COLUMNS.length, rows, scratch, cap), 0);
    for (let r = 0; r < rows; r += piece) {
      const n = Math.min(piece, rows - r);
      assert.is(x.pqGroupRead(g, ptr, n, 3), 0);
      got.push(core.words.slice(ptr >> 2, (ptr >> 2) + n * 16));
    }
    const all = new Int32Array(rows * 16);
    let o = 0;
    for (const p of got) {
      all.set(p, o);
      o += p.length;
    }
    assert.is(firstDiff(all, expected(words, rows, 3)), '', `pieces of ${piece}`);
    assert.is(x.pqGroupRead(g, ptr, 1, 3), -5, 'no row past the group');
  }
  assert.ok(x.pqGroupOpen(g, COLUMNS.length, rows + 1, scratch, cap) < 0, 'pages short of the rows: declined');
  assert.is(x.pqGroupOpen(g, COLUMNS.length, rows - 1, scratch, cap), -5, 'pages past the rows: declined');
  assert.is(x.pqGroupOpen(g, COLUMNS.length, rows, scratch, 1000), -6, 'pages larger than the scratch: declined');
});

test('a recording of a book stream: core path, and the same words as the column path', async () => {
  const { words, n } = bookRecords(150_000, 9);
  const file = ab(encodeParquet(words, 0, n, { symbol: 'BTCUSDT' } as any));
  const got = await readAll(file, area, 2);
  assert.is(got.decoded, 2);
  assert.is(got.fallback, 0);
  assert.is(firstDiff(got.words, expected(words, n, 2)), '');
  const viaColumns = new Int32Array(n * 16);
  for await (const g of rowGroups(file)) columnsToRecords(g.columns, g.rows, viaColumns, g.rowStart * 16, 2);
  assert.is(firstDiff(got.words, viaColumns), '');
});

test('a row group whose chunks do not fit the area: column path, in pieces of the area, same records', async () => {
  const { words, n } = bookRecords(2500, 4);
  const file = ab(encodeParquet(words, 0, n, { symbol: 'X' } as any, { rowGroupSize: 2400 }));
  const md = parquetMetadata(file);
  const bytes = md.row_groups.map((g) => g.columns.reduce((s, c) => s + Number(c.meta_data!.total_compressed_size), 0));
  assert.ok(bytes[0] > 4096 && bytes[1] < 4096, `chunks of ${bytes.join(' and ')} bytes`);
  const got = await readAll(file, new RecordArea(core, { rows: 1000, bytes: 4096 }), 1);
  assert.is(got.decoded, 1, 'the 100-row group fits');
  assert.is(got.fallback, 1);
  assert.is(firstDiff(got.words, expected(words, n, 1)), '');
});

test("another writer's file (PLAIN and dictionary pages): column path, same records", async () => {
  const { words, n } = bookRecords(3000, 5);
  const big = new BigInt64Array(words.buffer);
  const columnData = COLUMNS.map((c) =>
    c.type === 'INT64'
      ? { name: c.name, type: 'INT64', nullable: false, data: BigInt64Array.from({ length: n }, (_, i) => big[i * 8 + (c.at >> 3)]) }
      : {
          name: c.name,
          type: 'INT32',
          nullable: false,
          data: Int32Array.from({ length: n }, (_, i) => (words[i * 16] >>> (c.at * 8)) & (c.width === 1 ? 0xff : 0xffff)),
        },
  );
  const file = parquetWriteBuffer({ columnData, rowGroupSize: 1000 } as any);
  const got = await readAll(file, area, 0);
  assert.is(got.decoded, 0);
  assert.is(got.fallback, 3);
  assert.is(firstDiff(got.words, expected(words, n, 0)), '');
});

test('corrupt streams: the core declines (no write past its area), and the column path decides', async () => {
  // 900 records in the 1000-record area: the last 100 records of the area must stay as they were
  const n = 900;
  const words = new Int32Array(n * 16);
  const big = new BigInt64Array(words.buffer);
  for (let i = 0; i < n; i++) {
    words[i * 16] = 1 | ((1 + (i & 1)) << 8);
    for (let c = 1; c < 8; c++) big[i * 8 + c] = 1_764_000_000_000_000_000n + BigInt(i * i * c);
  }
  const clean = encodeParquet(words, 0, n, { symbol: 'X' } as any, { codec: 'UNCOMPRESSED' });
  const md = parquetMetadata(ab(clean));
  const m = md.row_groups[0].columns.find((c) => c.meta_data!.path_in_schema[0] === 'price')!.meta_data!;
  const reader = { view: new DataView(clean.buffer, clean.byteOffset, clean.length), offset: Number(m.data_page_offset) };
  parquetHeader(reader);
  const body = reader.offset;
  const guard = small.ptr + n * 64;
  const before = core.words.slice(guard >> 2, (guard >> 2) + 100 * 16);
  assert.equal([...clean.subarray(body, body + 3)], [0x80, 0x01, 4], 'block of 128 in 4 miniblocks');
  for (const [what, at, v] of [
    ['block size 129', body, 0x81],
    ['3 miniblocks of a 128 block', body + 2, 3],
  ] as const) {
    const f0 = small.fallback;
    const bad = clean.slice();
    bad[at] = v;
    let fromCore: Int32Array | Error;
    try {
      fromCore = (await readAll(ab(bad), small, 0)).words;
    } catch (e) {
      fromCore = e as Error;
    }
    assert.is(small.fallback, f0 + 1, `${what}: declined by the core`);
    let viaColumns: Int32Array | Error;
    try {
      viaColumns = new Int32Array(n * 16);
      for await (const g of rowGroups(ab(bad))) columnsToRecords(g.columns, g.rows, viaColumns, g.rowStart * 16, 0);
    } catch (e) {
      viaColumns = e as Error;
    }
    if (fromCore instanceof Error || viaColumns instanceof Error) assert.is(String(fromCore), String(viaColumns), what);
    else assert.is(firstDiff(fromCore, viaColumns), '', what);
  }
  assert.ok(firstDiff(core.words.slice(guard >> 2, (guard >> 2) + 100 * 16), before) === '', 'nothing written past the rows');
  // a truncated snappy page: the core declines, the column path reports
  const snappy = encodeParquet(words, 0, n, { symbol: 'X' } as any);
  const md2 = parquetMetadata(ab(snappy));
  const m2 = md2.row_groups[0].columns.find((c) => c.meta_data!.path_in_schema[0] === 'qty')!.meta_data!;
  const r2 = { view: new DataView(snappy.buffer, snappy.byteOffset, snappy.length), offset: Number(m2.data_page_offset) };
  parquetHeader(r2);
  const cut = snappy.slice();
  cut[r2.offset] ^= 0x7f; // the declared length no longer matches the page header
  const f0 = area.fallback;
  try {
    await readAll(ab(cut), area, 0);
  } catch {
    // hyparquet may reject the page outright: either way it was not the core's to decode
  }
  assert.is(area.fallback, f0 + 1, 'declined by the core');
});

test("fuzz: corrupt bytes anywhere never hang, trap or write past the rows: the column path's records, or an error", async () => {
  const n = 900;
  const { words } = bookRecords(3000, 8);
  const clean = [
    encodeParquet(words, 0, n, { symbol: 'X' } as any, { rowGroupSize: 450 }),
    encodeParquet(words, 0, n, { symbol: 'X' } as any, { rowGroupSize: 450, codec: 'UNCOMPRESSED' }),
  ];
  const guard = small.ptr + n * 64;
  const before = core.words.slice(guard >> 2, (guard >> 2) + 100 * 16);
  const viaColumns = async (file: ArrayBuffer): Promise<Int32Array> => {
    const w = new Int32Array(n * 16);
    for await (const g of rowGroups(file)) columnsToRecords(g.columns, g.rows, w, g.rowStart * 16, 0);
    return w;
  };
  const outcome = async (f: () => Promise<Int32Array>): Promise<Int32Array | string> => {
    try {
      return await f();
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) throw e; // a trap must never reach the caller
      return 'error';
    }
  };
  // flips inside the data pages (the footer is hyparquet's to judge), a few at a time
  const arb = fc.tuple(
    fc.integer({ min: 0, max: 1 }),
    fc.array(fc.tuple(fc.integer({ min: 4, max: 1 << 30 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
  );
  await fc.assert(
    fc.asyncProperty(arb, async ([k, flips]) => {
      const bad = clean[k].slice();
      const md = parquetMetadata(ab(clean[k]));
      const dataEnd = Number(
        md.row_groups[md.row_groups.length - 1].columns.reduce(
          (m, c) => Math.max(m, Number(c.meta_data!.data_page_offset) + Number(c.meta_data!.total_compressed_size)),
          0,
        ),
      );
      for (const [at, v] of flips) bad[4 + (at % (dataEnd - 4))] = v;
      const a = await outcome(async () => (await readAll(ab(bad), small, 0)).words);
      const b = await outcome(() => viaColumns(ab(bad)));
      if (typeof a === 'string' || typeof b === 'string') {
        if (a !== b)
          throw new Error(`core path ${typeof a === 'string' ? a : 'records'}, column path ${typeof b === 'string' ? b : 'records'}`);
      } else {
        const msg = firstDiff(a, b);
        if (msg) throw new Error(msg);
      }
    }),
    { numRuns: RUNS * 3 },
  );
  assert.ok(firstDiff(core.words.slice(guard >> 2, (guard >> 2) + 100 * 16), before) === '', 'nothing written past the rows');
});

test.run();
