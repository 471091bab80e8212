// The tracker's side of an amendment (Bitget's modify-order: the old order cancelled, a new one under newClientOid):
// whichever comes first — the REST answer, the new order's push, the old order's `canceled` push — the strategy hears
// one amendAck and no cancelAck, and the order keeps its clientOid; a refused amendment after a real cancel push gives
// the amendReject and then the cancelAck.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OrderTracker } from '../../src/gateway/tracker';
import { parseOrderRow } from '../../src/gateway/parse';
import type { Event } from '../../src/strategy/events';
import { BTC, orderRow } from './helpers';

function opened() {
  const events: Event[] = [];
  const t = new OrderTracker({ emit: (e) => events.push(e) });
  t.placing('c1', 'buy', 300, 270005);
  t.placeAccepted('c1', '9001');
  const push = (over: Record<string, unknown>) => t.onOrderPush(parseOrderRow(orderRow(over), BTC));
  return { t, events, push, types: () => events.map((e) => e.type) };
}

const OLD_CANCELED = { orderId: '9001', clientOid: 'c1', status: 'canceled' };
const NEW_LIVE = { orderId: '9002', clientOid: 'rbam-1', status: 'live', price: '27000.1', size: '0.02' };

test('REST answer, then the old cancel push, then the new order push: one amendAck, no cancelAck', () => {
  const { t, events, push, types } = opened();
  t.amending('c1', 'rbam-1', 270001, 2);
  t.amendAccepted('c1');
  push(OLD_CANCELED);
  push(NEW_LIVE);
  assert.equal(types(), ['ack', 'amendAck']);
  assert.equal(events[1], { type: 'amendAck', clientOid: 'c1', priceTick: 270001, qtyLot: 2 });
  const o = t.get('c1')!;
  assert.equal([o.orderId, o.venueOid, o.priceTick, o.sizeLot, o.state], ['9002', 'rbam-1', 270001, 2, 'open']);
  assert.is(t.find({ orderId: '9002' }), o);
  push({ ...NEW_LIVE, status: 'canceled' });
  assert.equal(types(), ['ack', 'amendAck', 'cancelAck'], 'a later real cancel of the new order is a cancel');
});

test('pushes first (old canceled, new live), then the REST answer: the same single amendAck', () => {
  const { t, push, types } = opened();
  t.amending('c1', 'rbam-1', 270001, 2);
  push(OLD_CANCELED);
  assert.equal(types(), ['ack'], 'the old order cancelled by the amendment is not a cancel');
  push(NEW_LIVE);
  t.amendAccepted('c1');
  assert.equal(types(), ['ack', 'amendAck']);
  assert.equal(t.strategyOid('rbam-1'), 'c1');
});

test('a real cancel while the amendment is unanswered: the refusal comes first, then the cancelAck', () => {
  const { t, events, push, types } = opened();
  t.amending('c1', 'rbam-1', 270001, 2);
  push(OLD_CANCELED);
  t.amendRejected('c1', '40109', 'The data of the order cannot be found');
  assert.equal(types(), ['ack', 'amendReject', 'cancelAck']);
  assert.equal(events[1], { type: 'amendReject', clientOid: 'c1', code: '40109', message: 'The data of the order cannot be found' });
  assert.equal([t.get('c1')!.priceTick, t.get('c1')!.state], [270005, 'canceled']);
});

test("an amendment kept in place (same orderId, new clientOid): amendAck; a fill under the new clientOid is the order's", () => {
  const { t, events, push, types } = opened();
  t.amending('c1', 'rbam-1', 270005, 2);
  push({ orderId: '9001', clientOid: 'rbam-1', status: 'live', size: '0.02' });
  t.amendAccepted('c1');
  push({
    orderId: '9001',
    clientOid: 'rbam-1',
    status: 'filled',
    size: '0.02',
    accBaseVolume: '0.02',
    tradeId: 't1',
    fillPrice: '27000.5',
    baseVolume: '0.02',
    fillFee: '-0.1',
    tradeScope: 'M',
  });
  assert.equal(types(), ['ack', 'amendAck', 'fill']);
  const fill = events[2];
  assert.equal(fill.type === 'fill' && [fill.clientOid, fill.qtyLot, fill.remainingLot], ['c1', 2, 0]);
});

test('a reconcile decides an amendment whose outcome is unknown, and leaves one still waiting for its answer alone', () => {
  const pending = (clientOid: string, orderId: string, priceTick: number, sizeLot: number) => ({
    orderId,
    clientOid,
    side: 'buy' as const,
    priceTick,
    sizeLot,
    filledLot: 0,
  });
  const strategyOid = (t: OrderTracker) => (p: { clientOid: string }) => t.strategyOid(p.clientOid) ?? p.clientOid;
  // still waiting: the venue lists the order unamended (it has not got there yet) — no answer from the reconcile
  const a = opened();
  a.t.amending('c1', 'rbam-1', 270001, 2);
  a.t.resync([pending('c1', '9001', 270005, 3)], strategyOid(a.t));
  assert.equal(a.types(), ['ack']);
  a.t.amendAccepted('c1');
  assert.equal(a.types(), ['ack', 'amendAck']);
  // unknown, and the venue lists it under the new clientOid: it took
  const b = opened();
  b.t.amending('c1', 'rbam-1', 270001, 2);
  b.t.amendUnknown('c1');
  b.t.resync([pending('rbam-1', '9002', 270001, 2)], strategyOid(b.t));
  assert.equal(b.types(), ['ack', 'amendAck']);
  assert.equal([b.t.get('c1')!.orderId, b.t.get('c1')!.state], ['9002', 'open']);
  // unknown, and the venue lists it under the old one: it did not
  const c = opened();
  c.t.amending('c1', 'rbam-1', 270001, 2);
  c.t.amendUnknown('c1');
  c.t.resync([pending('c1', '9001', 270005, 3)], strategyOid(c.t));
  assert.equal(c.types(), ['ack', 'amendReject']);
  assert.equal(c.t.get('c1')!.priceTick, 270005);
});

test.run();
