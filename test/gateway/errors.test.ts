// Bitget's error codes → FSM events: which rejects may be retried, which are final, which leave the order's fate
// unknown (→ disconnect + reconcile), and cancel failures → cancelReject.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  BITGET_ERRORS,
  BitgetApiError,
  GatewayTransportError,
  cancelFailureEvent,
  classifyBitgetCode,
  outcomeUnknown,
  placeFailureEvent,
} from '../../src/gateway/errors';

const api = (code: string, msg = 'x', status = 400) => new BitgetApiError(code, msg, status, '/api/v2/mix/order/place-order');

test('place rejects: retryable for rate limits, clock and a busy venue', () => {
  for (const code of ['429', '1001', '40004', '40005', '40008', '40015', '40604', '40200', '43059']) {
    const e = placeFailureEvent('c1', api(code));
    assert.equal(e, { type: 'reject', clientOid: 'c1', code, message: 'x', retryable: true }, code);
  }
});

test('place rejects: final for funds, notional, precision, environment, auth, params, position mode', () => {
  const table: Array<[string, string]> = [
    ['40762', 'insufficientFunds'],
    ['43012', 'insufficientFunds'],
    ['40711', 'insufficientFunds'],
    ['40712', 'insufficientFunds'],
    ['45110', 'minNotional'],
    ['40808', 'precision'],
    ['41103', 'precision'],
    ['40099', 'environment'],
    ['40006', 'auth'],
    ['40009', 'auth'],
    ['40012', 'auth'],
    ['40037', 'auth'],
    ['40014', 'auth'],
    ['40019', 'param'],
    ['40017', 'param'],
    ['40020', 'param'],
    ['40774', 'positionMode'],
    ['43011', 'invalidOrder'],
    ['40305', 'invalidOrder'],
    ['41114', 'maintenance'],
  ];
  for (const [code, category] of table) {
    assert.is(classifyBitgetCode(code).category, category, code);
    const e = placeFailureEvent('c1', api(code, 'm'));
    assert.equal(e, { type: 'reject', clientOid: 'c1', code, message: 'm', retryable: false }, code);
  }
});

test('post-only crossing is recognised by its message, final; unknown codes are final', () => {
  assert.equal(classifyBitgetCode('43999', 'Post only order will be filled immediately, so canceled'), {
    category: 'postOnly',
    retryable: false,
    meaning: 'post-only order would have taken liquidity',
  });
  assert.is(classifyBitgetCode('40000', 'post_only order rejected').category, 'postOnly');
  assert.is(classifyBitgetCode('12345', 'something new').category, 'unknown');
  assert.is((placeFailureEvent('c1', api('12345')) as { retryable: boolean }).retryable, false);
});

test('outcome unknown → disconnect: transport errors, HTTP 5xx, duplicate clientOid', () => {
  const cases = [
    new GatewayTransportError('RB_ERR_GW_TIMEOUT', '/p', 'no answer within 10000 ms'),
    new GatewayTransportError('RB_ERR_GW_NETWORK', '/p', 'ECONNRESET'),
    new GatewayTransportError('RB_ERR_GW_BAD_REPLY', '/p', 'HTML', 502),
    api('40010', 'Request timed out', 500),
    api('40786', 'Duplicate clientOid'),
    api('43118', 'clientOid duplicate'),
  ];
  for (const err of cases) {
    assert.ok(outcomeUnknown(err));
    const e = placeFailureEvent('c9', err);
    assert.is(e.type, 'disconnect');
    assert.match((e as { reason: string }).reason, /^place c9: outcome unknown/);
  }
});

test('the venue saying its own processing timed out or failed unknowably (40010, 40910, 45001) leaves the outcome unknown, whatever the HTTP status', () => {
  // Bitget's REST error list: 40010 "Request timed out", 40910 "Operation timed out", 45001 "Unknown error" — the
  // order may exist, so neither a final nor a retryable reject is right: reconcile
  for (const code of ['40010', '40910', '45001']) {
    assert.ok(classifyBitgetCode(code).retryable, `${code}: a read that got it may be asked again`);
    for (const status of [200, 400]) {
      const err = api(code, 'Request timed out', status);
      assert.ok(outcomeUnknown(err), `${code} HTTP ${status}`);
      assert.is(placeFailureEvent('c9', err).type, 'disconnect', `place ${code} HTTP ${status}`);
      assert.is(cancelFailureEvent('c9', err).type, 'disconnect', `cancel ${code} HTTP ${status}`);
    }
  }
});

test('cancel failures → cancelReject with the code (unknown order included); transport → disconnect', () => {
  for (const code of ['40109', '43001', '40768', '22001']) {
    assert.is(classifyBitgetCode(code).category, 'orderNotFound');
    assert.equal(cancelFailureEvent('c1', api(code, 'Order does not exist')), {
      type: 'cancelReject',
      clientOid: 'c1',
      code,
      message: 'Order does not exist',
    });
  }
  assert.equal(cancelFailureEvent('c1', api('429', 'Too Many Requests', 429)), {
    type: 'cancelReject',
    clientOid: 'c1',
    code: '429',
    message: 'Too Many Requests',
  });
  assert.is(cancelFailureEvent('c1', new GatewayTransportError('RB_ERR_GW_TIMEOUT', '/p', 't')).type, 'disconnect');
  assert.is(cancelFailureEvent('c1', api('40015', 'busy', 503)).type, 'disconnect');
});

test('WebSocket codes: login failures final, WS timestamp errors retryable, numbers or strings', () => {
  assert.is(classifyBitgetCode(30015).category, 'auth');
  assert.is(classifyBitgetCode('30012').retryable, false);
  assert.is(classifyBitgetCode(30014).retryable, true);
  assert.is(classifyBitgetCode(30006).category, 'rateLimit');
});

test('every table entry is well-formed', () => {
  for (const [code, info] of Object.entries(BITGET_ERRORS)) {
    assert.match(code, /^\d+$/);
    assert.ok(info.meaning.length > 3);
    assert.is(typeof info.retryable, 'boolean');
  }
});

test.run();
