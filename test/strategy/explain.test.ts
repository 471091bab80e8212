// Why a run took no (or few) entries, in words with the parameter to change: from the machine's counters, and from
// what the signal did when nothing was blocked; why it halted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveConfig } from '../../src/fsm/index';
import { SignalWatch, explainEntries, explainHalt } from '../../src/fsm/explain';
import { findingLine } from '../../src/format/findings';
import type { SignalEvent } from '../../src/fsm/strategy';

const config = resolveConfig({}, ['gates.maxSpreadTicks=2']);

function sig(x: number, valid = true): SignalEvent {
  return {
    type: 'signal',
    localTs: 0n,
    exchTs: 0n,
    valid,
    bestBid: 100,
    bestAsk: 101,
    bidQty: 1,
    askQty: 1,
    l1: 0,
    obiN: x,
    ofiNorm: x,
    z: x,
    zReady: true,
    feedLatencyNs: 0,
  };
}

test('blocked entries, most frequent first, with the parameter and a --set to try', () => {
  const f = explainEntries({ config, counters: { 'gate.spread': 12345, hurdle: 7, 'exit.signal': 3 }, trades: 0, fills: 0 });
  assert.equal(f.map(findingLine), [
    'gates.maxSpreadTicks blocked 12,345 entries: the spread was wider than 2 ticks; try --set gates.maxSpreadTicks=4',
    'hurdle.enabled blocked 7 entries: the expected move (hurdle.coef 1 × ofiNorm) did not beat the round-trip cost (fees in and out, 1× the spread, slippage and buffer); try --set hurdle.enabled=false',
  ]);
  const stale = explainEntries({ config, counters: { 'gate.stale': 1 }, trades: 2, fills: 4 });
  assert.is(
    findingLine(stale[0]),
    'gates.maxDataAgeNs blocked 1 entry: the signal was older than 500 ms when the strategy saw it; try --set gates.maxDataAgeNs=1s',
  );
});

test('nothing blocked, nothing traded: what the signal did', () => {
  const w = new SignalWatch(config);
  for (const x of [0.3, -0.98, 0.5, 0.1]) w.observe(sig(x));
  w.observe(sig(0, false));
  assert.equal(w.stats, { signals: 5, valid: 4, valued: 4, beyond: 0, longestRun: 0, maxAbs: 0.98, spreadBeyond: null });
  assert.equal(explainEntries({ config, counters: {}, trades: 0, fills: 0, signals: w.stats }).map(findingLine), [
    'entry.threshold: x (signal.source z) never reached ±2: the largest |x| was 0.980; try --set entry.threshold=0.78',
  ]);
  const run = new SignalWatch(config);
  for (const x of [2.5, 2.1, 0, -3, -3, 1]) run.observe(sig(x));
  assert.equal(run.stats.longestRun, 2);
  assert.equal(explainEntries({ config, counters: {}, trades: 0, fills: 0, signals: run.stats }).map(findingLine), [
    'entry.confirmCount: x (signal.source z) passed ±2 4 times but never for 3 signals in a row (longest 2); try --set entry.confirmCount=2',
  ]);
  assert.equal(explainEntries({ config, counters: {}, trades: 0, fills: 0, signals: new SignalWatch(config).stats }).map(findingLine), [
    'no market data reached the strategy',
  ]);
  assert.equal(explainEntries({ config, counters: {}, trades: 3, fills: 6, signals: run.stats }), [], 'traded, nothing blocked');
});

test('halts: the risk limit in words and the parameter behind it; a kill switch is an ordinary stop', () => {
  assert.is(explainHalt('kill switch', config), null);
  assert.is(explainHalt(null, config), null);
  assert.is(
    findingLine(explainHalt('risk breach (dailyLoss): daily loss 123.4 quote > max 100', config, 'USDT')!),
    'risk.maxDailyLossQuote: risk limit: the loss since the UTC day began passed 100.00 USDT',
  );
  assert.is(
    findingLine(explainHalt('exit failed: rb-1 not done after 3 retries, position 2', config)!),
    'exit.maxRetries: an exit did not fill after 3 retries',
  );
});

test.run();
