// `ringbook import tardis-csv`: Tardis CSV datasets of any venue. The book replayed from the imported files equals a
// plain TypeScript book built from the CSV rows with exact decimals; trades are interleaved by local time (a trade
// first at equal times); DuckDB reads the tree; a price off the grid and other bad rows stop the import naming the
// line; plain and gzip and a second import give the same bytes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind } from '../../src/core/index';
import { importTardisCsv, type ImportSummary } from '../../src/import/import';
import { gridFromTickLot } from '../../src/import/grid';
import { ImportError } from '../../src/import/record-sink';
import { testCore } from '../helpers/core';
import { BOOK_CSV, TRADES_CSV, WASM, bookStates, duck, fixture, query, readRecords, rowsOfKind, tmp, treeBytes } from './helpers';
import { formatSummary } from '../../src/cli/import';
import { inspectRecording } from '../../src/capture/inspect';

const GRID = gridFromTickLot('FUTURES', 'BTCUSDT', '0.1', '0.001');

const run = (inputs: string[], out: string, extra: Partial<Parameters<typeof importTardisCsv>[0]> = {}): Promise<ImportSummary> =>
  importTardisCsv({
    inputs,
    out,
    tick: '0.1',
    lot: '0.001',
    gridFor: (instType, symbol) => gridFromTickLot(instType, symbol, '0.1', '0.001'),
    rollNs: 3_600_000_000_000n,
    maxRows: 1_000_000,
    wasm: WASM,
    ...extra,
  });

/** Exact decimal string → integer at `scale` decimals (the reference's own parser: BigInt, no float). */
function scaled(s: string, scale: number): bigint {
  const e = /^(\d+(?:\.\d+)?)e([+-]?\d+)$/i.exec(s);
  if (e) {
    const [int, frac = ''] = e[1].split('.');
    const digits = BigInt(int + frac);
    const shift = scale - frac.length + Number(e[2]);
    return shift >= 0 ? digits * 10n ** BigInt(shift) : digits / 10n ** BigInt(-shift);
  }
  const [int, frac = ''] = s.split('.');
  return BigInt(int + frac.padEnd(scale, '0'));
}

/** The book states Tardis's rules give, straight from the CSV rows (docs.tardis.dev: incremental_book_L2). */
function referenceStates(csv: string): string[] {
  const rows = csv
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const bids = new Map<bigint, bigint>();
  const asks = new Map<bigint, bigint>();
  const out: string[] = [];
  let inBook = false;
  let prevSnap = false;
  for (let i = 0; i < rows.length;) {
    const [, , , local, snapText] = rows[i];
    const snap = snapText === 'true';
    let j = i;
    while (j < rows.length && rows[j][3] === local && rows[j][4] === snapText) j++;
    if (!snap && !inBook) {
      i = j; // before the first snapshot: skipped
      continue;
    }
    if (snap && !prevSnap) {
      bids.clear();
      asks.clear();
      inBook = true;
    }
    prevSnap = snap;
    for (let k = i; k < j; k++) {
      const [, , , , , side, price, amount] = rows[k];
      const m = side === 'bid' ? bids : asks;
      const p = scaled(price, 1);
      const q = scaled(amount, 3);
      if (q === 0n) m.delete(p);
      else m.set(p, q);
    }
    const b = [...bids].sort((x, y) => (y[0] > x[0] ? 1 : -1));
    const a = [...asks].sort((x, y) => (x[0] > y[0] ? 1 : -1));
    out.push(`0 b ${b.map(([p, q]) => `${p}:${q}`).join(',')} a ${a.map(([p, q]) => `${p}:${q}`).join(',')}`);
    i = j;
  }
  return out;
}

test("the imported book equals the book the CSV rows give by Tardis's rules, message by message", async () => {
  const out = tmp('csv-book');
  const s = await run([BOOK_CSV], out);
  assert.is(s.csv![0].skippedBeforeSnapshot, 2, 'updates before the first snapshot are skipped, as Tardis says');
  const { words, rows } = await readRecords(out);
  const states = bookStates(await testCore(), GRID, words, rows);
  assert.equal(states, referenceStates(readFileSync(BOOK_CSV, 'utf8')));
  assert.ok(states.length > 20);
  // the second snapshot (after updates) started a new book: two clears, each resetting the signals
  const clears = [];
  for (let i = 0; i < rows; i++) if ((words[i * 16] & 0xff) === Kind.bookClear) clears.push((words[i * 16] >>> 16) & 0xffff);
  assert.equal(clears, [5, 5], 'snapshot | reset');
  // the last row's amount was "1.5e-2": 15 lots of 0.001, exactly
  const last = (rows - 1) * 16;
  assert.is(words[last + 8], 15);
});

test('book and trades interleave by local time, a trade first at an equal time; DuckDB reads the tree', async () => {
  const out = tmp('csv-pair');
  const s = await run([TRADES_CSV, BOOK_CSV], out); // any order: the headers tell the files apart
  const { words, rows } = await readRecords(out);
  assert.is(rows, s.rows);
  const local = (i: number) => (BigInt(words[i * 16 + 5]) << 32n) | BigInt(words[i * 16 + 4] >>> 0);
  let trades = 0;
  let tiesSeen = 0;
  for (let i = 1; i < rows; i++) {
    assert.ok(local(i) >= local(i - 1), `row ${i}: local time never goes back`);
    const k = words[i * 16] & 0xff;
    const prev = words[(i - 1) * 16] & 0xff;
    if (local(i) === local(i - 1) && k === Kind.trade) assert.is(prev, Kind.trade, `row ${i}: a trade is not after a book row of its time`);
    if (local(i) === local(i - 1) && prev === Kind.trade && k !== Kind.trade) tiesSeen++;
  }
  for (let i = 0; i < rows; i++) if ((words[i * 16] & 0xff) === Kind.trade) trades++;
  assert.is(trades, 9);
  assert.ok(tiesSeen >= 1, "the fixture has trades at a book message's local time");
  const db = await duck();
  const got = await query(
    db,
    `SELECT venue, inst_type, symbol, count(*)::INT AS n, count(*) FILTER (WHERE kind = 3)::INT AS t FROM read_parquet('${out}/venue=*/**/*.parquet', hive_partitioning = true) GROUP BY ALL`,
  );
  assert.equal(got, [{ venue: 'binance-futures', inst_type: 'FUTURES', symbol: 'BTCUSDT', n: rows, t: 9 }]);
  const kv = await query(
    db,
    `SELECT decode(value) AS v FROM parquet_kv_metadata('${out}/venue=*/**/*.parquet') WHERE decode(key) = 'source'`,
  );
  assert.is(kv[0].v, 'tardis');
});

test('gzip and plain, and a second import, give the same bytes', async () => {
  const a = tmp('csv-a');
  const b = tmp('csv-b');
  await run([BOOK_CSV, TRADES_CSV], a);
  await run([fixture('binance-futures_incremental_book_L2_BTCUSDT.csv.gz'), TRADES_CSV], b);
  await run([BOOK_CSV, TRADES_CSV], b);
  const ta = treeBytes(a);
  const tb = treeBytes(b);
  assert.equal([...tb.keys()], [...ta.keys()]);
  for (const [k, v] of ta) assert.ok(v.equals(tb.get(k)!), k);
});

async function failure(text: string, name = 'bad.csv'): Promise<ImportError> {
  const dir = tmp('csv-bad');
  const file = join(dir, name);
  writeFileSync(file, text);
  try {
    await run([file], join(dir, 'out'));
  } catch (err) {
    assert.instance(err, ImportError);
    return err as ImportError;
  }
  return assert.unreachable('the import should have failed') as never;
}

test('a price off the grid stops the import naming the line, the column and the value', async () => {
  const dir = tmp('csv-offgrid');
  try {
    await run([fixture('binance-futures_incremental_book_L2_BTCUSDT_offgrid.csv')], join(dir, 'out'));
    assert.unreachable('off the grid must fail');
  } catch (err) {
    assert.instance(err, ImportError);
    const e = err as ImportError;
    assert.is(e.line, 17);
    assert.match(e.message, /_offgrid\.csv:17: price "94100\.705" has more decimals than the tick 0\.1 \(--tick does not fit/);
  }
});

test('a price whose extra decimals are trailing zeros: the tick to write is named', async () => {
  const head = readFileSync(BOOK_CSV, 'utf8').split('\n').slice(0, 3);
  const e = await failure([...head.slice(0, 2), head[2].replace(',94099.8,', ',94099.80,')].join('\n'));
  assert.is(e.line, 3);
  assert.is(e.reason, 'price "94099.80" has more decimals than the tick 0.1 (a venue that prints trailing zeros: write --tick 0.10)');
});

test('other bad rows are named by line', async () => {
  const head = readFileSync(BOOK_CSV, 'utf8').split('\n').slice(0, 6);
  let e = await failure([...head, 'binance-futures,BTCUSDT,1,2,true,bid,1.0'].join('\n'));
  assert.is(e.line, 7);
  assert.match(e.reason, /fewer columns than the header/);
  e = await failure([...head.slice(0, 4), head[4].replace(',bid,', ',buy,')].join('\n'));
  assert.is(e.line, 5);
  assert.is(e.reason, 'side "buy" is not bid or ask (an incremental_book_L2 row)');
  e = await failure([...head.slice(0, 3), head[3].replace(',true,', ',yes,')].join('\n'));
  assert.is(e.line, 4);
  assert.is(e.reason, 'is_snapshot "yes" is not true or false');
  const cells = head[5].split(',');
  cells[3] = String(BigInt(head[4].split(',')[3]) - 1n); // µs, one before the row above
  e = await failure([...head.slice(0, 5), cells.join(',')].join('\n'));
  assert.is(e.line, 6);
  assert.match(e.reason, /earlier than the row before/);
  e = await failure([...head.slice(0, 2), head[2].replace(/,[^,]+,[^,]+$/, ',"1.0",0.1')].join('\n'));
  assert.is(e.line, 3);
  assert.match(e.reason, /quoted/);
  const dir = tmp('csv-header');
  writeFileSync(join(dir, 'h.csv'), 'exchange,symbol,price\nx,y,1\n');
  await run([join(dir, 'h.csv')], join(dir, 'out')).then(
    () => assert.unreachable('a file that is not Tardis CSV must fail'),
    (err: Error) =>
      assert.match(
        err.message,
        /h\.csv:1: not a Tardis incremental_book_L2 or trades CSV.*missing timestamp, local_timestamp, side, amount/,
      ),
  );
  // a misspelt column is named beside the one it is likely meant to be
  const typo = join(dir, 'typo.csv');
  writeFileSync(typo, readFileSync(BOOK_CSV, 'utf8').replace(',amount\n', ',amout\n'));
  await run([typo], join(dir, 'out')).then(
    () => assert.unreachable('a file without amount must fail'),
    (err: Error) =>
      assert.match(
        err.message,
        /typo\.csv:1: not a Tardis incremental_book_L2 or trades CSV \(header: .*; missing amount \(amout in the header\?\)\)$/,
      ),
  );
});

test('times in ms or ns are refused at the first row, naming the unit; not imported as 1970', async () => {
  const lines = readFileSync(BOOK_CSV, 'utf8').trim().split('\n');
  const scaled = (f: (t: string) => string) =>
    [
      lines[0],
      ...lines.slice(1).map((l) =>
        l
          .split(',')
          .map((c, i) => (i === 2 || i === 3 ? f(c) : c))
          .join(','),
      ),
    ].join('\n');
  let e = await failure(scaled((t) => t.slice(0, -3)));
  assert.is(e.line, 2);
  assert.match(e.reason, /^timestamp \d{13} is not µs since the epoch .*it looks like milliseconds/);
  e = await failure(scaled((t) => `${t}000`));
  assert.is(e.line, 2);
  assert.match(e.reason, /it looks like nanoseconds/);
});

test('a header-only file, and Tardis CSV types the import does not read, are named', async () => {
  const dir = tmp('csv-kinds');
  const header = join(dir, 'header.csv');
  writeFileSync(header, readFileSync(BOOK_CSV, 'utf8').split('\n')[0] + '\r\n');
  const message = (inputs: string[]) =>
    run(inputs, join(dir, 'out')).then(
      () => assert.unreachable('the import should have failed') as never,
      (err: Error) => err.message,
    );
  assert.match(await message([header]), /header\.csv: a header and no rows: nothing to import/);
  const snap = join(dir, 'snap.csv');
  writeFileSync(snap, 'exchange,symbol,timestamp,local_timestamp,asks[0].price,asks[0].amount,bids[0].price,bids[0].amount\n');
  assert.match(await message([snap]), /snap\.csv: a Tardis book_snapshot_25\/_5 CSV .*not read; import incremental_book_L2/);
  const ticker = join(dir, 'ticker.csv');
  writeFileSync(
    ticker,
    'exchange,symbol,timestamp,local_timestamp,funding_timestamp,funding_rate,predicted_funding_rate,open_interest,last_price,index_price,mark_price\n',
  );
  assert.match(await message([BOOK_CSV, ticker]), /ticker\.csv: a Tardis derivative_ticker CSV/);
  // a quiet day's trades file next to a book is no error: the summary shows its 0 rows
  const trades = join(dir, 'trades.csv');
  writeFileSync(trades, readFileSync(TRADES_CSV, 'utf8').split('\n')[0] + '\n');
  const s = await run([BOOK_CSV, trades], join(dir, 'book'));
  assert.ok(s.rows > 0);
  assert.is(s.csv![1].lines, 1);
});

test('rows of other symbols are skipped and counted; --symbol picks one', async () => {
  const dir = tmp('csv-sym');
  const file = join(dir, 'two.csv');
  const lines = readFileSync(BOOK_CSV, 'utf8').trim().split('\n');
  const eth = lines.slice(1, 8).map((l) => l.replace('BTCUSDT', 'ETHUSDT'));
  writeFileSync(file, `${[lines[0], ...lines.slice(1, 10), ...eth, ...lines.slice(10)].join('\n')}\n`);
  const s = await run([file], join(dir, 'btc'));
  assert.is(s.csv![0].skippedOtherSymbols, 7);
  const plain = await run([BOOK_CSV], join(dir, 'plain'));
  assert.is(s.rows, plain.rows);
  const e = await run([file], join(dir, 'eth'), { symbol: 'ETHUSDT' });
  assert.is(e.symbols[0].symbol, 'ETHUSDT');
  assert.is(e.csv![0].skippedOtherSymbols, lines.length - 1, 'every BTCUSDT row');
});

/** Every file under `d` (none when it does not exist). */
function filesUnder(d: string): string[] {
  if (!existsSync(d)) return [];
  return readdirSync(d, { withFileTypes: true }).flatMap((n) => (n.isDirectory() ? filesUnder(join(d, n.name)) : [join(d, n.name)]));
}

/** The import of `text` fails: its error, after checking that it names the file and left no file behind. */
async function refused(text: string, name = 'bad.csv', extra: Partial<Parameters<typeof importTardisCsv>[0]> = {}): Promise<ImportError> {
  const dir = tmp('csv-refused');
  const file = join(dir, name);
  writeFileSync(file, text);
  const out = join(dir, 'out');
  try {
    await run([file], out, extra);
  } catch (err) {
    assert.instance(err, ImportError);
    const e = err as ImportError;
    assert.is(e.input, file);
    assert.ok(e.message.startsWith(`${file}:${e.line}: `), e.message);
    assert.equal(filesUnder(out), [], 'nothing written: no file, finished or half');
    return e;
  }
  return assert.unreachable('the import should have failed') as never;
}

/** The fixture's lines with cell `col` of line `line` (1-based, the header is 1) rewritten. */
function edit(csv: string, line: number, col: number, f: (cell: string) => string): string {
  const lines = readFileSync(csv, 'utf8').trim().split('\n');
  const cells = lines[line - 1].split(',');
  cells[col] = f(cells[col]);
  lines[line - 1] = cells.join(',');
  return `${lines.join('\n')}\n`;
}

const TS = 2;
const LOCAL = 3;
const ID = 4;
const SIDE = 5;
const PRICE = 6;
const AMOUNT = 7;
const ABOUT_US = '(Tardis CSV times are 16 digits, e.g. 1777593600002500)';
const SWITCH = '(the rows before it are µs: a file joined from exports in different units?)';

test('every row is checked for its time unit: a later row in ms, s or ns is refused at that row, naming the column and the unit', async () => {
  // the exchange time in ms deep in the file, the local time still µs: no order check sees it; it used to import as 1970
  let e = await refused(edit(BOOK_CSV, 41, TS, (t) => t.slice(0, -3)));
  assert.is(e.line, 41);
  const ms = readFileSync(BOOK_CSV, 'utf8').split('\n')[40].split(',')[TS].slice(0, -3);
  assert.is(
    e.reason,
    `timestamp ${ms} is not µs since the epoch ${ABOUT_US}: it looks like milliseconds; convert the file's times to µs ${SWITCH}`,
  );
  // the local time in seconds: earlier than the row before, but the unit is what is wrong, and said
  e = await refused(edit(BOOK_CSV, 30, LOCAL, (t) => t.slice(0, -6)));
  assert.is(e.line, 30);
  assert.match(e.reason, /^local_timestamp \d{10} is not µs since the epoch .*: it looks like seconds; .*joined from exports/);
  // µs rows followed by ns rows (the core holds times to 9e15 µs): named as ns
  e = await refused(edit(TRADES_CSV, 6, LOCAL, (t) => `${t}000`));
  assert.is(e.line, 6);
  assert.match(e.reason, /^local_timestamp \d{19} is not µs since the epoch .*: it looks like nanoseconds/);
  e = await refused(edit(TRADES_CSV, 7, TS, (t) => t.slice(0, -3)));
  assert.is(e.line, 7);
  assert.match(e.reason, /^timestamp \d{13} .*it looks like milliseconds/);
  // an empty time names the column
  e = await refused(edit(TRADES_CSV, 4, TS, () => ''));
  assert.is(e.line, 4);
  assert.is(e.reason, 'timestamp is empty');
});

/** A trades CSV's lines (the header first) of `n` trades, ids from 1000 up: more than one batch of the core's. */
function manyTrades(n = 40_000): string[] {
  const rows = ['exchange,symbol,timestamp,local_timestamp,id,side,price,amount'];
  const t0 = 1777593600000000;
  for (let i = 0; i < n; i++) {
    const local = t0 + i * 100;
    rows.push(`binance-futures,BTCUSDT,${local - 40},${local},${1000 + i},${i % 3 ? 'buy' : 'sell'},94100.1,0.001`);
  }
  return rows;
}

test('the row with a time in another unit is found in a later batch of a large file, by its line', async () => {
  const dir = tmp('csv-unit-big');
  const rows = manyTrades();
  const good = join(dir, 'good.csv');
  writeFileSync(good, `${rows.join('\n')}\n`);
  const s = await run([good], join(dir, 'good'));
  assert.is(s.rows, 40_000, 'the plain file imports whole');
  const cells = rows[39_001].split(',');
  cells[TS] = cells[TS].slice(0, -3);
  rows[39_001] = cells.join(',');
  const e = await refused(`${rows.join('\n')}\n`);
  assert.is(e.line, 39_002, 'past the first 32768-record batch');
  assert.match(e.reason, /^timestamp \d{13} is not µs since the epoch .*milliseconds/);
});

test('a price of 0, a negative size and empty fields are refused naming the line and the column', async () => {
  let e = await refused(edit(BOOK_CSV, 20, PRICE, () => '0.0'));
  assert.is(e.line, 20);
  assert.is(e.reason, 'price "0.0" is 0: not a price (a damaged row?)');
  e = await refused(edit(TRADES_CSV, 5, PRICE, () => '0'));
  assert.is(e.line, 5);
  assert.is(e.reason, 'price "0" is 0: not a price (a damaged row?)');
  e = await refused(edit(BOOK_CSV, 12, AMOUNT, (a) => `-${a}`));
  assert.is(e.line, 12);
  assert.match(e.reason, /^amount "-[\d.]+" has a sign$/);
  e = await refused(edit(BOOK_CSV, 12, PRICE, () => ''));
  assert.is(e.reason, 'price "" is empty');
  e = await refused(edit(TRADES_CSV, 3, AMOUNT, () => ''));
  assert.is(e.line, 3);
  assert.is(e.reason, 'amount "" is empty');
  e = await refused(edit(TRADES_CSV, 3, SIDE, () => ''));
  assert.is(e.reason, 'side "" is empty');
  e = await refused(edit(TRADES_CSV, 3, SIDE, () => 'bid'));
  assert.is(e.reason, 'side "bid" is not buy, sell or unknown (a trades row)');
  e = await refused(edit(BOOK_CSV, 8, 4, () => ''));
  assert.is(e.line, 8);
  assert.is(e.reason, 'is_snapshot "" is empty');
});

test("trades: a row repeating the trade before it and a size of 0 are left out, a side 'unknown' kept, each counted in the summary", async () => {
  const dir = tmp('csv-trades-audit');
  const lines = readFileSync(TRADES_CSV, 'utf8').trim().split('\n');
  const cells = (l: string) => l.split(',');
  const resent = cells(lines[2]);
  resent[LOCAL] = String(Number(resent[LOCAL]) + 5); // the same trade, received again 5 µs later
  const zero = cells(lines[4]);
  zero[AMOUNT] = '0.000';
  const unknown = cells(lines[5]);
  unknown[SIDE] = 'unknown';
  const noId = cells(lines[6]);
  noId[ID] = '';
  const rows = [
    lines[0],
    lines[1],
    lines[1],
    lines[2],
    resent.join(','),
    lines[3],
    zero.join(','),
    unknown.join(','),
    noId.join(','),
    ...lines.slice(7),
  ];
  const file = join(dir, 'trades.csv');
  writeFileSync(file, `${rows.join('\n')}\n`);
  const s = await run([file], join(dir, 'out'));
  const c = s.csv![0];
  assert.equal([c.duplicateTrades, c.zeroSizeTrades, c.unknownSideTrades], [2, 1, 1]);
  const { words, rows: n } = await readRecords(join(dir, 'out'));
  const plain = tmp('csv-trades-plain');
  await run([TRADES_CSV], plain);
  const ref = await readRecords(plain);
  const got = rowsOfKind(words, n, Kind.trade);
  const want = rowsOfKind(ref.words, ref.rows, Kind.trade);
  // the zero-size trade is gone; the unknown side is 0; an empty id leaves seq 0 (as a UUID does)
  assert.is(got.length, 8);
  assert.equal(got.slice(0, 3), [want[0], want[1], want[2]]);
  assert.equal(got.slice(5), want.slice(6));
  assert.match(got[3], /^\d+ 0 /, 'side unknown: 0');
  assert.match(got[4], / 0 \d+$/, 'no id: seq 0');
  const text = formatSummary(s, '/d');
  assert.match(
    text,
    /trades: 11 rows, 2 sent again \(an id kept earlier\) left out, 1 of size 0 left out, 1 of side unknown kept \(no taker side\)/,
  );
});

/** Row `i` of `rows` (line i + 1) again, received at row `at`'s local time, with cells changed by `f`. */
function again(rows: string[], i: number, at: number, f: (cells: string[]) => void = () => {}): string {
  const cells = rows[i].split(',');
  cells[LOCAL] = rows[at].split(',')[LOCAL];
  f(cells);
  return cells.join(',');
}

test('a trade sent again after others, or a batch later, is left out and counted: the files of the file without it', async () => {
  const dir = tmp('csv-resent');
  const rows = manyTrades();
  // line 6 again after line 21; line 30 001 again after line 33 001 (past the first 32 768-record batch)
  const resent = [...rows.slice(0, 21), again(rows, 5, 20), ...rows.slice(21, 33_001), again(rows, 30_000, 33_000), ...rows.slice(33_001)];
  writeFileSync(join(dir, 'clean.csv'), `${rows.join('\n')}\n`);
  writeFileSync(join(dir, 'resent.csv'), `${resent.join('\n')}\n`);
  const clean = await run([join(dir, 'clean.csv')], join(dir, 'clean'));
  const s = await run([join(dir, 'resent.csv')], join(dir, 'resent'));
  assert.is(clean.csv![0].duplicateTrades, 0);
  assert.is(s.csv![0].duplicateTrades, 2);
  assert.is(s.csv![0].lines, rows.length + 2);
  assert.is(s.rows, clean.rows);
  const a = treeBytes(join(dir, 'clean'));
  const b = treeBytes(join(dir, 'resent'));
  assert.equal([...b.keys()], [...a.keys()]);
  for (const [k, v] of a) assert.ok(v.equals(b.get(k)!), `${k}: the same bytes`);
});

test('one id for two different trades is refused, naming both lines and what differs', async () => {
  const rows = readFileSync(TRADES_CSV, 'utf8').trim().split('\n');
  const text = (extra: string[]) => `${[...rows, ...extra].join('\n')}\n`;
  const last = rows.length - 1;
  const tail = '(exports of two venues or products joined?); the import cannot tell which is right: remove the wrong rows';
  // line 3's id again at the end, another price
  let e = await refused(text([again(rows, 2, last, (c) => (c[PRICE] = '94100.2'))]));
  assert.is(e.line, rows.length + 1);
  assert.is(
    e.reason,
    `trade id 5912345679 is already the trade at line 3, with another price (price 94100.2 here, 94100.1 there): one id for two trades ${tail}`,
  );
  // another exchange time and side
  e = await refused(text([again(rows, 2, last, (c) => ((c[TS] = String(Number(c[TS]) + 1000)), (c[SIDE] = 'sell')))]));
  assert.match(
    e.reason,
    /^trade id 5912345679 is already the trade at line 3, with another timestamp and side \(timestamp 1777593600307199 here, 1777593600306199 there; side sell here, buy there\)/,
  );
  // rows of another symbol between (the batch's lines are not one record each): both lines still named
  const eth = rows[4].replace('BTCUSDT', 'ETHUSDT');
  e = await refused(`${[rows[0], rows[1], eth, ...rows.slice(2), again(rows, 2, last, (c) => (c[AMOUNT] = '0.5'))].join('\n')}\n`);
  assert.is(e.line, rows.length + 2);
  assert.match(e.reason, /^trade id 5912345679 is already the trade at line 4, with another amount \(amount 0\.5 here, 0\.131 there\)/);
  // in a later batch than the first
  const big = manyTrades();
  const moved = [...big.slice(0, 33_001), again(big, 30_000, 33_000, (c) => (c[PRICE] = '94100.3')), ...big.slice(33_001)];
  e = await refused(`${moved.join('\n')}\n`);
  assert.is(e.line, 33_002);
  assert.match(e.reason, /^trade id 30999 is already the trade at line 30001, with another price \(price 94100\.3 here, 94100\.1 there\)/);
});

test('rows of a second exchange under the symbol are refused at its first row, naming both; other symbols of other exchanges are not', async () => {
  const venues = (other: string, first = 2, sym = 'BTCUSDT') =>
    `rows of two venues: this row is ${other} ${sym}, the rows before it binance-futures ${sym} (from line ${first}): give the rows of one venue (a file joined from two venues' exports?)`;
  let e = await refused(edit(TRADES_CSV, 6, 0, () => 'bybit'));
  assert.is(e.line, 6);
  assert.is(e.reason, venues('bybit'));
  e = await refused(edit(BOOK_CSV, 41, 0, () => 'okex-swap'));
  assert.is(e.line, 41);
  assert.is(e.reason, venues('okex-swap'));
  // in a later batch
  const big = manyTrades();
  big[39_001] = big[39_001].replace('binance-futures,', 'binance,');
  e = await refused(`${big.join('\n')}\n`);
  assert.is(e.line, 39_002);
  assert.is(e.reason, venues('binance'));
  // the exchange not in the first column (any order reads): still found
  const swapped = readFileSync(TRADES_CSV, 'utf8')
    .trim()
    .split('\n')
    .map((l, i) => {
      const c = l.split(',');
      [c[0], c[1]] = [c[1], i === 7 ? 'bybit' : c[0]];
      return c.join(',');
    });
  e = await refused(`${swapped.join('\n')}\n`);
  assert.is(e.line, 8);
  assert.is(e.reason, venues('bybit'));
  // another symbol's rows of another exchange are skipped as before; the kept symbol's exchange is that of its first row
  const rows = readFileSync(TRADES_CSV, 'utf8').trim().split('\n');
  const eth = (l: string) => l.replace('binance-futures,BTCUSDT,', 'bybit,ETHUSDT,');
  const mixed = [rows[0], eth(rows[1]), eth(rows[2]), ...rows.slice(3, 6), eth(rows[6]), ...rows.slice(7)];
  const dir = tmp('csv-venues');
  writeFileSync(join(dir, 'mixed.csv'), `${mixed.join('\n')}\n`);
  const s = await run([join(dir, 'mixed.csv')], join(dir, 'out'), { symbol: 'BTCUSDT' });
  assert.is(s.csv![0].skippedOtherSymbols, 3);
  mixed[8] = mixed[8].replace('binance-futures,', 'bybit,');
  e = await refused(`${mixed.join('\n')}\n`, 'mixed.csv', { symbol: 'BTCUSDT' });
  assert.is(e.line, 9);
  assert.is(e.reason, venues('bybit', 4));
  // CRLF line ends: one venue throughout imports
  writeFileSync(join(dir, 'crlf.csv'), `${rows.join('\r\n')}\r\n`);
  assert.is((await run([join(dir, 'crlf.csv')], join(dir, 'crlf'))).rows, rows.length - 1);
});

test('one file given twice, or two files of one kind, are refused before anything is written', async () => {
  const dir = tmp('csv-twice');
  const message = (inputs: string[]) =>
    run(inputs, join(dir, 'out')).then(
      () => assert.unreachable('the import should have failed') as never,
      (err: Error) => err.message,
    );
  assert.is(await message([TRADES_CSV, TRADES_CSV]), `${TRADES_CSV} given twice: give one incremental_book_L2 and one trades file`);
  const next = join(dir, 'next-day-trades.csv');
  writeFileSync(next, readFileSync(TRADES_CSV));
  assert.is(
    await message([TRADES_CSV, next]),
    `two files of one kind (${TRADES_CSV}: trades, ${next}: trades): give one incremental_book_L2 and one trades file (several days: one run a day, into the same --out)`,
  );
  assert.equal(filesUnder(join(dir, 'out')), []);
});

test('a book row given twice changes nothing: the same book after every message', async () => {
  const lines = readFileSync(BOOK_CSV, 'utf8').trim().split('\n');
  const dir = tmp('csv-book-dup');
  const file = join(dir, 'dup.csv');
  writeFileSync(file, `${[...lines.slice(0, 30), lines[29], ...lines.slice(30)].join('\n')}\n`);
  await run([file], join(dir, 'dup'));
  await run([BOOK_CSV], join(dir, 'plain'));
  const a = await readRecords(join(dir, 'dup'));
  const b = await readRecords(join(dir, 'plain'));
  assert.is(a.rows, b.rows + 1);
  const core = await testCore();
  assert.equal(bookStates(core, GRID, a.words, a.rows), bookStates(core, GRID, b.words, b.rows));
});

test('a byte order mark is read as no data: the same files', async () => {
  const dir = tmp('csv-bom');
  const file = join(dir, 'bom.csv');
  writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(BOOK_CSV)]));
  await run([file], join(dir, 'bom'));
  await run([BOOK_CSV], join(dir, 'plain'));
  const a = treeBytes(join(dir, 'bom'));
  const b = treeBytes(join(dir, 'plain'));
  assert.equal([...a.keys()], [...b.keys()]);
  for (const [k, v] of a) assert.ok(v.equals(b.get(k)!), k);
});

test('a file that ends mid-line (a download cut short) is refused at its last line, nothing written', async () => {
  const whole = readFileSync(TRADES_CSV, 'utf8');
  const last = whole.trim().split('\n').length;
  // "…,0.201\n" cut to "…,0.20": a value that still reads, wrongly
  let e = await refused(whole.slice(0, -2));
  assert.is(e.line, last);
  assert.match(e.reason, /^the file ends mid-line: its last line has no line end \(a download cut short\?\)/);
  // a whole last line without its line end cannot be told from a cut one: refused too (the book's last message unwritten)
  e = await refused(readFileSync(BOOK_CSV, 'utf8').slice(0, -1));
  assert.is(e.line, readFileSync(BOOK_CSV, 'utf8').trim().split('\n').length);
  assert.match(e.reason, /ends mid-line.*if that line is whole, end it with a newline/);
  // a bad value on that last line is named first
  e = await refused(`${whole.trim()}\nbinance-futures,BTCUSDT,1`);
  assert.is(e.line, last + 1);
  assert.match(e.reason, /fewer columns than the header/);
});

test('a book and trades pair of two venues, or of two symbols without --symbol, is refused naming what each holds', async () => {
  const dir = tmp('csv-pair-mismatch');
  const bybit = join(dir, 'bybit-trades.csv');
  writeFileSync(bybit, readFileSync(TRADES_CSV, 'utf8').replaceAll('binance-futures,', 'bybit,'));
  const message = (inputs: string[], extra = {}) =>
    run(inputs, join(dir, 'out'), extra).then(
      () => assert.unreachable('the import should have failed') as never,
      (err: Error) => err.message,
    );
  assert.is(
    await message([BOOK_CSV, bybit]),
    `a book and trades pair of two venues: ${BOOK_CSV} is binance-futures BTCUSDT (its first row), ${bybit} is bybit BTCUSDT (its first row): give the two files of one venue`,
  );
  const eth = join(dir, 'eth-trades.csv');
  writeFileSync(eth, readFileSync(TRADES_CSV, 'utf8').replaceAll(',BTCUSDT,', ',ETHUSDT,'));
  assert.match(await message([BOOK_CSV, eth]), /^a book and trades pair of two symbols: .* is binance-futures ETHUSDT .*or --symbol/);
  assert.equal(filesUnder(join(dir, 'out')), [], 'nothing written');
  // --symbol says which: the other file's rows are skipped and counted
  const s = await run([BOOK_CSV, eth], join(dir, 'btc'), { symbol: 'BTCUSDT' });
  assert.is(s.csv![1].skippedOtherSymbols, 9);
});

test('a --symbol no row holds is an error naming the files and what they hold, nothing written (not an import of nothing)', async () => {
  const dir = tmp('csv-no-symbol');
  const out = join(dir, 'out');
  const message = (inputs: string[], extra = {}) =>
    run(inputs, out, extra).then(
      () => assert.unreachable('the import should have failed') as never,
      (err: Error) => err.message,
    );
  assert.is(
    await message([BOOK_CSV], { symbol: 'ETHUSDT' }),
    `no row of ETHUSDT in ${BOOK_CSV} (its rows are of other symbols, the first BTCUSDT); nothing was written: check --symbol`,
  );
  assert.is(
    await message([BOOK_CSV, TRADES_CSV], { symbol: 'BTCUSD' }),
    `no row of BTCUSD in ${BOOK_CSV} or ${TRADES_CSV} (their rows are of other symbols, the first BTCUSDT); nothing was written: check --symbol`,
  );
  assert.equal(filesUnder(out), [], 'nothing written');
  // in another case it is the rows' symbol, as import tardis takes it
  const lower = await run([BOOK_CSV, TRADES_CSV], join(dir, 'lower'), { symbol: 'btcusdt' });
  assert.is(lower.symbols[0].symbol, 'BTCUSDT');
  assert.ok(lower.rows > 0);
});

test("--exchange over rows of another venue is refused before anything is written; the files' own id is taken", async () => {
  const dir = tmp('csv-exchange');
  const out = join(dir, 'out');
  const err = await run([BOOK_CSV, TRADES_CSV], out, { exchange: 'bybit' }).then(
    () => assert.unreachable('the import should have failed') as never,
    (e: Error) => e.message,
  );
  assert.is(
    err,
    `--exchange bybit, but ${BOOK_CSV} is binance-futures BTCUSDT (its first row): leave --exchange out (the rows name their venue) or give that venue's files`,
  );
  assert.equal(filesUnder(out), [], 'nothing written');
  const s = await run([BOOK_CSV, TRADES_CSV], out, { exchange: 'binance-futures' });
  assert.ok(s.files.length > 0 && s.files.every((f) => f.path.includes('venue=binance-futures')), s.files.map((f) => f.path).join(', '));
});

test('a book and trades pair of two days is refused before anything is written; one crossing midnight by minutes is not', async () => {
  const dir = tmp('csv-two-days');
  const shifted = (us: bigint, name: string) => {
    const [head, ...rows] = readFileSync(TRADES_CSV, 'utf8').trim().split('\n');
    const moved = rows.map((l) => {
      const c = l.split(',');
      c[TS] = String(BigInt(c[TS]) + us);
      c[LOCAL] = String(BigInt(c[LOCAL]) + us);
      return c.join(',');
    });
    const f = join(dir, name);
    writeFileSync(f, `${[head, ...moved].join('\n')}\n`);
    return f;
  };
  const day2 = shifted(86_400_000_000n, 'trades-day2.csv');
  const out = join(dir, 'out');
  const err = await run([BOOK_CSV, day2], out).then(
    () => assert.unreachable('the import should have failed') as never,
    (e: Error) => e.message,
  );
  assert.is(
    err,
    `a book and trades pair of two days: ${BOOK_CSV} begins 2026-05-01, ${day2} begins 2026-05-02 (their first rows' local_timestamp): give the two files of one day (several days: one run a day, into the same --out)`,
  );
  assert.equal(filesUnder(out), [], 'nothing written');
  // the book's first row is at 00:00:00.06 on 2026-05-01: trades from 1 min before midnight are another date, not another day
  const before = shifted(-61_000_000n - 181_575n, 'trades-eve.csv');
  const s = await run([BOOK_CSV, before], join(dir, 'eve'));
  assert.ok(s.rows > 0);
});

test('inspect of a trades-only import says there is no book to replay, not only that no latency was measured', async () => {
  const out = join(tmp('csv-trades-only'), 'out');
  await run([TRADES_CSV], out);
  const [s] = (await inspectRecording(out)).streams;
  assert.is(s.byKind.trade, 9);
  assert.match(
    s.explanation,
    /^trades only, no book messages: .*a backtest replays the book and has none to trade on \(import the incremental_book_L2 file beside the trades/,
  );
});

test('files end before a new local time: a trade and the book message of its instant never land in two files', async () => {
  const dir = tmp('csv-instant');
  // a trade at the local time of every book row
  const [, ...rows] = readFileSync(BOOK_CSV, 'utf8').trim().split('\n');
  const trades = join(dir, 'trades.csv');
  const tradeRows = rows.map((l, i) => {
    const c = l.split(',');
    return `binance-futures,BTCUSDT,${c[TS]},${c[LOCAL]},${7000 + i},buy,94100.1,0.001`;
  });
  writeFileSync(trades, `${['exchange,symbol,timestamp,local_timestamp,id,side,price,amount', ...tradeRows].join('\n')}\n`);
  const out = join(dir, 'out');
  const s = await run([BOOK_CSV, trades], out, { maxRows: 10 });
  assert.ok(s.files.length > 5, `${s.files.length} files`);
  const { warnings } = await inspectRecording(out);
  assert.equal(warnings, [], 'no overlap between the files of one import');
});

test('inspect of a Tardis input (not yet imported) says how to import it, not that it is a damaged Parquet file', async () => {
  const err = await inspectRecording(BOOK_CSV).then(
    () => assert.unreachable('inspected a CSV') as never,
    (e: Error) => e.message,
  );
  assert.match(
    err,
    /binance-futures_incremental_book_L2_BTCUSDT\.csv is a CSV file, not a recording: inspect reads the Parquet files of record or import \(.* import tardis-csv \S+ --tick T --lot L --out data\/, then inspect data\/; docs\/import\.md\)$/,
  );
});

test.run();
