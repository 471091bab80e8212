// The informed/uninformed order-flow mix (order-flow.ts, `informedShare`; docs/exchange.md): a passive market maker
// quoting both touches is filled by the flow, and with informed flow it loses to adverse selection: fills after
// which the mid runs on through the fill price, and a worse average mark-out than against noise alone, same seed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_FLOW, Market, type FlowInstrument } from '../../src/exchange/order-flow';
import type { OwnOrderHandle } from '../../src/exchange/sim-book';

const INST: FlowInstrument = { startPriceTick: 100_000, startTradeId: 1n, flow: {} };
const STEP_MS = 100;
const MARKOUT_STEPS = 50; // 5 s after the fill

interface Run {
  fills: number;
  /** Mark-outs in ticks, 5 s after each fill: (mid later − price) for a bought lot, (price − mid later) for a sold one. */
  markouts: number[];
  informedOrders: number;
}

/** Quotes `lots` at the best bid and the best ask for `seconds`, requoting when the touch moves away. */
function quote(informedShare: number, seed = 1, seconds = 600, lots = 50): Run {
  const m = new Market(INST, seed, 0, { informedShare });
  let bid: OwnOrderHandle | undefined;
  let ask: OwnOrderHandle | undefined;
  const fills: { step: number; bought: boolean; tick: number }[] = [];
  const mids: number[] = [];
  for (let i = 0; i < (seconds * 1000) / STEP_MS; i++) {
    const bb = m.bestBid()!;
    const ba = m.bestAsk()!;
    if (bid && bid.lots > 0 && bid.tick !== bb) m.cancelOwn(bid);
    if (ask && ask.lots > 0 && ask.tick !== ba) m.cancelOwn(ask);
    if (!bid || bid.lots === 0 || bid.tick !== bb) bid = m.placeOwn('buy', bb, lots, 'bid');
    if (!ask || ask.lots === 0 || ask.tick !== ba) ask = m.placeOwn('sell', ba, lots, 'ask');
    m.step(STEP_MS);
    for (const f of m.takeOwnFills()) fills.push({ step: i, bought: f.takerSide === 'sell', tick: f.priceTick });
    mids.push((m.bestBid()! + m.bestAsk()!) / 2);
  }
  const markouts = fills
    .filter((f) => f.step + MARKOUT_STEPS < mids.length)
    .map((f) => (f.bought ? mids[f.step + MARKOUT_STEPS] - f.tick : f.tick - mids[f.step + MARKOUT_STEPS]));
  return { fills: fills.length, markouts, informedOrders: m.counters.informedOrders };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

test('informedShare 0 is the pure noise model: no informed orders, no news', () => {
  assert.is(DEFAULT_FLOW.informedShare, 0);
  const m = new Market(INST, 3, 0);
  m.step(60_000);
  assert.equal([m.counters.informedOrders, m.counters.news, m.latentValueTick], [0, 0, INST.startPriceTick]);
});

test('with informed flow a passive maker is filled, sometimes profitably and sometimes just before the price runs through it', () => {
  const noise = quote(0);
  const informed = quote(0.5);
  assert.ok(informed.informedOrders > 0, 'informed orders were sent');
  for (const [name, r] of [
    ['noise', noise],
    ['informed', informed],
  ] as const) {
    assert.ok(r.fills > 100, `${name}: filled passively (${r.fills} fills)`);
    assert.ok(
      r.markouts.some((x) => x > 0),
      `${name}: some fills earn (mid moved our way)`,
    );
    assert.ok(
      r.markouts.some((x) => x < 0),
      `${name}: some fills lose (mid ran through them)`,
    );
  }
  // Adverse selection: the informed flow's fills are worth less, on average by more than a tick
  assert.ok(
    mean(informed.markouts) < mean(noise.markouts) - 1,
    `mean mark-out informed ${mean(informed.markouts).toFixed(2)} vs noise ${mean(noise.markouts).toFixed(2)} ticks`,
  );
  assert.ok(
    informed.markouts.filter((x) => x < 0).length > informed.markouts.filter((x) => x > 0).length,
    'with informed flow losing fills outnumber winning ones',
  );
});

test('the same seed gives the same run (the mix is reproducible)', () => {
  assert.equal(quote(0.5, 4, 120), quote(0.5, 4, 120));
});

test('bad mix parameters are refused, naming the parameter', () => {
  assert.throws(() => new Market(INST, 1, 0, { informedShare: 1.5 }), /informedShare must be in \[0, 1\], got 1\.5/);
  assert.throws(() => new Market(INST, 1, 0, { newsTicks: 0 }), /newsTicks must be a whole number ≥ 1, got 0/);
  assert.throws(() => new Market(INST, 1, 0, { newsPerSec: -1 }), /newsPerSec must be ≥ 0, got -1/);
});

test.run();
