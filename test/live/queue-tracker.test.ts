// Queue estimates of our resting orders from what live trading sees (src/live/queue-tracker.ts): an order joins the
// back of its level; trades at its price against its side eat the queue; a level shrinking beyond what traded is
// cancels, behind us under the risk-averse model and split by the model's probability otherwise; an amendment
// re-queues. A strategy reads the estimate as order.queueAheadLot in a backtest (the simulated venue's) and in a
// demo session (the tracker's).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { strategyDir } from '../helpers/strategy-dir';
import { QueueTracker } from '../../src/live/queue-tracker';
import { powerProb } from '../../src/backtest/queue';

function levels(): { set(side: 1 | 2, price: number, qty: number): void; qtyAt(side: 1 | 2, price: number): number } {
  const m = new Map<string, number>();
  return { set: (side, price, qty) => void m.set(`${side}:${price}`, qty), qtyAt: (side, price) => m.get(`${side}:${price}`) ?? 0 };
}

test('joins at the back, trades against its side eat the queue, other trades do not', () => {
  const book = levels();
  book.set(1, 1000, 30);
  const q = new QueueTracker(book);
  q.joined('a', 'buy', 1000);
  assert.is(q.ahead('a'), 30);
  q.trade(true, 1000, 5); // a buyer takes asks: not our bid's queue
  q.trade(false, 999, 5); // another price
  assert.is(q.ahead('a'), 30);
  q.trade(false, 1000, 12); // a seller hits bids at our price
  assert.is(q.ahead('a'), 18);
  book.set(1, 1000, 19); // the level shrank by the trade: nothing more
  q.afterBook();
  assert.is(q.ahead('a'), 18);
  q.trade(false, 1000, 40);
  assert.is(q.ahead('a'), 0);
  assert.ok(Number.isNaN(q.ahead('nobody')));
});

test('cancels: behind us when risk-averse, split by the model otherwise; growth behind us changes nothing', () => {
  const book = levels();
  book.set(2, 1010, 20);
  const averse = new QueueTracker(book);
  const power = new QueueTracker(book, powerProb(2));
  for (const q of [averse, power]) q.joined('s', 'sell', 1010);
  book.set(2, 1010, 50); // others joined behind us
  averse.afterBook();
  power.afterBook();
  assert.is(averse.ahead('s'), 20);
  assert.is(power.ahead('s'), 20);
  book.set(2, 1010, 30); // 20 cancelled: behind us (30 behind, 20 ahead)
  averse.afterBook();
  power.afterBook();
  assert.is(averse.ahead('s'), 20);
  const p = power.ahead('s');
  assert.ok(p < 20 && p > 0, `some of the cancels were ahead of us: ${p}`);
  book.set(2, 1010, 8); // the level is now smaller than our front: at most what is left
  averse.afterBook();
  assert.is(averse.ahead('s'), 8);
});

test('an amendment re-queues at the new level; filled, cancelled or gone at a reconcile: no estimate', () => {
  const book = levels();
  book.set(1, 1000, 10);
  book.set(1, 998, 4);
  const q = new QueueTracker(book);
  q.joined('a', 'buy', 1000);
  q.joined('b', 'buy', 1000);
  q.joined('c', 'buy', 998);
  q.joined('a', 'buy', 998);
  assert.is(q.ahead('a'), 4);
  assert.is(q.size, 3);
  q.left('b');
  q.keepOnly(new Set(['a']));
  assert.is(q.size, 1);
  assert.ok(Number.isNaN(q.ahead('c')));
  assert.is(q.ahead('a'), 4);
});

const { run, remove } = strategyDir('queue-reader.ts');

test('a strategy reads its queue: the tracker live, the simulated venue in the backtest of the same session', () => {
  const demo = run('demo', '--strategy', 'queue-reader.ts', '--duration', '8s', '--out', 'data');
  assert.is(demo.status, 0, demo.stderr);
  assert.match(demo.stderr, /queue ahead at the ack: \d+(\.\d+)? lots/);
  const r = run('backtest', 'data', '--strategy', 'queue-reader.ts', '--json');
  assert.is(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.ok(j.strategy.counters['queue.estimated'] > 0, JSON.stringify(j.strategy.counters));
  assert.ok(
    j.log.kept.some((l: { message: string }) => /queue ahead at the ack: \d+(\.\d+)? lots/.test(l.message)),
    JSON.stringify(j.log),
  );
});

test.after(remove);

test.run();
