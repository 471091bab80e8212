// Modify order, batch place and batch cancel on the local exchange (docs/bitget.md §5.7, docs/exchange.md): the
// queue consequences of an amendment in the simulated book (as Bitget documents it, every amendment is a cancel and a
// new order at the back of the queue; with amendKeepsQueue a size decrease keeps the place and a price change does
// not), the checks that leave a refused amendment's order untouched, the private pushes of an amended order, and
// per-order answers of a batch in which one order is bad. Markets are manual; rate limits off.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startExchange, type Exchange } from '../../src/exchange/index';
import { scaled } from './helpers';
import { FUT, client, loginProbe, pushData, type Reply } from './private-helpers';

type Client = ReturnType<typeof client>;

async function withExchange(fn: (ex: Exchange, c: Client) => Promise<void>, amendKeepsQueue = false): Promise<void> {
  const ex = await startExchange({
    seed: 11,
    manual: true,
    symbols: ['USDT-FUTURES:BTCUSDT', 'USDT-FUTURES:SOLUSDT'],
    maxMessagesPerSec: 100_000,
    trading: { rateLimits: false, amendKeepsQueue },
  });
  try {
    await fn(ex, client(ex.url.rest));
  } finally {
    await ex.close();
  }
}

const ok = (r: Reply, what = '') => {
  assert.is(r.json.code, '00000', `${what}: ${r.text}`);
  return r.json.data;
};
const place = (c: Client, o: Record<string, string>) => c.post('/api/v2/mix/order/place-order', { ...FUT, ...o });
const modify = (c: Client, o: Record<string, string>) =>
  c.post('/api/v2/mix/order/modify-order', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', marginCoin: 'USDT', ...o });
const openOrder = (ex: Exchange, clientOid: string) => ex.trading!.account().openOrders.find((o) => o.clientOid === clientOid);
const BTC_LOTS = (size: string) => Number(scaled(size, 4));
const BTC_PRICE = (tick: number) => (tick / 10).toFixed(1).replace(/\.0$/, '');

/**
 * Two own bids at the best bid, `a` then `b` (b queues behind a), and the queue ahead of a: the level's simulated
 * size when a arrived.
 */
async function twoBids(ex: Exchange, c: Client): Promise<{ price: string; ahead: number }> {
  const [price, size] = ex.market('USDT-FUTURES', 'BTCUSDT')!.book(1).levels.bids[0];
  ok(await place(c, { side: 'buy', orderType: 'limit', price, size: '0.05', clientOid: 'a' }), 'a');
  ok(await place(c, { side: 'buy', orderType: 'limit', price, size: '0.05', clientOid: 'b' }), 'b');
  const ahead = BTC_LOTS(size);
  assert.equal([openOrder(ex, 'a')!.queueAheadLots, openOrder(ex, 'b')!.queueAheadLots], [ahead, ahead + 500]);
  return { price, ahead };
}

test('amendKeepsQueue: a size decrease keeps the queue place (and the orderId), the level shrinks by the difference', async () => {
  await withExchange(async (ex, c) => {
    const { price, ahead } = await twoBids(ex, c);
    const before = openOrder(ex, 'a')!;
    const r = ok(await modify(c, { clientOid: 'a', newClientOid: 'a2', newSize: '0.02', newPrice: price }), 'modify');
    assert.equal(r, { orderId: before.orderId, clientOid: 'a2' });
    const a = openOrder(ex, 'a2')!;
    assert.equal([a.orderId, a.sizeLots, a.queueAheadLots], [before.orderId, 200, ahead], 'same order, same place, smaller');
    assert.is(openOrder(ex, 'b')!.queueAheadLots, ahead + 200, 'the order behind moved up by what a gave up');
    assert.is(openOrder(ex, 'a'), undefined, 'the old clientOid is gone');
    // The queue ahead trades, then a's 0.02 fills before any of b
    ex.trading!.injectMarketOrder('BTCUSDT', 'sell', { lots: ahead + 200 });
    const fills = ex.trading!.account().fills.map((f) => [f.clientOid, f.lots, f.scope]);
    assert.equal(fills, [['a2', 200, 'maker']]);
    assert.is(openOrder(ex, 'b')!.queueAheadLots, 0);
  }, true);
});

test('amendKeepsQueue: a price change loses the place: a new order at the back of the new level', async () => {
  await withExchange(async (ex, c) => {
    const { price } = await twoBids(ex, c);
    const before = openOrder(ex, 'a')!;
    const lower = BTC_PRICE(before.priceTick - 1);
    const lowerLots = BTC_LOTS(
      ex
        .market('USDT-FUTURES', 'BTCUSDT')!
        .book(5)
        .levels.bids.find(([p]) => p === lower)?.[1] ?? '0',
    );
    ok(await modify(c, { clientOid: 'a', newClientOid: 'a2', newSize: '0.05', newPrice: lower }), 'modify');
    const a = openOrder(ex, 'a2')!;
    assert.ok(a.orderId !== before.orderId, 'a new order');
    assert.equal([a.price, a.queueAheadLots], [lower, lowerLots], 'at the back of the lower level');
    assert.is(openOrder(ex, 'b')!.queueAheadLots, BTC_LOTS(ex.market('USDT-FUTURES', 'BTCUSDT')!.book(1).levels.bids[0][1]) - 500);
    assert.is(price, ex.market('USDT-FUTURES', 'BTCUSDT')!.book(1).levels.bids[0][0]);
    // Back to the old price: behind b now, not ahead of it
    ok(await modify(c, { clientOid: 'a2', newClientOid: 'a3', newSize: '0.05', newPrice: price }), 'modify back');
    assert.is(openOrder(ex, 'a3')!.queueAheadLots, openOrder(ex, 'b')!.queueAheadLots + 500);
    // A size increase at the same price also goes to the back
    ok(await modify(c, { clientOid: 'b', newClientOid: 'b2', newSize: '0.06', newPrice: price }), 'size up');
    assert.is(openOrder(ex, 'b2')!.queueAheadLots, openOrder(ex, 'a3')!.queueAheadLots + 500);
  }, true);
});

test('as Bitget documents it (default): even a size decrease cancels and places anew, behind the order that was behind', async () => {
  await withExchange(async (ex, c) => {
    const { price, ahead } = await twoBids(ex, c);
    const before = openOrder(ex, 'a')!;
    const r = ok(await modify(c, { orderId: before.orderId, newClientOid: 'a2', newSize: '0.02', newPrice: price }), 'modify');
    assert.equal(r, { orderId: before.orderId, clientOid: 'a2' }, 'the answer names the order modified and its new clientOid');
    const a = openOrder(ex, 'a2')!;
    assert.ok(a.orderId !== before.orderId, 'a new orderId');
    assert.equal([a.sizeLots, a.queueAheadLots], [200, ahead + 500], 'behind b');
    assert.is(openOrder(ex, 'b')!.queueAheadLots, ahead);
    const old = ok(await c.get('/api/v2/mix/order/detail', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', orderId: before.orderId }));
    assert.equal([old.state, old.clientOid], ['canceled', 'a']);
  });
});

test('a refused amendment leaves the order as it was: filled part, duplicate or missing newClientOid, post_only cross, unknown order', async () => {
  await withExchange(async (ex, c) => {
    const book = ex.market('USDT-FUTURES', 'BTCUSDT')!.book(1).levels;
    const [bid, bidSize] = book.bids[0];
    const ask = book.asks[0][0];
    ok(await place(c, { side: 'buy', orderType: 'limit', price: bid, size: '0.05', clientOid: 'p', force: 'post_only' }));
    ok(await place(c, { side: 'buy', orderType: 'limit', price: bid, size: '0.05', clientOid: 'q' }));
    const cases: [Record<string, string>, string][] = [
      [{ clientOid: 'p', newSize: '0.05', newPrice: ask }, '40019'], // no newClientOid
      [{ clientOid: 'p', newClientOid: 'q', newSize: '0.05', newPrice: bid }, '40786'],
      [{ clientOid: 'p', newClientOid: 'p2', newSize: '0.05', newPrice: ask }, '43013'], // post_only would take
      [{ clientOid: 'p', newClientOid: 'p2' }, '40019'], // neither newSize nor newPrice
      [{ clientOid: 'nope', newClientOid: 'p2', newSize: '0.05', newPrice: bid }, '40109'],
      [{ clientOid: 'p', newClientOid: 'p2', newSize: '0.00001', newPrice: bid }, '40808'],
    ];
    for (const [body, code] of cases) {
      const r = await modify(c, body);
      assert.equal([r.status, r.json.code], [400, code], JSON.stringify(body));
    }
    const p = openOrder(ex, 'p')!;
    assert.equal([p.price, p.sizeLots, p.queueAheadLots], [bid, 500, BTC_LOTS(bidSize)], 'p untouched');
    // part of q fills: Bitget modifies only an order with nothing filled
    ex.trading!.injectMarketOrder('BTCUSDT', 'sell', { lots: BTC_LOTS(bidSize) + 500 + 100 });
    assert.is(openOrder(ex, 'q')!.filledLots, 100);
    const partly = await modify(c, { clientOid: 'q', newClientOid: 'q2', newSize: '0.05', newPrice: bid });
    assert.equal([partly.json.code, openOrder(ex, 'q')!.sizeLots], ['40020', 500]);
  });
});

test('private pushes of an amended order: the old one canceled, the new one live under newClientOid (or, kept, live again)', async () => {
  for (const keep of [false, true]) {
    await withExchange(async (ex, c) => {
      const p = await loginProbe(ex.url.privateWs);
      try {
        p.send({ op: 'subscribe', args: [{ instType: 'USDT-FUTURES', channel: 'orders', instId: 'default' }] });
        await p.next((f) => f.startsWith('{"event":"subscribe"'), 'ack');
        const price = ex.market('USDT-FUTURES', 'BTCUSDT')!.book(1).levels.bids[0][0];
        const placed = ok(await place(c, { side: 'buy', orderType: 'limit', price, size: '0.05', clientOid: 'w' }));
        await p.barrier();
        const mark = p.frames.length;
        ok(await modify(c, { clientOid: 'w', newClientOid: 'w2', newSize: '0.03', newPrice: price }));
        await p.barrier();
        const rows = p
          .since(mark)
          .map((f) => pushData(f, 'orders'))
          .filter((d) => d !== undefined)
          .map((d) => d![0] as Record<string, string>);
        const now = openOrder(ex, 'w2')!;
        const expected = keep
          ? [[placed.orderId, 'w2', 'live', '0.03']]
          : [
              [placed.orderId, 'w', 'canceled', '0.05'],
              [now.orderId, 'w2', 'live', '0.03'],
            ];
        assert.equal(
          rows.map((r) => [r.orderId, r.clientOid, r.status, r.size]),
          expected,
          keep ? 'kept' : 'replaced',
        );
      } finally {
        p.close();
      }
    }, keep);
  }
});

test('batch-place-order: one bad order is answered in failureList, the others are placed; whole-request errors answer once', async () => {
  await withExchange(async (ex, c) => {
    const bid = ex.market('USDT-FUTURES', 'BTCUSDT')!.book(1).levels.bids[0][0];
    const below = BTC_PRICE(Math.round(Number(bid) * 10) - 20);
    const r = ok(
      await c.post('/api/v2/mix/order/batch-place-order', {
        ...FUT,
        orderList: [
          { side: 'buy', orderType: 'limit', price: below, size: '0.01', clientOid: 'k1', force: 'gtc' },
          { side: 'buy', orderType: 'limit', price: below, size: '0.00001', clientOid: 'k2' }, // off the lot grid
          { side: 'sell', orderType: 'limit', price: '0', size: '0.01', clientOid: 'k3' },
          { side: 'buy', orderType: 'limit', price: below, size: '0.02', clientOid: 'k1' }, // duplicate
          'not an order',
          { side: 'buy', orderType: 'limit', price: below, size: '0.03', clientOid: 'k4', reduceOnly: 'NO' },
        ],
      }),
      'batch',
    );
    assert.equal(
      r.successList.map((x: { clientOid: string; orderId: string }) => [x.clientOid, /^\d{19}$/.test(x.orderId)]),
      [
        ['k1', true],
        ['k4', true],
      ],
    );
    assert.equal(
      r.failureList.map((x: Record<string, string>) => [x.orderId, x.clientOid, x.errorCode]),
      [
        ['', 'k2', '40808'],
        ['', 'k3', '43011'],
        ['', 'k1', '40786'],
        ['', '', '40017'],
      ],
    );
    assert.equal(
      ex.trading!.account().openOrders.map((o) => [o.clientOid, o.sizeLots]),
      [
        ['k1', 100],
        ['k4', 300],
      ],
    );
    const whole: [Record<string, unknown>, string][] = [
      [{ ...FUT, orderList: [] }, '40019'],
      [{ ...FUT, orderList: Array.from({ length: 51 }, () => ({ side: 'buy', orderType: 'limit', price: below, size: '0.01' })) }, '40020'],
      [{ ...FUT, symbol: 'NOPEUSDT', orderList: [{ side: 'buy', orderType: 'market', size: '0.01' }] }, '40034'],
      [{ ...FUT, marginMode: 'sideways', orderList: [{ side: 'buy', orderType: 'market', size: '0.01' }] }, '40020'],
    ];
    for (const [body, code] of whole) {
      const x = await c.post('/api/v2/mix/order/batch-place-order', body);
      assert.equal([x.status, x.json.code], [400, code], JSON.stringify(body).slice(0, 80));
    }
    assert.is(ex.trading!.account().openOrders.length, 2, 'nothing placed by a refused request');
    // batch cancel: one known, one unknown; then no list = the rest of the symbol
    const bc = ok(
      await c.post('/api/v2/mix/order/batch-cancel-orders', {
        symbol: 'BTCUSDT',
        productType: 'USDT-FUTURES',
        orderIdList: [{ clientOid: 'k1' }, { clientOid: 'k2' }],
      }),
    );
    assert.equal(
      [
        bc.successList.map((x: { clientOid: string }) => x.clientOid),
        bc.failureList.map((x: Record<string, string>) => [x.clientOid, x.errorCode]),
      ],
      [['k1'], [['k2', '40109']]],
    );
    const rest = ok(await c.post('/api/v2/mix/order/batch-cancel-orders', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES' }));
    assert.equal(
      rest.successList.map((x: { clientOid: string }) => x.clientOid),
      ['k4'],
    );
  });
});

test.run();
