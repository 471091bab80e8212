// `ringbook backtest` through the built CLI: byte-identical --json for the same data and settings, the HTML report,
// clear errors, and live parity — a recorded `ringbook demo` session replayed with the session's own answers takes
// the live session's decisions, decision for decision.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { listParquet } from '../../src/capture/recover';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REC_SIZE } from '../../src/core/index';
import { Flag, Kind, R } from '../../src/core/record';
import { writeI64Big } from '../../src/core/int64';
import { encodeParquet } from '../../src/capture/parquet/encode';
import { marketPath } from '../../src/capture/schema';
import { recordingMeta } from '../helpers/recording-files';
import { T0 } from '../helpers/record-columns';
import { writeRecording, writeSymbols } from '../../bench/recording';

const CLI = join(process.cwd(), 'build/ringbook.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ringbook-backtest-cli-'));
const run = (...args: string[]) =>
  execFileSync(process.execPath, [CLI, 'backtest', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });

test('the same data and config give byte-identical --json, and a self-contained HTML report', () => {
  const data = join(dir, 'gen');
  const { rows } = writeRecording(data, 200_000, 11);
  const cfg = join(dir, 'cfg.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      signal: { source: 'obiN' },
      entry: { threshold: 0.4, confirmCount: 2, mode: 'passive' },
      exit: { threshold: 0.1, timeStopNs: '5s' },
      hurdle: { enabled: false },
      gates: { maxSpreadTicks: 50 },
    }),
  );
  const args = [data, '--config', cfg, '--latency', 'feed', '--queue', 'power:2', '--json'];
  const a = run(...args);
  const b = run(...args);
  assert.is(a, b);
  const m = JSON.parse(a);
  assert.ok(m.activity.fills > 0, 'the strategy traded');
  assert.is(m.run.events, rows, 'every record replayed');
  assert.is(m.settings.queue, 'power:2');
  const report = join(dir, 'report.html');
  run(data, '--config', cfg, '--report', report);
  const html = readFileSync(report, 'utf8');
  assert.ok(html.includes('<svg') && !/https?:\/\//.test(html), 'charts inline, nothing fetched');
});

test('a glob through the partition directories (names with =) replays what it matches, as the directory does', () => {
  const data = join(dir, 'gen');
  const glob = join(data, 'venue=bitget/inst_type=*/symbol=BTCUSDT/date=*/*.parquet');
  assert.is(run(glob, '--json'), run(data, '--json'));
});

test('a file that duplicates another is a WARNING before the run and in the report: its events replay twice', () => {
  const data = join(dir, 'copied');
  writeRecording(data, 50_000, 5);
  const [first] = listParquet(data);
  const copy = first.replace(/-(\d+)\.parquet$/, '-9$1.parquet');
  copyFileSync(first, copy);
  const r = spawnSync(process.execPath, [CLI, 'backtest', data], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.ok(r.stderr.includes(`WARNING ${copy} duplicates ${first}`) || r.stderr.includes(`WARNING ${first} duplicates ${copy}`), r.stderr);
  assert.match(
    r.stdout,
    /\n {2}WARNING overlapping files +\S+ duplicates \S+ \(the same span and [\d,]+ rows\): a backtest replays these events twice/,
  );
  const m = JSON.parse(run(data, '--json'));
  assert.match(m.settings.overlappingFiles, /duplicates/);
});

test('--skip-damaged: a symbol whose files are all damaged is named as such; a book that never became valid is a WARNING', () => {
  const data = join(dir, 'two-damaged');
  writeSymbols(data, 60_000, ['BTCUSDT', 'ETHUSDT']);
  const files = listParquet(data);
  const eth = files.filter((f) => f.includes('/symbol=ETHUSDT/'));
  for (const f of eth) truncateSync(f, 100);
  const r = spawnSync(process.execPath, [CLI, 'backtest', data, '--symbols', 'BTCUSDT,ETHUSDT', '--skip-damaged'], { encoding: 'utf8' });
  assert.is(r.status, 1, 'a data problem, not a command-line one');
  assert.ok(
    r.stderr.includes(`no recording of ETHUSDT left to replay: every file of it was left out as damaged (${eth.join(', ')})`),
    r.stderr,
  );
  // messages that never carry a book (its snapshot in a file left out, say): the book never becomes valid
  const headless = join(dir, 'no-snapshot');
  const n = 2_000;
  const words = new Int32Array((n * REC_SIZE) / 4);
  for (let i = 0; i < n; i++) {
    const o = i * REC_SIZE;
    words[o >> 2] = Kind.msgEnd | (Flag.last << 16);
    writeI64Big(words, o + R.localTs, T0 + BigInt(i) * 10_000_000n);
    writeI64Big(words, o + R.exchTs, T0 + BigInt(i) * 10_000_000n - 2_000_000n);
  }
  const path = marketPath(headless, 'bitget', 'USDT-FUTURES', 'BTCUSDT', T0, 0);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodeParquet(words, 0, n, recordingMeta(T0, T0 + BigInt(n - 1) * 10_000_000n, n)));
  const h = spawnSync(process.execPath, [CLI, 'backtest', headless], { encoding: 'utf8' });
  assert.is(h.status, 0, h.stderr);
  assert.match(h.stdout, /\n {2}WARNING no valid book +BTCUSDT +no book snapshot in the replayed data/);
  const ok = spawnSync(process.execPath, [CLI, 'backtest', join(dir, 'gen')], { encoding: 'utf8' });
  assert.not.match(ok.stdout, /no valid book/);
});

test('errors say what to fix', () => {
  const r = spawnSync(process.execPath, [CLI, 'backtest', join(dir, 'nope')], { encoding: 'utf8' });
  assert.is(r.status, 1);
  assert.match(r.stderr, /does not exist: give a recording directory/);
  const q = spawnSync(process.execPath, [CLI, 'backtest', join(dir, 'gen'), '--queue', 'fifo'], { encoding: 'utf8' });
  assert.match(q.stderr, /not a queue model: use risk-averse/);
  assert.is(q.status, 2, 'a malformed value is a usage error');
  const l = spawnSync(process.execPath, [CLI, 'backtest', join(dir, 'gen'), '--latency', 'recorded'], { encoding: 'utf8' });
  assert.match(l.stderr, /--latency recorded needs the order acks of a trading session .*: .* has no _orders stream; use --latency feed/);
  assert.is(l.status, 2, 'a flag the recording cannot serve is a usage error');
  const foo = spawnSync(process.execPath, [CLI, 'backtest', join(dir, 'gen'), '--latency', 'foo'], { encoding: 'utf8' });
  assert.is(foo.status, 2, foo.stderr);
  const t = spawnSync(process.execPath, [CLI, 'backtest', join(dir, 'gen'), '--fee-tier', 'vip9'], { encoding: 'utf8' });
  assert.is(t.status, 2);
  assert.match(t.stderr, /--fee-tier vip9: not a known tier for Bitget USDT-FUTURES; known: vip0 \(maker 0\.02 %, taker 0\.06 %\), vip1 /);
  const both = spawnSync(process.execPath, [CLI, 'backtest', join(dir, 'gen'), '--fees', '0,0', '--fee-tier', 'vip0'], {
    encoding: 'utf8',
  });
  assert.is(both.status, 2);
  assert.match(both.stderr, /both set the fee rates: give one of them/);
});

test('a directory of unfinished journals only (a recorder killed before its first roll): the recovery hint, not a bare "no files"', () => {
  const rec = join(dir, 'killed');
  const day = join(rec, 'venue=bitget/inst_type=USDT-FUTURES/symbol=BTCUSDT/date=2026-12-06');
  mkdirSync(day, { recursive: true });
  writeFileSync(join(day, '1796596403000000000-0.parquet.partial'), new Uint8Array(64 * 3));
  // a finished file of a side stream does not make up for market data that is only in journals
  const ticker = join(rec, '_ticker/venue=bitget/inst_type=USDT-FUTURES/symbol=BTCUSDT/date=2026-12-06');
  mkdirSync(ticker, { recursive: true });
  writeFileSync(join(ticker, '1796596403000000000-0.parquet'), '');
  const r = spawnSync(process.execPath, [CLI, 'backtest', rec], { encoding: 'utf8' });
  assert.is(r.status, 1, r.stderr);
  assert.match(
    r.stderr,
    /holds no finished market-data \.parquet files, only 1 unfinished journal \(\.parquet\.partial\): .*record --out \S*killed\/ --duration 1s recovers them into Parquet files as it starts/,
  );
});

test("parity: a recorded demo session replays decision for decision with the session's own answers", () => {
  const data = join(dir, 'demo');
  // --out typed with a trailing slash: the messages print the directory with one
  const demo = spawnSync(process.execPath, [CLI, 'demo', '--duration', '20s', '--out', `${data}/`], { encoding: 'utf8', timeout: 90_000 });
  assert.is(demo.status, 0, demo.stderr);
  assert.ok(demo.stderr.includes(`recording to ${data}/;`), demo.stderr);
  assert.ok(demo.stderr.includes(` records under ${data}/`), demo.stderr);
  assert.not.ok(demo.stderr.includes(`${data}//`), demo.stderr);
  // what the demo tells a trader: its parameters, the venue by name, trades in money, an ordinary stop, a next step
  const said = demo.stderr;
  assert.match(said, /^parameters \(from the defaults, preset demo; \d+ not the default \(marked \*\)\):\n {2}signal {4}source obiN\*\n/m);
  assert.match(said, /gateway info: BTCUSDT: clock offset to the local exchange /, 'each gateway names its symbol');
  assert.match(
    said,
    /\ntrade closed \(\w+\): (long|short), held [\d.]+ (ms|s), net [-+]?\d+\.\d+ USDT \(gross -?\d+\.\d+ USDT, fees \d+\.\d+ USDT\)\n/,
  );
  assert.match(said, /\n {2}ended {9}its --duration [^\n]+ ran out\n/);
  assert.match(said, /\n {2}PnL {11}-?\d+\.\d+ USDT net/);
  assert.match(said, /\nnext: node build\/ringbook\.mjs inspect /);
  assert.not.match(said, /HALTED: kill switch|ticks·lots|\bquote\b|\d\.\d{9,}/);
  const r = spawnSync(process.execPath, [CLI, 'backtest', data, '--parity', '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const out = JSON.parse(r.stdout);
  assert.ok(out.parity.live > 0, 'the live session traded');
  assert.is(out.parity.divergence, null, JSON.stringify(out.parity.divergence));
  assert.is(out.parity.matched, out.parity.live);
  assert.is(out.parity.backtest, out.parity.live);
  assert.is(r.status, 0);
  assert.is(out.metrics.settings.latency, 'recorded answers');
  assert.is(out.parity.answers.venue, 'recorded');
  assert.is(out.metrics.parameters.sources['signal.source'], 'recorded session');
  // the simulated venue's settings are not used: said, and the parity the same
  const flags = spawnSync(process.execPath, [CLI, 'backtest', data, '--parity', '--json', '--queue', 'power:2', '--fees', '0,0'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  assert.is(flags.status, 0, flags.stderr);
  assert.match(
    flags.stderr,
    /--queue power:2, --fees 0,0 have no effect with --parity: the session's own answers \(fills, with the fees live was charged\)/,
  );
  assert.equal(JSON.parse(flags.stdout).parity, out.parity);
  // …and the settings give the rates that were used, the session's, not the flag's (text, --json and HTML alike)
  assert.is(out.metrics.settings.feesFrom, 'the recorded session');
  assert.ok(out.metrics.settings.makerFeeRate > 0 && out.metrics.settings.takerFeeRate > 0, JSON.stringify(out.metrics.settings));
  assert.equal(JSON.parse(flags.stdout).metrics.settings, out.metrics.settings);
  const html = join(dir, 'parity.html');
  const tier = spawnSync(process.execPath, [CLI, 'backtest', data, '--parity', '--fee-tier', 'vip4', '--report', html], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  assert.match(tier.stderr, /--fee-tier vip4 has no effect with --parity/);
  for (const text of [tier.stdout, readFileSync(html, 'utf8').replace(/<\/td><td[^>]*>/g, '  ')]) {
    assert.match(text, new RegExp(`maker fee rate +${out.metrics.settings.makerFeeRate} `));
    assert.match(text, new RegExp(`taker fee rate +${out.metrics.settings.takerFeeRate} `));
    assert.match(text, /fee rates from +the recorded session/);
    assert.not.match(text, /fee tier/);
  }
  // another bundle cannot show parity: refused by name and hash before anything runs
  const other = spawnSync(process.execPath, [CLI, 'backtest', data, '--parity', '--strategy', 'signal-taker'], { encoding: 'utf8' });
  assert.is(other.status, 1);
  assert.match(
    other.stderr,
    /--parity: the session traded obi-ofi \(builtin:obi-ofi, bundle sha256 [0-9a-f]{12}…\), not signal-taker \(builtin:signal-taker, bundle sha256 [0-9a-f]{12}…\)/,
  );
  const text = spawnSync(process.execPath, [CLI, 'backtest', data, '--parity'], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout;
  assert.match(
    text,
    /\nparity: \d+ of \d+ live decisions matched \(the backtest took \d+\)\n {2}live sent each action a median [\d.]+ ms \(max [\d.,]+ ms\) after the signal or tick it was decided on; the backtest sends at once\n/,
  );
});

test('a demo recording holds the ticker stream: the backtest takes its funding from it, --funding overrides', () => {
  const data = join(dir, 'demo');
  const json = (...extra: string[]) =>
    JSON.parse(spawnSync(process.execPath, [CLI, 'backtest', data, '--json', ...extra], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout);
  const rec = json('--fee-tier', 'vip2');
  assert.match(
    String(rec.settings.funding),
    /^recorded \(ticker, \d+ rows\): 0 settlements in the replay/,
    'a 20 s demo crosses no settlement',
  );
  assert.is(rec.costs.funding.source, 'recorded');
  assert.is(rec.settings.feeTier, 'vip2');
  assert.is(rec.settings.makerFeeRate, 0.00016);
  const flat = json('--funding', '0.0001');
  assert.is(flat.costs.funding.source, 'flat');
  assert.is(flat.settings.fundingRate, 0.0001);
  assert.is(flat.settings.funding, undefined);
});

test.run();
