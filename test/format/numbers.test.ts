// Numbers as traders read them: money with the decimals it needs, human durations, bounded shares, probabilities
// that never claim certainty, n/a where the run is too short, and a plain verdict for DSR.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  count,
  duration,
  fixed,
  groupThousands,
  haveOf,
  millis,
  money,
  moneyIn,
  needsMore,
  percent,
  plural,
  probability,
  quoteCurrency,
  shareOf,
  signedMoneyIn,
  skillVerdict,
  years,
} from '../../src/format/numbers';

test('money: cents from 1 up, four decimals below 1, two significant digits below a cent; noise reads as 0', () => {
  assert.is(money(0.0053998259999999965), '0.0054');
  assert.is(money(-0.0323), '-0.0323');
  assert.is(money(1234567.891), '1,234,567.89');
  assert.is(money(12.345), '12.35');
  assert.is(money(0.5), '0.5000');
  assert.is(money(0.000012345), '0.000012');
  assert.is(money(1e-17), '0.00');
  assert.is(money(0), '0.00');
  assert.is(money(null), '–');
  assert.is(money(NaN), '–');
  assert.is(moneyIn(-0.0054, 'USDT'), '-0.0054 USDT');
  assert.is(signedMoneyIn(1.2, 'USDT'), '+1.20 USDT');
  assert.is(signedMoneyIn(-1.2, 'USDT'), '-1.20 USDT');
  assert.is(signedMoneyIn(0, 'USDT'), '0.00 USDT');
});

test('quote currency from the symbol, "quote" when unknown', () => {
  assert.is(quoteCurrency('BTCUSDT'), 'USDT');
  assert.is(quoteCurrency('ETHUSDC'), 'USDC');
  assert.is(quoteCurrency('BTCUSD'), 'USD');
  assert.is(quoteCurrency('USDT'), 'quote');
  assert.is(quoteCurrency(undefined), 'quote');
});

test('durations: the unit that keeps them short, never raw ns above a microsecond', () => {
  assert.is(duration(1_000_000_000), '1 s');
  assert.is(duration(1_500_000_000), '1.5 s');
  assert.is(duration(300e9), '5 min');
  assert.is(duration(125e9), '2 min 5 s');
  assert.is(duration(3 * 3600e9 + 7 * 60e9), '3 h 7 min');
  assert.is(duration(2 * 86_400e9 + 4 * 3600e9), '2 d 4 h');
  assert.is(duration(740_000), '740 µs');
  assert.is(duration(3_250_000), '3.25 ms');
  assert.is(duration(850), '850 ns');
  assert.is(duration(0), '0 s');
  assert.is(duration(-100e6), '-100 ms');
  assert.is(duration(59.99e9), '1 min');
  assert.is(duration(800 * 86_400e9), '2.19 years');
  assert.is(duration(365 * 86_400e9), '1 year');
  assert.is(duration(1_000_000_000n), '1 s');
  assert.is(duration(null), '–');
  assert.is(years(0.000006275471026), '3 min 18 s');
  assert.is(millis(740_000), '0.74 ms');
  assert.is(millis(12_340_000), '12.3 ms');
});

test('how much data a run has never reads as what a figure needs: rounded down where rounding would reach it', () => {
  const H = 3_600e9;
  assert.is(haveOf(H - 4e6, H), '59 min 59 s');
  assert.is(haveOf(30 * 60e9, H), '30 min');
  assert.is(haveOf(86_400e9 - 20e9, 86_400e9), '23 h 59 min');
  assert.is(haveOf(2 * H, H), '2 h');
  assert.is(duration(H - 4e6), '1 h', 'duration alone rounds');
});

test('percentages, shares bounded where the whole is about zero, probabilities', () => {
  assert.is(percent(0.1234), '12.3');
  assert.is(percent(1), '100');
  assert.is(percent(0.0054), '0.54');
  assert.is(percent(0), '0');
  assert.equal(shareOf(0.0324, 0.2), { value: '16.2' });
  // fees of a run whose gross P&L is ~0 are not "20,031 %" of it
  assert.equal(shareOf(0.0054, 0.000027), { value: 'n/a', note: 'the whole is about zero' });
  assert.equal(shareOf(1, 0), { value: 'n/a', note: 'the whole is about zero' });
  assert.is(probability(1.288320871e-11), '< 0.01 %');
  assert.is(probability(0.973), '97.3 %');
  assert.is(probability(0.999999), '> 99.99 %');
  assert.is(probability(null), '–');
});

test('counts, plurals, fixed decimals, n/a with what it needs', () => {
  assert.is(count(12345), '12,345');
  assert.is(count(-1234567), '-1,234,567');
  assert.is(groupThousands('1234.5678'), '1,234.5678');
  assert.is(plural(1, 'entry', 'entries'), '1 entry');
  assert.is(plural(12345, 'entry', 'entries'), '12,345 entries');
  assert.is(fixed(-0.0001, 2), '0.00');
  assert.is(fixed(5615.692, 1), '5,615.7');
  assert.is(needsMore('1 day', '3 min'), 'n/a (needs ≥ 1 day, have 3 min)');
});

test('DSR verdict in words', () => {
  assert.is(skillVerdict(8.485435743e-32, 96), 'no evidence of skill after 96 trials (DSR < 0.01 %; deploy only above 95 %)');
  assert.is(skillVerdict(0.97, 12), 'evidence of skill after 12 trials (DSR 97.0 % > 95 %)');
  assert.is(skillVerdict(null, 1), 'no verdict: too little data to judge 1 trial');
});

test.run();
