// The risk gate's rules and the exact position accounting they rest on, with hand-worked numbers. (The gate inside
// the runtime, breaches that halt and refusals that are logged, is in runtime.test.ts.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applyFill, avgEntryTick, newPosition, unrealisedTickLot } from '../../src/strategy/position';
import {
  DayBaseline,
  PlaceWindow,
  amountsApart,
  durationsApart,
  equityQuote,
  exposureRefusal,
  rateRefusal,
  refusalCounter,
  staleDataAt,
} from '../../src/strategy/risk';
import { defaultSettings } from '../../src/strategy/settings';

const risk = defaultSettings().risk;
const S = 1e9;
const DAY = 86_400 * S;

// ---- position ------------------------------------------------------------------------------------------------------

test('position: FIFO lots, exact cost basis and realised P&L in ticks·lots', () => {
  const p = newPosition();
  applyFill(p, 'buy', 1000, 2, 0.12);
  applyFill(p, 'buy', 1003, 1, 0.06);
  assert.is(p.lot, 3);
  assert.is(p.costTickLot, 3003);
  assert.is(avgEntryTick(p), 1001);
  // Sell 2 @ 1010 closes the two oldest lots (1000): +20.
  assert.is(applyFill(p, 'sell', 1010, 2, 0.12), 20);
  assert.is(p.lot, 1);
  assert.is(p.costTickLot, 1003);
  assert.is(unrealisedTickLot(p, 1005), 2);
  // Sell 3 @ 1004: closes 1 @ 1003 (+1) and opens a 2-lot short at 1004.
  assert.is(applyFill(p, 'sell', 1004, 3, 0.18), 1);
  assert.is(p.lot, -2);
  assert.equal(p.open, [{ priceTick: 1004, qtyLot: 2 }]);
  assert.is(unrealisedTickLot(p, 1000), 8);
  assert.is(p.realisedTickLot, 21);
  assert.ok(Math.abs(p.feesQuote - 0.48) < 1e-12);
  // Identity: realised + unrealised = cash + lot·mark, exactly, at any mark.
  for (const mark of [1, 999, 1004, 123456]) assert.is(p.realisedTickLot + unrealisedTickLot(p, mark), p.cashTickLot + p.lot * mark);
});

test('position: fills off the integer grid throw before changing anything', () => {
  const p = newPosition();
  assert.throws(() => applyFill(p, 'buy', 1000.5, 1, 0), /integer of ticks/);
  assert.throws(() => applyFill(p, 'buy', 1000, 0, 0), /integer of lots/);
  assert.throws(() => applyFill(p, 'buy', 2 ** 40, 2 ** 20, 0), /exact integer range/);
  assert.equal(p, newPosition());
});

// ---- daily loss ----------------------------------------------------------------------------------------------------

test('equity: long 10 lots @ 1000 marked at 990 = −100 ticks·lots = −0.01 quote, minus 0.002 fees', () => {
  const p = newPosition();
  applyFill(p, 'buy', 1000, 10, 0.002);
  assert.ok(Math.abs(equityQuote(p, 990, 0.0001) + 0.012) < 1e-12);
  assert.ok(Math.abs(equityQuote(p, null, 0.0001) + 0.002) < 1e-12, 'no mark: realised − fees');
});

test('daily loss: the day is [00:00, 24:00) UTC to the nanosecond (the clock counts from a midnight), and a clock going back finds its own day', () => {
  const d = new DayBaseline();
  const t = 3600 * S; // 01:00 on day 0
  assert.is(d.loss(t, 0), 0, 'baseline taken at the first check');
  assert.ok(Math.abs(d.loss(DAY - 1, -0.01) - 0.01) < 1e-12, 'the last nanosecond of the day');
  assert.is(d.loss(DAY, -0.01), 0, 'the first of the next: the baseline rolls to the equity then');
  assert.is(d.day, 1);
  assert.ok(Math.abs(d.loss(2 * DAY - 1, -0.015) - 0.005) < 1e-12);
  assert.is(d.loss(DAY - 5, -0.015), 0, 'back into the previous day: that day again, from the equity now');
  assert.is(d.day, 0);
});

// ---- pre-trade -----------------------------------------------------------------------------------------------------

test('order rate: 2/s and 3/min rolling windows (an order exactly 1 s / 60 s old has left the window)', () => {
  const lim = { ...risk, maxOrdersPerSecond: 2, maxOrdersPerMinute: 3 };
  const w = new PlaceWindow();
  const T = 1000 * S;
  w.note(T);
  w.note(T + S / 2);
  assert.match(rateRefusal(lim, w, T + 0.9 * S)!.text, /2 orders and price changes were sent in the last second/);
  assert.is(rateRefusal(lim, w, T + S), null);
  w.note(T + S);
  assert.match(rateRefusal(lim, w, T + 30 * S)!.text, /3 orders and price changes were sent in the last minute/);
  assert.is(rateRefusal(lim, w, T + 60 * S), null);
  // a reduce-only request (an exit) goes until the window holds twice the limit
  const r = { ...risk, maxOrdersPerSecond: 2, maxOrdersPerMinute: 100 };
  const x = new PlaceWindow();
  for (let i = 0; i < 3; i++) x.note(T + i);
  assert.match(rateRefusal(r, x, T + 10)!.text, /3 orders and price changes were sent in the last second \(max 2\)$/);
  assert.is(rateRefusal(r, x, T + 10, true), null);
  x.note(T + 11);
  assert.match(
    rateRefusal(r, x, T + 12, true)!.text,
    /^order rate: 4 orders and price changes were sent in the last second \(max 2, twice that for reduce-only\)$/,
  );
});

test('the last second counted where the count stopped before equals a count of every place, as the window moves on', () => {
  const w = new PlaceWindow();
  const times: number[] = [];
  let t = 0;
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 3000; i++) {
    t += next() < 0.7 ? next() * 0.2 * S : next() * 3 * S; // bursts, and pauses past a second
    if (next() < 0.6) {
      w.note(t);
      times.push(t);
    }
    // sometimes asked about an earlier time (no caller of the runtime does; the answer must still be right)
    const at = next() < 0.05 ? t - next() * 0.5 * S : t;
    w.prune(at);
    const want = times.filter((p) => p > at - S && p > t - 60 * S).length;
    assert.is(w.inLastSecond(at), want, `at step ${i}`);
  }
});

test('the place window grows past its first size and keeps time order', () => {
  const w = new PlaceWindow();
  for (let i = 0; i < 200; i++) w.note(i * 1e6);
  assert.is(w.size, 200);
  assert.is(w.inLastSecond(199e6), 200);
  w.prune(60 * S + 99e6);
  assert.is(w.size, 100);
});

test('position and notional: an order whose worst case would pass the limit is refused', () => {
  assert.is(exposureRefusal(risk, 10, 1000), null, '10 = max');
  assert.match(exposureRefusal(risk, -11, 1000)!.text, /position: 11 lots would pass max 10/);
  assert.match(exposureRefusal({ ...risk, maxNotionalTickLot: 2001 }, 2, 1001)!.text, /notional: 2002 ticks·lots would pass max 2001/);
});

test('stale data: the limit passes 1 ns after maxDataAgeNs', () => {
  assert.is(staleDataAt(risk, 1000), 1000 + 5 * S + 1);
});

test('a value and the limit it passed never read as equal in a message; three figures where they already differ', () => {
  assert.equal(durationsApart(5.001 * S, 5 * S), ['5.001 s', '5 s']);
  assert.equal(durationsApart(5 * S + 1, 5 * S), ['5.000000001 s', '5 s'], 'one ns over');
  assert.equal(durationsApart(2.5 * S, 2 * S), ['2.5 s', '2 s'], 'already apart: as duration() writes them');
  assert.equal(durationsApart(250.4e6, 250e6), ['250.4 ms', '250 ms']);
  assert.equal(durationsApart(60.4 * S, 60 * S), ['60.4 s', '60 s'], 'both "1 min" otherwise');
  assert.equal(durationsApart(-1.0004 * S, -1 * S), ['-1.0004 s', '-1 s']);
  assert.equal(durationsApart(5 * S, 5 * S), ['5 s', '5 s'], 'equal values may read equal');
  assert.equal(amountsApart(100.0000001, 100), ['100.0000001', '100']);
  assert.equal(amountsApart(0.011, 0.01), ['0.011', '0.01']);
  assert.equal(amountsApart(123.4567891, 100), ['123.456789', '100']);
});

test('each refusal is counted under the limit (or the state) that said no, as its producer names it', () => {
  const lim = { ...risk, maxOrdersPerSecond: 1, maxOrdersPerMinute: 2 };
  const w = new PlaceWindow();
  w.note(1000 * S);
  assert.is(refusalCounter(rateRefusal(lim, w, 1000.5 * S)!), 'risk.denied.maxOrdersPerSecond');
  w.note(1001 * S);
  assert.is(refusalCounter(rateRefusal(lim, w, 1030 * S)!), 'risk.denied.maxOrdersPerMinute');
  assert.is(refusalCounter(exposureRefusal(risk, 11, 1000)!), 'risk.denied.maxPositionLot');
  assert.is(refusalCounter(exposureRefusal({ ...risk, maxNotionalTickLot: 10 }, 1, 1000)!), 'risk.denied.maxNotionalTickLot');
  assert.is(refusalCounter({ limit: 'halted', text: 'halted (kill switch)' }), 'risk.denied.halted');
  assert.is(refusalCounter({ limit: 'orderBusy', text: 'order busy: a request is in flight' }), 'risk.denied.orderBusy');
});

test.run();
