// Why a run took no (or few) entries, in words with the parameter to change: from the runtime's and obi-ofi's
// counters, and from what the signal did when nothing was blocked; why it halted; another strategy's counters.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SignalWatch, counterNote, explainCounters, explainEntries, explainHalt, type StrategyConfig } from '../../src/strategy/explain';
import { findingLine } from '../../src/format/findings';
import type { Market } from '../../src/strategy/api';
import { builtinNamed } from '../../src/strategy/builtins/index';
import { resolveRun } from '../../src/strategy/resolve';
import { nest } from '../../src/strategy/params';

const config = nest(resolveRun(builtinNamed('obi-ofi')!.definition, [], ['gates.maxSpreadTicks=2']).values) as unknown as StrategyConfig;

/** What SignalWatch reads of a book message. */
function sig(x: number, valid = true): Market {
  return {
    book: { valid, bestBidTick: 100, bestAskTick: 101 },
    signals: { l1: 0, obiN: x, ofiNorm: x, z: x, zReady: true },
    localNs: 0,
    feedLatencyNs: 0,
  } as unknown as Market;
}

test('blocked entries, most frequent first, with the parameter and a --set to try', () => {
  const f = explainEntries({ config, counters: { 'gate.spread': 12345, hurdle: 7, 'exit.signal': 3 }, trades: 0, fills: 0 });
  assert.equal(f.map(findingLine), [
    'gates.maxSpreadTicks blocked 12,345 entries: the spread was wider than 2 ticks; try --set gates.maxSpreadTicks=4',
    'hurdle.enabled blocked 7 entries: the expected move (hurdle.coef 1 × ofiNorm) did not beat the round-trip cost (fees in and out, 1× the spread, slippage and buffer); try --set hurdle.enabled=false',
  ]);
  // the spread the entries met while the signal was beyond the threshold: mostly inside the limit, so the few
  // blocked ones met rare wide moments (said, rather than a median that reads as a contradiction)
  const signals = { signals: 9, valid: 9, valued: 9, beyond: 9, longestRun: 3, maxAbs: 0.9, spreadBeyond: { p50: 1, p90: 2 } };
  const rare = explainEntries({ config, counters: { 'gate.spread': 1 }, trades: 0, fills: 0, signals });
  assert.match(
    findingLine(rare[0]),
    /the spread was wider than 2 ticks \(while x was beyond ±[\d.]+ the spread was 1 tick at the median, 2 at the 90th percentile: within the limit most of the time, the blocked entries met its rare wide moments\)/,
  );
  const stale = explainEntries({ config, counters: { 'gate.stale': 1 }, trades: 2, fills: 4 });
  assert.is(
    findingLine(stale[0]),
    'gates.maxDataAgeNs blocked 1 entry: the signal was older than 500 ms when the strategy saw it; try --set gates.maxDataAgeNs=1s',
  );
});

test('a feed-latency block names the bound that blocked: below the lower one (a clock behind the exchange) says to lower it', () => {
  const low = explainEntries({ config, counters: { 'gate.feedLatency': 16, 'gate.feedLatencyLow': 16 }, trades: 0, fills: 0 });
  assert.match(
    findingLine(low[0]),
    /^gates\.minFeedLatencyNs blocked 16 entries: the feed latency .* was below -100 ms, outside .*the local clock is behind.*; try --set gates\.minFeedLatencyNs=-1s$/,
  );
  const high = explainEntries({ config, counters: { 'gate.feedLatency': 3 }, trades: 0, fills: 0 });
  assert.match(
    findingLine(high[0]),
    /^gates\.maxFeedLatencyNs blocked 3 entries: the feed latency .* was above 250 ms, .*; try --set gates\.maxFeedLatencyNs=1s$/,
  );
  const both = explainEntries({ config, counters: { 'gate.feedLatency': 5, 'gate.feedLatencyLow': 1 }, trades: 0, fills: 0 });
  assert.match(findingLine(both[0]), /1 below, 4 above; try --set gates\.maxFeedLatencyNs=1s$/);
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

test('a threshold the signal never reached: the suggestion is below the largest |x| and passes the rules between parameters', () => {
  const defaults = nest(resolveRun(builtinNamed('obi-ofi')!.definition, [], []).values) as unknown as StrategyConfig;
  const w = new SignalWatch(defaults);
  for (const x of [0.1, -0.202, 0.05]) w.observe(sig(x));
  const [f] = explainEntries({ config: defaults, counters: {}, trades: 0, fills: 0, signals: w.stats });
  // 80 % of 0.202 is 0.1616 → 0.16; exit.threshold 0.5 must go below it, in proportion (0.5 of 2 → 0.04 of 0.16)
  assert.is(
    findingLine(f),
    'entry.threshold: x (signal.source z) never reached ±2: the largest |x| was 0.202; try --set entry.threshold=0.16 --set exit.threshold=0.04',
  );
  const sets = [f.suggest!, ...(f.suggest!.also ?? [])].map((x) => `${x.parameter}=${x.value}`);
  const applied = nest(resolveRun(builtinNamed('obi-ofi')!.definition, [], sets).values) as unknown as StrategyConfig;
  assert.is(applied.entry.threshold, 0.16);
  assert.ok(applied.entry.threshold < 0.202, 'the signal reaches it');
  // the suggestion applied and the same signal: no suggestion of the same value again
  const again = new SignalWatch(applied);
  for (const x of [0.1, -0.202, 0.05]) again.observe(sig(x));
  assert.is(
    explainEntries({ config: applied, counters: {}, trades: 0, fills: 0, signals: again.stats })[0].parameter,
    'entry.confirmCount',
  );
  // the rule's message names the other parameter's value
  assert.throws(
    () => resolveRun(builtinNamed('obi-ofi')!.definition, [], ['entry.threshold=0.15']),
    /entry\.threshold must be a number > exit\.threshold \(0\.5\), got 0\.15/,
  );
});

test('halts: the risk limit in words and the parameter behind it; a kill switch is an ordinary stop', () => {
  assert.is(explainHalt('kill switch', config), null);
  assert.is(explainHalt(null, config), null);
  assert.is(
    findingLine(explainHalt('risk breach (dailyLoss): daily loss 123.4 quote > max 100', config, 'USDT')!),
    'risk.maxDailyLossQuote: risk limit: the loss since the UTC day began passed 100.00 USDT',
  );
  assert.is(
    findingLine(explainHalt('risk breach (feedLatency): feed latency -6 h 43 min below risk.minFeedLatencyNs −1 s', config)!),
    "risk.minFeedLatencyNs: risk limit: a signal's feed latency (-6 h 43 min) was below -1 s",
  );
  assert.is(
    findingLine(explainHalt('risk breach (feedLatency): BTCUSDT: feed latency 2.5 s above risk.maxFeedLatencyNs 2 s', config)!),
    "risk.maxFeedLatencyNs: risk limit: a signal's feed latency (2.5 s) was above 2 s",
  );
  assert.is(
    findingLine(explainHalt('risk breach (clockOffset): clock offset -401 ms beyond risk.maxClockOffsetNs ±250 ms', config)!),
    'risk.maxClockOffsetNs: risk limit: the clock offset to the exchange (-401 ms) passed ±250 ms',
  );
  assert.is(
    findingLine(
      explainHalt('risk breach (staleData): BTCUSDT: last valid signal 5.03 s old > risk.maxDataAgeNs 5 s while exposed', config)!,
    ),
    'risk.maxDataAgeNs: risk limit: no valid market data for 5 s while exposed (the last valid signal 5.03 s old)',
  );
  assert.is(
    findingLine(explainHalt('exit failed: rb-1 not done after 3 retries, position 2', config)!),
    'exit.maxRetries: an exit did not fill after 3 retries',
  );
});

test("the runtime's refusals: one line per limit that said no, with how often, most first; none for a limit that never did", () => {
  const counters = {
    'risk.denied': 9,
    'risk.denied.maxPositionLot': 6,
    'risk.denied.maxOrdersPerSecond': 2,
    'risk.denied.halted': 1,
    wide: 4,
  };
  assert.equal(explainCounters({ risk: config.risk, counters }).map(findingLine), [
    'risk.maxPositionLot refused 6 orders: the position would have passed 10 lots (every live order on its side filled)',
    'risk.maxOrdersPerSecond refused 2 orders: 5 orders and price changes were sent in the last second',
    'refused 1 order: the session was halted',
    'wide counted 4 times: the strategy counted it (ctx.count)',
  ]);
  // obi-ofi's report: the same lines among its gates, by count
  const f = explainEntries({ config, counters: { ...counters, 'gate.spread': 3 }, trades: 0, fills: 0 }).map(findingLine);
  assert.equal(f.slice(0, 2), [
    'risk.maxPositionLot refused 6 orders: the position would have passed 10 lots (every live order on its side filled)',
    f[1],
  ]);
  assert.match(f[1], /^gates\.maxSpreadTicks blocked 3 entries/);
  assert.ok(f.includes('risk.maxOrdersPerSecond refused 2 orders: 5 orders and price changes were sent in the last second'));
  assert.not.ok(
    f.some((l) => l.includes('maxOrdersPerMinute')),
    'a limit that refused nothing is not named',
  );
});

test("another strategy: the runtime's refusals in words, then its own counters as they are, most first", () => {
  const f = explainCounters({
    risk: config.risk,
    counters: { 'risk.denied': 3, 'gate.spread': 5, 'fill.duplicate': 2, wide: 9, 'breach.position': 1 },
  });
  assert.equal(f.map(findingLine), [
    'risk.* refused 3 orders: a pre-trade limit said no: at most 5 orders a second (risk.maxOrdersPerSecond), 60 a minute (risk.maxOrdersPerMinute), 10 lots of position (risk.maxPositionLot); the log says which',
    'wide counted 9 times: the strategy counted it (ctx.count)',
    'gate.spread counted 5 times: the strategy counted it (ctx.count)',
  ]);
});

test("mm-glft's pacing over several instruments: how often it held each one's quotes back, and the limit that binds", () => {
  const f = explainCounters({ risk: config.risk, counters: { 'pace.held ETHUSDT': 1 } });
  assert.equal(f.map(findingLine), [
    "ETHUSDT quotes held back on 1 book message: the strategy's pacing keeps its new quotes and price changes within 5 a second (risk.maxOrdersPerSecond) and 60 a minute (risk.maxOrdersPerMinute), a fair share each instrument; try --set risk.maxOrdersPerMinute=120",
  ]);
  // 60 a minute is 1 a second on average: that limit runs out first, not 5 a second; with a minute limit of 300 or
  // more the second limit is the tighter one
  const loose = explainCounters({ risk: { ...config.risk, maxOrdersPerMinute: 300 }, counters: { 'pace.held ETHUSDT': 1 } });
  assert.match(findingLine(loose[0]), /; try --set risk\.maxOrdersPerSecond=10$/);
  // doubling the minute limit past 60 × the second limit would change nothing: it is raised to that and no further
  const near = explainCounters({ risk: { ...config.risk, maxOrdersPerMinute: 240 }, counters: { 'pace.held ETHUSDT': 1 } });
  assert.match(findingLine(near[0]), /; try --set risk\.maxOrdersPerMinute=300$/);
});

test("mm-glft's pacing counted by limit: the advice raises the limit that held the quotes back, never one raising which changes nothing", () => {
  const held = (second: number, minute: number, n = Math.max(second, minute)) =>
    explainCounters({
      risk: { ...config.risk, maxOrdersPerMinute: 240 },
      counters: {
        'pace.held ETHUSDT': n,
        ...(second ? { 'pace.held ETHUSDT risk.maxOrdersPerSecond': second } : {}),
        ...(minute ? { 'pace.held ETHUSDT risk.maxOrdersPerMinute': minute } : {}),
      },
    });
  // a 40 s run under 240 a minute: only the second limit ran out, so the minute limit is not the one to raise
  const second = held(392, 0);
  assert.is(second.length, 1, 'the counts by limit are part of the one finding');
  assert.is(
    findingLine(second[0]),
    "ETHUSDT quotes held back on 392 book messages: the strategy's pacing keeps its new quotes and price changes within 5 a second (risk.maxOrdersPerSecond) and 240 a minute (risk.maxOrdersPerMinute), a fair share each instrument; the second limit ran out on 392 of them, the minute limit on none; try --set risk.maxOrdersPerSecond=10",
  );
  // only the minute limit: raised to at most 60 × the second limit
  assert.match(
    findingLine(held(0, 50)[0]),
    /the second limit ran out on none of them, the minute limit on 50; try --set risk\.maxOrdersPerMinute=300$/,
  );
  // both, on different messages: the one that held more back
  assert.match(findingLine(held(140, 264, 400)[0]), /; try --set risk\.maxOrdersPerMinute=300$/);
  assert.match(findingLine(held(300, 120, 400)[0]), /; try --set risk\.maxOrdersPerSecond=10$/);
  // every minute-limit hold was a second-limit hold too: raising the minute limit alone would change nothing
  assert.match(findingLine(held(300, 120, 300)[0]), /; try --set risk\.maxOrdersPerSecond=10$/);
  assert.match(findingLine(held(120, 300, 300)[0]), /; try --set risk\.maxOrdersPerMinute=300$/);
  // both on every message: neither alone would do, both are raised
  assert.match(findingLine(held(50, 50, 50)[0]), /; try --set risk\.maxOrdersPerSecond=10 --set risk\.maxOrdersPerMinute=480$/);
});

test('a reconcile that found the venue other than our fills: answered, so said as a mismatch, with the symbol', () => {
  const h = explainHalt('reconcile mismatch: venue position 5 lots ≠ 0 from fills', config, 'USDT', 'ETHUSDT');
  assert.is(
    h && findingLine(h),
    'ETHUSDT: the venue does not hold what our fills and orders say (reconcile mismatch: venue position 5 lots ≠ 0 from fills): a position or orders left by an earlier session or another client, or a fill we missed',
  );
  assert.match(findingLine(explainHalt('reconcile: no answer after 3 attempts', config)!), /the venue did not answer a reconcile/);
});

test('a strategy that threw: the halt says where', () => {
  const h = explainHalt('strategy error in onBook: boom (my.ts:12:7)', config);
  assert.is(h && findingLine(h), 'the strategy threw: onBook: boom (my.ts:12:7) (its orders were cancelled and its position flattened)');
});

test("the runtime's bookkeeping counters have words: late answers for orders already finished are not a mystery", () => {
  assert.is(counterNote('amendReject.unknown'), 'amend refusals for orders already finished (not passed on)');
  assert.is(counterNote('cancelReject.unknown'), 'cancel refusals for orders already finished (not passed on)');
  assert.is(counterNote('risk.denied.reduceOnlySize'), 'requests refused by this limit');
  assert.is(counterNote('breach.dailyLoss'), 'risk breaches (each halts)');
  assert.is(counterNote('gate.spread'), 'counter', "the strategy's own: as before");
});

test.run();
