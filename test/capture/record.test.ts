// Recording from the local exchange end to end: DuckDB reads the whole hive tree, counts match the recorder's own,
// int64 values are exact, the measured clock offset matches the injected skew within its bound; and a recorder
// killed with SIGKILL loses at most its flush interval and duplicates nothing after a restart.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import WebSocket from 'ws';
import { asyncBufferFromFile } from 'hyparquet';
import { DuckDBInstance } from '@duckdb/node-api';
import { startExchange } from '../../src/exchange/index';
import { MarketPipeline, findWorkerDir } from '../../src/feed/pipeline';
import { onLoopback, runRecord } from '../../src/cli/record';
import { readFileMeta } from '../../src/capture/read-file';
import { rowGroups } from '../../src/capture/parquet/reader';
import { listParquet } from '../../src/capture/recover';
import { inspectRecording } from '../../src/capture/inspect';

/** Resolves once `cond()` holds (checked every 50 ms), or fails the test after `ms` saying what it waited for. */
async function until(what: string, cond: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) assert.unreachable(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('record → DuckDB reads the tree; counts, int64 values and the clock offset are right', async () => {
  const skewMs = 300; // the exchange's clock runs 300 ms ahead of ours: θ = local − exchange = −300 ms
  const ex = await startExchange({ seed: 5, faults: { clockSkewMs: skewMs }, symbols: ['USDT-FUTURES:BTCUSDT', 'USDT-FUTURES:ETHUSDT'] });
  const root = mkdtempSync(join(tmpdir(), 'ringbook-rec-'));
  const clocks: Array<{ offsetNs: string; boundNs: string }> = [];
  const files: string[] = [];
  const p = await MarketPipeline.start({
    wsUrl: ex.url.ws,
    restUrl: ex.url.rest,
    instruments: [
      { instType: 'USDT-FUTURES', symbol: 'BTCUSDT' },
      { instType: 'USDT-FUTURES', symbol: 'ETHUSDT' },
    ],
    record: {
      root,
      flushMs: 200,
      rollMs: 1000,
      clockEveryMs: 1000,
      source: 'simulator',
      raw: true,
      onClock: (c) => clocks.push(c),
      onFile: (f) => files.push(f.path),
    },
  });
  const drain = setInterval(() => p.read(() => {}), 10);
  try {
    await until(
      'records, files and a clock estimate',
      () => (p.recorderCounters?.records ?? 0) > 800 && files.length >= 2 && clocks.length >= 1,
      20_000,
    );
  } finally {
    clearInterval(drain);
  }
  const stopped = await p.stop();
  await ex.close();
  const perInst = p.recorderPerInstrument!;

  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const glob = `${root}/venue=*/**/*.parquet`;
  // the market tree and, beside it, the futures ticker stream (kind 7, docs/capture.md)
  const rows = (
    await db.runAndReadAll(
      `SELECT symbol, kind, count(*)::VARCHAR AS n FROM read_parquet(['${glob}', '${root}/_ticker/venue=*/**/*.parquet'], hive_partitioning = true) GROUP BY ALL ORDER BY ALL`,
    )
  ).getRowObjectsJson() as any[];
  const market = (
    await db.runAndReadAll(`SELECT count(*)::VARCHAR AS n FROM read_parquet('${glob}') WHERE kind = 7`)
  ).getRowObjectsJson() as any[];
  assert.is(market[0].n, '0', 'no ticker row in the market tree');
  for (const [inst, symbol] of [
    [0, 'BTCUSDT'],
    [1, 'ETHUSDT'],
  ] as const) {
    const mine = Object.entries(perInst[inst].byKind)
      .map(([k, n]) => `${k}:${n}`)
      .sort();
    const duck = rows
      .filter((r) => r.symbol === symbol)
      .map((r) => `${r.kind}:${r.n}`)
      .sort();
    assert.equal(duck, mine, `${symbol}: rows per kind in DuckDB = the recorder's counters`);
  }
  const types = (
    await db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${glob}', hive_partitioning = true)`)
  ).getRowObjectsJson() as any[];
  assert.ok(
    types.find((t) => t.column_name === 'seq' && t.column_type === 'BIGINT'),
    'signed INT64 reads as BIGINT',
  );

  // int64 round trip: DuckDB's exact aggregates equal ours over the same files
  let sumPrice = 0n;
  let maxSeq = -(2n ** 63n);
  for (const f of listParquet(root).filter((x) => x.includes('symbol=BTCUSDT'))) {
    for await (const g of rowGroups(await asyncBufferFromFile(f))) {
      for (const v of g.columns.price as BigInt64Array) sumPrice += v;
      for (const v of g.columns.seq as BigInt64Array) if (v > maxSeq) maxSeq = v;
    }
  }
  const agg = (
    await db.runAndReadAll(
      `SELECT sum(price)::VARCHAR AS s, max(seq)::VARCHAR AS m FROM read_parquet('${glob}', hive_partitioning = true) WHERE symbol = 'BTCUSDT'`,
    )
  ).getRowObjectsJson() as any[];
  assert.is(agg[0].s, String(sumPrice));
  assert.is(agg[0].m, String(maxSeq));
  assert.ok(maxSeq > 2n ** 53n, 'BTCUSDT seq is beyond 2^53 and survived exactly');

  // the clock: within the round-trip bound of the injected skew
  const c = clocks[clocks.length - 1];
  const err = BigInt(c.offsetNs) + BigInt(skewMs) * 1_000_000n;
  assert.ok((err < 0n ? -err : err) <= BigInt(c.boundNs), `θ̂ ${c.offsetNs} ns vs −${skewMs} ms, bound ${c.boundNs} ns`);

  // --raw: every frame the feed saw, as text, with its receive time
  const raw = (
    await db.runAndReadAll(
      `SELECT count(*)::VARCHAR AS n, count(*) FILTER (WHERE frame LIKE '{"action":"update"%')::VARCHAR AS updates FROM read_parquet('${root}/_raw/**/*.parquet')`,
    )
  ).getRowObjectsJson() as any[];
  assert.is(Number(raw[0].n), stopped.feed!.counters.frames, 'one raw row per frame received');
  // the recorder's count of them, and of their files, for the command's summary ("N raw frames in 1 file")
  assert.is(stopped.recorder!.rawFrames, stopped.feed!.counters.frames);
  assert.is(
    stopped.recorder!.rawFiles,
    readdirSync(join(root, '_raw'), { recursive: true }).filter((f) => String(f).endsWith('.parquet')).length,
  );
  assert.ok(Number(raw[0].updates) > 0);

  // inspect explains the "impossible" negative latencies with the measured offset
  const report = await inspectRecording(root);
  assert.equal(report.damaged, []);
  const btc = report.streams.find((r) => r.stream.endsWith('BTCUSDT'))!;
  assert.ok(btc.feedLatencyMsRaw!.negativeShare > 0.9, 'raw local_ts − exch_ts is negative: our clock is behind');
  assert.ok(btc.feedLatencyMsCorrected!.p50 > 0, 'corrected for θ the latency is positive');
  assert.match(btc.explanation, /local clock is behind the exchange's/);
});

test('SIGKILL mid-run, restart: everything up to the last flush interval is in the files, nothing twice', async () => {
  const ex = await startExchange({ seed: 9, symbols: ['USDT-FUTURES:BTCUSDT'] });
  const root = mkdtempSync(join(tmpdir(), 'ringbook-kill-'));
  const flushMs = 200;
  // a witness connection sees every push the exchange makes
  const seen: Array<{ seq: bigint; at: number }> = [];
  const witness = new WebSocket(ex.url.ws);
  witness.on('open', () =>
    witness.send(JSON.stringify({ op: 'subscribe', args: [{ instType: 'USDT-FUTURES', channel: 'books', instId: 'BTCUSDT' }] })),
  );
  witness.on('message', (d) => {
    const m = /"seq":(\d+)/.exec(d.toString());
    if (m && d.toString().includes('"action":"update"')) seen.push({ seq: BigInt(m[1]), at: Date.now() });
  });
  const cli = new URL('../../ringbook.mjs', import.meta.url).pathname;
  const args = [
    'record',
    '--symbols',
    'BTCUSDT',
    '--ws-url',
    ex.url.ws,
    '--rest-url',
    ex.url.rest,
    '--out',
    root,
    '--flush',
    `${flushMs}ms`,
    '--roll',
    '60s',
    // the status line the wait below reads (to a pipe it comes each minute by default)
    '--status-every',
    '1s',
  ];
  const first = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  first.stderr!.on('data', (d) => {
    log += d;
  });
  // "for a while" counted in exchange pushes once the recorder reports records (its first snapshot alone can be
  // hundreds of records): 20 more pushes leave well over 10 older than the flush interval at the kill
  let startSeen = -1;
  await until(
    'the first recorder to record for a while',
    () => {
      if (startSeen < 0 && /\b(\d{3,}) records/.test(log)) startSeen = seen.length;
      return startSeen >= 0 && seen.length > startSeen + 20;
    },
    30_000,
  );
  const killedAt = Date.now();
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));

  const second = spawn(process.execPath, [cli, ...args, '--duration', '1s'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log2 = '';
  second.stderr!.on('data', (d) => {
    log2 += d;
  });
  const code = await new Promise((r) => second.once('exit', r));
  witness.close();
  await ex.close();
  assert.is(code, 0, log2);
  assert.match(log2, /recovered .*\.parquet \(\d+ rows/);
  // said before it starts: the directory is not empty, and the restart adds to it
  assert.match(
    log2,
    /already holds a recording: .*unfinished journals? of a recorder that was killed .*adds its files beside them and overwrites nothing/,
  );
  assert.not.match(log, /already holds a recording/, 'the first run started on an empty directory');

  const counts = new Map<bigint, number>();
  for (const f of listParquet(root)) {
    for await (const g of rowGroups(await asyncBufferFromFile(f), ['kind', 'flags', 'seq'])) {
      const kind = g.columns.kind as Int32Array;
      const flags = g.columns.flags as Int32Array;
      const seq = g.columns.seq as BigInt64Array;
      for (let i = 0; i < g.rows; i++)
        if ((kind[i] === 1 || kind[i] === 4) && flags[i] & 2) counts.set(seq[i], (counts.get(seq[i]) ?? 0) + 1);
    }
  }
  const dup = [...counts].filter(([, n]) => n > 1);
  assert.equal(dup, [], 'no book message recorded twice');
  // pushes after the recorder's first snapshot and older than the flush interval at the kill (300 ms: the recorder
  // hears a push a little after the witness)
  const firstRecorded = [...counts.keys()].reduce((a, b) => (b < a ? b : a));
  const due = seen.filter((s) => s.seq > firstRecorded && s.at < killedAt - flushMs - 300);
  const missing = due.filter((s) => !counts.has(s.seq));
  assert.ok(due.length > 10);
  assert.equal(
    missing.map((s) => String(s.seq)),
    [],
    'every push older than the flush interval survived the kill',
  );
});

test('SIGKILL, then the sidecar truncated to 0 bytes: the next record recovers the journal, records and exits', async () => {
  const ex = await startExchange({ seed: 4, symbols: ['USDT-FUTURES:BTCUSDT'] });
  const root = mkdtempSync(join(tmpdir(), 'ringbook-torn-sidecar-'));
  const cli = new URL('../../ringbook.mjs', import.meta.url).pathname;
  const args = ['record', '--symbols', 'BTCUSDT', '--ws-url', ex.url.ws, '--rest-url', ex.url.rest, '--out', root, '--flush', '200ms'];
  args.push('--status-every', '1s'); // the status line this waits for (to a pipe it comes each minute by default)
  const first = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  first.stderr!.on('data', (d) => (log += d));
  const sidecars = () =>
    (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.meta.json')).map((f) => join(root, f));
  await until('the first recorder to flush a journal', () => /\b\d{3,} records/.test(log) && sidecars().length > 0, 30_000);
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  for (const s of sidecars()) truncateSync(s, 0);
  const second = spawn(process.execPath, [cli, ...args, '--duration', '2s'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log2 = '';
  second.stderr!.on('data', (d) => (log2 += d));
  // it used to run on with 0 records, its recorder thread dead: a bound turns that into a failure, not a hang
  const hung = setTimeout(() => second.kill('SIGKILL'), 60_000);
  const code = await new Promise((r) => second.once('exit', (c) => r(c ?? 'killed: still running after 60 s')));
  clearTimeout(hung);
  await ex.close();
  assert.is(code, 0, log2);
  assert.match(log2, /recovered .*\.parquet \(\d[\d,]* rows?.*sidecar was empty: metadata rebuilt from this run's instrument settings/);
  assert.match(log2, /record: [1-9][\d,]* records? in [1-9]\d* files?/);
  assert.not.match(log2, /recorder worker failed/);
});

test('its output closed (`record | head`) and then SIGHUP (the terminal gone): the files are finished, exit 0', async () => {
  const ex = await startExchange({ seed: 5, symbols: ['USDT-FUTURES:BTCUSDT'] });
  const root = mkdtempSync(join(tmpdir(), 'ringbook-hup-'));
  const cli = new URL('../../ringbook.mjs', import.meta.url).pathname;
  const args = ['record', '--symbols', 'BTCUSDT', '--ws-url', ex.url.ws, '--rest-url', ex.url.rest, '--out', root, '--flush', '200ms'];
  args.push('--status-every', '1s'); // the status line this waits for (to a pipe it comes each minute by default)
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d) => (log += d));
  const journals = () => (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.partial'));
  await until('the recorder to flush a journal', () => /\b\d{3,} records/.test(log) && journals().length > 0, 30_000);
  // the reader goes away: every later line written to stderr fails with EPIPE
  child.stderr!.destroy();
  await until('a status line written into the closed pipe', () => child.exitCode !== null || journals().length > 0, 30_000);
  child.kill('SIGHUP');
  const code = await new Promise((r) => child.once('exit', (c, sig) => r(c ?? sig)));
  await ex.close();
  assert.is(code, 0, 'finished as on Ctrl-C, not killed by the closed output or the hangup');
  assert.equal(journals(), [], 'no journal left unfinished');
  assert.ok(listParquet(root).length >= 1, 'the finished files are there');
});

test('Ctrl-C before --duration ran out: the files are finished and the summary and exit code (130) say it was cut short', async () => {
  const ex = await startExchange({ seed: 5, symbols: ['USDT-FUTURES:BTCUSDT'] });
  const root = mkdtempSync(join(tmpdir(), 'ringbook-int-'));
  const cli = new URL('../../ringbook.mjs', import.meta.url).pathname;
  const args = ['record', '--symbols', 'BTCUSDT', '--ws-url', ex.url.ws, '--rest-url', ex.url.rest, '--out', root, '--duration', '10m'];
  args.push('--flush', '200ms');
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d) => (log += d));
  const journals = () => (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.partial'));
  await until('the recorder to flush a journal', () => journals().length > 0, 30_000);
  child.kill('SIGINT');
  const code = await new Promise((r) => child.once('exit', (c, sig) => r(c ?? sig)));
  await ex.close();
  assert.is(code, 130, log);
  assert.match(log, /capture drops; interrupted by Ctrl-C after \S+ \S+ of its 10 min --duration \(exit 130\)\./);
  assert.ok(listParquet(root).length >= 1, 'the finished files are there');
});

test('a recording from the local exchange given by its URLs is labelled simulator, not live; another host is live', async () => {
  assert.ok(onLoopback('http://127.0.0.1:8181') && onLoopback('http://localhost:8181') && onLoopback('http://[::1]:8181'));
  assert.not.ok(onLoopback('https://api.bitget.com') || onLoopback('http://10.0.0.1:8181'));
  const ex = await startExchange({ seed: 8, symbols: ['USDT-FUTURES:BTCUSDT'] });
  const root = mkdtempSync(join(tmpdir(), 'ringbook-source-'));
  let code: number;
  try {
    code = await runRecord(['--ws-url', ex.url.ws, '--rest-url', ex.url.rest, '--out', root, '--duration', '1s']);
  } finally {
    await ex.close();
  }
  assert.is(code, 0);
  const [first] = listParquet(root);
  assert.is((await readFileMeta(first)).meta.source, 'simulator');
});

test('a --ws-url that never answers with data (a wrong path: 404 on the upgrade) fails the recording, exit 1', async () => {
  const ex = await startExchange({ seed: 7, symbols: ['USDT-FUTURES:BTCUSDT'] });
  const root = mkdtempSync(join(tmpdir(), 'ringbook-wrong-ws-'));
  const cli = new URL('../../ringbook.mjs', import.meta.url).pathname;
  const wrong = ex.url.ws.replace(/\/v2\/ws\/public$/, '/wrong');
  const r = spawn(process.execPath, [cli, 'record', '--ws-url', wrong, '--rest-url', ex.url.rest, '--out', root, '--duration', '2s'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  r.stderr!.on('data', (d) => (log += d));
  const code = await new Promise((done) => r.once('exit', (c) => done(c)));
  await ex.close();
  assert.is(code, 1, log);
  assert.match(log, /Unexpected server response: 404/);
  assert.ok(log.includes(`record: received nothing from ${wrong} while it ran: no market data recorded`), log);
});

test('a symbol the exchange does not list is a bad command line: exit 2, named with the nearest listed one, as live', async () => {
  const ex = await startExchange({ seed: 7, symbols: ['USDT-FUTURES:BTCUSDT'] });
  const root = mkdtempSync(join(tmpdir(), 'ringbook-unlisted-'));
  const cli = new URL('../../ringbook.mjs', import.meta.url).pathname;
  const args = ['record', '--symbols', 'BTCUSD', '--ws-url', ex.url.ws, '--rest-url', ex.url.rest, '--out', root, '--duration', '2s'];
  const r = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  r.stderr!.on('data', (d) => (log += d));
  const code = await new Promise((done) => r.once('exit', (c) => done(c)));
  await ex.close();
  assert.is(code, 2, log);
  assert.match(log, /USDT-FUTURES symbol BTCUSD is not listed at http:\/\/127\.0\.0\.1:\d+/);
  assert.match(log, /did you mean BTCUSDT/);
});

test('a recorder thread that dies stops record with a clear error and exit code 1, never a hang', async () => {
  const ex = await startExchange({ seed: 6, symbols: ['USDT-FUTURES:BTCUSDT'] });
  const root = mkdtempSync(join(tmpdir(), 'ringbook-dead-recorder-'));
  // the real feed and engine threads, and a recorder that crashes a moment after it started
  const workers = mkdtempSync(join(tmpdir(), 'ringbook-workers-'));
  const real = findWorkerDir(import.meta.url);
  for (const w of ['feed.mjs', 'engine.mjs']) symlinkSync(new URL(w, real).pathname, join(workers, w));
  writeFileSync(join(workers, 'recorder.mjs'), "setTimeout(() => { throw new Error('out of memory (test)'); }, 300);\n");
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
  let code: number;
  const started = Date.now();
  try {
    code = await runRecord(
      ['--symbols', 'BTCUSDT', '--ws-url', ex.url.ws, '--rest-url', ex.url.rest, '--out', root, '--duration', '120s'],
      { workerDir: new URL(`file://${workers}/`) },
    );
  } finally {
    process.stderr.write = write;
    await ex.close();
  }
  const log = lines.join('');
  assert.is(code, 1, log);
  assert.ok(Date.now() - started < 60_000, 'stopped long before --duration');
  assert.match(log, /recorder worker failed: out of memory \(test\)/);
  assert.match(log, /record: stopped because the recorder thread exited \(code 1: out of memory \(test\)\)/);
});

test.run();
