// A recording's grid is written twice in each file's metadata (tick_size for a trader, price_step at price_scale for
// the records): a footer where the two disagree is damaged or edited, and replaying it would price every order at
// another tick without a word.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gridOf } from '../../src/backtest/backtest';

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

test.run();
