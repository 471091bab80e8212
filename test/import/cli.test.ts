// `ringbook import` through the built CLI, and what comes after it: imported Tardis data backtested (the strategy
// trades on it, every record replayed, --feed-latency-shift moves the local clock), the summary and --json, errors
// that name the line, and Ctrl-C: exit 130, only finished files left.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNdjson } from '../../bench/tardis-input';
import { BOOK_CSV, TRADES_CSV, V2, tmp } from './helpers';
import { formatSummary, progressLine, sizeText } from '../../src/cli/import';
import type { ImportSummary } from '../../src/import/import';
// the backtest bench's obi-ofi: trades often on generated books
import { BENCH_STRATEGY as STRATEGY } from '../../bench/strategy-sets';

const CLI = join(process.cwd(), 'build/ringbook.mjs');
const ringbook = (...args: string[]) =>
  execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });

function files(d: string): string[] {
  if (!existsSync(d)) return [];
  return readdirSync(d, { withFileTypes: true }).flatMap((n) => (n.isDirectory() ? files(join(d, n.name)) : [join(d, n.name)]));
}

test('import tardis prints what it did; --json has the same counts', () => {
  const out = tmp('cli-v2');
  const text = ringbook('import', 'tardis', V2, '--symbol', 'BTCUSDT', '--tick', '0.1', '--lot', '0.001', '--out', out);
  assert.match(text, /^imported: 177 rows in 1 file under [^\n]* \([\d,]+ rows\/s; 53 input lines, /);
  assert.match(text, /3 snapshots, 1 seq gap, 0 stale, 1 disconnect, 2 resyncs/);
  assert.match(text, /checksums: 26 verified, 1 failed/);
  assert.match(text, /skipped \(not imported\): USDT-FUTURES ETHUSDT books ×1, USDT-FUTURES BTCUSDT ticker ×1/);
  assert.match(text, /feed latency \(Tardis's collector, local − exchange\): p1 [\d.]+ ms/);
  const j = JSON.parse(ringbook('import', 'tardis', V2, '--symbol', 'BTCUSDT', '--tick', '0.1', '--lot', '0.001', '--out', out, '--json'));
  assert.is(j.rows, 177);
  assert.is(j.frames.feed.gaps, 1);
  assert.equal(j.strangers, [], 'a second import over its own files: nothing foreign in the way');
});

test('an --out that already holds a recording is said before the import, as record says it; an empty one is not', () => {
  const out = tmp('cli-existing');
  const first = spawnSync(
    process.execPath,
    [CLI, 'import', 'tardis-csv', BOOK_CSV, TRADES_CSV, '--tick', '0.1', '--lot', '0.001', '--out', out],
    {
      encoding: 'utf8',
    },
  );
  assert.is(first.status, 0, first.stderr);
  assert.not.match(first.stderr, /already holds/);
  const r = spawnSync(
    process.execPath,
    [CLI, 'import', 'tardis', V2, '--symbol', 'BTCUSDT', '--tick', '0.1', '--lot', '0.001', '--out', out],
    { encoding: 'utf8' },
  );
  assert.is(r.status, 0, r.stderr);
  assert.match(
    r.stderr,
    /already holds a recording: 1 market-data file of BTCUSDT \(begun 2026-05-01T00:00:00Z\)\. This import writes its files beside them .*but backtest \S+ will replay old and new market data as one recording; to keep them apart, stop it now \(Ctrl-C\) and give another --out/,
  );
});

test("an --out that cannot be written is said in record's words, before anything is read: exit 1", () => {
  const dir = tmp('cli-unwritable');
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  const out = join(file, 'data');
  const r = spawnSync(process.execPath, [CLI, 'import', 'tardis-csv', BOOK_CSV, '--tick', '0.1', '--lot', '0.001', '--out', out], {
    encoding: 'utf8',
  });
  assert.is(r.status, 1, r.stderr);
  assert.is(
    r.stderr.trim(),
    `ringbook: cannot write to --out ${out} (a part of the path is a file): choose another directory or fix its permissions`,
  );
});

test('import tardis of a symbol the file does not hold: exit 1, the symbols it holds, nothing written', () => {
  const out = join(tmp('cli-xrp'), 'out');
  const r = spawnSync(
    process.execPath,
    [CLI, 'import', 'tardis', V2, '--symbol', 'XRPUSDT', '--tick', '0.1', '--lot', '0.0001', '--out', out],
    {
      encoding: 'utf8',
    },
  );
  assert.is(r.status, 1);
  assert.is(r.stdout, '', 'no summary claiming an import');
  assert.match(r.stderr, /no recording of XRPUSDT in \S+bitget-futures_v2_BTCUSDT\.ndjson \(found BTCUSDT, ETHUSDT\); nothing was written/);
  assert.equal(files(out), []);
});

test('an --out another run is writing into (its lock names a live process) is refused, exit 2, nothing imported', () => {
  const out = tmp('cli-locked');
  writeFileSync(
    join(out, '.ringbook.lock'),
    JSON.stringify({ pid: process.pid === 1 ? 2 : 1, command: 'ringbook record --out x', sinceMs: 0 }),
  );
  const r = spawnSync(
    process.execPath,
    [CLI, 'import', 'tardis', V2, '--symbol', 'BTCUSDT', '--tick', '0.1', '--lot', '0.001', '--out', out],
    {
      encoding: 'utf8',
    },
  );
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /--out \S+ is in use by another run: pid \d+ \(ringbook record --out x\)/);
  assert.equal(files(out), [join(out, '.ringbook.lock')], 'nothing written beside the other run');
});

test('the summary: plurals, thousands separators, and a checksum clause that claims only what the counts show', () => {
  const feed = { bookMessages: 1, tradeMessages: 1, snapshots: 1, gaps: 1, stale: 0, resyncs: 1, beforeSnapshot: 0, duplicateTrades: 0 };
  const summary = (rows: number, checksums: { ok: number; failed: number; checked: boolean }, bookMessages = 1) =>
    ({
      files: [{}],
      rows,
      stopped: false,
      elapsedMs: 1000,
      lines: 1,
      bytes: 10,
      inputBytes: 10,
      feedLatency: null,
      strangers: ['x.parquet'],
      symbols: [],
      frames: { feed: { ...feed, bookMessages }, checksums, disconnectLines: 1, v3Frames: 0, skipped: [] },
    }) as unknown as ImportSummary;
  const one = formatSummary(summary(1, { ok: 0, failed: 0, checked: true }), '/d');
  assert.match(one, /^imported: 1 row in 1 file under \/d in 1\.0 s \(1 rows\/s; 1 input line, 10 bytes of text\)/);
  // the input's size in a unit that shows it: not "0.0 MB" for a small file
  assert.is(sizeText(48_681), '48.7 kB');
  assert.is(sizeText(16_501_507), '16.5 MB');
  assert.is(sizeText(2_340_000_000), '2.34 GB');
  assert.match(one, /1 snapshot, 1 seq gap, 0 stale, 1 disconnect, 1 resync;/);
  assert.match(one, /checksums: 0 verified, 0 failed \(the book frames carry none: Bitget futures books stopped sending them\)/);
  assert.match(one, /WARNING: 1 file this import did not write overlaps its time range/);
  assert.match(
    formatSummary(summary(1503, { ok: 1503, failed: 0, checked: true }), '/d'),
    /^imported: 1,503 rows in 1 file under \/d in 1\.0 s \(1,503 rows\/s;/,
  );
  assert.match(formatSummary(summary(1, { ok: 0, failed: 0, checked: false }), '/d'), /checksums: not checked \(--no-checksum\);/);
  assert.match(formatSummary(summary(1, { ok: 0, failed: 0, checked: true }, 0), '/d'), /checksums: none to check \(no book frames\);/);
  assert.match(
    progressLine({ input: 'x', index: 0, inputs: 1, bytesRead: 0, bytesTotal: null, rows: 12_345, elapsedMs: 1000 }),
    /12,345 rows · 12,345 rows\/s/,
  );
});

test('import tardis-csv of a book and trades pair', () => {
  const out = tmp('cli-csv');
  const text = ringbook('import', 'tardis-csv', BOOK_CSV, TRADES_CSV, '--tick', '0.1', '--lot', '0.001', '--out', out);
  assert.match(text, /^imported: 92 rows in 1 file under /);
  assert.match(text, /incremental_book_L2: 83 rows, 2 before the first snapshot skipped/);
  assert.match(text, /trades: 9 rows/);
  assert.equal(
    files(out).map((f) => f.slice(out.length)),
    ['/venue=binance-futures/inst_type=FUTURES/symbol=BTCUSDT/date=2026-05-01/1777593600160283000-0.parquet'],
  );
});

test('a missing or malformed flag value is a usage error (exit 2) and writes nothing', () => {
  const out = join(tmp('cli-usage'), 'out');
  const usage = (args: string[], message: RegExp) => {
    const r = spawnSync(process.execPath, [CLI, 'import', ...args, '--out', out], { encoding: 'utf8' });
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  };
  usage(['tardis', V2, '--symbol', 'BTCUSDT', '--tick', 'abc', '--lot', '0.001'], /--tick "abc" is not a plain decimal \(e\.g\. 0\.1/);
  usage(['tardis', V2, '--symbol', 'BTCUSDT', '--tick', '0.1', '--lot', '0'], /--lot "0" must be above 0/);
  usage(['tardis', V2, '--symbol', 'BTCUSDT', '--tick', '0.1'], /give --tick and --lot together/);
  usage(['tardis', V2, '--tick', '0.1', '--lot', '0.001'], /import tardis needs --symbol \(e\.g\. --symbol BTCUSDT\)/);
  usage(['tardis', V2, '--symbol', 'BTCUSDT,ETHUSDT', '--tick', '0.1', '--lot', '0.001'], /--tick\/--lot describe one symbol/);
  usage(['tardis-csv', BOOK_CSV, '--lot', '0.001'], /give --tick and --lot together/);
  usage(['tardis-csv', BOOK_CSV], /import tardis-csv needs --tick and --lot/);
  usage(['tardis-csv', BOOK_CSV, '--tick', '-1', '--lot', '0.001'], /--tick "-1" is not a plain decimal/);
  usage(['tardis', V2, '--symbol', 'BTCUSDT', '--tick', '0.1', '--lot', '0.001', '--roll', '0'], /--roll must be longer than 0/);
  assert.not.ok(existsSync(out), 'a bad flag stops the import before --out is made');
  usage(
    ['tardis-csv', BOOK_CSV, '--symbols', 'BTCUSDT,ETHUSDT', '--tick', '0.1', '--lot', '0.001'],
    /--symbol BTCUSDT,ETHUSDT: import tardis-csv takes one symbol/,
  );
});

test('errors name what to fix: the line, the flag', () => {
  const out = tmp('cli-err');
  let r = spawnSync(process.execPath, [CLI, 'import', 'tardis', V2, '--symbol', 'BTCUSDT', '--out', out], { encoding: 'utf8' });
  assert.is(r.status, 2, 'a missing value is a usage error');
  assert.match(r.stderr, /needs the instrument grid: --tick and --lot/);
  r = spawnSync(process.execPath, [CLI, 'import', 'tardis', V2, '--symbol', 'BTCUSDT', '--tick', '1', '--lot', '0.001', '--out', out], {
    encoding: 'utf8',
  });
  assert.is(r.status, 1);
  assert.match(
    r.stderr,
    /bitget-futures_v2_BTCUSDT\.ndjson:3: BTCUSDT books asks\[0\] price "94250\.3" has more decimals than the tick 1 \(--tick does not fit/,
  );
  r = spawnSync(process.execPath, [CLI, 'import', 'tardis-csv', BOOK_CSV, '--tick', '0.5', '--lot', '0.001', '--out', out], {
    encoding: 'utf8',
  });
  assert.is(r.status, 1);
  assert.match(
    r.stderr,
    /BTCUSDT\.csv:2: price "94099\.8" is not a multiple of the tick 0\.5 \(--tick does not fit this value/,
    'rows before the first snapshot are checked too',
  );
  const none = tmp('cli-none');
  r = spawnSync(
    process.execPath,
    [CLI, 'import', 'tardis', V2, join(none, 'missing.ndjson'), '--symbol', 'BTCUSDT', '--tick', '0.1', '--lot', '0.001', '--out', none],
    {
      encoding: 'utf8',
    },
  );
  assert.is(r.status, 1);
  assert.match(r.stderr, /missing\.ndjson: no such file/);
  assert.equal(files(none), [], 'a missing input fails before anything is written');
  r = spawnSync(process.execPath, [CLI, 'import', 'csv'], { encoding: 'utf8' });
  assert.match(r.stderr, /unknown source "csv" \(expected tardis or tardis-csv/);
  assert.ok(
    files(out).every((f) => f.endsWith('.parquet')),
    'nothing half-written',
  );
});

test('imported Tardis data backtests: the strategy trades, every record is replayed, the feed latency shift shows', async () => {
  const dir = tmp('cli-bt');
  const input = join(dir, 'day.ndjson.gz');
  await writeNdjson(input, 20_000);
  const out = join(dir, 'data');
  ringbook('import', 'tardis', input, '--symbol', 'BTCUSDT', '--tick', '0.1', '--lot', '0.0001', '--out', out, '--max-rows', '50000');
  const set = STRATEGY.flatMap((s) => ['--set', s]);
  const m = JSON.parse(ringbook('backtest', out, ...set, '--json'));
  assert.ok(m.activity.fills > 0, `the strategy traded (${m.activity.fills} fills)`);
  const j = JSON.parse(
    ringbook(
      'import',
      'tardis',
      input,
      '--symbol',
      'BTCUSDT',
      '--tick',
      '0.1',
      '--lot',
      '0.0001',
      '--out',
      out,
      '--max-rows',
      '50000',
      '--json',
    ),
  );
  assert.is(m.run.events, j.rows, 'every imported record replayed');
  const shifted = JSON.parse(ringbook('backtest', out, ...set, '--feed-latency-shift', '-50ms', '--json'));
  assert.is(shifted.settings.feedLatencyShift, '-50 ms', 'a duration as the settings write them');
  assert.ok(shifted.settings.clampedLocal > m.settings.clampedLocal, "moved 50 ms earlier, local stamps fall before the exchange's");
  const csvOut = join(dir, 'csv');
  ringbook('import', 'tardis-csv', BOOK_CSV, TRADES_CSV, '--tick', '0.1', '--lot', '0.001', '--out', csvOut);
  const c = JSON.parse(ringbook('backtest', csvOut, '--json'));
  assert.is(c.run.events, 92, 'a CSV import backtests too');
});

test('Ctrl-C stops the import: exit 130, only finished files, the same as the whole import writes', async () => {
  const dir = tmp('cli-stop');
  const input = join(dir, 'big.ndjson');
  await writeNdjson(input, 60_000);
  const args = ['import', 'tardis', input, '--symbol', 'BTCUSDT', '--tick', '0.1', '--lot', '0.0001', '--max-rows', '20000'];
  const part = join(dir, 'part');
  const child = spawn(process.execPath, [CLI, ...args, '--out', part], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  // stop once the first file is there (a condition, not a sleep)
  await new Promise<void>((resolve, reject) => {
    const t = setInterval(() => {
      if (files(part).some((f) => f.endsWith('.parquet'))) {
        clearInterval(t);
        child.kill('SIGINT');
        resolve();
      } else if (child.exitCode !== null) {
        clearInterval(t);
        reject(new Error('the import ended before it could be stopped'));
      }
    }, 5);
  });
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  const full = join(dir, 'full');
  ringbook(...args, '--out', full);
  const whole = new Set(files(full).map((f) => f.slice(full.length)));
  const kept = files(part);
  assert.ok(
    kept.every((f) => f.endsWith('.parquet')),
    `only finished files: ${kept.join(', ')}`,
  );
  assert.ok(
    kept.every((f) => whole.has(f.slice(part.length))),
    'each one a file of the whole import',
  );
  if (code === 130) {
    assert.match(stdout, /^stopped: /);
    assert.match(stdout, /run the same command again to finish/);
    assert.ok(kept.length < whole.size);
  } else assert.is(code, 0, 'it finished before the signal came');
});

test.run();
