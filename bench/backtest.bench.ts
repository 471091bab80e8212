// `ringbook bench backtest`: end-to-end events/s from Parquet through the core, the strategy machine and the
// simulated venue on a generated recording (10 M events; --quick 1 M), and the peak RSS of that process, measured
// again on a fifth of the data to show memory does not grow with length. Peers in the same run: the same data
// through the core only, the core's Parquet decoder only, the JS typed-column reader only, the full backtest
// with hyparquet's general reader instead of ours, and the decoder and the full backtest over the same recording
// written without page checksums (what checking them costs).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRecording } from './recording';
import { Results, runChild } from './stats';

interface ChildResult {
  events: number;
  seconds: number;
  fills: number;
  maxRssMB: number;
}

const child = (dir: string, mode: string) => runChild<ChildResult>('backtest.child', [dir, mode]);

export async function benchBacktest(opts: { rounds: number; quick: boolean; log(s: string): void }) {
  const results = new Results();
  const big = opts.quick ? 1_000_000 : 10_000_000;
  const root = mkdtempSync(join(tmpdir(), 'ringbook-bench-backtest-'));
  try {
    opts.log(`  generating ${big / 1e6} M events …`);
    const bigDir = join(root, 'big');
    const smallDir = join(root, 'small');
    const g = writeRecording(bigDir, big);
    writeRecording(smallDir, big / 5);
    const uncheckedDir = join(root, 'unchecked');
    writeRecording(uncheckedDir, big, 7, 1_000_000, { pageChecksums: false });
    let fills = 0;
    const rss: Record<string, number[]> = { big: [], small: [] };
    for (let r = 0; r < opts.rounds; r++) {
      const full = child(bigDir, 'full');
      fills = full.fills;
      rss.big.push(full.maxRssMB);
      results.add('full', 'Parquet → core → strategy → simulated venue', 'M ev/s', full.events / full.seconds / 1e6);
      results.add(
        'core',
        'Parquet → core (no strategy, no venue)',
        'M ev/s',
        (() => {
          const c = child(bigDir, 'core');
          return c.events / c.seconds / 1e6;
        })(),
      );
      results.add(
        'records',
        "Parquet → records in core memory (the core's decoder only)",
        'M ev/s',
        (() => {
          const c = child(bigDir, 'records');
          return c.events / c.seconds / 1e6;
        })(),
      );
      results.add(
        'read',
        'Parquet → typed columns (the JS reader only)',
        'M ev/s',
        (() => {
          const c = child(bigDir, 'read');
          return c.events / c.seconds / 1e6;
        })(),
      );
      results.add(
        'records_unchecked',
        "the core's decoder only, the same recording without page checksums",
        'M ev/s',
        (() => {
          const c = child(uncheckedDir, 'records');
          return c.events / c.seconds / 1e6;
        })(),
      );
      results.add(
        'full_unchecked',
        'full backtest, the same recording without page checksums',
        'M ev/s',
        (() => {
          const c = child(uncheckedDir, 'full');
          return c.events / c.seconds / 1e6;
        })(),
      );
      if (r < 2)
        results.add(
          'generic',
          'full backtest, hyparquet general reader',
          'M ev/s',
          (() => {
            const c = child(bigDir, 'generic');
            return c.events / c.seconds / 1e6;
          })(),
        );
      const small = child(smallDir, 'full');
      rss.small.push(small.maxRssMB);
      results.add('rss_big', `peak RSS, ${big / 1e6} M events`, 'MB', full.maxRssMB);
      results.add('rss_small', `peak RSS, ${big / 5e6} M events`, 'MB', small.maxRssMB);
    }
    const ratios = {
      'full vs goal 5 M ev/s': results.median('full') / 5,
      'full vs hyparquet general reader': results.median('full') / results.median('generic'),
      'full vs core only (strategy+venue cost)': results.median('full') / results.median('core'),
      'core decoder vs JS typed-column reader': results.median('records') / results.median('read'),
      'core decoder, checked vs unchecked pages': results.median('records') / results.median('records_unchecked'),
      'full backtest, checked vs unchecked pages': results.median('full') / results.median('full_unchecked'),
      'RSS 5× data / RSS 1× data': results.median('rss_big') / results.median('rss_small'),
    };
    return { results, ratios, events: g.rows, files: g.files, fills };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
