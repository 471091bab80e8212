// A Tardis CSV pair dropped on the replay page is checked as `ringbook import tardis-csv` checks it: a book and a
// trades file of two days, two venues or two symbols is refused with the CLI's sentence (one function, pairMismatch,
// says it for both), before anything is converted. The page's converter (src/import/page.ts, what its worker runs) is driven here in Node with
// the files as the page hands them over (File objects, the book gzip-compressed as downloaded); the same refusal in
// chromium is in tardis-drop.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { compileCore } from '../../src/core/index';
import { convertDropped } from '../../src/import/page';
import { importTardisCsv } from '../../src/import/import';
import { gridFromTickLot } from '../../src/import/grid';
import { pairMismatch, type CsvHead } from '../../src/import/tardis-csv';
import { BOOK_CSV, TRADES_CSV, WASM, tmp } from '../import/helpers';

const DAY_US = 86_400_000_000n;
const BOOK = readFileSync(BOOK_CSV, 'utf8');
const TRADES = readFileSync(TRADES_CSV, 'utf8');

/** The trades file `byUs` later: timestamp and local_timestamp moved, as another day's file would have them. */
function shifted(csv: string, byUs: bigint): string {
  const [header, ...rows] = csv.trimEnd().split('\n');
  const cols = header.split(',');
  const at = [cols.indexOf('timestamp'), cols.indexOf('local_timestamp')];
  return `${[
    header,
    ...rows.map((r) =>
      r
        .split(',')
        .map((f, i) => (at.includes(i) ? String(BigInt(f) + byUs) : f))
        .join(','),
    ),
  ].join('\n')}\n`;
}

const SENTENCE =
  "a book and trades pair of two days: book.csv.gz begins 2026-05-01, trades.csv begins 2026-05-02 (their first rows' local_timestamp): give the two files of one day";

const headAt = (firstLocalUs: bigint | null): CsvHead => ({ kind: 'trades', columns: [], exchange: '', symbol: '', firstLocalUs });

test('pairMismatch: first rows on two UTC days more than an hour apart, named in the order given', () => {
  const may1 = 1777593600000000n; // 2026-05-01T00:00:00Z
  const pair = (a: bigint | null, b: bigint | null) =>
    pairMismatch([
      { name: 'book.csv.gz', head: headAt(a) },
      { name: 'trades.csv', head: headAt(b) },
    ])?.text ?? null;
  assert.is(pair(may1, may1 + DAY_US), SENTENCE);
  assert.is(pair(may1, may1 + 3_600_000_000n), null, 'one day');
  assert.is(pair(may1 - 600_000_000n, may1 + 600_000_000n), null, 'across midnight within the hour');
  assert.is(pair(may1 - 1_800_000_000n, may1 + 1_800_000_000n), null, 'half an hour either side of midnight: within the leeway');
  assert.ok(pair(may1 - 1_800_000_000n, may1 + 1_800_000_001n), 'more than an hour apart across midnight');
  assert.is(pair(may1, null), null, 'a file without rows');
  assert.is(pairMismatch([{ name: 'book.csv', head: headAt(may1) }]), null, 'one file');
});

/** The trades file with a column's value replaced in every row (another venue's or symbol's export). */
function withColumn(csv: string, column: string, value: string): string {
  const [header, ...rows] = csv.trimEnd().split('\n');
  const at = header.split(',').indexOf(column);
  return `${[
    header,
    ...rows.map((r) =>
      r
        .split(',')
        .map((f, i) => (i === at ? value : f))
        .join(','),
    ),
  ].join('\n')}\n`;
}

const ROW = (name: string, what: string) => `${name} is ${what} BTCUSDT (its first row)`;
const CASES: Array<{ of: string; trades: string; sentence: string; page: string; cli: string }> = [
  {
    of: 'two days',
    trades: shifted(TRADES, DAY_US),
    sentence: SENTENCE,
    page: " (several days: drop one day's pair at a time)",
    cli: ' (several days: one run a day, into the same --out)',
  },
  {
    of: 'two venues',
    trades: withColumn(TRADES, 'exchange', 'bybit'),
    sentence: `a book and trades pair of two venues: ${ROW('book.csv.gz', 'binance-futures')}, ${ROW('trades.csv', 'bybit')}: give the two files of one venue`,
    page: '',
    cli: '',
  },
  {
    of: 'two symbols',
    trades: withColumn(TRADES, 'symbol', 'ETHUSDT'),
    sentence: `a book and trades pair of two symbols: ${ROW('book.csv.gz', 'binance-futures')}, trades.csv is binance-futures ETHUSDT (its first row): give the two files of one symbol`,
    page: '',
    cli: ' (or --symbol, for files that hold several)',
  },
];

test('the page refuses a pair of two days, venues or symbols with the CLI import sentence', async () => {
  const module = await compileCore(WASM);
  const book = new File([gzipSync(BOOK)], 'book.csv.gz');
  // the harness converts a pair of one day: the refusals below are the check, not the way the files are handed over
  const sameDay = await convertDropped(module, [book, new File([TRADES], 'trades.csv')]);
  assert.is(sameDay.rows, 92);
  const cwd = process.cwd();
  const wasm = join(cwd, WASM);
  for (const c of CASES) {
    const page = await convertDropped(module, [book, new File([c.trades], 'trades.csv')]).then(
      () => assert.unreachable(`a pair of ${c.of} must be refused`),
      (e: Error) => e.message,
    );
    assert.is(page, `${c.sentence}${c.page}`, c.of);

    // the CLI import of the same files (named alike: the sentence names what it is given)
    const dir = tmp('pair');
    writeFileSync(join(dir, 'book.csv.gz'), gzipSync(BOOK));
    writeFileSync(join(dir, 'trades.csv'), c.trades);
    process.chdir(dir);
    const cli = await importTardisCsv({
      inputs: ['book.csv.gz', 'trades.csv'],
      out: join(dir, 'out'),
      tick: '0.1',
      lot: '0.001',
      gridFor: (instType, symbol) => gridFromTickLot(instType, symbol, '0.1', '0.001'),
      rollNs: 3_600_000_000_000n,
      maxRows: 1_000_000,
      wasm,
    })
      .then(
        () => assert.unreachable(`a pair of ${c.of} must be refused`),
        (e: Error) => e.message,
      )
      .finally(() => process.chdir(cwd));
    assert.is(cli, `${c.sentence}${c.cli}`, c.of);
  }
});

test.run();
