// What ctx.cancel and ctx.amend do with each request, through the runtime: a malformed amendment throws at once
// (nothing reaches the venue), whatever the state of the order it names; a well-formed cancel or amendment returns
// whether it sent something, and one that sent nothing is counted under a runtime counter the reports put in words
// (cancel.notLive, cancel.repeated, amend.notLive, amend.noChange); a cancel never goes out twice. Then the same
// through backtest --strategy with a user's file: the counters in --json and in the text report, a malformed
// amendment halting the run with its message.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AmendRequest, StrategyContext } from '../../src/strategy/api';
import { counterNote, explainCounters } from '../../src/strategy/explain';
import { fillEvent } from '../helpers/obi-ofi';
import { Run, scripted } from '../helpers/scripted';
import { writeRecording } from '../../bench/recording';

/** A run whose strategy places a buy at the bid on its first book message, then calls `then` on each later one. */
function withOrder(then: (ctx: StrategyContext, id: string) => void, sets: string[] = []) {
  let id: string | null = null;
  const r = new Run(
    scripted((ctx, m) => {
      if (id === null) id = ctx.place({ side: 'buy', sizeLot: 2, priceTick: m.book.bestBidTick, timeInForce: 'postOnly' });
      else then(ctx, id);
    }),
    sets,
  );
  assert.equal(r.book(), ['place buy limit 1000x2']);
  return { r, id: () => id! };
}

/** The order of `withOrder`, acknowledged (working) or cancelled (finished), or an id the runtime never gave. */
const STATES = ['working', 'finished', 'unknown'] as const;
function orderIn(state: (typeof STATES)[number], call: (ctx: StrategyContext, id: string) => void) {
  let act = false;
  const w = withOrder((ctx, id) => {
    if (!act) return;
    act = false; // once: the test reads what that one call did
    call(ctx, state === 'unknown' ? 'rb-t-99' : id);
  });
  const { r } = w;
  const id = w.id();
  r.send({ type: 'ack', clientOid: id, orderId: id });
  if (state === 'finished') {
    assert.ok(r.rt.ctx.cancel(id));
    assert.equal(r.book(), [`cancel ${id}`]);
    r.send({ type: 'cancelAck', clientOid: id });
    assert.is(r.rt.ctx.order(id)!.state, 'cancelled');
  }
  act = true;
  return r;
}

for (const [what, req, message] of [
  ['no price and no size', {}, /ctx\.amend: an amendment needs a new priceTick or sizeLot \(or both\)/],
  [
    'a price of 1.5 ticks and a size of 0',
    { priceTick: 1.5, sizeLot: 0 },
    /ctx\.amend: priceTick must be a positive integer of ticks, got 1\.5/,
  ],
  ['a size of 0', { sizeLot: 0 }, /ctx\.amend: sizeLot must be a positive integer of lots, got 0/],
  ['a price of null', { priceTick: null }, /ctx\.amend: priceTick must be a positive integer of ticks, got null/],
  ['no request object', null, /ctx\.amend needs a request object/],
] as const)
  for (const state of STATES)
    test(`an amendment with ${what} throws at once for a ${state} order: the session halts naming it, and no amend reaches the venue`, () => {
      const r = orderIn(state, (ctx, id) => void ctx.amend(id, req as unknown as AmendRequest));
      const sent = r.book();
      assert.not.ok(
        sent.some((a) => a.startsWith('amend')),
        sent.join(', '),
      );
      assert.ok(sent.includes('cancelAll'), 'halted: its cancel-all');
      assert.is(r.rt.status, 'halted');
      assert.match(r.rt.haltReason!, /^strategy error in onBook: /);
      assert.match(r.rt.haltReason!, message);
      assert.is(r.rt.counters['amend.notLive'], undefined, 'thrown before the order was looked at');
    });

test('a cancel is asked once: true for the call that asked it (deferred while the place is in flight), false and counted for a repeat, one cancel sent', () => {
  const { r, id: oid } = withOrder(() => {});
  const id = oid();
  const ctx = r.rt.ctx;
  assert.is(ctx.cancel(id), true, 'asked: it goes out with the answer to the place');
  assert.is(ctx.cancel(id), false, 'asked already');
  assert.equal(r.book(), [], 'nothing out while the place is in flight');
  assert.equal(r.send({ type: 'ack', clientOid: id, orderId: id }), [`cancel ${id}`], 'one cancel, with the ack');
  assert.is(ctx.cancel(id), false, 'the cancel went out: not again');
  assert.equal(r.book(), []);
  assert.is(r.rt.counters['cancel.repeated'], 2);
  // the venue refused the cancel (already filled, it says): still never a second one, the fill report is awaited
  r.send({ type: 'cancelReject', clientOid: id, code: '43001', message: 'order does not exist' });
  assert.is(ctx.cancel(id), false);
  assert.equal(r.book(), []);
  assert.is(r.rt.counters['cancel.repeated'], 3);
  r.send(fillEvent(id, 'buy', 1000, 2, 0));
  assert.is(r.rt.ctx.order(id)!.state, 'filled');
  assert.is(ctx.cancel(id), false, 'finished');
  assert.is(ctx.cancel('rb-t-99'), false, 'never ours');
  assert.equal(r.book(), []);
  assert.is(r.rt.counters['cancel.notLive'], 2);
  assert.is(r.rt.counters['cancel.repeated'], 3, 'a finished order is not live, whatever asked before');
});

test('after cancelAll (or a halt) the orders it cancels are being cancelled: ctx.cancel of one sends nothing and says so', () => {
  const { r, id: oid } = withOrder(() => {});
  const id = oid();
  r.send({ type: 'ack', clientOid: id, orderId: id });
  r.rt.ctx.cancelAll();
  assert.is(r.rt.ctx.cancel(id), false);
  assert.equal(r.book(), ['cancelAll'], 'the cancel-all alone');
  assert.is(r.rt.counters['cancel.repeated'], 1);
});

test('an amendment of an order that is not live sends nothing: false, counted amend.notLive (no halt, no log line)', () => {
  for (const state of ['finished', 'unknown'] as const) {
    let got: boolean | null = null;
    const r = orderIn(state, (ctx, id) => void (got = ctx.amend(id, { priceTick: 990 })));
    assert.equal(r.book(), []);
    assert.is(got, false, state);
    assert.is(r.rt.counters['amend.notLive'], 1, state);
    assert.is(r.rt.status, 'trading');
    assert.is(r.rt.counters['risk.denied'], undefined, 'not a risk refusal');
  }
});

test('an amendment to the price and size the order has sends nothing (the venue would refuse it): false, amend.noChange', () => {
  const got: boolean[] = [];
  const r = orderIn('working', (ctx, id) => {
    got.push(ctx.amend(id, { priceTick: 1000 }), ctx.amend(id, { sizeLot: 2 }), ctx.amend(id, { priceTick: 1000, sizeLot: 2 }));
  });
  assert.equal(r.book(), []);
  assert.equal(got, [false, false, false]);
  assert.is(r.rt.counters['amend.noChange'], 3);
  // a change goes: one amendment, the unchanged field left out
  assert.is(r.rt.ctx.amend(r.rt.markets[0].orders[0].clientOid, { priceTick: 1000, sizeLot: 1 }), true);
  const sent = r.book();
  assert.equal(sent, [`amend ${r.rt.markets[0].orders[0].clientOid}`]);
  assert.equal(r.actions[0], { type: 'amend', clientOid: r.rt.markets[0].orders[0].clientOid, qtyLot: 1 });
  assert.is(r.rt.ctx.amend(r.rt.markets[0].orders[0].clientOid, { priceTick: 999 }), false, 'busy: its amendment is in flight');
  assert.is(r.rt.counters['risk.denied.orderBusy'], 1);
});

test('a market order cannot be amended, live or finished: the call throws either way', () => {
  for (const finish of [false, true]) {
    let id: string | null = null;
    const r = new Run(
      scripted((ctx) => {
        if (id === null) id = ctx.place({ side: 'buy', type: 'market', sizeLot: 1 });
        else ctx.amend(id, { sizeLot: 2 });
      }),
    );
    r.book();
    if (finish) r.send(fillEvent(id!, 'buy', 1001, 1, 0));
    assert.is(r.rt.ctx.order(id!)!.state, finish ? 'filled' : 'pending');
    r.book();
    assert.is(r.rt.status, 'halted');
    assert.match(r.rt.haltReason!, new RegExp(`ctx\\.amend: ${id} is a market order`));
  }
});

test('an id that is not a string is a bug: cancel and amend throw', () => {
  const ctx = withOrder(() => {}).r.rt.ctx;
  assert.throws(
    () => ctx.cancel(null as unknown as string),
    /ctx\.cancel: clientOid must be a string \(an id ctx\.place returned\), got null/,
  );
  assert.throws(() => ctx.amend(undefined as unknown as string, { priceTick: 1 }), /ctx\.amend: clientOid must be a string/);
});

test("the new counters are the runtime's, in words: not listed as the strategy's own reasons", () => {
  assert.is(counterNote('cancel.notLive'), 'ctx.cancel of an order not live (finished, or not ours): nothing sent');
  assert.is(counterNote('cancel.repeated'), 'ctx.cancel of an order whose cancel was already asked: nothing sent');
  assert.is(counterNote('amend.notLive'), 'ctx.amend of an order not live (finished, or not ours): nothing sent');
  assert.is(counterNote('amend.noChange'), 'ctx.amend to the price and size the order already has: nothing sent');
  const risk = { maxOrdersPerSecond: 5, maxOrdersPerMinute: 100, maxPositionLot: 10 } as Parameters<typeof explainCounters>[0]['risk'];
  const found = explainCounters({ risk, counters: { 'cancel.repeated': 4, 'amend.notLive': 2, 'cancel.mine': 1 } });
  assert.equal(
    found.map((f) => f.parameter),
    ['cancel.mine'],
    "a strategy's own counter of a like name is still its own",
  );
});

// ---- through backtest --strategy --------------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'ringbook-order-requests-'));
const data = join(dir, 'rec');
writeRecording(data, 20_000, 5);
const strategyFile = join(dir, 'requests.ts');
writeFileSync(
  strategyFile,
  `import { defineStrategy } from 'ringbook';
export default defineStrategy({
  name: 'requests',
  params: { empty: { type: 'boolean', default: false, description: 'amend with an empty request' } },
  create: (ctx) => {
    let id: string | null = null;
    let done = false;
    return {
      onBook: (m) => {
        if (done || !m.book.valid) return;
        if (id === null) {
          id = ctx.place({ side: 'buy', sizeLot: 1, priceTick: m.book.bestBidTick - 50 });
          return;
        }
        if (ctx.order(id)?.state !== 'working') return;
        done = true;
        if (ctx.params.empty) ctx.amend(id, {});
        ctx.log('cancel ' + ctx.cancel(id) + ' ' + ctx.cancel(id) + ', amend ' + ctx.amend(id, { priceTick: 5 }) + ' ' + ctx.cancel('rb-x-1'));
      },
    };
  },
});
`,
);
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(process.cwd(), 'build/ringbook.mjs'), 'backtest', data, '--strategy', strategyFile, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });

test('backtest: a repeated cancel, an amendment of an order being cancelled, a cancel of an id not ours: false, and counted in --json and, in words, in the report', () => {
  const r = cli('--json');
  assert.is(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.ok(
    j.log.kept.some((l: { message: string }) => l.message === 'cancel true false, amend false false'),
    JSON.stringify(j.log),
  );
  assert.is(j.strategy.counters['cancel.repeated'], 1);
  assert.is(j.strategy.counters['cancel.notLive'], 1);
  assert.is(j.strategy.counters['risk.denied.orderBusy'], 1, 'the amendment: the order is cancelling');
  assert.is(j.activity.cancels, 1, 'one cancel reached the venue');
  const text = cli().stdout;
  assert.match(text, /cancel\.repeated\s+1\s+ctx\.cancel of an order whose cancel was already asked: nothing sent/);
  assert.match(text, /cancel\.notLive\s+1\s+ctx\.cancel of an order not live \(finished, or not ours\): nothing sent/);
});

test('backtest: ctx.amend(id, {}) halts the run at once with its message; the venue never sees it', () => {
  const r = cli('--set', 'empty=true', '--json');
  assert.is(r.status, 3, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.match(j.strategy.halted.reason, /ctx\.amend: an amendment needs a new priceTick or sizeLot \(or both\)/);
  assert.not.match(JSON.stringify(j.log), /40019/);
  rmSync(dir, { recursive: true, force: true });
});

test.run();
