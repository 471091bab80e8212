// An import's input: gzip is told by the magic bytes alike for a file and a URL (a .gz served as a file, a
// gzip-encoded body, a .gz under another name).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isGzip } from '../../src/import/gzip';
import { openInput } from '../../src/import/input';
import { V2, fixture, tmp } from './helpers';

const V2_GZ = fixture('bitget-futures_v2_BTCUSDT.ndjson.gz');

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

test.run();
