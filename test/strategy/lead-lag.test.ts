// lead-lag, the built-in that trades one instrument on another's order flow: it loads as the others do, declares the
// leader watched and the follower traded, decides only on the leader's messages, orders only the follower (the
// runtime says which instrument each action is for), exits after the hold time or when the leader turns, and its
// parameters are checked like any declared ones.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadStrategy } from '../../src/strategy/loader';
import { builtinNamed } from '../../src/strategy/builtins/index';
import { resolveRun } from '../../src/strategy/resolve';
import { StrategyRuntime, originOf, type RuntimeInstrument } from '../../src/strategy/runtime';
import { Slots } from '../../src/strategy/views';
import type { Action } from '../../src/strategy/events';
import { T0, MS, writeSignal, fillEvent } from '../helpers/obi-ofi';

const BTC: RuntimeInstrument = { symbol: 'BTCUSDT', tickSize: 0.1, lotSize: 0.0001, makerFeeRate: 0.0002, takerFeeRate: 0.0006 };
const ETH: RuntimeInstrument = { symbol: 'ETHUSDT', tickSize: 0.01, lotSize: 0.01, makerFeeRate: 0.0002, takerFeeRate: 0.0006 };

test('it loads like the other built-ins and declares the leader watched, the follower traded', async () => {
  const loaded = await loadStrategy('lead-lag');
  assert.is(loaded.definition.name, 'lead-lag');
  assert.ok(loaded.bundle, 'bundled from its source, with a hash');
  assert.is(loaded.bundle!.source, 'builtin:lead-lag');
  assert.equal(loaded.definition.instruments, { trade: ['ETHUSDT'], watch: ['BTCUSDT'] });
  assert.equal(builtinNamed('lead-lag')!.definition.instruments, { trade: ['ETHUSDT'], watch: ['BTCUSDT'] });
  // every number it takes has a range, so a space file's values are checked against it
  for (const [name, spec] of Object.entries(loaded.definition.params ?? {}) as Array<[string, { type: string; max?: number }]>)
    if (spec.type === 'number' || spec.type === 'integer' || spec.type === 'duration')
      assert.ok(spec.max !== undefined, `${name} has a maximum`);
  assert.throws(() => resolveRun(loaded.definition, [], ['threshhold=1']), /did you mean threshold\?/);
  assert.throws(() => resolveRun(loaded.definition, [], ['confirm=0']), /confirm/);
});

test('a run without the follower is refused, naming it', () => {
  const def = builtinNamed('lead-lag')!.definition;
  const run = resolveRun(def, [], []);
  assert.throws(
    () => new StrategyRuntime({ definition: def, params: run.params, settings: run.settings, instruments: [BTC], originNs: originOf(T0) }),
    /lead-lag declares ETHUSDT, which this run does not have \(instruments: BTCUSDT\)/,
  );
});

/** The runtime over both instruments, book messages written into each one's slot as the core would. */
function harness(sets: string[]) {
  const def = builtinNamed('lead-lag')!.definition;
  const run = resolveRun(def, [], sets);
  const slots = new Slots(2, 0);
  const rt = new StrategyRuntime({
    definition: def,
    params: run.params,
    settings: run.settings,
    instruments: [BTC, ETH],
    originNs: originOf(T0),
    idTag: 't',
    slots,
  });
  rt.start(0);
  let ms = 0;
  let last: Action[] = [];
  const said = () => last.map((a, i) => `${rt.markets[rt.actionInst(i)].info.symbol} ${describe(a)}`);
  return {
    rt,
    /** A book message of instrument `inst` 10 ms after the previous event, with the leader's ofiNorm `x`. */
    book(inst: number, x: number): string[] {
      ms += 10;
      const localTs = T0 + BigInt(ms) * MS;
      const base = inst * slots.stride;
      const [bid, ask] = inst === 0 ? [900_000, 900_001] : [300_000, 300_001];
      writeSignal(slots, base, {
        localTs,
        exchTs: localTs - MS,
        valid: true,
        bestBid: bid,
        bestAsk: ask,
        bidQty: 5,
        askQty: 5,
        l1: 0,
        obiN: 0,
        ofiNorm: x,
        z: 0,
        zReady: true,
      });
      last = rt.book(inst, base);
      return said();
    },
    tick(dt: number): string[] {
      ms += dt;
      last = rt.tick(Number(T0 + BigInt(ms) * MS - rt.originNs));
      return said();
    },
    answer(e: Parameters<StrategyRuntime['handle']>[0], inst: number): string[] {
      last = rt.handle(e, inst);
      return said();
    },
    last: () => last,
  };
}

function describe(a: Action): string {
  return a.type === 'place'
    ? `${a.side} ${a.orderType} ${a.force}${a.priceTick ? ` @${a.priceTick}` : ''} x${a.qtyLot}${a.reduceOnly ? ' ro' : ''}`
    : a.type;
}

test("the leader's confirmed flow takes the follower's touch; the hold time closes it", () => {
  const h = harness(['threshold=0.5', 'confirm=3', 'holdNs=1s']);
  assert.equal(h.book(1, 0), []);
  // the follower's own flow decides nothing
  assert.equal(h.book(1, 5), []);
  assert.equal(h.book(1, 5), []);
  assert.equal(h.book(1, 5), []);
  assert.equal(h.book(0, 0.8), []);
  assert.equal(h.book(0, 0.9), []);
  assert.equal(h.book(0, 0.7), ['ETHUSDT buy limit ioc @300001 x1'], 'the third message in a row takes the follower');
  const entry = h.last()[0] as Extract<Action, { type: 'place' }>;
  assert.equal(h.answer({ type: 'ack', clientOid: entry.clientOid, orderId: '1' }, 1), []);
  assert.equal(h.answer(fillEvent(entry.clientOid, 'buy', 300_001, 1, 0), 1), []);
  assert.is(h.rt.position(1).lot, 1, 'the fill moved the follower');
  assert.is(h.rt.position(0).lot, 0, 'and not the leader');
  assert.equal(h.book(0, 0.9), [], 'in position: no second entry');
  assert.equal(h.tick(1100), ['ETHUSDT sell market ioc x1 ro'], 'the hold time is up');
});

test('a leader turning the other way closes the position at once', () => {
  const h = harness(['threshold=0.5', 'confirm=2', 'holdNs=60s']);
  h.book(1, 0);
  h.book(0, -0.6);
  assert.equal(h.book(0, -0.6), ['ETHUSDT sell limit ioc @300000 x1']);
  const entry = h.last()[0] as Extract<Action, { type: 'place' }>;
  h.answer({ type: 'ack', clientOid: entry.clientOid, orderId: '1' }, 1);
  h.answer(fillEvent(entry.clientOid, 'sell', 300_000, 1, 0), 1);
  assert.equal(h.book(0, 0.6), []);
  assert.equal(h.book(0, 0.6), ['ETHUSDT buy market ioc x1 ro'], 'confirmed the other way: out');
});

test('no entry while the follower has no book yet, or its book is older than maxLagNs', () => {
  const h = harness(['threshold=0.5', 'confirm=1', 'maxLagNs=100ms']);
  assert.equal(h.book(0, 0.9), [], 'no follower book yet');
  h.book(1, 0);
  for (let i = 0; i < 12; i++) h.book(0, 0);
  assert.equal(h.book(0, 0.9), [], 'the follower last moved 130 ms ago');
  assert.is(h.rt.counters['lead-lag.followerStale'], 1);
  h.book(1, 0);
  assert.equal(h.book(0, 0.9), ['ETHUSDT buy limit ioc @300001 x1']);
});

test.run();
