// A recording's grid is written twice in each file's metadata (tick_size for a trader, price_step at price_scale for
// the records): a footer where the two disagree is damaged or edited, and replaying it would price every order at
// another tick without a word.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gridOf } from '../../src/backtest/backtest';
import type { FileMeta } from '../../src/capture/schema';
import { writeFiles } from '../helpers/recording-files';
import { runCli, writeJson } from '../helpers/cli-run';

const meta = { tick_size: '0.1', lot_size: '0.001', price_scale: '1', price_step: '1', size_scale: '3', size_step: '1' };

test('the grid from metadata that agrees with itself, trailing zeros and coarser steps included', () => {
  assert.equal(gridOf(meta, 'f.parquet'), { priceScale: 1, priceStep: 1n, sizeScale: 3, sizeStep: 1n, tickSize: 0.1, lotSize: 0.001 });
  assert.is(gridOf({ ...meta, tick_size: '0.50', price_step: '5' }, 'f.parquet').priceStep, 5n);
  assert.is(gridOf({ ...meta, lot_size: '1', size_scale: '0', size_step: '1' }, 'f.parquet').lotSize, 1);
});

test('metadata that contradicts itself stops the run, naming the file and the fields', () => {
  assert.throws(
    () => gridOf({ ...meta, tick_size: '0.5' }, 'day/1-0.parquet'),
    /^day\/1-0\.parquet: the metadata contradicts itself: tick_size 0\.5, but price_step 1 at price_scale 1 is a step of 0\.1 — the file is damaged or was edited$/,
  );
  assert.throws(
    () => gridOf({ ...meta, lot_size: '0.01' }, 'f.parquet'),
    /lot_size 0\.01, but size_step 1 at size_scale 3 is a step of 0\.001/,
  );
  assert.throws(() => gridOf({ ...meta, tick_size: 'x' }, 'f.parquet'), /tick_size x, but/);
});

/** One recording in three files; `metaOf(i)` is metadata over the recorder's for file i. */
function threeFiles(metaOf: (i: number) => Partial<FileMeta>): { root: string; paths: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'ringbook-grid-'));
  return { root, paths: writeFiles(root, 3, 10_000, 5, metaOf).paths };
}

test("any file's contradicting footer stops the run, not only the first one's; --skip-damaged leaves it out", () => {
  const { root, paths } = threeFiles((i) => (i === 1 ? { tick_size: '0.5' } : {}));
  const r = runCli('backtest', root, '--json');
  assert.is(r.code, 1, r.out);
  assert.match(r.err, `${paths[1]}: the metadata contradicts itself: tick_size 0.5, but price_step 1 at price_scale 1 is a step of 0.1`);
  assert.match(r.err, '--skip-damaged');
  const skipped = runCli('backtest', root, '--json', '--skip-damaged');
  assert.is(skipped.code, 0, skipped.err);
  assert.match(skipped.out, paths[1]);
});

test('files of one symbol on two grids are refused by name: one replay runs on one grid', () => {
  // each footer agrees with itself, but the middle file says its records are on a 0.5 tick
  const { root, paths } = threeFiles((i) => (i === 1 ? { tick_size: '0.5', price_step: '5' } : {}));
  for (const cmd of ['backtest', 'optimize']) {
    const r = runCli(cmd, root, ...(cmd === 'optimize' ? ['--space', writeJson(root, 'space', { 'entry.threshold': [0.3, 0.5] })] : []));
    assert.is(r.code, 1, `${cmd}: ${r.err}`);
    assert.match(r.err, `${paths[1]}: BTCUSDT is on tick 0.5 and lot 0.001 here, but on tick 0.1 and lot 0.001 in ${paths[0]}`, cmd);
  }
});

test.run();
