// A full disk, simulated by a failing file layer (never by filling the real disk): one alarm when a writer starts
// failing and one when it has really written again — it used to print "writing works again" whenever any writer
// had nothing to write, and ~27 identical raw-frame alarms a second — and at exit every record that never reached a
// file is counted (it used to say "0 dropped" while dropping what was in memory).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ring, formatMemory, ringOffsets, writeLevel } from '../../src/core/index';
import { ManualClock } from '../../src/core/clock';
import { Recorder, lossSummary, lostAll } from '../../src/capture/recorder';
import { RawBatch, RawRecorder } from '../../src/capture/raw';
import { listParquet, recoverTree } from '../../src/capture/recover';
import { readFileMeta } from '../../src/capture/read-file';
import { fsJournalIo, type JournalIo } from '../../src/capture/journal';
import type { StreamInfo } from '../../src/capture/writer';
import { testCore } from '../helpers/core';
import { EXCHANGE_BTCUSDT_STREAM } from '../helpers/stream-info';

const T0 = 1_795_000_000_000_000_000n;
const stream = (symbol: string): StreamInfo => ({ ...EXCHANGE_BTCUSDT_STREAM, symbol });
const tmp = () => mkdtempSync(join(tmpdir(), 'ringbook-full-'));
// as Node's fs words it: the message begins with the code
const ENOSPC = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

/** A file layer that fails every write while `full.on` (journal appends and whole-file writes alike). */
function fullDisk(): { io: JournalIo; full: { on: boolean } } {
  const full = { on: false };
  const io: JournalIo = {
    ...fsJournalIo,
    write: (fd, data, offset, length) => {
      if (full.on) throw ENOSPC();
      return fsJournalIo.write(fd, data, offset, length);
    },
    writeFile: (path, data) => {
      if (full.on) throw ENOSPC();
      fsJournalIo.writeFile(path, data);
    },
  };
  return { io, full };
}

async function recorderOn(root: string, io: JournalIo, maxRows = 10_000) {
  const core = await testCore();
  formatMemory(core, [{ name: 'capture', capLog2: 12, recShift: 6 }]);
  const ring = new Ring(core, ringOffsets([{ name: 'capture', capLog2: 12, recShift: 6 }]).capture);
  const clock = new ManualClock(T0);
  const alarms: string[] = [];
  const rec = new Recorder(
    core,
    ring,
    root,
    [
      { inst: 0, info: stream('BTCUSDT') },
      { inst: 1, info: stream('ETHUSDT') },
    ],
    clock,
    { flushNs: 100_000_000n, rollNs: 60_000_000_000n, maxRows, onAlarm: (m) => alarms.push(m), io },
  );
  /** k records of instrument `inst`, then 50 ms of local time and a recorder pass. */
  const push = (inst: number, k: number) => {
    clock.read();
    for (let i = 0; i < k; i++) {
      writeLevel(core, ring.slot(ring.head), {
        inst,
        side: 1,
        price: 900000 + i,
        qty: i + 1,
        priceDec: 1,
        sizeDec: 4,
        localTs: clock.ns + BigInt(i),
      });
      ring.publish(1);
    }
    clock.advance(50_000_000n);
    rec.drain();
    rec.tick();
  };
  const idle = (ticks: number) => {
    for (let i = 0; i < ticks; i++) {
      clock.advance(50_000_000n);
      rec.tick();
    }
  };
  return { rec, push, idle, alarms };
}

const failing = (alarms: string[], symbol: string) => alarms.filter((a) => a.startsWith(`recorder (${symbol}): cannot write (ENOSPC`));
const again = (alarms: string[], symbol: string) => alarms.filter((a) => a === `recorder (${symbol}): writing works again`);

test('one alarm per writer when writing fails, one when it really works again; a writer with nothing to write says nothing', async () => {
  const { io, full } = fullDisk();
  const { rec, push, idle, alarms } = await recorderOn(tmp(), io);
  push(0, 50);
  push(1, 50);
  idle(4);
  full.on = true;
  for (let i = 0; i < 40; i++) push(0, 20); // 2 s of a full disk: BTCUSDT keeps trying, ETHUSDT has nothing to write
  idle(40);
  assert.is(failing(alarms, 'BTCUSDT').length, 1, alarms.join('\n'));
  assert.is(again(alarms, 'BTCUSDT').length, 0, 'no all-clear while the disk stays full');
  assert.is(failing(alarms, 'ETHUSDT').length, 0);
  assert.is(again(alarms, 'ETHUSDT').length, 0, "an idle writer's success is no all-clear");
  assert.ok(
    rec.counters.writeErrors >= 10 && rec.counters.writeErrors <= 41,
    `retried about once per flush interval: ${rec.counters.writeErrors}`,
  );
  push(1, 10); // now ETHUSDT has something to write: its own episode, one alarm
  idle(10);
  assert.is(failing(alarms, 'ETHUSDT').length, 1);
  full.on = false;
  idle(4);
  assert.is(again(alarms, 'BTCUSDT').length, 1);
  assert.is(again(alarms, 'ETHUSDT').length, 1);
  assert.is(alarms.length, 4, alarms.join('\n'));
  rec.close();
  assert.is(lostAll(rec.counters), 0);
  let rows = 0;
  for (const f of listParquet(rec.root)) rows += (await readFileMeta(f)).rows;
  assert.is(rows, 50 + 50 + 800 + 10, 'every record once');
});

test('the disk still full at exit: what was only in memory is counted lost, the journal left for the next start', async () => {
  const root = tmp();
  const { io, full } = fullDisk();
  const { rec, push, idle } = await recorderOn(root, io);
  push(0, 100);
  idle(4); // journaled
  full.on = true;
  push(0, 30);
  push(0, 30);
  rec.close();
  assert.is(rec.counters.lostAtClose, 60);
  assert.is(rec.counters.leftInJournals, 100);
  assert.is(lossSummary(rec.counters), '60 records LOST (60 still in memory at exit), 100 in journals the next start turns into files');
  // the next start, with space again, turns the journal into the file: the 100 are not lost
  const [r] = recoverTree(root, { streams: [stream('BTCUSDT')] });
  assert.equal([r.kind, r.kind === 'recovered' && r.rows], ['recovered', 100]);
});

test('records beyond the memory bound while the disk stays full are dropped and counted', async () => {
  const { io, full } = fullDisk();
  const { rec, push } = await recorderOn(tmp(), io, 1000);
  full.on = true;
  for (let i = 0; i < 30; i++) push(0, 100);
  assert.is(rec.counters.droppedRecords, 3000 - 2000);
  rec.close();
  assert.is(lossSummary(rec.counters), '3,000 records LOST (1,000 dropped while writes failed, 2,000 still in memory at exit)');
});

test('raw frames: one alarm, not one per pass, and one when writing works again', () => {
  const root = tmp();
  const { io, full } = fullDisk();
  const alarms: string[] = [];
  const raw = new RawRecorder(
    root,
    'bitget',
    'simulator',
    { rollNs: 60_000_000_000n, maxBytes: 1 << 20, retryNs: 1_000_000_000n, io },
    (m) => alarms.push(m),
  );
  let t = T0;
  const pass = (frames: number) => {
    const b = new RawBatch();
    for (let i = 0; i < frames; i++) b.add(new TextEncoder().encode(`{"n":${i}}`), Number(t >> 32n), Number(t & 0xffffffffn) | 0);
    raw.add(b.take());
    t += 37_000_000n; // the recorder thread passes every ~37 ms (27 a second)
    raw.tick(t);
  };
  pass(3);
  full.on = true;
  for (let i = 0; i < 27 * 10; i++) pass(2); // ten seconds of a full disk
  assert.equal(alarms.length, 1, alarms.join('\n'));
  assert.match(alarms[0], /^recorder \(raw frames\): cannot write \(ENOSPC: no space left on device, write\); the disk is full/);
  assert.ok(raw.gate.errors <= 11, `retried once a second: ${raw.gate.errors}`);
  full.on = false;
  for (let i = 0; i < 30; i++) pass(1);
  assert.equal(alarms.slice(1), ['recorder (raw frames): writing works again']);
  raw.tick(t, true);
  assert.is(raw.frames, 3 + 540 + 30);
  const files = (readdirSync(join(root, '_raw'), { recursive: true }) as string[]).filter((f) => f.endsWith('.parquet'));
  assert.is(files.length, 1);
  assert.ok(statSync(join(root, '_raw', files[0])).size > 0);
});

test.run();
