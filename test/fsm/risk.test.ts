// Risk limits and the exact position accounting they rest on, with hand-worked numbers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  applyFill,
  avgEntryTick,
  checkBreach,
  dailyLossQuote,
  defaultConfig,
  equityQuote,
  newPosition,
  newRiskState,
  notePlace,
  preTrade,
  unrealisedTickLot,
  type PositionState,
  type RiskView,
} from '../../src/fsm/index';

const risk = defaultConfig().risk;
const S = 1_000_000_000n;
const DAY = 86_400n * S;
const T = 19_675n * DAY + 3600n * S; // 01:00 UTC on some day

function view(p: PositionState, f: Partial<RiskView> = {}): RiskView {
  return {
    nowNs: T,
    position: p,
    markTick: null,
    tickLotQuote: 0.0001,
    lastValidLocalTs: T,
    feedLatencyNs: null,
    clockOffsetNs: null,
    exposed: p.lot !== 0,
    ...f,
  };
}

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

// ---- breaches ------------------------------------------------------------------------------------------------------

test('daily loss: long 10 lots @ 1000 marked at 990 = −100 ticks·lots = −0.01 quote, minus 0.002 fees → loss 0.012', () => {
  const p = newPosition();
  const r = newRiskState();
  assert.is(checkBreach({ ...risk, maxDailyLossQuote: 0.012 }, r, view(p, { markTick: 1000 })), null, 'baseline taken flat at 0');
  applyFill(p, 'buy', 1000, 10, 0.002);
  assert.ok(Math.abs(equityQuote(p, 990, 0.0001) + 0.012) < 1e-12);
  assert.is(checkBreach({ ...risk, maxDailyLossQuote: 0.012 }, r, view(p, { markTick: 990 })), null, 'at the limit: allowed');
  const b = checkBreach({ ...risk, maxDailyLossQuote: 0.0119 }, r, view(p, { markTick: 990 }));
  assert.is(b?.kind, 'dailyLoss');
});

test('daily loss: the baseline rolls at the UTC day boundary', () => {
  const p = newPosition();
  const r = newRiskState();
  dailyLossQuote(r, view(p));
  applyFill(p, 'buy', 1000, 10, 0);
  applyFill(p, 'sell', 900, 10, 0); // −1000 ticks·lots = −0.1 quote
  assert.ok(Math.abs(dailyLossQuote(r, view(p)) - 0.1) < 1e-12);
  assert.is(dailyLossQuote(r, view(p, { nowNs: T + DAY })), 0, 'next day starts at the current equity');
});

test('daily loss: the day is [00:00, 24:00) UTC to the nanosecond, and a clock going back finds its own day', () => {
  const p = newPosition();
  const r = newRiskState();
  const midnight = T - 3600n * S + DAY; // the next 00:00 UTC
  dailyLossQuote(r, view(p));
  applyFill(p, 'buy', 1000, 10, 0);
  applyFill(p, 'sell', 990, 10, 0); // −0.01 quote
  assert.ok(Math.abs(dailyLossQuote(r, view(p, { nowNs: midnight - 1n })) - 0.01) < 1e-12, 'the last nanosecond of the day');
  assert.is(dailyLossQuote(r, view(p, { nowNs: midnight })), 0, 'the first of the next');
  assert.is(r.day, midnight / DAY);
  applyFill(p, 'buy', 1000, 10, 0);
  applyFill(p, 'sell', 995, 10, 0); // another −0.005
  assert.ok(Math.abs(dailyLossQuote(r, view(p, { nowNs: midnight + DAY - 1n })) - 0.005) < 1e-12);
  // a clock stepping back into the previous day rolls the baseline to that day again (as a division per check did)
  assert.is(dailyLossQuote(r, view(p, { nowNs: midnight - 5n })), 0);
  assert.is(r.day, midnight / DAY - 1n);
});

test('position and notional limits (strictly above the max breaches)', () => {
  const p = newPosition();
  applyFill(p, 'sell', 1000, 10, 0);
  assert.is(checkBreach(risk, newRiskState(), view(p, { markTick: 1001 })), null, '10 = max');
  applyFill(p, 'sell', 1000, 1, 0);
  assert.is(checkBreach(risk, newRiskState(), view(p, { markTick: 1001 }))?.kind, 'position');
  const q = newPosition();
  applyFill(q, 'buy', 1000, 3, 0);
  const lim = { ...risk, maxNotionalTickLot: 3000 };
  assert.is(checkBreach(lim, newRiskState(), view(q, { markTick: 1000 })), null);
  assert.is(checkBreach(lim, newRiskState(), view(q, { markTick: 1001 }))?.kind, 'notional');
});

test('stale data breaches only while exposed: > 5 s since the last valid signal', () => {
  const p = newPosition();
  const old = T - 5n * S;
  assert.is(checkBreach(risk, newRiskState(), view(p, { lastValidLocalTs: T - 60n * S, exposed: false })), null);
  assert.is(checkBreach(risk, newRiskState(), view(p, { lastValidLocalTs: old, exposed: true })), null, 'exactly 5 s');
  assert.is(checkBreach(risk, newRiskState(), view(p, { lastValidLocalTs: old - 1n, exposed: true }))?.kind, 'staleData');
  assert.is(checkBreach(risk, newRiskState(), view(p, { lastValidLocalTs: null, exposed: true }))?.kind, 'staleData');
});

test('feed latency band [−1 s, 2 s] and clock offset ±250 ms', () => {
  const p = newPosition();
  const at = (f: Partial<RiskView>) => checkBreach(risk, newRiskState(), view(p, f))?.kind ?? null;
  assert.is(at({ feedLatencyNs: 2_000_000_000 }), null);
  assert.is(at({ feedLatencyNs: 2_000_000_001 }), 'feedLatency');
  assert.is(at({ feedLatencyNs: -1_000_000_001 }), 'feedLatency');
  assert.is(at({ clockOffsetNs: -250_000_000 }), null);
  assert.is(at({ clockOffsetNs: 250_000_001 }), 'clockOffset');
});

// ---- pre-trade -----------------------------------------------------------------------------------------------------

test('order rate: 2/s and 3/min rolling windows (an order exactly 1 s / 60 s old has left the window)', () => {
  const lim = { ...risk, maxOrdersPerSecond: 2, maxOrdersPerMinute: 3 };
  const r = newRiskState();
  notePlace(r, T);
  notePlace(r, T + S / 2n);
  assert.match(preTrade(lim, r, T + 900_000_000n, 0, 1, 1000)!, /last second/);
  assert.is(preTrade(lim, r, T + S, 0, 1, 1000), null);
  notePlace(r, T + S);
  assert.match(preTrade(lim, r, T + 30n * S, 0, 1, 1000)!, /last minute/);
  assert.is(preTrade(lim, r, T + 60n * S, 0, 1, 1000), null);
});

test('pre-trade position and notional: an entry that would pass the limit is denied', () => {
  const r = newRiskState();
  assert.is(preTrade(risk, r, T, 9, 1, 1000), null);
  assert.match(preTrade(risk, r, T, -9, 2, 1000)!, /position: 11 lots/);
  assert.match(preTrade({ ...risk, maxNotionalTickLot: 2001 }, r, T, 1, 1, 1001)!, /notional: 2002/);
});

test.run();
