// `ringbook import tardis`: tardis-machine replay lines through the live feed's decoder, continuity and checksum
// checks into the recorder's Parquet. DuckDB reads the files; a disconnect line, a seq gap and a refused checksum
// resync like live; plain, gzip and the HTTP replay URL give the same bytes, and so does a second import; bad lines
// are named by number; Bitget's v3 frames decode; a stopped import leaves only finished files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Kind, Status } from '../../src/core/index';
import { importTardis, type ImportSummary } from '../../src/import/import';
import { gridFromTickLot } from '../../src/import/grid';
import { ImportError } from '../../src/import/record-sink';
import { writeNdjson } from '../../bench/tardis-input';
import { BTC, V2, V3, WASM, bookStates, duck, fixture, query, readRecords, tmp, treeBytes } from './helpers';
import { testCore } from '../helpers/core';

const run = (inputs: string[], out: string, extra: Partial<Parameters<typeof importTardis>[0]> = {}): Promise<ImportSummary> =>
  importTardis({ inputs, out, grids: [BTC], rollNs: 3_600_000_000_000n, maxRows: 1_000_000, wasm: WASM, ...extra });

test('the v2 fixture: frames, snapshots, a gap, a disconnect and a refused checksum, as the live feed counts them', async () => {
  const out = tmp('tardis-v2');
  const s = await run([V2], out);
  assert.is(s.stopped, false);
  assert.is(s.files.length, 1);
  const f = s.frames!;
  assert.is(f.feed.snapshots, 3, 'the first snapshot, one after the disconnect, one after the gap');
  assert.is(f.feed.gaps, 1);
  assert.is(f.disconnectLines, 1);
  assert.is(f.checksums.failed, 1, 'the corrupted update');
  assert.ok(f.checksums.ok > 20);
  assert.is(f.feed.engineResyncs, 1, 'the refused checksum made the feed wait for a snapshot');
  assert.is(f.feed.beforeSnapshot, 4, 'two updates after the checksum, two after the gap, dropped like live');
  assert.equal(
    f.skipped.map(([k]) => k),
    ['USDT-FUTURES|ETHUSDT|books', 'USDT-FUTURES|BTCUSDT|ticker'],
  );
  const { words, rows } = await readRecords(out);
  assert.is(rows, s.rows);
  const statuses: number[] = [];
  for (let i = 0; i < rows; i++) if ((words[i * 16] & 0xff) === Kind.status) statuses.push(words[i * 16 + 10]);
  assert.equal(statuses, [Status.disconnect, Status.gap]);
  // local times come from the lines: the first record is the snapshot's clear at its line's localTimestamp
  const line3 = readFileSync(V2, 'utf8').split('\n')[2];
  const iso = /"localTimestamp":"([^"]+)"/.exec(line3)![1];
  const ns = BigInt(Date.parse(iso)) * 1_000_000n + BigInt(iso.slice(23, 27)) * 100n;
  assert.is((BigInt(words[5]) << 32n) | BigInt(words[4] >>> 0), ns, `${iso} exactly, to the 100 ns`);
});

test('DuckDB reads the imported tree: hive columns, rows by kind, exact int64, source=tardis in the metadata', async () => {
  const out = tmp('tardis-duck');
  const s = await run([V2], out);
  const { words, rows } = await readRecords(out);
  const byKind = new Map<number, number>();
  for (let i = 0; i < rows; i++) byKind.set(words[i * 16] & 0xff, (byKind.get(words[i * 16] & 0xff) ?? 0) + 1);
  const db = await duck();
  const glob = `${out}/venue=*/**/*.parquet`;
  const got = await query(
    db,
    `SELECT venue, inst_type, symbol, kind, count(*)::INT AS n FROM read_parquet('${glob}', hive_partitioning = true) GROUP BY ALL ORDER BY kind`,
  );
  assert.equal(
    got.map((r) => [r.venue, r.inst_type, r.symbol, r.kind, r.n]),
    [...byKind].sort((a, b) => a[0] - b[0]).map(([k, n]) => ['bitget', 'USDT-FUTURES', 'BTCUSDT', k, n]),
  );
  const seqs = await query(db, `SELECT max(seq)::VARCHAR AS m, sum(price)::VARCHAR AS p FROM read_parquet('${glob}') WHERE kind = 3`);
  let maxTrade = 0n;
  let sumPrice = 0n;
  for (let i = 0; i < rows; i++) {
    const p = i * 16;
    if ((words[p] & 0xff) !== Kind.trade) continue;
    const id = (BigInt(words[p + 11]) << 32n) | BigInt(words[p + 10] >>> 0);
    if (id > maxTrade) maxTrade = id;
    sumPrice += (BigInt(words[p + 7]) << 32n) | BigInt(words[p + 6] >>> 0);
  }
  assert.is(seqs[0].m, String(maxTrade), 'trade ids beyond 2^53 survive exactly');
  assert.ok(maxTrade > 2n ** 53n);
  assert.is(seqs[0].p, String(sumPrice));
  const kv = await query(db, `SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${glob}')`);
  const meta = Object.fromEntries(kv.map((r) => [r.k, r.v]));
  assert.is(meta.source, 'tardis');
  assert.is(meta.tick_size, '0.1');
  assert.is(meta.rows, String(s.rows));
  assert.is(meta.clock_offset_ns, '', 'Tardis data carries no measured clock offset');
  assert.ok(Number(meta.feed_latency_p1_ns) > 0);
});

test('plain, gzip and a second import give the same bytes', async () => {
  const a = tmp('tardis-a');
  const b = tmp('tardis-b');
  const c = tmp('tardis-c');
  await run([V2], a);
  await run([fixture('bitget-futures_v2_BTCUSDT.ndjson.gz')], b);
  await run([V2], c);
  await run([V2], c); // again, over its own files
  const ta = treeBytes(a);
  assert.ok(ta.size >= 1);
  assert.equal([...treeBytes(b).keys()], [...ta.keys()]);
  for (const [k, v] of ta) {
    assert.ok(v.equals(treeBytes(b).get(k)!), `${k}: gzip input gives the same file`);
    assert.ok(v.equals(treeBytes(c).get(k)!), `${k}: re-import gives the same file`);
  }
  assert.equal([...treeBytes(c).keys()], [...ta.keys()], 'no extra files, no temporaries');
});

test('files another import left in the way are named: both would be replayed', async () => {
  const out = tmp('tardis-strangers');
  const first = await run([V2], out, { maxRows: 1000, rollNs: 2_000_000_000n });
  assert.ok(first.files.length >= 2);
  const second = await run([V2], out);
  assert.equal(
    second.strangers,
    first.files
      .map((f) => f.path)
      .filter((p) => !second.files.some((g) => g.path === p))
      .sort(),
  );
  assert.ok(second.strangers.length >= 1);
});

test("tardis-machine's HTTP replay URL (loopback, chunked and gzip) gives the same files as the file", async () => {
  const body = readFileSync(V2);
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url!);
    if (req.url === '/day.ndjson.gz') {
      // a .gz served as a file, as a plain web server does: no content-encoding, the bytes as stored
      res.setHeader('Content-Type', 'application/gzip');
      res.end(gzipSync(body));
      return;
    }
    if (req.url === '/missing') {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/html');
      res.end(
        '<!DOCTYPE HTML>\n<html><head><title>Error response</title></head>\n<body><h1>Error response</h1>\n<p>Error code: 404</p></body></html>',
      );
      return;
    }
    if (!req.url!.startsWith('/replay?options=')) {
      res.statusCode = 400;
      res.end('{"message":"Invalid options"}');
      return;
    }
    const gz = /gzip/.test(String(req.headers['accept-encoding']));
    res.setHeader('Content-Type', 'application/x-json-stream');
    if (gz) res.setHeader('Content-Encoding', 'gzip');
    const data = gz ? gzipSync(body) : body;
    // in pieces, like a stream (tardis-machine writes batches of 32 messages)
    for (let i = 0; i < data.length; i += 1000) res.write(data.subarray(i, i + 1000));
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    const options = encodeURIComponent(
      JSON.stringify({
        exchange: 'bitget-futures',
        filters: [{ channel: 'books', symbols: ['BTCUSDT'] }],
        from: '2026-05-01',
        to: '2026-05-02',
        withDisconnects: true,
      }),
    );
    const viaUrl = tmp('tardis-url');
    const viaFile = tmp('tardis-file');
    await run([`http://127.0.0.1:${port}/replay?options=${options}`], viaUrl);
    await run([V2], viaFile);
    const u = treeBytes(viaUrl);
    assert.equal([...u.keys()], [...treeBytes(viaFile).keys()]);
    for (const [k, v] of u) assert.ok(v.equals(treeBytes(viaFile).get(k)!), k);
    await run([`http://127.0.0.1:${port}/nope`], tmp('tardis-404')).then(
      () => assert.unreachable('a 400 must fail'),
      (e: Error) => assert.match(e.message, /HTTP 400 Bad Request: \{"message":"Invalid options"\}/),
    );
    // a .gz file served as is is told by its magic bytes, as a file on disk is
    const viaGz = tmp('tardis-url-gz');
    await run([`http://127.0.0.1:${port}/day.ndjson.gz`], viaGz);
    for (const [k, v] of treeBytes(viaGz)) assert.ok(v.equals(treeBytes(viaFile).get(k)!), k);
    assert.is(treeBytes(viaGz).size, u.size);
    // an error page is said in its words, not its markup
    await run([`http://127.0.0.1:${port}/missing`], tmp('tardis-404')).then(
      () => assert.unreachable('a 404 must fail'),
      (e: Error) =>
        assert.is(e.message, `http://127.0.0.1:${port}/missing: HTTP 404 Not Found: Error response Error response Error code: 404`),
    );
  } finally {
    server.close();
  }
});

async function failsAt(lines: string[], extra: Partial<Parameters<typeof importTardis>[0]> = {}): Promise<ImportError> {
  const dir = tmp('tardis-bad');
  const file = join(dir, 'bad.ndjson');
  writeFileSync(file, `${lines.join('\n')}\n`);
  try {
    await run([file], join(dir, 'out'), extra);
  } catch (err) {
    assert.instance(err, ImportError);
    const e = err as ImportError;
    assert.is(e.input, file);
    assert.ok(!existsSync(join(dir, 'out')) || listAll(join(dir, 'out')).every((f) => f.endsWith('.parquet')), 'no half file');
    return e;
  }
  return assert.unreachable('the import should have failed') as never;
}

function listAll(d: string): string[] {
  return readdirSync(d, { withFileTypes: true }).flatMap((n) => (n.isDirectory() ? listAll(join(d, n.name)) : [join(d, n.name)]));
}

test('bad lines are named by number, with what is wrong', async () => {
  const good = readFileSync(V2, 'utf8').split('\n').slice(0, 6);
  let e = await failsAt([...good, good[4].slice(0, 120)]);
  assert.is(e.line, 7);
  assert.match(e.message, /bad\.ndjson:7: expected \{"localTimestamp"/);
  e = await failsAt([...good.slice(0, 3), '{"localTimestamp":"2026-05-01T25:00:00.0000000Z","message":{}}']);
  assert.is(e.line, 4);
  assert.match(e.reason, /not an ISO 8601 UTC time/);
  e = await failsAt([...good.slice(0, 3), good[3].replace(/"message":\{"action"/, '"message":{"action":,')]);
  assert.is(e.line, 4);
  assert.match(e.reason, /malformed frame/);
  e = await failsAt([good[2], good[0]]);
  assert.is(e.line, 2);
  assert.match(e.reason, /earlier than the line before's.*time order/);
  e = await failsAt([...good.slice(0, 3), `{"localTimestamp":"2026-05-01T00:00:09.0000000Z","message":{"pad":"${'x'.repeat(200_000)}"}}`]);
  assert.is(e.line, 4);
  assert.match(e.reason, /a frame of 200010 bytes: larger than the decoder takes \(\d+ bytes, the live feed's limit too\)/);
  // a grid that does not fit the wire: the first book line names it
  e = await failsAt(good, { grids: [gridFromTickLot('USDT-FUTURES', 'BTCUSDT', '1', '0.001')] });
  assert.is(e.line, 3);
  assert.match(e.reason, /^BTCUSDT books asks\[0\] price "94250\.3" has more decimals than the tick 1 \(--tick does not fit/);
});

test('two inputs sharing their boundary frame give it once; inputs that overlap further, or one given twice, are refused at the second', async () => {
  const dir = tmp('tardis-join');
  const lines = readFileSync(V2, 'utf8').trim().split('\n');
  const write = (name: string, from: number, to = lines.length) => {
    writeFileSync(join(dir, name), `${lines.slice(from, to).join('\n')}\n`);
    return join(dir, name);
  };
  const whole = await run([V2], join(dir, 'whole'));
  assert.is(whole.frames!.repeatedAtJoin, 0);
  // line 12 ends the first file and starts the second (the same time and bytes): the same files as the whole input
  const first = write('day1.ndjson', 0, 12);
  const joined = await run([first, write('day2.ndjson', 11)], join(dir, 'joined'));
  assert.is(joined.frames!.repeatedAtJoin, 1);
  const a = treeBytes(join(dir, 'whole'));
  const b = treeBytes(join(dir, 'joined'));
  assert.equal([...b.keys()], [...a.keys()]);
  for (const [k, v] of a) assert.ok(v.equals(b.get(k)!), `${k}: the same bytes`);
  // the second file starts two lines back: earlier than the first's last line
  const ns = (l: string) => /"localTimestamp":"([^"]+)"/.exec(l)![1];
  const back = write('back.ndjson', 10);
  let e = await failsWith([first, back]);
  assert.is(e.input, back);
  assert.is(e.line, 1);
  assert.match(
    e.reason,
    /^the local time [\d-]+T[\d:.]+Z is earlier than the last line of .*day1\.ndjson \(line 12: [\d-]+T[\d:.]+Z\): the inputs overlap in time or are out of order/,
  );
  assert.ok(ns(lines[10]) < ns(lines[11]));
  // the same file twice
  e = await failsWith([V2, V2]);
  assert.is(e.line, 1);
  assert.is(
    e.reason,
    `the local time 2026-05-01T00:00:01.002949900Z is earlier than the last line of ${V2} (line ${lines.length}: 2026-05-01T00:00:06.099643400Z): the inputs overlap in time or are out of order (the same file twice?): give them in time order, each span once`,
  );
});

async function failsWith(inputs: string[]): Promise<ImportError> {
  try {
    await run(inputs, tmp('tardis-join-out'));
  } catch (err) {
    assert.instance(err, ImportError);
    return err as ImportError;
  }
  return assert.unreachable('the import should have failed') as never;
}

test("Bitget's v3 frames (Tardis since 2026-04-28): books a/b with pseq, publicTrade trades, seq beyond 2^53", async () => {
  const out = tmp('tardis-v3');
  const s = await run([V3], out);
  const f = s.frames!;
  assert.is(f.v3Frames, 12, 'every line: two acks and ten pushes in v3 keys');
  assert.is(f.feed.snapshots, 1);
  assert.is(f.feed.gaps, 0);
  assert.is(f.checksums.ok, 1, 'the one update with a real CRC-32 is verified; checksum 0 means none');
  assert.is(f.checksums.failed, 0);
  const { words, rows } = await readRecords(out);
  const trades: bigint[] = [];
  let lastSeq = 0n;
  for (let i = 0; i < rows; i++) {
    const p = i * 16;
    const seq = (BigInt(words[p + 11]) << 32n) | BigInt(words[p + 10] >>> 0);
    if ((words[p] & 0xff) === Kind.trade) trades.push(seq);
    else if ((words[p] & 0xff) === Kind.bookLevel) lastSeq = seq;
  }
  assert.is(trades.length, 6);
  assert.ok(
    trades.every((t, i) => i === 0 || t > trades[i - 1]),
    'trades oldest first',
  );
  assert.ok(lastSeq > 9007199254740993n, 'seq beyond 2^53, exact');
});

test('a stopped import leaves only finished files, each the same as the whole import writes under its name', async () => {
  const dir = tmp('tardis-stop');
  const input = join(dir, 'big.ndjson');
  await writeNdjson(input, 15_000); // ~6.5 MB: several 1 MB chunks
  const grids = [gridFromTickLot('USDT-FUTURES', 'BTCUSDT', '0.1', '0.0001')];
  const full = join(dir, 'full');
  const whole = await run([input], full, { maxRows: 5000, grids });
  assert.ok(whole.files.length > 10);
  const part = join(dir, 'part');
  const ctl = new AbortController();
  const stopped = await run([input], part, {
    maxRows: 5000,
    grids,
    signal: ctl.signal,
    onFile: (f) => {
      if (f.rows > 0) ctl.abort(); // stop as soon as one file is finished
    },
  });
  assert.is(stopped.stopped, true);
  assert.is(
    stopped.rows,
    stopped.files.reduce((n, f) => n + f.rows, 0),
    'the summary counts the rows of the kept files, not the dropped buffer',
  );
  const a = treeBytes(full);
  const b = treeBytes(part);
  assert.ok(b.size >= 1 && b.size < a.size, `${b.size} of ${a.size} files`);
  for (const [k, v] of b) {
    assert.ok(k.endsWith('.parquet'), `${k}: only finished files`);
    assert.ok(v.equals(a.get(k)!), `${k} equals the full import's`);
  }
});

/** The message `p` rejects with. */
async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  return assert.unreachable('expected an error') as never;
}

test('a symbol the input does not hold is an error naming those it holds, and writes nothing', async () => {
  const xrp = gridFromTickLot('USDT-FUTURES', 'XRPUSDT', '0.1', '0.001');
  const out = tmp('tardis-xrp');
  // the fixture's disconnect (an empty line) used to be written as XRPUSDT's whole recording: one status record
  assert.is(
    await failure(run([V2], out, { grids: [xrp] })),
    `no recording of XRPUSDT in ${V2} (found BTCUSDT, ETHUSDT); nothing was written: check --symbol`,
  );
  assert.not.ok(existsSync(join(out, 'venue=bitget')), 'nothing written');
  // with one that is there: it is imported whole, and the error says so
  const both = tmp('tardis-btc-xrp');
  assert.is(
    await failure(run([V2], both, { grids: [BTC, xrp] })),
    `no recording of XRPUSDT in ${V2} (found BTCUSDT, ETHUSDT); BTCUSDT was imported (177 rows): check --symbol`,
  );
  assert.equal(readdirSync(join(both, 'venue=bitget/inst_type=USDT-FUTURES')), ['symbol=BTCUSDT']);
  // asked under another instrument type: that is named too
  const spot = gridFromTickLot('SPOT', 'BTCUSDT', '0.1', '0.001');
  assert.is(
    await failure(run([V2], tmp('tardis-spot'), { grids: [spot] })),
    `no recording of SPOT BTCUSDT in ${V2} (found USDT-FUTURES BTCUSDT, USDT-FUTURES ETHUSDT); nothing was written: check --symbol and --inst-type`,
  );
});

test('books15 (what Tardis kept of Bitget from 2024-11-07 to 2026-04-28): each push replaces the book', async () => {
  const dir = tmp('tardis-b15');
  const file = join(dir, 'b15.ndjson');
  const push = (ms: number, bids: string, asks: string) =>
    `{"localTimestamp":"${new Date(ms + 3).toISOString().replace('Z', '0000Z')}","message":{"action":"snapshot","arg":{"instType":"USDT-FUTURES","channel":"books15","instId":"BTCUSDT"},"data":[{"asks":[${asks}],"bids":[${bids}],"checksum":0,"seq":${ms},"ts":"${ms}"}],"ts":${ms + 1}}}`;
  const t = Date.UTC(2025, 0, 1);
  writeFileSync(
    file,
    `${[
      push(t, '["94000.1","1"],["94000.0","2"]', '["94000.3","1"]'),
      push(t + 100, '["94000.2","5"]', '["94000.4","1"],["94000.5","7"]'),
    ].join('\n')}\n`,
  );
  // not the default channel: nothing imported, and the error says which channel the input has
  assert.is(
    await failure(run([file], join(dir, 'books'))),
    `no books or trade push of BTCUSDT: BTCUSDT in ${file} has books15 ×2; nothing was written: give --book-channel books15`,
  );
  assert.not.ok(existsSync(join(dir, 'books', 'venue=bitget')), 'nothing written');
  const out = join(dir, 'b15');
  const s = await run([file], out, { bookChannel: 'books15' });
  assert.is(s.frames!.feed.bookMessages, 2);
  const { words, rows } = await readRecords(out);
  assert.equal(bookStates(await testCore(), BTC, words, rows), [
    `${t} b 940001:1000,940000:2000 a 940003:1000`,
    `${t + 100} b 940002:5000 a 940004:1000,940005:7000`,
  ]);
});

test('a file ends at --max-rows only at a message end, and at the UTC day', async () => {
  const out = tmp('tardis-roll');
  const s = await run([V2], out, { maxRows: 1000, rollNs: 2_000_000_000n });
  assert.ok(s.files.length >= 2, `rolled every 2 s of local time: ${s.files.length} files`);
  const { words, rows } = await readRecords(out);
  assert.is(rows, s.rows);
  let at = 0;
  for (const f of s.files) {
    const last = (at + f.rows - 1) * 16;
    const kind = words[last] & 0xff;
    const flags = words[last] >>> 16;
    assert.ok(!((kind === Kind.bookLevel || kind === Kind.bookClear) && (flags & 2) === 0), `${f.path} ends at a message end`);
    at += f.rows;
  }
});

/** The import of `lines` (written as `name`) fails: its error, naming the file; nothing was written under out. */
async function refusedFrames(text: string, extra: Partial<Parameters<typeof importTardis>[0]> = {}): Promise<ImportError> {
  const dir = tmp('tardis-refused');
  const file = join(dir, 'bad.ndjson');
  writeFileSync(file, text);
  const out = join(dir, 'out');
  try {
    await run([file], out, extra);
  } catch (err) {
    assert.instance(err, ImportError);
    const e = err as ImportError;
    assert.is(e.input, file);
    assert.ok(e.message.startsWith(`${file}:${e.line}: `), e.message);
    assert.equal(existsSync(out) ? listAll(out) : [], [], 'nothing written: no file, finished or half');
    return e;
  }
  return assert.unreachable('the import should have failed') as never;
}

/** The fixture with line `n` (1-based) rewritten by `f`. */
function lineEdited(path: string, n: number, f: (line: string) => string): string {
  const lines = readFileSync(path, 'utf8').split('\n');
  const before = lines[n - 1];
  lines[n - 1] = f(before);
  assert.is.not(lines[n - 1], before, `the edit of line ${n} took`);
  return lines.join('\n');
}

test('a frame the decoder refuses names the value: field, side and level, the value as written, the tick or lot', async () => {
  const hint = "(--tick does not fit this value: check it against the exchange's instrument)";
  // a bid price with more decimals than the tick, in the snapshot's second bid
  let e = await refusedFrames(lineEdited(V2, 3, (l) => l.replace('["94249.7","0.14"]', '["94249.75","0.14"]')));
  assert.is(e.line, 3);
  assert.is(e.reason, `BTCUSDT books bids[1] price "94249.75" has more decimals than the tick 0.1 ${hint}`);
  assert.equal(e.grid, { field: 'price', decimal: 5 }, 'what the page reads to infer a finer grid');
  // trailing zeros: the tick to write, as the CSV path says it
  e = await refusedFrames(lineEdited(V2, 3, (l) => l.replace('["94249.7","0.14"]', '["94249.70","0.14"]')));
  assert.is(
    e.reason,
    'BTCUSDT books bids[1] price "94249.70" has more decimals than the tick 0.1 (an exchange that prints trailing zeros: write --tick 0.10)',
  );
  // a price on a finer grid than a coarser tick: not a multiple
  e = await refusedFrames(readFileSync(V2, 'utf8'), { grids: [gridFromTickLot('USDT-FUTURES', 'BTCUSDT', '0.5', '0.001')] });
  assert.is(e.line, 3);
  assert.is(e.reason, `BTCUSDT books asks[0] price "94250.3" is not a multiple of the tick 0.5 ${hint}`);
  // an update's ask size off the lot
  e = await refusedFrames(lineEdited(V2, 4, (l) => l.replace('["94250.5","1.788"]', '["94250.5","1.7885"]')));
  assert.is(e.line, 4);
  assert.is(
    e.reason,
    `BTCUSDT books asks[0] size "1.7885" has more decimals than the lot 0.001 (--lot does not fit this value: check it against the exchange's instrument)`,
  );
  // a negative size, an empty price
  e = await refusedFrames(lineEdited(V2, 3, (l) => l.replace('["94249.7","0.14"]', '["94249.7","-0.14"]')));
  assert.is(e.reason, 'BTCUSDT books bids[1] size "-0.14" has a sign');
  e = await refusedFrames(lineEdited(V2, 4, (l) => l.replace('["94250.5","1.788"]', '["","1.788"]')));
  assert.is(e.reason, 'BTCUSDT books asks[0] price "" is empty');
  // trades: the price, the size, a side that is neither buy nor sell
  e = await refusedFrames(lineEdited(V2, 6, (l) => l.replace('"size":"0.5"', '"size":"0.5001"')));
  assert.is(e.line, 6);
  assert.match(e.reason, /^BTCUSDT trade data\[0\] size "0\.5001" has more decimals than the lot 0\.001 \(--lot does not fit/);
  e = await refusedFrames(lineEdited(V2, 6, (l) => l.replace('"side":"buy"', '"side":"unknown"')));
  assert.is(e.reason, 'BTCUSDT trade data[0] side "unknown" is neither buy nor sell');
  // v3: levels as a/b, trades as p/v
  e = await refusedFrames(lineEdited(V3, 5, (l) => l.replace('["94239.9","1.719"]', '["94239.95","1.719"]')));
  assert.is(e.line, 5);
  assert.is(e.reason, `BTCUSDT books b[1] price "94239.95" has more decimals than the tick 0.1 ${hint}`);
  e = await refusedFrames(lineEdited(V3, 6, (l) => l.replace('"v":"0.468"', '"v":"0.4685"')));
  assert.is(e.line, 6);
  assert.match(e.reason, /^BTCUSDT publicTrade data\[1\] size "0\.4685" has more decimals than the lot 0\.001/);
});

test('a byte order mark before the first line is read as no data: the same files', async () => {
  const dir = tmp('tardis-bom');
  const file = join(dir, 'bom.ndjson');
  writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(V2)]));
  await run([file], join(dir, 'bom'));
  await run([V2], join(dir, 'plain'));
  const a = treeBytes(join(dir, 'bom'));
  const b = treeBytes(join(dir, 'plain'));
  assert.equal([...a.keys()], [...b.keys()]);
  for (const [k, v] of a) assert.ok(v.equals(b.get(k)!), k);
});

test('a file that ends mid-line is refused at that line, saying so; a whole last line without a line end is read', async () => {
  const text = readFileSync(V2, 'utf8');
  const last = text.trim().split('\n').length;
  const e = await refusedFrames(text.trimEnd().slice(0, -30));
  assert.is(e.line, last);
  assert.match(e.reason, /\(the file ends mid-line, this last line without a line end: a download cut short\? get the file again\)$/);
  const dir = tmp('tardis-noeol');
  const file = join(dir, 'noeol.ndjson');
  writeFileSync(file, text.trimEnd());
  const s = await run([file], join(dir, 'out'));
  assert.is(s.rows, 177, 'a frame is whole JSON or refused: a last line without its line end is safe to read');
});

test.run();
