// The obi-ofi rules with hand-worked numbers: hysteresis, debounce (count and dwell), the fee-aware cost hurdle,
// gates, TP/SL/trailing on an exact cost basis, time stop, cooldown lengths and order pricing, plus the same rules
// seen through the strategy on the runtime.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  checkGates,
  confirmedSide,
  cooldownNs,
  costHurdle,
  entryOrder,
  hurdleOk,
  exitOrder,
  newDebounce,
  priceExit,
  signalDecayed,
  signalExit,
  signalValue,
  timeStopHit,
  updateDebounce,
  type Sample,
  type TradeMarks,
} from '../../../src/strategy/builtins/obi-ofi/rules';
import { configOf } from '../../../src/strategy/builtins/obi-ofi/params';
import obiOfi from '../../../src/strategy/builtins/obi-ofi/index';
import { resolveRun } from '../../../src/strategy/resolve';
import type { StrategyDefinition } from '../../../src/strategy/api';
import { applyFill, newPosition } from '../../../src/strategy/position';
import { cooldown, Driver, inPosition, INST } from './helpers';

const resolveConfig = (sets: string[] = []) => configOf(resolveRun(obiOfi as unknown as StrategyDefinition, [], sets).params);
const cfg = resolveConfig();

interface Flat {
  localTs: number;
  valid: boolean;
  bestBid: number;
  bestAsk: number;
  l1: number;
  obiN: number;
  ofiNorm: number;
  z: number;
  zReady: boolean;
  feedLatencyNs: number;
}
const sig = (f: Partial<Flat> = {}): Sample => {
  const v: Flat = {
    localTs: 1_000_000_000,
    valid: true,
    bestBid: 1000,
    bestAsk: 1001,
    l1: 0.1,
    obiN: 0.2,
    ofiNorm: 3,
    z: 2.5,
    zReady: true,
    feedLatencyNs: 10_000_000,
    ...f,
  };
  return {
    book: { valid: v.valid, bestBidTick: v.bestBid, bestAskTick: v.bestAsk },
    signals: { l1: v.l1, obiN: v.obiN, ofiNorm: v.ofiNorm, z: v.z, zReady: v.zReady },
    localNs: v.localTs,
    feedLatencyNs: v.feedLatencyNs,
  };
};
const touch = { bidTick: 1000, askTick: 1001 };

test('signalValue: z needs zReady; l1/obiN/ofiNorm are read directly; an invalid book has none', () => {
  assert.is(signalValue(sig(), 'z'), 2.5);
  assert.ok(Number.isNaN(signalValue(sig({ zReady: false }), 'z')), 'none: NaN');
  assert.is(signalValue(sig({ zReady: false }), 'l1'), 0.1);
  assert.is(signalValue(sig(), 'obiN'), 0.2);
  assert.is(signalValue(sig(), 'ofiNorm'), 3);
  assert.ok(Number.isNaN(signalValue(sig({ valid: false }), 'l1')));
  assert.ok(Number.isNaN(signalValue(sig({ z: Infinity }), 'z')), 'not finite: none');
});

test('hysteresis: a long exits at x ≤ θ_out (0.5), a short at x ≥ −0.5; the flat zone in between holds', () => {
  assert.is(signalDecayed('long', 0.6, 0.5), false);
  assert.is(signalDecayed('long', 0.5, 0.5), true);
  assert.is(signalDecayed('long', -3, 0.5), true);
  assert.is(signalDecayed('short', -0.6, 0.5), false);
  assert.is(signalDecayed('short', -0.5, 0.5), true);
  assert.is(signalDecayed('long', NaN, 0.5), false, 'no value: no decision');
  // Between θ_out and θ_in nothing happens: x = 1.5 neither enters (θ_in 2) nor exits a long.
  const d = newDebounce();
  updateDebounce(d, 1.5, 2, 0);
  assert.is(d.side, null);
  assert.is(signalDecayed('long', 1.5, 0.5), false);
});

test('debounce by count: k = 3 consecutive samples ≥ θ_in; a sample inside or a missing one restarts the run', () => {
  const e = { ...cfg.entry, confirmCount: 3, confirmDwellNs: 0 };
  const d = newDebounce();
  const feed = (x: number, t: number) => {
    updateDebounce(d, x, 2, t);
    return confirmedSide(d, e, t);
  };
  assert.is(feed(2.1, 1), null);
  assert.is(feed(2.5, 2), null);
  assert.is(feed(1.9, 3), null, 'back inside: reset');
  assert.is(feed(2.0, 4), null);
  assert.is(feed(2.0, 5), null);
  assert.is(feed(2.0, 6), 'long', 'third in a row (θ_in inclusive)');
  assert.is(feed(NaN, 7), null, 'invalid sample breaks the run');
  assert.is(feed(-2, 8), null);
  assert.is(feed(-2, 9), null);
  assert.is(feed(-2, 10), 'short');
  assert.is(feed(2, 11), null, 'side change restarts at 1');
});

test('debounce by dwell: 100 ms beyond θ_in (k = 1)', () => {
  const e = { ...cfg.entry, confirmCount: 1, confirmDwellNs: 100_000_000 };
  const d = newDebounce();
  updateDebounce(d, 3, 2, 1_000_000_000);
  assert.is(confirmedSide(d, e, 1_000_000_000), null);
  updateDebounce(d, 3, 2, 1_099_999_999);
  assert.is(confirmedSide(d, e, 1_099_999_999), null);
  updateDebounce(d, 3, 2, 1_100_000_000);
  assert.is(confirmedSide(d, e, 1_100_000_000), 'long');
});

test('debounce on the runtime: confirmCount 2 enters on the second sample', () => {
  const d = new Driver(['entry.confirmCount=2']);
  assert.equal(d.sig({ z: 3 }), []);
  assert.equal(d.sig({ z: 3 }), ['place buy limit ioc 1001x1']);
});

test('cost hurdle, taker/taker: cost = 0.0012 × 1000.5 + 1 = 2.2006 ticks; ofiNorm 2.2 fails, 2.21 passes', () => {
  const c = resolveConfig();
  const fail = costHurdle(c, INST, sig({ ofiNorm: 2.2 }), 3, 'long');
  assert.ok(Math.abs(fail.costTicks - 2.2006) < 1e-12, String(fail.costTicks));
  assert.is(fail.expectedTicks, 2.2);
  assert.is(fail.ok, false);
  assert.is(costHurdle(c, INST, sig({ ofiNorm: 2.21 }), 3, 'long').ok, true);
  // Directional: a short needs the expected move to point down.
  assert.is(costHurdle(c, INST, sig({ ofiNorm: 2.21 }), -3, 'short').ok, false);
  assert.is(costHurdle(c, INST, sig({ ofiNorm: -2.21 }), -3, 'short').ok, true);
});

test('hurdleOk answers as costHurdle(…).ok: both modes, both sides, on and off', () => {
  for (const sets of [[], ['entry.mode=passive'], ['hurdle.enabled=false']]) {
    const c = resolveConfig(sets);
    for (const v of [-2.21, -2.2, 0, 1.81, 2.2, 2.21])
      for (const [x, dir] of [
        [3, 'long'],
        [-3, 'short'],
      ] as const)
        assert.is(
          hurdleOk(c, INST, sig({ ofiNorm: v }), x, dir),
          costHurdle(c, INST, sig({ ofiNorm: v }), x, dir).ok,
          `${sets} ${v} ${dir}`,
        );
  }
});

test('cost hurdle, maker in: (0.0002 + 0.0006) × 1000.5 + 1 = 1.8004; buffer, slippage, spread multiple and ĉ add up', () => {
  const passive = resolveConfig(['entry.mode=passive']);
  const h = costHurdle(passive, INST, sig({ ofiNorm: 1.81 }), 3, 'long');
  assert.ok(Math.abs(h.costTicks - 1.8004) < 1e-12);
  assert.is(h.ok, true);
  const extra = resolveConfig(['hurdle.bufferTicks=0.5', 'hurdle.slippageTicks=0.25', 'hurdle.spreadMultiple=2', 'hurdle.coef=2']);
  const e = costHurdle(extra, INST, sig({ ofiNorm: 2 }), 3, 'long');
  assert.ok(Math.abs(e.costTicks - (1.2006 + 2 + 0.5 + 0.25)) < 1e-12);
  assert.is(e.expectedTicks, 4);
  assert.is(e.ok, true);
  assert.is(costHurdle(resolveConfig(['hurdle.source=signal']), INST, sig({ ofiNorm: 100 }), 2, 'long').ok, false, 'edge read from x = 2');
  assert.is(costHurdle(resolveConfig(['hurdle.enabled=false']), INST, sig({ ofiNorm: 0 }), 3, 'long').ok, true);
});

test('gates: valid, healthy, fresh (age ≤ 500 ms), latency in [−100, 250] ms, spread ≤ 5', () => {
  const g = cfg.gates;
  const now = 1_000_000_000;
  assert.is(checkGates(g, sig(), true, now), null);
  assert.is(checkGates(g, sig({ valid: false }), true, now), 'invalidBook');
  assert.is(checkGates(g, sig(), false, now), 'unhealthy');
  assert.is(checkGates(g, sig(), true, now + 500_000_000), null, 'exactly 500 ms old');
  assert.is(checkGates(g, sig(), true, now + 500_000_001), 'stale');
  assert.is(checkGates(g, sig({ feedLatencyNs: 250_000_001 }), true, now), 'feedLatency');
  assert.is(checkGates(g, sig({ feedLatencyNs: -100_000_001 }), true, now), 'feedLatency');
  assert.is(checkGates(g, sig({ feedLatencyNs: -100_000_000 }), true, now), null);
  assert.is(checkGates(g, sig({ bestAsk: 1005 }), true, now), null);
  assert.is(checkGates(g, sig({ bestAsk: 1006 }), true, now), 'spread');
});

test('TP/SL on an exact cost basis: long 1 @ 1000 + 1 @ 1003 (avg 1001.5): TP 20 at bid ≥ 1021.5, SL 10 at bid ≤ 991.5', () => {
  const p = newPosition();
  applyFill(p, 'buy', 1000, 1, 0);
  applyFill(p, 'buy', 1003, 1, 0);
  assert.is(p.costTickLot, 2003);
  const t: TradeMarks = { entryNs: 0, bestTick: null };
  const at = (bid: number) => priceExit(cfg.exit, p, t, sig({ bestBid: bid, bestAsk: bid + 1 }));
  assert.is(at(1021), null);
  assert.is(at(1022), 'takeProfit');
  assert.is(at(992), null);
  assert.is(at(991), 'stopLoss');
  // A short mirrors it at the ask: short 1 @ 1000 → TP at ask ≤ 980, SL at ask ≥ 1010.
  const s = newPosition();
  applyFill(s, 'sell', 1000, 1, 0);
  const ask = (a: number) => priceExit(cfg.exit, s, t, sig({ bestBid: a - 1, bestAsk: a }));
  assert.is(ask(981), null);
  assert.is(ask(980), 'takeProfit');
  assert.is(ask(1009), null);
  assert.is(ask(1010), 'stopLoss');
  assert.is(priceExit({ ...cfg.exit, takeProfitTicks: null, stopLossTicks: null }, p, t, sig({ bestBid: 2000 })), null, 'both off');
});

test('trailing stop: activation 5, trail 3 — long @ 1000, best bid 1006 arms it, 1004 holds, 1003 exits', () => {
  const p = newPosition();
  applyFill(p, 'buy', 1000, 1, 0);
  const ex = { ...cfg.exit, takeProfitTicks: null, trailingTicks: 3, trailingActivationTicks: 5 };
  assert.is(priceExit(ex, p, { entryNs: 0, bestTick: 1004 }, sig({ bestBid: 1001 })), null, 'best +4 < activation 5');
  assert.is(priceExit(ex, p, { entryNs: 0, bestTick: 1006 }, sig({ bestBid: 1004 })), null);
  assert.is(priceExit(ex, p, { entryNs: 0, bestTick: 1006 }, sig({ bestBid: 1003 })), 'trailing');
});

test('time stop: 30 s after the first fill, inclusive; off when null', () => {
  const t: TradeMarks = { entryNs: 5_000_000_000, bestTick: null };
  assert.is(timeStopHit(cfg.exit, t, 34_999_999_999), false);
  assert.is(timeStopHit(cfg.exit, t, 35_000_000_000), true);
  assert.is(timeStopHit({ ...cfg.exit, timeStopNs: null }, t, 10 ** 15), false);
});

test('signal exits: reversal only when allowed and the opposite side is confirmed; else hysteresis', () => {
  const c = resolveConfig();
  assert.is(signalExit(c, true, -3, 'short'), 'reversal');
  assert.is(signalExit(c, true, -3, null), 'signal');
  assert.is(signalExit(c, true, 1, null), null);
  assert.is(signalExit(resolveConfig(['entry.allowReversal=false']), true, -3, 'short'), 'signal');
  assert.is(signalExit(c, false, 3, 'long'), 'reversal');
});

test('cooldown lengths: 1 s normally, 10 s after a stop-loss, 0 after a reversal', () => {
  assert.is(cooldownNs(cfg.cooldown, 'signal'), 1_000_000_000);
  assert.is(cooldownNs(cfg.cooldown, null), 1_000_000_000);
  assert.is(cooldownNs(cfg.cooldown, 'stopLoss'), 10_000_000_000);
  assert.is(cooldownNs(cfg.cooldown, 'reversal'), 0);
});

test('order pricing: taker IOC through the touch by slipTicks, passive post_only at our touch; exit ladder IOC → market', () => {
  assert.equal(entryOrder({ ...cfg.entry, slipTicks: 2 }, sig(), 'long'), { priceTick: 1003, timeInForce: 'ioc' });
  assert.equal(entryOrder({ ...cfg.entry, slipTicks: 2 }, sig(), 'short'), { priceTick: 998, timeInForce: 'ioc' });
  assert.equal(entryOrder({ ...cfg.entry, mode: 'passive' }, sig(), 'long'), { priceTick: 1000, timeInForce: 'postOnly' });
  assert.equal(entryOrder({ ...cfg.entry, mode: 'passive' }, sig(), 'short'), { priceTick: 1001, timeInForce: 'postOnly' });
  const ex = { ...cfg.exit, iocAttempts: 3, escalateTicks: 2 };
  assert.equal(exitOrder(ex, 'signal', 0, true, touch), { type: 'limit', priceTick: 1000 });
  assert.equal(exitOrder(ex, 'signal', 2, true, touch), { type: 'limit', priceTick: 996 });
  assert.equal(exitOrder(ex, 'signal', 2, false, touch), { type: 'limit', priceTick: 1005 });
  assert.equal(exitOrder(ex, 'signal', 3, true, touch), { type: 'market' });
  assert.equal(exitOrder(ex, 'stopLoss', 0, true, touch), { type: 'market' });
  assert.equal(exitOrder(ex, 'signal', 0, true, null), { type: 'market' }, 'no book: market');
});

test('on the runtime: the cooldown after a stop-loss is 10 s, and re-entry waits for it', () => {
  const d = inPosition();
  d.sig({ z: 3, bestBid: 990, bestAsk: 991 });
  d.fill('rb-t-2', 'sell', 990, 1, 0);
  assert.is(d.phase, 'COOLDOWN');
  for (let i = 0; i < 9; i++) d.sig({ z: 3 }, 1000);
  assert.is(d.phase, 'COOLDOWN', '9.01 s later');
  d.sig({ z: 3 }, 1000);
  assert.is(d.phase, 'IDLE');
  assert.equal(d.sig({ z: 3 }), ['place buy limit ioc 1001x1']);
});

test('on the runtime: hysteresis holds the position between θ_out and θ_in; the flat zone does not re-enter after an exit', () => {
  const d = inPosition();
  for (const z of [1.9, 1.0, 0.51]) assert.equal(d.sig({ z }), [], `z ${z}`);
  assert.equal(d.sig({ z: 0.5 }), ['place sell limit ioc 1000x1 ro']);
  d.fill('rb-t-2', 'sell', 1000, 1, 0);
  d.tick(1000);
  assert.is(d.phase, 'IDLE');
  assert.equal(d.sig({ z: 1.99 }), [], 'inside θ_in: no entry');
});

test('on the runtime: cooldown with θ_reset 1 waits for |x| < 1 even after T_cool', () => {
  const d = cooldown(['cooldown.resetThreshold=1']);
  d.sig({ z: 1.5 });
  d.tick(5000);
  assert.is(d.phase, 'COOLDOWN', 'T_cool over but |z| 1.5 ≥ 1');
  d.sig({ z: -0.9 });
  assert.is(d.phase, 'IDLE');
});

test.run();
