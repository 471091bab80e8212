// A file's metadata from its records: the feed latency's first percentile is exact to the nanosecond, as inspect's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { streamMeta, type StreamInfo } from '../../src/capture/meta';
import { writeI64Big } from '../../src/core/int64';
import { BTCUSDT_STREAM } from '../helpers/stream-info';

const INFO: StreamInfo = { ...BTCUSDT_STREAM, source: 'live' };

test('feed_latency_p1_ns is the exact difference of the stamps, not of their doubles', () => {
  // stamps near 1.8e18 ns: as doubles they are 256 ns apart, and 2,248,197 ns would read 2,248,192 or 2,248,448
  const exch = 1_800_000_000_123_456_789n;
  const rows = 3;
  const words = new Int32Array(rows * 16);
  for (let i = 0; i < rows; i++) {
    words[i * 16] = 1; // a book level
    writeI64Big(words, i * 64 + 8, exch + BigInt(i));
    writeI64Big(words, i * 64 + 16, exch + BigInt(i) + 2_248_197n + BigInt(i * 1000));
  }
  const meta = streamMeta(INFO, null, 0, exch, exch + 2n, words, rows);
  assert.is(meta.feed_latency_p1_ns, '2248197');
});

test('records without an exchange stamp are left out of it', () => {
  const words = new Int32Array(2 * 16);
  words[0] = 1;
  writeI64Big(words, 16, 1_800_000_000_000_000_000n); // local stamp only
  words[16] = 1;
  writeI64Big(words, 64 + 8, 1_800_000_000_000_000_000n);
  writeI64Big(words, 64 + 16, 1_800_000_000_000_001_001n);
  assert.is(streamMeta(INFO, null, 0, 0n, 0n, words, 2).feed_latency_p1_ns, '1001');
});

test.run();
