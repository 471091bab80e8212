// Keeping the strategy's path warm (Trader.warmStep): while the market is quiet, a scratch runtime of the same
// strategy re-handles each instrument's latest message. It has a state of its own (its own create(ctx)), its actions
// reach no executor, and the live runtime decides exactly as it would without it. Should making the scratch runtime
// fail, warming stops, says so once, and trading goes on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testCore } from '../helpers/core';
import { signalRingReader } from '../helpers/signal-ring';
import { Kind, R, Ring, S, State, Field, type Core } from '../../src/core/index';
import { writeI64Big } from '../../src/core/int64';
import { Trader } from '../../src/live/trader';
import { defineStrategy, type StrategyDefinition } from '../../src/strategy/api';
import { resolveRun } from '../../src/strategy/resolve';
import { StrategyRuntime, originOf, type RuntimeInstrument } from '../../src/strategy/runtime';
import type { MarketPipeline } from '../../src/feed/pipeline';
import type { Action, Event } from '../../src/strategy/events';

const DAY_NS = 86_400_000_000_000n;
const T0 = ((BigInt(Date.now()) * 1_000_000n) / DAY_NS) * DAY_NS;
const BTC: RuntimeInstrument = { symbol: 'BTCUSDT', tickSize: 0.1, lotSize: 0.0001, makerFeeRate: 0.0002, takerFeeRate: 0.0006 };

/** Counts the messages it saw in its own closure; every third one rests a bid, every fifth cancels what rests. */
function counter(made: { creates: number; books: number }): StrategyDefinition {
  return defineStrategy({
    name: 'counter',
    params: {},
    create(ctx) {
      made.creates++;
      let n = 0;
      return {
        onBook(m) {
          made.books++;
          n++;
          if (!m.book.valid) return;
          if (n % 5 === 0 && m.orders.length > 0) ctx.cancelAll();
          else if (n % 3 === 0) ctx.place({ side: 'buy', sizeLot: 1, priceTick: m.book.bestBidTick - (n % 4), tag: `n${n}` });
        },
      };
    },
  }) as unknown as StrategyDefinition;
}

function fakePipeline(core: Core) {
  return { core, instruments: [], consume: () => true, requestClockMark: () => false, ...signalRingReader(core) };
}

/** A valid book message at 150·i ms after T0, its touch moving with i. */
function signalAt(core: Core, ring: Ring, i: number): void {
  assert.ok(ring.writable(1) >= 1);
  const at = ring.slot(ring.head);
  core.bytes.fill(0, at, at + 256);
  core.bytes[at] = Kind.signal;
  core.bytes[at + S.state] = State.valid;
  const t = T0 + BigInt(i) * 150_000_000n; // within the default order-rate limits
  writeI64Big(core.words, at + R.localTs, t);
  writeI64Big(core.words, at + S.exchTs, t);
  writeI64Big(core.words, at + S.bestBid, 300_000n + BigInt(i % 7));
  writeI64Big(core.words, at + S.bestAsk, 300_001n + BigInt(i % 7));
  core.f64[(at + S.fields) / 8 + Field.l1] = (i % 9) / 10 - 0.4;
  ring.publish(1);
}

async function run(warmSteps: number, makeWarm: 'same' | 'fails' = 'same') {
  const core = await testCore();
  const pipeline = fakePipeline(core);
  const made = { creates: 0, books: 0 };
  const definition = counter(made);
  const r = resolveRun(definition, [], []);
  const options = { definition, params: r.params, settings: r.settings, instruments: [BTC], originNs: originOf(T0), idTag: 't' };
  const runtime = new StrategyRuntime(options);
  const logs: string[] = [];
  const trader = new Trader(pipeline as unknown as MarketPipeline, runtime, null, (l) => logs.push(l));
  const sent: Action[] = [];
  // a venue that acks each order and cancels every working one on a cancel-all, answered after the decision
  const answers: Event[] = [];
  const working = new Set<string>();
  const venue = (a: Action) => {
    sent.push(a);
    if (a.type === 'place') {
      working.add(a.clientOid);
      answers.push({ type: 'ack', clientOid: a.clientOid, orderId: `o-${a.clientOid}` });
    } else if (a.type === 'cancelAll') {
      for (const oid of working) answers.push({ type: 'cancelAck', clientOid: oid });
      working.clear();
    }
  };
  trader.setExecutor({ handle: venue, handleAll: (as) => as.forEach(venue) });
  trader.makeWarmRuntime =
    makeWarm === 'same'
      ? () => new StrategyRuntime({ ...options, idTag: 'warm' })
      : () => {
          throw new Error('no memory for a scratch runtime');
        };
  runtime.start(0);
  for (let i = 1; i <= 40; i++) {
    signalAt(core, pipeline.signal, i);
    trader.drain();
    for (const e of answers.splice(0)) trader.handle(e);
    for (let k = 0; k < warmSteps; k++) trader.warmStep();
  }
  return { sent: JSON.stringify(sent), orders: sent.filter((a) => a.type === 'place').length, made, logs };
}

test('warm steps between messages: the live runtime sends exactly what it sends without them', async () => {
  const cold = await run(0);
  const warm = await run(3);
  assert.ok(cold.orders > 5, `the strategy placed ${cold.orders} orders`);
  assert.is(warm.sent, cold.sent);
  // the scratch copy ran: its own create(ctx), the latest message each step
  assert.is(cold.made.creates, 1);
  assert.is(warm.made.creates, 2);
  assert.ok(warm.made.books > 40 + 40 * 2, `the strategy's onBook ran ${warm.made.books} times`);
  assert.ok(!warm.sent.includes('warm'), 'no order of the scratch runtime reached the executor');
});

test('a scratch runtime that cannot be made stops warming once, with a message, and trading goes on', async () => {
  const cold = await run(0);
  const failing = await run(2, 'fails');
  assert.is(failing.sent, cold.sent);
  const said = failing.logs.filter((l) => l.includes("keeping the strategy's path warm stopped"));
  assert.is(said.length, 1, failing.logs.join('\n'));
  assert.match(said[0], 'no memory for a scratch runtime');
});

test.run();
