// What `live` and `demo` print in words: the status cadence, the funding line, the order accounting.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { orderEnds, ordersText, rejectsText } from '../../src/cli/session-summary';
import { statusDue } from '../../src/cli/session-status';

test('a halted session logs its status once, then each minute, not every second', () => {
  const running = { at: 0, phase: 'TRADING' };
  assert.ok(statusDue(1000, running, 'TRADING', 1000), 'the normal cadence');
  assert.ok(statusDue(500, running, 'HALTED', 1000), 'a halt is said at once');
  const halted = { at: 500, phase: 'HALTED' };
  for (let t = 1500; t < 60_000; t += 1000) assert.not.ok(statusDue(t, halted, 'HALTED', 1000), `not again at ${t} ms`);
  assert.ok(statusDue(60_500, halted, 'HALTED', 1000), 'a minute on');
});

test('the trading line accounts for every order: filled, cancelled, expired unfilled, rejected, open at the end', () => {
  assert.is(
    ordersText({
      orders: 3,
      ended: { filled: 2, cancelled: 0, runtimeCancelled: 0, expired: 1, venueCancelled: 0, rejected: 0 },
      openOrders: 0,
    }),
    '3 orders (2 filled, 1 expired unfilled at the venue (IOC/FOK))',
  );
  assert.is(
    ordersText({
      orders: 4,
      ended: { filled: 0, cancelled: 1, runtimeCancelled: 0, expired: 0, venueCancelled: 0, rejected: 1 },
      openOrders: 2,
    }),
    '4 orders (1 cancelled by the strategy, 1 rejected, 2 open at the end)',
  );
  assert.is(ordersText({ orders: 1, openOrders: 0 }), '1 order', 'not known: nothing claimed');
});

test('GTC orders the runtime cancelled (halt, reconcile, stop) or the venue did are not called expired IOC/FOK', () => {
  const ended = { filled: 2, cancelled: 1, runtimeCancelled: 879, expired: 0, venueCancelled: 3, rejected: 280 };
  assert.is(
    ordersText({ orders: 1165, ended, openOrders: 0 }),
    '1,165 orders (2 filled, 1 cancelled by the strategy, 879 cancelled by the runtime (halt, reconcile, stop), 3 cancelled by the venue unasked (post-only, reduce-only beyond the position), 280 rejected)',
  );
  // the rejects line counts every reject answer; those for orders already over are said apart, so both lines agree
  assert.is(rejectsText({ rejects: 360, ended }), '360 rejects (80 for orders already ended, not counted as rejected above)');
  assert.is(rejectsText({ rejects: 280, ended, flattenRejects: 1 }), '280 rejects (1 of the flatten)');
});

test("the flatten's order is one of the orders, as its fill is one of the fills, and says how it ended", () => {
  // the stop's flatten closed a position: one order of the strategy's and the flatten's, both filled
  assert.is(
    ordersText({
      orders: 2,
      flattenOrders: 1,
      ended: { filled: 2, cancelled: 0, runtimeCancelled: 0, expired: 0, venueCancelled: 0, rejected: 0 },
      openOrders: 0,
    }),
    '2 orders (1 by the flatten; 2 filled)',
  );
  // a flatten the venue never answered before the stop gave up waiting is not counted as anything it was not
  assert.is(
    orderEnds({
      orders: 2,
      ended: { filled: 1, cancelled: 0, runtimeCancelled: 0, expired: 0, venueCancelled: 0, rejected: 0 },
      openOrders: 0,
    }),
    '1 filled, 1 unanswered at the end',
  );
});

test.run();
