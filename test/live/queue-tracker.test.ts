// Queue estimates of our resting orders from what live trading sees (src/live/queue-tracker.ts): an order joins the
// back of its level; trades at its price against its side eat the queue; a level shrinking beyond what traded is
// cancels, behind us under the risk-averse model and split by the model's probability otherwise; an amendment
// re-queues; a trade stamped no later than the book message before it counts as if it had come first. A strategy
// reads the estimate as order.queueAheadLot in a backtest (the simulated venue's) and in a demo session (the
// tracker's).
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
  q.trade(true, 1000, 5, 1); // a buyer takes asks: not our bid's queue
  q.trade(false, 999, 5, 2); // another price
  assert.is(q.ahead('a'), 30);
  q.trade(false, 1000, 12, 3); // a seller hits bids at our price
  assert.is(q.ahead('a'), 18);
  book.set(1, 1000, 19); // the level shrank by the trade: nothing more
  q.afterBook(4);
  assert.is(q.ahead('a'), 18);
  q.trade(false, 1000, 40, 5);
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
  averse.afterBook(1);
  power.afterBook(1);
  assert.is(averse.ahead('s'), 20);
  assert.is(power.ahead('s'), 20);
  book.set(2, 1010, 30); // 20 cancelled: behind us (30 behind, 20 ahead)
  averse.afterBook(2);
  power.afterBook(2);
  assert.is(averse.ahead('s'), 20);
  const p = power.ahead('s');
  assert.ok(p < 20 && p > 0, `some of the cancels were ahead of us: ${p}`);
  book.set(2, 1010, 8); // the level is now smaller than our front: at most what is left
  averse.afterBook(3);
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

// Bitget publishes the depth update a match causes before the match's trade, which is stamped no later: such a trade is
// already in the level the book shows, and counts as if it had come first.
test('a trade published after the book update it caused does not eat the queue twice (the recorded case)', () => {
  const book = levels();
  book.set(1, 899997, 3464);
  const q = new QueueTracker(book);
  q.joined('a', 'buy', 899997);
  book.set(1, 899997, 3192);
  q.afterBook(100);
  q.trade(false, 899997, 272, 99);
  assert.is(q.ahead('a'), 3192, 'the shrink was this trade: 3192 lots still ahead (not 2920)');
  book.set(1, 899997, 640);
  q.afterBook(200);
  q.trade(false, 899997, 2552, 200); // stamped the same as the book message
  assert.is(q.ahead('a'), 640, 'not 0: 640 lots still ahead');
});

test('several trades after one book message each count before it; a later-stamped trade eats the queue the book left', () => {
  const book = levels();
  book.set(1, 1000, 10);
  const q = new QueueTracker(book);
  q.joined('a', 'buy', 1000);
  book.set(1, 1000, 4); // trades of 2 and 4 are coming
  q.afterBook(5);
  q.trade(false, 1000, 2, 4);
  q.trade(false, 1000, 4, 5);
  assert.is(q.ahead('a'), 4, '10 − 2 − 4: what the level shows');
  q.trade(false, 1000, 3, 6); // after the book message
  assert.is(q.ahead('a'), 1);
  q.joined('b', 'buy', 1000);
  book.set(1, 1000, 4);
  q.afterBook(7); // a book message that leaves the level as it was: the trade stamped with it eats b's queue
  q.trade(false, 1000, 3, 7);
  assert.is(q.ahead('b'), 1);
});

test('a trade that came before our order joined, published after the ack, moves nothing', () => {
  const book = levels();
  book.set(1, 1000, 10);
  const q = new QueueTracker(book);
  book.set(1, 1000, 4); // a match took 6: its book update first
  q.afterBook(20);
  q.joined('a', 'buy', 1000); // acknowledged now: behind the 4 left
  q.trade(false, 1000, 6, 19); // that match's trade
  assert.is(q.ahead('a'), 4, 'not 0: the 4 lots it joined behind are still ahead');
  q.trade(false, 1000, 3, 21);
  assert.is(q.ahead('a'), 1);
});

test('a probability model takes the book message again with the trade before it', () => {
  const book = levels();
  book.set(1, 1000, 10);
  const m = powerProb(2);
  const q = new QueueTracker(book, m);
  q.joined('a', 'buy', 1000);
  book.set(1, 1000, 30); // 20 join behind us
  q.afterBook(1);
  book.set(1, 1000, 18); // 8 traded (the trade comes next), 4 cancelled
  q.afterBook(2);
  q.trade(false, 1000, 8, 2);
  assert.is(q.ahead('a'), m.depthChange(10 - 8, 30, 18, 8));
  q.trade(false, 1000, 1, 2);
  assert.is(q.ahead('a'), m.depthChange(1, 30, 18, 9));
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
