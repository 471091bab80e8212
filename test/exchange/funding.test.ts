// Funding on the local exchange, with a known answer: a long position held through the 08:00 UTC settlement pays the
// rate the ticker published for that settlement × the position's value at the mark then (Bitget: funding fee =
// position value × rate, longs pay a positive rate; docs/bitget.md §1.9). The charge moves the balance (equity and
// available on REST and on the private `account` push), shows as the position's `totalFee` (empty before it) beside its
// trading fees in `deductedFee`, and the debug account lists it; a flat account is charged nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startExchange, type Exchange } from '../../src/exchange/index';
import { WsProbe, scaled } from './helpers';
import { FUT, M, client, loginProbe, pushData, type Reply } from './private-helpers';
import { fundingLine } from '../../src/cli/session-summary';
import { BitgetGateway } from '../../src/gateway/gateway';
import { LOCAL_DEMO_CREDENTIALS } from '../../src/gateway/signing';
import { fetchGrids } from '../../src/feed/instruments';

const SETTLEMENT = Date.UTC(2027, 0, 15, 8);
const TICKER = { instType: 'USDT-FUTURES', channel: 'ticker', instId: 'BTCUSDT' };
const ok = (r: Reply, what: string) => {
  assert.is(r.json.code, '00000', `${what}: ${r.text}`);
  return r.json.data;
};
/** An exact decimal string as money (18 decimals), signed. */
const money = (s: string) => M(s);
/** A decimal string as [integer, decimals]. */
const dec = (s: string): [bigint, number] => {
  const neg = s.startsWith('-');
  const [i, f = ''] = (neg ? s.slice(1) : s).split('.');
  return [(neg ? -1n : 1n) * BigInt(i + f), f.length];
};
/** −size × mark × rate as money, exact (the test's own arithmetic on the wire strings). */
function expectedFunding(size: string, mark: string, rate: string): bigint {
  const [s, sd] = dec(size);
  const [m, md] = dec(mark);
  const [r, rd] = dec(rate);
  const shift = 18 - sd - md - rd;
  assert.ok(shift >= 0, 'exact at 18 decimals');
  return -s * m * r * 10n ** BigInt(shift);
}

async function withExchange(fn: (ex: Exchange) => Promise<void>): Promise<void> {
  // three seconds before the settlement; the market moves only on tick() (100 ms a step)
  const ex = await startExchange({
    seed: 3,
    manual: true,
    startMs: SETTLEMENT - 3000,
    symbols: ['USDT-FUTURES:BTCUSDT'],
    maxMessagesPerSec: 100_000,
    trading: { rateLimits: false },
  });
  try {
    await fn(ex);
  } finally {
    await ex.close();
  }
}

test('a long held through a settlement pays the published rate × its value at the mark: balance, positions, account, pushes', async () => {
  await withExchange(async (ex) => {
    const c = client(ex.url.rest);
    const pub = await WsProbe.open(ex.url.ws);
    const priv = await loginProbe(ex.url.privateWs);
    try {
      pub.subscribe(TICKER);
      priv.send({
        op: 'subscribe',
        args: [
          { instType: 'USDT-FUTURES', channel: 'positions', instId: 'default' },
          { instType: 'USDT-FUTURES', channel: 'account', coin: 'default' },
        ],
      });
      ok(await c.post('/api/v2/mix/order/place-order', { ...FUT, side: 'buy', orderType: 'market', size: '0.05', clientOid: 'f1' }), 'buy');
      const before = ok(await c.get('/api/v2/mix/position/single-position', FUT), 'position')[0];
      assert.is(before.total, '0.05');
      assert.is(before.totalFee, '', 'no funding charged yet: empty, as Bitget');
      const fee = money(before.deductedFee);
      assert.ok(fee > 0n, 'the taker fee is the deducted fee');
      const acct0 = ok(await c.get('/api/v2/mix/account/account', { ...FUT }), 'account');

      // to just before the settlement: the ticker names it and quotes its rate
      ex.tick(25);
      let quoted = '';
      for (const f of pub.frames) {
        const d = pushData(f, 'ticker') as Array<{ nextFundingTime: string; fundingRate: string }> | undefined;
        if (d && d[0].nextFundingTime === String(SETTLEMENT)) quoted = d[0].fundingRate;
      }
      assert.ok(quoted !== '', 'the ticker published a rate for the settlement');
      assert.is(ex.trading!.account().futures.funding, '0');

      // to it (five 100 ms steps): charged once, at the rate published for it and the mark (the mid) then
      ex.tick(5);
      const top = ex.market('USDT-FUTURES', 'BTCUSDT')!.book(1).levels;
      const mid2 = scaled(top.bids[0][0], 1) + scaled(top.asks[0][0], 1);
      const debug = ex.trading!.account().futures;
      const charges = ex.trading!.account().fundingCharges;
      assert.is(charges.length, 1);
      const ch = charges[0];
      assert.equal([ch.symbol, ch.atMs, ch.rate, ch.size], ['BTCUSDT', SETTLEMENT, quoted, '0.05']);
      assert.is(scaled(ch.markPrice, 2), mid2 * 5n, `mark ${ch.markPrice} is the mid of ${top.bids[0][0]} and ${top.asks[0][0]}`);
      const expected = expectedFunding('0.05', ch.markPrice, quoted);
      assert.is(money(ch.received), expected, `−0.05 × ${ch.markPrice} × ${quoted}`);
      assert.is(money(debug.funding), expected);
      assert.is(
        money(debug.balance),
        money(debug.initialBalance) - money(debug.fees) + money(debug.realizedPnl) + expected,
        'balance identity',
      );

      const after = ok(await c.get('/api/v2/mix/position/single-position', FUT), 'position')[0];
      assert.is(money(after.totalFee), expected, 'totalFee: the funding of the position');
      assert.is(money(after.deductedFee), fee, 'the trading fees stay apart');
      assert.is(after.achievedProfits, '0', 'realised PnL excludes funding');
      const acct1 = ok(await c.get('/api/v2/mix/account/account', { ...FUT }), 'account');
      const upnl = (a: { unrealizedPL: string }) => money(a.unrealizedPL);
      assert.is(
        money(acct1.accountEquity) - upnl(acct1),
        money(acct0.accountEquity) - upnl(acct0) + expected,
        'equity less uPnL moved by it',
      );

      // its bill, as Bitget books one (GET /api/v2/mix/account/bill, businessType contract_settle_fee): what a
      // trading session reads back at its stop, here and on Bitget alike
      const BILLS = { productType: 'USDT-FUTURES', symbol: 'BTCUSDT', businessType: 'contract_settle_fee' };
      const bills = ok(await c.get('/api/v2/mix/account/bill', BILLS), 'bills');
      assert.is(bills.bills.length, 1);
      const bill = bills.bills[0];
      assert.equal([bill.symbol, bill.businessType, bill.coin, bill.fee], ['BTCUSDT', 'contract_settle_fee', 'USDT', '0']);
      assert.is(money(bill.amount), expected, 'the amount received, signed');
      assert.is(money(bill.balance), money(debug.balance), 'the balance after it');
      assert.is(bill.cTime, String(SETTLEMENT), 'booked at the settlement');
      assert.is(bills.endId, bill.billId);
      assert.equal(ok(await c.get('/api/v2/mix/account/bill', { ...BILLS, businessType: 'open_long' }), 'bills').bills, []);
      assert.equal(ok(await c.get('/api/v2/mix/account/bill', { ...BILLS, idLessThan: bill.billId }), 'bills').bills, [], 'none older');
      assert.equal(ok(await c.get('/api/v2/mix/account/bill', { ...BILLS, startTime: SETTLEMENT + 1000 }), 'bills').bills, []);
      const wide = await c.get('/api/v2/mix/account/bill', { ...BILLS, startTime: 0, endTime: SETTLEMENT });
      assert.is(wide.json.code, '40020', 'a window over 30 days is refused (Parameter endTime error)');
      // the gateway sums its symbol's bills in a window, exactly
      const [grid] = await fetchGrids(ex.url.rest, 'USDT-FUTURES', ['BTCUSDT']);
      const gw = new BitgetGateway({
        credentials: LOCAL_DEMO_CREDENTIALS,
        mode: 'local',
        restUrl: ex.url.rest,
        wsUrl: ex.url.privateWs,
        grid,
        onEvent: () => {},
        syncClockOnStart: false,
        privateWs: false,
      });
      try {
        assert.equal(await gw.fundingBills(SETTLEMENT - 60_000, SETTLEMENT + 60_000), { received: expected, scale: 18, settlements: 1 });
        assert.equal(await gw.fundingBills(SETTLEMENT + 1000, SETTLEMENT + 60_000), { received: 0n, scale: 18, settlements: 0 });
        // a session longer than the venue's 30-day window is read window by window: the bill once, from a window's edge too
        const DAY = 24 * 3600 * 1000;
        for (const from of [SETTLEMENT - 75 * DAY, SETTLEMENT - 30 * DAY])
          assert.equal(await gw.fundingBills(from, SETTLEMENT + 60_000), { received: expected, scale: 18, settlements: 1 }, `from ${from}`);
      } finally {
        await gw.stop();
      }

      // the private pushes after the settlement show it
      const pos = await priv.next(
        (f) =>
          (pushData(f, 'positions') as Array<{ totalFee: string }> | undefined)?.[0]?.totalFee !== undefined &&
          (pushData(f, 'positions') as Array<{ totalFee: string }>)[0].totalFee !== '',
        'positions push with totalFee',
      );
      assert.is(money((pushData(pos, 'positions') as Array<{ totalFee: string }>)[0].totalFee), expected);
      const acct = await priv.next((f) => pushData(f, 'account') !== undefined, 'account push after the settlement');
      const a = (pushData(acct, 'account') as Array<{ equity: string; unrealizedPL: string }>)[0];
      assert.is(money(a.equity) - money(a.unrealizedPL), money(debug.balance), 'the account push carries the new balance');

      // the next settlement is 8 h away: nothing more is charged
      ex.tick(50);
      assert.is(ex.trading!.account().fundingCharges.length, 1);
    } finally {
      pub.close();
      priv.close();
    }
  });
});

/**
 * A manual exchange whose wall clock (the fills' stamps) the test sets, stepped to 50 ms before SETTLEMENT (the
 * settlement then falls inside the next step), and an order helper: market, or a post-only limit at `limit`.
 */
async function nearSettlement() {
  let wall = SETTLEMENT - 1050;
  const ex = await startExchange({
    seed: 3,
    manual: true,
    clock: { now: () => wall },
    startMs: SETTLEMENT - 1050,
    symbols: ['USDT-FUTURES:BTCUSDT'],
    trading: { rateLimits: false },
  });
  const e = ex.trading!.engine;
  for (let i = 0; i < 10; i++) {
    wall += 100;
    ex.tick();
  }
  assert.is(ex.simMs, SETTLEMENT - 50);
  return {
    ex,
    e,
    at: (ms: number) => void (wall = ms),
    order: (side: 'buy' | 'sell', sizeLots: number, limit?: number) =>
      e.place({
        instType: 'USDT-FUTURES',
        symbol: 'BTCUSDT',
        side,
        orderType: limit === undefined ? 'market' : 'limit',
        force: limit === undefined ? 'gtc' : 'post_only',
        priceTick: limit,
        sizeLots,
        reduceOnly: false,
        marginMode: 'crossed',
      }),
  };
}

test('the bills hold a settlement the exchange clock passed before the step that books it: asked for them, the venue books it first, and once only', async () => {
  // a position held at the settlement and closed 2 ms after it, the bills asked for before the data clock's next step:
  // a session reading its funding right after its flatten (the fill is stamped after the settlement) must find it
  const { ex, e, at, order } = await nearSettlement();
  try {
    at(SETTLEMENT - 1);
    order('buy', 2);
    at(SETTLEMENT + 2);
    order('sell', 2);
    assert.equal(ex.trading!.account().fundingCharges, [], 'the step that passes the settlement has not run');
    e.bookFundingDue(); // what GET /api/v2/mix/account/bill does first
    const a = ex.trading!.account();
    assert.equal(
      a.fundingCharges.map((c) => [c.atMs, c.size]),
      [[SETTLEMENT, '0.0002']],
    );
    at(SETTLEMENT + 50);
    ex.tick();
    assert.is(ex.trading!.account().fundingCharges.length, 1, 'the step books it no second time');
  } finally {
    await ex.close();
  }
});

test('a flat account is charged nothing at a settlement', async () => {
  await withExchange(async (ex) => {
    ex.tick(40);
    const a = ex.trading!.account();
    assert.is(a.futures.funding, '0');
    assert.equal(a.fundingCharges, []);
    assert.is(a.futures.balance, a.futures.initialBalance);
  });
});

test('a settlement charges the position as the fills are stamped: one before it counts, one at or after it does not, though the same step books them', async () => {
  // the wall clock the fills are stamped on is the test's; the settlement falls inside the step (S − 50, S + 50]
  const { ex, e, at, order } = await nearSettlement();
  try {
    at(SETTLEMENT - 1);
    order('buy', 2); // just before the settlement: held at it
    at(SETTLEMENT);
    order('buy', 1); // at its very millisecond: after it (the ticker has moved on to the next one by then)
    at(SETTLEMENT + 1);
    const rest = order('buy', 1, ex.market('USDT-FUTURES', 'BTCUSDT')!.model.bestBid());
    ex.trading!.injectMarketOrder('BTCUSDT', 'sell', { lots: e.queueAhead(rest) + 1 }); // a maker fill just after it
    assert.is(rest.status, 'filled');
    at(SETTLEMENT + 2);
    order('sell', 4); // and flat again before the step that passes the settlement
    const a0 = ex.trading!.account();
    assert.equal(
      a0.fills.map((f) => [f.side, f.lots, f.ts]),
      [
        ['buy', 2, SETTLEMENT - 1],
        ['buy', 1, SETTLEMENT],
        ['buy', 1, SETTLEMENT + 1],
        ['sell', 4, SETTLEMENT + 2],
      ],
    );
    assert.equal(a0.futures.positions, [], 'flat when the step that passes the settlement runs');
    assert.equal(a0.fundingCharges, []);

    at(SETTLEMENT + 50);
    ex.tick();
    const a = ex.trading!.account();
    assert.is(a.fundingCharges.length, 1, 'the position held at the settlement is charged though it has closed since');
    const ch = a.fundingCharges[0];
    assert.equal([ch.atMs, ch.size], [SETTLEMENT, '0.0002'], 'the 2 lots bought before it, not the 4 held by the end of the step');
    assert.is(money(ch.received), expectedFunding('0.0002', ch.markPrice, ch.rate));
    assert.is(money(a.futures.funding), money(ch.received));
    assert.is(
      money(a.futures.balance),
      money(a.futures.initialBalance) - money(a.futures.fees) + money(a.futures.realizedPnl) + money(ch.received),
      'balance identity',
    );
  } finally {
    await ex.close();
  }
});

test("the summary's funding line: what the venue's bills say was received, or that none was charged, or that it is not included", () => {
  assert.is(
    fundingLine({ receivedQuote: -0.2256, settlements: 1, nextMs: Date.UTC(2027, 0, 15, 16) }, 'USDT'),
    "  funding       -0.2256 USDT received at 1 settlement (the venue's account bills; next 2027-01-15T16:00:00Z)",
  );
  assert.is(
    fundingLine({ receivedQuote: -0.2256, settlements: 1 }, 'USDT'),
    "  funding       -0.2256 USDT received at 1 settlement (the venue's account bills)",
    'live: the settlement grid is the venue’s, not known here',
  );
  assert.is(
    fundingLine({ receivedQuote: 0, settlements: 0, nextMs: Date.UTC(2027, 0, 15, 16), passed: 0 }, 'USDT'),
    '  funding       none: no funding settlement during the session; the next is 2027-01-15T16:00:00Z',
  );
  assert.is(
    fundingLine({ receivedQuote: 0, settlements: 0, nextMs: Date.UTC(2027, 0, 15, 16), passed: 1 }, 'USDT'),
    '  funding       none: no position was held at 1 settlement during the session (the next is 2027-01-15T16:00:00Z)',
  );
  assert.is(
    fundingLine({ receivedQuote: 0, settlements: 0 }, 'USDT'),
    "  funding       none: the venue's account bills show no funding charged during the session",
  );
  // a venue whose bills cannot be read: said plainly, never read as zero
  assert.is(
    fundingLine({ error: 'Bitget 40404: Request URL NOT FOUND' }, 'USDT'),
    "  funding       not included: the venue's account bills could not be read (Bitget 40404: Request URL NOT FOUND); the PnL is before funding",
  );
});

test.run();
