// A generated recording (bench/recording.ts) cut into files the way the recorder rolls them: a new file every
// `rollNs` of local time, each with its own metadata (first/last local time, rows) and name <first_local_ts>-<n>.
// For tests of replays that must span the roll boundaries.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { asyncBufferFromFile } from 'hyparquet';
import { writeRecording } from '../../bench/recording';
import { listParquet } from '../../src/capture/recover';
import { fileMeta, columnsToRecords } from '../../src/capture/parquet/reader';
import { encodeParquet } from '../../src/capture/parquet/encode';
import { marketPath, type Columns, type FileMeta } from '../../src/capture/schema';
import { loadRecording } from '../../src/web/recording';

const WORDS = 16;

/** Writes `events` generated rows under `root` as files of `rollNs` each; returns their paths in time order. */
export async function writeRolledRecording(root: string, events: number, rollNs = 60e9, seed = 7): Promise<string[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'ringbook-roll-'));
  try {
    writeRecording(tmp, events, seed);
    const [whole] = listParquet(tmp);
    const buffer = await asyncBufferFromFile(whole);
    const { meta } = await fileMeta(buffer);
    const rec = await loadRecording(buffer, whole);
    const words = new Int32Array(rec.rows * WORDS);
    columnsToRecords(rec.cols as Columns, rec.rows, words, 0, 0);
    const local = rec.cols.local_ts as BigInt64Array;
    const paths: string[] = [];
    let start = 0;
    while (start < rec.rows) {
      const until = local[start] - ((local[start] - rec.firstNs) % BigInt(rollNs)) + BigInt(rollNs);
      let end = start;
      while (end < rec.rows && local[end] < until) end++;
      const m: FileMeta = {
        ...(meta as FileMeta),
        first_local_ts: String(local[start]),
        last_local_ts: String(local[end - 1]),
        rows: String(end - start),
      };
      const path = marketPath(root, m.venue, m.inst_type, m.symbol, local[start], paths.length);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, encodeParquet(words, start * WORDS, end - start, m));
      paths.push(path);
      start = end;
    }
    return paths;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The same generated recording cut into files at the given row indices, wherever they fall: inside an exchange
 * message too (the recorder may roll between the records of one message). Returns the paths in time order.
 */
export async function writeCutRecording(
  root: string,
  events: number,
  cuts: readonly number[],
  seed = 7,
  symbol = 'BTCUSDT',
): Promise<string[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'ringbook-cut-'));
  try {
    writeRecording(tmp, events, seed, 1_000_000, {}, symbol);
    const [whole] = listParquet(tmp);
    const buffer = await asyncBufferFromFile(whole);
    const { meta } = await fileMeta(buffer);
    const rec = await loadRecording(buffer, whole);
    const words = new Int32Array(rec.rows * WORDS);
    columnsToRecords(rec.cols as Columns, rec.rows, words, 0, 0);
    const local = rec.cols.local_ts as BigInt64Array;
    const bounds = [0, ...cuts.filter((c) => c > 0 && c < rec.rows), rec.rows];
    const paths: string[] = [];
    for (let k = 0; k + 1 < bounds.length; k++) {
      const [start, end] = [bounds[k], bounds[k + 1]];
      const m: FileMeta = {
        ...(meta as FileMeta),
        first_local_ts: String(local[start]),
        last_local_ts: String(local[end - 1]),
        rows: String(end - start),
      };
      const path = marketPath(root, m.venue, m.inst_type, m.symbol, local[start], paths.length);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, encodeParquet(words, start * WORDS, end - start, m));
      paths.push(path);
    }
    return paths;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
