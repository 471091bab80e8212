// The replay page's server against broken clients and odd files: a FIFO named like a recording (opening it used to
// wait for a writer forever, and five such requests took every I/O thread, so nothing else was answered), and a fuzz
// run of malformed request lines, targets, headers and upgrade requests after which it must still answer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../src/serve/server';
import { KNOWN_CRASHERS, fuzz, fuzzRequests, rawRequest } from '../helpers/http-fuzz';

let tmp: string;
let server: RunningServer;

test.before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'ringbook-serve-robust-'));
  const web = join(tmp, 'web');
  const data = join(tmp, 'data');
  mkdirSync(web);
  mkdirSync(join(data, 'venue=bitget'), { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>replay</title>');
  writeFileSync(join(data, 'venue=bitget', 'a.parquet'), 'PAR1 not really');
  execFileSync('mkfifo', [join(data, 'x.parquet')]);
  execFileSync('mkfifo', [join(web, 'pipe.js')]);
  server = await startServer({ webRoot: web, dataRoot: data, port: 0 });
});

test.after(async () => {
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function alive(): Promise<void> {
  const r = await fetch(`${server.url}`);
  assert.is(r.status, 200, 'the page is still served');
  await r.text();
}

test('a FIFO under --data or the page root is a 404 and never wedges the server', async () => {
  const asks = Array.from({ length: 12 }, (_, i) => fetch(`${server.url}${i % 2 ? 'pipe.js' : 'data/x.parquet'}`));
  for (const r of await Promise.all(asks)) {
    assert.is(r.status, 404);
    await r.text();
  }
  await alive();
  const list = await (await fetch(`${server.url}api/recordings`)).json();
  assert.equal(
    list.map((e: { path: string }) => e.path),
    ['venue=bitget/a.parquet'],
    'the FIFO is not listed',
  );
});

const FUZZED = 2000;

test(`fuzz: ${FUZZED} malformed requests and upgrades, the server answers each and keeps serving`, async () => {
  const host = `127.0.0.1:${server.port}`;
  const paths = ['/', '/index.html', '/api/recordings', '/data/venue=bitget/a.parquet', '/data/x.parquet', '/pipe.js'];
  const requests = [...KNOWN_CRASHERS(host), ...fuzzRequests(7, FUZZED - 3, host, paths)];
  const { sent, answered, statuses } = await fuzz(server.port, requests, alive);
  assert.is(sent, FUZZED);
  // most get a status line; the rest are closed unanswered (no request line to answer, or cut short)
  assert.ok(answered > FUZZED * 0.6, `${answered} answered: ${JSON.stringify(statuses)}`);
  const r = await rawRequest(server.port, `GET /api/recordings HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  assert.is(r.status, 200);
});

test.run();
