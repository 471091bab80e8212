// A backtest of public trades without the book (a Tardis trades file imported alone) says that, not "no market data":
// the trades did reach the replay, the book it trades on did not. Through the built CLI on recordings the import
// makes from the Tardis fixtures, and the words for each case (src/strategy/explain.ts explainBookless).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importTardisCsv } from '../../src/import/import';
import { gridFromTickLot } from '../../src/import/grid';
import { explainBookless } from '../../src/strategy/explain';

const CLI = join(process.cwd(), 'build/ringbook.mjs');
const FIX = join(process.cwd(), 'test/fixtures/tardis');
const BOOK = join(FIX, 'binance-futures_incremental_book_L2_BTCUSDT.csv');
const TRADES = join(FIX, 'binance-futures_trades_BTCUSDT.csv');
const dir = mkdtempSync(join(tmpdir(), 'ringbook-trades-only-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const backtest = (...args: string[]) =>
  execFileSync(process.execPath, [CLI, 'backtest', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

async function imported(name: string, inputs: string[]): Promise<string> {
  const out = join(dir, name);
  await importTardisCsv({
    inputs,
    out,
    tick: '0.1',
    lot: '0.001',
    gridFor: (instType, symbol) => gridFromTickLot(instType, symbol, '0.1', '0.001'),
    rollNs: 3_600_000_000_000n,
    maxRows: 1_000_000,
    wasm: 'build/core.wasm',
  });
  return out;
}

const TRADES_ONLY =
  'trades only: the replay held 9 public trades and no book message, so no book to trade on (import the incremental_book_L2 file beside the trades, or record the book)';

test('a recording of trades alone: the report says trades only, in the table and in --json, for obi-ofi and another strategy', async () => {
  const data = await imported('trades', [TRADES]);
  const table = backtest(data);
  assert.ok(table.includes(`  why no trades:\n    ${TRADES_ONLY}\n`), table);
  assert.not.ok(table.includes('no market data'), 'the trades reached the replay');
  // the Settings warning names the same cause, not a damaged or cut-short file
  assert.match(
    table,
    /\n {2}WARNING no valid book +BTCUSDT +trades only: 9 public trades and no book message in the replayed data \(import the incremental_book_L2 file beside the trades, or record the book\): nothing could trade on it\n/,
  );
  assert.not.ok(table.includes('damaged'), table);
  const json = JSON.parse(backtest(data, '--json'));
  assert.equal(
    json.entriesBlocked.map((f: { line: string }) => f.line),
    [TRADES_ONLY],
  );
  // a strategy without obi-ofi's signal watch: the same words before its own (none here)
  const glft = JSON.parse(backtest(data, '--strategy', 'mm-glft', '--json'));
  assert.equal(
    glft.entriesBlocked.map((f: { line: string }) => f.line),
    [TRADES_ONLY],
  );
});

test('book and trades, a window after the last book message: the trades in it are counted, the book is outside it', async () => {
  const data = await imported('pair', [BOOK, TRADES]);
  // the fixture's last book message is at local 1777593601016396 µs, its last trade at …016419 µs
  const json = JSON.parse(backtest(data, '--from', '1777593601016400000', '--json'));
  assert.equal(
    json.entriesBlocked.map((f: { line: string }) => f.line),
    [
      "only 1 public trade and no book message in the replayed window, so no book message reached the strategy: the recording's are all outside it (--from, --to)",
    ],
  );
  // the whole pair: the book reached the strategy, and nothing is said of trades
  const whole = JSON.parse(backtest(data, '--json'));
  assert.ok(whole.signals.signals > 0, 'book messages reached obi-ofi');
  assert.not.ok(JSON.stringify(whole.entriesBlocked).includes('public trade'));
});

test('the words: one finding per instrument with trades and no book, named in a run of several; none without trades', () => {
  const lines = explainBookless([
    { symbol: 'BTCUSDT', trades: 0, bookInWindow: 0, bookInFiles: 0 },
    { symbol: 'ETHUSDT', trades: 1, bookInWindow: 0, bookInFiles: 0 },
    { symbol: 'SOLUSDT', trades: 5, bookInWindow: 3, bookInFiles: 3 },
  ]).map((f) => f.text);
  assert.equal(lines, [
    'ETHUSDT: trades only: the replay held 1 public trade and no book message, so no book to trade on (import the incremental_book_L2 file beside the trades, or record the book)',
  ]);
  assert.equal(explainBookless(), []);
});

test.run();
