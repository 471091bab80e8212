// The backtest queues each market message until its local time comes; a feed problem's health event (a disconnect, a
// gap) is queued beside them. The queue grows into new arrays when it is full: a health event queued at exactly that
// moment once went into the old arrays and the run crashed on a queue slot with no event ("Cannot read properties of
// undefined"), as a recording with a hole and a large feed latency did.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createBacktestCore, instrumentOf, type RecordingGrid } from '../../src/backtest/backtest';
import { ENTER_AND_HOLD, obiOfiRun } from '../helpers/obi-ofi';
import { Backtest } from '../../src/backtest/run';
import { constantLatency } from '../../src/backtest/latency';
import { riskAverse } from '../../src/backtest/queue';
import { testCore } from '../helpers/core';
import { Kind, Status } from '../../src/core/index';
import { bookMessage as book, recordColumns, type Rec } from '../helpers/record-columns';

const GRID: RecordingGrid = { priceScale: 1, priceStep: 1n, sizeScale: 3, sizeStep: 1n, tickSize: 0.1, lotSize: 0.001 };
/** Every record reaches us 10 s after its exchange stamp: messages 1 ms apart all wait in the queue. */
const FEED_MS = 10_000;

test('a health event queued just as the queue grows is kept, whatever the number of messages before it', async () => {
  const core = await testCore();
  const bc = createBacktestCore(core, GRID, 64);
  // the initial queue holds 256 entries: the disconnect lands on each side of a growth for one of these counts
  for (let before = 240; before <= 270; before++) {
    bc.reset({});
    const bt = new Backtest(bc, {
      strategy: obiOfiRun([...ENTER_AND_HOLD]),
      instrument: instrumentOf(GRID, 'BTCUSDT', { maker: 0.0002, taker: 0.0006 }),
      latency: constantLatency(1e6, 1e6),
      queue: riskAverse,
    });
    const recs: Rec[] = book(
      0,
      [
        [1, 1000, 100],
        [2, 1001, 100],
      ],
      true,
    );
    for (let i = 1; i <= before; i++) recs.push(...book(i, [[1, 1000, 100 + (i % 7)]]));
    recs.push({ kind: Kind.status, seq: Status.disconnect, atMs: before + 1 });
    recs.push(
      ...book(
        before + 2,
        [
          [1, 1000, 100],
          [2, 1001, 100],
        ],
        true,
      ),
    );
    const { cols, rows } = recordColumns(recs, FEED_MS);
    bt.feed(cols, rows);
    const trace = bt.finish();
    assert.is(trace.events, rows, `${before} messages before the disconnect`);
  }
});

test.run();
