// Live ≡ backtest, decision for decision, for each built-in strategy and the starter `ringbook new strategy` writes:
// a short `demo` session of each against the embedded local exchange, then `backtest --parity --json`. The replay
// hands the runtime the session's own answers (acks, fills with their price, size and fee, cancels) where live had
// them, so it must match every live decision, with every decision time equal, however loaded the machine was while
// the session traded. The three sessions record at once (each is mostly waiting on its exchange) and each is replayed
// once for all its asserts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertFullMatch, assertRecordedAnswers } from '../helpers/parity-checks';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOwnOrders } from '../../src/backtest/orders';
import { OrderEvent, feeOfBits } from '../../src/live/orderlog';

const CLI = join(process.cwd(), 'build/ringbook.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ringbook-parity-strategies-'));

const made = spawnSync(process.execPath, [CLI, 'new', 'strategy', 'starter', '--out', dir], { encoding: 'utf8' });

/** Parameters that make each trade several times in a few seconds of the local exchange's market. */
const SESSIONS: Record<string, string[]> = {
  'obi-ofi': ['--set', 'entry.threshold=0.3', '--set', 'cooldown.ns=500ms', '--set', 'exit.timeStopNs=1s'],
  'signal-taker': ['--set', 'maxSpreadTicks=100000', '--set', 'threshold=0.2', '--set', 'confirm=1'],
  starter: ['--strategy', 'starter.ts', '--set', 'threshold=0.2', '--set', 'confirm=1', '--set', 'holdNs=300ms'],
};

function record(name: string, args: string[]): Promise<{ status: number | null; stderr: string }> {
  const strategy = args[0] === '--strategy' ? [] : ['--strategy', name];
  const child = spawn(process.execPath, [CLI, 'demo', ...strategy, ...args, '--duration', '12s', '--out', name], { cwd: dir });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  return new Promise((done) => child.on('close', (status) => done({ status, stderr })));
}

const recorded = Promise.all(Object.entries(SESSIONS).map(([name, args]) => record(name, args)));

interface Replay {
  status: number | null;
  stderr: string;
  parity: {
    live: number;
    backtest: number;
    matched: number;
    divergence: unknown;
    answers: { venue: string; recorded: number; delivered: number; withheld: number; pending: number };
  };
  fills: number;
  feesQuote: number;
}

const replays = new Map<string, Replay>();
async function replay(name: string): Promise<Replay> {
  const sessions = await recorded;
  const i = Object.keys(SESSIONS).indexOf(name);
  assert.is(sessions[i].status, 0, sessions[i].stderr);
  if (!replays.has(name)) {
    const r = spawnSync(process.execPath, [CLI, 'backtest', name, '--parity', '--json'], {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    const out = r.stdout ? JSON.parse(r.stdout) : { parity: null, metrics: { activity: {}, pnl: {} } };
    const m = out.metrics;
    replays.set(name, { status: r.status, stderr: r.stderr, parity: out.parity, fills: m.activity.fills, feesQuote: m.pnl.feesQuote });
  }
  return replays.get(name)!;
}

for (const name of Object.keys(SESSIONS)) {
  test(`${name}: backtest --parity matches every live decision of a demo session`, async () => {
    if (name === 'starter') assert.is(made.status, 0, made.stderr);
    const r = await replay(name);
    assertFullMatch(r);
  });

  test(`${name}: the replay's orders were answered by the session's own answers, every one`, async () => {
    const r = await replay(name);
    assertRecordedAnswers(r);
    // the fills the replay booked are the session's: as many, with the same fees, as its order log holds before the stop
    const log = await readOwnOrders(join(dir, name), 'BTCUSDT');
    const stop = log.findIndex((o) => o.event === OrderEvent.stop);
    const traded = log.slice(0, stop < 0 ? log.length : stop);
    const fees = traded.filter((o) => o.event === OrderEvent.fillFee).map((o) => feeOfBits(o.aux));
    assert.ok(r.fills > 0, 'the replay booked fills');
    assert.is(r.fills, traded.filter((o) => o.event === OrderEvent.fill).length);
    assert.is(fees.length, r.fills, 'each fill with its fee');
    assert.ok(Math.abs(r.feesQuote - fees.reduce((x, y) => x + y, 0)) < 1e-9, `fees ${r.feesQuote} ≠ ${fees.join('+')}`);
  });
}

test('the session file names the strategy each session traded', async () => {
  await recorded;
  for (const name of Object.keys(SESSIONS)) {
    const orders = join(dir, name, '_orders');
    const file = readdirSync(orders).find((n) => /^session-\d+\.json$/.test(n))!;
    assert.is(JSON.parse(readFileSync(join(orders, file), 'utf8')).strategy.name, name);
  }
});

test.run();
