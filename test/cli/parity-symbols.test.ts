// Live ≡ backtest, decision for decision, on sessions of several symbols: short `demo --symbols BTCUSDT,ETHUSDT`
// sessions against the embedded local exchange (mm-glft making markets in both; lead-lag trading ETHUSDT on BTCUSDT's
// order flow), then `backtest --parity --json` with no --symbols: the replay takes every symbol of the session, hands
// each instrument's orders the session's own answers, and must match every live decision with its symbol. The two
// sessions record at once (each is mostly waiting on its exchange) and each is replayed once for all its asserts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertFullMatch, assertRecordedAnswers } from '../helpers/parity-checks';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSessionOrders } from '../../src/backtest/orders';
import { OrderEvent, feeOfBits } from '../../src/live/orderlog';

const CLI = join(process.cwd(), 'build/ringbook.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ringbook-parity-symbols-'));
const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];

/** Parameters that make each trade several times in a few seconds of the local exchange's market. */
const SESSIONS: Record<string, string[]> = {
  'mm-glft': [],
  'lead-lag': ['--set', 'threshold=0.3', '--set', 'confirm=2', '--set', 'holdNs=500ms'],
};

function record(name: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    [CLI, 'demo', '--symbols', SYMBOLS.join(','), '--strategy', name, ...args, '--duration', '6s', '--out', name],
    { cwd: dir },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((done) => child.on('close', (status) => done({ status, stdout, stderr })));
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
  symbols: string[];
  fills: number[];
  feesQuote: number;
  amends: number;
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
    const out = r.stdout ? JSON.parse(r.stdout) : { parity: null, metrics: { pnl: {}, instruments: [] } };
    const m = out.metrics;
    replays.set(name, {
      status: r.status,
      stderr: r.stderr,
      parity: out.parity,
      symbols: m.symbols ?? [],
      fills: (m.instruments ?? []).map((x: { activity: { fills: number } }) => x.activity.fills),
      feesQuote: m.pnl.feesQuote,
      amends: m.activity?.amends,
    });
  }
  return replays.get(name)!;
}

/** The session's order log up to its stop, each record with its instrument. */
async function traded(name: string) {
  const log = await readSessionOrders(join(dir, name), SYMBOLS);
  const stop = log.findIndex((o) => o.event === OrderEvent.stop);
  return log.slice(0, stop < 0 ? log.length : stop);
}

for (const name of Object.keys(SESSIONS)) {
  test(`${name} on ${SYMBOLS.join(' and ')}: backtest --parity replays both and matches every live decision`, async () => {
    const r = await replay(name);
    assertFullMatch(r);
    assert.equal(r.symbols, SYMBOLS, "every symbol of the session, in the session's order");
  });

  test(`${name}: each instrument's orders were answered by the session's own answers, every one`, async () => {
    const r = await replay(name);
    assertRecordedAnswers(r);
    // the fills the replay booked are the session's, instrument by instrument, with the same fees
    const log = await traded(name);
    const fills = SYMBOLS.map((_, i) => log.filter((o) => o.event === OrderEvent.fill && (o.inst ?? 0) === i).length);
    assert.equal(r.fills, fills);
    const fees = log.filter((o) => o.event === OrderEvent.fillFee).map((o) => feeOfBits(o.aux));
    assert.ok(Math.abs(r.feesQuote - fees.reduce((x, y) => x + y, 0)) < 1e-9, `fees ${r.feesQuote} ≠ ${fees.join('+')}`);
  });
}

test('mm-glft quoted both symbols; lead-lag ordered the follower only', async () => {
  const placed = async (name: string) => [
    ...new Set((await traded(name)).filter((o) => o.event === OrderEvent.place).map((o) => SYMBOLS[o.inst ?? 0])),
  ];
  await recorded;
  assert.equal((await placed('mm-glft')).sort(), SYMBOLS);
  assert.equal(await placed('lead-lag'), ['ETHUSDT']);
});

test("mm-glft's amendments: the demo's summary and the replay count each one the order log holds", async () => {
  const sessions = await recorded;
  const log = await traded('mm-glft');
  const amends = log.filter((o) => o.event === OrderEvent.amend).length;
  const refused = log.filter((o) => o.event === OrderEvent.amendReject).length;
  assert.ok(amends > 0, 'mm-glft amends its quotes as the touch moves');
  const out = sessions[0].stderr + sessions[0].stdout;
  const said = / {2}trading {7}.*?, (\d+) amends?(?: \((\d+) refused by the venue\))?, /.exec(out);
  assert.ok(said, out);
  assert.equal([Number(said![1]), Number(said![2] ?? 0)], [amends, refused]);
  assert.is((await replay('mm-glft')).amends, amends);
});

test("the demo's next lines suggest --parity for the session of several symbols, and a backtest of every symbol", async () => {
  const sessions = await recorded;
  const out = sessions[0].stderr + sessions[0].stdout;
  assert.match(out, /backtest mm-glft --parity\s+\(decision for decision against this session, every symbol\)/);
  assert.match(out, /backtest mm-glft --symbols BTCUSDT,ETHUSDT --strategy mm-glft\s+\(the same strategy replayed\)/);
  // the suggested backtest runs as given
  const r = spawnSync(process.execPath, [CLI, 'backtest', 'mm-glft', '--symbols', SYMBOLS.join(','), '--strategy', 'mm-glft', '--json'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  assert.is(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as {
    symbols: string[];
    instruments: Array<{ activity: { fills: number } }>;
    strategy: { counters: object };
  };
  assert.equal(j.symbols, SYMBOLS);
  // the pacing is shared fairly: the first instrument to quote does not use up the order-rate budget of the other
  for (const [i, it] of j.instruments.entries()) assert.ok(it.activity.fills > 0, `${SYMBOLS[i]} filled`);
});

test("a copy of the session without ETHUSDT's market data: --parity names the session and what is missing, exit 1", async () => {
  const sessions = await recorded;
  assert.is(sessions[0].status, 0, sessions[0].stderr);
  // the order log and the ticker stay: only the market data of one symbol is gone
  cpSync(join(dir, 'mm-glft'), join(dir, 'no-eth'), { recursive: true });
  rmSync(join(dir, 'no-eth', 'venue=bitget', 'inst_type=USDT-FUTURES', 'symbol=ETHUSDT'), { recursive: true });
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [CLI, 'backtest', 'no-eth', '--parity', ...args], { cwd: dir, encoding: 'utf8' });
  for (const args of [[], ['--symbols', 'BTCUSDT'], ['--symbols', 'ETHUSDT']]) {
    const r = run(...args);
    assert.is(r.status, 1, `${args.join(' ')}: a data problem, not a command-line one\n${r.stderr}`);
    assert.match(
      r.stderr,
      /--parity: the session started \S+Z \(session-\d+\.json\) traded BTCUSDT, ETHUSDT, but no-eth\/ holds no market data of ETHUSDT \(found BTCUSDT\); parity replays every symbol the session traded, so its market data must be under no-eth\/ too/,
      args.join(' '),
    );
    assert.not.match(r.stderr, /no recorded session|did you mean/, args.join(' '));
  }
  // a symbol no session traded is still a command-line mistake
  const typo = run('--symbols', 'XRPUSDT');
  assert.is(typo.status, 2, typo.stderr);
  assert.match(typo.stderr, /no recording of XRPUSDT \(found BTCUSDT\)/);
});

test.run();
