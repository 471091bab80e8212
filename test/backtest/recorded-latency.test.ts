// `--latency recorded` takes the round trips of our own orders a trading session recorded under <root>/_orders. On a
// recording without them (a plain `record` capture, an import) it is refused as a mistake on the command line (exit 2),
// saying what the recording lacks and which flag to give instead, in backtest and optimize alike: it used to end in
// "no recorded round trips of own orders …" without naming the directory, and optimize exited 1 with it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrderEvent } from '../../src/live/orderlog';
import { writeFiles } from '../helpers/recording-files';
import { runCli, writeJson } from '../helpers/cli-run';
import { writeOrders } from '../helpers/own-orders';

const dir = mkdtempSync(join(tmpdir(), 'ringbook-recorded-latency-'));

/** A market-data recording of BTCUSDT (as `record` writes it: no _orders stream) in a new directory under `dir`. */
function plainRecording(name: string): string {
  const root = join(dir, name);
  writeFiles(root, 1, 4000);
  return root;
}

const advice = '; use --latency feed (entry 4× and response 3× the recorded feed latency, the default here) or --latency constant:5ms\n';
const needs =
  '--latency recorded needs the order acks of a trading session recorded with the market data (`ringbook demo --out DIR` or `ringbook live --record DIR`): ';

test('a recording with no _orders stream: --latency recorded is a usage error naming the directory and the alternative', () => {
  const data = plainRecording('plain');
  const bt = runCli('backtest', data, '--latency', 'recorded');
  assert.is(bt.code, 2, bt.err);
  assert.is(bt.out, '');
  assert.is(bt.err, `ringbook: ${needs}${data}/ has no _orders stream${advice}`);
  const out = join(dir, 'opt');
  const sp = writeJson(dir, 'space', { 'entry.threshold': [0.3, 0.5] });
  const opt = runCli('optimize', data, '--space', sp, '--latency', 'recorded', '--workers', '1', '--out', out);
  assert.is(opt.code, 2, opt.err);
  assert.ok(opt.err.endsWith(`ringbook: ${needs}${data}/ has no _orders stream${advice}`), opt.err);
  assert.not.ok(existsSync(out), 'a refused search leaves no --out directory');
  // without the flag the same recording replays with the feed model
  const dflt = runCli('backtest', data, '--json');
  assert.is(dflt.code, 0, dflt.err);
  assert.match(JSON.parse(dflt.out).settings.latency, /^feed:/);
});

test("an _orders stream without the run's symbol, or without an answered order: said as such", () => {
  const other = plainRecording('other');
  writeOrders(other, 'ETHUSDT', [
    [1, OrderEvent.place, 1],
    [3, OrderEvent.ack, 1],
  ]);
  const a = runCli('backtest', other, '--latency', 'recorded');
  assert.is(a.code, 2, a.err);
  assert.is(a.err, `ringbook: ${needs}${other}/_orders holds no orders of BTCUSDT${advice}`);
  const unanswered = plainRecording('unanswered');
  writeOrders(unanswered, 'BTCUSDT', [[1, OrderEvent.place, 1]]);
  const b = runCli('backtest', unanswered, '--latency', 'recorded');
  assert.is(b.code, 2, b.err);
  assert.is(b.err, `ringbook: ${needs}${unanswered}/_orders holds no order of BTCUSDT the venue answered${advice}`);
});

test('an answered order of the symbol: --latency recorded replays with its round trip', () => {
  const data = plainRecording('answered');
  writeOrders(data, 'BTCUSDT', [
    [1, OrderEvent.place, 1],
    [4, OrderEvent.ack, 1],
  ]);
  const r = runCli('backtest', data, '--latency', 'recorded', '--json');
  assert.is(r.code, 0, r.err);
  assert.match(JSON.parse(r.out).settings.latency, /^recorded/);
});

test.run();
