// Files roll at UTC midnight into the next date= partition: with an injected clock and records stamped across the
// boundary, every record lands exactly once, in the file of its own UTC day — in one drained batch, over many
// batches, at a roll with nothing after midnight yet, and through a crash recovered from the journals.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile } from 'hyparquet';
import { Ring, formatMemory, ringOffsets, writeLevel, type Core } from '../../src/core/index';
import { ManualClock } from '../../src/core/clock';
import { StreamWriter, nextUtcMidnight } from '../../src/capture/writer';
import { Recorder } from '../../src/capture/recorder';
import { recoverTree, listParquet } from '../../src/capture/recover';
import { rowGroups, columnsToRecords } from '../../src/capture/parquet/reader';
import { testCore } from '../helpers/core';
import { EXCHANGE_BTCUSDT_STREAM } from '../helpers/stream-info';

const info = EXCHANGE_BTCUSDT_STREAM;
const MS = 1_000_000n;
/** 2026-03-01T00:00:00Z in ns: the boundary every test crosses. */
const MIDNIGHT = BigInt(Date.UTC(2026, 2, 1)) * MS;
const tmp = () => mkdtempSync(join(tmpdir(), 'ringbook-dayroll-'));
const dayOf = (ns: bigint) => new Date(Number(ns / MS)).toISOString().slice(0, 10);

/** Every record in every finished file under `root`: its local time and the day in its path. */
async function readBack(root: string): Promise<Array<{ ts: bigint; price: number; partition: string }>> {
  const out: Array<{ ts: bigint; price: number; partition: string }> = [];
  for (const path of listParquet(root)) {
    const partition = /date=(\d{4}-\d\d-\d\d)\//.exec(path)![1];
    for await (const g of rowGroups(await asyncBufferFromFile(path))) {
      const w = new Int32Array(g.rows * 16);
      columnsToRecords(g.columns, g.rows, w, 0, 0);
      for (let i = 0; i < g.rows; i++) {
        out.push({ ts: (BigInt(w[i * 16 + 5]) << 32n) | BigInt(w[i * 16 + 4] >>> 0), price: Number(g.columns.price[i]), partition });
      }
    }
  }
  return out.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
}

async function recorderAt(root: string, t0: bigint) {
  const core: Core = await testCore();
  formatMemory(core, [{ name: 'capture', capLog2: 12, recShift: 6 }]);
  const ring = new Ring(core, ringOffsets([{ name: 'capture', capLog2: 12, recShift: 6 }]).capture);
  const clock = new ManualClock(t0);
  const files: Array<{ path: string; rows: number }> = [];
  const rec = new Recorder(core, ring, root, [{ inst: 0, info }], clock, {
    flushNs: 100n * MS,
    rollNs: 3_600_000n * MS,
    maxRows: 100_000,
    onFile: (f) => files.push(f),
  });
  let price = 900_000;
  const sent: bigint[] = [];
  /** Publishes records stamped `stamps` (ns), then drains once. */
  const push = (stamps: bigint[]) => {
    for (const ts of stamps) {
      writeLevel(core, ring.slot(ring.head), { inst: 0, side: 1, price: price++, qty: 1, priceDec: 1, sizeDec: 4, localTs: ts });
      ring.publish(1);
      sent.push(ts);
    }
    rec.drain();
  };
  return { rec, clock, push, sent, files };
}

const stamps = (from: bigint, n: number, step: bigint) => Array.from({ length: n }, (_, i) => from + BigInt(i) * step);

function assertEachOnceInItsDay(back: Array<{ ts: bigint; price: number; partition: string }>, sent: bigint[]) {
  assert.is(back.length, sent.length, 'as many rows in the files as records sent');
  const prices = new Set(back.map((r) => r.price));
  assert.is(prices.size, back.length, 'no record twice');
  assert.equal(
    back.map((r) => r.ts),
    [...sent].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    'every record sent is in a file',
  );
  for (const r of back) assert.is(r.partition, dayOf(r.ts), `record at ${r.ts} in the partition of its own UTC day`);
}

test('nextUtcMidnight: the next boundary, also from exactly midnight', () => {
  assert.is(nextUtcMidnight(MIDNIGHT - 1n), MIDNIGHT);
  assert.is(nextUtcMidnight(MIDNIGHT), MIDNIGHT + 86_400_000n * MS);
});

test('one drained batch across midnight: two files, one per UTC day, each record once', async () => {
  const root = tmp();
  const { rec, clock, push, sent, files } = await recorderAt(root, MIDNIGHT - 50n * MS);
  push(stamps(MIDNIGHT - 20n * MS, 40, MS)); // 20 before, 20 from midnight on
  clock.set(MIDNIGHT + 25n * MS);
  rec.tick();
  assert.is(files.length, 1, 'the old day is finished at the first tick after midnight');
  assert.match(files[0].path, /date=2026-02-28\//);
  assert.is(files[0].rows, 20);
  rec.close();
  assert.is(files.length, 2);
  assert.match(files[1].path, /date=2026-03-01\//);
  assert.is(files[1].rows, 20);
  assertEachOnceInItsDay(await readBack(root), sent);
  assert.is(rec.counters.rows, 40);
});

test('many batches and flushes across midnight, and a roll at midnight with nothing after it yet', async () => {
  const root = tmp();
  const { rec, clock, push, sent, files } = await recorderAt(root, MIDNIGHT - 2000n * MS);
  // records every 7 ms from 2 s before midnight; the clock and the journal flush advance with them
  for (let t = MIDNIGHT - 2000n * MS; t < MIDNIGHT - 500n * MS; t += 70n * MS) {
    push(stamps(t, 10, 7n * MS));
    clock.set(t + 70n * MS);
    rec.tick();
  }
  // quiet until just past midnight: the tick at midnight closes the old day with what it had
  clock.set(MIDNIGHT + 1n);
  rec.tick();
  assert.is(files.length, 1);
  assert.match(files[0].path, /date=2026-02-28\//);
  for (let t = MIDNIGHT + 5n * MS; t < MIDNIGHT + 1500n * MS; t += 70n * MS) {
    push(stamps(t, 10, 7n * MS));
    clock.set(t + 70n * MS);
    rec.tick();
  }
  rec.close();
  assert.is(files.length, 2);
  assert.match(files[1].path, /date=2026-03-01\//);
  assertEachOnceInItsDay(await readBack(root), sent);
});

test('a batch stamped up to midnight exactly: the record at 00:00:00.000 opens the new day', async () => {
  const root = tmp();
  const { rec, clock, push, sent } = await recorderAt(root, MIDNIGHT - 10n * MS);
  push([MIDNIGHT - 2n, MIDNIGHT - 1n, MIDNIGHT, MIDNIGHT + 1n]);
  clock.set(MIDNIGHT + MS);
  rec.tick();
  rec.close();
  const back = await readBack(root);
  assert.equal(
    back.map((r) => r.partition),
    ['2026-02-28', '2026-02-28', '2026-03-01', '2026-03-01'],
  );
  assertEachOnceInItsDay(back, sent);
});

test('killed across midnight: the journals recover each day into its own partition, nothing twice', async () => {
  const root = tmp();
  const wr = new StreamWriter(root, info, { rollNs: 3_600_000n * MS, maxRows: 100_000 });
  const words = new Int32Array(16 * 64);
  const sent: bigint[] = [];
  const add = (ts: bigint) => {
    const at = sent.length * 16;
    words[at] = 1 | (1 << 8);
    words[at + 4] = Number(ts & 0xffffffffn);
    words[at + 5] = Number(ts >> 32n);
    words[at + 6] = 900_000 + sent.length; // price: tells records apart
    sent.push(ts);
    wr.add(words, at);
  };
  for (const ts of stamps(MIDNIGHT - 30n * MS, 30, MS)) add(ts);
  wr.flush();
  for (const ts of stamps(MIDNIGHT, 10, MS)) add(ts);
  wr.flush(); // the new day's records are not journaled with the old day's file
  assert.ok(wr.shouldRoll(MIDNIGHT + 10n * MS), 'the next day began: the roll is due');
  const first = wr.finish()!;
  assert.match(first.path, /date=2026-02-28\//);
  assert.is(first.rows, 30);
  wr.flush(); // now journaled under the new day's file
  for (const ts of stamps(MIDNIGHT + 10n * MS, 5, MS)) add(ts);
  wr.flush();
  // killed here: the new day's file was never finished; the next start recovers it from its journal
  const recovered = recoverTree(root);
  assert.is(recovered.length, 1);
  const r = recovered[0];
  if (r.kind !== 'recovered') return assert.unreachable(`the journal was ${r.kind}`);
  assert.match(r.path, /date=2026-03-01\//);
  assert.is(r.rows, 15);
  assertEachOnceInItsDay(await readBack(root), sent);
});

test.run();
