// Lines out of chunks cut anywhere: CRLF, a last line without a newline, the length bound.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LineSplitter } from '../../src/import/lines';

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

test.run();
