// --feed-latency-shift: local stamps moved exactly (carries across the 32-bit halves, either sign), and the flag's
// text read as a signed duration.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseShift, shiftLocalTs } from '../../src/backtest/feed-shift';

const stamps = [0n, 4294967295n, 4294967296n, 1_777_593_600_123_456_789n, 1_777_593_599_999_999_999n];

test('every record moves by exactly the shift, across the low word and back', () => {
  for (const shift of [1, -1, 3_000_000, -3_000_000, 2 ** 40 + 7, -(2 ** 40) - 7]) {
    const w = new Int32Array(stamps.length * 16);
    stamps.forEach((t, i) => {
      w[i * 16 + 4] = Number(t & 0xffffffffn) | 0;
      w[i * 16 + 5] = Number(t >> 32n);
      w[i * 16 + 2] = 12345; // exch_ts is left alone
    });
    shiftLocalTs(w, 0, stamps.length, shift);
    stamps.forEach((t, i) => {
      const got = (BigInt(w[i * 16 + 5]) << 32n) | BigInt(w[i * 16 + 4] >>> 0);
      const want = BigInt.asIntN(64, t + BigInt(shift));
      assert.is(BigInt.asIntN(64, got), want, `${t} + ${shift}`);
      assert.is(w[i * 16 + 2], 12345);
    });
  }
});

test('the flag: signed durations, clear errors', () => {
  assert.is(parseShift('-3ms'), -3_000_000);
  assert.is(parseShift('+1.5ms'), 1_500_000);
  assert.is(parseShift('250us'), 250_000);
  assert.is(parseShift('−2ms'), -2_000_000);
  assert.is(parseShift('0.002s'), 2_000_000);
  assert.is(parseShift('-3'), -3_000_000_000, 'a plain number is seconds, as for every duration on the command line');
  assert.is(parseShift('0'), 0);
  assert.throws(
    () => parseShift('3 parsecs'),
    /^--feed-latency-shift "3 parsecs" is not a duration \(e\.g\. -3ms, \+1\.5ms, 250us; a plain number is seconds\)$/,
  );
  assert.throws(() => parseShift('2h'), /more than an hour/);
  assert.throws(() => parseShift('7200s'), /more than an hour/);
});

test.run();
