// The request signature's HMAC-SHA256 (src/gateway/hmac-sha256.ts) gives node:crypto's answer: RFC 4231's vectors, every
// message length around the block and padding edges, keys shorter than, equal to and longer than a block, non-ASCII
// text, and random keys and messages, one key object reused across messages of every length.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHmac } from 'node:crypto';
import fc from '../helpers/fc';
import { HmacSha256 } from '../../src/gateway/hmac-sha256';

const node = (key: string, msg: string) => createHmac('sha256', Buffer.from(key, 'utf8')).update(msg, 'utf8').digest('base64');
const hex64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

test('RFC 4231 test case 2 ("Jefe")', () => {
  assert.is(
    new HmacSha256('Jefe').base64('what do ya want for nothing?'),
    hex64('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'),
  );
});

test('RFC 4231 test case 6: a 131-byte key is hashed first', () => {
  const key = '\xaa'.repeat(131);
  // the key bytes are 0xaa, not the UTF-8 of U+00AA: compare with node on the same bytes
  const h = createHmac('sha256', Buffer.alloc(131, 0xaa)).update('Test Using Larger Than Block-Size Key - Hash Key First').digest('base64');
  assert.is(h, hex64('60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54'));
  // our keys are strings encoded as UTF-8: a 131-character ASCII key
  const ascii = 'k'.repeat(131);
  assert.is(new HmacSha256(ascii).base64('m'), node(ascii, 'm'));
  assert.ok(key.length === 131);
});

test('every message length from 0 to 300 bytes under one key object', () => {
  for (const key of ['', 'ringbook-demo-secret', 'x'.repeat(64), 'y'.repeat(65)]) {
    const h = new HmacSha256(key);
    for (let n = 0; n <= 300; n++) {
      const msg = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(9).slice(0, n);
      assert.is(h.base64(msg), node(key, msg), `key of ${key.length}, message of ${n}`);
    }
  }
});

test('non-ASCII messages and keys are signed as UTF-8', () => {
  const h = new HmacSha256('clé-secrète');
  for (const msg of ['é', '{"note":"日本語"}', 'a😀b', 'x'.repeat(100) + 'ü'.repeat(700)])
    assert.is(h.base64(msg), node('clé-secrète', msg));
});

test('random keys and messages give node:crypto HMAC-SHA256', () => {
  fc.assert(
    fc.property(
      fc.string({ maxLength: 100, unit: 'binary' }),
      fc.array(fc.string({ maxLength: 2000, unit: 'binary' }), { minLength: 1, maxLength: 5 }),
      (key, msgs) => {
        const h = new HmacSha256(key);
        for (const m of msgs) assert.is(h.base64(m), node(key, m));
      },
    ),
    { numRuns: 300 },
  );
});

test.run();
