import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, existsSync, appendFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile } from 'hyparquet';
import { Ring, formatMemory, ringOffsets, writeLevel, type Core } from '../../src/core/index';
import { ManualClock } from '../../src/core/clock';
import { writeI64Big } from '../../src/core/int64';
import { encodeParquet } from '../../src/capture/parquet/encode';
import { rowGroups, fileMeta, columnsToRecords } from '../../src/capture/parquet/reader';
import { StreamWriter } from '../../src/capture/writer';
import { Recorder } from '../../src/capture/recorder';
import { recoverTree, listParquet } from '../../src/capture/recover';
import { estimateOffset } from '../../src/capture/clock-offset';
import { fsJournalIo, type JournalIo } from '../../src/capture/journal';
import { testCore } from '../helpers/core';
import { EXCHANGE_BTCUSDT_STREAM } from '../helpers/stream-info';

const info = EXCHANGE_BTCUSDT_STREAM;
const tmp = () => mkdtempSync(join(tmpdir(), 'ringbook-capture-'));
const T0 = 1_795_000_000_000_000_000n;

/** n records with awkward int64 values: beyond 2^53, negative, extremes. */
function records(n: number, t0 = T0): Int32Array {
  const w = new Int32Array(n * 16);
  const extremes = [9007199254740993n, -1n, 9223372036854775807n, -9223372036854775808n, 0n, 123456789012345678n];
  for (let i = 0; i < n; i++) {
    const p = i * 16;
    w[p] = 1 | ((i % 2 ? 2 : 1) << 8) | ((i % 7 === 6 ? 2 : 0) << 16);
    writeI64Big(w, (p + 2) * 4, t0 - 5_000_000n + BigInt(i) * 1000n);
    writeI64Big(w, (p + 4) * 4, t0 + BigInt(i) * 1000n);
    writeI64Big(w, (p + 6) * 4, 900000n + BigInt(i % 50));
    writeI64Big(w, (p + 8) * 4, BigInt(i * 7));
    writeI64Big(w, (p + 10) * 4, extremes[i % extremes.length]);
    writeI64Big(w, (p + 12) * 4, extremes[(i + 1) % extremes.length]);
    writeI64Big(w, (p + 14) * 4, BigInt(1 | (4 << 8)) | (BigInt(-123456 + i) << 32n));
  }
  return w;
}

test('records → Parquet → records is exact, int64 extremes included, and reads stream row group by row group', async () => {
  const n = 5000;
  const w = records(n);
  const dir = tmp();
  const path = join(dir, 'x.parquet');
  const data = encodeParquet(w, 0, n, { symbol: 'BTCUSDT' } as any, { rowGroupSize: 1024 });
  appendFileSync(path, data);
  const file = await asyncBufferFromFile(path);
  const { meta, rows, metadata } = await fileMeta(file);
  assert.is(rows, n);
  assert.is(meta.symbol, 'BTCUSDT');
  assert.is(metadata.row_groups.length, 5);
  const back = new Int32Array(n * 16);
  let groups = 0;
  for await (const g of rowGroups(file)) {
    assert.instance(g.columns.price, BigInt64Array);
    assert.instance(g.columns.kind, Int32Array);
    columnsToRecords(g.columns, g.rows, back, g.rowStart * 16, 0);
    groups++;
  }
  assert.is(groups, 5);
  for (let i = 0; i < n * 16; i++) if (i % 16 !== 1 && back[i] !== w[i]) assert.unreachable(`word ${i} differs`);
  assert.ok(data.length / n <= 8, `${(data.length / n).toFixed(2)} bytes per record`);
});

test('a killed writer leaves a journal; recovery turns its flushed records into the finished file, cutting a torn tail', () => {
  const root = tmp();
  const wr = new StreamWriter(root, info, { rollNs: 60_000_000_000n, maxRows: 1_000_000 });
  const w = records(300);
  for (let i = 0; i < 250; i++) wr.add(w, i * 16);
  wr.flush();
  for (let i = 250; i < 300; i++) wr.add(w, i * 16); // never flushed: lost with the process, as documented
  const all = readdirSync(join(root, 'venue=bitget/inst_type=USDT-FUTURES/symbol=BTCUSDT'), { recursive: true }) as string[];
  const partial = all.find((f) => f.endsWith('.parquet.partial'))!;
  const partialPath = join(root, 'venue=bitget/inst_type=USDT-FUTURES/symbol=BTCUSDT', partial);
  appendFileSync(partialPath, new Uint8Array(20)); // a crash in the middle of a write
  const recovered = recoverTree(root);
  assert.equal(recovered, [
    { kind: 'recovered', path: partialPath.slice(0, -'.partial'.length), rows: 250, tornBytes: 20, note: undefined },
  ]);
  assert.not.ok(existsSync(partialPath));
  const files = listParquet(root);
  assert.is(files.length, 1);
  assert.ok(files[0].endsWith(`${T0}-0.parquet`));
  assert.equal(recoverTree(root), [], 'nothing left to recover');
});

test('files roll by time and by rows, each written durably under its final name', async () => {
  const root = tmp();
  const wr = new StreamWriter(root, info, { rollNs: 100_000n, maxRows: 1000 });
  const w = records(2500);
  const done = [];
  for (let i = 0; i < 2500; i++) {
    wr.add(w, i * 16);
    const t = T0 + BigInt(i) * 1000n;
    if (wr.shouldRoll(t)) done.push(wr.finish()!);
  }
  done.push(wr.finish(true)!); // the stop writes the message it cut too
  // a file rolls once its newest record is 100 µs after its first (101 records of 1 µs spacing), at the last message
  // end by then (these messages are 7 records long): the records of a message never span two files
  let upTo = 0;
  for (const d of done.slice(0, -1)) {
    upTo += d.rows;
    assert.ok(d.rows > 101 - 7 && d.rows <= 101, `${d.rows} rows`);
    assert.is(upTo % 7, 0, 'each file ends at a message end');
  }
  assert.is(
    done.reduce((a, d) => a + d.rows, 0),
    2500,
  );
  const byRows = new StreamWriter(tmp(), info, { rollNs: 1n << 60n, maxRows: 1000 });
  let rolled = 0;
  for (let i = 0; i < 2500; i++) {
    byRows.add(w, i * 16);
    if (byRows.shouldRoll(T0)) rolled += byRows.finish()!.rows;
  }
  assert.is(rolled, 1988, 'two files of whole messages, at most max rows each');
  const files = listParquet(root);
  assert.is(files.length, done.length);
  assert.ok(files.every((f) => !f.endsWith('.tmp')));
  const { meta } = await fileMeta(await asyncBufferFromFile(files[0]));
  assert.is(meta.rows, '98');
  assert.is(meta.first_local_ts, String(T0));
  assert.is(meta.tick_size, '0.1');
  assert.is(meta.source, 'simulator');
});

async function recorderOn(root: string, io?: JournalIo) {
  const core: Core = await testCore();
  formatMemory(core, [{ name: 'capture', capLog2: 12, recShift: 6 }]);
  const ring = new Ring(core, ringOffsets([{ name: 'capture', capLog2: 12, recShift: 6 }]).capture);
  const clock = new ManualClock(T0);
  const alarms: string[] = [];
  const rec = new Recorder(core, ring, root, [{ inst: 0, info }], clock, {
    flushNs: 1n,
    rollNs: 60_000_000_000n,
    maxRows: 10_000,
    onAlarm: (m) => alarms.push(m),
    io,
  });
  const push = (k: number) => {
    clock.read();
    for (let i = 0; i < k; i++) {
      writeLevel(core, ring.slot(ring.head), {
        inst: 0,
        side: 1,
        price: 900000 + i,
        qty: i + 1,
        priceDec: 1,
        sizeDec: 4,
        localTs: clock.ns + BigInt(i),
      });
      ring.publish(1);
    }
    clock.advance(1_000_000n);
    rec.drain();
    rec.tick();
  };
  return { rec, push, alarms };
}

test('an unwritable output gives a clear alarm, never a crash, and the ring keeps draining', async () => {
  const { rec, push, alarms } = await recorderOn('/proc/ringbook-cannot-write-here');
  push(100);
  push(100);
  assert.ok(rec.counters.writeErrors > 0);
  assert.match(alarms[0], /^recorder \(BTCUSDT\): cannot write \(E[A-Z]+: .*\); /);
  assert.is(rec.counters.records, 200, 'records were consumed from the ring all the same');
  rec.close(); // finishing fails the same way: still no throw
});

test('a full disk mid-run: clear alarm, nothing duplicated or torn once space is back', async () => {
  const root = tmp();
  let full = false;
  const io: JournalIo = {
    ...fsJournalIo,
    write: (fd, data, offset, length) => {
      if (full) {
        // half of the batch lands, then the disk is full
        const half = Math.floor(length / 2);
        if (half > 0 && length > 64) fsJournalIo.write(fd, data, offset, half);
        throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      }
      return fsJournalIo.write(fd, data, offset, length);
    },
  };
  const { rec, push, alarms } = await recorderOn(root, io);
  push(50);
  full = true;
  push(50);
  push(50);
  assert.match(alarms[0], /ENOSPC.*the disk is full: free space or point --out elsewhere/);
  full = false;
  push(50);
  assert.match(alarms[alarms.length - 1], /writing works again/);
  const partial = (readdirSync(root, { recursive: true }) as string[]).find((f) => f.endsWith('.partial'))!;
  assert.is(statSync(join(root, partial)).size, 200 * 64, 'the journal holds every record exactly once');
  rec.close();
  const files = listParquet(root);
  const { rows } = await fileMeta(await asyncBufferFromFile(files[0]));
  assert.is(rows, 200);
});

test('clock offset: the minimum-RTT sample wins; bound = RTT/2 + half the 1 ms stamp', () => {
  // local is 250 ms behind the exchange; the best round trip took 2 ms and the server stamped 1 ms into it
  const e = estimateOffset([
    { t0: 1_000_000_000_000n, t1: 1_000_009_000_000n, serverMs: 1_000_250n },
    { t0: 1_000_100_000_000n, t1: 1_000_102_000_000n, serverMs: 1_000_351n },
    { t0: 1_000_200_000_000n, t1: 1_000_205_000_000n, serverMs: 1_000_452n },
  ]);
  assert.is(e.rttNs, 2_000_000n);
  assert.is(e.boundNs, 1_500_000n);
  assert.is(e.offsetNs, 1_000_101_000_000n - 1_000_351_500_000n); // −250.5 ms
  assert.ok(e.offsetNs - -250_000_000n <= e.boundNs);
});

test.run();
