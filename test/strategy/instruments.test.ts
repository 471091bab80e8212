// The runtime over two instruments, as live trading drives it: each action says its instrument (actionInst, read
// after the call that returned it), a fill of an order the runtime did not place (a gateway's flatten) moves the
// instrument whose executor reported it, and a reconcile ends only once every instrument's venue truth is in.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defineStrategy, type StrategyDefinition } from '../../src/strategy/api';
import { resolveRun } from '../../src/strategy/resolve';
import { StrategyRuntime, originOf, type RuntimeInstrument } from '../../src/strategy/runtime';
import { Slots } from '../../src/strategy/views';
import { T0, MS, signalAt, writeSignal, fillEvent } from '../helpers/obi-ofi';

const A: RuntimeInstrument = { symbol: 'BTCUSDT', tickSize: 0.1, lotSize: 0.0001, makerFeeRate: 0.0002, takerFeeRate: 0.0006 };
const B: RuntimeInstrument = { symbol: 'ETHUSDT', tickSize: 0.01, lotSize: 0.01, makerFeeRate: 0.0002, takerFeeRate: 0.0006 };

/** Buys 1 lot of each symbol at its ask on its first valid message. */
const buysEach = defineStrategy({
  name: 'buys-each',
  params: {},
  create(ctx) {
    const done = new Set<string>();
    return {
      onBook(m) {
        if (!m.book.valid || done.has(m.info.symbol)) return;
        done.add(m.info.symbol);
        ctx.place({ symbol: m.info.symbol, side: 'buy', sizeLot: 1, priceTick: m.book.bestAskTick, tag: m.info.symbol });
      },
    };
  },
}) as unknown as StrategyDefinition;

function setup() {
  const run = resolveRun(buysEach, [], []);
  const slots = new Slots(2, 0);
  const rt = new StrategyRuntime({
    definition: buysEach,
    params: run.params,
    settings: run.settings,
    instruments: [A, B],
    originNs: originOf(T0),
    idTag: 't',
    slots,
  });
  rt.start(0);
  let ms = 0;
  const book = (inst: number) => {
    ms += 10;
    const localTs = T0 + BigInt(ms) * MS;
    const base = inst * slots.stride;
    writeSignal(slots, base, signalAt(localTs, { exchTs: localTs - MS }));
    return rt.book(inst, base);
  };
  /** Each action as "type@instrument", read right after the call. */
  const said = (actions: ReturnType<typeof rt.handle>) => actions.map((a, i) => `${a.type}@${rt.actionInst(i)}`);
  return { rt, book, said };
}

test('each action names its instrument, read after the call that returned it', () => {
  const { book, said } = setup();
  assert.equal(said(book(1)), ['place@1']);
  assert.equal(said(book(0)), ['place@0']);
  assert.equal(said(book(1)), []);
});

test("a fill of an order the runtime did not place moves the reporting executor's instrument", () => {
  const { rt, book } = setup();
  book(0);
  book(1);
  rt.handle(fillEvent('rbflat-x-1', 'sell', 1000, 2, 0), 1);
  assert.is(rt.position(1).lot, -2, 'the ETHUSDT gateway reported it: ETHUSDT moved');
  assert.is(rt.position(0).lot, 0, 'BTCUSDT did not');
});

test("a reconcile ends once every instrument's executor has answered", () => {
  const { rt, book, said } = setup();
  book(0);
  book(1);
  const acts = rt.handle({ type: 'disconnect', reason: 'test' });
  assert.equal(said(acts), ['cancelAll@0', 'reconcile@0', 'cancelAll@1', 'reconcile@1']);
  assert.is(rt.phase, 'RECONCILE');
  rt.handle({ type: 'resynced', positionLot: 0, openOrders: [] }, 0);
  assert.is(rt.phase, 'RECONCILE', "ETHUSDT's truth is still to come");
  rt.handle({ type: 'resynced', positionLot: 0, openOrders: [] }, 1);
  assert.is(rt.phase, 'TRADING');
});

test.run();
