// `ringbook bench import`: Tardis.dev inputs → finished Parquet files, each run in a process of its own (peak RSS
// its own). tardis-machine lines (Bitget books frames, a trade frame after every third; plain and gzip) and a CSV
// pair (incremental_book_L2 + trades), generated here. Peers in the same run read the same bytes the plain way:
// lines split and JSON.parse'd (the NDJSON), lines split at commas with Number() on the numbers (the CSV). Rows
// are the records written (NDJSON) or the rows read (CSV). Peak RSS is also measured on a quarter of the data: an
// import streams (files of 250 000 rows here, so both sizes write several), so it should not grow with the input.
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCsv, writeNdjson } from './tardis-input';
import { Results, runChild } from './stats';
import { plural } from '../src/format/numbers';

interface ChildResult {
  rows: number;
  bytes: number;
  seconds: number;
  maxRssMB: number;
}

export async function benchImport(opts: { rounds: number; quick: boolean; log(s: string): void }) {
  const results = new Results();
  const frames = opts.quick ? 20_000 : 200_000;
  const csvRows = opts.quick ? 200_000 : 2_000_000;
  const root = mkdtempSync(join(tmpdir(), 'ringbook-bench-import-'));
  const rss: Record<string, number[]> = { big: [], small: [] };
  try {
    opts.log(`  generating ${frames} frames of tardis-machine lines and ${csvRows / 1e6} M CSV rows …`);
    const big = join(root, 'big');
    const small = join(root, 'small');
    for (const [d, k] of [
      [big, 1],
      [small, 4],
    ] as const) {
      mkdirSync(d);
      await writeNdjson(join(d, 'frames.ndjson'), frames / k);
      await writeNdjson(join(d, 'frames.ndjson.gz'), frames / k);
      await writeCsv(join(d, 'book.csv'), join(d, 'trades.csv'), csvRows / k);
    }
    const run = (mode: string, dir = big): ChildResult => {
      const out = mkdtempSync(join(root, 'out-'));
      try {
        return runChild<ChildResult>('import.child', [mode, dir, out]);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    };
    let ndRows = 0;
    let ndBytes = 0;
    for (let r = 0; r < opts.rounds; r++) {
      const t = run('tardis');
      ndRows = t.rows;
      ndBytes = t.bytes;
      rss.big.push(t.maxRssMB);
      results.add('tardis_rows', 'import tardis: NDJSON → Parquet', 'M rows/s', t.rows / t.seconds / 1e6);
      results.add('tardis_mb', 'import tardis: NDJSON → Parquet', 'MB/s', t.bytes / t.seconds / 1e6);
      const g = run('tardis-gz');
      results.add('tardis_gz_rows', 'import tardis: NDJSON.gz → Parquet', 'M rows/s', g.rows / g.seconds / 1e6);
      const j = run('json');
      results.add('json_mb', 'peer: split lines + JSON.parse each', 'MB/s', j.bytes / j.seconds / 1e6);
      const c = run('csv');
      results.add('csv_rows', 'import tardis-csv: book + trades CSV → Parquet', 'M rows/s', c.rows / c.seconds / 1e6);
      const s = run('split');
      results.add('split_rows', 'peer: split lines + split(",") + Number()', 'M rows/s', s.rows / s.seconds / 1e6);
      const small4 = run('tardis', small);
      rss.small.push(small4.maxRssMB);
    }
    // one figure each, the highest of the rounds (what a host must have), so the table's n=1 is not the round count
    results.add(
      'rss_big',
      `peak RSS, import tardis of ${frames} frames (highest of ${plural(opts.rounds, 'round')})`,
      'MB',
      Math.max(...rss.big),
    );
    results.add(
      'rss_small',
      `peak RSS, import tardis of ${frames / 4} frames (highest of ${plural(opts.rounds, 'round')})`,
      'MB',
      Math.max(...rss.small),
    );
    const ratios = {
      tardis_over_json_parse_mb: results.median('tardis_mb') / results.median('json_mb'),
      csv_over_split_rows: results.median('csv_rows') / results.median('split_rows'),
    };
    return { results, ratios, rows: ndRows, bytes: ndBytes, csvRows };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
