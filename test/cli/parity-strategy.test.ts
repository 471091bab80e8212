// backtest --parity picks the strategy the session traded (its built-in by name, its file as the session named it)
// unless --strategy names one, and refuses a bundle other than the session's by name and hash.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkParityBundle, parityStrategySpec } from '../../src/cli/backtest-parity';
import type { SessionFile } from '../../src/live/trading-session';

const session = (strategy?: SessionFile['strategy']): SessionFile => ({
  symbol: 'BTCUSDT',
  instType: 'USDT-FUTURES',
  startedNs: '0',
  config: {},
  ...(strategy ? { strategy } : {}),
  instrument: { tickSize: 0.1, lotSize: 0.001, makerFeeRate: 0.0002, takerFeeRate: 0.0006 },
  signals: {} as SessionFile['signals'],
  tickNs: '50000000',
});
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

test("the session's built-in or file unless --strategy says; an older session without one leaves the default", () => {
  const taker = session({ name: 'signal-taker', bundleHash: A, coreHash: null, source: 'builtin:signal-taker' });
  assert.is(parityStrategySpec(taker, undefined), 'signal-taker');
  assert.is(parityStrategySpec(taker, 'my.ts'), 'my.ts');
  assert.is(parityStrategySpec(session(), undefined), undefined);
  const file = session({ name: 'mine', bundleHash: A, coreHash: null, source: 'test/fixtures/strategies/imbalance-taker.ts' });
  assert.is(parityStrategySpec(file, undefined), 'test/fixtures/strategies/imbalance-taker.ts');
  const gone = session({ name: 'mine', bundleHash: A, coreHash: null, source: 'nowhere/mine.ts' });
  assert.throws(
    () => parityStrategySpec(gone, undefined),
    /--parity: the session traded mine from nowhere\/mine\.ts, which is not there from here: give that file with --strategy FILE/,
  );
});

test('the same bundle passes; another is refused naming both; a session without a hash passes', () => {
  const s = session({ name: 'mine', bundleHash: A, coreHash: null, source: 'mine.ts' });
  checkParityBundle(s, 'mine', { hash: A, source: 'elsewhere/mine.ts' });
  assert.throws(
    () => checkParityBundle(s, 'mine', { hash: B, source: 'mine.ts' }),
    /--parity: the session traded mine \(mine\.ts, bundle sha256 aaaaaaaaaaaa…\), not mine \(mine\.ts, bundle sha256 bbbbbbbbbbbb…\)/,
  );
  assert.throws(() => checkParityBundle(s, 'mine', null), /not mine \(bundle hash unknown\)/);
  checkParityBundle(session(), 'obi-ofi', { hash: B, source: 'builtin:obi-ofi' });
  checkParityBundle(session({ name: 'x', bundleHash: null, coreHash: null, source: 'x' }), 'obi-ofi', null);
});

test.run();
