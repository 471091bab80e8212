// Page checksums: every page our writer writes carries the CRC-32 parquet-format defines (GZIP's CRC-32 over the
// page bytes after the header, after compression), and both readers check it before decoding. Flipping bits in a
// data page used to change thousands of values without a word (a different backtest, exit 0); now it is an error
// naming the file, in the TypeScript reader, in the core's decoder and through every command. DuckDB reads these
// files (it accepts the field but, as of 1.5.6, does not verify it).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { parquetMetadata, type FileMetaData } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { DuckDBInstance } from '@duckdb/node-api';
import { crc32 } from '../../../src/capture/parquet/crc32';
import { PageChecksumError } from '../../../src/capture/parquet/page-decoder';
import { rowGroups } from '../../../src/capture/parquet/reader';
import { RecordArea, recordGroups } from '../../../src/capture/parquet/record-groups';
import { DamagedFile, fileRecordGroups } from '../../../src/capture/read-file';
import { inspectRecording } from '../../../src/capture/inspect';
import { loadCore } from '../../../src/core/index';
import { fetchChunks, plan } from '../../../src/capture/parquet/page-decoder';
import { COLUMNS } from '../../../src/capture/schema';
import { writeFiles } from '../../helpers/recording-files';

const ab = (b: Uint8Array) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
const CLI = join(process.cwd(), 'build/ringbook.mjs');
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 });

/** Every page of every column chunk: where its bytes are and what its header says. */
function pages(file: Uint8Array, md: FileMetaData) {
  const out: Array<{ group: number; column: string; body: number; size: number; crc: number | undefined }> = [];
  md.row_groups.forEach((rg, group) => {
    for (const c of rg.columns) {
      const m = c.meta_data!;
      const end = Number(m.data_page_offset) + Number(m.total_compressed_size);
      const r = { view: new DataView(file.buffer, file.byteOffset, file.length), offset: Number(m.data_page_offset) };
      while (r.offset < end) {
        const h = parquetHeader(r);
        out.push({ group, column: m.path_in_schema[0], body: r.offset, size: h.compressed_page_size, crc: h.crc });
        r.offset += h.compressed_page_size;
      }
    }
  });
  return out;
}

const root = mkdtempSync(join(tmpdir(), 'ringbook-crc-'));
const { paths } = writeFiles(join(root, 'data'), 4, 20_000, 12);
const clean = new Uint8Array(readFileSync(paths[2]));
const md = parquetMetadata(ab(clean));
/** The price column's page of the first row group: incompressible, so a flipped bit is a flipped value. */
const target = pages(clean, md).find((p) => p.group === 0 && p.column === 'price')!;
const flipped = clean.slice();
for (let b = 0; b < 8; b++) flipped[target.body + Math.floor(target.size / 2) + b * 3] ^= 1 << b; // 8 bits, as the issue did
writeFileSync(paths[2], flipped);

test('CRC-32: the same as zlib over any length and offset', () => {
  const b = Uint8Array.from({ length: 4099 }, (_, i) => (i * 2654435761) >>> 23);
  for (const [from, to] of [
    [0, 0],
    [0, 1],
    [3, 10],
    [1, 4099],
    [17, 4000],
  ])
    assert.is(crc32(b, from, to), zlibCrc32(b.subarray(from, to)) | 0, `${from}–${to}`);
});

test('every page written carries the CRC-32 of its bytes after the header (parquet-format PageHeader.crc)', () => {
  const all = pages(clean, md);
  assert.is(all.length, md.row_groups.length * 10);
  for (const p of all) assert.is(p.crc, zlibCrc32(clean.subarray(p.body, p.body + p.size)) | 0, `${p.group} ${p.column}`);
});

test('DuckDB reads files with page checksums', async () => {
  const db = await (await DuckDBInstance.create()).connect();
  const okPath = join(root, 'ok.parquet');
  writeFileSync(okPath, clean);
  const [r] = (
    await db.runAndReadAll(`SELECT count(*)::VARCHAR AS n, sum(price)::VARCHAR AS s FROM read_parquet('${okPath}')`)
  ).getRowObjectsJson();
  let n = 0;
  let s = 0n;
  for await (const g of rowGroups(ab(clean), ['price'])) {
    n += g.rows;
    for (const v of g.columns.price as BigInt64Array) s += v;
  }
  assert.equal(r, { n: String(n), s: String(s) });
});

test('the TypeScript reader: a flipped bit is a checksum error naming row group, column and page', async () => {
  try {
    for await (const _ of rowGroups(ab(flipped)));
    assert.unreachable('read a damaged page');
  } catch (err) {
    assert.instance(err, PageChecksumError);
    assert.is((err as Error).message, 'page checksum mismatch in row group 0, column price, page 0: the file is damaged');
  }
});

test("the core's decoder: refuses the group, and the replay stops with the file's name", async () => {
  const { core } = await loadCore();
  const area = new RecordArea(core);
  try {
    for await (const _ of recordGroups(ab(flipped), area, 0));
    assert.unreachable('replayed a damaged page');
  } catch (err) {
    assert.instance(err, PageChecksumError);
  }
  assert.is(area.fallback, 1, 'the core refused the damaged group; the column path named the page');
  for await (const _ of recordGroups(ab(clean), area, 0));
  assert.is(area.decoded, md.row_groups.length, 'the clean file is decoded by the core');
  try {
    for await (const _ of fileRecordGroups(paths[2], area, 0));
    assert.unreachable('replayed a damaged page');
  } catch (err) {
    assert.instance(err, DamagedFile);
    assert.is((err as Error).message, `${paths[2]}: page checksum mismatch in row group 0, column price, page 0: the file is damaged`);
  }
});

test('the core checks the checksum itself: a flipped bit in a page that still decodes is PQ_BAD_CRC', async () => {
  const { core } = await loadCore();
  const x = core.x;
  const FIELD = new Map(COLUMNS.map((c) => [c.name as string, c]));
  const open = async (file: Uint8Array) => {
    const m = parquetMetadata(ab(file));
    const chunks = plan(
      m,
      0,
      COLUMNS.map((c) => c.name),
    )!;
    const bytes = (await fetchChunks(ab(file), chunks))!;
    const g = x.coreAlloc(x.pqGroupBytes());
    const input = x.coreAlloc(4 << 20);
    const scratch = x.coreAlloc((8 << 20) + 16);
    let at = input;
    chunks.forEach((c, k) => {
      core.bytes.set(bytes[k], at);
      const f = FIELD.get(c.name)!;
      x.pqGroupColumn(g, k, at, bytes[k].length, c.i64 ? 1 : 0, c.compressed ? 1 : 0, f.at, f.width);
      at += bytes[k].length + 16;
    });
    return x.pqGroupOpen(g, chunks.length, Number(m.row_groups[0].num_rows), scratch, 8 << 20);
  };
  assert.is(await open(clean), 0);
  assert.is(await open(flipped), -7);
});

test('backtest and inspect: a flipped bit is an error naming the file, never a different backtest', async () => {
  const r = cli('backtest', join(root, 'data'), '--latency', 'feed', '--json');
  assert.is(r.status, 1, r.stdout.slice(0, 200));
  assert.ok(r.stderr.includes(`cannot read ${paths[2]}: page checksum mismatch in row group 0, column price`), r.stderr);
  const skip = cli('backtest', join(root, 'data'), '--latency', 'feed', '--json', '--skip-damaged');
  assert.is(skip.status, 0, skip.stderr);
  assert.is(JSON.parse(skip.stdout).settings.skippedDamagedFiles, paths[2]);
  const { damaged, streams } = await inspectRecording(join(root, 'data'));
  assert.equal(
    damaged.map((d) => d.path),
    [paths[2]],
  );
  assert.is(streams[0].files, 3);
});

test("the page's bundles import nothing from node: statically (the writer's CRC-32 is ours, not zlib's)", () => {
  for (const f of ['app.js', 'replay.worker.js']) {
    const text = readFileSync(join(process.cwd(), 'build/web', f), 'utf8');
    assert.not.match(text, /^import[^;]*from\s*["']node:/m, f);
  }
});

test.run();
