// One detector tells a recording's side streams (_ticker, _orders, _raw) from its market data, for listing, replay and
// inspect alike. It reads path components, so a relative path listed from inside a recording root ('.') is told
// apart as well as an absolute one: the market-data list of `ringbook inspect .` run in a recording root used to take
// the ticker file for a second market file of its symbol (and warn of an overlap) and the raw frames for market data.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sideStreamOf } from '../../src/capture/side-stream';
import { listParquet, listStreamParquet } from '../../src/capture/recover';
import { inspectRecording } from '../../src/capture/inspect';
import { readReplayFiles } from '../../src/cli/replay-files';
import { fundingRecording } from '../helpers/funding-recording';

test('sideStreamOf: the stream a path lies in or names, null for market data and roots', () => {
  const market = 'data/venue=bitget/inst_type=SPOT/symbol=BTCUSDT/date=2026-12-07/1-0.parquet';
  assert.is(sideStreamOf(market), null);
  assert.is(sideStreamOf('/tmp/data'), null);
  assert.is(sideStreamOf('/tmp/data/_ticker'), 'ticker');
  assert.is(sideStreamOf('/tmp/data/_ticker/'), 'ticker');
  assert.is(sideStreamOf(`/tmp/data/_orders/${market.slice(5)}`), 'orders');
  assert.is(sideStreamOf('/tmp/data/_orders/session-1.json'), 'orders');
  assert.is(sideStreamOf('_raw/venue=bitget/date=2026-12-07/1-0.parquet'), 'raw');
  assert.is(sideStreamOf('data\\_raw\\venue=bitget\\x.parquet'), 'raw');
  // a name that only contains one is no stream directory
  assert.is(sideStreamOf('/tmp/my_ticker/x.parquet'), null);
  assert.is(sideStreamOf('/tmp/_orders_old/x.parquet'), null);
});

test('listed from inside a recording root, the market data leaves the side streams out', async () => {
  const root = fundingRecording();
  const outside = listParquet(root).map((f) => f.slice(root.length + 1));
  const cwd = process.cwd();
  process.chdir(root);
  try {
    assert.equal(listParquet('.'), outside);
    const r = await inspectRecording('.');
    assert.equal(
      r.streams.map((s) => [s.stream, s.files]),
      [
        ['bitget/USDT-FUTURES/BTCUSDT', 1],
        ['bitget/USDT-FUTURES/ETHUSDT', 1],
      ],
    );
    assert.is(r.ticker.length, 2);
    // a glob over a whole recording matches its ticker files too: they are not replayed as market data
    const { files } = await readReplayFiles([...listStreamParquet('.', '_ticker'), ...outside]);
    assert.equal(
      files.map((f) => f.path),
      outside,
    );
  } finally {
    process.chdir(cwd);
  }
});

test.run();
