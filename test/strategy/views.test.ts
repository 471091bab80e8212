// What a strategy reads in a backtest is the book as of the message it is handling, at that message's local time —
// never a later one the core has already applied at its exchange time (two timelines): the touch, the signals, the
// declared depth and the recent trades. Messages 10 ms apart at the exchange reach us 30 ms late, so each message is
// delivered after the next one was applied.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Kind, Flag } from '../../src/core/index';
import { createBacktestCore, instrumentOf, type RecordingGrid } from '../../src/backtest/backtest';
import { Backtest } from '../../src/backtest/run';
import type { BacktestTrace } from '../../src/backtest/trace';
import { constantLatency } from '../../src/backtest/latency';
import { riskAverse } from '../../src/backtest/queue';
import { defineStrategy, type BookSide, type Market, type StrategyDefinition } from '../../src/strategy/api';
import { resolveRun } from '../../src/strategy/resolve';
import { testCore } from '../helpers/core';
import { recordColumns as columns, type Rec } from '../helpers/record-columns';

const GRID: RecordingGrid = { priceScale: 1, priceStep: 1n, sizeScale: 3, sizeStep: 1n, tickSize: 0.1, lotSize: 0.001 };

/**
 * A book message: four levels a side around `mid` (sizes rank + 1 on bids, 10 × (rank + 1) on asks); an update also
 * deletes the levels of the message before it (around mid − 10).
 */
function book(atMs: number, mid: number, snapshot = false): Rec[] {
  const out: Rec[] = [];
  if (snapshot) out.push({ kind: Kind.bookClear, flags: Flag.snapshot | Flag.reset, atMs });
  const lv: Array<[number, number, number]> = [];
  for (let r = 0; r < 4; r++) {
    lv.push([1, mid - 1 - r, r + 1]);
    lv.push([2, mid + 1 + r, 10 * (r + 1)]);
  }
  if (!snapshot) for (let r = 0; r < 4; r++) lv.unshift([1, mid - 11 - r, 0], [2, mid - 9 + r, 0]);
  lv.forEach(([side, price, qty], i) =>
    out.push({
      kind: Kind.bookLevel,
      side,
      price,
      qty,
      atMs,
      flags: (snapshot ? Flag.snapshot : 0) | (i === lv.length - 1 ? Flag.last : 0),
    }),
  );
  return out;
}

/** A backtest of `def` (with `sets`) over `recs`, each reaching us `feedMs` after its exchange stamp; its trace. */
async function replay(def: StrategyDefinition, recs: Rec[], sets: string[] = [], feedMs?: number): Promise<BacktestTrace> {
  const run = resolveRun(def, [], sets);
  const bc = createBacktestCore(await testCore(), GRID, 64);
  bc.reset({});
  const bt = new Backtest(bc, {
    strategy: { definition: def, params: run.params, settings: run.settings },
    instrument: instrumentOf(GRID, 'BTCUSDT', { maker: 0.0002, taker: 0.0006 }),
    latency: constantLatency(1e6, 1e6),
    queue: riskAverse,
  });
  const { cols, rows } = columns(recs, feedMs);
  bt.feed(cols, rows);
  return bt.finish();
}

test('each message is read as it was when it completed, at its local time: touch, depth, signals and trades', async () => {
  const seen: string[] = [];
  const def = defineStrategy({
    name: 'reader',
    params: {},
    depth: 3,
    trades: 2,
    create: (ctx) => ({
      onBook(m) {
        const b = m.book;
        const t = m.trades.length ? `${m.trades.at(0).priceTick}/${m.trades.at(0).side}` : '-';
        seen.push(
          `${(ctx.now - m.exchNs) / 1e6}ms late: ${b.bestBidTick}x${b.bestBidLot} ${b.bestAskTick}x${b.bestAskLot} ` +
            `bid2 ${b.priceTick('bid', 1)}x${b.sizeLot('bid', 1)} ask3 ${b.priceTick('ask', 2)}x${b.sizeLot('ask', 2)} ` +
            `ask4 ${b.priceTick('ask', 3)} depth(ask, 1) ${b.depthLot('ask', 1)} l1 ${m.signals.l1.toFixed(3)} last trade ${t}`,
        );
      },
      onTrade: (_m, tr) => void seen.push(`trade ${tr.priceTick} ${tr.sizeLot} ${tr.side}`),
    }),
  }) as unknown as StrategyDefinition;
  const recs = [
    ...book(0, 1000, true),
    ...book(10, 1010),
    { kind: Kind.trade, side: 1, atMs: 15, price: 1011, qty: 7 },
    ...book(20, 1020),
    ...book(30, 1030),
  ];
  await replay(def, recs);
  assert.equal(seen, [
    '30ms late: 999x1 1001x10 bid2 998x2 ask3 1003x30 ask4 NaN depth(ask, 1) 30 l1 -0.818 last trade -',
    '30ms late: 1009x1 1011x10 bid2 1008x2 ask3 1013x30 ask4 NaN depth(ask, 1) 30 l1 -0.818 last trade -',
    'trade 1011 7 buy',
    '30ms late: 1019x1 1021x10 bid2 1018x2 ask3 1023x30 ask4 NaN depth(ask, 1) 30 l1 -0.818 last trade 1011/buy',
    '30ms late: 1029x1 1031x10 bid2 1028x2 ask3 1033x30 ask4 NaN depth(ask, 1) 30 l1 -0.818 last trade 1011/buy',
  ]);
});

test("a book side that is not 'bid' or 'ask', or a negative depthLot band, halts the run saying so (not read as the ask side)", async () => {
  for (const [call, message] of [
    [
      (m: Market) => m.book.priceTick('buy' as BookSide, 0),
      `priceTick("buy", …): a book side is 'bid' or 'ask' (an order's side is 'buy' or 'sell')`,
    ],
    [(m: Market) => m.book.sizeLot('sell' as BookSide, 1), `sizeLot("sell", …): a book side is 'bid' or 'ask'`],
    [(m: Market) => m.book.depthLot('ask', -1), `depthLot('ask', -1): ticks must be a number ≥ 0 (0: the best level only)`],
  ] as const) {
    const def = defineStrategy({
      name: 'bad-side',
      params: {},
      depth: 2,
      create: () => ({ onBook: (m) => void call(m) }),
    }) as unknown as StrategyDefinition;
    const trace = await replay(def, [...book(0, 1000, true), ...book(10, 1010)]);
    assert.ok((trace.strategy?.haltReason ?? '').includes(message), trace.strategy?.haltReason ?? 'no halt');
  }
});

test('a feed thousands of messages behind: the records spill out of the ring and every message is still read as it was', async () => {
  const bids: number[] = [];
  const def = defineStrategy({
    name: 'late',
    params: {},
    depth: 2,
    create: () => ({ onBook: (m) => void bids.push(m.book.bestBidTick, m.book.priceTick('bid', 1)) }),
  }) as unknown as StrategyDefinition;
  const n = 3000;
  const recs: Rec[] = [...book(0, 1000, true)];
  for (let i = 1; i < n; i++) recs.push(...book(i, 1000 + 10 * i));
  // 5 s late, a message every 1 ms: 5000 pending, the ring holds 1024
  await replay(def, recs, ['risk.maxFeedLatencyNs=10s'], 5000);
  const want: number[] = [];
  for (let i = 0; i < n; i++) want.push(1000 + 10 * i - 1, 1000 + 10 * i - 2);
  assert.equal(bids, want);
});

test.run();
