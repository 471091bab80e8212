// Page headers checked before the general decoder (src/capture/parquet/page-headers.ts): two files whose one damaged
// header once crashed or hung the process (test/fixtures/parquet/README.md) are refused with the place and the reason,
// and every well-formed file the writer makes passes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { rowGroups, setFastRead } from '../../../src/capture/parquet/reader';
import { checkPageHeaders } from '../../../src/capture/parquet/page-headers';
import { encodeParquet } from '../../../src/capture/parquet/encode';
import { COLUMNS, type FileMeta } from '../../../src/capture/schema';
import { bookRecords } from '../../../bench/bookstream';

const fixture = (name: string): ArrayBuffer => {
  const b = readFileSync(join(process.cwd(), 'test/fixtures/parquet', name));
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;
};

async function readError(file: ArrayBuffer): Promise<string> {
  try {
    for await (const _ of rowGroups(file)) void _;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  return 'no error';
}

test('a dictionary encoding with no dictionary page is refused, naming the row group, column and byte', async () => {
  assert.is(
    await readError(fixture('dictionary-page-missing.parquet')),
    'row group 1, column side, page at byte 2070: PLAIN_DICTIONARY page with no dictionary page',
  );
});

test("levels in a required column's page are refused before the delta decoder reads from the wrong byte", async () => {
  assert.is(
    await readError(fixture('levels-in-required-column.parquet')),
    "row group 0, column kind, page at byte 4: a required column's page with 10 bytes of levels and 0 nulls",
  );
});

test('the general path refuses them too (the page decoder is not what catches them)', async () => {
  setFastRead(false);
  try {
    assert.match(await readError(fixture('dictionary-page-missing.parquet')), /no dictionary page/);
    assert.match(await readError(fixture('levels-in-required-column.parquet')), /bytes of levels/);
  } finally {
    setFastRead(true);
  }
});

test("every page header of the writer's files passes, compressed or not", async () => {
  const names = COLUMNS.map((c) => c.name);
  for (const codec of ['SNAPPY', 'UNCOMPRESSED'] as const) {
    const { words, n } = bookRecords(5000, 3);
    const meta = { symbol: 'BTCUSDT' } as unknown as FileMeta; // the header check reads no file metadata
    const bytes = encodeParquet(words, 0, n, meta, { rowGroupSize: 1000, codec });
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
    const metadata = parquetMetadata(file);
    for (let g = 0; g < metadata.row_groups.length; g++) await checkPageHeaders(file, metadata, g, names);
  }
});

async function headerError(file: ArrayBuffer): Promise<string> {
  const metadata = parquetMetadata(file);
  try {
    for (let g = 0; g < metadata.row_groups.length; g++)
      await checkPageHeaders(
        file,
        metadata,
        g,
        COLUMNS.map((c) => c.name),
      );
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  return 'no error';
}

function writerFile(): ArrayBuffer {
  const { words, n } = bookRecords(2000, 3);
  const meta = { symbol: 'BTCUSDT' } as unknown as FileMeta;
  const bytes = encodeParquet(words, 0, n, meta, { rowGroupSize: 1000, codec: 'UNCOMPRESSED' });
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
}

test('a header with no page size, or a negative one, is named so (never "page size undefined")', async () => {
  // the writer's first header (at byte 4) begins 15 06 15 <uncompressed> 15 <compressed>: thrift compact i32 fields 1–3
  const missing = writerFile();
  new Uint8Array(missing).set([0x15, 0x00, 0x15, 0x02, 0x00], 4); // type and uncompressed size, then the header ends
  assert.is(await headerError(missing), 'row group 0, column kind, page at byte 4: the page header has no compressed size');
  const negative = writerFile();
  new Uint8Array(negative)[9] = 0x01; // zigzag 1: a compressed size of -1
  assert.is(await headerError(negative), 'row group 0, column kind, page at byte 4: a negative compressed page size -1');
});

test.run();
