// Bitget's SPOT instruments have no funding. A backtest of a spot recording says funding does not apply (it used to
// say no ticker was recorded and suggest --funding R), --json reports it as before (no funding: source none, 0), and
// --funding on a run with a spot instrument is refused as a mistake on the command line, in backtest and optimize,
// instead of charging a rate spot never pays.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bookRecords } from '../../bench/bookstream';
import { encodeParquet } from '../../src/capture/parquet/encode';
import { marketPath } from '../../src/capture/schema';
import { R } from '../../src/core/record';
import { computeMetrics } from '../../src/backtest/metrics';
import { formatReport } from '../../src/backtest/report-text';
import type { BacktestTrace } from '../../src/backtest/trace';
import { checkFundingFlag } from '../../src/cli/venue-models';
import type { ReplayFile } from '../../src/backtest/feeder';
import { recordingMeta } from '../helpers/recording-files';
import { runCli, writeJson } from '../helpers/cli-run';

const dir = mkdtempSync(join(tmpdir(), 'ringbook-spot-funding-'));
const ts = (w: Int32Array, rec: number) => (BigInt(w[rec * 16 + R.localTs / 4 + 1]) << 32n) | BigInt(w[rec * 16 + R.localTs / 4] >>> 0);

/** A recording of BTCUSDT as a SPOT instrument (inst_type=SPOT in its path and metadata), as `record --inst-type SPOT` writes. */
function spotRecording(root: string): string {
  const { words, n } = bookRecords(20_000, 3);
  const first = ts(words, 0);
  const path = marketPath(root, 'bitget', 'SPOT', 'BTCUSDT', first, 0);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodeParquet(words, 0, n, recordingMeta(first, ts(words, n - 1), n, { inst_type: 'SPOT' })));
  return root;
}

const data = spotRecording(join(dir, 'spot'));

test('a spot backtest: funding does not apply, said in the report; --json as for any run without funding', () => {
  const text = runCli('backtest', data);
  assert.is(text.code, 0, text.err);
  assert.match(text.out, /\n {2}funding received +0\.00 +USDT +does not apply: spot has no funding\n/);
  assert.match(text.out, /\n {2}funding +0\.00 +USDT +does not apply: spot has no funding\n/, 'the PnL row');
  assert.match(text.out, /\n {2}funding +– +does not apply: spot has no funding\n/, 'the settings row');
  assert.not.match(text.out, /--funding|no ticker recorded/);
  const json = runCli('backtest', data, '--json');
  assert.is(json.code, 0, json.err);
  const m = JSON.parse(json.out);
  assert.equal(m.costs.funding, { source: 'none', receivedQuote: 0, settlements: [] });
  assert.is(m.pnl.fundingQuote, 0);
  assert.is(m.settings.fundingRate, 0);
  assert.not.ok('spot' in m, 'nothing added to --json');
});

test('--funding on a spot recording is a usage error naming the flag and the instrument type, in backtest and optimize', () => {
  const bt = runCli('backtest', data, '--funding', '0.0001');
  assert.is(bt.code, 2, bt.err);
  assert.is(bt.out, '');
  assert.match(bt.err, /--funding 0\.0001: BTCUSDT is a SPOT instrument, and spot has no funding to charge; drop --funding\n/);
  const out = join(dir, 'opt');
  const sp = writeJson(dir, 'space', { 'entry.threshold': [0.3, 0.5] });
  const opt = runCli('optimize', data, '--space', sp, '--funding', '0.0001', '--workers', '1', '--out', out);
  assert.is(opt.code, 2, opt.err);
  assert.match(opt.err, /--funding 0\.0001: BTCUSDT is a SPOT instrument, and spot has no funding to charge; drop --funding\n/);
  assert.not.ok(existsSync(out), 'a refused search leaves no --out directory');
});

test('a run of spot and futures: --funding refused, naming the spot symbols and how to replay the futures alone', () => {
  const file = (instType: string) => ({ meta: { inst_type: instType } }) as unknown as ReplayFile;
  const chosen = [
    { symbol: 'BTCUSDT', files: [file('USDT-FUTURES')] },
    { symbol: 'ETHUSDT', files: [file('SPOT')] },
  ];
  checkFundingFlag(undefined, chosen);
  checkFundingFlag(0.0001, [chosen[0]]);
  assert.throws(
    () => checkFundingFlag(0.0001, chosen),
    (e: Error) =>
      e.name === 'UsageError' &&
      e.message ===
        '--funding 0.0001: ETHUSDT is a SPOT instrument, and spot has no funding to charge; drop --funding (or replay the futures alone with --symbols BTCUSDT)',
  );
});

test('report text: a spot instrument beside futures without a ticker is named as spot, the futures as unrecorded', () => {
  const T0 = 1_704_067_200_000_000_000n;
  const t: BacktestTrace = {
    tickSize: 0.1,
    lotSize: 0.001,
    fromNs: T0,
    toNs: T0,
    events: 0,
    fills: [],
    trades: [],
    counts: { orders: 0, cancels: 0, rejects: 0, postedLot: 0, filledLot: 0 },
    markouts: { horizonsNs: [1e9], ticks: [new Float64Array(0)] },
    series: {
      intervalNs: 1e9,
      ts: BigInt64Array.of(T0),
      equityQuote: Float64Array.of(0),
      positionLot: Float64Array.of(0),
      midTick: Float64Array.of(NaN),
      length: 1,
    },
    fundingQuote: 0,
    settings: { fundingRate: 0 },
  };
  const m = computeMetrics(t);
  const futures = formatReport(m, { symbols: ['BTCUSDT', 'ETHUSDT'] });
  assert.match(futures, /funding received +0\.00 +quote +none: no ticker recorded \(--funding R charges a flat rate\)\n/);
  const mixed = formatReport(m, { symbols: ['BTCUSDT', 'ETHUSDT'], spot: ['ETHUSDT'] });
  assert.match(mixed, /funding received +0\.00 +quote +none: no ticker recorded for BTCUSDT; ETHUSDT: spot, no funding\n/);
  assert.match(mixed, /\n {2}funding +– +no ticker recorded for BTCUSDT; ETHUSDT: spot, no funding\n/);
  assert.match(mixed, /\n {2}funding +0\.00 +quote +received\n/, 'the PnL row: futures can be charged funding');
});

test.run();
