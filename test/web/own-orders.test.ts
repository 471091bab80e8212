// The page's recorded latency reads a served recording's own-order log as `ringbook backtest` reads it from disk: the
// files /api/recordings lists under the recording's root (src/web/recording-list.ts ordersOf), the run's symbols'
// picked by path, merged across symbols and paired decision → first answer (src/web/own-orders.ts) give the very
// round trips of readSessionOrders + roundTrips (src/backtest/orders.ts), and what a recording lacks is said in the
// CLI's words. Another root's log is not this recording's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, openAsBlob } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrderEvent } from '../../src/live/orderlog';
import { readSessionOrders, roundTrips } from '../../src/backtest/orders';
import { listRecordings, type RecordingEntry } from '../../src/serve/listing';
import { ordersOf, recordingRootOf } from '../../src/web/recording-list';
import { readOwnOrders } from '../../src/web/own-orders';
import type { OrdersSource } from '../../src/web/protocol';
import { writeFiles } from '../helpers/recording-files';
import { writeOrders } from '../helpers/own-orders';

const dir = mkdtempSync(join(tmpdir(), 'ringbook-own-orders-'));

/** The listing's own-order source for the recording whose first market file is `first`, its files read from disk. */
async function sourceOf(served: string, entries: RecordingEntry[], first: string): Promise<OrdersSource> {
  const o = ordersOf(entries, first);
  const parts = await Promise.all(
    o.parts.map(async (p) => ({ file: new File([await openAsBlob(join(served, p.name))], p.name), name: p.name })),
  );
  return { ...o, parts };
}

test('recording roots as backtest finds them: above venue=…, or a loose file’s directory', () => {
  assert.is(recordingRootOf('venue=bitget/inst_type=SPOT/symbol=X/date=d/1-0.parquet'), '');
  assert.is(recordingRootOf('a/b/venue=bitget/inst_type=SPOT/symbol=X/date=d/1-0.parquet'), 'a/b/');
  assert.is(recordingRootOf('loose.parquet'), '');
  assert.is(recordingRootOf('sub/loose.parquet'), 'sub/');
});

test('the round trips of two symbols equal the CLI’s; another root’s log is left out', async () => {
  const served = join(dir, 'served');
  const root = join(served, 'session');
  writeFiles(root, 1, 4000);
  writeOrders(root, 'BTCUSDT', [
    [1, OrderEvent.place, 1],
    [4, OrderEvent.ack, 1],
    [10, OrderEvent.place, 2],
    [19, OrderEvent.fill, 2],
    [20, OrderEvent.place, 3],
  ]);
  writeOrders(root, 'ETHUSDT', [
    [2, OrderEvent.place, 1],
    [9, OrderEvent.reject, 1],
  ]);
  // a second recording under the served directory, whose log is its own
  const other = join(served, 'other');
  writeFiles(other, 1, 4000);
  writeOrders(other, 'BTCUSDT', [
    [5, OrderEvent.place, 7],
    [6, OrderEvent.ack, 7],
  ]);
  const entries = await listRecordings(served);
  const market = entries.find((e) => !e.stream && e.path.startsWith('session/'))!;
  const source = await sourceOf(served, entries, market.path);
  assert.is(source.parts.length, 2, "this root's two order files");
  assert.equal(source.where, { root: 'session/', orders: 'session/_orders' });
  for (const symbols of [['BTCUSDT'], ['BTCUSDT', 'ETHUSDT'], ['ETHUSDT', 'BTCUSDT']]) {
    const page = await readOwnOrders(source, symbols);
    const cli = roundTrips(await readSessionOrders(root, symbols));
    assert.ok(cli.length > 0);
    assert.equal(page.trips, cli, symbols.join(','));
    assert.is(page.lacks, null);
  }
  assert.equal(
    (await readOwnOrders(source, ['BTCUSDT'])).trips.map((t) => t.rttNs),
    [3e6, 9e6],
  );
});

test('what a recording lacks, in the CLI’s words; dropped files bring no log', async () => {
  const served = join(dir, 'lacking');
  writeFiles(served, 1, 4000);
  let entries = await listRecordings(served);
  const first = entries.find((e) => !e.stream)!.path;
  const none = await readOwnOrders(await sourceOf(served, entries, first), ['BTCUSDT']);
  assert.equal(none.trips, []);
  assert.is(none.lacks, 'the served directory has no _orders stream');
  writeOrders(served, 'ETHUSDT', [
    [1, OrderEvent.place, 1],
    [2, OrderEvent.ack, 1],
  ]);
  entries = await listRecordings(served);
  const other = await readOwnOrders(await sourceOf(served, entries, first), ['BTCUSDT']);
  assert.is(other.lacks, "the served directory's _orders holds no orders of BTCUSDT");
  writeOrders(served, 'BTCUSDT', [[1, OrderEvent.place, 1]]);
  entries = await listRecordings(served);
  const unanswered = await readOwnOrders(await sourceOf(served, entries, first), ['BTCUSDT']);
  assert.is(unanswered.files, 1);
  assert.is(unanswered.records, 1);
  assert.is(unanswered.lacks, "the served directory's _orders holds no order of BTCUSDT the venue answered");
  const dropped = await readOwnOrders(undefined, ['BTCUSDT']);
  assert.match(dropped.lacks!, /^dropped files bring no _orders stream/);
});

test.run();
