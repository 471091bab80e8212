// --parity's venue: a session's recorded answers go to the replay's order of the same number, only when the replay
// placed it with the session's terms, in the session's order (also across orders), at the strategy clock live handed
// them over at; an order log from before answers carried that clock and fills their fee is not replayable so.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OrderEvent, feeBits, feeOfBits, placeTerms, seqOf } from '../../src/live/orderlog';
import type { OrderRecord } from '../../src/backtest/orders';
import { RecordedVenue, recordedAnswers } from '../../src/backtest/recorded-venue';
import { liveIntents, type Intent } from '../../src/backtest/orders';
import { compareIntents, formatParity, liveFills } from '../../src/backtest/parity';
import type { Action, Event } from '../../src/strategy/events';

const T = 1_800_000_000_000_000_000n;
let wall = T;
function rec(event: number, o: Partial<OrderRecord> = {}): OrderRecord {
  wall += 1000n;
  return { localTs: wall, clockTs: 0n, event, side: '', priceTick: 0, qtyLot: 0, seq: 0, aux: 0n, aux2: 0n, ...o };
}
const ioc = BigInt(placeTerms({ force: 'ioc', orderType: 'limit', reduceOnly: false }));
const place = (seq: number, side: 'buy' | 'sell', priceTick: number, decided: bigint) =>
  rec(OrderEvent.place, { seq, side, priceTick, qtyLot: 1, aux: decided, aux2: ioc });
const fill = (seq: number, side: 'buy' | 'sell', priceTick: number, clockTs: bigint, fee: number, remaining = 0) => [
  rec(OrderEvent.fill, { seq, side, priceTick, qtyLot: 1, aux: BigInt(remaining), aux2: 77n + BigInt(seq), clockTs }),
  rec(OrderEvent.fillFee, { seq, side, aux: feeBits(fee), aux2: 0n, clockTs }),
];
const action = (clientOid: string, side: 'buy' | 'sell', priceTick: number): Action => ({
  type: 'place',
  clientOid,
  side,
  orderType: 'limit',
  priceTick,
  qtyLot: 1,
  force: 'ioc',
  reduceOnly: false,
});

function venue(log: OrderRecord[]) {
  const got: Array<[bigint, Event]> = [];
  const rec = recordedAnswers(log);
  assert.ok(rec, 'a log with the answers in full');
  return { v: new RecordedVenue(rec!, (t, e) => got.push([t, e])), got, rec: rec! };
}

test("the runtime's ids by number; ids the gateway made (a flatten's) apart, negative", () => {
  assert.is(seqOf('rb-a1b2-17'), 17);
  assert.is(seqOf('rbflat-lq3x9-2'), -2);
  assert.is(seqOf('nothing'), 0);
  assert.is(feeOfBits(feeBits(0.1 + 0.2)), 0.1 + 0.2, 'a fee travels as its float64, exactly');
});

test("answers reach the replay's order of the same number, in the session's order across orders, at their clock", () => {
  const log = [
    place(1, 'buy', 100, T + 10n),
    place(2, 'sell', 105, T + 10n),
    rec(OrderEvent.ack, { seq: 2, clockTs: T + 10n }),
    rec(OrderEvent.ack, { seq: 1, clockTs: T + 10n }),
    ...fill(2, 'sell', 105, T + 50n, 0.25),
    ...fill(1, 'buy', 100, T + 50n, 0.5),
  ];
  const { v, got } = venue(log);
  v.arrive(0, action('rb-x-1', 'buy', 100));
  // order 2's ack came first live: nothing goes before the replay placed order 2
  assert.is(got.length, 0);
  v.arrive(0, action('rb-x-2', 'sell', 105));
  assert.equal(
    got.map(([t, e]) => [t - T, e.type, 'clientOid' in e ? e.clientOid : '']),
    [
      [10n, 'ack', 'rb-x-2'],
      [10n, 'ack', 'rb-x-1'],
      [50n, 'fill', 'rb-x-2'],
      [50n, 'fill', 'rb-x-1'],
    ],
  );
  const f = got[3][1] as Extract<Event, { type: 'fill' }>;
  assert.equal(
    {
      side: f.side,
      priceTick: f.priceTick,
      qtyLot: f.qtyLot,
      feeQuote: f.feeQuote,
      maker: f.maker,
      remainingLot: f.remainingLot,
      tradeId: f.tradeId,
    },
    { side: 'buy', priceTick: 100, qtyLot: 1, feeQuote: 0.5, maker: false, remainingLot: 0, tradeId: '78' },
  );
  assert.is(v.pending, 0);
});

test('an order placed with other terms than the session placed it gets no answer; the others still do', () => {
  const log = [
    place(1, 'buy', 100, T + 10n),
    rec(OrderEvent.ack, { seq: 1, clockTs: T + 10n }),
    ...fill(1, 'buy', 100, T + 20n, 0.5),
    place(2, 'sell', 101, T + 30n),
    rec(OrderEvent.ack, { seq: 2, clockTs: T + 30n }),
  ];
  const { v, got } = venue(log);
  v.arrive(0, action('rb-x-1', 'buy', 99)); // a tick away: not the session's order 1
  assert.is(got.length, 0);
  assert.is(v.stats.withheld, 2);
  v.arrive(0, action('rb-x-2', 'sell', 101));
  assert.equal(
    got.map(([, e]) => e.type),
    ['ack'],
  );
  assert.is(v.stats.delivered, 1);
});

test("answers after the session's stop are its shutdown, not replayed; a flatten's fills go to the replay's flatten", () => {
  const log = [
    place(1, 'buy', 100, T + 10n),
    ...fill(1, 'buy', 100, T + 10n, 0.5),
    rec(OrderEvent.flatten, { aux: T + 20n }),
    ...fill(-1, 'sell', 99, T + 20n, 0.5),
    rec(OrderEvent.stop, { clockTs: T + 30n }),
    rec(OrderEvent.cancelAll, { aux: T + 30n }),
    rec(OrderEvent.cancelAck, { seq: 1, clockTs: T + 31n }),
  ];
  const { v, got, rec: r } = venue(log);
  assert.is(r.answers.length, 2);
  assert.is(r.stopNs, T + 30n, "the replay ends at the strategy clock of the session's stop");
  v.arrive(0, action('rb-x-1', 'buy', 100));
  assert.is(got.length, 1);
  v.arrive(0, { type: 'flatten' });
  assert.equal(got[1][1], {
    type: 'fill',
    clientOid: 'rbflat-1',
    tradeId: '76',
    side: 'sell',
    priceTick: 99,
    qtyLot: 1,
    feeQuote: 0.5,
    maker: false,
    remainingLot: 0,
  });
});

test('a session of several symbols: answers go to their instrument; an order placed on another instrument gets none', () => {
  // one runtime numbers the orders of every instrument: order 1 on ETHUSDT (1), order 2 on BTCUSDT (0), same terms
  const log = [
    { ...place(1, 'buy', 100, T + 10n), inst: 1 },
    { ...place(2, 'buy', 100, T + 10n), inst: 0 },
    { ...rec(OrderEvent.ack, { seq: 2, clockTs: T + 11n }), inst: 0 },
    { ...rec(OrderEvent.ack, { seq: 1, clockTs: T + 11n }), inst: 1 },
    ...fill(1, 'buy', 100, T + 20n, 0.5).map((r) => ({ ...r, inst: 1 })),
  ];
  const got: Array<[bigint, string, number]> = [];
  const rec1 = recordedAnswers(log)!;
  const v = new RecordedVenue(rec1, (t, e, inst) => got.push([t - T, e.type, inst]));
  v.arrive(0, action('rb-x-1', 'buy', 100), 1);
  v.arrive(0, action('rb-x-2', 'buy', 100), 0);
  assert.equal(got, [
    [11n, 'ack', 0],
    [11n, 'ack', 1],
    [20n, 'fill', 1],
  ]);

  // the replay sends order 1 to BTCUSDT instead: same side, price and size, another instrument: withheld
  const other = new RecordedVenue(recordedAnswers(log)!, () => {});
  other.arrive(0, action('rb-x-1', 'buy', 100), 0);
  other.arrive(0, action('rb-x-2', 'buy', 100), 0);
  assert.equal(other.stats, { delivered: 1, withheld: 2 });

  // decisions name their symbol and are compared with it
  const symbols = ['BTCUSDT', 'ETHUSDT'];
  const live = liveIntents(log, symbols);
  assert.equal(
    live.map((i) => `${i.symbol} ${i.type} ${i.side}`),
    ['ETHUSDT place buy', 'BTCUSDT place buy'],
  );
  assert.equal(
    liveFills(log, symbols).map((f) => f.symbol),
    ['ETHUSDT'],
  );
  const bt: Intent[] = live.map((i) => ({ ...i, symbol: 'BTCUSDT' }));
  const p = compareIntents(live, bt, [], []);
  assert.is(p.matched, 0);
  assert.equal(p.divergence!.differs, ['symbol ETHUSDT ≠ BTCUSDT']);
  assert.match(
    formatParity(p),
    /first divergence at decision 1: live ETHUSDT place buy 1 lot @ 100 ticks ioc (decided )?at \d{4}-\d\d-\d\dT[\d:.]+Z \| backtest BTCUSDT place buy/,
  );
  assert.is(compareIntents(live, live, [], []).matched, 2);
  // a session of one symbol names none (its reports are as before)
  assert.is(liveIntents(log, ['BTCUSDT'])[0].symbol, undefined);
});

test('a log without the answers in full (written before they carried the clock, or a fill without its fee) is refused', () => {
  const old = [place(1, 'buy', 100, T + 10n), rec(OrderEvent.ack, { seq: 1 })];
  assert.is(recordedAnswers(old), null);
  const noFee = [place(1, 'buy', 100, T + 10n), fill(1, 'buy', 100, T + 20n, 0.5)[0]];
  assert.is(recordedAnswers(noFee), null);
  assert.ok(recordedAnswers([place(1, 'buy', 100, T + 10n)]), 'no answers at all: nothing missing');
  assert.is(recordedAnswers([place(1, 'buy', 100, T + 10n)])!.stopNs, null, 'no stop logged (a killed session): to the data end');
});

test.run();
