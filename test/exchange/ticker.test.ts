// The local exchange's `ticker` channel (docs/exchange.md): Bitget's field names, the mark at the book's mid, the next
// settlement on the real 8-hourly grid (it moves on when a settlement passes), and a funding rate that follows the
// market, re-quoted once a simulated minute and bounded as Bitget bounds it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startExchange, type Exchange } from '../../src/exchange/index';
import { FundingModel, midText, nextFundingMs, rateText } from '../../src/exchange/funding';
import { WsProbe } from './helpers';

// two seconds before the 16:00 UTC settlement
const START = Date.UTC(2026, 11, 6, 15, 59, 58);
let ex: Exchange;
test.before(async () => {
  ex = await startExchange({ seed: 1, manual: true, startMs: START });
});
test.after(async () => {
  await ex.close();
});

const TICKER = { instType: 'USDT-FUTURES', channel: 'ticker', instId: 'BTCUSDT' };
const isTicker = (instId: string) => (f: string) => f.includes(`"channel":"ticker","instId":"${instId}"`) && f.startsWith('{"action"');
/** Exact decimal → [integer, decimals]. */
const dec = (s: string): [bigint, number] => {
  const [i, f = ''] = s.split('.');
  return [BigInt(i + f), f.length];
};

test('futures ticker: funding rate, next settlement, mark = mid, as Bitget names them', async () => {
  const c = await WsProbe.open(ex.url.ws);
  try {
    c.subscribe(TICKER);
    const first = JSON.parse(await c.next(isTicker('BTCUSDT'), 'ticker snapshot'));
    assert.is(first.action, 'snapshot');
    const t = first.data[0];
    for (const k of [
      'instId',
      'lastPr',
      'bidPr',
      'askPr',
      'bidSz',
      'askSz',
      'fundingRate',
      'nextFundingTime',
      'markPrice',
      'indexPrice',
      'ts',
    ])
      assert.type(t[k], 'string', k);
    assert.is(t.nextFundingTime, String(Date.UTC(2026, 11, 6, 16)), 'the 16:00 UTC settlement');
    assert.match(t.fundingRate, /^-?0\.\d{6}$/);
    assert.ok(Math.abs(Number(t.fundingRate)) <= 0.003);
    // mark = (bid + ask) / 2 exactly
    const [b, bd] = dec(t.bidPr);
    const [a, ad] = dec(t.askPr);
    const [m, md] = dec(t.markPrice);
    const scale = Math.max(bd, ad, md);
    const up = (x: bigint, d: number) => x * 10n ** BigInt(scale - d);
    assert.is(up(m, md) * 2n, up(b, bd) + up(a, ad), `${t.markPrice} is the mid of ${t.bidPr} and ${t.askPr}`);

    ex.tick(30); // 3 s: past 16:00
    const later = await c.next(
      (f) => isTicker('BTCUSDT')(f) && !f.includes(`"nextFundingTime":"${t.nextFundingTime}"`),
      'after the settlement',
    );
    assert.is(JSON.parse(later).data[0].nextFundingTime, String(Date.UTC(2026, 11, 7, 0)), 'then the 00:00 UTC one');
  } finally {
    c.close();
  }
});

test('spot ticker has no funding fields', async () => {
  const c = await WsProbe.open(ex.url.ws);
  try {
    c.subscribe({ instType: 'SPOT', channel: 'ticker', instId: 'A2ZUSDT' });
    const t = JSON.parse(await c.next(isTicker('A2ZUSDT'), 'spot ticker')).data[0];
    assert.is(t.instId, 'A2ZUSDT');
    assert.is(t.fundingRate, undefined);
    assert.is(t.markPrice, undefined);
  } finally {
    c.close();
  }
});

test('the funding model: settlements every 8 h from 00:00 UTC; the rate follows the mid, once a minute, within ±0.3 %', () => {
  assert.is(nextFundingMs(Date.UTC(2026, 0, 1, 0, 0, 0)), Date.UTC(2026, 0, 1, 8), 'at a settlement: the next one');
  assert.is(nextFundingMs(Date.UTC(2026, 0, 1, 23, 59, 59, 999)), Date.UTC(2026, 0, 2, 0));
  const f = new FundingModel(1000);
  const t0 = Date.UTC(2026, 0, 1, 1);
  assert.is(f.rateAt(t0, 1000), 100, 'at the start price: the 0.01 % interest part');
  assert.is(f.rateAt(t0 + 30_000, 1010), 100, 'held within the minute');
  assert.is(f.rateAt(t0 + 60_000, 1010), 600, '1 % above the start: +0.0005');
  assert.is(f.rateAt(t0 + 120_000, 900), -3000, 'bounded at −0.003');
  assert.is(rateText(100), '0.000100');
  assert.is(rateText(-42), '-0.000042');
  assert.is(midText({ priceScale: 1, priceStep: 1n, sizeScale: 3, sizeStep: 1n, keepTrailingZeros: false }, 900000, 900001), '90000.05');
  assert.is(midText({ priceScale: 1, priceStep: 5n, sizeScale: 3, sizeStep: 1n, keepTrailingZeros: false }, 10, 12), '5.5');
});

test.run();
