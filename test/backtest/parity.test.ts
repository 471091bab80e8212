// The parity report as a trader reads it: UTC times, prices in the quote currency on the instrument's tick, human
// durations, n/a where no decision matched, and a parameter the replay changed named first as the likely cause.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareIntents, formatParity, priceText, utcMicros, type ParityUnits } from '../../src/backtest/parity';
import { stepDecimals } from '../../src/format/numbers';
import type { Intent } from '../../src/backtest/orders';

const T = 1_796_587_389_760_033_181n; // 2026-12-06T20:03:09.760033181Z
const S = 1_000_000_000n;
const units: ParityUnits = { tickSize: 0.1, currency: 'USDT' };
const place = (at: bigint, priceTick: number, decided = at): Intent => ({
  localTs: at,
  decidedTs: decided,
  type: 'place',
  side: 'buy',
  priceTick,
  qtyLot: 1,
  force: 'ioc',
});

test('prices, times and decimals', () => {
  assert.equal([stepDecimals(0.1), stepDecimals(0.01), stepDecimals(5), stepDecimals(1e-7), stepDecimals(0.5)], [1, 2, 0, 7, 1]);
  assert.is(priceText(900000, units), '90,000.0 USDT');
  assert.is(priceText(900000, undefined), '900000 ticks');
  assert.is(utcMicros(T), '2026-12-06T20:03:09.760033Z');
});

test('a divergence: UTC times, quote prices, the time apart in a human unit, n/a when nothing matched', () => {
  // live decided 5.7 s before the replay, at another price; the replay had one fill fewer by then
  const live = [place(T, 900000)];
  const bt = [place(T + 5_700_159_000n, 899999)];
  const p = compareIntents(live, bt, [{ localTs: T - S, side: 'buy', priceTick: 900000, qtyLot: 1 }], [], { units });
  assert.equal(p.timing, { maxNs: null, medianNs: null });
  assert.equal(p.divergence!.differs, [
    'price 90,000.0 USDT ≠ 89,999.9 USDT',
    'decided at 2026-12-06T20:03:09.760033Z ≠ 2026-12-06T20:03:15.460192Z on the strategy clock (live 5.7 s earlier)',
  ]);
  assert.is(p.divergence!.cause, 'live had 1 fill by then, the replay 0: the position differed, so the strategy was in another phase');
  const text = formatParity(p, units);
  assert.match(
    text,
    /^parity: 0 of 1 live decisions matched \(the backtest took 1\)\n {2}live's time from a decision to sending it: n\/a, needs a matched decision\n/,
  );
  assert.match(
    text,
    /first divergence at decision 1: live place buy 1 lot @ 90,000\.0 USDT ioc decided at 2026-12-06T20:03:09\.760033Z \| backtest place buy 1 lot @ 89,999\.9 USDT ioc decided at 2026-12-06T20:03:15\.460192Z/,
  );
  assert.not.match(text, /0\.00 ms|\d{19}/);
});

test('a parameter the replay changed is named first, as the likely cause', () => {
  const changed = [
    { parameter: 'leanTicks', session: 1, replay: 2, source: '--set', unit: 'ticks' },
    { parameter: 'exit.timeStopNs', session: 5e9, replay: 1e9, source: '--set', unit: 'ns' },
  ];
  const p = compareIntents([place(T, 900000)], [place(T, 900001)], [{ localTs: T - S, side: 'buy', priceTick: 900000, qtyLot: 1 }], [], {
    units,
    changed,
  });
  assert.is(
    p.divergence!.cause,
    "the replay's parameters are not the session's: leanTicks 1 tick → 2 ticks (--set), exit.timeStopNs 5 s → 1 s (--set); the strategy decides differently with them (then: live had 1 fill by then, the replay 0: the position differed, so the strategy was in another phase)",
  );
  const lines = formatParity(p, units).split('\n');
  assert.is(
    lines[1],
    "  the replay's parameters are not the session's: leanTicks 1 tick → 2 ticks (--set), exit.timeStopNs 5 s → 1 s (--set)",
  );
  // nothing changed, everything matched: no such line, and the timing is a figure
  const same = compareIntents([place(T + 2_000_000n, 900000, T)], [place(T, 900000)], [], [], { units });
  assert.equal(same.timing, { maxNs: 2_000_000, medianNs: 2_000_000 });
  assert.match(formatParity(same, units), /live sent each action a median 2\.00 ms \(max 2\.00 ms\)/);
  assert.not.match(formatParity(same, units), /parameters are not/);
});

test('a decision that differs with the same fills names queueAheadLot as it is under --parity: NaN, not a simulated estimate', () => {
  const p = compareIntents([place(T, 900000)], [place(T, 900001)], [], [], { units });
  assert.match(p.divergence!.cause, /^same fills so far: /);
  assert.match(
    p.divergence!.cause,
    /queueAheadLot: live it is the tracker's estimate, while the replay on the session's recorded answers has no queue to estimate and reads NaN\)$/,
  );
  assert.not.match(p.divergence!.cause, /simulated venue/);
});

test("live's flatten at the stop, which the replay does not take, is said with its fees: the nets differ by it", () => {
  const same = compareIntents([place(T + 2_000_000n, 900000, T)], [place(T, 900000)], [], [], { units });
  const stopped = formatParity({ ...same, flatten: { live: 1, liveFeesQuote: 0.0054, replay: 0 } }, units);
  assert.match(
    stopped,
    /\n {2}live's flatten: 1 fill \(fees 0\.0054 USDT\) against the replay's 0: the runtime's clean-up at the stop, not a strategy decision, so the replay's net leaves it out\n/,
  );
  // a halt's flatten the replay takes too: nothing to say
  assert.not.match(formatParity({ ...same, flatten: { live: 2, liveFeesQuote: 0.01, replay: 2 } }, units), /live's flatten/);
});

test.run();
