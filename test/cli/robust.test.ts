// The command line against unlucky input: an unwritable --out found only after every trial ran (or spinning for
// ever under /proc), a replay window past the data or inside out that ran on everything without a word, a reader
// that closed the pipe (a stack trace), and a --keys file with a typo whose parse error quoted the secret.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startExchange } from '../../src/exchange/index';
import { credentialsFromJson } from '../../src/gateway/signing';
import { checkWritableDir, checkWritableFile } from '../../src/capture/files';
import { checkWindow, isoNs } from '../../src/backtest/window';
import { writeFiles } from '../helpers/recording-files';

const CLI = join(process.cwd(), 'build/ringbook.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ringbook-cli-robust-'));
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 60_000 });
const data = join(dir, 'data');
const { paths } = writeFiles(data, 3, 400);

test('a --keys file with a typo: where the typo is, never the secret', () => {
  const secret = 'S3CRET-abcdefghijklmnop';
  const texts = [
    `{"apiKey": "bg_1234", "secret": ${secret}, "passphrase": "p"}`,
    `{"apiKey": "bg_1234",\n "secret": "${secret}"\n "passphrase": "p"}`,
    `{"apiKey": "bg_1234", "secret": "${secret}`,
  ];
  for (const text of texts) {
    try {
      credentialsFromJson(text, '--keys k.json');
      assert.unreachable('parsed');
    } catch (err) {
      const m = (err as Error).message;
      assert.match(m, /^--keys k\.json is not valid JSON/);
      for (let i = 0; i + 4 <= secret.length; i++) assert.not.ok(m.includes(secret.slice(i, i + 4)), `${m} echoes the secret`);
    }
  }
  assert.throws(() => credentialsFromJson(texts[1], 'k'), /at line 3, column 2/);
  // a secret pasted twice: which one is used is not left to JSON.parse (the key's name and lines, never a value)
  try {
    credentialsFromJson(`{"apiKey": "bg_1234",\n "secret": "${secret}",\n "passphrase": "p",\n "secret": "other-${secret}"}`, 'k');
    assert.unreachable('parsed');
  } catch (err) {
    const m = (err as Error).message;
    assert.is(m, 'k, line 4: "secret" is given twice (first on line 2); give each key once');
  }
  const file = join(dir, 'keys.json');
  writeFileSync(file, texts[0]);
  const r = cli('live', '--keys', file, '--duration', '1s', '--ws-url', 'ws://127.0.0.1:9/x', '--rest-url', 'http://127.0.0.1:9');
  assert.is(r.status, 1);
  assert.match(r.stderr, /is not valid JSON at line 1, column 33/);
  assert.not.ok(r.stderr.includes('S3CR'), r.stderr);
});

test('an unwritable --out stops a command before any work', () => {
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  assert.throws(
    () => checkWritableDir('--out', '/proc/nope'),
    /cannot write to --out \/proc\/nope \(a part of the path cannot be created there\)/,
  );
  assert.throws(() => checkWritableDir('--out', join(file, 'sub')), /a part of the path is a file/);
  assert.throws(() => checkWritableFile('--report', dir), /is a directory: give a file name/);
  assert.is(checkWritableDir('--out', join(dir, 'new', 'deeper')), join(dir, 'new', 'deeper'));
  const space = join(dir, 'space.json');
  writeFileSync(space, JSON.stringify({ 'entry.threshold': [0.3, 0.4] }));
  const started = Date.now();
  const opt = cli('optimize', data, '--space', space, '--workers', '1', '--out', '/proc/nope');
  assert.is(opt.status, 1);
  assert.match(opt.stderr, /cannot write to --out \/proc\/nope/);
  assert.not.match(opt.stderr, /loading|trials on/, 'nothing loaded, no trial run');
  const demo = cli('demo', '--duration', '60s', '--out', join(file, 'sub'));
  assert.is(demo.status, 1);
  assert.match(demo.stderr, /cannot write to --out .*a-file\/sub \(a part of the path is a file\)/);
  assert.not.match(demo.stderr, /local exchange at/, 'nothing started');
  const bt = cli('backtest', data, '--report', dir);
  assert.is(bt.status, 1);
  assert.match(bt.stderr, /--report .* is a directory/);
  assert.ok(Date.now() - started < 50_000);
});

test('--from/--to: checked against each other and the data', () => {
  const first = BigInt(paths.length && JSON.parse(cli('inspect', data, '--json').stdout).streams[0].firstLocalTs);
  const r1 = cli('backtest', data, '--from', String(first + 2_000_000_000_000n), '--latency', 'feed');
  assert.is(r1.status, 1);
  assert.match(r1.stderr, /--from .* is after the end of the data \(the data runs from .* to .*\): nothing to replay/);
  const r2 = cli('backtest', data, '--from', String(first + 10n), '--to', String(first), '--latency', 'feed');
  assert.match(r2.stderr, /--from .* is not before --to .*: the replay window is empty/);
  const r3 = cli('backtest', data, '--to', '2001-01-01T00:00:00Z', '--latency', 'feed');
  assert.match(r3.stderr, /--to 2001-01-01T00:00:00\.000000000Z is at or before the start of the data/);
  // a window inside the data: the run and its figures start at --from; the records before it only built the book
  const stream = JSON.parse(cli('inspect', data, '--json').stdout).streams[0];
  const mid = (first + BigInt(stream.lastLocalTs)) / 2n;
  const w = cli('backtest', data, '--from', String(mid), '--latency', 'feed', '--json');
  assert.is(w.status, 0, w.stderr);
  const run = JSON.parse(w.stdout).run;
  assert.is(run.fromNs, String(mid));
  assert.is(run.bookFromUtc.slice(0, 19), isoNs(first).slice(0, 19));
  const text = cli('backtest', data, '--from', String(mid), '--latency', 'feed');
  assert.match(text.stdout, new RegExp(`from\\s+${isoNs(mid).slice(0, 19)}.*--from; the book built from ${isoNs(first).slice(0, 19)}`));
  assert.is(isoNs(1_796_000_000_123_456_789n), '2026-11-30T00:53:20.123456789Z');
  const f = [{ path: 'x', rows: 1, firstLocalTs: 10n, meta: { first_local_ts: '10', last_local_ts: '20' } }];
  checkWindow(undefined, undefined, f);
  checkWindow(10n, 21n, f);
  checkWindow(20n, undefined, f);
  assert.throws(() => checkWindow(21n, undefined, f), /after the end/);
  assert.throws(() => checkWindow(undefined, 10n, f), /at or before the start/);
});

test('a reader that closes the pipe ends the command quietly', async () => {
  const ex = await startExchange({ seed: 3, symbols: ['USDT-FUTURES:BTCUSDT'] });
  try {
    const child = spawn(
      process.execPath,
      [CLI, 'watch', '--symbol', 'BTCUSDT', '--json', '--ws-url', ex.url.ws, '--rest-url', ex.url.rest],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let lines = 0;
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      lines = buf.split('\n').length - 1;
      if (lines >= 2) child.stdout.destroy(); // what `| head -2` does
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.ok(lines >= 2);
    assert.is(code, 0, stderr);
    assert.not.match(stderr, /EPIPE|Error|    at /);
  } finally {
    await ex.close();
  }
});

test('flag values are checked before the data: a malformed one is a usage error (exit 2) whatever the input', () => {
  for (const flags of [
    ['--fees', '0.1'],
    ['--latency', 'foo'],
    ['--fee-tier', 'vip9'],
    ['--queue', 'foo'],
    ['--fees', '0.0002,0.0006', '--fee-tier', 'vip1'],
  ]) {
    const r = cli('backtest', join(dir, 'no-such-recording'), ...flags);
    assert.is(r.status, 2, `${flags.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(flags[0]));
  }
  // a time in seconds where ns are meant: refused, with what it would be in seconds and in ms
  const s = cli('backtest', data, '--from', '1796631420');
  assert.is(s.status, 2);
  assert.match(s.stderr, /--from 1796631420: .*January 1970; as seconds it is 2026-12-07T08:17:00\.000Z \(--from 1796631420000000000\)/);
  const p = cli('backtest', data, '--parity', '--from', '2026-12-07T08:17:00Z');
  assert.is(p.status, 2);
  assert.match(p.stderr, /--from .* with --parity: parity compares a whole session/);
});

test("the recording's other streams: not replayed as market data; a damaged one stops the run or is skipped with --skip-damaged", () => {
  const rec = join(dir, 'with-ticker');
  cpSync(data, rec, { recursive: true });
  const ticker = join(rec, '_ticker/venue=bitget/inst_type=USDT-FUTURES/symbol=BTCUSDT/date=2026-11-30/1-0.parquet');
  mkdirSync(dirname(ticker), { recursive: true });
  copyFileSync(paths[0], ticker);
  const alone = cli('backtest', ticker, '--latency', 'feed');
  assert.is(alone.status, 1);
  assert.match(alone.stderr, /a file of the ticker \(_ticker\/\) stream, not market data/);
  writeFileSync(ticker, 'not parquet at all');
  const stop = cli('backtest', rec, '--latency', 'feed');
  assert.is(stop.status, 1);
  assert.match(stop.stderr, /cannot read .*_ticker.*1-0\.parquet: .*--skip-damaged/);
  const skip = cli('backtest', rec, '--latency', 'feed', '--skip-damaged');
  assert.is(skip.status, 0, skip.stderr);
  assert.match(skip.stderr, /skipped 1 damaged file\(s\) \(--skip-damaged\):\n.*_ticker.*1-0\.parquet/);
});

test.run();
