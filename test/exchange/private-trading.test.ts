// Trading on the local exchange: order round trips, price-time priority of resting orders against the simulated
// flow, taker walks with fees, IOC/FOK/post_only, rejects, one-way positions and the exact balance identity
// (balance = initial − fees + realised PnL). Markets are manual (no timer); simulated market orders are injected
// where a test needs the queue traded through deterministically. Rate limits are off except where tested.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startExchange, type Exchange } from '../../src/exchange/index';
import { scaled, WsProbe, getText } from './helpers';
import { FUT, M, client, type Reply } from './private-helpers';

const SYMBOLS = ['USDT-FUTURES:BTCUSDT', 'USDT-FUTURES:SOLUSDT', 'SPOT:BTCUSDT'];

async function withExchange(fn: (ex: Exchange, c: ReturnType<typeof client>) => Promise<void>, seed = 7): Promise<void> {
  // maxMessagesPerSec: the flow test pings once per tick as a barrier
  const ex = await startExchange({ seed, manual: true, symbols: SYMBOLS, maxMessagesPerSec: 100_000, trading: { rateLimits: false } });
  try {
    await fn(ex, client(ex.url.rest));
  } finally {
    await ex.close();
  }
}

// BTCUSDT futures: price 1 decimal, size 4 decimals, lot 0.0001. Money is exact at 18 decimals.
const BTC_LOTS = (size: string) => Number(scaled(size, 4));
const BTC_SIZE = (lots: number) => (lots / 1e4).toFixed(4).replace(/\.?0+$/, '');
const BTC_PRICE = (tick: number) => (tick / 10).toFixed(1).replace(/\.0$/, '');
/** price × size as money (18 decimals), from the wire strings. */
const notional = (price: string, size: string) => scaled(price, 1) * scaled(size, 4) * 10n ** 13n;
const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;
const takerFee = (n: bigint) => ceilDiv(n * 6n, 10_000n);
const makerFee = (n: bigint) => ceilDiv(n * 2n, 10_000n);

const place = (c: ReturnType<typeof client>, o: Record<string, string>) => c.post('/api/v2/mix/order/place-order', { ...FUT, ...o });
const ok = (r: Reply, what = '') => {
  assert.is(r.json.code, '00000', `${what}: ${r.text}`);
  return r.json.data;
};
const account = (ex: Exchange) => ex.trading!.account();
const topOf = (ex: Exchange, depth = 5) => ex.market('USDT-FUTURES', 'BTCUSDT')!.book(depth).levels;

test("fills: newest first, in pages of `limit` back from the previous page's endId (idLessThan), none twice", async () => {
  await withExchange(async (_ex, c) => {
    // five taker fills of one lot each, alternating sides
    for (let i = 0; i < 5; i++)
      ok(await place(c, { side: i % 2 ? 'sell' : 'buy', orderType: 'market', size: '0.0001', clientOid: `f${i}` }));
    const all = ok(await c.get('/api/v2/mix/order/fills', { productType: 'USDT-FUTURES', symbol: 'BTCUSDT' }));
    const ids: string[] = all.fillList.map((f: { tradeId: string }) => f.tradeId);
    assert.is(ids.length, 5);
    assert.equal(
      ids,
      [...ids].sort((a, b) => (BigInt(a) > BigInt(b) ? -1 : 1)),
      'newest first',
    );
    const paged: string[] = [];
    let below: string | undefined;
    for (;;) {
      const page = ok(
        await c.get('/api/v2/mix/order/fills', {
          productType: 'USDT-FUTURES',
          symbol: 'BTCUSDT',
          limit: '2',
          ...(below ? { idLessThan: below } : {}),
        }),
      );
      if (!page.fillList) break;
      paged.push(...page.fillList.map((f: { tradeId: string }) => f.tradeId));
      below = page.endId;
    }
    assert.equal(paged, ids);
    const bad = await c.get('/api/v2/mix/order/fills', { productType: 'USDT-FUTURES', limit: '101' });
    assert.is(bad.json.code, '40020', bad.text);
  });
});

test('place → orders-pending → detail → cancel round trip; duplicate clientOid 40786; unknown order 40109', async () => {
  await withExchange(async (ex, c) => {
    const bid = topOf(ex).bids[0][0];
    const price = BTC_PRICE(Math.round(Number(bid) * 10) - 10);
    const placed = ok(await place(c, { side: 'buy', orderType: 'limit', price, size: '0.01', clientOid: 'c1', force: 'gtc' }), 'place');
    assert.equal(Object.keys(placed), ['clientOid', 'orderId']);
    assert.is(placed.clientOid, 'c1');
    assert.match(placed.orderId, /^\d{19}$/);

    const pending = ok(await c.get('/api/v2/mix/order/orders-pending', { productType: 'USDT-FUTURES', symbol: 'BTCUSDT' }));
    assert.is(pending.entrustedList.length, 1);
    const row = pending.entrustedList[0];
    assert.equal(
      [row.orderId, row.clientOid, row.price, row.size, row.status, row.side, row.orderType, row.force, row.baseVolume, row.posMode],
      [placed.orderId, 'c1', price, '0.01', 'live', 'buy', 'limit', 'gtc', '0', 'one_way_mode'],
    );
    assert.is(pending.endId, placed.orderId);
    const level = ex
      .market('USDT-FUTURES', 'BTCUSDT')!
      .book(20)
      .levels.bids.find(([p]) => p === price);
    assert.ok(level, 'the order shows in the public book');

    const detail = ok(await c.get('/api/v2/mix/order/detail', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', clientOid: 'c1' }));
    assert.equal([detail.orderId, detail.state], [placed.orderId, 'live']);

    const dup = await place(c, { side: 'buy', orderType: 'limit', price, size: '0.01', clientOid: 'c1' });
    assert.equal([dup.status, dup.json.code, dup.json.msg], [400, '40786', 'Duplicate clientOid']);

    const cancelled = ok(
      await c.post('/api/v2/mix/order/cancel-order', {
        symbol: 'BTCUSDT',
        productType: 'USDT-FUTURES',
        marginCoin: 'USDT',
        orderId: placed.orderId,
      }),
    );
    assert.equal(cancelled, { orderId: placed.orderId, clientOid: 'c1' });
    assert.is(ok(await c.get('/api/v2/mix/order/orders-pending', { productType: 'USDT-FUTURES' })).entrustedList, null);
    const after = ok(await c.get('/api/v2/mix/order/detail', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', orderId: placed.orderId }));
    assert.equal([after.state, after.cancelReason], ['canceled', 'normal_cancel']);
    const backLevel = ex
      .market('USDT-FUTURES', 'BTCUSDT')!
      .book(20)
      .levels.bids.find(([p]) => p === price);
    assert.equal(backLevel?.[1] ?? '0', level![1] === '0.01' ? '0' : BTC_SIZE(BTC_LOTS(level![1]) - 100), 'the public level shrank back');

    for (const body of [{ orderId: placed.orderId }, { clientOid: 'nope' }, { orderId: '1' }]) {
      const r = await c.post('/api/v2/mix/order/cancel-order', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', ...body });
      assert.equal(
        [r.status, r.json.code, r.json.msg],
        [400, '40109', 'The data of the order cannot be found, please confirm the order number'],
        JSON.stringify(body),
      );
    }
    const missing = await c.get('/api/v2/mix/order/detail', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', orderId: '123' });
    assert.is(missing.json.code, '40109');
    assert.equal(account(ex).futures.balance, '10000', 'no trade, no fee');
  });
});

test('a resting order joins the back of the queue and fills only after the queue ahead is traded through', async () => {
  await withExchange(async (ex, c) => {
    const [bidPrice, bidSize] = topOf(ex).bids[0];
    const ahead = BTC_LOTS(bidSize);
    const placed = ok(await place(c, { side: 'buy', orderType: 'limit', price: bidPrice, size: '0.05', clientOid: 'q1' }));
    const mine = () => account(ex).openOrders.find((o) => o.orderId === placed.orderId);
    assert.is(mine()!.queueAheadLots, ahead, 'queue ahead = the level size when it arrived');

    // a simulated sell of all but one lot ahead: no fill
    const t1 = ex.trading!.injectMarketOrder('BTCUSDT', 'sell', { lots: ahead - 1 });
    assert.equal(
      t1.map((t) => [t.qtyLot, t.side]),
      [[ahead - 1, 'sell']],
    );
    assert.equal([mine()!.filledLots, mine()!.queueAheadLots, account(ex).fills.length], [0, 1, 0]);

    // one more lot ahead plus 200 of ours
    ex.trading!.injectMarketOrder('BTCUSDT', 'sell', { lots: 1 + 200 });
    assert.equal([mine()!.filledLots, mine()!.queueAheadLots, mine()!.status], [200, 0, 'partially_filled']);
    const [f1] = account(ex).fills;
    assert.equal([f1.price, f1.size, f1.scope, f1.side], [bidPrice, '0.02', 'maker', 'buy']);
    assert.is(M(f1.fee), makerFee(notional(bidPrice, '0.02')), 'maker fee 0.02% of the fill notional, exact');

    // the rest
    ex.trading!.injectMarketOrder('BTCUSDT', 'sell', { lots: 300 });
    assert.is(mine(), undefined, 'filled orders leave the book');
    const a = account(ex);
    assert.equal(
      a.fills.map((f) => f.lots),
      [200, 300],
    );
    assert.equal([a.futures.positions[0].lots, a.futures.positions[0].openPriceAvg], [500, bidPrice]);
    const d = ok(await c.get('/api/v2/mix/order/detail', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', clientOid: 'q1' }));
    assert.equal([d.state, d.baseVolume, d.priceAvg, d.fee], ['filled', '0.05', bidPrice, `-${a.futures.fees}`]);
    assert.is(M(a.futures.balance), 10_000n * 10n ** 18n - makerFee(notional(bidPrice, '0.02')) - makerFee(notional(bidPrice, '0.03')));
  });
});

test('under the seeded flow: the queue ahead only shrinks (trades and cancels ahead), fills come only at the head and never exceed the volume traded at the price', async () => {
  await withExchange(async (ex, c) => {
    const pub = await WsProbe.open(ex.url.ws);
    try {
      pub.subscribe({ instType: 'USDT-FUTURES', channel: 'trade', instId: 'BTCUSDT' });
      await pub.next((f) => f.startsWith('{"action":"snapshot"'), 'trade snapshot');
      // a few levels below the touch: it waits long enough for cancels ahead of it, then the price comes down to it
      const [bidPrice] = topOf(ex).bids[3];
      const placed = ok(await place(c, { side: 'buy', orderType: 'limit', price: bidPrice, size: '0.2', clientOid: 'flow' }));
      let prevAhead = account(ex).openOrders[0].queueAheadLots;
      let prevFilled = 0;
      let cancelsAhead = 0;
      let tradedAtPrice = 0;
      for (let step = 0; step < 3000; step++) {
        ex.tick(1);
        const mark = pub.frames.length;
        await pub.barrier();
        let traded = 0;
        for (const f of pub.since(mark)) {
          if (!f.startsWith('{"action":"update"')) continue;
          for (const t of JSON.parse(f).data) if (t.price === bidPrice) traded += BTC_LOTS(t.size);
        }
        tradedAtPrice += traded;
        const o = account(ex).openOrders.find((x) => x.orderId === placed.orderId);
        const filled = o ? o.filledLots : 2000;
        const ahead = o ? o.queueAheadLots : 0;
        assert.ok(ahead <= prevAhead, `step ${step}: queue ahead grew ${prevAhead} → ${ahead}`);
        assert.ok(filled - prevFilled <= traded, `step ${step}: filled ${filled - prevFilled} > traded at the price ${traded}`);
        if (filled > prevFilled) assert.is(ahead, 0, `step ${step}: a fill while ${ahead} lots were still ahead`);
        if (ahead < prevAhead && traded === 0) cancelsAhead++;
        prevAhead = ahead;
        prevFilled = filled;
        if (!o) break;
      }
      assert.ok(cancelsAhead > 0, 'cancels of orders ahead moved the order up (exact queue, no trade needed)');
      assert.ok(prevFilled > 0, 'the flow reached the order');
      assert.ok(tradedAtPrice >= prevFilled);
      const fills = account(ex).fills;
      assert.ok(fills.every((f) => f.scope === 'maker' && f.price === bidPrice));
    } finally {
      pub.close();
    }
  }, 7);
});

test('a marketable order walks the book: one taker fill per level, taker fee each, liquidity leaves the public book, public trades print', async () => {
  await withExchange(async (ex, c) => {
    const pub = await WsProbe.open(ex.url.ws);
    try {
      pub.subscribe(
        { instType: 'USDT-FUTURES', channel: 'trade', instId: 'BTCUSDT' },
        { instType: 'USDT-FUTURES', channel: 'books', instId: 'BTCUSDT' },
      );
      await pub.next((f) => f.startsWith('{"action":"snapshot"') && f.includes('"channel":"books"'), 'books snapshot');
      const asks = topOf(ex).asks;
      const [l1, l2, l3] = asks.map(([p, s]) => ({ p, lots: BTC_LOTS(s) }));
      const third = Math.floor(l3.lots / 2);
      const size = BTC_SIZE(l1.lots + l2.lots + third);
      const r = ok(await place(c, { side: 'buy', orderType: 'market', size, clientOid: 'walk' }));
      const a = account(ex);
      assert.equal(
        a.fills.map((f) => [f.price, f.lots, f.scope]),
        [
          [l1.p, l1.lots, 'taker'],
          [l2.p, l2.lots, 'taker'],
          [l3.p, third, 'taker'],
        ],
      );
      let fees = 0n;
      for (const f of a.fills) {
        const want = takerFee(notional(f.price, f.size));
        assert.is(M(f.fee), want, `taker fee 0.06% at ${f.price}`);
        fees += want;
      }
      assert.is(M(a.futures.balance), 10_000n * 10n ** 18n - fees);
      assert.is(a.futures.positions[0].size, size);
      const after = topOf(ex).asks;
      assert.equal(after[0], [l3.p, BTC_SIZE(l3.lots - third)], 'two levels gone, the third reduced');
      const d = ok(await c.get('/api/v2/mix/order/detail', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', orderId: r.orderId }));
      assert.equal([d.state, d.baseVolume, d.price, d.orderType], ['filled', size, '0', 'market']);

      const mark = pub.frames.length;
      ex.tick(1);
      await pub.barrier();
      const pushed = pub.since(mark);
      const tradeFrame = pushed.find((f) => f.startsWith('{"action":"update"') && f.includes('"channel":"trade"'));
      const booksText = pushed.find((f) => f.startsWith('{"action":"update"') && f.includes('"channel":"books"'));
      assert.ok(tradeFrame && booksText, 'a trade and a books update after the tick');
      const printed = JSON.parse(tradeFrame).data.map((t: { tradeId: string; price: string; size: string; side: string }) => [
        t.tradeId,
        t.price,
        t.size,
        t.side,
      ]);
      for (const f of a.fills)
        assert.ok(
          printed.some((t: string[]) => t[0] === f.tradeId && t[1] === f.price && t[2] === f.size && t[3] === 'buy'),
          `public trade ${f.tradeId}`,
        );
      const booksFrame = JSON.parse(booksText);
      const touched = new Map<string, string>(booksFrame.data[0].asks);
      assert.ok(touched.has(l1.p) && touched.has(l2.p) && touched.has(l3.p), 'the walked levels are in the public update');
    } finally {
      pub.close();
    }
  });
});

test('post_only that would cross is rejected; FOK fills all or nothing; IOC cancels the rest', async () => {
  await withExchange(async (ex, c) => {
    const { bids, asks } = topOf(ex);
    const [a1, a2] = asks.map(([p, s]) => ({ p, lots: BTC_LOTS(s) }));
    const po = await place(c, { side: 'buy', orderType: 'limit', force: 'post_only', price: a1.p, size: '0.01', clientOid: 'po' });
    assert.equal([po.status, po.json.code], [400, '43013']);
    assert.match(po.json.msg, /post_only/);
    assert.is(
      ok(await c.get('/api/v2/mix/order/orders-pending', { productType: 'USDT-FUTURES' })).entrustedList,
      null,
      'nothing was created',
    );
    const poSell = await place(c, { side: 'sell', orderType: 'limit', force: 'post_only', price: bids[0][0], size: '0.01' });
    assert.is(poSell.json.code, '43013');
    ok(
      await place(c, { side: 'buy', orderType: 'limit', force: 'POST_ONLY', price: bids[0][0], size: '0.01', clientOid: 'po-ok' }),
      'post_only that rests',
    );
    assert.is(account(ex).openOrders[0].clientOid, 'po-ok');

    const fokKill = ok(
      await place(c, { side: 'buy', orderType: 'limit', force: 'fok', price: a1.p, size: BTC_SIZE(a1.lots + 1), clientOid: 'fok1' }),
    );
    const k = ok(await c.get('/api/v2/mix/order/detail', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', orderId: fokKill.orderId }));
    assert.equal([k.state, k.baseVolume], ['canceled', '0']);
    assert.equal(topOf(ex).asks[0], [a1.p, BTC_SIZE(a1.lots)], 'FOK kill leaves the book alone');

    const fokFill = ok(
      await place(c, { side: 'buy', orderType: 'limit', force: 'fok', price: a2.p, size: BTC_SIZE(a1.lots + 1), clientOid: 'fok2' }),
    );
    const f = ok(await c.get('/api/v2/mix/order/detail', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', orderId: fokFill.orderId }));
    assert.equal([f.state, f.baseVolume], ['filled', BTC_SIZE(a1.lots + 1)]);

    const a2left = a2.lots - 1;
    const ioc = ok(
      await place(c, { side: 'buy', orderType: 'limit', force: 'ioc', price: a2.p, size: BTC_SIZE(a2left + 7), clientOid: 'ioc' }),
    );
    const i = ok(await c.get('/api/v2/mix/order/detail', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', orderId: ioc.orderId }));
    assert.equal([i.state, i.baseVolume], ['canceled', BTC_SIZE(a2left)], 'IOC took the level and cancelled the 7 lots left');
    assert.ok(
      account(ex).openOrders.every((o) => o.clientOid === 'po-ok'),
      'IOC and FOK never rest',
    );
  });
});

test('rejects: balance 40762, min notional 45110, size scale 40808, price scale / off-grid 41103, min size 45111, parameters', async () => {
  await withExchange(async (ex, c) => {
    const bid = topOf(ex).bids[0][0];
    const cases: [Record<string, string>, string, string | RegExp][] = [
      [{ side: 'buy', orderType: 'market', size: '20' }, '40762', 'The order amount exceeds the balance'],
      [{ side: 'buy', orderType: 'limit', price: '80000', size: '1.3' }, '40762', 'The order amount exceeds the balance'],
      [{ side: 'buy', orderType: 'limit', price: '40000', size: '0.0001' }, '45110', 'less than the minimum amount 5 USDT'],
      [
        { side: 'buy', orderType: 'limit', price: bid, size: '0.00001' },
        '40808',
        'Parameter verification exception size checkBDScale error value=0.00001 checkScale=4',
      ],
      [{ side: 'buy', orderType: 'limit', price: '89999.95', size: '0.01' }, '41103', 'param price scale error error'],
      [{ side: 'buy', orderType: 'limit', price: '0', size: '0.01' }, '43011', /executePrice <= 0/],
      [{ side: 'buy', orderType: 'limit', price: bid, size: '0' }, '45111', /minimum order quantity/],
      [{ side: 'buy', orderType: 'limit', size: '0.01' }, '40019', 'Parameter price cannot be empty'],
      [{ side: 'up', orderType: 'limit', price: bid, size: '0.01' }, '40020', 'Parameter side error'],
      [{ side: 'buy', orderType: 'stop', price: bid, size: '0.01' }, '40020', 'Parameter orderType error'],
      [{ side: 'buy', orderType: 'limit', price: bid, size: '0.01', force: 'day' }, '40020', 'Parameter force error'],
      [{ side: 'buy', orderType: 'limit', price: bid, size: '0.01', marginCoin: 'BTC' }, '40020', 'Parameter marginCoin error'],
      [{ side: 'buy', orderType: 'limit', price: bid, size: '0.01', symbol: 'NOPEUSDT' }, '40034', 'Parameter NOPEUSDT does not exist'],
      [{ side: 'buy', orderType: 'limit', price: bid, size: '0.01', clientOid: 'x'.repeat(51) }, '40305', /Client_oid length/],
      [{ side: 'buy', orderType: 'limit', price: bid, size: 'abc' }, '40020', 'Parameter size error'],
      // SOLUSDT: pricePlace 3, priceEndStep 5 (tick 0.005), size step 0.1
      [{ symbol: 'SOLUSDT', side: 'buy', orderType: 'limit', price: '140.123', size: '1' }, '41103', 'param price scale error error'],
      [{ symbol: 'SOLUSDT', side: 'buy', orderType: 'limit', price: '140.1234', size: '1' }, '41103', 'param price scale error error'],
      [
        { symbol: 'SOLUSDT', side: 'buy', orderType: 'limit', price: '140.12', size: '0.15' },
        '40808',
        'Parameter verification exception size checkBDScale error value=0.15 checkScale=1',
      ],
      [{ side: 'sell', orderType: 'limit', price: bid, size: '0.01', reduceOnly: 'YES' }, '22002', 'No position to close'],
    ];
    for (const [o, code, msg] of cases) {
      const r = await place(c, { side: 'buy', ...o });
      assert.is(r.json.code, code, `${JSON.stringify(o)} → ${r.text}`);
      if (typeof msg === 'string') assert.is(r.json.msg, msg);
      else assert.match(r.json.msg, msg);
      assert.is(r.json.data, null);
    }
    const bad = await c.post('/api/v2/mix/order/place-order', '{"symbol":');
    assert.is(bad.json.code, '40017');
    ok(await place(c, { symbol: 'SOLUSDT', side: 'buy', orderType: 'limit', price: '130.125', size: '0.5' }), 'on the SOL grid');
    assert.is(account(ex).futures.balance, '10000');
    assert.is(account(ex).fills.length, 0);
  });
});

test('one-way position: reduce-only, partial close, flip; balance = initial − fees + realised PnL exactly', async () => {
  await withExchange(async (ex, c) => {
    ok(await place(c, { side: 'buy', orderType: 'market', size: '0.05', clientOid: 'open' }));
    let a = account(ex);
    assert.equal([a.futures.positions[0].lots, a.futures.positions[0].size], [500, '0.05']);

    const tooBig = await place(c, { side: 'sell', orderType: 'market', size: '0.06', reduceOnly: 'YES' });
    assert.is(tooBig.json.code, '40757');
    const sameSide = await place(c, { side: 'buy', orderType: 'market', size: '0.01', reduceOnly: 'YES' });
    assert.is(sameSide.json.code, '22002');

    // reduce-only maker sell 0.03 at the best ask, filled by a simulated buy through the queue
    const [askPrice] = topOf(ex).asks[0];
    const ro = ok(await place(c, { side: 'sell', orderType: 'limit', price: askPrice, size: '0.03', reduceOnly: 'YES', clientOid: 'ro' }));
    const positions = ok(
      await c.get('/api/v2/mix/position/single-position', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', marginCoin: 'USDT' }),
    );
    assert.equal(
      [positions[0].total, positions[0].locked, positions[0].available, positions[0].holdSide],
      ['0.05', '0.03', '0.02', 'long'],
    );
    const ahead = account(ex).openOrders.find((o) => o.orderId === ro.orderId)!.queueAheadLots;
    ex.trading!.injectMarketOrder('BTCUSDT', 'buy', { lots: ahead + 300 });
    a = account(ex);
    assert.equal(a.futures.positions[0].lots, 200);
    const closeFill = a.fills.find((f) => f.orderId === ro.orderId)!;
    const openCost = M(a.fills[0].notional);
    const expectProfit = M(closeFill.notional) - (openCost * 300n) / 500n;
    assert.is(M(closeFill.profit), expectProfit, 'pro-rata cost of the closed lots');
    assert.equal([closeFill.scope, M(closeFill.fee)], ['maker', makerFee(M(closeFill.notional) / 10n ** 0n)]);

    // a resting reduce-only order is cancelled when the position it reduces goes away
    const [ask2] = topOf(ex).asks[3];
    const ro2 = ok(await place(c, { side: 'sell', orderType: 'limit', price: ask2, size: '0.02', reduceOnly: 'YES', clientOid: 'ro2' }));
    // sell 0.07 at market: closes 0.02, opens a 0.05 short (a flip)
    ok(await place(c, { side: 'sell', orderType: 'market', size: '0.07', clientOid: 'flip' }));
    a = account(ex);
    assert.equal(
      a.futures.positions.map((p) => [p.lots, p.size]),
      [[-500, '-0.05']],
    );
    const d = ok(await c.get('/api/v2/mix/order/detail', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', orderId: ro2.orderId }));
    assert.equal([d.state, d.cancelReason], ['canceled', 'reduce_only_no_position']);
    const all = ok(await c.get('/api/v2/mix/position/all-position', { productType: 'USDT-FUTURES', marginCoin: 'USDT' }));
    assert.equal([all.length, all[0].holdSide, all[0].total, all[0].posMode], [1, 'short', '0.05', 'one_way_mode']);

    ok(await place(c, { side: 'buy', orderType: 'market', size: '0.05', reduceOnly: 'YES', clientOid: 'flat' }));
    a = account(ex);
    assert.equal(a.futures.positions, []);
    assert.equal(ok(await c.get('/api/v2/mix/position/all-position', { productType: 'USDT-FUTURES' })), []);

    let fees = 0n;
    let profit = 0n;
    let sells = 0n;
    let buys = 0n;
    for (const f of a.fills) {
      fees += M(f.fee);
      profit += M(f.profit);
      if (f.side === 'sell') sells += M(f.notional);
      else buys += M(f.notional);
    }
    assert.is(M(a.futures.balance), M(a.futures.initialBalance) - fees + profit, 'balance = initial − fees + realised PnL');
    assert.is(profit, sells - buys, 'flat again: realised PnL = Σ sells − Σ buys, exactly');
    assert.equal([M(a.futures.fees), M(a.futures.realizedPnl)], [fees, profit]);
    assert.is(M(a.futures.unrealizedPnl), 0n);
    const acct = ok(await c.get('/api/v2/mix/account/account', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', marginCoin: 'USDT' }));
    assert.equal([M(acct.accountEquity), M(acct.available), acct.locked], [M(a.futures.balance), M(a.futures.balance), '0']);
  });
});

test('reduce-only orders adding up to more than the position: the oldest are cancelled (Bitget one-way rule)', async () => {
  await withExchange(async (ex, c) => {
    ok(await place(c, { side: 'buy', orderType: 'market', size: '0.05' }));
    const ask = Number(topOf(ex).asks[0][0]);
    const first = ok(
      await place(c, { side: 'sell', orderType: 'limit', price: String(ask + 10), size: '0.03', reduceOnly: 'YES', clientOid: 'ro-a' }),
    );
    ok(await place(c, { side: 'sell', orderType: 'limit', price: String(ask + 11), size: '0.02', reduceOnly: 'YES', clientOid: 'ro-b' }));
    assert.equal(
      account(ex).openOrders.map((o) => o.clientOid),
      ['ro-a', 'ro-b'],
      '0.03 + 0.02 fit the 0.05 position',
    );
    ok(await place(c, { side: 'sell', orderType: 'limit', price: String(ask + 12), size: '0.01', reduceOnly: 'YES', clientOid: 'ro-c' }));
    assert.equal(
      account(ex).openOrders.map((o) => o.clientOid),
      ['ro-b', 'ro-c'],
      'the oldest made room',
    );
    const d = ok(await c.get('/api/v2/mix/order/detail', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', orderId: first.orderId }));
    assert.equal([d.state, d.cancelReason], ['canceled', 'reduce_only_exceeds_position']);
  });
});

test('margin: position margin = cost / leverage; set-leverage changes it; bounds', async () => {
  await withExchange(async (ex, c) => {
    ok(await place(c, { side: 'buy', orderType: 'market', size: '0.5' }));
    const cost = M(account(ex).futures.positions[0].cost);
    assert.is(M(account(ex).futures.positionMargin), (cost + 9n) / 10n);
    const set = ok(
      await c.post('/api/v2/mix/account/set-leverage', {
        symbol: 'BTCUSDT',
        productType: 'USDT-FUTURES',
        marginCoin: 'USDT',
        leverage: '20',
      }),
    );
    assert.equal(set, {
      symbol: 'BTCUSDT',
      marginCoin: 'USDT',
      longLeverage: '20',
      shortLeverage: '20',
      crossMarginLeverage: '20',
      marginMode: 'crossed',
    });
    assert.is(M(account(ex).futures.positionMargin), (cost + 19n) / 20n);
    const acct = ok(await c.get('/api/v2/mix/account/account', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', marginCoin: 'USDT' }));
    assert.is(acct.crossedMarginLeverage, '20');
    const accounts = ok(await c.get('/api/v2/mix/account/accounts', { productType: 'USDT-FUTURES' }));
    assert.equal([accounts.length, accounts[0].marginCoin], [1, 'USDT']);
    const tooHigh = await c.post('/api/v2/mix/account/set-leverage', {
      symbol: 'BTCUSDT',
      productType: 'USDT-FUTURES',
      marginCoin: 'USDT',
      leverage: '126',
    });
    assert.is(tooHigh.json.code, '40797');
    const notNumber = await c.post('/api/v2/mix/account/set-leverage', {
      symbol: 'BTCUSDT',
      productType: 'USDT-FUTURES',
      marginCoin: 'USDT',
      leverage: 'x',
    });
    assert.is(notNumber.json.code, '40020');
    // at 1x, 10000 USDT cannot hold 0.5 BTC (45000 USDT)
    const one = await c.post('/api/v2/mix/account/set-leverage', {
      symbol: 'BTCUSDT',
      productType: 'USDT-FUTURES',
      marginCoin: 'USDT',
      leverage: '1',
    });
    assert.is(one.json.code, '40893', 'cannot lower leverage below what the position needs');
    const r = await place(c, { side: 'buy', orderType: 'limit', price: topOf(ex).bids[0][0], size: '2' }); // 9000 USDT margin at 20x
    assert.is(r.json.code, '40762');
  });
});

test('orders-pending pages newest first with idLessThan; batch-cancel-orders per symbol; cancel-all-orders cancels the whole product type', async () => {
  await withExchange(async (ex, c) => {
    const bid = Number(topOf(ex).bids[0][0]);
    for (let i = 1; i <= 3; i++)
      ok(await place(c, { side: 'buy', orderType: 'limit', price: String(bid - i), size: '0.01', clientOid: `b${i}` }));
    ok(await place(c, { symbol: 'SOLUSDT', side: 'buy', orderType: 'limit', price: '120', size: '1', clientOid: 's1' }));
    const page1 = ok(await c.get('/api/v2/mix/order/orders-pending', { productType: 'USDT-FUTURES', symbol: 'BTCUSDT', limit: 2 }));
    assert.equal(
      page1.entrustedList.map((x: { clientOid: string }) => x.clientOid),
      ['b3', 'b2'],
    );
    const page2 = ok(
      await c.get('/api/v2/mix/order/orders-pending', {
        productType: 'USDT-FUTURES',
        symbol: 'BTCUSDT',
        limit: 2,
        idLessThan: page1.endId,
      }),
    );
    assert.equal(
      page2.entrustedList.map((x: { clientOid: string }) => x.clientOid),
      ['b1'],
    );

    const batch = ok(
      await c.post('/api/v2/mix/order/batch-cancel-orders', {
        symbol: 'SOLUSDT',
        productType: 'USDT-FUTURES',
        marginCoin: 'USDT',
        orderIdList: [{ clientOid: 's1' }, { orderId: '999' }, { clientOid: 'b1' }],
      }),
    );
    assert.equal(
      batch.successList.map((x: { clientOid: string }) => x.clientOid),
      ['s1'],
    );
    assert.equal(
      batch.failureList.map((x: { orderId: string; clientOid: string; errorCode: string }) => [x.orderId, x.clientOid, x.errorCode]),
      [
        ['999', '', '40109'],
        ['', 'b1', '40109'],
      ],
      'b1 is a BTCUSDT order: not found under SOLUSDT',
    );
    const empty = await c.post('/api/v2/mix/order/batch-cancel-orders', {
      symbol: 'SOLUSDT',
      productType: 'USDT-FUTURES',
      orderIdList: [],
    });
    // No list: every open order of the symbol (none of SOLUSDT is left; the BTCUSDT ones stay)
    assert.equal(ok(empty), { successList: [], failureList: [] });

    ok(await place(c, { symbol: 'SOLUSDT', side: 'buy', orderType: 'limit', price: '120', size: '1', clientOid: 's2' }));
    // Bitget's cancel-all-orders has no symbol parameter: one sent anyway is ignored
    const all = ok(
      await c.post('/api/v2/mix/order/cancel-all-orders', { productType: 'USDT-FUTURES', marginCoin: 'USDT', symbol: 'SOLUSDT' }),
    );
    assert.equal([all.successList.map((x: { clientOid: string }) => x.clientOid), all.failureList], [['b1', 'b2', 'b3', 's2'], []]);
    assert.equal(account(ex).openOrders, []);
    assert.equal(M(account(ex).futures.frozen), 0n);
  });
});

test('spot: limit buy freezes quote, fills as maker with the fee in base; market buy spends quote; sell without base → 43012', async () => {
  await withExchange(async (ex, c) => {
    const book = ex.market('SPOT', 'BTCUSDT')!.book(3).levels;
    const [bidPrice, bidSize] = book.bids[0];
    // spot BTCUSDT: price 2 decimals, size 6 decimals (trailing zeros kept on the wire)
    const r = ok(
      await c.post('/api/v2/spot/trade/place-order', {
        symbol: 'BTCUSDT',
        side: 'buy',
        orderType: 'limit',
        force: 'gtc',
        price: bidPrice,
        size: '0.01',
        clientOid: 'sp1',
      }),
    );
    const frozen = scaled(bidPrice, 2) * scaled('0.01', 6) * 10n ** 10n;
    assert.equal([M(account(ex).spot.USDT.frozen), M(account(ex).spot.USDT.available)], [frozen, 10_000n * 10n ** 18n - frozen]);
    const open = ok(await c.get('/api/v2/spot/trade/unfilled-orders', { symbol: 'BTCUSDT' }));
    assert.equal([open.length, open[0].orderId, open[0].status, open[0].basePrice], [1, r.orderId, 'live', bidPrice]);
    ex.trading!.injectMarketOrder('BTCUSDT', 'sell', { lots: Number(scaled(bidSize, 6)) + 10_000 }, 'SPOT');
    const a = account(ex);
    assert.equal(
      a.fills.map((f) => [f.scope, f.size, f.feeCoin]),
      [['maker', '0.010000', 'BTC']],
    );
    assert.is(M(a.spot.BTC.available), 10n ** 16n - 10n ** 13n, '0.01 BTC less the 0.1% fee in BTC');
    assert.equal([M(a.spot.USDT.frozen), M(a.spot.USDT.available)], [0n, 10_000n * 10n ** 18n - frozen]);
    assert.equal(ok(await c.get('/api/v2/spot/trade/unfilled-orders', {})), []);

    const noBase = await c.post('/api/v2/spot/trade/place-order', {
      symbol: 'BTCUSDT',
      side: 'sell',
      orderType: 'limit',
      force: 'gtc',
      price: book.asks[0][0],
      size: '1',
    });
    assert.equal([noBase.json.code, noBase.json.msg], ['43012', 'Insufficient balance']);
    const mkt = ok(
      await c.post('/api/v2/spot/trade/place-order', { symbol: 'BTCUSDT', side: 'buy', orderType: 'market', force: 'gtc', size: '100' }),
    );
    const b = account(ex);
    const spent = b.fills.filter((f) => f.orderId === mkt.orderId).reduce((s, f) => s + M(f.notional), 0n);
    assert.ok(spent > 99n * 10n ** 18n && spent <= 100n * 10n ** 18n, `spent ${spent}`);
    assert.is(M(b.spot.USDT.available), 10_000n * 10n ** 18n - frozen - spent);
    const cancelUnknown = await c.post('/api/v2/spot/trade/cancel-order', { symbol: 'BTCUSDT', orderId: r.orderId });
    assert.equal([cancelUnknown.json.code, cancelUnknown.json.msg], ['43001', 'Order does not exist']);
    const assets = ok(await c.get('/api/v2/spot/account/assets', {}));
    assert.equal(assets.map((x: { coin: string }) => x.coin).sort(), ['BTC', 'USDT']);
  });
});

test('GET /debug/account and POST /debug/market-order (unsigned)', async () => {
  await withExchange(async (ex, c) => {
    const [bidPrice, bidSize] = topOf(ex).bids[0];
    ok(await place(c, { side: 'buy', orderType: 'limit', price: bidPrice, size: '0.01' }));
    const r = await fetch(`${ex.url.rest}/debug/market-order`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ symbol: 'BTCUSDT', side: 'sell', size: BTC_SIZE(BTC_LOTS(bidSize) + 100) }),
    });
    const trades = JSON.parse(await r.text());
    assert.equal(
      trades.map((t: { price: string; side: string }) => [t.price, t.side]),
      [[bidPrice, 'sell']],
    );
    const dbg = JSON.parse((await getText(`${ex.url.rest}/debug/account`)).text);
    assert.equal([dbg.openOrders.length, dbg.fills.length, dbg.fills[0].scope, dbg.futures.positions[0].size], [0, 1, 'maker', '0.01']);
  });
});

test.run();
