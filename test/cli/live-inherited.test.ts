// A session that finds a position and orders an earlier session left at the venue (killed without its clean-up):
// before it trades it names them, symbol by symbol, and with risk.flattenOnBreach (the default) cancels the orders and
// closes the position, then trades from flat; without it, a position refuses the start (exit 1) and says how to clean
// up, instead of halting the session on a reconcile mismatch and sitting there holding the position.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startExchange, type Exchange } from '../../src/exchange/index';
import { FUT, client } from '../exchange/private-helpers';
import { assertVenueFlat, liveSession } from '../helpers/live-session';

/** What an earlier session killed without its clean-up left: long 2 lots of BTCUSDT, 5 of ETHUSDT, and a resting bid. */
async function leave(ex: Exchange): Promise<void> {
  const c = client(ex.url.rest);
  for (const [symbol, size] of [
    ['BTCUSDT', '0.0002'],
    ['ETHUSDT', '0.05'],
  ]) {
    const r = await c.post('/api/v2/mix/order/place-order', {
      ...FUT,
      symbol,
      side: 'buy',
      orderType: 'market',
      size,
      clientOid: `earlier-${symbol}`,
    });
    assert.is(r.json.code, '00000', r.text);
  }
  // a bid 1 % under the price the earlier entry paid: it rests
  const entry = await c.get('/api/v2/mix/order/detail', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', clientOid: 'earlier-BTCUSDT' });
  const bid = (Math.floor(Number(entry.json.data.priceAvg) * 0.99 * 10) / 10).toFixed(1);
  const r = await c.post('/api/v2/mix/order/place-order', {
    ...FUT,
    symbol: 'BTCUSDT',
    side: 'buy',
    orderType: 'limit',
    force: 'gtc',
    price: bid,
    size: '0.0001',
    clientOid: 'earlier-bid',
  });
  assert.is(r.json.code, '00000', r.text);
}

async function run(ex: Exchange, args: string[]): Promise<{ code: number | null; err: string }> {
  const child = liveSession(ex, ['--symbols', 'BTCUSDT,ETHUSDT', '--strategy', 'mm-glft', '--duration', '2s', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  return { code, err };
}

test('a position and orders left at the venue: named at the start, cleared (flattenOnBreach), then the session trades from flat', async () => {
  const ex = await startExchange({ seed: 11 });
  try {
    await leave(ex);
    const { code, err } = await run(ex, []);
    assert.is(code, 0, err);
    assert.match(
      err,
      /\n\[warn\] BTCUSDT: the venue holds long 2 lots \(0\.0002 BTC\) and 1 open order \(buy 1 lot at [\d.]+ \(earlier-bid\)\) from before this session\n/,
    );
    assert.match(err, /\n\[warn\] ETHUSDT: the venue holds long 5 lots \(0\.05 ETH\) and no open orders from before this session\n/);
    assert.match(
      err,
      /\n\[warn\] BTCUSDT: cancelling 1 open order and closing long 2 lots \(0\.0002 BTC\) \(reduce-only market, risk\.flattenOnBreach\) before trading\n/,
    );
    assert.match(
      err,
      /\n\[warn\] ETHUSDT: closing long 5 lots \(0\.05 ETH\) \(reduce-only market, risk\.flattenOnBreach\) before trading\n/,
    );
    assert.match(err, /\nBTCUSDT: cleared; flat with no open orders, trading starts\n/);
    assert.match(err, /\nETHUSDT: cleared; flat with no open orders, trading starts\n/);
    assert.not.match(err, /HALTED|mismatch/);
    assert.match(err, /\n {2}ended {9}its --duration 2 s ran out\n/);
    await assertVenueFlat(ex);
  } finally {
    await ex.close();
  }
});

test('the same with risk.flattenOnBreach=false: the start is refused (exit 1), naming what is left and how to clean up', async () => {
  const ex = await startExchange({ seed: 11 });
  try {
    await leave(ex);
    const { code, err } = await run(ex, ['--set', 'risk.flattenOnBreach=false']);
    assert.is(code, 1, err);
    assert.match(
      err,
      /BTCUSDT: the venue holds long 2 lots \(0\.0002 BTC\) and 1 open order .* from before this session; ETHUSDT: the venue holds long 5 lots .* from before this session: this session would halt on it at once \(reconcile mismatch\)\. Close the position and cancel the orders by hand .*risk\.flattenOnBreach=true/,
    );
    assert.not.match(err, /summary:/);
    const account = ex.trading!.account();
    assert.is(account.openOrders.length, 1, 'nothing touched');
  } finally {
    await ex.close();
  }
});

test.run();
