// The units the runtime's messages and m.info.quote use: the same quote currency the reports read from a symbol.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lotText, priceText, quoteOf } from '../../src/strategy/units';
import { quoteCurrency } from '../../src/format/numbers';

test('the quote currency a strategy reads is the one the report prints', () => {
  for (const s of ['BTCUSDT', 'ETHUSDC', 'BTCUSD', 'ETHBTC', 'LINKETH', 'XYZ']) assert.is(quoteOf(s), quoteCurrency(s), s);
  assert.is(quoteOf('ETHBTC'), 'BTC');
  assert.is(quoteOf('XYZ'), 'quote');
});

test('messages give lots with the base amount and prices in the quote currency', () => {
  const g = { symbol: 'ETHBTC', tickSize: 0.00001, lotSize: 0.001 };
  assert.is(lotText(g, 500), '500 lots (0.5 ETH)');
  assert.match(priceText(g, 3512), /^0\.03512 BTC/);
});

test.run();
