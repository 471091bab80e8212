// The optimizer charges funding as `ringbook backtest` does and runs one strategy over several instruments merged as
// the backtest merges them: on a recording of two futures whose tickers name a settlement each, every trial's net (and
// each instrument's) equals `backtest --json`'s with the same parameters, and the funding in it is the known answer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fundingRecording } from '../helpers/funding-recording';

const CLI = join(process.cwd(), 'build/ringbook.mjs');
const STRATEGY = join(process.cwd(), 'test/fixtures/strategies/enter-and-hold.ts');
const data = fundingRecording();
const dir = mkdtempSync(join(tmpdir(), 'ringbook-optimize-funding-'));
const space = join(dir, 'space.json');
writeFileSync(space, JSON.stringify({ sizeLot: [1, 2] }));
const VENUE = ['--strategy', STRATEGY, '--latency', 'constant:1ms'];

const cli = (...args: string[]) => execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
interface Pnl {
  netQuote: number;
  fundingQuote: number;
}
interface Metrics {
  pnl: Pnl;
  instruments?: Array<{ symbol: string; pnl: Pnl }>;
  settings: Record<string, unknown>;
}
const backtest = (symbols: string, sizeLot: number): Metrics =>
  JSON.parse(cli('backtest', data, '--symbols', symbols, ...VENUE, '--set', `sizeLot=${sizeLot}`, '--json'));
function optimize(out: string, ...extra: string[]): { text: string; trials: Array<{ params: { sizeLot: number }; metrics: Metrics }> } {
  const text = cli('optimize', data, '--space', space, ...VENUE, '--workers', '1', '--out', out, ...extra);
  const trials = readFileSync(join(out, 'trials.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  return { text, trials };
}

test('a trial charges the recorded funding: its net is backtest --json net, funding included (known answer)', () => {
  const { trials } = optimize(join(dir, 'btc'), '--symbols', 'BTCUSDT');
  assert.is(trials.length, 2);
  for (const t of trials) {
    const b = backtest('BTCUSDT', t.params.sizeLot);
    // long sizeLot lots of 0.001 BTC at the settlement at 60 ms: mark 100.5, rate 0.00012 (the re-quoted one), paid
    const funding = -t.params.sizeLot * 0.001 * 100.5 * 0.00012;
    assert.ok(Math.abs(b.pnl.fundingQuote - funding) < 1e-15, `backtest funding ${b.pnl.fundingQuote}, expected ${funding}`);
    assert.is(t.metrics.pnl.fundingQuote, b.pnl.fundingQuote, `trial sizeLot=${t.params.sizeLot}: funding`);
    assert.is(t.metrics.pnl.netQuote, b.pnl.netQuote, `trial sizeLot=${t.params.sizeLot}: net`);
    assert.is(t.metrics.settings.funding, b.settings.funding, 'the settings say where funding came from, in the same words');
  }
  assert.match(String(trials[0].metrics.settings.funding), /^recorded \(ticker, 2 rows\): 1 settlement in the replay/);
});

test('optimize --symbols A,B: each trial is backtest --symbols A,B, per instrument and in total, funding included', () => {
  const out = join(dir, 'two');
  const { text, trials } = optimize(out, '--symbols', 'BTCUSDT,ETHUSDT');
  for (const t of trials) {
    const b = backtest('BTCUSDT,ETHUSDT', t.params.sizeLot);
    assert.is(t.metrics.pnl.netQuote, b.pnl.netQuote, `sizeLot=${t.params.sizeLot}: total net`);
    assert.equal(
      t.metrics.instruments!.map((i) => [i.symbol, i.pnl.netQuote, i.pnl.fundingQuote]),
      b.instruments!.map((i) => [i.symbol, i.pnl.netQuote, i.pnl.fundingQuote]),
      `sizeLot=${t.params.sizeLot}: each instrument`,
    );
    // short sizeLot lots of 0.01 ETH at 70 ms, mark 5.12, rate −0.0002: shorts pay a negative rate
    const eth = -(-t.params.sizeLot) * 0.01 * 5.12 * -0.0002;
    assert.ok(Math.abs(t.metrics.instruments![1].pnl.fundingQuote - eth) < 1e-15, String(t.metrics.instruments![1].pnl.fundingQuote));
  }
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  assert.is(manifest.symbol, 'BTCUSDT,ETHUSDT');
  assert.equal(manifest.symbols, ['BTCUSDT', 'ETHUSDT']);
  const csv = readFileSync(join(out, 'trials.csv'), 'utf8').split('\n')[0];
  assert.match(csv, /,net_quote,net_quote_BTCUSDT,net_quote_ETHUSDT,/);
  assert.match(text, /net USDT\s+BTCUSDT\s+ETHUSDT\s+round trips/, 'the ranking has each instrument beside the total');
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.equal(
    summary.ranked[0].instruments.map((i: { symbol: string }) => i.symbol),
    ['BTCUSDT', 'ETHUSDT'],
  );
});

test('the symbols as backtest takes them: one named twice, one not recorded, every one without --symbols', () => {
  const run = (...extra: string[]) =>
    spawnSync(process.execPath, [CLI, 'optimize', data, '--space', space, ...VENUE, '--out', join(dir, 'bad'), ...extra], {
      encoding: 'utf8',
    });
  const missing = run('--symbols', 'BTCUSDT,XRPUSDT');
  assert.is(missing.status, 2, 'a symbol typed that the input does not hold: a command-line mistake');
  assert.match(missing.stderr, /no recording of XRPUSDT \(found BTCUSDT, ETHUSDT\)/);
  const twice = run('--symbols', 'BTCUSDT,BTCUSDT');
  assert.is(twice.status, 2);
  assert.match(twice.stderr, /--symbols BTCUSDT,BTCUSDT: a symbol is named twice/);
  // a strategy that declares no instruments trades every instrument of its run: every symbol of the recording
  const none = run('--workers', '1');
  assert.is(none.status, 0, none.stderr);
  assert.equal(JSON.parse(readFileSync(join(dir, 'bad', 'manifest.json'), 'utf8')).symbols, ['BTCUSDT', 'ETHUSDT']);
});

test.after(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(data, { recursive: true, force: true });
});

test.run();
