// `ringbook inspect` on raw WebSocket frames (record --raw, <root>/_raw/): summarised as what they are, never called
// DAMAGED for lacking the market schema, and mentioned beside the market data of the recording they belong to.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { encodeRaw, rawMeta } from '../../src/capture/raw';
import { rawPath } from '../../src/capture/schema';
import { inspectRecording } from '../../src/capture/inspect';
import { writeFiles } from '../helpers/recording-files';

const S = 1_000_000_000n;

function writeRaw(root: string, first: bigint): string {
  const ts = BigInt64Array.from([first, first + S, first + 2n * S]);
  const path = rawPath(root, 'bitget', first, 0);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodeRaw({ ts, frames: ['{"a":1}', '{"a":2}', '{"a":3}'], tornBytes: 0 }, rawMeta('bitget', 'demo', first, 3)));
  return path;
}

async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  return 'no error';
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

test('inspect of _raw or of a raw file says what they are, not "no .parquet files" or DAMAGED', async () => {
  const root = mkdtempSync(join(tmpdir(), 'inspect-raw-'));
  const file = writeRaw(root, 1_800_000_000_000_000_000n);
  for (const p of [join(root, '_raw'), file]) {
    const m = await rejection(inspectRecording(p));
    assert.ok(m.startsWith('raw WebSocket frames bitget (record --raw): 1 file, 3 frames over 2 s'), m);
    assert.match(m, 'not market records');
  }
  // the recording root holding only raw frames
  assert.match(await rejection(inspectRecording(root)), `${root} holds no market data, only raw WebSocket frames bitget`);
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
