// `ringbook inspect` on the market streams: feed latencies corrected for the clock offset exactly (whole ns, divided
// into ms once), each file by its own offset, holes between a stream's files and files that overlap.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REC_SIZE } from '../../src/core/index';
import { Flag, Kind, R } from '../../src/core/record';
import { writeI64Big } from '../../src/core/int64';
import { encodeParquet } from '../../src/capture/parquet/encode';
import { marketPath } from '../../src/capture/schema';
import { inspectRecording } from '../../src/capture/inspect';
import { recordingMeta } from '../helpers/recording-files';
import { T0 } from '../helpers/record-columns';

const MS = 1_000_000n;

/** One market file of book messages: [local ns after T0, local − exch in ns]; `theta` its clock_offset_ns. */
function writeBook(root: string, n: number, msgs: Array<[bigint, bigint]>, theta: bigint | null): string {
  const words = new Int32Array((msgs.length * REC_SIZE) / 4);
  msgs.forEach(([at, lat], i) => {
    const o = i * REC_SIZE;
    words[o >> 2] = Kind.msgEnd | (Flag.last << 16);
    writeI64Big(words, o + R.localTs, T0 + at);
    writeI64Big(words, o + R.exchTs, T0 + at - lat);
  });
  const first = T0 + msgs[0][0];
  const last = T0 + msgs[msgs.length - 1][0];
  const clock =
    theta === null
      ? {}
      : {
          clock_offset_ns: String(theta),
          clock_offset_bound_ns: '100000',
          clock_offset_method: 'rest',
        };
  const path = marketPath(root, 'bitget', 'USDT-FUTURES', 'BTCUSDT', first, n);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodeParquet(words, 0, msgs.length, recordingMeta(first, last, msgs.length, clock)));
  return path;
}

const steady = (fromMs: number, count: number, latNs: bigint): Array<[bigint, bigint]> =>
  Array.from({ length: count }, (_, i) => [BigInt(fromMs + i * 10) * MS, latNs]);

test('corrected latencies are exact: 2.248197 ms − θ 0.518 ms is 1.730197, not 1.7301969999999998', async () => {
  const root = mkdtempSync(join(tmpdir(), 'inspect-'));
  writeBook(root, 0, steady(0, 20, 2_248_197n), 518_000n);
  const [s] = (await inspectRecording(root)).streams;
  assert.is(s.feedLatencyMsRaw!.p50, 2.248197);
  assert.is(s.feedLatencyMsCorrected!.p50, 1.730197);
  assert.is(JSON.stringify(s.feedLatencyMsCorrected!.max), '1.730197');
});

test("each file's latencies are corrected by its own θ, and the report says the offsets differ", async () => {
  const root = mkdtempSync(join(tmpdir(), 'inspect-'));
  // a recorder restarted: the first run's clock was 0.518 ms ahead, the second's 0.452 ms behind; the true latency is 2 ms
  writeBook(root, 0, steady(0, 50, 2_518_000n), 518_000n);
  writeBook(root, 1, steady(600, 50, 1_548_000n), -452_000n);
  const [s] = (await inspectRecording(root)).streams;
  assert.is(s.feedLatencyMsCorrected!.p1, 2);
  assert.is(s.feedLatencyMsCorrected!.max, 2);
  assert.equal(s.clockOffsets, { files: 2, minNs: '-452000', maxNs: '518000' });
  assert.match(s.explanation, 'differs between files: -0.452 ms … 0.518 ms over 2 files');
  assert.not.match(s.explanation, 'not measured');
});

test('a hole between files and a duplicated file are warnings', async () => {
  const root = mkdtempSync(join(tmpdir(), 'inspect-'));
  const a = writeBook(root, 0, steady(0, 50, 2_000_000n), null); // 0–490 ms
  const b = writeBook(root, 1, steady(3490, 50, 2_000_000n), null); // a 3 s hole
  const [s] = (await inspectRecording(root)).streams;
  assert.equal(s.warnings, [`a hole of 3.000 s with no data between ${a} and ${b} (the recorder stopped?)`]);
  assert.match(s.explanation, 'WARNING: a hole of 3.000 s');
  const copy = a.replace(/\.parquet$/, '-copy.parquet');
  copyFileSync(a, copy);
  const [d] = (await inspectRecording(root)).streams;
  assert.is(d.files, 3);
  assert.equal(d.warnings.length, 2);
  assert.ok(
    [`${a} duplicates ${copy}`, `${copy} duplicates ${a}`].some((x) => d.warnings[0].startsWith(x)),
    d.warnings[0],
  );
  assert.match(d.warnings[0], 'a backtest replays these events twice');
});

test('files that overlap in part say by how much; a short pause between files is not a hole', async () => {
  const root = mkdtempSync(join(tmpdir(), 'inspect-'));
  writeBook(root, 0, steady(0, 50, 2_000_000n), null); // 0–490 ms
  const b = writeBook(root, 1, steady(400, 50, 2_000_000n), null); // from 400 ms
  writeBook(root, 2, steady(1400, 10, 2_000_000n), null); // 510 ms after the last
  const [s] = (await inspectRecording(root)).streams;
  assert.is(s.warnings.length, 1);
  assert.match(s.warnings[0], `${b} overlaps`);
  assert.match(s.warnings[0], 'by 0.090 s');
});

test.run();
