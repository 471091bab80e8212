// Live trading hands a strategy that declares `depth` the book's levels beside each message's record (copyLevels),
// laid out exactly as the backtest's core writes them (bookTop): the same views read the same levels either way, a
// side with fewer levels than the depth says so, and numbers past 2^31 survive. A strategy reading levels runs in the
// single-thread layout, the one that can hand them over as the message left the book.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createBacktestCore, type RecordingGrid } from '../../src/backtest/backtest';
import { Cursor, BookView, Slots, copyLevels, RECORD_BYTES, LEVEL_COUNTS } from '../../src/strategy/views';
import { choosePlacement } from '../../src/feed/placement';
import { testCore } from '../helpers/core';

const GRID: RecordingGrid = { priceScale: 1, priceStep: 1n, sizeScale: 3, sizeStep: 1n, tickSize: 0.1, lotSize: 0.001 };
const DEPTH = 3;

test('copyLevels writes the levels where the backtest does: the views read the same book', async () => {
  const core = await testCore();
  const bc = createBacktestCore(core, GRID, 64);
  bc.reset({});
  const book = bc.inst.book;
  for (const [p, q] of [
    [300_009, 5],
    [300_008, 3_000_000_000],
    [300_005, 7],
    [300_001, 1],
  ])
    book.set(1, p, q);
  for (const [p, q] of [
    [300_010, 2],
    [300_013, 4],
  ])
    book.set(2, p, q);
  const x = core.x;
  // the backtest's way: the core writes the levels beside the record in a slot of core memory
  const base = bc.records;
  const lv = base + RECORD_BYTES;
  const d = DEPTH * 8;
  core.words[(base + LEVEL_COUNTS) >> 2] = x.bookTop(book.ptr, 1, DEPTH, lv, lv + d);
  core.words[(base + LEVEL_COUNTS + 4) >> 2] = x.bookTop(book.ptr, 2, DEPTH, lv + 2 * d, lv + 3 * d);
  const inCore = new Slots(0, DEPTH, { i32: core.words, f64: core.f64, u8: core.bytes });
  // live's way: copied from the book into a slot of its own
  const own = new Slots(1, DEPTH);
  copyLevels(x, book.ptr, own, 0);
  const read = (slots: Slots, at: number) => {
    const c = new Cursor(slots);
    c.base = at;
    const v = new BookView(c, DEPTH);
    const out: number[] = [];
    for (const side of ['bid', 'ask'] as const) for (let r = 1; r < DEPTH + 1; r++) out.push(v.priceTick(side, r), v.sizeLot(side, r));
    return out;
  };
  const backtest = read(inCore, base);
  assert.equal(read(own, 0), backtest);
  assert.equal(backtest, [300_008, 3_000_000_000, 300_005, 7, NaN, 0, 300_013, 4, NaN, 0, NaN, 0]);
  assert.is(own.i32[LEVEL_COUNTS >> 2], 3);
  assert.is(own.i32[(LEVEL_COUNTS + 4) >> 2], 2);
});

test('a strategy that reads levels runs single-threaded: auto says why, --threads multi is refused', () => {
  const auto = choosePlacement('auto', 16, false, 3);
  assert.is(auto.layout, 'single');
  assert.match(auto.reason, /the strategy reads 3 book levels a side/);
  assert.throws(
    () => choosePlacement('multi', 16, false, 1),
    /--threads multi: the strategy reads 1 book level a side, .*use --threads single or auto/,
  );
  assert.is(choosePlacement('single', 16, false, 3).layout, 'single');
  assert.is(choosePlacement('auto', 16, false, 0).layout, 'multi');
});

test.run();
