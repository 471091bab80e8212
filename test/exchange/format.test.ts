import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatScaled, parseScaled, formatPrice, formatSize } from '../../src/exchange/format';
import { bookChecksum, checksumString, crc32 } from '../../src/exchange/checksum';
import { crc32 as referenceCrc32 } from '../reference/crc32';
import {
  DEFAULT_INSTRUMENTS,
  contractRow,
  futuresInstrument,
  selectInstruments,
  spotSymbolRow,
  type Instrument,
} from '../../src/exchange/instruments';
import { ClientBook } from './helpers';

const FIXTURES = join(process.cwd(), 'test/fixtures/bitget');
const lines = (name: string) =>
  readFileSync(join(FIXTURES, name), 'utf8')
    .split('\n')
    .filter((l) => l.trim());
const inst = (type: string, sym: string): Instrument => DEFAULT_INSTRUMENTS.find((i) => i.instType === type && i.symbol === sym)!;

test('formatScaled strips trailing zeros like Bitget, or keeps every decimal when asked', () => {
  assert.is(formatScaled(3520n, 6), '0.00352');
  assert.is(formatScaled(524150n, 1), '52415');
  assert.is(formatScaled(866187n, 1), '86618.7');
  assert.is(formatScaled(8661870n, 2, true), '86618.70');
  assert.is(formatScaled(0n, 4, true), '0.0000');
  assert.is(formatScaled(0n, 4), '0');
  assert.is(formatScaled(12n, 0), '12');
  assert.is(formatScaled(5n, 3), '0.005');
  assert.is(formatScaled(-15n, 1), '-1.5');
  // beyond 2^53: exact
  assert.is(formatScaled(123456789012345678901n, 2), '1234567890123456789.01');
});

test('parseScaled reads plain decimals exactly and refuses anything it would have to round', () => {
  assert.is(parseScaled('0.0001', 4), 1n);
  assert.is(parseScaled('86618.70', 1), 866187n);
  assert.is(parseScaled('5', 3), 5000n);
  assert.throws(() => parseScaled('0.00001', 4), /more than 4 decimals/);
  assert.throws(() => parseScaled('1e-3', 4), /not a plain decimal/);
  assert.throws(() => parseScaled('-1', 2), /not a plain decimal/);
});

test('instrument grids come from the Bitget metadata strings', () => {
  const btc = inst('USDT-FUTURES', 'BTCUSDT');
  assert.equal([btc.priceScale, btc.priceStep, btc.sizeScale, btc.sizeStep], [1, 1n, 4, 1n]);
  const eth = inst('USDT-FUTURES', 'ETHUSDT');
  assert.equal([eth.priceScale, eth.priceStep, eth.sizeScale, eth.sizeStep], [2, 1n, 2, 1n]);
  const sol = inst('USDT-FUTURES', 'SOLUSDT');
  assert.equal([sol.priceScale, sol.priceStep], [3, 5n], 'priceEndStep 5 at pricePlace 3 = a 0.005 tick');
  assert.is(formatPrice(sol, sol.startPriceTick), '140.125');
  assert.is(formatPrice(sol, sol.startPriceTick + 1), '140.13');
  const spot = inst('SPOT', 'BTCUSDT');
  assert.equal([spot.priceScale, spot.priceStep, spot.sizeScale, spot.sizeStep, spot.keepTrailingZeros], [2, 1n, 6, 1n, true]);
  assert.is(formatPrice(spot, 8661870), '86618.70');
  assert.is(formatSize(spot, 12300), '0.012300');
  assert.is(formatSize(spot, 0), '0', 'a delete is always exactly "0"');
  const a2z = inst('SPOT', 'A2ZUSDT');
  assert.is(formatPrice(a2z, 3520), '0.00352');
  assert.is(formatSize(a2z, 524150), '52415');
  const ten = futuresInstrument({
    symbol: 'XUSDT',
    pricePlace: '2',
    priceEndStep: '1',
    volumePlace: '3',
    sizeMultiplier: '0.01',
    price: '1',
  });
  assert.is(ten.sizeStep, 10n, 'sizeMultiplier 0.01 at volumePlace 3 = 10 units per lot');
  assert.throws(
    () => futuresInstrument({ symbol: 'Y', pricePlace: '1', priceEndStep: '5', volumePlace: '1', sizeMultiplier: '1', price: '1.2' }),
    /off the tick grid/,
  );
});

test('REST rows carry the §7.1 / §7.2 fields as strings', () => {
  const row = contractRow(inst('USDT-FUTURES', 'BTCUSDT'));
  for (const k of [
    'symbol',
    'baseCoin',
    'quoteCoin',
    'makerFeeRate',
    'takerFeeRate',
    'minTradeNum',
    'priceEndStep',
    'volumePlace',
    'pricePlace',
    'sizeMultiplier',
    'symbolType',
    'symbolStatus',
    'fundInterval',
  ]) {
    assert.type(row[k], 'string', k);
  }
  assert.equal([row.pricePlace, row.priceEndStep, row.volumePlace, row.sizeMultiplier], ['1', '1', '4', '0.0001']);
  assert.equal(row.supportMarginCoins, ['USDT']);
  const spot = spotSymbolRow(inst('SPOT', 'A2ZUSDT'));
  assert.equal(
    [spot.symbol, spot.baseCoin, spot.pricePrecision, spot.quantityPrecision, spot.status],
    ['A2ZUSDT', 'A2Z', '6', '1', 'online'],
  );
});

test('selectInstruments takes plain or typed symbols and names the unknown one', () => {
  assert.is(selectInstruments(DEFAULT_INSTRUMENTS, ['BTCUSDT']).length, 2);
  assert.equal(
    selectInstruments(DEFAULT_INSTRUMENTS, ['SPOT:A2ZUSDT']).map((i) => i.symbol),
    ['A2ZUSDT'],
  );
  assert.throws(() => selectInstruments(DEFAULT_INSTRUMENTS, ['SPOT:ETHUSDT']), /unknown symbol "SPOT:ETHUSDT"/);
});

test('crc32 agrees with the reference and with the documented values', () => {
  for (const s of ['', 'a', '43231.1:4:43232.8:9:43231:6:43232.9:8', 'x'.repeat(1000)]) assert.is(crc32(s), referenceCrc32(s));
  assert.is(crc32('43231.1:4:43232.8:9:43231:6:43232.9:8'), -1504501796);
  assert.is(crc32('3366.1:7:3366.8:9:3368:8:3372:8'), 831078360);
  assert.is(
    checksumString(
      [['3366.1', '7']],
      [
        ['3366.8', '9'],
        ['3368', '8'],
        ['3372', '8'],
      ],
    ),
    '3366.1:7:3366.8:9:3368:8:3372:8',
  );
});

test('bookChecksum reproduces the real A2ZUSDT vector (fixture) before and after the update', () => {
  const [snap, upd] = lines('spot-a2zusdt-books-checksum.jsonl').map((l) => JSON.parse(l));
  const book = new ClientBook(6);
  book.apply(snap.data[0], true);
  const before = book.top(25);
  assert.is(bookChecksum(before.bids, before.asks), -104022879);
  book.apply(upd.data[0], false);
  const after = book.top(25);
  assert.is(bookChecksum(after.bids, after.asks), upd.data[0].checksum);
  assert.is(bookChecksum(after.bids, after.asks), 1041484092);
});

test.run();
