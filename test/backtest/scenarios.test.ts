// Hand-built market tapes with known answers: a taker pays the taker fee at the price the venue had when the order
// arrived (entry latency), answers arrive after the response latency, a resting order fills only once the queue
// ahead of it has traded through, and the probability queue model moves up on cancels the risk-averse one ignores.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createBacktestCore, instrumentOf, type RecordingGrid } from '../../src/backtest/backtest';
import { ENTER_AND_HOLD, obiOfiRun } from '../helpers/obi-ofi';
import { Backtest } from '../../src/backtest/run';
import { constantLatency, feedLatency, interpolatedLatency, type LatencyModel } from '../../src/backtest/latency';
import { riskAverse, powerProb, parseQueue, type QueueModel } from '../../src/backtest/queue';
import type { BacktestTrace } from '../../src/backtest/trace';
import { testCore } from '../helpers/core';
import { Kind, Status } from '../../src/core/index';
import { T0, bookMessage as book, recordColumns, tradeRecord as trade, type Rec } from '../helpers/record-columns';

const MS = 1_000_000n;
const FEED = 30n * MS; // every record reaches us 30 ms after its exchange stamp
const GRID: RecordingGrid = { priceScale: 1, priceStep: 1n, sizeScale: 3, sizeStep: 1n, tickSize: 0.1, lotSize: 0.001 };

async function run(
  recs: Rec[],
  o: {
    sets?: string[];
    entryMs?: number;
    responseMs?: number;
    latency?: LatencyModel;
    queue?: QueueModel;
    partial?: boolean;
    fundingRate?: number;
  },
): Promise<BacktestTrace> {
  const core = await testCore();
  const bc = createBacktestCore(core, GRID, 64);
  bc.reset({});
  const bt = new Backtest(bc, {
    strategy: obiOfiRun([...ENTER_AND_HOLD, ...(o.sets ?? [])]),
    instrument: instrumentOf(GRID, 'BTCUSDT', { maker: 0.0002, taker: 0.0006 }),
    latency: o.latency ?? constantLatency((o.entryMs ?? 1) * 1e6, (o.responseMs ?? 1) * 1e6),
    queue: o.queue ?? riskAverse,
    partialFills: o.partial,
    fundingRate: o.fundingRate,
  });
  const { cols, rows } = recordColumns(recs, Number(FEED / MS));
  bt.feed(cols, rows);
  return bt.finish();
}

// The opening book: a heavy bid makes obiN = (100 − 5) / 105 ≈ 0.9, so the strategy buys at the first signal (local 30 ms).
const OPEN = book(
  0,
  [
    [1, 1000, 100],
    [2, 1001, 5],
  ],
  true,
);
// At exchange time 35 ms (5 ms after the strategy saw the opening book) the ask at 1001 is gone: best ask 1003.
const ASK_MOVES = book(35, [
  [2, 1001, 0],
  [2, 1003, 5],
]);
const LATER = book(200, [[1, 1000, 100]]);

test('a taker entry fills at the venue book of its arrival time and pays the taker fee', async () => {
  const fast = await run([...OPEN, ...ASK_MOVES, ...LATER], { sets: ['entry.slipTicks=5'], entryMs: 1 });
  assert.is(fast.fills.length, 1);
  const f = fast.fills[0];
  assert.is(f.priceTick, 1001, 'arrived at 31 ms, before the ask moved at 35 ms');
  assert.is(f.maker, false);
  assert.is(f.side, 'buy');
  assert.ok(Math.abs(f.feeQuote - 1001 * 0.1 * 0.001 * 0.0006) < 1e-15, `taker fee ${f.feeQuote}`);

  const slow = await run([...OPEN, ...ASK_MOVES, ...LATER], { sets: ['entry.slipTicks=5'], entryMs: 10 });
  assert.is(slow.fills.length, 1);
  assert.is(slow.fills[0].priceTick, 1003, 'arrived at 40 ms: the ask had moved past the decision price');

  const tooSlow = await run([...OPEN, ...ASK_MOVES, ...LATER], { sets: ['entry.slipTicks=1'], entryMs: 10 });
  assert.is(tooSlow.fills.length, 0, 'the IOC limit 1002 no longer reaches the ask at 1003: cancelled unfilled');
  assert.is(tooSlow.counts.orders, 1);
});

test('answers reach the strategy a response latency after the venue acted', async () => {
  const t = await run([...OPEN, ...LATER], { entryMs: 10, responseMs: 20 });
  assert.is(t.fills.length, 1);
  assert.is(t.fills[0].exchTs, T0 + FEED + 10n * MS, 'at the venue: decision (30 ms) + entry latency');
  assert.is(t.fills[0].localTs, T0 + FEED + 30n * MS, 'at the strategy: + response latency');
});

// Passive entry: a post-only buy joins the bid at 1000 behind 10 lots.
const PASSIVE_OPEN = book(
  0,
  [
    [1, 1000, 10],
    [2, 1001, 2],
  ],
  true,
);

test('risk-averse queue: a resting order fills only after the queue ahead of it has traded', async () => {
  const tape = [
    ...PASSIVE_OPEN,
    trade(100, 2, 1000, 6),
    ...book(100, [[1, 1000, 4]]),
    trade(200, 2, 1000, 4),
    ...book(200, [
      [1, 1000, 0],
      [1, 999, 50],
    ]),
  ];
  const ahead = await run(tape, { sets: ['entry.mode=passive'] });
  assert.is(ahead.counts.orders, 1);
  assert.is(ahead.fills.length, 0, 'the 10 lots ahead traded, nothing reached us yet');

  const reached = await run([...tape, trade(300, 2, 1000, 1), ...book(400, [[1, 999, 50]])], { sets: ['entry.mode=passive'] });
  assert.is(reached.fills.length, 1, 'the next trade at our price is ours');
  assert.is(reached.fills[0].maker, true);
  assert.is(reached.fills[0].priceTick, 1000);
  assert.is(reached.fills[0].exchTs, T0 + 300n * MS);
  assert.ok(Math.abs(reached.fills[0].feeQuote - 1000 * 0.1 * 0.001 * 0.0002) < 1e-15, 'maker fee');

  const through = await run([...PASSIVE_OPEN, trade(100, 2, 999, 1), ...book(200, [[1, 1000, 10]])], { sets: ['entry.mode=passive'] });
  assert.is(through.fills.length, 1, 'a sell below our bid traded through us');
});

test('partial fills: the tape left after the queue fills part of a larger order', async () => {
  const tape = [
    ...PASSIVE_OPEN,
    trade(100, 2, 1000, 12),
    ...book(100, [
      [1, 1000, 0],
      [1, 999, 50],
    ]),
    ...book(300, [[1, 999, 50]]),
  ];
  const partial = await run(tape, { sets: ['entry.mode=passive', 'entry.qtyLot=5'] });
  assert.equal(
    partial.fills.map((f) => f.qtyLot),
    [2],
    '12 traded, 10 were ahead: 2 of our 5 lots',
  );
  const whole = await run(tape, { sets: ['entry.mode=passive', 'entry.qtyLot=5'], partial: false });
  assert.equal(
    whole.fills.map((f) => f.qtyLot),
    [5],
  );
});

test('power-probability queue: cancels behind and ahead of us are split; risk-averse puts them all behind', async () => {
  const tape = [
    ...PASSIVE_OPEN,
    ...book(100, [[1, 1000, 20]]), // 10 more lots join behind us
    ...book(200, [[1, 1000, 14]]), // 6 lots cancelled: half of them ahead of us under power:2 (front 10, back 10)
    trade(300, 2, 1000, 8),
    ...book(300, [[1, 1000, 6]]),
    ...book(500, [[1, 1000, 6]]),
  ];
  const averse = await run(tape, { sets: ['entry.mode=passive'], queue: riskAverse });
  assert.is(averse.fills.length, 0, 'front 10 − 8 traded = 2 still ahead');
  const power = await run(tape, { sets: ['entry.mode=passive'], queue: powerProb(2) });
  assert.is(power.fills.length, 1, 'front 10 − 3 cancelled ahead − 8 traded < 0: filled');
});

test('funding: a position held across a settlement (T0 is 08:00 UTC) pays position value × rate', async () => {
  const t = await run(
    [
      ...book(
        -100,
        [
          [1, 1000, 100],
          [2, 1001, 5],
        ],
        true,
      ),
      ...book(200, [[1, 1000, 100]]),
    ],
    { fundingRate: 0.0001 },
  );
  assert.is(t.fills.length, 1, 'long 1 lot from 69 ms before the settlement');
  assert.ok(Math.abs(t.fundingQuote - -1 * 1000.5 * 0.1 * 0.001 * 0.0001) < 1e-15, `funding ${t.fundingQuote}`);
  const none = await run(
    [
      ...book(
        10,
        [
          [1, 1000, 100],
          [2, 1001, 5],
        ],
        true,
      ),
      ...book(200, [[1, 1000, 100]]),
    ],
    { fundingRate: 0.0001 },
  );
  assert.is(none.fundingQuote, 0, 'opened after the settlement: nothing to pay');
});

test('queue models: known values', () => {
  assert.is(riskAverse.depthChange(10, 20, 14, 0), 10);
  assert.is(riskAverse.depthChange(10, 20, 5, 0), 5);
  assert.is(powerProb(2).depthChange(10, 20, 14, 0), 7);
  assert.is(powerProb(2).depthChange(10, 10, 5, 0), 5, 'nothing behind us: every cancel is ahead');
  assert.is(powerProb(2).depthChange(0, 10, 5, 0), 0, 'at the head: nothing ahead to cancel');
  assert.is(powerProb(2).depthChange(10, 20, 25, 0), 10, 'an increase joins behind us');
  assert.is(powerProb(2).depthChange(10, 20, 14, 6), 10, 'a decrease the trades explain moves nothing more');
  assert.is(parseQueue('power3:2').name, 'power3:2');
  assert.throws(() => parseQueue('fifo'), /risk-averse, power:N/);
});

test('a status record without an exchange stamp leaves the feed-derived latency alone', async () => {
  // the recorder's clock-offset status has exch_ts 0: its "feed latency" would be its whole local stamp, and the
  // entry would reach the venue decades later (never, in the run)
  const clock: Rec = { kind: Kind.status, seq: Status.clockOffset, atMs: 0, noExch: true };
  const t = await run([...OPEN, clock, ...LATER, ...book(1000, [[1, 1000, 100]])], { latency: feedLatency(4, 0, 3, 0) });
  assert.is(t.fills.length, 1, 'the entry reached the venue');
  assert.is(t.fills[0].exchTs, T0 + FEED + 4n * FEED, 'at the venue: decision (30 ms) + 4 × the 30 ms feed latency');
  assert.is(t.fills[0].localTs, T0 + FEED + 4n * FEED + 3n * FEED, 'at the strategy: + 3 × the feed latency');
});

test("the recorder's clock-offset estimates are held to risk.maxClockOffsetNs where they were made, as live trading held them", async () => {
  // θ = local − exchange, in the record's price column (the recorder's layout): 400 ms behind, beyond the default ±250 ms
  const behind: Rec = { kind: Kind.status, seq: Status.clockOffset, atMs: 0, noExch: true, price: -400_000_000 };
  const halted = await run([behind, ...OPEN, ...LATER], {});
  assert.is(halted.fills.length, 0, 'nothing traded');
  assert.match(
    halted.strategy!.haltReason ?? '',
    /^risk breach \(clockOffset\): clock offset -400 ms beyond risk\.maxClockOffsetNs ±250 ms/,
  );
  // a new estimate inside the limit lifts nothing by itself (a halt stays), but one inside it from the start trades
  const fine: Rec = { ...behind, price: -40_000_000 };
  const traded = await run([fine, ...OPEN, ...LATER], {});
  assert.is(traded.fills.length, 1);
  assert.is(traded.strategy!.haltReason, null);
  // an estimate made after the entry halts the session from where it was made: the position is there already
  const late: Rec = { ...behind, atMs: 100 };
  const after = await run([...OPEN, late, ...LATER], {});
  assert.is(after.fills.length, 1, 'entered before the estimate');
  assert.match(after.strategy!.haltReason ?? '', /clockOffset/);
  assert.ok(after.strategy!.haltedNs! >= T0 + 100n * MS + FEED, 'halted at or after the estimate reached us');
});

test('latency models: constant, derived from the feed, interpolated from round trips', () => {
  const f = feedLatency(4, 1e6, 3, 0);
  const observe = (at: number, feed: number) => {
    f.feed![0] = at;
    f.feed![1] = feed;
    f.observeFeed!();
  };
  for (let i = 0; i < 10; i++) observe(1e9 + i * 1e8, 30e6);
  observe(2e9, 50e6); // a new second: the last complete second's mean (30 ms) holds
  assert.is(f.entry(2e9), 4 * 30e6 + 1e6);
  assert.is(f.response(2e9), 3 * 30e6);
  const r = interpolatedLatency([
    { reqNs: 0, rttNs: 2e6 },
    { reqNs: 10e9, rttNs: 4e6 },
  ]);
  assert.is(r.entry(5e9), 1.5e6, 'half the interpolated 3 ms round trip');
  assert.is(r.response(20e9), 2e6, 'past the last row the last row holds');
  assert.throws(() => interpolatedLatency([]), /no recorded round trips/);
});

test.run();
