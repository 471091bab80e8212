// Known vectors pin src/gateway/signing.ts to Bitget's scheme (§4.1, §5.2) for REST (POST with body, GET with a
// sorted query) and the WebSocket login.
import { test } from 'uvu';
import { createHmac } from 'node:crypto';
import * as assert from 'uvu/assert';
import { describeCredentials, hmacBase64, keyHint, queryString, restPrehash, signRest, signWsLogin } from '../../src/gateway/signing';

const SECRET = 'ringbook-demo-secret';

test('REST POST place-order vector', () => {
  const body = '{"symbol":"BTCUSDT","productType":"USDT-FUTURES"}';
  assert.is(
    restPrehash('1695806875837', 'POST', '/api/v2/mix/order/place-order', '', body),
    `1695806875837POST/api/v2/mix/order/place-order${body}`,
  );
  assert.is(
    signRest(SECRET, '1695806875837', 'POST', '/api/v2/mix/order/place-order', '', body),
    '9mZAzfzzPCLf2a474ioKGIseE55vFduIJwjeeuHCfHk=',
  );
});

test('REST GET orders-pending vector, query sorted by key', () => {
  const q = queryString({ symbol: 'BTCUSDT', productType: 'USDT-FUTURES' });
  assert.is(q, 'productType=USDT-FUTURES&symbol=BTCUSDT');
  assert.is(
    hmacBase64(SECRET, '1695806875837GET/api/v2/mix/order/orders-pending?productType=USDT-FUTURES&symbol=BTCUSDT'),
    'vdN28/QSgfx8/bQ/tJ9W6X6oCKNTxv/LBdtWotwlOLI=',
  );
  assert.is(
    signRest(SECRET, '1695806875837', 'get', '/api/v2/mix/order/orders-pending', q, ''),
    'vdN28/QSgfx8/bQ/tJ9W6X6oCKNTxv/LBdtWotwlOLI=',
  );
});

test('WebSocket login vector (timestamp in seconds)', () => {
  assert.is(hmacBase64(SECRET, '1538054050GET/user/verify'), 'ShxBx83wO1SSJdcdJJ/mmfQep9HfRrPKtV5w+xBel6c=');
  assert.is(signWsLogin(SECRET, '1538054050'), 'ShxBx83wO1SSJdcdJJ/mmfQep9HfRrPKtV5w+xBel6c=');
});

test('the precomputed-pad HMAC equals node:crypto HMAC for short, block-sized, long and non-ASCII keys, keys taken in turn', () => {
  const keys = ['', 'k', 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(65), 'é€𝄞'.repeat(30), SECRET];
  const messages = ['', 'a', '1695806875837POST/api/v2/mix/order/place-order{"price":"0.1"}', 'ü'.repeat(500)];
  for (let round = 0; round < 2; round++)
    for (const k of keys)
      for (const m of messages) assert.is(hmacBase64(k, m), createHmac('sha256', k).update(m).digest('base64'), `key length ${k.length}`);
});

test('describeCredentials: a key named by its first 4 characters only when that is a small part of it; never secret or passphrase', () => {
  const c = { apiKey: 'bg_0123456789abcdef', secret: 'S3CRET-value', passphrase: 'pass-phrase' };
  assert.is(describeCredentials(c), 'API key bg_0… (secret and passphrase hidden)');
  assert.is(describeCredentials({ ...c, apiKey: 'ringbook-demo' }), 'API key ring… (secret and passphrase hidden)');
  assert.is(keyHint('zz'), 'API key of 2 characters, hidden');
  // a short key's first 4 characters would be most of it, or all of it ("zz…" printed the whole key)
  for (const apiKey of ['zz', 'abcd', 'abcdefghijk']) {
    const text = describeCredentials({ ...c, apiKey });
    assert.not.ok(text.includes(apiKey.slice(0, 2)), text);
    assert.is(text, `API key of ${apiKey.length} characters, hidden (secret and passphrase hidden)`);
  }
});

test.run();
