// The replay page's server on loopback: isolation headers on every answer, types, the recordings listing over a
// real recording, range reads as hyparquet makes them, and no way out of the two roots: raw requests send the
// un-normalised paths an attacker would (fetch would clean them up first).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { request, createServer, type IncomingHttpHeaders } from 'node:http';
import { asyncBufferFromUrl } from 'hyparquet';
import { writeI64Big } from '../../src/core/int64';
import { encodeParquet } from '../../src/capture/parquet/encode';
import { fileMeta, rowGroups } from '../../src/capture/parquet/reader';
import { marketPath, SCHEMA_VERSION, RECORDER_VERSION, type FileMeta } from '../../src/capture/schema';
import { startServer, COMMON_HEADERS, type RunningServer } from '../../src/serve/server';
import { pathSegments } from '../../src/serve/paths';
import { parseRange } from '../../src/serve/range';
import { runServe } from '../../src/cli/serve';
import { UsageError } from '../../src/cli/args';

const SECRET = 'OUTSIDE-THE-ROOTS-7f3a9c';
const T0 = 1_795_000_000_000_000_000n;
const WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
const BLOB = Uint8Array.from({ length: 100 }, (_, i) => i);

/** n records of one stream: book levels with rising local_ts. */
function records(n: number, t0: bigint): Int32Array {
  const w = new Int32Array(n * 16);
  for (let i = 0; i < n; i++) {
    const p = i * 16;
    w[p] = 1 | ((i % 2 ? 2 : 1) << 8);
    writeI64Big(w, (p + 2) * 4, t0 - 3_000_000n + BigInt(i) * 1000n);
    writeI64Big(w, (p + 4) * 4, t0 + BigInt(i) * 1000n);
    writeI64Big(w, (p + 6) * 4, 900_000n + BigInt(i % 40));
    writeI64Big(w, (p + 8) * 4, BigInt(i * 3 + 1));
  }
  return w;
}

function meta(instType: string, symbol: string, t0: bigint, n: number): FileMeta {
  return {
    schema_version: SCHEMA_VERSION,
    venue: 'bitget',
    inst_type: instType,
    symbol,
    tick_size: '0.1',
    lot_size: '0.0001',
    price_scale: '1',
    price_step: '1',
    size_scale: '4',
    size_step: '1',
    clock_offset_ns: '',
    clock_offset_bound_ns: '',
    clock_offset_method: '',
    clock_offset_rtt_ns: '',
    feed_latency_p1_ns: '',
    recorder_version: RECORDER_VERSION,
    source: 'simulator',
    dropped_records: '0',
    first_local_ts: String(t0),
    last_local_ts: String(t0 + BigInt(n - 1) * 1000n),
    rows: String(n),
  };
}

function writeAt(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
}

/**
 * tmp/secret.txt (outside both roots), tmp/web (the page) and tmp/data: two market files written where the recorder
 * puts them, own orders for one of them, a raw-frames file, a torn file, and symlinks in and out of the root.
 */
function fixture() {
  const tmp = mkdtempSync(join(tmpdir(), 'ringbook-serve-'));
  writeFileSync(join(tmp, 'secret.txt'), SECRET);
  const web = join(tmp, 'web');
  writeAt(join(web, 'index.html'), '<!doctype html><title>replay</title>');
  writeAt(join(web, 'app.js'), 'export {};');
  writeAt(join(web, 'style.css'), 'body{}');
  writeAt(join(web, 'core.wasm'), WASM);
  writeAt(join(web, 'data.json'), '{}');
  writeAt(join(web, 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeAt(join(web, 'blob.xyz'), BLOB);
  writeAt(join(web, '.env'), SECRET);
  symlinkSync(join(tmp, 'secret.txt'), join(web, 'leak.txt'));
  symlinkSync(tmp, join(web, 'up'));

  const data = join(tmp, 'data');
  const n = 3000;
  const btc = marketPath(data, 'bitget', 'USDT-FUTURES', 'BTCUSDT', T0, 0);
  writeAt(btc, encodeParquet(records(n, T0), 0, n, meta('USDT-FUTURES', 'BTCUSDT', T0, n), { rowGroupSize: 1024 }));
  const t1 = T0 + 5_000_000_000n;
  const eth = marketPath(data, 'bitget', 'SPOT', 'ETHUSDT', t1, 0);
  writeAt(eth, encodeParquet(records(40, t1), 0, 40, meta('SPOT', 'ETHUSDT', t1, 40)));
  // the recorder writes own orders through the same marketPath under <root>/_orders
  writeAt(
    marketPath(join(data, '_orders'), 'bitget', 'USDT-FUTURES', 'BTCUSDT', T0, 0),
    encodeParquet(records(5, T0), 0, 5, meta('USDT-FUTURES', 'BTCUSDT', T0, 5)),
  );
  writeAt(join(data, '_raw/venue=bitget/date=2026-11-18/1-0.parquet'), 'not market data');
  writeAt(join(data, 'venue=bitget/inst_type=SPOT/symbol=TORN/date=2026-11-18/1-0.parquet'), 'PAR1 torn');
  writeAt(join(data, 'blob.bin'), BLOB);
  writeAt(join(data, 'empty.bin'), '');
  symlinkSync(join(tmp, 'secret.txt'), join(data, 'escape.parquet'));
  symlinkSync(join(tmp, 'secret.txt'), join(data, 'escape.txt'));
  symlinkSync(tmp, join(data, 'updir'));
  symlinkSync(btc, join(data, 'inside.bin'));
  return { tmp, web, data, btc, eth, n };
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One raw request: `path` goes on the wire exactly as given. */
function raw(port: number, path: string, o: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: o.method ?? 'GET', headers: o.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function assertCommon(r: Reply, what: string): void {
  for (const [k, v] of Object.entries(COMMON_HEADERS)) assert.is(r.headers[k.toLowerCase()], v, `${what}: ${k}`);
}

let fx: ReturnType<typeof fixture>;
let server: RunningServer;

test.before(async () => {
  fx = fixture();
  server = await startServer({ webRoot: fx.web, dataRoot: fx.data, port: 0 });
});
test.after(async () => {
  await server.close();
});

test('binds loopback, reports a URL with the port it got', () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.ok(server.port > 0);
  assert.is(server.url, `http://127.0.0.1:${server.port}/`);
});

test('every kind of answer carries the isolation and no-sniff headers', async () => {
  const p = server.port;
  const cases: Array<[string, Promise<Reply>, number]> = [
    ['page', raw(p, '/'), 200],
    ['HEAD', raw(p, '/app.js', { method: 'HEAD' }), 200],
    ['range', raw(p, '/data/blob.bin', { headers: { Range: 'bytes=0-9' } }), 206],
    ['unsatisfiable', raw(p, '/data/blob.bin', { headers: { Range: 'bytes=500-' } }), 416],
    ['listing', raw(p, '/api/recordings'), 200],
    ['unknown api', raw(p, '/api/nope'), 404],
    ['missing', raw(p, '/nope.js'), 404],
    ['traversal', raw(p, '/data/../secret.txt'), 403],
    ['method', raw(p, '/', { method: 'POST' }), 405],
    ['bad encoding', raw(p, '/%zz'), 400],
    ['foreign host', raw(p, '/', { headers: { Host: 'evil.example:80' } }), 403],
  ];
  for (const [what, reply, status] of cases) {
    const r = await reply;
    assert.is(r.status, status, what);
    assertCommon(r, what);
  }
  const etag = (await raw(p, '/app.js')).headers.etag!;
  const notModified = await raw(p, '/app.js', { headers: { 'If-None-Match': etag } });
  assert.is(notModified.status, 304);
  assertCommon(notModified, '304');
});

test('a request Node itself rejects still gets the headers', async () => {
  const { connect } = await import('node:net');
  /** The server's whole answer to `request` written as it is on a fresh connection. */
  const answer = (request: string) =>
    new Promise<string>((resolve, reject) => {
      const s = connect(server.port, '127.0.0.1', () => s.write(request));
      let out = '';
      s.on('data', (d) => (out += d));
      s.on('end', () => resolve(out));
      s.on('error', reject);
    });
  const text = await answer('GARBAGE\r\n\r\n');
  assert.match(text, /^HTTP\/1\.1 400/);
  for (const [k, v] of Object.entries(COMMON_HEADERS)) assert.ok(text.includes(`${k}: ${v}\r\n`), k);
  // HTTP/1.1 without a Host header: Node would answer a bare 400 of its own
  const noHost = await answer('GET / HTTP/1.1\r\nConnection: close\r\n\r\n');
  assert.match(noHost, /^HTTP\/1\.1 400/);
  assert.match(noHost, /needs a Host header/);
  for (const [k, v] of Object.entries(COMMON_HEADERS)) assert.ok(noHost.includes(`${k}: ${v}\r\n`), k);
});

test('types: wasm, html, js, css, json, svg, octet-stream; / is index.html', async () => {
  const p = server.port;
  const types: Record<string, string> = {
    '/core.wasm': 'application/wasm',
    '/index.html': 'text/html; charset=utf-8',
    '/app.js': 'text/javascript; charset=utf-8',
    '/style.css': 'text/css; charset=utf-8',
    '/data.json': 'application/json',
    '/icon.svg': 'image/svg+xml',
    '/blob.xyz': 'application/octet-stream',
  };
  for (const [path, type] of Object.entries(types)) assert.is((await raw(p, path)).headers['content-type'], type, path);
  const wasm = await raw(p, '/core.wasm');
  assert.equal(new Uint8Array(wasm.body), WASM);
  const index = await raw(p, '/');
  assert.is(index.headers['content-type'], 'text/html; charset=utf-8');
  assert.is(index.body.toString(), readFileSync(join(fx.web, 'index.html'), 'utf8'));
  assert.is((await raw(p, '/?v=2')).status, 200, 'a query string does not change the file');
  assert.is((await raw(p, '/data/blob.bin')).headers['accept-ranges'], 'bytes');
});

test('/api/recordings: market files and the own-order log marked as its stream, sorted, with footer fields and the own-orders directory', async () => {
  const r = await raw(server.port, '/api/recordings');
  assert.is(r.headers['content-type'], 'application/json');
  const list = JSON.parse(r.body.toString());
  const rel = (p: string) => p.slice(fx.data.length + 1);
  const ownOrders = `_orders/${rel(fx.btc)}`;
  assert.equal(
    list.map((e: any) => e.path),
    [ownOrders, rel(fx.eth), 'venue=bitget/inst_type=SPOT/symbol=TORN/date=2026-11-18/1-0.parquet', rel(fx.btc)],
    'sorted by path; _raw/ and the link out of the root left out',
  );
  const [log, eth, torn, btc] = list;
  // the own-order log is listed as its stream, never as market data: the page's recorded latency model reads it
  assert.equal(log.stream, 'orders');
  assert.is(log.symbol, 'BTCUSDT');
  assert.is(log.rows, 5);
  assert.is(log.orders, null);
  assert.equal(btc, {
    path: rel(fx.btc),
    size: statSync(fx.btc).size,
    rows: fx.n,
    venue: 'bitget',
    inst_type: 'USDT-FUTURES',
    symbol: 'BTCUSDT',
    first_local_ts: String(T0),
    last_local_ts: String(T0 + BigInt(fx.n - 1) * 1000n),
    orders: `_orders/${rel(dirname(fx.btc))}`,
  });
  assert.is(eth.symbol, 'ETHUSDT');
  assert.is(eth.inst_type, 'SPOT');
  assert.is(eth.rows, 40);
  assert.is(eth.orders, null, 'no own orders for this stream');
  assert.is(torn.rows, null);
  assert.type(torn.error, 'string');
  assert.not.ok(r.body.toString().includes(fx.tmp), 'no absolute path in the listing');
  // the orders directory is reachable through /data/
  const orders = await raw(server.port, `/data/${btc.orders}/${T0}-0.parquet`);
  assert.is(orders.status, 200);
  // a second listing (from the cache) is the same
  assert.equal(JSON.parse((await raw(server.port, '/api/recordings')).body.toString()), list);
});

test('single ranges: first bytes, suffix, open-ended, clamped, unsatisfiable; others ignored', async () => {
  const p = server.port;
  const get = (range: string) => raw(p, '/data/blob.bin', { headers: { Range: range } });
  const expect206 = async (range: string, start: number, end: number) => {
    const r = await get(range);
    assert.is(r.status, 206, range);
    assert.is(r.headers['content-range'], `bytes ${start}-${end}/100`, range);
    assert.is(r.headers['content-length'], String(end - start + 1), range);
    assert.equal([...r.body], [...BLOB.subarray(start, end + 1)], range);
  };
  await expect206('bytes=0-9', 0, 9);
  await expect206('bytes=-10', 90, 99);
  await expect206('bytes=95-', 95, 99);
  await expect206('bytes=90-1000', 90, 99);
  await expect206('bytes=-1000', 0, 99);
  await expect206('bytes=0-0', 0, 0);
  for (const range of ['bytes=100-', 'bytes=100-200', 'bytes=-0']) {
    const r = await get(range);
    assert.is(r.status, 416, range);
    assert.is(r.headers['content-range'], 'bytes */100', range);
  }
  assert.is((await raw(p, '/data/empty.bin', { headers: { Range: 'bytes=0-' } })).status, 416, 'nothing to give from an empty file');
  for (const range of ['bytes=5-2', 'bytes=0-1,5-6', 'items=0-1', 'bytes=x-y']) {
    const r = await get(range);
    assert.is(r.status, 200, range);
    assert.is(r.body.length, 100, range);
  }
  const etag = (await get('bytes=0-0')).headers.etag!;
  assert.is((await raw(p, '/data/blob.bin', { headers: { Range: 'bytes=0-9', 'If-Range': etag } })).status, 206, 'If-Range matches');
  assert.is(
    (await raw(p, '/data/blob.bin', { headers: { Range: 'bytes=0-9', 'If-Range': '"stale"' } })).status,
    200,
    'changed file: whole',
  );
});

test('HEAD: length and range headers without a body', async () => {
  const head = await raw(server.port, `/data/${fx.btc.slice(fx.data.length + 1)}`, { method: 'HEAD' });
  assert.is(head.status, 200);
  assert.is(head.headers['content-length'], String(statSync(fx.btc).size));
  assert.is(head.headers['accept-ranges'], 'bytes');
  assert.is(head.body.length, 0);
  const ranged = await raw(server.port, '/data/blob.bin', { method: 'HEAD', headers: { Range: 'bytes=10-19' } });
  assert.is(ranged.status, 206);
  assert.is(ranged.headers['content-length'], '10');
  assert.is(ranged.body.length, 0);
  const listing = await raw(server.port, '/api/recordings', { method: 'HEAD' });
  assert.is(listing.status, 200);
  assert.is(listing.body.length, 0);
});

test('hyparquet reads a recording over HTTP exactly as from disk', async () => {
  const url = `${server.url}data/${fx.btc.slice(fx.data.length + 1)}`;
  const file = await asyncBufferFromUrl({ url });
  assert.is(file.byteLength, statSync(fx.btc).size);
  const { meta, rows, metadata } = await fileMeta(file);
  assert.is(rows, fx.n);
  assert.is(meta.symbol, 'BTCUSDT');
  assert.is(metadata.row_groups.length, 3);
  let seen = 0;
  for await (const g of rowGroups(file, ['local_ts'])) {
    const ts = g.columns.local_ts as BigInt64Array;
    for (let i = 0; i < g.rows; i++) if (ts[i] !== T0 + BigInt(g.rowStart + i) * 1000n) assert.unreachable(`row ${g.rowStart + i}`);
    seen += g.rows;
  }
  assert.is(seen, fx.n);
});

test('a link that stays inside its root is served', async () => {
  const r = await raw(server.port, '/data/inside.bin');
  assert.is(r.status, 200);
  assert.equal(new Uint8Array(r.body), new Uint8Array(readFileSync(fx.btc)));
});

test('no way out of the roots: traversal, encodings, backslashes, NUL, absolute paths, links out, hidden files', async () => {
  const attempts = [
    '/data/../secret.txt',
    '/data/../../../../../../etc/passwd',
    '/data/%2e%2e/secret.txt',
    '/data/%2E%2E/secret.txt',
    '/data/.%2e/secret.txt',
    '/data/%252e%252e/secret.txt',
    '/data/%252e%252e%252fsecret.txt',
    '/data/..%2fsecret.txt',
    '/data/..%2f..%2fetc/passwd',
    '/data/..%2f..%2f..%2f..%2f..%2f..%2fetc/passwd',
    '/..%5c..%5csecret.txt',
    '/data/..%5csecret.txt',
    '/data/..\\secret.txt',
    '/..\\..\\etc\\passwd',
    '/data/secret.txt%00.parquet',
    '/data/%00',
    '/data//etc/passwd',
    '/data/%2fetc%2fpasswd',
    '//etc/passwd',
    '/%2fetc%2fpasswd',
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    'http://127.0.0.1/../secret.txt',
    '/data/escape.txt',
    '/data/escape.parquet',
    '/data/updir/secret.txt',
    '/leak.txt',
    '/up/secret.txt',
    '/up/data/blob.bin',
    '/.env',
    '/data/venue=bitget/../../secret.txt',
  ];
  for (const path of attempts) {
    for (const method of ['GET', 'HEAD']) {
      const r = await raw(server.port, path, { method });
      assert.ok([400, 403, 404].includes(r.status), `${method} ${path} → ${r.status}`);
      const body = r.body.toString();
      assert.not.ok(body.includes(SECRET), `${path} leaked the outside file`);
      assert.not.ok(body.includes('root:'), `${path} leaked /etc/passwd`);
      assert.not.ok(body.includes(fx.tmp), `${path} leaked a real path`);
      assertCommon(r, path);
    }
  }
});

test('only GET and HEAD', async () => {
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
    const r = await raw(server.port, '/data/blob.bin', { method });
    assert.is(r.status, 405, method);
    assert.is(r.headers.allow, 'GET, HEAD');
    assertCommon(r, method);
  }
});

test('answers loopback names only (DNS rebinding)', async () => {
  for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`, `[::1]:${server.port}`]) {
    assert.is((await raw(server.port, '/', { headers: { Host: host } })).status, 200, host);
  }
  for (const host of ['evil.example', `attacker.test:${server.port}`, '127.0.0.1.attacker.test']) {
    const r = await raw(server.port, '/data/blob.bin', { headers: { Host: host } });
    assert.is(r.status, 403, host);
    assert.is.not(r.body.length, 100);
  }
});

test('path and range parsing at the edges', () => {
  assert.equal(pathSegments(''), { ok: true, segments: [] });
  assert.equal(pathSegments('a/b%3Dc.parquet'), { ok: true, segments: ['a', 'b=c.parquet'] });
  assert.equal(pathSegments('venue%3Dbitget/x'), { ok: true, segments: ['venue=bitget', 'x'] });
  for (const bad of ['..', 'a/..', '%2e%2e', 'a%2f..', '/abs', 'a//b', 'a\\b', '%5c', '%00', '%252e', '.hidden', 'a/./b']) {
    assert.is(pathSegments(bad).ok, false, bad);
  }
  assert.equal(pathSegments('%e0%a4%a'), { ok: false, status: 400 });
  assert.equal(parseRange(undefined, 10), { kind: 'full' });
  assert.equal(parseRange('bytes=0-', 0), { kind: 'unsatisfiable' });
  assert.equal(parseRange('bytes=-5', 0), { kind: 'unsatisfiable' });
  assert.equal(parseRange('BYTES=2-3', 10), { kind: 'partial', start: 2, end: 3 });
  assert.equal(parseRange('bytes=0-99999999999999999999999', 10), { kind: 'partial', start: 0, end: 9 });
});

test('a missing root is refused at start, with the path that is wrong', async () => {
  try {
    await startServer({ webRoot: join(fx.tmp, 'nope'), dataRoot: fx.data, port: 0 });
    assert.unreachable('started without a web root');
  } catch (err) {
    assert.match((err as Error).message, /web root .*nope does not exist/);
  }
});

test('ringbook serve: checks its flags and says what to fix', async () => {
  const fails = async (args: string[], message: RegExp, webRoot = fx.web) => {
    try {
      await runServe(args, { webRoot, log: () => {} });
      assert.unreachable(`${args.join(' ')} was accepted`);
    } catch (err) {
      assert.match((err as Error).message, message);
    }
  };
  await fails(['--data', fx.data, '--port', '70000'], /--port needs a port number from 0 to 65535/);
  await fails(['--data', fx.data, '--port', 'x'], /--port needs a port number/);
  // an empty --host or --data is a missing value: a usage error (exit 2), as every malformed flag
  for (const args of [
    ['--data', fx.data, '--host', ''],
    ['--data', ''],
  ]) {
    try {
      await runServe(args, { webRoot: fx.web, log: () => {} });
      assert.unreachable(`${args.join(' ')} was accepted`);
    } catch (err) {
      assert.instance(err, UsageError, (err as Error).message);
    }
  }
  await fails(['--data', join(fx.tmp, 'absent')], /no recording directory at .*absent: record one/);
  await fails(['--data', join(fx.data, 'blob.bin')], /is a file/);
  await fails(['--data', fx.data, '--frobnicate'], /see ringbook serve --help/);
  await fails(['--data', fx.data, 'extra'], /see ringbook serve --help/);
  await fails(['--data', fx.data, '--port', '0'], /replay page is not built.*npm run build/, join(fx.tmp, 'no-web'));
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as { port: number }).port;
  await fails(
    ['--data', fx.data, '--port', String(port)],
    new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use \\(pick another with --port`),
  );
  busy.close();
});

test('ringbook serve: a torn recording stops it at start, named, unless --skip-damaged', async () => {
  try {
    await runServe(['--data', fx.data, '--port', '0'], { webRoot: fx.web, log: () => {} });
    assert.unreachable('served a directory holding a torn file');
  } catch (err) {
    assert.match((err as Error).message, /cannot read .*symbol=TORN\/date=2026-11-18\/1-0\.parquet: .*--skip-damaged/);
  }
});

test('ringbook serve on a directory with no recordings says so, and how to record some', async () => {
  const empty = mkdtempSync(join(fx.tmp, 'empty-'));
  const lines: string[] = [];
  const stop = new AbortController();
  let listening!: () => void;
  const up = new Promise<void>((r) => (listening = r));
  const run = runServe(['--data', empty, '--port', '0'], {
    webRoot: fx.web,
    signal: stop.signal,
    log: (l) => lines.push(l),
    onListening: () => listening(),
  });
  try {
    await Promise.race([up, run]);
    assert.ok(
      lines.some((l) => l.endsWith('(0 recording files)')),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => l.includes(`nothing to replay under ${resolve(empty)} yet: record some (ringbook demo --out ${resolve(empty)}`)),
      lines.join('\n'),
    );
  } finally {
    stop.abort();
    assert.is(await run, 0);
  }
});

test('ringbook serve --skip-damaged: prints the URL, serves, stops cleanly when told to', async () => {
  const lines: string[] = [];
  const stop = new AbortController();
  let url = '';
  const run = runServe(['--data', fx.data, '--port', '0', '--skip-damaged'], {
    webRoot: fx.web,
    signal: stop.signal,
    log: (l) => lines.push(l),
    onListening: (u) => (url = u),
  });
  while (!url) await new Promise((r) => setTimeout(r, 10));
  assert.match(lines[0], /^ringbook serve: http:\/\/127\.0\.0\.1:\d+\/$/);
  const res = await fetch(`${url}api/recordings`);
  assert.is(res.status, 200);
  assert.is(res.headers.get('cross-origin-embedder-policy'), 'require-corp');
  assert.equal(
    (await res.json()).filter((e: { stream?: string }) => !e.stream).map((e: { path: string }) => e.path.split('/')[2]),
    ['symbol=ETHUSDT', 'symbol=BTCUSDT'],
    'the torn file is not listed',
  );
  assert.ok(lines.some((l) => /skipping 1 damaged file/.test(l)));
  assert.ok(
    lines.some((l) => /symbol=TORN.*: 9 bytes: too short for a Parquet file/.test(l)),
    lines.join('\n'),
  );
  stop.abort();
  assert.is(await run, 0);
  assert.match(lines.at(-1)!, /stopped/);
  await fetch(url).then(
    () => assert.unreachable('still listening'),
    () => {},
  );
});

test.run();
