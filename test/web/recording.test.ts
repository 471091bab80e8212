// A recording on the page is all its files: the recorder's one-minute files of a symbol decoded as one, in the order
// `ringbook backtest DIR` replays them, whatever order they are given in; a replay across the roll boundaries ends
// with the metrics of the CLI's run over the same directory. The list from /api/recordings groups the files so.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, type AsyncBuffer } from 'hyparquet';
import { writeRolledRecording } from '../helpers/rolled-recording';
import { createBacktestCore, runFiles } from '../../src/backtest/backtest';
import { computeMetrics } from '../../src/backtest/metrics';
import { replayFilesOf } from '../../src/cli/replay-files';
import { loadRecording, type Recording } from '../../src/web/recording';
import { ReplaySession } from '../../src/web/replay-session';
import { DEFAULT_PARAMS, runSettings } from '../../src/web/params';
import { groupRecordings, groupLabel, GROUP_PREFIX } from '../../src/web/recording-list';
import { listRecordings } from '../../src/serve/listing';
import { testCore } from '../helpers/core';
import { writeTickerStream } from '../helpers/funding-recording';

const ctx = {} as { dir: string; paths: string[]; rec: Recording };

test.before(async () => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'ringbook-rolled-'));
  ctx.paths = await writeRolledRecording(ctx.dir, 54_000);
  // given newest first: the loader orders them by their first local time, as the CLI does
  const parts = await Promise.all([...ctx.paths].reverse().map(async (p) => ({ name: p, buffer: await asyncBufferFromFile(p) })));
  ctx.rec = await loadRecording(parts, 'BTCUSDT');
});

test('the generated recording is three one-minute files', () => {
  assert.is(ctx.paths.length, 3);
});

test('the files decode as one recording in time order, each file ending on a message boundary', async () => {
  const { rec } = ctx;
  assert.is(rec.files, 3);
  const local = rec.cols.local_ts as BigInt64Array;
  for (let i = 1; i < rec.rows; i++) assert.ok(local[i] >= local[i - 1], `row ${i} goes back in time`);
  let rows = 0;
  for (const p of ctx.paths) {
    const one = await loadRecording(await asyncBufferFromFile(p), p);
    rows += one.rows;
    assert.is(rec.msgEnd[rows - 1], 1, `${p} ends a message`);
  }
  assert.is(rec.rows, rows);
  assert.ok(rec.lastNs - rec.firstNs > 170_000_000_000n, 'about three minutes');
});

test('a replay across the roll boundaries ends with the metrics of `ringbook backtest DIR`', async () => {
  const s = runSettings(DEFAULT_PARAMS);
  const bc = createBacktestCore(await testCore(), ctx.rec.grid);
  const { files } = await replayFilesOf(ctx.paths);
  const cli = computeMetrics(await runFiles(bc, files, ctx.rec.grid, { ...s, symbol: ctx.rec.meta.symbol ?? 'BTCUSDT' }));
  assert.is(cli.settings.files, 3);
  const session = new ReplaySession(ctx.rec, bc, s);
  // in slices that straddle the boundaries
  while (!session.atEnd) session.feedTo(session.sliceEnd(session.relNs + 7e9, 5000));
  assert.equal(session.finish(), cli);
  assert.ok(cli.activity.fills > 0, 'the run trades');
});

test('the listing groups the files of a symbol into one recording, in time order', async () => {
  const entries = await listRecordings(ctx.dir);
  assert.is(entries.length, 3);
  const groups = groupRecordings([...entries].reverse());
  assert.is(groups.length, 1);
  const [g] = groups;
  assert.is(g.key, 'bitget/USDT-FUTURES/BTCUSDT');
  assert.equal(
    g.files.map((f) => f.path),
    entries.map((e) => e.path),
  );
  assert.is(g.rows, ctx.rec.rows);
  assert.is(BigInt(g.firstNs!), ctx.rec.firstNs);
  assert.match(groupLabel(g), /^BTCUSDT · 3 files · 54,\d{3} rows · 2025-11-24 16:00:00 → 16:0\d:\d\d UTC \(\d min \d+ s\)$/);
  assert.ok(!g.key.startsWith(GROUP_PREFIX));
  const broken = groupRecordings([...entries, { ...entries[0], path: 'x/bad.parquet', error: 'not a Parquet file' }]);
  assert.is(broken[0].files.length, 3);
  assert.is(broken[0].unreadable, 1);
  assert.match(groupLabel(broken[0]), /3 files \(1 unreadable file left out\)/);
  // an own-order file (found by its recording's root) makes no recording of its own, even of a symbol with no market data
  const orders = {
    ...entries[0],
    path: '_orders/venue=bitget/inst_type=USDT-FUTURES/symbol=ETHUSDT/x.parquet',
    symbol: 'ETHUSDT',
    stream: 'orders' as const,
  };
  assert.equal(
    groupRecordings([...entries, orders]).map((x) => x.key),
    ['bitget/USDT-FUTURES/BTCUSDT'],
  );
});

test('the ticker stream is listed as such, never as market data; the group carries it for its funding', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ringbook-rolled-ticker-'));
  await writeRolledRecording(dir, 3_000);
  const at = ctx.rec.firstNs + 1_000_000_000n;
  writeTickerStream(dir, 'BTCUSDT', [{ exchNs: at - 5_000_000n, nextNs: at, rate: '0.0001', mark: '27000.5' }], ctx.rec.meta);
  const entries = await listRecordings(dir);
  const ticker = entries.filter((e) => e.stream === 'ticker');
  assert.is(ticker.length, 1);
  assert.match(ticker[0].path, /^_ticker\/venue=bitget\/inst_type=USDT-FUTURES\/symbol=BTCUSDT\//);
  assert.is(ticker[0].orders, null);
  const [g] = groupRecordings(entries);
  assert.is(g.files.length, entries.length - 1, 'market files only');
  assert.ok(g.files.every((f) => !f.path.startsWith('_ticker/')));
  assert.equal(
    g.ticker.map((f) => f.path),
    [ticker[0].path],
  );
});

/** The file's bytes with `edit` applied, as the page would read them. */
function damaged(path: string, edit: (b: Uint8Array) => Uint8Array): AsyncBuffer {
  const b = edit(new Uint8Array(readFileSync(path)));
  return { byteLength: b.byteLength, slice: (s, e) => b.slice(s, e).buffer };
}

test('a damaged file of a recording is named in the error: which of its files to leave out', async () => {
  const parts = async (bad: number, edit: (b: Uint8Array) => Uint8Array) =>
    Promise.all(ctx.paths.map(async (p, i) => ({ name: p, buffer: i === bad ? damaged(p, edit) : await asyncBufferFromFile(p) })));
  const flip = (b: Uint8Array) => {
    for (let i = 4_000; i < 4_100; i++) b[i] ^= 0x5a;
    return b;
  };
  const torn = (b: Uint8Array) => b.slice(0, b.length - 100);
  for (const [edit, what] of [
    [flip, /checksum mismatch/],
    [torn, /./],
  ] as const) {
    try {
      await loadRecording(await parts(1, edit), 'BTCUSDT');
      assert.unreachable('a damaged file was decoded');
    } catch (err) {
      const message = (err as Error).message;
      assert.ok(message.startsWith(`${ctx.paths[1]}: `), message);
      assert.match(message, what);
      assert.not.match(message, new RegExp(`${ctx.paths[1]}: ${ctx.paths[1]}`), 'named once');
    }
  }
});

test.run();
