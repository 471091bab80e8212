// Malformed HTTP for server robustness tests: raw bytes over a socket (no client library would send most of
// these), and a seeded generator of broken request lines, targets, headers, bodies and upgrade requests. A server
// passes when every request gets an answer or a closed socket, and a normal request still works afterwards.
import { connect } from 'node:net';
import { mulberry32 } from '../../src/exchange/rng';

export interface RawAnswer {
  /** The status code of the first response, or null when the server closed without one. */
  status: number | null;
  text: string;
}

/** Bytes of the first complete response in `buf`, or -1 while it is incomplete (or ends only with the connection). */
function responseEnd(buf: Buffer, head: boolean): number {
  let at = 0;
  for (;;) {
    const end = buf.indexOf('\r\n\r\n', at);
    if (end < 0) return -1;
    const text = buf.subarray(at, end).toString('latin1');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? NaN);
    const bodyAt = end + 4;
    // 100 Continue: the real answer follows
    if (status === 100) {
      at = bodyAt;
      continue;
    }
    if (head || status === 101 || status === 204 || status === 304) return bodyAt;
    const length = /\r\ncontent-length: *(\d+)/i.exec(text);
    if (length) return buf.length >= bodyAt + Number(length[1]) ? bodyAt + Number(length[1]) : -1;
    if (/\r\ntransfer-encoding: *chunked/i.test(text)) {
      const last = buf.indexOf('\r\n0\r\n\r\n', bodyAt - 2);
      return last < 0 ? -1 : last + 7;
    }
    return -1;
  }
}

/**
 * Sends `bytes` on a fresh connection and collects the answer until it is complete or the server closes. A request
 * the server is still waiting to see the rest of gets our end of the connection after `graceMs` (the server must then
 * answer or close); everything is bounded by `ms`: a server that neither answers nor closes by then is wedged.
 */
export function rawRequest(port: number, bytes: string | Uint8Array, ms = 5000, graceMs = 150): Promise<RawAnswer> {
  const head = /^HEAD /.test(String(bytes));
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const socket = connect({ host: '127.0.0.1', port });
    const finish = () => {
      clearTimeout(timer);
      clearTimeout(grace);
      socket.destroy();
      const text = buf.toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text.replace(/^HTTP\/1\.1 100 [^\r]*\r\n\r\n/, ''));
      resolve({ status: m ? Number(m[1]) : null, text });
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `no answer and no close within ${ms} ms to ${JSON.stringify(String(bytes).slice(0, 200))}; got ${JSON.stringify(buf.toString('latin1').slice(0, 200))}`,
        ),
      );
    }, ms);
    let grace: ReturnType<typeof setTimeout> | undefined;
    socket.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      if (responseEnd(buf, head) >= 0) finish();
    });
    socket.on('close', finish);
    // a reset is an answer too (the server refused to read on)
    socket.on('error', () => {});
    socket.write(bytes, () => {
      grace = setTimeout(() => socket.end(), graceMs);
    });
  });
}

const METHODS = [
  'GET',
  'POST',
  'HEAD',
  'PUT',
  'DELETE',
  'OPTIONS',
  'PATCH',
  'CONNECT',
  'TRACE',
  'G ET',
  'get',
  'GET\0',
  'X'.repeat(300),
  '',
];
const VERSIONS = ['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1.1 extra', '', 'FOO/1.1', 'HTTP/1.1\r'];

/** Targets that broke or could break a URL parser, a router or a path resolver. */
function targets(paths: readonly string[]): string[] {
  return [
    ...paths,
    '//x:99999/',
    'http://[/',
    'http://x:99999/v2/ws/public',
    'http://localhost/',
    '*',
    '',
    ' ',
    '/%',
    '/%zz',
    '/%00',
    '/%c0%af',
    '/..%2f..%2fetc/passwd',
    '/../../etc/passwd',
    '/\\..\\..\\',
    '//',
    '///x',
    '/?%',
    '/#frag',
    '/\u00ff\u0100',
    '/' + 'a'.repeat(10_000),
    '/?' + 'a=1&'.repeat(3000),
    'http://[::1',
    'ws://x:0/v2/ws/public',
    '/v2/ws/public?%',
    '//v2/ws/public',
    '/v2/ws/public/../private',
    '/debug/book?instType=SPOT&symbol=A2ZUSDT&depth=-1',
    '/debug/book?depth=99999999999999999999',
    '/api/v2/mix/market/contracts?productType=%ff',
    '/api/recordings?x=%',
    '/data/%2e%2e/secret',
    '/data/' + '../'.repeat(50),
  ];
}

const HEADER_SETS: ReadonlyArray<(host: string) => string[]> = [
  (h) => [`Host: ${h}`],
  () => [],
  (h) => [`Host: ${h}`, `Host: ${h}`],
  () => ['Host: '],
  () => ['Host: ['],
  () => ['Host: x:99999'],
  () => ['Host: [::1'],
  () => [`Host: ${'h'.repeat(5000)}`],
  (h) => [`Host: ${h}`, 'Content-Length: 5'],
  (h) => [`Host: ${h}`, 'Content-Length: -1'],
  (h) => [`Host: ${h}`, 'Content-Length: 99999999999999999999'],
  (h) => [`Host: ${h}`, 'Content-Length: 3', 'Content-Length: 4'],
  (h) => [`Host: ${h}`, 'Transfer-Encoding: chunked'],
  (h) => [`Host: ${h}`, 'Transfer-Encoding: gzip, chunked'],
  (h) => [`Host: ${h}`, 'Transfer-Encoding: chunked', 'Content-Length: 10'],
  (h) => [`Host: ${h}`, 'No colon here'],
  (h) => [`Host: ${h}`, 'X-Nul: a\0b'],
  (h) => [`Host: ${h}`, ' leading: space'],
  (h) => [`Host: ${h}`, `X-Big: ${'b'.repeat(20_000)}`],
  (h) => [`Host: ${h}`, ...Array.from({ length: 300 }, (_, i) => `X-H${i}: ${i}`)],
  (h) => [`Host: ${h}`, 'Origin: http://evil.example', 'Content-Type: text/plain'],
  (h) => [`Host: ${h}`, 'Content-Type: application/json', 'Content-Length: 12'],
  (h) => [`Host: ${h}`, 'Range: bytes=5-1'],
  (h) => [`Host: ${h}`, 'Range: bytes=-0,-0,-0'],
  (h) => [`Host: ${h}`, 'If-None-Match: *'],
  (h) => [`Host: ${h}`, 'Expect: 100-continue', 'Content-Length: 4'],
  // upgrade requests: complete, partial and broken handshakes
  (h) => [
    `Host: ${h}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
  ],
  (h) => [`Host: ${h}`, 'Upgrade: websocket', 'Connection: Upgrade'],
  (h) => [`Host: ${h}`, 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: x', 'Sec-WebSocket-Version: 99'],
  (h) => [`Host: ${h}`, 'Upgrade: h2c', 'Connection: Upgrade, HTTP2-Settings'],
  (h) => [
    `Host: ${h}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=99',
  ],
  (h) => [`Host: ${h}`, 'Upgrade: ', 'Connection: Upgrade'],
];

const BODIES = [
  '',
  '{',
  '{"a":',
  '[]',
  'null',
  '{"instType":"USDT-FUTURES","symbol":"BTCUSDT","side":"buy","size":"1e999"}',
  '0\r\n\r\n',
  'zz\r\nabc\r\n',
  '\u0000\u0001\u0002',
  'x'.repeat(70_000),
];

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)];
}

/**
 * `count` malformed (and some well-formed) requests for a server on `host` whose real paths include `paths`, from
 * a seeded generator: the same seed gives the same requests. Some requests have their bytes cut short, some use a
 * bare LF, some carry raw bytes in the request line.
 */
export function fuzzRequests(seed: number, count: number, host: string, paths: readonly string[]): string[] {
  const rnd = mulberry32(seed);
  const ts = targets(paths);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const method = pick(rnd, METHODS);
    const target = pick(rnd, ts);
    const version = pick(rnd, VERSIONS);
    const headers = pick(rnd, HEADER_SETS)(host);
    const body = rnd() < 0.4 ? pick(rnd, BODIES) : '';
    const eol = rnd() < 0.1 ? '\n' : '\r\n';
    let req = `${method} ${target} ${version}`.trimEnd() + eol + headers.map((h) => h + eol).join('') + eol + body;
    const shape = rnd();
    if (shape < 0.08)
      req = req.slice(0, Math.floor(rnd() * req.length)); // cut anywhere
    else if (shape < 0.12)
      req = req.replace(' ', ' \u0007\u00fe '); // control and high bytes in the request line
    else if (shape < 0.15) req = `${req}${req}`; // pipelined twice
    out.push(req);
  }
  return out;
}

/** The reproductions of the one-request crashes, word for word, first in every fuzz run. */
export const KNOWN_CRASHERS = (host: string): string[] => [
  `GET //x:99999/ HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
  `GET http://[/ HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
  `GET http://x:99999/v2/ws/public HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
];

/**
 * Runs `requests` `parallel` at a time; after each batch, `alive()` must still succeed. Returns how many were sent
 * and how many got an HTTP answer (the rest were closed without one: unparseable, or cut short).
 */
export async function fuzz(
  port: number,
  requests: readonly string[],
  alive: () => Promise<void>,
  parallel = 16,
): Promise<{ sent: number; answered: number; statuses: Record<number, number> }> {
  let sent = 0;
  let answered = 0;
  const statuses: Record<number, number> = {};
  for (let i = 0; i < requests.length; i += parallel) {
    const batch = requests.slice(i, i + parallel);
    for (const a of await Promise.all(batch.map((r) => rawRequest(port, r)))) {
      if (a.status === null) continue;
      answered++;
      statuses[a.status] = (statuses[a.status] ?? 0) + 1;
    }
    sent += batch.length;
    await alive();
  }
  return { sent, answered, statuses };
}
