// `ringbook inspect` on raw WebSocket frames (record --raw, <root>/_raw/): summarised as what they are, never called
// DAMAGED for lacking the market schema, and mentioned beside the market data of the recording they belong to; a
// capture of raw frames alone is a report too (exit 0), not an error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { encodeRaw, rawMeta } from '../../src/capture/raw';
import { rawPath } from '../../src/capture/schema';
import { inspectRecording } from '../../src/capture/inspect';
import { renderReport } from '../../src/cli/inspect';
import { writeFiles } from '../helpers/recording-files';

const S = 1_000_000_000n;

const cli = (...args: string[]) => spawnSync(process.execPath, ['build/ringbook.mjs', ...args], { encoding: 'utf8', timeout: 120_000 });

function writeRaw(root: string, first: bigint): string {
  const ts = BigInt64Array.from([first, first + S, first + 2n * S]);
  const path = rawPath(root, 'bitget', first, 0);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodeRaw({ ts, frames: ['{"a":1}', '{"a":2}', '{"a":3}'], tornBytes: 0 }, rawMeta('bitget', 'demo', first, 3)));
  return path;
}

test('a recording with raw frames: summarised per venue and named in the stream it belongs to', async () => {
  const root = mkdtempSync(join(tmpdir(), 'inspect-raw-'));
  writeFiles(root, 3, 400);
  writeRaw(root, 1_800_000_000_000_000_000n);
  const r = await inspectRecording(root);
  assert.equal(r.damaged, []);
  assert.equal(r.raw, [
    { venue: 'bitget', files: 1, frames: 3, firstLocalTs: '1800000000000000000', lastLocalTs: '1800000002000000000', spanSeconds: 2 },
  ]);
  assert.match(r.streams[0].explanation, 'raw WebSocket frames bitget (record --raw): 1 file, 3 frames over 2 s');
});

test('inspect of _raw, of a raw file or of a root holding only raw frames summarises them and exits 0', async () => {
  const root = mkdtempSync(join(tmpdir(), 'inspect-raw-'));
  const file = writeRaw(root, 1_800_000_000_000_000_000n);
  const summary =
    'raw WebSocket frames bitget (record --raw): 1 file, 3 frames over 2 s; the frames as received, kept to re-parse, not market records';
  for (const p of [join(root, '_raw'), file, root]) {
    const r = await inspectRecording(p);
    assert.equal([r.streams, r.ticker, r.orders, r.damaged, r.warnings], [[], [], [], [], []], p);
    assert.equal(
      r.raw.map((x) => [x.venue, x.files, x.frames]),
      [['bitget', 1, 3]],
      p,
    );
    const text = renderReport(r.streams, r.damaged, r.ticker, r.orders, r.raw);
    assert.equal(text.split('\n'), [
      summary,
      'no market data beside them: backtest, optimize and serve replay the market streams (venue=…/), not raw frames',
    ]);
    const c = cli('inspect', p);
    assert.is(c.status, 0, `${p}: ${c.stderr}`);
    assert.is(c.stdout, `${text}\n`);
    const j = cli('inspect', p, '--json');
    assert.is(j.status, 0, j.stderr);
    assert.is(JSON.parse(j.stdout).raw[0].frames, 3);
  }
  // a damaged raw file is still a failure
  writeFileSync(file, 'not parquet at all');
  const d = cli('inspect', root);
  assert.is(d.status, 1);
  assert.match(d.stdout, `DAMAGED: 1 file could not be read, and no other file holds data to report:\n  ${file}: `);
});

test('a raw file moved among the market files is counted as raw frames, not DAMAGED', async () => {
  const root = mkdtempSync(join(tmpdir(), 'inspect-raw-'));
  const { paths } = writeFiles(root, 3, 400);
  const file = writeRaw(mkdtempSync(join(tmpdir(), 'inspect-raw-')), 1_800_000_000_000_000_000n);
  copyFileSync(file, join(dirname(paths[0]), 'stray.parquet'));
  const r = await inspectRecording(root);
  assert.equal(r.damaged, []);
  assert.is(r.streams[0].files, 3);
  assert.is(r.raw[0].frames, 3);
});

test.run();
