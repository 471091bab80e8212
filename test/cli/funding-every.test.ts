// `demo --funding-every 2s`: the local exchange settles funding every two seconds, the ticker publishes that
// nextFundingTime, the recorder keeps it, and a backtest of the recording charges the settlements it replays. The
// held position (enter-and-hold) meets every settlement after its fill. (The totals are not compared: the exchange
// can settle more often than the replay charges, docs/exchange.md, Funding.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nextFundingMs, settlementsBetween, FundingModel } from '../../src/exchange/funding';

const CLI = join(process.cwd(), 'build/ringbook.mjs');
const HOLD = join(process.cwd(), 'test/fixtures/strategies/enter-and-hold.ts');

test('the settlement grid: 8-hourly by default, every interval from the epoch when given', () => {
  assert.is(nextFundingMs(1), 8 * 3600e3);
  assert.is(nextFundingMs(61_000, 60_000), 120_000);
  assert.equal(settlementsBetween(59_999, 180_000, 60_000), [60_000, 120_000, 180_000]);
  assert.is(new FundingModel(100, 1000).nextMs(1500), 2000);
});

test('demo takes --informed-share for its exchange, a share in [0, 1]', () => {
  const r = spawnSync(process.execPath, [CLI, 'demo', '--informed-share', '1.5'], { encoding: 'utf8' });
  assert.is(r.status, 2);
  assert.match(r.stderr, /--informed-share/);
  const help = spawnSync(process.execPath, [CLI, 'demo', '--help'], { encoding: 'utf8' });
  assert.match(help.stdout, /--informed-share P/);
  assert.match(help.stdout, /--funding-every D/);
  assert.match(help.stdout, /--no-keep-warm/);
});

test('--funding-every takes whole seconds', () => {
  const r = spawnSync(process.execPath, [CLI, 'demo', '--funding-every', '1500ms'], { encoding: 'utf8' });
  assert.is(r.status, 2);
  assert.match(r.stderr, /--funding-every: give whole seconds \(e\.g\. 1m, 30s\), got 1500 ms/);
});

test('demo --funding-every 2s: the recording has the settlements and backtest charges the recorded settlements', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'rb-funding-'));
  try {
    const demo = spawnSync(
      process.execPath,
      [CLI, 'demo', '--strategy', HOLD, '--funding-every', '2s', '--informed-share', '0.3', '--duration', '6s', '--out', 'data'],
      { cwd, encoding: 'utf8' },
    );
    assert.is(demo.status, 0, demo.stderr);
    const m = /funding\s+(-?[\d.]+) USDT received at (\d+) settlements/.exec(demo.stdout + demo.stderr);
    assert.ok(m, demo.stdout);
    const charged = Number(m![1]);
    const settlements = Number(m![2]);
    assert.ok(settlements >= 2, `${settlements} settlements in 6 s`);
    const bt = spawnSync(process.execPath, [CLI, 'backtest', 'data', '--strategy', HOLD, '--parity', '--json'], {
      cwd,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    assert.is(bt.status, 0, bt.stderr);
    const f = JSON.parse(bt.stdout).metrics.costs.funding as {
      source: string;
      settlements: Array<{ positionLot: number; receivedQuote: number }>;
    };
    assert.is(f.source, 'recorded');
    const held = f.settlements.filter((s) => s.positionLot !== 0);
    assert.ok(held.length >= 2, `${held.length} settlements charged in the replay`);
    // each settlement the replay charges is the exchange's rule: −position × mark × rate, on the recorded rate and mark
    assert.ok(held.every((x) => x.receivedQuote < 0 && x.receivedQuote > -0.01));
    assert.ok(charged < 0, `the exchange charged ${charged}`);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test.run();
