// An import's input and the size its summary gives: gzip is told by the magic bytes alike for a file and a URL (a .gz
// served as a file, a gzip-encoded body, a .gz under another name), and the summary's figures are the same for both
// sources and both import kinds — `bytes` the text read (gunzipped), `inputBytes` what came off the disk or the socket
// — and the line says which is which.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { importTardis, importTardisCsv, type ImportSummary } from '../../src/import/import';
import { gridFromTickLot } from '../../src/import/grid';
import { isGzip } from '../../src/import/gzip';
import { openInput } from '../../src/import/input';
import { bytesText, formatSummary } from '../../src/cli/import';
import { BOOK_CSV, BTC, V2, WASM, fixture, tmp } from './helpers';

const V2_GZ = fixture('bitget-futures_v2_BTCUSDT.ndjson.gz');
const BOOK_GZ = fixture('binance-futures_incremental_book_L2_BTCUSDT.csv.gz');

const common = { rollNs: 3_600_000_000_000n, maxRows: 1_000_000, wasm: WASM };
const importOf = {
  tardis: (input: string) => importTardis({ ...common, inputs: [input], out: tmp('input-tardis'), grids: [BTC] }),
  'tardis-csv': (input: string) =>
    importTardisCsv({
      ...common,
      inputs: [input],
      out: tmp('input-csv'),
      tick: '0.1',
      lot: '0.001',
      gridFor: (instType, symbol) => gridFromTickLot(instType, symbol, '0.1', '0.001'),
    }),
};

/** Serves `files` by name: as stored (a .gz as a file, no content-encoding), or gzip-encoded under /encoded/<name>. */
async function serve(files: Record<string, string>): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const encoded = req.url!.startsWith('/encoded/');
    const path = files[req.url!.slice(encoded ? '/encoded/'.length : 1)];
    if (!path) {
      res.statusCode = 404;
      res.end('not here');
      return;
    }
    const body = readFileSync(path);
    if (encoded) res.setHeader('Content-Encoding', 'gzip');
    res.end(encoded ? gzipSync(body) : body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const sizeOf = (path: string) => statSync(path).size;

test('gzip is its magic bytes 1f 8b, nothing shorter', () => {
  assert.ok(isGzip(new Uint8Array([0x1f, 0x8b, 8])));
  assert.ok(isGzip(new Uint8Array([0x1f, 0x8b])));
  assert.not.ok(isGzip(new Uint8Array([0x1f])));
  assert.not.ok(isGzip(new Uint8Array([0x8b, 0x1f])));
  assert.not.ok(isGzip(new TextEncoder().encode('{"localTimestamp"')));
});

test('a file and a URL are gunzipped alike, whatever the name; read counts the bytes taken, text the bytes handed on', async () => {
  // a .gz under a plain name: told by its bytes, not its name
  const renamed = join(tmp('input-renamed'), 'day.ndjson');
  copyFileSync(V2_GZ, renamed);
  const { url, server } = await serve({ 'day.ndjson.gz': V2_GZ, 'day.ndjson': V2 });
  try {
    const text = readFileSync(V2);
    for (const [name, size] of [
      [V2, sizeOf(V2)],
      [V2_GZ, sizeOf(V2_GZ)],
      [renamed, sizeOf(V2_GZ)],
      [`${url}/day.ndjson.gz`, sizeOf(V2_GZ)],
      [`${url}/day.ndjson`, sizeOf(V2)],
      [`${url}/encoded/day.ndjson`, gzipSync(text).length],
    ] as const) {
      const input = await openInput(name);
      const chunks: Uint8Array[] = [];
      for await (const c of input.chunks) chunks.push(c);
      input.close();
      assert.ok(Buffer.concat(chunks).equals(text), `${name}: the text`);
      assert.is(input.read(), size, `${name}: the bytes read off the disk or the socket`);
      assert.is(input.text(), text.length, `${name}: the bytes of text`);
    }
  } finally {
    server.close();
  }
});

test("the summary's size: the text read and, for gzip, what it came as — the same for a file and a URL, both kinds", async () => {
  const { url, server } = await serve({ 'v2.ndjson.gz': V2_GZ, 'v2.ndjson': V2, 'book.csv.gz': BOOK_GZ, 'book.csv': BOOK_CSV });
  try {
    for (const [kind, plain, gz] of [
      ['tardis', V2, V2_GZ],
      ['tardis-csv', BOOK_CSV, BOOK_GZ],
    ] as const) {
      const run = importOf[kind];
      const text = sizeOf(plain);
      const packed = sizeOf(gz);
      const encoded = gzipSync(readFileSync(plain)).length;
      const sizes = (s: ImportSummary) => ({ bytes: s.bytes, inputBytes: s.inputBytes });
      const cases: Array<[string, { bytes: number; inputBytes: number }]> = [
        [plain, { bytes: text, inputBytes: text }],
        [gz, { bytes: text, inputBytes: packed }],
        [`${url}/${kind === 'tardis' ? 'v2.ndjson' : 'book.csv'}`, { bytes: text, inputBytes: text }],
        [`${url}/${kind === 'tardis' ? 'v2.ndjson.gz' : 'book.csv.gz'}`, { bytes: text, inputBytes: packed }],
        [`${url}/encoded/${kind === 'tardis' ? 'v2.ndjson' : 'book.csv'}`, { bytes: text, inputBytes: encoded }],
      ];
      for (const [input, want] of cases) {
        const s = await run(input);
        assert.equal(sizes(s), want, `${kind} ${input}`);
        const line = formatSummary(s, '/d').split('\n')[0];
        assert.ok(line.endsWith(`, ${bytesText(want)})`), line);
      }
    }
  } finally {
    server.close();
  }
  assert.is(bytesText({ bytes: 17_502, inputBytes: 17_502 }), '17.5 kB of text');
  assert.is(bytesText({ bytes: 16_501_507, inputBytes: 4_120_000 }), '16.5 MB of text from 4.1 MB of gzip');
});

test.run();
