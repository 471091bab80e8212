import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Engine,
  Ring,
  writeLevel,
  writeClear,
  writeMsgEnd,
  writeI64,
  readSignal,
  Kind,
  R,
  Status,
  REC_SIZE,
  SIG_SIZE,
  readI64,
  readI64Big,
  REPLAY_RING,
  REPLAY_SIGNAL,
  type Core,
} from '../../src/core/index';
import { testCore } from '../helpers/core';
import { frames, changes } from '../helpers/bitget';

let core: Core;
let staging: number;
test.before(async () => {
  core = await testCore();
  staging = core.x.coreAlloc(4096 * REC_SIZE);
});

function drainOut(ring: Ring): Array<{ kind: number; code: number; aux: number; aux2: number; at: number }> {
  const out = [];
  const n = ring.readable(1 << 20);
  for (let i = 0; i < n; i++) {
    const at = ring.slot(ring.tail + i);
    out.push({
      kind: core.bytes[at],
      code: readI64(core.words, at + R.seq),
      aux: readI64(core.words, at + R.aux),
      aux2: readI64(core.words, at + R.aux2),
      at,
    });
  }
  return out;
}

/** Writes one Bitget books frame as records (a snapshot starts with a reset clear); returns the record count. */
function frameRecords(at: number, frame: any, inst: number, checksum?: number): number {
  const d = frame.data[0];
  let n = 0;
  if (frame.action === 'snapshot') writeClear(core, at + REC_SIZE * n++, inst, { reset: true });
  const cs = changes(core, d, 6, 1);
  cs.forEach((c, i) =>
    writeLevel(core, at + REC_SIZE * n++, {
      inst,
      side: c.side,
      price: Number(c.price),
      qty: Number(c.qty),
      priceDec: c.priceDec,
      sizeDec: c.sizeDec,
      exchTs: BigInt(d.ts) * 1_000_000n,
      localTs: BigInt(d.ts) * 1_000_000n + 5_000_000n,
      seq: BigInt(d.seq),
      last: i === cs.length - 1,
      checksum: i === cs.length - 1 ? checksum : undefined,
    }),
  );
  return n;
}

test('records in, signals out: a verified checksum, then a corrupted twin is caught and the book waits for a snapshot', () => {
  const out = new Ring(core, core.ringOffset('signal'));
  const engine = new Engine(core, 4);
  const inst = engine.addInstrument(2, { priceScale: 6, sizeScale: 1 });
  const [snapshot, update] = frames('spot-a2zusdt-books-checksum.jsonl');
  let n = frameRecords(staging, snapshot, 2);
  engine.apply(staging, n, out);
  n = frameRecords(staging, update, 2, update.data[0].checksum);
  engine.apply(staging, n, out);
  let recs = drainOut(out);
  assert.equal(
    recs.map((r) => r.kind),
    [Kind.signal, Kind.signal],
  );
  const sig = readSignal(core, recs[1].at);
  assert.ok(sig.valid);
  assert.ok(sig.checksumOk);
  assert.is(sig.inst, 2);
  assert.is(sig.seq, 395681167n);
  assert.is(sig.localTs, 1763528715515n * 1_000_000n + 5_000_000n);
  assert.is(sig.bestBid, 3481);
  assert.is(sig.bestAsk, 3511);
  assert.is(sig.msgCount, 2);
  out.release(recs.length);
  assert.is(inst.counter('checksumOk'), 1);

  // the twin: same snapshot, an update whose checksum is off by one
  n = frameRecords(staging, snapshot, 2);
  engine.apply(staging, n, out);
  n = frameRecords(staging, update, 2, update.data[0].checksum + 1);
  engine.apply(staging, n, out);
  recs = drainOut(out);
  assert.equal(
    recs.map((r) => r.kind),
    [Kind.signal, Kind.status],
  );
  assert.is(recs[1].code, Status.checksumMismatch);
  assert.is(recs[1].aux, 1041484092, 'our CRC');
  assert.is(recs[1].aux2, 1041484093, "the exchange's CRC");
  out.release(recs.length);
  assert.is(inst.counter('checksumFail'), 1);
  assert.not.ok(inst.synced);

  // updates before the next snapshot are ignored and reported, never applied
  n = frameRecords(staging, update, 2);
  engine.apply(staging, n, out);
  recs = drainOut(out);
  assert.equal(
    recs.map((r) => [r.kind, r.code]),
    [[Kind.status, Status.notSynced]],
  );
  out.release(recs.length);
  assert.is(inst.counter('ignored'), 1);
  n = frameRecords(staging, snapshot, 2);
  engine.apply(staging, n, out);
  assert.ok(inst.synced);
  assert.is(inst.book.checksum(), -104022879);
  out.release(drainOut(out).length);
});

test('a message without levels still closes with a signal; unknown instruments and kinds are counted, not applied', () => {
  const engine = new Engine(core, 2);
  const inst = engine.addInstrument(0, { priceScale: 0, sizeScale: 0, levelsPerSide: 16 });
  writeClear(core, staging, 0, { reset: true });
  writeLevel(core, staging + REC_SIZE, { inst: 0, side: 1, price: 10, qty: 3, priceDec: 0, sizeDec: 0 });
  writeLevel(core, staging + 2 * REC_SIZE, { inst: 0, side: 2, price: 11, qty: 1, priceDec: 0, sizeDec: 0, last: true });
  writeMsgEnd(core, staging + 3 * REC_SIZE, 0, { localTs: 5n });
  writeLevel(core, staging + 4 * REC_SIZE, { inst: 1, side: 1, price: 1, qty: 1, priceDec: 0, sizeDec: 0, last: true }); // no instrument 1
  writeLevel(core, staging + 5 * REC_SIZE, { inst: 7, side: 1, price: 1, qty: 1, priceDec: 0, sizeDec: 0 });
  core.bytes[staging + 6 * REC_SIZE] = 99; // unknown kind for instrument 0
  core.words[(staging + 6 * REC_SIZE + R.inst) >> 2] = 0;
  engine.apply(staging, 7);
  assert.is(engine.badRecords, 3);
  assert.is(inst.counter('messages'), 2);
  const sig = inst.lastSignal();
  assert.ok(sig.valid);
  assert.is(sig.localTs, 5n);
  assert.is(sig.l1, 0.5);
});

test('a level on neither side or of a negative size (a damaged file) unsyncs the book with a bad-frame status, no trap', () => {
  const out = new Ring(core, core.ringOffset('signal'));
  drainOut(out);
  out.release(out.readable(1 << 20));
  const engine = new Engine(core, 2);
  const inst = engine.addInstrument(0, { priceScale: 0, sizeScale: 0, levelsPerSide: 16 });
  for (const [side, qty] of [
    [0, 1],
    [3, 1],
    [255, 1],
    [1, -1],
  ]) {
    writeClear(core, staging, 0, { reset: true });
    writeLevel(core, staging + REC_SIZE, { inst: 0, side: 1, price: 10, qty: 3, priceDec: 0, sizeDec: 0 });
    writeLevel(core, staging + 2 * REC_SIZE, { inst: 0, side: 2, price: 11, qty: 1, priceDec: 0, sizeDec: 0, last: true });
    writeLevel(core, staging + 3 * REC_SIZE, { inst: 0, side: side as 1, price: 12, qty, priceDec: 0, sizeDec: 0, last: true });
    engine.apply(staging, 4, out);
    const statuses = drainOut(out).filter((r) => r.kind === Kind.status);
    out.release(out.readable(1 << 20));
    assert.equal(
      statuses.map((r) => r.code),
      [Status.badFrame],
      `side ${side}, qty ${qty}`,
    );
    // no book until the next snapshot: an update is ignored
    const ignored = inst.counter('ignored');
    writeLevel(core, staging, { inst: 0, side: 1, price: 9, qty: 2, priceDec: 0, sizeDec: 0, last: true });
    engine.apply(staging, 1, out);
    out.release(out.readable(1 << 20));
    assert.is(inst.counter('ignored'), ignored + 1);
    // the next snapshot brings it back
    writeClear(core, staging, 0, { reset: true });
    writeLevel(core, staging + REC_SIZE, { inst: 0, side: 1, price: 10, qty: 3, priceDec: 0, sizeDec: 0 });
    writeLevel(core, staging + 2 * REC_SIZE, { inst: 0, side: 2, price: 11, qty: 1, priceDec: 0, sizeDec: 0, last: true });
    engine.apply(staging, 3, out);
    out.release(out.readable(1 << 20));
    assert.ok(inst.lastSignal().valid);
  }
});

test('applyMessage applies through the first message end and says how many; a message cut by the batch is all applied', () => {
  const out = new Ring(core, core.ringOffset('signal'));
  out.release(out.readable(1 << 30));
  const engine = new Engine(core, 1);
  const inst = engine.addInstrument(0, { priceScale: 0, sizeScale: 0, levelsPerSide: 16 });
  const at = (i: number) => staging + i * REC_SIZE;
  writeClear(core, at(0), 0, { reset: true }); // a snapshot: clear, two levels, the last one ends it
  writeLevel(core, at(1), { inst: 0, side: 1, price: 10, qty: 3, priceDec: 0, sizeDec: 0 });
  writeLevel(core, at(2), { inst: 0, side: 2, price: 11, qty: 1, priceDec: 0, sizeDec: 0, last: true });
  writeLevel(core, at(3), { inst: 0, side: 2, price: 12, qty: 1, priceDec: 0, sizeDec: 0 });
  core.bytes[at(3)] = Kind.trade; // a trade is a message of its own
  writeMsgEnd(core, at(4), 0, { localTs: 7n });
  writeLevel(core, at(5), { inst: 0, side: 1, price: 9, qty: 2, priceDec: 0, sizeDec: 0 });
  writeLevel(core, at(6), { inst: 0, side: 1, price: 8, qty: 2, priceDec: 0, sizeDec: 0 }); // no `last`: goes on
  assert.is(engine.applyMessage(at(0), 7, out), 3, 'clear + two levels');
  assert.is(inst.counter('messages'), 1);
  assert.is(engine.applyMessage(at(3), 4, out), 1, 'the trade');
  assert.is(inst.counter('trades'), 1);
  assert.is(engine.applyMessage(at(4), 3, out), 1, 'the message end');
  assert.is(inst.counter('messages'), 2);
  assert.is(engine.applyMessage(at(5), 2, out), 2, 'no end in sight: everything given');
  assert.is(inst.counter('messages'), 2, 'that message is not over');
  assert.is(inst.book.depth(1), 3);
  const kinds = drainOut(out).map((r) => r.kind);
  assert.equal(kinds, [Kind.signal, Kind.trade, Kind.signal]);
  out.release(kinds.length);
});

test('replayMessage: the same results as applyMessage, the signal left in place, trades not copied, statuses in the ring', () => {
  const at = (i: number) => staging + i * REC_SIZE;
  let n = 0;
  const level = (side: 1 | 2, price: number, qty: number, last = false, checksum?: number) =>
    writeLevel(core, at(n++), {
      inst: 0,
      side,
      price,
      qty,
      priceDec: 0,
      sizeDec: 0,
      localTs: BigInt(n) * 1000n,
      exchTs: BigInt(n) * 900n,
      seq: BigInt(n),
      last,
      checksum,
    });
  const snapshot = () => {
    writeClear(core, at(n++), 0, { reset: true });
    level(1, 10, 3);
    level(2, 12, 1, true);
  };
  snapshot();
  level(1, 11, 2, true);
  writeLevel(core, at(n), { inst: 0, side: 2, price: 12, qty: 4, priceDec: 0, sizeDec: 0 });
  core.bytes[at(n++)] = Kind.trade;
  level(2, 13, 5, true, 12345); // a checksum that cannot match: status, and the book waits for a snapshot
  level(1, 9, 1, true); // not synced: status
  snapshot();
  writeMsgEnd(core, at(n), 0, { localTs: 99_000n });
  core.bytes[at(n)] = Kind.status; // the feed lost continuity (code 10): status passes on, the book is stale
  writeI64(core.words, at(n++) + R.seq, 10);
  level(1, 10, 0, true);
  snapshot();
  level(1, 10, 7);
  level(2, 12, 0, true); // one-sided: an invalid signal is still a signal

  const seen = (engine: Engine, replay: boolean, out: Ring): string[] => {
    const inst = engine.addInstrument(0, { priceScale: 0, sizeScale: 0, levelsPerSide: 16 });
    const got: string[] = [];
    const take = () => {
      for (const r of drainOut(out)) got.push(Array.from(core.bytes.subarray(r.at, r.at + SIG_SIZE)).join(','));
      out.release(out.readable(1 << 20));
    };
    for (let i = 0; i < n;) {
      const r = replay ? engine.replayMessage(at(i), n - i, out) : engine.applyMessage(at(i), n - i, out);
      i += r & 0xffff;
      if (!replay) take();
      else {
        assert.is((r & REPLAY_RING) !== 0, out.readable(1 << 20) > 0, 'the ring flag says whether the ring got records');
        take();
        if (r & REPLAY_SIGNAL) got.push(Array.from(core.bytes.subarray(inst.lastSignalOffset, inst.lastSignalOffset + SIG_SIZE)).join(','));
      }
    }
    return got;
  };
  const out = new Ring(core, core.ringOffset('signal'));
  out.release(out.readable(1 << 30));
  const applied = seen(new Engine(core, 1), false, out);
  const engineB = new Engine(core, 1);
  const replayed = seen(engineB, true, out);
  const kinds = (xs: string[]) => xs.map((x) => Number(x.split(',')[0]));
  assert.equal(kinds(applied), [
    Kind.signal,
    Kind.signal,
    Kind.trade,
    Kind.status,
    Kind.status,
    Kind.signal,
    Kind.status,
    Kind.status,
    Kind.signal,
    Kind.signal,
  ]);
  assert.equal(
    replayed,
    applied.filter((x) => Number(x.split(',')[0]) !== Kind.trade),
  );
  assert.is(engineB.instrument(0)!.counter('trades'), 1, 'the trade still counted');
});

test('trades pass through to the output ring unchanged', () => {
  const out = new Ring(core, core.ringOffset('signal'));
  const engine = new Engine(core, 1);
  const inst = engine.addInstrument(0, { priceScale: 0, sizeScale: 0, levelsPerSide: 16 });
  writeLevel(core, staging, {
    inst: 0,
    side: 2,
    price: 123,
    qty: 4,
    priceDec: 0,
    sizeDec: 0,
    seq: 1116461060594286593n,
    exchTs: 1701910980366000000n,
  });
  core.bytes[staging] = Kind.trade;
  engine.apply(staging, 1, out);
  const recs = drainOut(out);
  assert.is(recs.length, 1);
  assert.is(recs[0].kind, Kind.trade);
  assert.is(readI64Big(core.words, recs[0].at + R.seq), 1116461060594286593n);
  assert.is(readI64(core.words, recs[0].at + R.price), 123);
  assert.is(inst.counter('trades'), 1);
  out.release(1);
});

test('drain consumes the market ring in place, across the wrap, and a full output ring counts drops', () => {
  const input = new Ring(core, core.ringOffset('market'));
  const out = new Ring(core, core.ringOffset('signal'));
  const engine = new Engine(core, 1);
  const inst = engine.addInstrument(0, { priceScale: 0, sizeScale: 0, levelsPerSide: 4096 });
  // move the ring's indices near the wrap point first
  const skip = input.capacity - 3;
  for (let done = 0; done < skip;) {
    const k = input.writable(Math.min(1024, skip - done));
    for (let j = 0; j < k; j++) writeClear(core, input.slot(input.head + j), 0, { reset: true });
    input.publish(k);
    done += engine.drain(input, undefined, 1 << 20);
  }
  let messages = 0;
  for (let m = 0; m < out.capacity + 10; m++) {
    const k = input.writable(2);
    assert.is(k, 2);
    writeLevel(core, input.slot(input.head), { inst: 0, side: 1, price: 100 - (m % 50), qty: 1 + m, priceDec: 0, sizeDec: 0 });
    writeLevel(core, input.slot(input.head + 1), { inst: 0, side: 2, price: 101 + (m % 7), qty: 2, priceDec: 0, sizeDec: 0, last: true });
    input.publish(2);
    assert.is(engine.drain(input, out, 1 << 20), 2);
    messages++;
  }
  assert.is(input.size, 0);
  assert.is(out.size, out.capacity, 'output ring is full, never overwritten');
  assert.is(inst.counter('outDrops'), messages - out.capacity);
  const first = readSignal(core, out.slot(out.tail));
  assert.is(first.bidQty, 1, 'the oldest signal is intact (message 0: bid 100 × 1)');
  const newest = readSignal(core, out.slot(out.tail + out.capacity - 1));
  const lastM = Math.floor((out.capacity - 1) / 50) * 50; // the last message that set level 100 before the ring filled
  assert.is(newest.bidQty, 1 + lastM);
  assert.is(newest.msgCount, out.capacity, 'book clears without FLAG_LAST close no message');
  out.release(out.size);
  assert.is(SIG_SIZE, out.recordSize);
});

test.run();
