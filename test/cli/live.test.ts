// `demo` and `live` through the built CLI, on the local exchange: a session with a --duration stopped by Ctrl-C before
// it ran out is an interrupted one (exit 130, said in its summary), one that halted exits 3 and says so, and the
// next: commands print one a line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strategyDir } from '../helpers/strategy-dir';
import { assertVenueFlat, liveSession } from '../helpers/live-session';
import { startExchange } from '../../src/exchange/index';

const CLI = join(process.cwd(), 'build/ringbook.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ringbook-live-cli-'));

/** Runs the CLI, sends SIGINT once stderr shows `ready`, and resolves with its exit code and stderr. */
function interrupted(args: string[], ready: RegExp): Promise<{ code: number | null; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    let sent = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      err += chunk;
      if (!sent && ready.test(err)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.on('close', (code) => done({ code, err }));
  });
}

test('demo stopped by Ctrl-C before its --duration: exit 130, and the summary says it was interrupted', async () => {
  // Ctrl-C once the first status line shows the session trading
  const r = await interrupted(
    ['demo', '--duration', '5m', '--out', join(dir, 'demo'), '--status-every', '1s'],
    /^[A-Z_]+ +pos +-?\d+ lots/m,
  );
  assert.is(r.code, 130, r.err);
  assert.match(r.err, /\n {2}ended {9}interrupted by Ctrl-C after [\d.]+ (ms|s) of its 5 min --duration \(exit 130\)\n/);
  assert.not.match(r.err, /ran out/);
});

test('a strategy that throws at the stop: the summary says so, once, though trading had stopped', () => {
  const d = strategyDir('throws-at-stop.ts');
  try {
    const r = d.run('demo', '--duration', '2s', '--strategy', 'throws-at-stop.ts', '--out', join(d.dir, 'data'));
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stderr, /\[error\] strategy error in onStop: state not saved/);
    assert.match(
      r.stderr,
      /\n {2}WARNING {7}the strategy threw once after trading stopped \(the \[error\] lines above\): a handler that runs at the stop has a bug\n/,
    );
  } finally {
    d.remove();
  }
});

test('demo whose strategy threw: the session ended HALTED, exit 3, and the summary says why and with which code', () => {
  const d = strategyDir('throws.ts');
  try {
    const r = d.run('demo', '--duration', '3s', '--strategy', 'throws.ts', '--out', join(d.dir, 'data'));
    assert.is(r.status, 3, r.stderr);
    assert.match(
      r.stderr,
      /\n {2}ended {9}HALTED at \S+Z: the strategy threw: onBook: no signal at \d+ \(.*throws\.ts:13:\d+\).*; exit 3\n/,
    );
    assert.not.match(r.stderr, /ran out/);
    // the halt is the reason given, first, as backtest's Outcome gives it
    assert.match(r.stderr, /\n {2}why no trades {2}the halt stopped trading(; before it:)?\n/);
  } finally {
    d.remove();
  }
});

test('live without --duration that halted, then Ctrl-C: still exit 3, the halt first in its summary', async () => {
  const r = await interrupted(['live', '--strategy', join(process.cwd(), 'test/fixtures/strategies/throws.ts')], /\[error\] HALTED: /);
  assert.is(r.code, 3, r.err);
  assert.match(r.err, /\n {2}ended {9}HALTED at \S+Z: the strategy threw: onBook: no signal at \d+ .*; exit 3\n/);
  assert.not.match(r.err, /ran out/);
});

test("live's next: commands print one a line, as demo's", () => {
  const rec = join(dir, 'live');
  const r = spawnSync(process.execPath, [CLI, 'live', '--duration', '2s', '--record', rec], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /\n {2}ended {9}its --duration [^\n]+ ran out\n/, 'a session that ran its --duration is a normal end');
  const next = r.stderr.split('\n').filter((l) => /^next: |^ {6}\S/.test(l));
  assert.is(next.length, 2, r.stderr);
  assert.match(next[0], new RegExp(`^next: .* inspect ${rec}$`));
  assert.match(next[1], new RegExp(`^ {6}.* backtest ${rec} --parity {4}\\(decision for decision against this session\\)$`));
});

test('live on a symbol the venue does not list: a mistake on the command line (exit 2), said first, no session preamble before it', () => {
  const rec = join(dir, 'unlisted-rec');
  const r = spawnSync(process.execPath, [CLI, 'live', '--symbols', 'XRPUSDT', '--record', rec], { encoding: 'utf8' });
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /USDT-FUTURES symbol XRPUSDT is not listed at /);
  assert.not.match(r.stderr, /^(trading|strategy|parameters|threads)\b/m, 'nothing of a session said before the error');
  assert.not.ok(existsSync(rec), 'a refused session makes no --record directory');
  const out = join(dir, 'unlisted-demo');
  const d = spawnSync(process.execPath, [CLI, 'demo', '--symbols', 'BTCUSDT,ETHUSDX', '--strategy', 'mm-glft', '--out', out], {
    encoding: 'utf8',
  });
  assert.is(d.status, 2, d.stderr);
  assert.match(d.stderr, /USDT-FUTURES symbol ETHUSDX is not listed at \S+ \(did you mean ETHUSDT\?\)/);
  assert.not.ok(existsSync(out), 'nor demo an --out directory');
});

test("demo whose position the stop flattened: the flatten's order is counted with its fill, in the text and the JSON alike", () => {
  // enter-and-hold takes a position at its first book and holds it: the stop's flatten closes it
  const hold = join(process.cwd(), 'test/fixtures/strategies/enter-and-hold.ts');
  const args = ['demo', '--strategy', hold, '--duration', '3s', '--out', join(dir, 'flattened'), '--log-format', 'json'];
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const line = `${r.stdout}\n${r.stderr}`.split('\n').find((l) => l.includes('"event":"summary"'));
  assert.ok(line, r.stderr);
  const j = JSON.parse(line!) as {
    msg: string;
    orders: number;
    flattenOrders: number;
    fills: number;
    flattenFills: number;
    rejects: number;
    ordersEnded: Record<string, number>;
    symbols: Array<{ orders: number; flattenOrders: number; fills: number; flattenFills: number }>;
  };
  // a JSON line's level is its field: no "[warn] " left in front of the message
  for (const l of r.stderr.split('\n').filter((x) => x.startsWith('{')))
    assert.not.match((JSON.parse(l) as { msg: string }).msg, /^\[(info|warn|error)\] /, l);
  // one entry and the flatten: two orders, both filled, one fill each; never more fills than orders
  assert.equal([j.orders, j.flattenOrders, j.fills, j.flattenFills, j.rejects], [2, 1, 2, 1, 0]);
  assert.equal(j.ordersEnded, { filled: 2, cancelled: 0, runtimeCancelled: 0, expired: 0, venueCancelled: 0, rejected: 0 });
  assert.equal([j.symbols[0].orders, j.symbols[0].flattenOrders, j.symbols[0].fills, j.symbols[0].flattenFills], [2, 1, 2, 1]);
  // the text says the same figures
  assert.match(
    j.msg,
    /\n {2}trading {7}2 orders \(1 by the flatten; 2 filled\), 0 cancels and 1 cancel-all, 2 fills \(1 by the flatten\), 0 rejects, 0 round trips closed by the strategy; position 0 lots at the end\n/,
  );
});

test("live's PnL: net of the funding the venue's account bills show (none in a second), not before it", () => {
  const r = spawnSync(process.execPath, [CLI, 'live', '--duration', '1s'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /\n {2}funding {7}none: the venue's account bills show no funding charged during the session\n/);
  assert.match(r.stderr, /\n {2}PnL {11}-?\d+\.\d+ USDT net \(realised -?[\d.]+ USDT, fees [\d.]+ USDT, funding 0\.00 USDT\)\n/);
});

test("live reads the funding its venue charged from the venue's account bills: the summary's funding is the exchange's", async () => {
  // settlements every 2 s; enter-and-hold holds a position through them until the stop's flatten
  const ex = await startExchange({ seed: 5, fundingIntervalMs: 2000 });
  try {
    const hold = join(process.cwd(), 'test/fixtures/strategies/enter-and-hold.ts');
    const child = liveSession(ex, ['--strategy', hold, '--duration', '5s', '--log-format', 'json']);
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    assert.is(code, 0, out);
    const j = JSON.parse(out.split('\n').find((l) => l.includes('"event":"summary"'))!) as {
      msg: string;
      fundingQuote: number;
      fundingSettlements: number;
      equityQuote: number;
      netQuote: number;
    };
    const account = ex.trading!.account();
    assert.ok(account.fundingCharges.length >= 1, 'the exchange charged the held position');
    assert.is(j.fundingSettlements, account.fundingCharges.length, 'every settlement it charged');
    assert.ok(Math.abs(j.fundingQuote - Number(account.futures.funding)) < 1e-12, `${j.fundingQuote} vs ${account.futures.funding}`);
    assert.ok(Math.abs(j.netQuote - (j.equityQuote + j.fundingQuote)) < 1e-12, 'net: after fees and funding');
    assert.match(j.msg, /\n {2}funding {7}-?\d+\.\d+ USDT received at \d+ settlements? \(the venue's account bills\)\n/);
    assert.match(j.msg, /\n {2}PnL {11}-?\d+\.\d+ USDT net \(realised -?[\d.]+ USDT, fees [\d.]+ USDT, funding -?\d+\.\d+ USDT\)\n/);
  } finally {
    await ex.close();
  }
});

test('a venue clock 400 ms off ours: live halts on risk.maxClockOffsetNs (250 ms) before it trades, without a recorder too', async () => {
  const ex = await startExchange({ seed: 5, faults: { clockSkewMs: 400 } });
  try {
    const hold = join(process.cwd(), 'test/fixtures/strategies/enter-and-hold.ts');
    const child = liveSession(ex, ['--strategy', hold, '--duration', '3s']);
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    assert.is(code, 3, err);
    assert.match(err, /HALTED: risk breach \(clockOffset\): clock offset -4\d\d(\.\d+)? ms beyond risk\.maxClockOffsetNs ±250 ms/);
    assert.match(
      err,
      /ended {9}HALTED at \S+Z: risk\.maxClockOffsetNs: risk limit: the clock offset to the exchange \(-4\d\d(\.\d+)? ms\) passed ±250 ms; exit 3/,
    );
    assert.match(err, /\n {2}trading {7}0 orders/);
    await assertVenueFlat(ex);
  } finally {
    await ex.close();
  }
});

test.run();
