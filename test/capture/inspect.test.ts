// `ringbook inspect` on the market streams: feed latencies corrected for the clock offset exactly (whole ns, divided
// into ms once), each file by its own offset, holes between a stream's files and files that overlap (each a WARNING
// line of its own, and an object in --json), and a file whose grid metadata contradicts itself (DAMAGED, as backtest
// stops on it).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REC_SIZE } from '../../src/core/index';
import { Flag, Kind, R } from '../../src/core/record';
import { writeI64Big } from '../../src/core/int64';
import { encodeParquet } from '../../src/capture/parquet/encode';
import { marketPath } from '../../src/capture/schema';
import { inspectRecording } from '../../src/capture/inspect';
import { continuityWarnings } from '../../src/capture/inspect-continuity';
import { renderReport } from '../../src/cli/inspect';
import type { FileMeta } from '../../src/capture/schema';
import { recordingMeta } from '../helpers/recording-files';
import { T0 } from '../helpers/record-columns';

const MS = 1_000_000n;

const cli = (...args: string[]) => spawnSync(process.execPath, ['build/ringbook.mjs', ...args], { encoding: 'utf8', timeout: 120_000 });

/**
 * One market file of book messages: [local ns after T0, local − exch in ns]; `theta` its clock_offset_ns; `meta`
 * metadata over the recorder's.
 */
function writeBook(root: string, n: number, msgs: Array<[bigint, bigint]>, theta: bigint | null, meta: Partial<FileMeta> = {}): string {
  const words = new Int32Array((msgs.length * REC_SIZE) / 4);
  msgs.forEach(([at, lat], i) => {
    const o = i * REC_SIZE;
    words[o >> 2] = Kind.msgEnd | (Flag.last << 16);
    writeI64Big(words, o + R.localTs, T0 + at);
    writeI64Big(words, o + R.exchTs, T0 + at - lat);
  });
  const first = T0 + msgs[0][0];
  const last = T0 + msgs[msgs.length - 1][0];
  const clock =
    theta === null
      ? {}
      : {
          clock_offset_ns: String(theta),
          clock_offset_bound_ns: '100000',
          clock_offset_method: 'rest',
        };
  const path = marketPath(root, 'bitget', 'USDT-FUTURES', 'BTCUSDT', first, n);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodeParquet(words, 0, msgs.length, recordingMeta(first, last, msgs.length, { ...clock, ...meta })));
  return path;
}

const steady = (fromMs: number, count: number, latNs: bigint): Array<[bigint, bigint]> =>
  Array.from({ length: count }, (_, i) => [BigInt(fromMs + i * 10) * MS, latNs]);

test('corrected latencies are exact: 2.248197 ms − θ 0.518 ms is 1.730197, not 1.7301969999999998', async () => {
  const root = mkdtempSync(join(tmpdir(), 'inspect-'));
  writeBook(root, 0, steady(0, 20, 2_248_197n), 518_000n);
  const [s] = (await inspectRecording(root)).streams;
  assert.is(s.feedLatencyMsRaw!.p50, 2.248197);
  assert.is(s.feedLatencyMsCorrected!.p50, 1.730197);
  assert.is(JSON.stringify(s.feedLatencyMsCorrected!.max), '1.730197');
});

test("each file's latencies are corrected by its own θ, and the report says the offsets differ", async () => {
  const root = mkdtempSync(join(tmpdir(), 'inspect-'));
  // a recorder restarted: the first run's clock was 0.518 ms ahead, the second's 0.452 ms behind; the true latency is 2 ms
  writeBook(root, 0, steady(0, 50, 2_518_000n), 518_000n);
  writeBook(root, 1, steady(600, 50, 1_548_000n), -452_000n);
  const [s] = (await inspectRecording(root)).streams;
  assert.is(s.feedLatencyMsCorrected!.p1, 2);
  assert.is(s.feedLatencyMsCorrected!.max, 2);
  assert.equal(s.clockOffsets, { files: 2, minNs: '-452000', maxNs: '518000' });
  assert.match(
    s.explanation,
    'differs between files: -0.452 ms … 0.518 ms over 2 files (measured again at each recorder start and every --clock-every',
  );
  assert.not.match(s.explanation, 'not measured');
  assert.not.match(s.explanation, 'in every file', 'one file ahead, one behind: no side to name');
});

test('offsets that differ between files but all lie behind the exchange say so', async () => {
  // a recorder that measured θ again mid-run (--clock-every): −300.2 ms, then −299.8 ms, each ± 0.1 ms
  const root = mkdtempSync(join(tmpdir(), 'inspect-'));
  writeBook(root, 0, steady(0, 50, -298_000_000n), -300_200_000n);
  writeBook(root, 1, steady(600, 50, -297_800_000n), -299_800_000n);
  const [s] = (await inspectRecording(root)).streams;
  assert.match(s.explanation, '-300.200 ms … -299.800 ms over 2 files');
  assert.match(s.explanation, "the local clock is behind the exchange's in every file");
});

test('corrected latencies below −(bound + 1 ms) are said to be a clock that moved after θ, not explained away', async () => {
  // θ 0.5 ms ± 0.1 ms, then the clock stepped back 5 ms: corrected latencies down to −3 ms cannot be travel times
  const root = mkdtempSync(join(tmpdir(), 'inspect-'));
  writeBook(root, 0, [...steady(0, 40, 2_500_000n), ...steady(400, 10, -2_500_000n)], 500_000n);
  const [s] = (await inspectRecording(root)).streams;
  assert.is(s.feedLatencyMsCorrected!.min, -3);
  assert.match(s.explanation, 'after subtracting θ: p50 2.000 ms, 20.00% negative, down to -3.000 ms: more than the offset');
  assert.match(s.explanation, "bound and the exchange's 1 ms stamps allow (±1.100 ms), so the local clock moved after θ was measured");
  assert.not.match(s.explanation, 'within the offset');
  // none negative: nothing to explain away
  const ok = mkdtempSync(join(tmpdir(), 'inspect-'));
  writeBook(ok, 0, steady(0, 40, 2_500_000n), 500_000n);
  const [t] = (await inspectRecording(ok)).streams;
  assert.match(t.explanation, /after subtracting θ: p50 2\.000 ms, 0\.00% negative$/);
  // a little negative, within the bound and the stamps: said so
  const near = mkdtempSync(join(tmpdir(), 'inspect-'));
  writeBook(near, 0, [...steady(0, 40, 2_500_000n), ...steady(400, 10, 0n)], 500_000n);
  const [u] = (await inspectRecording(near)).streams;
  assert.match(u.explanation, "20.00% negative (within the offset's bound and the exchange's 1 ms stamp resolution)");
});

test('a hole no longer than the pauses inside the files is called a quiet market; one in imported data is not a stopped recorder', () => {
  const S = 1_000_000_000n;
  const span = (path: string, first: bigint, last: bigint, maxPause: bigint, source = 'live') => ({
    path,
    first,
    last,
    rows: 10,
    maxPause,
    source,
  });
  // a quiet market: pauses of up to 4 s inside the files, a 3 s hole between them
  const [quiet] = continuityWarnings('s', [span('a', 0n, 60n * S, 4n * S), span('b', 63n * S, 120n * S, 2n * S)]);
  assert.is(quiet.kind, 'hole');
  assert.is(
    quiet.message,
    'a hole of 3 s with no data between a and b (no longer than the longest pause inside the files, 4 s: a quiet market, most likely)',
  );
  // longer than any pause inside: a stop
  const [stop] = continuityWarnings('s', [span('a', 0n, 60n * S, 1n * S), span('b', 63n * S, 120n * S, 1n * S)]);
  assert.match(stop.message, /^a hole of 3 s with no data between a and b \(the recorder stopped\?\)$/);
  // imported: no recorder to have stopped
  const [imported] = continuityWarnings('s', [span('a', 0n, 60n * S, 1n * S, 'tardis'), span('b', 63n * S, 120n * S, 1n * S, 'tardis')]);
  assert.match(imported.message, /\(the imported input has no data here: Tardis's collector lost it, or the inputs leave this time out\)$/);
  // an import beside a recording: neither a lost input nor a stopped recorder
  const [mixed] = continuityWarnings('s', [span('a', 0n, 60n * S, 1n * S, 'tardis'), span('b', 63n * S, 120n * S, 1n * S, 'live')]);
  assert.match(
    mixed.message,
    /\(between an imported file and a recorded one: two sources in one stream, which a backtest replays as one\)$/,
  );
});

test('a file that begins at the instant the one before ends continues it (a roll inside one frame): no overlap', () => {
  const span = (path: string, first: bigint, last: bigint, rows: number) => ({ path, first, last, rows });
  assert.equal(continuityWarnings('s', [span('a', 0n, 100n, 10), span('b', 100n, 200n, 10)]), []);
  const [o] = continuityWarnings('s', [span('a', 0n, 100n, 10), span('b', 99n, 200n, 10)]);
  assert.is(o.kind, 'overlap');
  // two copies of a file of one instant are still duplicates
  const [d] = continuityWarnings('s', [span('a', 100n, 100n, 3), span('b', 100n, 100n, 3)]);
  assert.is(d.kind, 'duplicate');
});

test('a latency figure that cannot be had reads n/a with what is missing, not a dash', async () => {
  const root = mkdtempSync(join(tmpdir(), 'inspect-'));
  writeBook(root, 0, steady(0, 20, 2_000_000n), null);
  const text = renderReport((await inspectRecording(root)).streams);
  assert.match(text, /^ {17}corrected {2}n\/a \(no clock offset measured\)$/m);
  assert.not.match(text, /–/);
});

test('θ within its bound of 0 is not called ahead or behind: the clocks agree as far as can be measured', async () => {
  // bound 0.1 ms (writeBook): θ 0.05 ms says nothing of which clock is ahead; 0.518 ms does
  const near = mkdtempSync(join(tmpdir(), 'inspect-'));
  writeBook(near, 0, steady(0, 20, 2_050_000n), 50_000n);
  const [a] = (await inspectRecording(near)).streams;
  assert.match(a.explanation, "θ = local − exchange = 0.050 ms ± 0.100 ms (rest): the two clocks agree within the measurement's bound");
  assert.not.match(a.explanation, /ahead|behind/);
  const far = mkdtempSync(join(tmpdir(), 'inspect-'));
  writeBook(far, 0, steady(0, 20, 2_518_000n), 518_000n);
  const [b] = (await inspectRecording(far)).streams;
  assert.match(b.explanation, "0.518 ms ± 0.100 ms (rest): the local clock is ahead of the exchange's");
});

test('a hole between files and a duplicated file are warnings', async () => {
  const root = mkdtempSync(join(tmpdir(), 'inspect-'));
  const a = writeBook(root, 0, steady(0, 50, 2_000_000n), null); // 0–490 ms
  const b = writeBook(root, 1, steady(3490, 50, 2_000_000n), null); // a 3 s hole
  const [s] = (await inspectRecording(root)).streams;
  assert.equal(s.warnings, [`a hole of 3 s with no data between ${a} and ${b} (the recorder stopped?)`]);
  const copy = a.replace(/\.parquet$/, '-copy.parquet');
  copyFileSync(a, copy);
  const [d] = (await inspectRecording(root)).streams;
  assert.is(d.files, 3);
  assert.equal(d.warnings.length, 2);
  assert.ok(
    [`${a} duplicates ${copy}`, `${copy} duplicates ${a}`].some((x) => d.warnings[0].startsWith(x)),
    d.warnings[0],
  );
  assert.match(d.warnings[0], 'a backtest replays these events twice');
});

test('a hole a damaged file starts in names that file, not a stopped recorder', async () => {
  const root = mkdtempSync(join(tmpdir(), 'inspect-'));
  const a = writeBook(root, 0, steady(0, 50, 2_000_000n), null); // 0–490 ms
  const mid = writeBook(root, 1, steady(1000, 50, 2_000_000n), null); // 1–1.49 s, then torn
  const c = writeBook(root, 2, steady(3490, 50, 2_000_000n), null);
  truncateSync(mid, 100);
  const r = await inspectRecording(root);
  assert.is(r.damaged.length, 1);
  assert.equal(r.streams[0].warnings, [
    `a hole of 3 s with no data between ${a} and ${c}: DAMAGED ${mid} starts in it (left out, listed below)`,
  ]);
});

test('files that overlap in part say by how much; a short pause between files is not a hole', async () => {
  const root = mkdtempSync(join(tmpdir(), 'inspect-'));
  writeBook(root, 0, steady(0, 50, 2_000_000n), null); // 0–490 ms
  const b = writeBook(root, 1, steady(400, 50, 2_000_000n), null); // from 400 ms
  writeBook(root, 2, steady(1400, 10, 2_000_000n), null); // 510 ms after the last
  const [s] = (await inspectRecording(root)).streams;
  assert.is(s.warnings.length, 1);
  assert.match(s.warnings[0], `${b} overlaps`);
  assert.match(s.warnings[0], 'by 90 ms');
});

test('each warning is a line of its own, not buried in the why line, and an object in the JSON', async () => {
  const root = mkdtempSync(join(tmpdir(), 'inspect-'));
  const a = writeBook(root, 0, steady(0, 50, 2_000_000n), null); // 0–490 ms
  const b = writeBook(root, 1, steady(65_490, 50, 2_000_000n), null); // a hole of 65 s
  const c = writeBook(root, 2, steady(65_900, 50, 2_000_000n), null); // overlaps b by 80 ms
  const r = await inspectRecording(root);
  const hole = `a hole of 1 min 5 s with no data between ${a} and ${b} (the recorder stopped?)`;
  const overlap = `${c} overlaps ${b} by 80 ms: a backtest replays the events of the overlap twice`;
  assert.equal(r.streams[0].warnings, [hole, overlap]);
  assert.not.match(r.streams[0].explanation, 'WARNING');
  const lines = renderReport(r.streams, r.damaged).split('\n');
  assert.ok(lines.includes(`  WARNING        ${hole}`), lines.join('\n'));
  assert.ok(lines.includes(`  WARNING        ${overlap}`), lines.join('\n'));
  assert.ok(!lines.find((l) => l.startsWith('  why'))!.includes('hole'));
  const j = cli('inspect', root, '--json');
  assert.is(j.status, 0, j.stderr);
  const json = JSON.parse(j.stdout);
  assert.equal(json.warnings, [
    { stream: 'bitget/USDT-FUTURES/BTCUSDT', kind: 'hole', path: b, other: a, ns: '65000000000', message: hole },
    { stream: 'bitget/USDT-FUTURES/BTCUSDT', kind: 'overlap', path: c, other: b, ns: '80000000', message: overlap },
  ]);
  assert.equal(json.streams[0].warnings, [hole, overlap], 'the strings stay where they were');
  // as backtest --json: what each field-name suffix counts
  assert.match(json.units.Ts, /^nanoseconds since the Unix epoch/);
  assert.is(json.units.Ms, 'milliseconds');
  assert.ok('feedLatencyMsRaw' in json.streams[0] && 'firstLocalTs' in json.streams[0] && 'spanSeconds' in json.streams[0]);
  const copy = a.replace(/\.parquet$/, '-copy.parquet');
  copyFileSync(a, copy);
  const d = (await inspectRecording(root)).warnings.find((w) => w.kind === 'duplicate')!;
  assert.equal([d.path, d.other].sort(), [a, copy].sort());
  assert.is(d.ns, '490000000');
  assert.match(d.message, '(the same span and 50 rows)');
});

test('journals beside finished files: listed as not in the figures, with who writes them or how to recover them', async () => {
  const root = mkdtempSync(join(tmpdir(), 'inspect-'));
  const a = writeBook(root, 0, steady(0, 50, 2_000_000n), null);
  const journal = a.replace(/-0\.parquet$/, '-1.parquet.partial');
  writeFileSync(journal, 'PAR1');
  assert.equal((await inspectRecording(root)).journals, [journal]);
  const t = cli('inspect', root);
  assert.is(t.status, 0, t.stderr);
  assert.ok(
    t.stdout.includes(
      `UNFINISHED: 1 journal (.parquet.partial) not in the figures above; left by a recorder that was stopped before it finished them (killed)`,
    ),
    t.stdout,
  );
  assert.ok(t.stdout.includes(`record --out ${root}/ --duration 1s recovers them`), t.stdout);
  assert.ok(t.stdout.endsWith(`\n  ${journal}\n`), t.stdout);
  // a run holding the directory's lock is writing them: no recovery to run
  writeFileSync(
    join(root, '.ringbook.lock'),
    JSON.stringify({ pid: process.pid === 1 ? 2 : 1, command: 'ringbook record --out x', sinceMs: 0 }),
  );
  assert.match(
    cli('inspect', root).stdout,
    /; pid \d+ \(ringbook record --out x\) is writing into this directory now: its files are finished at each roll/,
  );
});

test('counts in the report are grouped as everywhere in the CLI', async () => {
  const root = mkdtempSync(join(tmpdir(), 'inspect-'));
  writeBook(root, 0, steady(0, 20, 2_000_000n), null);
  const [s] = (await inspectRecording(root)).streams;
  const big = { ...s, bookMessages: 12_345, snapshots: 1_234, statuses: { disconnect: 2_000 }, droppedRecords: 5_000 };
  const text = renderReport([big]);
  assert.match(text, /^ {2}book messages {2}12,345, snapshots 1,234, statuses disconnect 2,000, DROPPED 5,000$/m);
  const lat = renderReport([{ ...s, feedLatencyMsRaw: { ...s.feedLatencyMsRaw!, count: 1_500_000 } }]);
  assert.match(lat, /\(n=1,500,000\)$/m);
});

test('a file whose tick_size contradicts price_step at price_scale is DAMAGED, in the words backtest stops with', async () => {
  const root = mkdtempSync(join(tmpdir(), 'inspect-'));
  writeBook(root, 0, steady(0, 50, 2_000_000n), null);
  // the footer edited: tick_size 0.1 → 0.5, the records still on a 0.1 grid
  const edited = writeBook(root, 1, steady(500, 50, 2_000_000n), null, { tick_size: '0.5' });
  const r = await inspectRecording(root);
  const reason =
    'the metadata contradicts itself: tick_size 0.5, but price_step 1 at price_scale 1 is a step of 0.1 — the file is damaged or was edited';
  assert.equal(r.damaged, [{ path: edited, reason }]);
  assert.is(r.streams[0].files, 1, 'the other file is still inspected');
  const t = cli('inspect', root);
  assert.is(t.status, 1, 'a file with contradicting metadata fails inspect as a damaged one does');
  assert.ok(t.stdout.includes(`DAMAGED: 1 file could not be read and is left out of the figures above:\n  ${edited}: ${reason}`), t.stdout);
  const bt = cli('backtest', edited, '--latency', 'feed', '--json');
  assert.is(bt.status, 1);
  assert.ok(bt.stderr.includes(`${edited}: ${reason}`), `backtest says the same: ${bt.stderr}`);
  // the lot half too, and a file that agrees with itself at another grid is fine
  const lot = mkdtempSync(join(tmpdir(), 'inspect-'));
  writeBook(lot, 0, steady(0, 50, 2_000_000n), null, { lot_size: '0.01' });
  assert.match(
    (await inspectRecording(lot)).damaged[0].reason,
    /^the metadata contradicts itself: lot_size 0\.01, but size_step 1 at size_scale 3 is a step of 0\.001/,
  );
  const coarse = mkdtempSync(join(tmpdir(), 'inspect-'));
  writeBook(coarse, 0, steady(0, 50, 2_000_000n), null, { tick_size: '0.50', price_step: '5' });
  assert.equal((await inspectRecording(coarse)).damaged, []);
});

test.run();
