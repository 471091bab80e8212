// The pieces under the NDJSON import: lines out of chunks cut anywhere (CRLF, a last line without a newline, the
// length bound), and Tardis's ISO timestamps to exact ns.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LineSplitter } from '../../src/import/lines';
import { IsoTime } from '../../src/import/iso-time';

const enc = new TextEncoder();
const dec = new TextDecoder();

test('lines come out whole and numbered wherever the chunks are cut', () => {
  const text = 'a,1\r\n\nbb,22\nccc,333\r\nlast';
  const want = ['a,1', '', 'bb,22', 'ccc,333', 'last'];
  const bytes = enc.encode(text);
  for (let cut = 1; cut <= bytes.length; cut++) {
    const got: string[] = [];
    const nums: number[] = [];
    const s = new LineSplitter((b, st, e, n) => {
      got.push(dec.decode(b.subarray(st, e)));
      nums.push(n);
    });
    for (let i = 0; i < bytes.length; i += cut) s.push(bytes.subarray(i, i + cut));
    s.end();
    assert.equal(got, want, `chunks of ${cut}`);
    assert.equal(nums, [1, 2, 3, 4, 5]);
  }
  const s = new LineSplitter(() => {}, 10);
  assert.throws(() => s.push(enc.encode('0123456789abc')), /line 1 is longer than 10 bytes/);
});

test('ISO timestamps to exact ns: every fraction length, across seconds and days, and refusals', () => {
  const t = new IsoTime();
  const ns = (s: string) => {
    const b = enc.encode(s);
    return t.parse(b, 0, b.length) ? t.ns : null;
  };
  assert.is(ns('2026-05-01T00:00:01.0029499Z'), 1_777_593_601_002_949_900n);
  assert.is(ns('2026-05-01T00:00:01.0029500Z'), 1_777_593_601_002_950_000n, 'the cached second, another fraction');
  assert.is(ns('2026-05-01T00:00:02Z'), 1_777_593_602_000_000_000n);
  assert.is(ns('2026-05-01T23:59:59.999999999Z'), 1_777_679_999_999_999_999n);
  assert.is(ns('2026-05-02T00:00:00.1Z'), 1_777_680_000_100_000_000n);
  assert.is(ns('2019-06-01T00:03:03.1238784Z'), 1_559_347_383_123_878_400n);
  for (const bad of [
    '2026-05-01 00:00:01Z',
    '2026-05-01T00:00:01',
    '2026-13-01T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-05-01T00:00:01.Z',
    '2026-05-01T00:00:01.1234567890Z',
    '2026-05-01T00:0a:01Z',
  ])
    assert.is(ns(bad), null, bad);
});

test.run();
