// What a strategy is handed cannot move what the runtime decides on: the risk limits and parameters are frozen copies,
// order and position views cannot be written through, the context does not lead to the runtime; and create() must
// answer an object of handlers, with no handler's name mistyped.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defineStrategy, type StrategyDefinition } from '../../src/strategy/api';
import { resolveRun } from '../../src/strategy/resolve';
import { StrategyRuntime } from '../../src/strategy/runtime';
import { loadBundle } from '../../src/strategy/sandbox';
import { fillEvent } from '../helpers/obi-ofi';
import { Run, scripted } from '../helpers/scripted';

test('ctx.limits is a frozen copy of the documented limits: raising maxPositionLot there changes no check', () => {
  const errors: string[] = [];
  const r = new Run(
    scripted((ctx, m) => {
      try {
        (ctx.limits as { maxPositionLot: number }).maxPositionLot = 1000;
      } catch (e) {
        errors.push((e as Error).message);
      }
      ctx.place({ side: 'buy', sizeLot: 50, priceTick: m.book.bestBidTick });
    }),
  );
  assert.equal(r.book(), [], 'the order is refused by the operator’s limit');
  assert.is(r.rt.counters['risk.denied.maxPositionLot'], 1);
  assert.match(errors[0], /read only/);
  assert.is(r.rt.ctx.limits.maxPositionLot, 10);
  assert.is(r.rt.settings.risk.maxPositionLot, 10);
  assert.equal(Object.keys(r.rt.ctx.limits).sort(), [
    'maxDailyLossQuote',
    'maxNotionalTickLot',
    'maxOrdersPerMinute',
    'maxOrdersPerSecond',
    'maxPositionLot',
  ]);
  assert.is(r.rt.ctx.limits, r.rt.ctx.limits, 'made once, not per read');
});

test('ctx.params is frozen; the context does not lead to the runtime', () => {
  const r = new Run(scripted(() => {}));
  const ctx = r.rt.ctx as unknown as Record<string, unknown>;
  assert.ok(Object.isFrozen(ctx.params));
  assert.throws(() => ctx.rt, /ctx\.rt is not defined/, 'not reachable: a read of it is a misspelling');
  assert.ok(Object.isFrozen(r.rt.ctx.markets));
  // nor does a market to the cursor the runtime reads each message's touch through
  const m = r.rt.ctx.market();
  assert.not.ok('cursor' in m);
  assert.not.ok('c' in m.book);
  assert.not.ok('c' in m.signals);
  assert.ok(Object.isFrozen(m.info));
});

test('a watched instrument stays watched whatever the strategy writes on its market', () => {
  const def = defineStrategy({ name: 'w', params: {}, instruments: { trade: [] }, create: () => ({}) }) as unknown as StrategyDefinition;
  const r = new Run(def);
  const m = r.rt.ctx.market('BTCUSDT');
  assert.is(m.tradable, false);
  (m as { tradable: boolean }).tradable = true;
  assert.throws(
    () => r.rt.ctx.place({ symbol: 'BTCUSDT', side: 'buy', sizeLot: 1, priceTick: 1000 }),
    /ctx\.place: BTCUSDT is not one the strategy trades \(instruments\.trade: none\): list it in instruments\.trade to trade it/,
  );
  const declared = defineStrategy({ name: 'w', params: {}, instruments: { trade: [], watch: ['BTCUSDT'] }, create: () => ({}) });
  const w = new Run(declared as unknown as StrategyDefinition);
  assert.throws(
    () => w.rt.ctx.place({ symbol: 'BTCUSDT', side: 'buy', sizeLot: 1, priceTick: 1000 }),
    /ctx\.place: BTCUSDT is watched, not traded \(list it in instruments\.trade\)/,
  );
});

test('an order view cannot be written through: a strategy that zeroes its working size still meets the position limit', () => {
  const r = new Run(
    scripted((ctx, m) => {
      for (const o of m.orders)
        try {
          (o as { sizeLot: number }).sizeLot = 0;
          (o as { side: string }).side = 'sell';
          (o as { reduceOnly: boolean }).reduceOnly = true;
        } catch {
          // a getter alone: strict code throws, and nothing moves either way
        }
      ctx.place({ side: 'buy', sizeLot: 4, priceTick: m.book.bestBidTick - 5 });
    }),
  );
  assert.equal(r.book(), ['place buy limit 995x4']);
  assert.equal(r.book(), ['place buy limit 995x4']);
  assert.equal(r.book(), [], 'the third would make 12 lots: refused');
  assert.is(r.rt.counters['risk.denied.maxPositionLot'], 1);
  const o = r.rt.ctx.market().orders[0];
  assert.is(o.sizeLot, 4);
  assert.is(o.side, 'buy');
  assert.is(r.rt.ctx.order(o.clientOid), o, 'the same view from ctx.order');
});

test('a position view cannot be written through to the runtime’s position', () => {
  let id: string | null = null;
  const r = new Run(
    scripted((ctx, m) => {
      const p = m.position as unknown as Record<string, unknown>;
      assert.throws(() => p.state, /m\.position\.state is not defined/, 'the runtime’s position is not reachable');
      try {
        (m.position as { lot: number }).lot = 0;
      } catch {
        // a getter alone
      }
      if (id === null) id = ctx.place({ side: 'buy', sizeLot: 8, priceTick: m.book.bestAskTick });
      else ctx.place({ side: 'buy', sizeLot: 8, priceTick: m.book.bestAskTick });
    }),
  );
  r.book();
  r.send(fillEvent(id!, 'buy', 1001, 8, 0));
  assert.equal(r.book(), [], 'a position of 8 still counts: 16 would pass 10');
  assert.is(r.rt.position().lot, 8);
});

const handlersOf = (create: StrategyDefinition['create']) =>
  defineStrategy({ name: 'h', params: {}, create }) as unknown as StrategyDefinition;

test('create() that returns nothing, or a mistyped handler, is refused at start; other members are the strategy’s own', () => {
  assert.throws(
    () => new Run(handlersOf((() => undefined) as never)),
    /create\(\) returned nothing: it must return an object of handlers.*a missing `return`/,
  );
  assert.throws(() => new Run(handlersOf((() => null) as never)), /create\(\) returned null/);
  assert.throws(
    () => new Run(handlersOf((() => ({ onbook() {} })) as never)),
    /the handlers create\(\) returned: onbook is not a handler: did you mean onBook\?/,
  );
  assert.throws(() => new Run(handlersOf((() => ({ onStrat() {} })) as never)), /onStrat is not a handler: did you mean onStart\?/);
  assert.throws(() => new Run(handlersOf((() => ({ onBook: 5 })) as never)), /onBook must be a function, got number/);
  // members of its own: obi-ofi's inspect, a getter (read without calling it), a name near none of the handlers
  let read = 0;
  const own = {
    onBook() {},
    inspect: () => ({}),
    pause: true,
    get pulled() {
      read++;
      return false;
    },
    phase: () => 'X',
  };
  new Run(handlersOf((() => own) as never));
  assert.is(read, 0, 'a getter is not called by the check');
});

test('create() that returns nothing names the strategy file', () => {
  const s = loadBundle({
    text: "var __strategy = { default: { name: 'forgot', params: {}, create: (ctx) => { ({ onBook() {} }); } } };\n",
    hash: 'test',
    source: 'strategies/forgot.ts',
  });
  const start = () =>
    new StrategyRuntime({
      definition: s.definition,
      params: {},
      settings: resolveRun(s.definition, [], []).settings,
      instruments: [{ symbol: 'BTCUSDT', tickSize: 0.1, lotSize: 0.0001, makerFeeRate: 0.0002, takerFeeRate: 0.0006 }],
      originNs: 0n,
    });
  assert.throws(start, /strategy forgot \(strategies\/forgot\.ts\): create\(\) returned nothing/);
});

test.run();
