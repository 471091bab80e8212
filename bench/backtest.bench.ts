// `ringbook bench backtest`: end-to-end events/s from Parquet through the core, the strategy runtime and the simulated
// venue on a generated recording (10 M events; --quick 1 M), and the peak RSS of that process, measured again on a
// fifth of the data to show memory does not grow with length. Rows in the same run: the same data through the core
// only (the reference), then through the runtime with a no-op user strategy (a file, loaded like any user's: no
// handlers), one whose onBook is empty (the cost of handing a strategy every message), obi-ofi and signal-taker through
// the public API, the market maker mm-glft (six orders working all the time, re-priced as the touch moves); and the core's Parquet decoder only, the JS typed-column reader only, obi-ofi with hyparquet's
// general reader instead of ours, and the decoder and the obi-ofi backtest over the same recording written without
// page checksums (what checking them costs). The 2-instrument row's ratio to the 1-instrument one is the median of
// per-round pairs (the two run back to back, in alternating order), printed with its quartiles, as bench ring does.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRecording, writeSymbols } from './recording';
import { Results, runChild, spread, type Spread } from './stats';

interface ChildResult {
  events: number;
  seconds: number;
  fills: number;
  maxRssMB: number;
}

const child = (dir: string, mode: string) => runChild<ChildResult>('backtest.child', [dir, mode]);

/** The 2-instrument ratio: the median of per-round pairs (the two rows run back to back), with their spread. */
const TWO_RATIO = 'no-op, 2 instruments merged vs 1 instrument (goal ≥ 0.9)';

/** User strategy files, written where a user would keep them (outside the repository). */
const NOOP = `import { defineStrategy } from 'ringbook';

// Does nothing: what the runtime and the loop cost on their own.
export default defineStrategy({ name: 'noop', params: {}, create: () => ({}) });
`;
const NOOP_ONBOOK = `import { defineStrategy } from 'ringbook';

// Gets every book message and reads nothing: what handing a strategy each message costs.
export default defineStrategy({ name: 'noop-onbook', params: {}, create: () => ({ onBook() {} }) });
`;

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
    // the same number of events as two instruments of half as many each, on the same clock
    const twoDir = join(root, 'two');
    writeSymbols(twoDir, big, ['BTCUSDT', 'ETHUSDT']);
    const uncheckedDir = join(root, 'unchecked');
    writeRecording(uncheckedDir, big, 7, 1_000_000, { pageChecksums: false });
    const noop = join(root, 'noop.ts');
    const noopOnBook = join(root, 'noop-onbook.ts');
    writeFileSync(noop, NOOP);
    writeFileSync(noopOnBook, NOOP_ONBOOK);
    const fills: Record<string, number> = {};
    const rate = (c: ChildResult) => c.events / c.seconds / 1e6;
    const twoPairs: number[] = [];
    for (let r = 0; r < opts.rounds; r++) {
      results.add('core', 'Parquet → core (no strategy, no venue)', 'M ev/s', rate(child(bigDir, 'core')));
      // the 2-instrument row and its 1-instrument peer back to back, in alternating order: one ratio per round, so
      // a busy neighbour slows both sides of it alike
      const one = () => rate(child(bigDir, `strategy:${noop}`));
      const two = () => rate(child(twoDir, `symbols:${noop}`));
      let a: number;
      let b: number;
      if (r % 2 === 0) {
        a = one();
        b = two();
      } else {
        b = two();
        a = one();
      }
      twoPairs.push(b / a);
      results.add('noop', 'Parquet → core → runtime, no-op user strategy → venue', 'M ev/s', a);
      results.add('noop_two', '… the no-op strategy, 2 instruments of half as many events each, merged in local-time order', 'M ev/s', b);
      results.add('noop_onbook', '… a user strategy with an empty onBook', 'M ev/s', rate(child(bigDir, `strategy:${noopOnBook}`)));
      const full = child(bigDir, 'strategy:obi-ofi');
      fills['obi-ofi'] = full.fills;
      results.add('obi_ofi', '… obi-ofi through the public API', 'M ev/s', rate(full));
      const taker = child(bigDir, 'strategy:signal-taker');
      fills['signal-taker'] = taker.fills;
      results.add('signal_taker', '… signal-taker', 'M ev/s', rate(taker));
      const mm = child(bigDir, 'strategy:mm-glft');
      fills['mm-glft'] = mm.fills;
      results.add('mm_glft', '… mm-glft, 3 quotes a side working all the time', 'M ev/s', rate(mm));
      results.add('records', "Parquet → records in core memory (the core's decoder only)", 'M ev/s', rate(child(bigDir, 'records')));
      results.add('read', 'Parquet → typed columns (the JS reader only)', 'M ev/s', rate(child(bigDir, 'read')));
      results.add(
        'records_unchecked',
        "the core's decoder only, the same recording without page checksums",
        'M ev/s',
        rate(child(uncheckedDir, 'records')),
      );
      results.add(
        'obi_ofi_unchecked',
        'obi-ofi backtest, the same recording without page checksums',
        'M ev/s',
        rate(child(uncheckedDir, 'strategy:obi-ofi')),
      );
      if (r < 2) results.add('generic', 'obi-ofi backtest, hyparquet general reader', 'M ev/s', rate(child(bigDir, 'generic')));
      const small = child(smallDir, 'strategy:obi-ofi');
      results.add('rss_big', `peak RSS, obi-ofi, ${big / 1e6} M events`, 'MB', full.maxRssMB);
      results.add('rss_small', `peak RSS, obi-ofi, ${big / 5e6} M events`, 'MB', small.maxRssMB);
    }
    const core = results.median('core');
    const pairs: Record<string, Spread> = { [TWO_RATIO]: spread(twoPairs) };
    const ratios = {
      'no-op strategy vs core only (goal ≥ 0.85)': results.median('noop') / core,
      'empty onBook vs core only': results.median('noop_onbook') / core,
      [TWO_RATIO]: pairs[TWO_RATIO].median,
      'obi-ofi vs core only (goal ≥ 0.6)': results.median('obi_ofi') / core,
      'signal-taker vs core only': results.median('signal_taker') / core,
      'mm-glft vs core only (goal ≥ 0.5)': results.median('mm_glft') / core,
      'obi-ofi vs goal 5 M ev/s': results.median('obi_ofi') / 5,
      'obi-ofi vs hyparquet general reader': results.median('obi_ofi') / results.median('generic'),
      'core decoder vs JS typed-column reader': results.median('records') / results.median('read'),
      'core decoder, checked vs unchecked pages': results.median('records') / results.median('records_unchecked'),
      'obi-ofi backtest, checked vs unchecked pages': results.median('obi_ofi') / results.median('obi_ofi_unchecked'),
      'RSS 5× data / RSS 1× data': results.median('rss_big') / results.median('rss_small'),
    };
    return { results, ratios, pairs, events: g.rows, files: g.files, fills };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
