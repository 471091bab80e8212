// --fees maker,taker (backtest, optimize, the replay page's field): two rates, each written out, or refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFeeRates } from '../../src/backtest/fee-tiers';

test('two rates: maker (negative: a rebate) and taker, below 1 % of value', () => {
  assert.equal(readFeeRates('0.0002,0.0006'), { maker: 0.0002, taker: 0.0006 });
  assert.equal(readFeeRates('-0.0001,0.0005'), { maker: -0.0001, taker: 0.0005 });
  assert.equal(readFeeRates('0,0'), { maker: 0, taker: 0 });
});

test('anything but exactly two written-out rates is refused, not read as a zero or cut short', () => {
  for (const bad of [
    '0.0002',
    '0.0002,',
    ',0.0006',
    '0.0002, ',
    '0.0002,0.0006,0.001',
    '0.0002,0.0006,',
    ',',
    '',
    'a,b',
    '0.02,0.0006',
    '0.0002,-0.0006',
  ])
    assert.is(readFeeRates(bad), null, JSON.stringify(bad));
});

test.run();
