// Damaged and foreign files in a recording: one zero-byte file among 28 used to stop inspect and backtest with
// "Offset is outside the bounds of the DataView" and no file name, and a file claiming schema_version 99 was read
// as if it were ours. Now every reader names the file; inspect reports it and inspects the rest; backtest and
// optimize stop naming it and how to leave it out, or skip it with --skip-damaged and say so in their output.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeParquet } from '../../src/capture/parquet/encode';
import { inspectRecording } from '../../src/capture/inspect';
import { DamagedFile, readFileMeta } from '../../src/capture/read-file';
import { listParquet } from '../../src/capture/recover';
import { R } from '../../src/core/record';
import { recordingMeta, writeFiles } from '../helpers/recording-files';
import { writeSymbols } from '../../bench/recording';

const CLI = join(process.cwd(), 'build/ringbook.mjs');
const FILES = 28;
const ROWS = 500;
const root = mkdtempSync(join(tmpdir(), 'ringbook-damaged-'));
const { paths, words } = writeFiles(root, FILES, ROWS);
const empty = paths[9];
const future = paths[17];
writeFileSync(empty, '');
{
  const ts = (rec: number) => (BigInt(words[rec * 16 + R.localTs / 4 + 1]) << 32n) | BigInt(words[rec * 16 + R.localTs / 4] >>> 0);
  const a = 17 * ROWS;
  writeFileSync(future, encodeParquet(words, a * 16, ROWS, recordingMeta(ts(a), ts(a + ROWS - 1), ROWS, { schema_version: '99' })));
}
const fifo = join(root, 'venue=bitget', 'pipe.parquet');
execFileSync('mkfifo', [fifo]);

const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 });

test('a reader names the file and says what is wrong with it', async () => {
  const fails = async (path: string, reason: RegExp) => {
    try {
      await readFileMeta(path);
      assert.unreachable(`${path} was read`);
    } catch (err) {
      assert.instance(err, DamagedFile);
      assert.is((err as DamagedFile).path, path);
      assert.match((err as Error).message, reason);
      assert.ok((err as Error).message.startsWith(`${path}: `));
    }
  };
  await fails(empty, /: empty file \(0 bytes\): torn or never written$/);
  await fails(future, /schema_version "99" is not one this ringbook reads \(1\)/);
  await fails(fifo, /is a FIFO \(named pipe\), not a regular file/);
  const foreign = join(root, 'foreign.parquet');
  writeFileSync(foreign, 'x'.repeat(100));
  await fails(foreign, /not a readable Parquet file \(parquet file invalid \(footer != PAR1\)\)/);
  // a whole footer but the leading magic damaged: DuckDB refuses such a file, so it is no recording either
  const headless = join(root, 'headless.parquet');
  const bytes = readFileSync(paths[3]);
  bytes[1] ^= 0x5a;
  writeFileSync(headless, bytes);
  await fails(headless, /not a readable Parquet file \(it does not begin with PAR1: its first bytes are damaged\)$/);
  assert.ok(!listParquet(root).includes(fifo), 'a FIFO is no recording');
});

test('inspect: the damaged files are listed with the reason, the other 26 inspected', async () => {
  const { streams, damaged } = await inspectRecording(join(root, 'venue=bitget'));
  assert.equal(
    damaged.map((d) => d.path),
    [empty, future],
  );
  assert.match(damaged[0].reason, /empty file/);
  assert.is(streams.length, 1);
  assert.is(streams[0].files, FILES - 2);
  assert.is(streams[0].rows, (FILES - 2) * ROWS);
  const r = cli('inspect', join(root, 'venue=bitget'));
  assert.is(r.status, 1, 'a damaged file makes the exit code 1');
  assert.match(r.stdout, /BTCUSDT: 26 files, 13,000 rows/);
  assert.match(r.stdout, /DAMAGED: 2 files could not be read and are left out/);
  assert.ok(r.stdout.includes(`${empty}: empty file (0 bytes)`));
  const j = JSON.parse(cli('inspect', join(root, 'venue=bitget'), '--json').stdout);
  assert.is(j.damaged.length, 2);
  assert.is(j.streams[0].files, 26);
});

test('backtest stops on the damaged file, naming it and how to leave it out', () => {
  const r = cli('backtest', join(root, 'venue=bitget'), '--latency', 'feed', '--json');
  assert.is(r.status, 1);
  assert.ok(r.stderr.includes(`cannot read ${empty}: empty file (0 bytes): torn or never written`), r.stderr);
  assert.match(r.stderr, /--skip-damaged/);
  assert.not.match(r.stderr, /DataView|at async|    at /, 'no internals, no stack');
});

test('backtest --skip-damaged: the rest is replayed and the report names what was left out', () => {
  const r = cli('backtest', join(root, 'venue=bitget'), '--latency', 'feed', '--json', '--skip-damaged');
  assert.is(r.status, 0, r.stderr);
  const m = JSON.parse(r.stdout);
  assert.is(m.run.events, (FILES - 2) * ROWS);
  assert.equal(String(m.settings.skippedDamagedFiles).split(', '), [empty, future]);
  assert.match(r.stderr, /skipped 2 damaged file\(s\) \(--skip-damaged\)/);
});

test('optimize: stops before any trial, or --skip-damaged lists the files in the manifest', () => {
  const space = join(root, 'space.json');
  writeFileSync(space, JSON.stringify({ 'entry.threshold': [2.5] }));
  const out = join(root, 'results');
  const stop = cli('optimize', join(root, 'venue=bitget'), '--space', space, '--workers', '1', '--out', out);
  assert.is(stop.status, 1);
  assert.ok(stop.stderr.includes(`cannot read ${empty}`), stop.stderr);
  assert.not.match(stop.stderr, /trials on/, 'no trial ran');
  const skip = cli('optimize', join(root, 'venue=bitget'), '--space', space, '--workers', '1', '--out', out, '--skip-damaged');
  assert.is(skip.status, 0, skip.stderr);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  assert.equal(
    manifest.skipped.map((s: { path: string }) => s.path),
    [empty, future],
  );
  assert.is(
    manifest.data.reduce((s: number, d: { rows: number }) => s + d.rows, 0),
    (FILES - 2) * ROWS,
  );
});

test('backtest --skip-damaged over two symbols, every file of one damaged: names that symbol and what can run', () => {
  const two = join(root, 'two');
  writeSymbols(two, 20_000, ['BTCUSDT', 'ETHUSDT']);
  const eth = listParquet(two).filter((p) => p.includes('symbol=ETHUSDT'));
  assert.ok(eth.length > 0);
  // a page torn in the middle of each file: its footer still reads, its rows do not
  for (const path of eth) {
    const bytes = readFileSync(path);
    bytes.fill(0x55, bytes.length >> 2, (bytes.length >> 2) + 64);
    writeFileSync(path, bytes);
  }
  const r = cli('backtest', two, '--strategy', 'mm-glft', '--symbols', 'BTCUSDT,ETHUSDT', '--skip-damaged', '--json');
  assert.is(r.status, 1);
  assert.match(r.stderr, /every file of ETHUSDT is damaged: /);
  assert.match(r.stderr, /replay the others with --symbols BTCUSDT/);
  assert.not.match(r.stderr, /every input file is damaged/, 'BTCUSDT is whole');
});

test.run();
