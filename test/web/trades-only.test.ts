// A recording of public trades without the book (a Tardis trades file imported alone), opened in the replay page:
// the worker's player says what `ringbook backtest` says of it, trades only, not "no market data", counting the
// trades and book records from the rows it holds in memory. Without a browser, as test/web/summary.test.ts drives
// the player; the CLI's words from the built CLI on the same import.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile } from 'hyparquet';
import { importTardisCsv } from '../../src/import/import';
import { gridFromTickLot } from '../../src/import/grid';
import { listParquet } from '../../src/capture/recover';
import { createBacktestCore } from '../../src/backtest/backtest';
import { loadRecording, type Recording } from '../../src/web/recording';
import { DEFAULT_PARAMS } from '../../src/web/params';
import { Player } from '../../src/web/player';
import { summarise } from '../../src/web/summary-strip';
import { metricRows } from '../../src/web/metrics-view';
import type { FromWorker, RunParams } from '../../src/web/protocol';
import { testCore } from '../helpers/core';

type Done = Extract<FromWorker, { type: 'done' }>;
const CLI = join(process.cwd(), 'build/ringbook.mjs');
const TRADES = join(process.cwd(), 'test/fixtures/tardis/binance-futures_trades_BTCUSDT.csv');
const TRADES_ONLY =
  'trades only: the replay held 9 public trades and no book message, so no book to trade on (import the incremental_book_L2 file beside the trades, or record the book)';
const dir = mkdtempSync(join(tmpdir(), 'ringbook-web-trades-only-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const ctx = {} as { data: string; rec: Recording; bc: ReturnType<typeof createBacktestCore> };

test.before(async () => {
  ctx.data = join(dir, 'trades');
  await importTardisCsv({
    inputs: [TRADES],
    out: ctx.data,
    tick: '0.1',
    lot: '0.001',
    gridFor: (instType, symbol) => gridFromTickLot(instType, symbol, '0.1', '0.001'),
    rollNs: 3_600_000_000_000n,
    maxRows: 1_000_000,
    wasm: 'build/core.wasm',
  });
  const [path] = listParquet(ctx.data);
  ctx.rec = await loadRecording(await asyncBufferFromFile(path), path);
  ctx.bc = createBacktestCore(await testCore(), ctx.rec.grid);
});

/** One run to the end at max speed; returns its 'done' message. */
function runWith(params: RunParams): Done {
  const posted: FromWorker[] = [];
  const tasks: Array<() => void> = [];
  let clock = 0;
  const p = new Player(ctx.rec, ctx.bc, params, 'max', {
    post: (m) => posted.push(m),
    now: () => clock++,
    later: (fn) => tasks.push(fn),
    copyLadder: false,
  });
  p.open();
  p.play();
  while (tasks.length) tasks.shift()!();
  const done = posted.find((m) => m.type === 'done') as Done | undefined;
  const err = posted.find((m) => m.type === 'error') as Extract<FromWorker, { type: 'error' }> | undefined;
  assert.ok(done, err?.message ?? 'the run ended');
  return done!;
}

const cliJson = (...args: string[]) =>
  JSON.parse(execFileSync(process.execPath, [CLI, 'backtest', ctx.data, '--json', ...args], { encoding: 'utf8' })) as {
    entriesBlocked: Array<{ line: string }>;
  };

test('obi-ofi on trades alone: the page says trades only, as the CLI does, in the strip and the Settings warning', () => {
  const d = runWith(DEFAULT_PARAMS);
  assert.is(d.metrics.activity.fills, 0);
  const lines = d.report.entriesBlocked.map((f) => f.line);
  assert.equal(lines, [TRADES_ONLY]);
  assert.equal(
    lines,
    cliJson().entriesBlocked.map((f) => f.line),
  );
  const s = summarise(d.metrics, d.report);
  assert.equal(s.lines, [`Why no trades: ${TRADES_ONLY}`]);
  assert.not.ok(JSON.stringify(d.report).includes('no market data'), 'the trades reached the replay');
  const warning = metricRows(d.metrics, d.report).find((r) => r.label === 'WARNING no valid book');
  assert.ok(warning, 'the Settings section warns of the book');
  assert.is(
    warning!.note,
    'trades only: 9 public trades and no book message in the replayed data (import the incremental_book_L2 file beside the trades, or record the book): nothing could trade on it',
  );
});

test('another strategy on trades alone: the same words before its own counters, as the CLI', () => {
  const d = runWith({ ...DEFAULT_PARAMS, strategy: { kind: 'builtin', name: 'mm-glft' }, config: '{}' });
  const lines = d.report.entriesBlocked.map((f) => f.line);
  assert.is(lines[0], TRADES_ONLY);
  assert.equal(
    lines,
    cliJson('--strategy', 'mm-glft').entriesBlocked.map((f) => f.line),
  );
});

test.run();
