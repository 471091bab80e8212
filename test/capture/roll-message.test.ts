// A roll never cuts an exchange message: the records of one message (book levels up to the one flagged last) go
// into one file, so each file replays, inspects and queries on its own with whole messages (as import's files do).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile } from 'hyparquet';
import { Ring, formatMemory, ringOffsets, writeLevel, type Core } from '../../src/core/index';
import { ManualClock } from '../../src/core/clock';
import { Recorder } from '../../src/capture/recorder';
import { listParquet } from '../../src/capture/recover';
import { rowGroups, columnsToRecords } from '../../src/capture/parquet/reader';
import { endsMessage } from '../../src/core/record';
import { testCore } from '../helpers/core';
import { EXCHANGE_BTCUSDT_STREAM } from '../helpers/stream-info';

const info = EXCHANGE_BTCUSDT_STREAM;
const MS = 1_000_000n;
const T0 = BigInt(Date.UTC(2026, 2, 1, 12)) * MS;

/** Each finished file in name order: its records' prices and whether each ends its message. */
async function files(root: string): Promise<Array<Array<{ price: number; end: boolean }>>> {
  const out: Array<Array<{ price: number; end: boolean }>> = [];
  for (const path of listParquet(root).sort()) {
    const rows: Array<{ price: number; end: boolean }> = [];
    for await (const g of rowGroups(await asyncBufferFromFile(path))) {
      const w = new Int32Array(g.rows * 16);
      columnsToRecords(g.columns, g.rows, w, 0, 0);
      for (let i = 0; i < g.rows; i++)
        rows.push({ price: Number(g.columns.price[i]), end: endsMessage(w[i * 16] & 0xff, w[i * 16] >>> 16) });
    }
    out.push(rows);
  }
  return out;
}

async function setup(rollNs: bigint, maxRows: number) {
  const root = mkdtempSync(join(tmpdir(), 'ringbook-rollmsg-'));
  const core: Core = await testCore();
  formatMemory(core, [{ name: 'capture', capLog2: 12, recShift: 6 }]);
  const ring = new Ring(core, ringOffsets([{ name: 'capture', capLog2: 12, recShift: 6 }]).capture);
  const clock = new ManualClock(T0);
  const rec = new Recorder(core, ring, root, [{ inst: 0, info }], clock, { flushNs: 100n * MS, rollNs, maxRows });
  let price = 900_000;
  /** Publishes `n` levels of one message stamped `ts` (the last flagged last when `ends`), then drains. */
  const levels = (n: number, ts: bigint, ends: boolean) => {
    for (let i = 0; i < n; i++) {
      writeLevel(core, ring.slot(ring.head), {
        inst: 0,
        side: 1,
        price: price++,
        qty: 1,
        priceDec: 1,
        sizeDec: 4,
        localTs: ts,
        last: ends && i === n - 1,
      });
      ring.publish(1);
    }
    rec.drain();
  };
  return { root, rec, clock, levels };
}

test('a time roll that comes between the records of one message waits for its end: the message opens the next file', async () => {
  const s = await setup(1000n * MS, 1_000_000);
  s.levels(5, T0, true);
  s.levels(3, T0 + 10n * MS, false); // the message's first 3 records: the rest is still on its way
  s.clock.set(T0 + 2000n * MS);
  s.rec.tick(); // the roll is due
  s.levels(2, T0 + 10n * MS, true);
  s.rec.close();
  const f = await files(s.root);
  assert.equal(
    f.map((rows) => rows.map((r) => r.price)),
    [
      [900_000, 900_001, 900_002, 900_003, 900_004],
      [900_005, 900_006, 900_007, 900_008, 900_009],
    ],
  );
  for (const rows of f) assert.ok(rows[rows.length - 1].end, 'every file ends at a message end');
});

test('a roll on the row limit waits for the message end too; a stop writes what it has', async () => {
  const s = await setup(3_600_000n * MS, 6);
  s.levels(4, T0, true);
  s.levels(4, T0 + MS, false); // 8 rows ≥ 6: due, but the second message is unfinished
  s.rec.tick();
  s.levels(1, T0 + MS, true);
  s.levels(2, T0 + 2n * MS, false); // a message cut by the stop itself
  s.rec.close();
  const f = await files(s.root);
  assert.equal(
    f.map((rows) => rows.length),
    [4, 7],
  );
  assert.is(f.flat().length, 11, 'every record once');
});

test.run();
