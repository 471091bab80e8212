// A match's book update published before its trade (Bitget's order, and the local exchange's): the trade, stamped no
// later than the book message, is already in the level that message shows. A resting order's queue counts it once, as
// if the trade had come first — it used to count twice (the level's shrink, then the trade), and the order filled with
// lots still ahead of it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createBacktestCore, instrumentOf, type RecordingGrid } from '../../src/backtest/backtest';
import { ENTER_AND_HOLD, obiOfiRun } from '../helpers/obi-ofi';
import { Backtest } from '../../src/backtest/run';
import { constantLatency } from '../../src/backtest/latency';
import { powerProb, riskAverse, type QueueModel } from '../../src/backtest/queue';
import type { BacktestTrace } from '../../src/backtest/trace';
import { testCore } from '../helpers/core';
import { T0, bookMessage as book, recordColumns, tradeRecord as trade, type Rec } from '../helpers/record-columns';

const MS = 1_000_000n;
const GRID: RecordingGrid = { priceScale: 1, priceStep: 1n, sizeScale: 3, sizeStep: 1n, tickSize: 0.1, lotSize: 0.001 };

async function run(recs: Rec[], queue: QueueModel = riskAverse): Promise<BacktestTrace> {
  const core = await testCore();
  const bc = createBacktestCore(core, GRID, 64);
  bc.reset({});
  const bt = new Backtest(bc, {
    strategy: obiOfiRun([...ENTER_AND_HOLD, 'entry.mode=passive']),
    instrument: instrumentOf(GRID, 'BTCUSDT', { maker: 0.0002, taker: 0.0006 }),
    latency: constantLatency(1e6, 1e6),
    queue,
  });
  const { cols, rows } = recordColumns(recs, 30);
  bt.feed(cols, rows);
  return bt.finish();
}

// A post-only buy joins the bid at 1000 behind 10 lots (it reaches the venue at 31 ms).
const OPEN = book(
  0,
  [
    [1, 1000, 10],
    [2, 1001, 2],
  ],
  true,
);
/** Sellers take the 10 lots ahead of us, 6 then 4, each match's book update first and its trade after it. */
const MATCHES = (tradeMs: (bookMs: number) => number): Rec[] => [
  ...book(100, [[1, 1000, 4]]),
  trade(tradeMs(100), 2, 1000, 6),
  ...book(200, [
    [1, 1000, 0],
    [1, 999, 50],
  ]),
  trade(tradeMs(200), 2, 1000, 4),
  trade(300, 2, 1000, 1), // the next seller at our price: ours
  ...book(400, [[1, 999, 50]]),
];

for (const [name, queue] of [
  ['risk-averse', riskAverse],
  ['power:2', powerProb(2)],
] as const) {
  test(`${name}: a trade stamped no later than the book update before it does not fill us early`, async () => {
    for (const [stamps, at] of [
      ['the same stamp', (ms: number) => ms],
      ['stamped earlier', (ms: number) => ms - 1],
    ] as const) {
      const t = await run([...OPEN, ...MATCHES(at)], queue);
      assert.equal(
        t.fills.map((f) => [f.exchTs, f.qtyLot]),
        [[T0 + 300n * MS, 1]],
        `${stamps}: the 10 lots ahead trade first; not filled at 100 ms with 4 lots still ahead`,
      );
    }
  });
}

test('a trade stamped after the book update eats the queue that update left: filled at its stamp, as before', async () => {
  const t = await run([...OPEN, ...MATCHES((ms) => ms + 1)]);
  assert.equal(
    t.fills.map((f) => [f.exchTs, f.qtyLot]),
    [[T0 + 101n * MS, 1]],
    'the level shrank to 4 before the trade of 6: 2 of those lots reach us',
  );
});

test('a trade that happened before our order joined, published after it joined, fills nothing of it', async () => {
  // The match at 31 ms takes 6 of the 10 lots: its book update (31 ms) comes before our order reaches the venue (31
  // ms: it joins behind the 4 lots left), its trade only after another update. That trade was in the level we joined:
  // the next seller's 5 lots at 300 ms reach us, after the 4 ahead.
  const t = await run([
    ...OPEN,
    ...book(31, [[1, 1000, 4]]),
    ...book(35, [[2, 1001, 3]]),
    trade(31, 2, 1000, 6),
    trade(300, 2, 1000, 5),
    ...book(400, [[1, 999, 50]]),
  ]);
  assert.equal(
    t.fills.map((f) => [f.exchTs, f.qtyLot]),
    [[T0 + 300n * MS, 1]],
    'not filled at 35 ms by the trade of 6 against the 4 lots it joined behind',
  );
});

test.run();
