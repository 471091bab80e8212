// The simulated venue's amendments and batches, with known answers, on a hand-set book: Bitget's modify-order loses
// the queue place on any change of price or size (docs/bitget.md §5.7); with amendKeepsQueue (the local exchange's
// --amend-keeps-queue) a size decrease at the same price keeps it and a price change still loses it; a partly filled
// order cannot be amended; several actions at once get one answer per order, a bad order refused beside the others.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimExchange, type VenueBook } from '../../src/backtest/simexchange';
import { powerProb, riskAverse, type QueueModel } from '../../src/backtest/queue';
import type { Action, Event } from '../../src/strategy/events';

/** A book of levels per side, best first (bids descending, asks ascending), set by the test. */
function fakeBook(bids: Array<[number, number]>, asks: Array<[number, number]>): VenueBook & { bids: typeof bids; asks: typeof asks } {
  const b = {
    bids,
    asks,
    bestBid: () => (b.bids.length ? b.bids[0][0] : null),
    bestAsk: () => (b.asks.length ? b.asks[0][0] : null),
    level(side: 1 | 2, i: number) {
      const lv = (side === 1 ? b.bids : b.asks)[i];
      return lv ? { price: lv[0], qty: lv[1] } : null;
    },
    qtyAt(side: 1 | 2, price: number) {
      return (side === 1 ? b.bids : b.asks).find((l) => l[0] === price)?.[1] ?? 0;
    },
  };
  return b;
}

function venue(amendKeepsQueue = false, queue: QueueModel = riskAverse) {
  const book = fakeBook(
    [
      [1000, 10],
      [999, 20],
    ],
    [
      [1001, 10],
      [1002, 20],
    ],
  );
  const events: Event[] = [];
  const sim = new SimExchange({
    book,
    instrument: { tickSize: 0.1, lotSize: 0.001, makerFeeRate: 0.0002, takerFeeRate: 0.0006 },
    queue,
    deliver: (_t, e) => events.push(e),
    amendKeepsQueue,
  });
  const of = (oid: string) => events.filter((e) => 'clientOid' in e && e.clientOid === oid).map((e) => e.type);
  return { book, events, sim, of };
}

const bid = (clientOid: string, priceTick: number, qtyLot: number, force: 'gtc' | 'post_only' = 'gtc'): Action => ({
  type: 'place',
  clientOid,
  side: 'buy',
  orderType: 'limit',
  priceTick,
  qtyLot,
  force,
  reduceOnly: false,
});

test('default (as Bitget): an amendment down at the same price loses the queue place', () => {
  const v = venue();
  v.sim.arrive(1, bid('a', 1000, 5));
  assert.is(v.sim.queueAhead('a'), 10); // behind the 10 lots at the level
  v.sim.trade(2, 2, 1000, 4); // a seller takes 4 lots ahead of us
  assert.is(v.sim.queueAhead('a'), 6);
  v.sim.arrive(3, { type: 'amend', clientOid: 'a', qtyLot: 3 });
  assert.equal(v.of('a'), ['ack', 'amendAck']);
  // re-queued behind the whole level as it stands now (10 lots in the replayed book)
  assert.is(v.sim.queueAhead('a'), 10);
  v.sim.trade(4, 2, 1000, 9);
  assert.equal(v.of('a'), ['ack', 'amendAck'], 'the 9 lots traded went to the queue ahead');
});

test('amendKeepsQueue: an amendment down at the same price keeps the place, and fills when the queue ahead is gone', () => {
  const v = venue(true);
  v.sim.arrive(1, bid('a', 1000, 5));
  v.sim.trade(2, 2, 1000, 4);
  assert.is(v.sim.queueAhead('a'), 6);
  v.sim.arrive(3, { type: 'amend', clientOid: 'a', qtyLot: 3 });
  assert.is(v.sim.queueAhead('a'), 6, 'the place is kept');
  v.sim.trade(4, 2, 1000, 9); // 6 ahead, then 3 to us: filled in full at the new size
  assert.equal(v.of('a'), ['ack', 'amendAck', 'fill']);
  const fill = v.events.find((e) => e.type === 'fill');
  assert.equal(fill && fill.type === 'fill' && [fill.qtyLot, fill.remainingLot, fill.maker], [3, 0, true]);
});

test('amendKeepsQueue: a size increase and a price change both lose the place', () => {
  const v = venue(true);
  v.sim.arrive(1, bid('a', 1000, 5));
  v.sim.trade(2, 2, 1000, 4);
  v.sim.arrive(3, { type: 'amend', clientOid: 'a', qtyLot: 6 });
  assert.is(v.sim.queueAhead('a'), 10, 'up: the back of the queue');
  v.sim.trade(4, 2, 1000, 4);
  assert.is(v.sim.queueAhead('a'), 6);
  v.sim.arrive(5, { type: 'amend', clientOid: 'a', priceTick: 999 });
  assert.is(v.sim.queueAhead('a'), 20, 'a new price: behind the 20 lots at 999');
  v.sim.arrive(6, { type: 'amend', clientOid: 'a', priceTick: 1000, qtyLot: 2 });
  assert.is(v.sim.queueAhead('a'), 10, 'price back and size down at once: still a new price, the back of the queue');
  assert.equal(v.of('a'), ['ack', 'amendAck', 'amendAck', 'amendAck']);
});

test('default: an amendment of price loses the place; a new price that crosses takes at once', () => {
  const v = venue();
  v.sim.arrive(1, bid('a', 999, 5));
  v.sim.arrive(2, { type: 'amend', clientOid: 'a', priceTick: 1001 });
  assert.equal(v.of('a'), ['ack', 'amendAck', 'fill']);
  const fill = v.events.find((e) => e.type === 'fill');
  assert.equal(fill && fill.type === 'fill' && [fill.priceTick, fill.qtyLot, fill.maker], [1001, 5, false]);
  assert.not.ok(v.sim.hasResting);
  assert.is(v.sim.position, 5);
});

test('refused amendments leave the order as it was, in its place', () => {
  const v = venue(true);
  v.sim.arrive(1, bid('p', 1000, 5, 'post_only'));
  v.sim.trade(2, 2, 1000, 4);
  v.sim.arrive(3, { type: 'amend', clientOid: 'p', priceTick: 1001 }); // would take
  v.sim.arrive(4, { type: 'amend', clientOid: 'p' }); // nothing to change
  v.sim.arrive(5, { type: 'amend', clientOid: 'p', qtyLot: 0 });
  v.sim.arrive(6, { type: 'amend', clientOid: 'nobody', qtyLot: 1 });
  const codes = v.events.filter((e) => e.type === 'amendReject').map((e) => (e.type === 'amendReject' ? `${e.clientOid} ${e.code}` : ''));
  assert.equal(codes, ['p 43013', 'p 40019', 'p 40020', 'nobody 40768']);
  assert.is(v.sim.queueAhead('p'), 6);
  // partly filled: 6 ahead, 8 traded → 2 of our 5 filled; an amendment is refused from then on
  v.sim.trade(7, 2, 1000, 8);
  v.sim.arrive(8, { type: 'amend', clientOid: 'p', qtyLot: 4 });
  const last = v.events[v.events.length - 1];
  assert.equal(last.type === 'amendReject' && [last.code, last.message], ['40020', 'a partly filled order cannot be modified']);
});

test('a batch with one bad order: the bad one is refused, the others are answered as alone', () => {
  const v = venue();
  v.sim.arriveAll(1, [
    bid('b1', 998, 1),
    bid('b2', 997, 0), // not a positive size
    { ...bid('b3', 996, 1) },
    bid('b1', 995, 1), // clientOid already in use
    { type: 'place', clientOid: 'b4', side: 'sell', orderType: 'limit', priceTick: 1003, qtyLot: 2, force: 'post_only', reduceOnly: false },
  ]);
  assert.equal(v.of('b1'), ['ack', 'reject']);
  assert.equal(v.of('b2'), ['reject']);
  assert.equal(v.of('b3'), ['ack']);
  assert.equal(v.of('b4'), ['ack']);
  const rejects = v.events.filter((e) => e.type === 'reject').map((e) => (e.type === 'reject' ? e.code : ''));
  assert.equal(rejects, ['RB_ERR_GW_BAD_ORDER', '40786']);
  assert.is(v.sim.queueAhead('b1'), 0, 'the duplicate did not touch the first b1 (nothing at 998)');
  // batch cancel: one unknown order, one repeated — each answered once
  v.sim.arriveAll(2, [
    { type: 'cancel', clientOid: 'b1' },
    { type: 'cancel', clientOid: 'ghost' },
    { type: 'cancel', clientOid: 'b3' },
    { type: 'cancel', clientOid: 'b1' },
  ]);
  assert.equal(v.of('b1'), ['ack', 'reject', 'cancelAck']);
  assert.equal(v.of('ghost'), ['cancelReject']);
  assert.equal(v.of('b3'), ['ack', 'cancelAck']);
  assert.equal(v.of('b4'), ['ack']);
});

test('a probability queue model leaves a fraction of a lot ahead: fills are whole lots', () => {
  const v = venue(false, powerProb(2));
  v.sim.arrive(1, bid('a', 1000, 5)); // behind 10 lots
  v.book.bids[0] = [1000, 15]; // 5 lots join behind us
  v.sim.afterBook(2);
  v.book.bids[0] = [1000, 12]; // 3 lots cancelled: split ahead/behind by the model (p = 5² / (5² + 10²)): 7.6 ahead
  v.sim.afterBook(3);
  const ahead = v.sim.queueAhead('a');
  assert.ok(Math.abs(ahead - 7.6) < 1e-9, `a fractional estimate (${ahead})`);
  v.sim.trade(4, 2, 1000, 9); // 7.6 ahead, then 1.4 lots reach us: 1 lot filled
  const fill = v.events.find((e) => e.type === 'fill');
  assert.equal(fill && fill.type === 'fill' && [fill.qtyLot, fill.remainingLot], [1, 4]);
});

test('finished orders: a filled one is "already filled or cancelled" and its clientOid stays taken; a cancelled one does not exist', () => {
  const v = venue();
  v.sim.arrive(1, bid('f', 1001, 3)); // crosses: fills at once against the 10 lots at 1001
  v.sim.arrive(1, bid('c', 990, 1));
  v.sim.arrive(2, { type: 'cancel', clientOid: 'c' });
  v.sim.arrive(3, { type: 'cancel', clientOid: 'f' });
  v.sim.arrive(3, { type: 'cancel', clientOid: 'c' });
  v.sim.arrive(3, { type: 'amend', clientOid: 'f', priceTick: 995 });
  v.sim.arrive(4, bid('f', 990, 1));
  v.sim.arrive(4, bid('c', 990, 1)); // a cancelled order's clientOid may be used again
  const msg = (e: Event) => ('message' in e ? e.message : e.type);
  assert.equal(v.events.filter((e) => 'clientOid' in e && e.clientOid === 'f').map(msg), [
    'ack',
    'fill',
    'Order already filled or cancelled',
    'Order already filled or cancelled',
    'Duplicate clientOid',
  ]);
  assert.equal(v.events.filter((e) => 'clientOid' in e && e.clientOid === 'c').map(msg), [
    'ack',
    'cancelAck',
    'Order does not exist',
    'ack',
  ]);
});

// Two forms of clientOid: the runtime's (a prefix and a serial, kept in a table by serial) and any other (a map).
const forms: Array<[string, (name: string) => string]> = [
  ['any clientOid', (name) => name],
  ['serial clientOids', (name) => `rb-t-${name[0] === 'r' ? 90_000 + Number(name.slice(1)) : Number(name.slice(1))}`],
];

for (const [form, id] of forms) {
  test(`${form}: the venue remembers the last 4096 finished orders: memory stays flat, the oldest are then unknown`, () => {
    const v = venue();
    for (let i = 0; i < 10_000; i++) v.sim.arrive(i, bid(id(`o${i}`), 1001, 1)); // each fills at once
    assert.is(v.sim.remembered, 4096);
    v.sim.arrive(10_000, { type: 'cancel', clientOid: id('o5903') });
    v.sim.arrive(10_000, { type: 'cancel', clientOid: id('o5904') });
    const answers = v.events.slice(-2).map((e) => ('message' in e ? e.message : e.type));
    assert.equal(answers, ['Order does not exist', 'Order already filled or cancelled']);
    v.sim.arrive(10_001, bid(id('o0'), 990, 1)); // forgotten: placed again
    assert.is(v.events[v.events.length - 1].type, 'ack');
    assert.is(v.sim.queueAhead(id('o0')), 0);
  });

  test(`${form}: an entry the venue forgot is reused for a later order with nothing of the old one carried over`, () => {
    const v = venue();
    v.sim.arrive(1, bid(id('r0'), 1000, 5));
    v.sim.trade(2, 2, 1000, 4); // 6 lots left ahead of r0
    v.sim.arrive(3, { type: 'cancel', clientOid: id('r0') }); // forgotten: its entry is free
    v.sim.arrive(4, bid(id('r1'), 999, 2));
    assert.is(v.sim.queueAhead(id('r1')), 20, 'behind the whole level it joined');
    assert.ok(Number.isNaN(v.sim.queueAhead(id('r0'))), 'r0 is not resting');
    // orders that fill at once push older finished ones out of memory: their entries are reused in turn
    for (let i = 0; i < 5000; i++) v.sim.arrive(5 + i, bid(id(`f${i}`), 1001, 1));
    v.sim.arrive(6000, bid(id('r2'), 1000, 3));
    assert.is(v.sim.queueAhead(id('r2')), 10);
    v.sim.trade(6001, 2, 1000, 12); // 10 lots ahead, then 2 of r2's 3
    v.sim.arrive(6002, { type: 'cancel', clientOid: id('f0') });
    v.sim.arrive(6002, { type: 'cancel', clientOid: id('f4999') });
    v.sim.arrive(6002, { type: 'cancel', clientOid: id('r1') });
    const last = v.events
      .slice(-5)
      .map((e) => (e.type === 'fill' ? `fill ${e.qtyLot} left ${e.remainingLot}` : 'message' in e ? e.message : e.type));
    assert.equal(last, ['ack', 'fill 2 left 1', 'Order does not exist', 'Order already filled or cancelled', 'cancelAck']);
    assert.is(v.sim.queueAhead(id('r2')), 0);
    assert.is(v.sim.remembered, 4096 + 1, 'the finished orders it remembers, and r2 resting');
  });
}

test('clientOids of the runtime form (prefix, serial): a repeat is refused below or at the highest serial, other forms too', () => {
  const v = venue();
  const places = ['rb-t-7', 'rb-t-3', 'rb-t-7', 'rb-t-3', 'rb-t-07', 'rb-t-07', 'x-9', 'x-9', 'rb-t-'];
  for (const oid of places) v.sim.arrive(1, bid(oid, 990, 1));
  // a refused place takes its clientOid too (Bitget: done), the serial above every one placed so far
  v.sim.arrive(2, bid('rb-t-12', 990, 0));
  v.sim.arrive(2, bid('rb-t-12', 990, 1));
  const answers = v.events.map((e) => `${'clientOid' in e ? e.clientOid : ''} ${'message' in e ? e.message : e.type}`);
  assert.equal(answers.slice(0, places.length), [
    'rb-t-7 ack',
    'rb-t-3 ack',
    'rb-t-7 Duplicate clientOid',
    'rb-t-3 Duplicate clientOid',
    'rb-t-07 ack',
    'rb-t-07 Duplicate clientOid',
    'x-9 ack',
    'x-9 Duplicate clientOid',
    'rb-t- ack',
  ]);
  assert.equal(
    answers.slice(places.length).map((a) => a.split(' ')[0]),
    ['rb-t-12', 'rb-t-12'],
  );
  assert.is(answers[answers.length - 1], 'rb-t-12 Duplicate clientOid');
});

test('serial clientOids whose table slot is taken are known all the same', () => {
  const v = venue();
  const a = 'rb-t-5';
  const b = `rb-t-${5 + 16384}`; // the same slot, while the first still rests
  v.sim.arrive(1, bid(a, 990, 1));
  v.sim.arrive(1, bid(b, 999, 1));
  v.sim.arrive(2, bid(b, 990, 1));
  assert.is(v.sim.queueAhead(a), 0);
  assert.is(v.sim.queueAhead(b), 20);
  assert.is(v.sim.remembered, 2);
  v.sim.arrive(3, { type: 'cancel', clientOid: a });
  v.sim.arrive(3, bid(`rb-t-${5 + 2 * 16384}`, 990, 1)); // takes the slot a left
  v.sim.arrive(4, { type: 'cancel', clientOid: b });
  v.sim.arrive(4, { type: 'cancel', clientOid: a });
  const answers = v.events.map((e) => `${'clientOid' in e ? e.clientOid : ''} ${'message' in e ? e.message : e.type}`);
  assert.equal(answers.slice(2), [
    `${b} Duplicate clientOid`,
    `${a} cancelAck`,
    `rb-t-${5 + 2 * 16384} ack`,
    `${b} cancelAck`,
    `${a} Order does not exist`,
  ]);
  assert.is(v.sim.remembered, 1);
});

// Bitget (and the local exchange) publishes the depth update a match causes before the match's trade, which is stamped
// no later: a trade stamped at or before the last book message that changed our level is already in that level, and
// counts as if it had come first.
const fills = (v: ReturnType<typeof venue>) => v.events.flatMap((e) => (e.type === 'fill' ? [e.qtyLot] : []));

test('a trade published after the book update it caused does not eat the queue twice (the recorded case)', () => {
  const v = venue();
  v.book.bids = [[899997, 3464]];
  v.book.asks = [[899998, 100]];
  v.sim.arrive(1, bid('a', 899997, 1));
  assert.is(v.sim.queueAhead('a'), 3464);
  v.book.bids = [[899997, 3192]];
  v.sim.afterBook(100, 100);
  assert.is(v.sim.queueAhead('a'), 3192);
  v.sim.trade(100, 2, 899997, 272, 99); // stamped before the book message, held to the venue clock
  assert.is(v.sim.queueAhead('a'), 3192, 'the shrink was this trade: 3192 lots still ahead (not 2920)');
  v.book.bids = [[899997, 640]];
  v.sim.afterBook(200, 200);
  v.sim.trade(200, 2, 899997, 2552, 200); // stamped the same as the book message
  assert.is(v.sim.queueAhead('a'), 640);
  // the level swept away, then the sweep's trade: the 640 ahead take it all, nothing reaches us
  v.book.bids = [[899990, 50]];
  v.sim.afterBook(300, 300);
  v.sim.trade(300, 2, 899997, 640, 300);
  assert.equal(fills(v), [], 'not filled with 640 lots still ahead');
  assert.is(v.sim.queueAhead('a'), 0);
  v.sim.trade(301, 2, 899997, 1, 301); // a later seller at our price is ours
  assert.equal(fills(v), [1]);
});

test('several trades after one book message each count before it; one reaching past the queue fills what is left', () => {
  const v = venue();
  v.sim.arrive(1, bid('a', 1000, 5)); // behind 10
  v.book.bids[0] = [1000, 4]; // trades of 2 and 4 are coming
  v.sim.afterBook(2, 2);
  v.sim.trade(2, 2, 1000, 2, 1);
  assert.is(v.sim.queueAhead('a'), 4);
  v.sim.trade(2, 2, 1000, 4, 2);
  assert.is(v.sim.queueAhead('a'), 4, '10 − 2 − 4: 4 ahead, what the level shows');
  assert.equal(fills(v), []);
  // the level gone (best bid 999: not crossed), then its trade of 6: 4 ahead, 2 reach us before the book message
  v.book.bids.shift();
  v.sim.afterBook(3, 3);
  v.sim.trade(3, 2, 1000, 6, 3);
  assert.equal(fills(v), [2]);
  assert.is(v.sim.queueAhead('a'), 0);
});

test('a trade stamped after the book message eats the queue the book left', () => {
  const v = venue();
  v.sim.arrive(1, bid('a', 1000, 5));
  v.book.bids[0] = [1000, 4];
  v.sim.afterBook(2, 2);
  v.sim.trade(3, 2, 1000, 6, 3);
  assert.equal(fills(v), [2], '4 ahead, then 2 of ours');
});

test('a probability model takes the book message again with the trade before it', () => {
  const m = powerProb(2);
  const v = venue(false, m);
  v.sim.arrive(1, bid('a', 1000, 5)); // behind 10
  v.book.bids[0] = [1000, 30]; // 20 join behind us
  v.sim.afterBook(1, 1);
  v.book.bids[0] = [1000, 18]; // 8 traded (the trade comes next), 4 cancelled
  v.sim.afterBook(2, 2);
  v.sim.trade(2, 2, 1000, 8, 2);
  assert.is(v.sim.queueAhead('a'), m.depthChange(10 - 8, 30, 18, 8));
  assert.ok(v.sim.queueAhead('a') > 1.9, 'the 4 cancelled mostly behind us (2 ahead, 28 behind)');
  v.sim.trade(2, 2, 1000, 1, 2);
  assert.is(v.sim.queueAhead('a'), m.depthChange(1, 30, 18, 9));
  assert.equal(fills(v), []);
});

test.run();
