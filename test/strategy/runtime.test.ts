// The runtime under small scripted strategies: the risk gate refuses (and logs) what would pass a limit, reduce-only
// orders pass it, breaches halt with a cancel-all and a flatten, a handler that throws halts safely naming the handler
// and the line, timers fire on the tick grid, any number of orders per side is tracked through acks, fills, partial
// fills, cancels, rejects and amends, an unanswered request leads to a reconcile that resumes or halts, round trips
// are named after the closing order's tag, and ctx.random is the same sequence for the same seed.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defineStrategy, type Market, type OrderUpdate, type StrategyDefinition } from '../../src/strategy/api';
import { loadStrategy } from '../../src/strategy/loader';
import { handlerIn } from '../../src/strategy/handler-cell';
import { ObiOfiHarness, T0, MS, fillEvent } from '../helpers/obi-ofi';
import { Run, scripted } from '../helpers/scripted';

test('an order that could pass the position limit is refused, logged with its reason and counted', () => {
  const ids: Array<string | null> = [];
  const r = new Run(scripted((ctx, m) => ids.push(ctx.place({ side: 'buy', sizeLot: 11, priceTick: m.book.bestAskTick }))));
  assert.equal(r.book(), [], 'nothing reaches the venue');
  assert.equal(ids, [null]);
  assert.is(r.rt.counters['risk.denied'], 1);
  assert.is(r.rt.counters['risk.denied.maxPositionLot'], 1, 'kept under the limit that said no');
  assert.ok(
    r.logs().includes('warn refused buy 11 lots (0.011 BTC) BTCUSDT at 100.1 USDT (tick 1001): position: 11 lots would pass max 10'),
    r.logs().join('\n'),
  );
  // working orders count toward the worst case: 6 resting + 5 more would be 11
  const r2 = new Run(
    scripted((ctx, m) => {
      ctx.place({ side: 'buy', sizeLot: 6, priceTick: m.book.bestBidTick });
      ctx.place({ side: 'buy', sizeLot: 5, priceTick: m.book.bestBidTick - 1 });
      ctx.place({ side: 'sell', sizeLot: 9, priceTick: m.book.bestAskTick, reduceOnly: true });
    }),
  );
  // (the reduce-only sell has no position to reduce: refused on that account, test/strategy/reduce-only.test.ts)
  assert.equal(r2.book(), ['place buy limit 1000x6']);
  assert.is(r2.rt.counters['risk.denied.reduceOnlySize'], 1);
  assert.match(
    r2.logs().join('\n'),
    /refused buy 5 lots \(0\.005 BTC\) BTCUSDT at 99\.9 USDT \(tick 999\): position: 11 lots would pass max 10/,
  );
});

test('order rate: the sixth order within a second is refused (and its log says so once), a second later it goes', () => {
  let n = 0;
  const r = new Run(
    scripted((ctx, m) => {
      for (let i = 0; i < 3; i++)
        ctx.place({ side: n++ % 2 ? 'buy' : 'sell', sizeLot: 1, priceTick: m.book.bestBidTick - 5 - i, tag: `o${n}` });
    }),
    ['risk.maxPositionLot=100'],
  );
  assert.is(r.book().length, 3);
  assert.is(r.book().length, 2, 'the sixth is refused');
  assert.is(r.book().length, 0);
  assert.is(r.rt.counters['risk.denied'], 4);
  assert.is(r.rt.counters['risk.denied.maxOrdersPerSecond'], 4, 'every one by the per-second limit');
  assert.is(r.rt.counters['risk.denied.maxPositionLot'], undefined, 'no other limit said no');
  assert.equal(r.logs().filter((l) => l.includes('order rate')).length, 1, 'refusals of one kind are logged once a second');
  assert.is(r.book({}, 1000).length, 3, 'a second later the window has room again');
});

test('a notional limit is checked at the order price (a market order at the touch it would take)', () => {
  const r = new Run(
    scripted((ctx) => ctx.place({ side: 'buy', type: 'market', sizeLot: 3 })),
    ['risk.maxNotionalTickLot=3000'],
  );
  assert.equal(r.book(), []);
  assert.match(r.logs().join('\n'), /refused buy 3 lots \(0\.003 BTC\) BTCUSDT at market: notional: 3003 ticks·lots would pass max 3000/);
});

test('a malformed request is a bug, not a refusal: the handler throws and the session halts naming it', () => {
  const r = new Run(scripted((ctx) => ctx.place({ side: 'buy', sizeLot: 1, priceTick: 1000.5 })));
  assert.equal(r.book(), ['cancelAll', 'flatten']);
  assert.is(r.rt.status, 'halted');
  assert.match(
    r.rt.haltReason!,
    /^strategy error in onBook: ctx.place: a limit order needs priceTick, a positive integer of ticks, got 1000.5/,
  );
  assert.equal(r.book(), [], 'halted: no more handlers, no more orders');
});

test('signals read by their names work; a misspelt one throws naming the nearest; generic probes (JSON, await, String) do not', async () => {
  const seen: number[] = [];
  const r = new Run(
    scripted((_ctx, m) => {
      seen.push(m.signals.obiN, m.signals.mlofi(0));
      assert.is(typeof JSON.stringify(m.signals), 'string');
      assert.is(String(m.signals), '[object Object]');
      assert.not.ok('ofiNorn' in m.signals);
      void (m.signals as unknown as Record<string, number>).ofiNorn;
    }),
  );
  assert.equal(r.book(), ['cancelAll', 'flatten']);
  assert.is(seen.length, 2);
  assert.match(r.rt.haltReason!, /^strategy error in onBook: m\.signals\.ofiNorn is not defined: did you mean m\.signals\.ofiNorm\?/);
  const views = new Run(scripted(() => {}));
  views.book();
  assert.is(await Promise.resolve(views.rt.markets[0].signals), views.rt.markets[0].signals, 'a view is no thenable');
});

test('a strategy file that throws halts the session safely; the reason names the handler and the file and line', async () => {
  const s = await loadStrategy(join(process.cwd(), 'test/fixtures/strategies/throws.ts'));
  const r = new Run(s.definition, [], s.describeError);
  r.book();
  r.book();
  assert.equal(r.book(), ['cancelAll', 'flatten']);
  assert.is(r.rt.status, 'halted');
  assert.is(r.rt.phase, 'HALTED');
  assert.is(r.rt.haltReason, 'strategy error in onBook: no signal at 1000 (test/fixtures/strategies/throws.ts:13:28)');
  assert.is(r.rt.counters['strategy.error'], 1);
  const noFlatten = new Run(s.definition, ['risk.flattenOnBreach=false'], s.describeError);
  noFlatten.book();
  noFlatten.book();
  assert.equal(noFlatten.book(), ['cancelAll'], 'flatten as configured');
});

test('breaches halt with cancel-all and flatten: daily loss marked at the exit-side touch; no order after, onHalt once', () => {
  const halts: string[] = [];
  let id: string | null = null;
  const r = new Run(
    scripted(
      (ctx, m) => {
        if (id === null) id = ctx.place({ side: 'buy', sizeLot: 10, priceTick: m.book.bestAskTick });
        else if (ctx.status === 'halted') ctx.place({ side: 'buy', sizeLot: 1, priceTick: 1 });
      },
      { onHalt: (why: string) => void halts.push(why) },
    ),
    ['risk.maxDailyLossQuote=0.01'],
  );
  r.book();
  r.send({ type: 'ack', clientOid: id!, orderId: 'x' });
  r.send(fillEvent(id!, 'buy', 1001, 10, 0));
  assert.is(r.rt.position(0).lot, 10);
  // bid 990: (990 − 1001) × 10 ticks·lots = −0.011 quote
  assert.equal(r.book({ bestBid: 990, bestAsk: 991 }), ['cancelAll', 'flatten']);
  assert.match(r.rt.haltReason!, /^risk breach \(dailyLoss\): daily loss 0\.011 USDT > max 0\.01 USDT$/);
  assert.equal(halts, [r.rt.haltReason]);
  assert.equal(r.book(), [], 'no handler runs once halted');
});

test('a feed latency outside the band breaches even while flat; stale data only while exposed', () => {
  const r = new Run(scripted(() => {}));
  assert.equal(r.book({ exchTs: T0 - 5_000n * MS }), ['cancelAll', 'flatten']);
  assert.is(r.rt.haltReason, 'risk breach (feedLatency): feed latency 5.01 s above risk.maxFeedLatencyNs 2 s');
  const skewed = new Run(scripted(() => {}));
  assert.equal(skewed.book({ exchTs: T0 + 3_000n * MS }), ['cancelAll', 'flatten'], 'our clock behind: a negative feed latency');
  assert.is(skewed.rt.haltReason, 'risk breach (feedLatency): feed latency -2.99 s below risk.minFeedLatencyNs -1 s');
  let id: string | null = null;
  const s = new Run(scripted((ctx, m) => (id ??= ctx.place({ side: 'buy', sizeLot: 1, priceTick: m.book.bestBidTick }))));
  s.book();
  s.send({ type: 'ack', clientOid: id!, orderId: 'x' });
  assert.equal(s.tick(4000), []);
  assert.equal(s.tick(1001), ['cancelAll', 'flatten'], 'a resting order and no valid message for 5 s');
  // 5.001 s against 5 s: three significant figures would print "5 s old > 5 s"
  assert.is(s.rt.haltReason, 'risk breach (staleData): last valid signal 5.001 s old > risk.maxDataAgeNs 5 s while exposed');
});

test('timers fire on the tick grid, once, at the first tick at or after their delay; moved by setting again; cleared', () => {
  const fired: Array<[string, number]> = [];
  const r = new Run(
    scripted(
      (ctx) => {
        if (fired.length === 0 && !ctx.market().orders.length) {
          ctx.setTimer('a', 120 * 1e6);
          ctx.setTimer('b', 30 * 1e6);
          ctx.setTimer('b', 60 * 1e6); // moved
          ctx.setTimer('c', 10 * 1e6);
          ctx.clearTimer('c');
        }
      },
      { onTimer: (id: string) => void fired.push([id, r.rt.now]) },
    ),
  );
  r.book(); // at 10 ms: a due at 130 ms, b at 70 ms
  assert.is(r.rt.quietUntil(), r.h.rel(T0 + 70n * MS), 'a replay may skip ticks until the earliest timer');
  r.tick(40); // 50 ms
  assert.equal(fired, []);
  r.tick(50); // 100 ms
  assert.equal(fired, [['b', r.h.rel(T0 + 100n * MS)]]);
  r.tick(50); // 150 ms
  assert.equal(
    fired.map((f) => f[0]),
    ['b', 'a'],
  );
  r.tick(50);
  assert.is(fired.length, 2, 'once');
  assert.is(r.rt.needsTicks, false, 'nothing left to time out');
});

test('many orders per side: acks, partial and full fills, cancels, rejects and amends reach onOrder; Market.orders tracks them', () => {
  const seen: string[] = [];
  const ids: string[] = [];
  const r = new Run(
    scripted(
      (ctx, m) => {
        if (ids.length) return;
        for (const [side, px, tag] of [
          ['buy', 999, 'b1'],
          ['buy', 998, 'b2'],
          ['sell', 1002, 's1'],
          ['sell', 1003, 's2'],
        ] as const)
          ids.push(ctx.place({ side, sizeLot: 2, priceTick: px, tag })!);
        assert.is(m.orders.length, 4);
      },
      {
        onOrder: (u: OrderUpdate) =>
          void seen.push(
            `${u.kind} ${u.order.tag} ${u.order.state} ${u.order.filledLot}/${u.order.sizeLot}${u.fillLot ? ` fill ${u.fillLot}@${u.fillPriceTick}` : ''}`,
          ),
      },
    ),
  );
  assert.is(r.book().length, 4);
  const [b1, b2, s1, s2] = ids;
  for (const id of [b1, b2, s1]) r.send({ type: 'ack', clientOid: id, orderId: id });
  r.send({ type: 'reject', clientOid: s2, code: '40762', message: 'insufficient', retryable: false });
  r.send(fillEvent(b1, 'buy', 999, 1, 1, 0, 't1'));
  r.send(fillEvent(b1, 'buy', 999, 1, 0, 0, 't2'));
  const m = r.rt.markets[0];
  assert.equal(
    m.orders.map((o) => o.tag),
    ['b2', 's1'],
  );
  // asked between events (a test's liberty): the actions go out with the next event's
  assert.ok(r.rt.ctx.amend(b2, { priceTick: 997 }));
  assert.equal(r.send({ type: 'marketHealth', ok: true, reason: 'ok' }), [`amend ${b2}`]);
  r.send({ type: 'amendAck', clientOid: b2, priceTick: 997, qtyLot: 2 });
  assert.ok(r.rt.ctx.cancel(s1));
  assert.equal(r.send({ type: 'marketHealth', ok: true, reason: 'ok' }), [`cancel ${s1}`]);
  r.send({ type: 'cancelAck', clientOid: s1 });
  assert.equal(seen, [
    'accepted b1 working 0/2',
    'accepted b2 working 0/2',
    'accepted s1 working 0/2',
    'rejected s2 rejected 0/2',
    'partiallyFilled b1 working 1/2 fill 1@999',
    'filled b1 filled 2/2 fill 1@999',
    'amended b2 working 0/2',
    'cancelled s1 cancelled 0/2',
  ]);
  assert.is(r.rt.ctx.order(b2)!.priceTick, 997);
  assert.is(r.rt.position(0).lot, 2);
  assert.is(r.rt.ctx.cancel('rb-t-99'), false, 'not an order of ours');
});

test('a cancel asked while the place is in flight goes out with the ack, and never twice', () => {
  let id = '';
  const r = new Run(
    scripted((ctx, m) => {
      if (!id) id = ctx.place({ side: 'buy', sizeLot: 1, priceTick: m.book.bestBidTick })!;
      else ctx.cancel(id);
    }),
  );
  r.book();
  assert.equal(r.book(), [], 'deferred');
  assert.is(r.rt.ctx.order(id)!.state, 'cancelling');
  assert.equal(r.send({ type: 'ack', clientOid: id, orderId: id }), [`cancel ${id}`]);
  assert.equal(r.book(), [], 'not again');
});

test('an unanswered place sends the runtime to reconcile (orders refused meanwhile); the venue agreeing resumes it, disagreeing halts it', () => {
  const events: string[] = [];
  let id: string | null = null;
  const def = scripted((ctx, m) => void (id ??= ctx.place({ side: 'buy', sizeLot: 1, priceTick: m.book.bestBidTick })), {
    onReconcile: (why: string) => void events.push(`reconcile: ${why}`),
    onResume: () => void events.push('resume'),
  });
  const r = new Run(def, ['orders.ackTimeoutNs=200ms']);
  r.book();
  assert.equal(r.tick(200), ['reconcile']);
  assert.is(r.rt.status, 'reconciling');
  assert.is(r.rt.ctx.place({ side: 'buy', sizeLot: 1, priceTick: 1 }), null, 'refused while reconciling');
  assert.equal(r.send({ type: 'resynced', positionLot: 0, openOrders: [] }), []);
  assert.is(r.rt.status, 'trading');
  assert.equal(events, [`reconcile: no answer to place of ${id} within T_ack`, 'resume']);
  assert.is(r.rt.ctx.order(id!)!.state, 'cancelled', 'gone at the venue: ended');
  // a disconnect, and the venue reports a position the fills never said
  r.send({ type: 'disconnect', reason: 'private stream closed' });
  assert.equal(r.send({ type: 'resynced', positionLot: 3, openOrders: [] }), ['cancelAll']);
  assert.is(r.rt.status, 'halted');
  assert.match(r.rt.haltReason!, /^reconcile mismatch: venue position 3 lots ≠ 0 from fills$/);
});

test('an unsolicited resync whose position differs while nothing of ours is live asks again (a fill report on its way) instead of halting; a difference that stays halts', () => {
  let id: string | null = null;
  let cancel = false;
  const def = scripted((ctx, m) => {
    id ??= ctx.place({ side: 'buy', sizeLot: 2, priceTick: m.book.bestBidTick });
    if (cancel) {
      cancel = false;
      ctx.cancel(id!);
    }
  });
  const r = new Run(def);
  r.book();
  r.send({ type: 'ack', clientOid: id!, orderId: id! });
  cancel = true;
  assert.equal(r.book(), [`cancel ${id}`]);
  // the venue traded 1 lot, then cancelled the rest: its cancel answer came first, the fill report is still on its way
  r.send({ type: 'cancelAck', clientOid: id! });
  assert.is(r.rt.liveOrderCount, 0);
  assert.equal(r.send({ type: 'resynced', positionLot: 1, openOrders: [] }), ['reconcile']);
  assert.is(r.rt.status, 'reconciling');
  assert.ok(r.logs().includes('warn RECONCILE: resync: venue position 1 lots ≠ 0 from fills; asking the venue again'), r.logs().join('\n'));
  r.send(fillEvent(id!, 'buy', 1000, 1, 1));
  assert.equal(r.send({ type: 'resynced', positionLot: 1, openOrders: [] }), []);
  assert.is(r.rt.status, 'trading', r.rt.haltReason ?? '');
  assert.is(r.rt.counters['resync.recheck'], 1);
  // a position no fill will explain: asked again, and halted when the venue says it again
  assert.equal(r.send({ type: 'resynced', positionLot: 3, openOrders: [] }), ['reconcile']);
  assert.equal(r.send({ type: 'resynced', positionLot: 3, openOrders: [] }), ['cancelAll']);
  assert.is(r.rt.status, 'halted');
  assert.match(r.rt.haltReason!, /^reconcile mismatch: venue position 3 lots ≠ 1 from fills$/);
});

test("ringbook's flatten is named by what asked for it: the stop's after the kill switch, the halt's after a limit or a failure", () => {
  for (const [how, whose] of [
    ['kill switch', "the stop's flatten"],
    ['halt', "the halt's flatten"],
  ] as const) {
    const ids: string[] = [];
    const r = new Run(
      scripted((ctx, m) => ids.length < 1 && void ids.push(ctx.place({ side: 'buy', sizeLot: 1, priceTick: m.book.bestAskTick })!)),
    );
    r.book();
    r.send(fillEvent(ids[0], 'buy', 1001, 1, 0, 0.1, 'a'));
    if (how === 'kill switch') r.send({ type: 'killSwitch', flatten: true });
    else r.rt.ctx.halt('a limit', true);
    r.send(fillEvent('rbflat-1', 'sell', 1000, 1, 0, 0, 'b'));
    assert.match(r.logs().join('\n'), `fill for rbflat-1 (${whose}) moves the position to 0`, how);
  }
});

test('round trips run flat to flat, pay the fees of every fill in them and are named after the closing order’s tag; a fill the runtime did not place is external', () => {
  const ids: string[] = [];
  const r = new Run(
    scripted(
      (ctx, m) => ids.length < 1 && void ids.push(ctx.place({ side: 'buy', sizeLot: 2, priceTick: m.book.bestAskTick, tag: 'entry' })!),
    ),
  );
  r.book();
  r.send(fillEvent(ids[0], 'buy', 1001, 2, 0, 0.1, 'a'));
  const exit = r.rt.ctx.place({ side: 'sell', sizeLot: 2, type: 'market', reduceOnly: true, tag: 'takeProfit' })!;
  r.send(fillEvent(exit, 'sell', 1011, 2, 0, 0.2, 'b'));
  r.send(fillEvent('venue-flatten-1', 'sell', 1000, 1, 0, 0, 'c'));
  r.send(fillEvent('venue-flatten-2', 'buy', 1002, 1, 0, 0, 'd'));
  r.send(fillEvent('rbflat-1', 'sell', 1000, 1, 0, 0, 'e'));
  r.send(fillEvent('rbflat-2', 'buy', 1002, 1, 0, 0, 'f'));
  const said = r.logs().join('\n');
  assert.match(said, /info fill for venue-flatten-1 \(not a live order of ours: a late fill\) moves the position to/);
  assert.match(said, /info fill for rbflat-1 \(the stop's flatten\) moves the position to/, 'our own stop flatten is called that');
  assert.equal(
    r.rt.roundTrips.map((t) => [t.dir, t.realisedTickLot, Math.round(t.feesQuote * 1e9) / 1e9, t.reason]),
    [
      [1, 20, 0.3, 'takeProfit'],
      [-1, -2, 0, 'external'],
      [-1, -2, 0, 'external'],
    ],
  );
  assert.is(r.rt.counters['fill.unknownOrder'], 4);
  // every order of ours ended one way: two filled; an IOC the venue ended unasked expired; one we cancelled
  const ioc = r.rt.ctx.place({ side: 'buy', sizeLot: 1, priceTick: 990, timeInForce: 'ioc' })!;
  r.send({ type: 'cancelAck', clientOid: ioc });
  const rest = r.rt.ctx.place({ side: 'buy', sizeLot: 1, priceTick: 980 })!;
  r.send({ type: 'ack', clientOid: rest, orderId: 'r' });
  r.rt.ctx.cancel(rest);
  r.send({ type: 'cancelAck', clientOid: rest });
  // a resting order the venue ended unasked is not an expired IOC; the runtime's cancel-all at a halt is its own
  const gtc = r.rt.ctx.place({ side: 'buy', sizeLot: 1, priceTick: 970 })!;
  r.send({ type: 'ack', clientOid: gtc, orderId: 'g' });
  r.send({ type: 'cancelAck', clientOid: gtc });
  r.tick(1000); // room in the order rate window
  const left = r.rt.ctx.place({ side: 'buy', sizeLot: 1, priceTick: 960 })!;
  r.send({ type: 'ack', clientOid: left, orderId: 'l' });
  r.send({ type: 'killSwitch', flatten: false });
  r.send({ type: 'cancelAck', clientOid: left });
  assert.equal(r.rt.ended, { filled: 2, cancelled: 1, runtimeCancelled: 1, expired: 1, venueCancelled: 1, rejected: 0 });
  // stopped (the kill switch above): ringbook's flatten from now on is the stop's
  r.send(fillEvent('rbflat-3', 'sell', 1000, 1, 0, 0, 'g'));
  assert.match(r.logs().join('\n'), /info fill for rbflat-3 \(the stop's flatten\) moves the position to/);
});

test('a fill that flips the position pays into both round trips in proportion to the lots it closes and opens', () => {
  const ids: string[] = [];
  const r = new Run(
    scripted(
      (ctx, m) => ids.length < 1 && void ids.push(ctx.place({ side: 'buy', sizeLot: 1, priceTick: m.book.bestAskTick, tag: 'entry' })!),
    ),
  );
  r.book();
  r.send(fillEvent(ids[0], 'buy', 1000, 1, 0, 0.1, 'a'));
  // sells 3 at once: 1 lot closes the long, 2 open a short; the fill's 0.3 fee splits 0.1 / 0.2
  const flip = r.rt.ctx.place({ side: 'sell', sizeLot: 3, type: 'market', tag: 'reverse' })!;
  r.send(fillEvent(flip, 'sell', 1010, 3, 0, 0.3, 'b'));
  const out = r.rt.ctx.place({ side: 'buy', sizeLot: 2, type: 'market', reduceOnly: true, tag: 'cover' })!;
  r.send(fillEvent(out, 'buy', 1005, 2, 0, 0.05, 'c'));
  assert.equal(
    r.rt.roundTrips.map((t) => [t.dir, t.realisedTickLot, Math.round(t.feesQuote * 1e9) / 1e9, t.reason]),
    [
      [1, 10, 0.2, 'reverse'],
      [-1, 10, 0.25, 'cover'],
    ],
  );
  // every fee paid is in exactly one trip
  const fees = r.rt.roundTrips.reduce((a, t) => a + t.feesQuote, 0);
  assert.ok(Math.abs(fees - 0.45) < 1e-12, String(fees));
});

test('ctx.random: the same seed, the same sequence', () => {
  const draw = (seed: number) => {
    const out: number[] = [];
    const h = new ObiOfiHarness({
      definition: defineStrategy({
        name: 'dice',
        params: {},
        create: (ctx) => ({ onBook: () => void out.push(ctx.random()) }),
      }) as unknown as StrategyDefinition,
      seed,
    });
    for (let i = 0; i < 5; i++)
      h.handle({
        type: 'signal',
        localTs: T0 + BigInt(i) * MS,
        exchTs: T0,
        valid: true,
        bestBid: 1,
        bestAsk: 2,
        bidQty: 1,
        askQty: 1,
        l1: 0,
        obiN: 0,
        ofiNorm: 0,
        z: 0,
        zReady: false,
      });
    return out;
  };
  assert.equal(draw(1), draw(1));
  assert.not.equal(draw(1), draw(2));
  assert.ok(draw(3).every((x) => x >= 0 && x < 1));
});

test('health: onHealth hears a feed problem and the recovery; Market.healthy says it', () => {
  const heard: string[] = [];
  const r = new Run(scripted(() => {}, { onHealth: (m: Market) => void heard.push(`${m.healthy} ${m.healthReason}`) }));
  r.book();
  r.send({ type: 'marketHealth', ok: false, reason: 'gap' });
  r.send({ type: 'marketHealth', ok: true, reason: 'recovered from gap' });
  assert.equal(heard, ['false gap', 'true ']);
});

test('the handler cell names the handler strategy code runs in, for a watchdog on another thread', () => {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const seen: string[] = [];
  const at = (where: string) => seen.push(`${where}: ${handlerIn(cell)}`);
  let set = false;
  const r = new Run(
    scripted(
      (ctx) => {
        at('book');
        if (!set) ctx.setTimer('t', 10 * 1e6);
        set = true;
      },
      { onTimer: () => at('timer') },
    ),
    [],
    undefined,
    cell,
  );
  r.book();
  r.tick(20);
  // onBook stays named between book messages; a handler that ran since gives the cell back as it found it
  assert.is(handlerIn(cell), 'onBook');
  r.book();
  assert.equal(seen, ['book: onBook', 'timer: onTimer', 'book: onBook']);
});

test.run();
