// `ringbook inspect` on a recording with a ticker stream and an own-order log beside the market data: the settlement a
// backtest would charge (inside the market data's span, with the rate in force and the mark then), the next one
// announced, the marks' range, and the order log's records by event; a damaged order file is listed, the rest counted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { listParquet, unfinishedJournals, UnfinishedJournals } from '../../src/capture/recover';
import { dirname, join } from 'node:path';
import { REC_SIZE } from '../../src/core/index';
import { Kind, R } from '../../src/core/record';
import { writeI64Big } from '../../src/core/int64';
import { encodeParquet } from '../../src/capture/parquet/encode';
import { marketPath } from '../../src/capture/schema';
import { inspectRecording } from '../../src/capture/inspect';
import { ratePercent, renderReport } from '../../src/cli/inspect';
import { OrderEvent } from '../../src/live/orderlog';
import { fundingRecording, SETTLEMENTS } from '../helpers/funding-recording';
import { recordingMeta } from '../helpers/recording-files';
import { T0 } from '../helpers/record-columns';

const MS = 1_000_000n;

/** BTCUSDT's order log: [ms after T0, event]. */
function writeOrders(root: string, events: Array<[number, number]>): string {
  const words = new Int32Array((events.length * REC_SIZE) / 4);
  events.forEach(([ms, code], i) => {
    const at = i * REC_SIZE;
    words[at >> 2] = Kind.order | (code << 16);
    writeI64Big(words, at + R.localTs, T0 + BigInt(ms) * MS);
  });
  const first = T0 + BigInt(events[0][0]) * MS;
  const last = T0 + BigInt(events[events.length - 1][0]) * MS;
  const path = marketPath(join(root, '_orders'), 'bitget', 'USDT-FUTURES', 'BTCUSDT', first, 0);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodeParquet(words, 0, events.length, recordingMeta(first, last, events.length)));
  return path;
}

test('the ticker stream and the order log are reported beside the market data', async () => {
  const root = fundingRecording();
  writeOrders(root, [
    [40, OrderEvent.place],
    [41, OrderEvent.ack],
    [55, OrderEvent.fill],
    [55, OrderEvent.fillFee],
    [90, OrderEvent.stop],
    [90, OrderEvent.cancelAll],
  ]);
  const r = await inspectRecording(root);
  assert.equal(
    r.streams.map((s) => s.stream),
    ['bitget/USDT-FUTURES/BTCUSDT', 'bitget/USDT-FUTURES/ETHUSDT'],
  );
  const btc = r.ticker.find((t) => t.stream === 'bitget/USDT-FUTURES/BTCUSDT')!;
  assert.is(btc.rows, 2);
  // re-quoted before it: the last rate published for the settlement is the one in force
  assert.equal(btc.settlements, [
    { atNs: String(T0 + BigInt(SETTLEMENTS.BTCUSDT.atMs) * MS), rate: SETTLEMENTS.BTCUSDT.rate, mark: SETTLEMENTS.BTCUSDT.mark },
  ]);
  assert.is(btc.next, null);
  assert.equal(btc.mark, { low: '100.3', high: '100.5' });
  const eth = r.ticker.find((t) => t.stream === 'bitget/USDT-FUTURES/ETHUSDT')!;
  assert.is(eth.settlements[0].rate, SETTLEMENTS.ETHUSDT.rate);
  assert.equal(r.orders, [
    {
      stream: 'bitget/USDT-FUTURES/BTCUSDT',
      files: 1,
      records: 6,
      byEvent: { place: 1, ack: 1, fill: 1, fillFee: 1, stop: 1, cancelAll: 1 },
      firstLocalTs: String(T0 + 40n * MS),
      lastLocalTs: String(T0 + 90n * MS),
    },
  ]);
  const text = renderReport(r.streams, r.damaged, r.ticker, r.orders);
  assert.match(text, /^ticker bitget\/USDT-FUTURES\/BTCUSDT: 1 file, 2 rows over 30 ms$/m);
  assert.match(text, /^ {2}funding {8}1 settlement in the market data's span \(2027-01-15 08:00:00 UTC at 0\.012 %\)$/m);
  assert.match(text, /^ {2}mark price {5}100\.3 – 100\.5 USDT$/m);
  // a rate in percent, exactly (the venue's fraction with its decimal point moved)
  for (const [rate, shown] of [
    ['0.000099', '0.0099 %'],
    ['-0.00005', '-0.005 %'],
    ['0.01', '1 %'],
    ['0', '0 %'],
    ['1.5', '150 %'],
    ['1e-4', '1e-4'],
  ])
    assert.is(ratePercent(rate), shown, rate);
  assert.match(text, /^own orders bitget\/USDT-FUTURES\/BTCUSDT: 1 file, 6 records over 50 ms$/m);
  assert.match(text, /^ {2}by event {7}places 1, acks 1, fills 1, fill fees 1, stops 1, cancel-alls 1$/m);
  assert.is(r.damaged.length, 0);
});

test('a damaged order file is listed with its reason; the ticker and market streams are still reported', async () => {
  const root = fundingRecording();
  const path = writeOrders(root, [[40, OrderEvent.place]]);
  writeFileSync(path, 'not parquet at all');
  const r = await inspectRecording(root);
  assert.is(r.orders.length, 0);
  assert.is(r.ticker.length, 2);
  assert.is(r.damaged.length, 1);
  assert.is(r.damaged[0].path, path);
});

test('pointed inside _ticker or _orders (a directory or one file), inspect reports that stream', async () => {
  const root = fundingRecording();
  const orders = writeOrders(root, [
    [40, OrderEvent.place],
    [41, OrderEvent.ack],
  ]);
  const t = await inspectRecording(join(root, '_ticker'));
  assert.is(t.streams.length, 0, 'no market data read from a ticker directory');
  assert.equal(
    t.ticker.map((x) => x.stream),
    ['bitget/USDT-FUTURES/BTCUSDT', 'bitget/USDT-FUTURES/ETHUSDT'],
  );
  assert.is(t.orders.length, 0);
  assert.is(t.damaged.length, 0);
  assert.match(renderReport(t.streams, t.damaged, t.ticker, t.orders), /^ticker bitget\/USDT-FUTURES\/BTCUSDT: 1 file, 2 rows/m);
  for (const p of [join(root, '_orders'), orders]) {
    const o = await inspectRecording(p);
    assert.is(o.streams.length + o.ticker.length, 0, p);
    assert.is(o.orders.length, 1, p);
    assert.is(o.orders[0].records, 2, p);
  }
});

test('only a damaged file: the report does not speak of figures above', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ringbook-inspect-dmg-'));
  const path = marketPath(dir, 'bitget', 'USDT-FUTURES', 'BTCUSDT', T0, 0);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, 'torn');
  const r = await inspectRecording(dir);
  assert.is(r.damaged.length, 1);
  const text = renderReport(r.streams, r.damaged, r.ticker, r.orders);
  assert.ok(text.startsWith('DAMAGED: 1 file could not be read, and no other file holds data to report:'), text);
  assert.not.match(text, /above/);
});

test('a directory of unfinished journals only: says so, and how to recover them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ringbook-inspect-journals-'));
  const path = marketPath(dir, 'bitget', 'USDT-FUTURES', 'BTCUSDT', T0, 0);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.partial`, new Uint8Array(REC_SIZE * 2));
  writeFileSync(`${path.slice(0, -'.parquet'.length)}-1.parquet.partial`, new Uint8Array(REC_SIZE));
  try {
    await inspectRecording(`${dir}/`);
    assert.unreachable('inspected a directory of journals');
  } catch (err) {
    assert.instance(err, UnfinishedJournals);
    assert.match(
      (err as Error).message,
      new RegExp(
        `^${dir}/ holds no finished \\.parquet files, only 2 unfinished journals \\(\\.parquet\\.partial\\): left by a recorder that was stopped before it finished them \\(killed, .*\\): .* record --out ${dir}/ --duration 1s recovers them`,
      ),
    );
  }
  // a run holding the root's lock is writing them: no recovery to run, and not a word of one
  const lock = join(dir, '.ringbook.lock');
  // the parent process: alive, and not this one (our own pid in a lock is a previous life's)
  writeFileSync(lock, JSON.stringify({ pid: process.ppid, command: 'ringbook record --out x', sinceMs: Date.now() }));
  const running = (await inspectRecording(dir).then(
    () => assert.unreachable('inspected a directory of journals'),
    (err: Error) => err.message,
  )) as string;
  assert.match(running, /only 2 unfinished journals \(\.parquet\.partial\): pid \d+ \(ringbook record --out x\) is recording into it now/);
  assert.not.match(running, /recovers them/);
  rmSync(lock);
  // listing the market files stays quiet (a recording in progress has only journals until its first roll)
  assert.equal(listParquet(dir), []);
  assert.is(unfinishedJournals(dir)?.journals, 2);
  // the same inside a side stream
  const ticker = join(dir, '_ticker', 'venue=bitget');
  mkdirSync(ticker, { recursive: true });
  writeFileSync(join(ticker, 'x.parquet.partial'), new Uint8Array(REC_SIZE));
  try {
    await inspectRecording(join(dir, '_ticker'));
    assert.unreachable('inspected a ticker directory of journals');
  } catch (err) {
    assert.instance(err, UnfinishedJournals);
    assert.is((err as UnfinishedJournals).journals, 1);
    assert.match((err as Error).message, new RegExp(`record --out ${dir}/ --duration 1s`), 'the recording root, not _ticker');
  }
});

test.run();
