// Tardis's ISO timestamps to exact ns: every fraction length, across seconds and days, and what is refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IsoTime } from '../../src/import/iso-time';

const enc = new TextEncoder();

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
