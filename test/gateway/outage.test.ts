// The gateway when the venue refuses the keys, and at the stop. Refused keys: said once (onAuthRefused), never
// retried, no disconnect that would ask for another round. The stop: each request tried once, its failure kept.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BitgetGateway } from '../../src/gateway/gateway';
import type { BitgetApiError } from '../../src/gateway/errors';
import type { Event } from '../../src/strategy/events';
import { BTC, CREDS, fail, restServer, type RestServer } from './helpers';

const POSITION = '/api/v2/mix/position/single-position';
const CANCEL_ALL = '/api/v2/mix/order/cancel-all-orders';

function gateway(rest: RestServer, onAuthRefused?: (err: BitgetApiError) => void) {
  const events: Event[] = [];
  const logs: string[] = [];
  const waiters: Array<() => void> = [];
  const gw = new BitgetGateway({
    credentials: CREDS,
    mode: 'local',
    restUrl: rest.url,
    wsUrl: 'ws://127.0.0.1:1/unused',
    grid: BTC,
    onEvent: (e) => {
      events.push(e);
      for (const w of waiters.splice(0)) w();
    },
    log: (level, line) => logs.push(`${level} ${line}`),
    syncClockOnStart: false,
    privateWs: false,
    onAuthRefused,
  });
  /** Resolves once `pred` holds of the events so far (checked at each event). */
  const until = (pred: (events: Event[]) => boolean) =>
    new Promise<void>((done) => {
      const look = () => (pred(events) ? done() : waiters.push(look));
      look();
    });
  return { gw, events, logs, until };
}

const disconnects = (events: Event[]) => events.filter((e) => e.type === 'disconnect').length;

test('keys refused (40006): onAuthRefused once, no disconnect, nothing retried', async () => {
  const rest = await restServer();
  rest.on(`GET ${POSITION}`, () => fail(400, '40006', 'Invalid ACCESS_KEY'));
  rest.on(`POST ${CANCEL_ALL}`, () => fail(400, '40006', 'Invalid ACCESS_KEY'));
  const refused: BitgetApiError[] = [];
  const { gw, events } = gateway(rest, (err) => refused.push(err));
  try {
    gw.handle({ type: 'reconcile' });
    await gw.idle();
    gw.handle({ type: 'cancelAll' });
    gw.handle({ type: 'reconcile' });
    await gw.idle();
    assert.is(refused.length, 1);
    assert.is(refused[0].code, '40006');
    assert.is(disconnects(events), 0, JSON.stringify(events));
    assert.is(rest.requests.length, 3, 'each asked once, none retried');
  } finally {
    await gw.stop();
    await rest.close();
  }
});

test('the stop (closing): the cancel-all goes out at once even mid-outage, tried once; its failure is kept, not a disconnect', async () => {
  const rest = await restServer();
  rest.on(`GET ${POSITION}`, () => fail(503, '503', 'Service Unavailable'));
  rest.on(`POST ${CANCEL_ALL}`, () => fail(503, '503', 'Service Unavailable'));
  const { gw, events, until } = gateway(rest);
  try {
    gw.handle({ type: 'reconcile' });
    await until((e) => disconnects(e) === 1);
    await gw.idle();
    gw.closing();
    const n = disconnects(events);
    gw.handle({ type: 'cancelAll' });
    gw.handle({ type: 'flatten' });
    await gw.idle();
    assert.is(disconnects(events), n, 'no disconnect at the stop');
    assert.match(gw.failures.cancelAll, /503/);
    assert.match(gw.failures.flatten, /503/);
    assert.is(rest.of(CANCEL_ALL).length, 1);
  } finally {
    await gw.stop();
    await rest.close();
  }
});

test.run();
