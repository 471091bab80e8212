import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Ring, formatMemory, instantiateCore, ringOffsets, type Core } from '../../src/core/index';
import { testCore } from '../helpers/core';

let core: Core;
let ring: Ring;
let src: number;
let dst: number;
const CAP_LOG2 = 4; // 16 records: small, so every test wraps

test.before(async () => {
  core = await testCore();
  formatMemory(core, [{ name: 'market', capLog2: CAP_LOG2, recShift: 6 }]);
  ring = new Ring(core, ringOffsets([{ name: 'market', capLog2: CAP_LOG2, recShift: 6 }]).market);
  src = core.scratch;
  dst = core.scratch + 32768;
});

function stamp(at: number, seq: number): void {
  for (let w = 0; w < 16; w++) core.words[(at >> 2) + w] = seq * 16 + w;
}
function check(at: number, seq: number): boolean {
  for (let w = 0; w < 16; w++) if (core.words[(at >> 2) + w] !== seq * 16 + w) return false;
  return true;
}

test('empty ring: nothing to read, everything to write', () => {
  assert.is(ring.capacity, 16);
  assert.is(ring.recordSize, 64);
  assert.is(ring.readable(1), 0);
  assert.is(ring.popTo(dst, 4), 0);
  assert.is(ring.writable(100), 16);
  assert.is(ring.size, 0);
});

test('single push and pop keep order and every byte', () => {
  let seq = 0;
  let expect = 0;
  for (let round = 0; round < 40; round++) {
    stamp(src, seq);
    assert.is(core.x.ringPush(ring.base, src), 1);
    seq++;
    assert.is(core.x.ringPop(ring.base, dst), 1);
    assert.ok(check(dst, expect), `record ${expect}`);
    expect++;
  }
  assert.is(ring.head, 40);
  assert.is(ring.tail, 40);
});

test('full ring refuses more and never overwrites; batches wrap around the end', () => {
  let seq = 1000;
  for (let i = 0; i < 20; i++) stamp(src + i * 64, seq + i);
  assert.is(ring.pushFrom(src, 20), 16, 'only the capacity fits');
  assert.is(ring.pushFrom(src, 1), 0, 'full');
  assert.is(core.x.ringPush(ring.base, src), 0);
  assert.is(ring.size, 16);
  assert.is(ring.popTo(dst, 5), 5);
  for (let i = 0; i < 5; i++) assert.ok(check(dst + i * 64, seq + i));
  // 5 free slots now; the batch lands across the end of the slot array (head = 56 → slots 8..12)
  for (let i = 0; i < 5; i++) stamp(src + i * 64, 2000 + i);
  assert.is(ring.pushFrom(src, 5), 5);
  assert.is(ring.popTo(dst, 64), 16);
  for (let i = 0; i < 11; i++) assert.ok(check(dst + i * 64, seq + 5 + i), `old record ${i}`);
  for (let i = 0; i < 5; i++) assert.ok(check(dst + (11 + i) * 64, 2000 + i), `new record ${i}`);
  assert.is(ring.size, 0);
});

test('zero-copy: fill slots in place, publish once, read in place, release', () => {
  for (let lap = 0; lap < 10; lap++) {
    const k = ring.writable(7);
    assert.is(k, 7);
    for (let j = 0; j < k; j++) stamp(ring.slot(ring.head + j), lap * 100 + j);
    assert.is(ring.readable(7), 0, 'nothing is visible before publish');
    ring.publish(k);
    const r = ring.readable(16);
    assert.is(r, 7);
    for (let j = 0; j < r; j++) assert.ok(check(ring.slot(ring.tail + j), lap * 100 + j));
    ring.release(r);
  }
});

test('the handle mixed with the core on both sides, 50,000 records through 16 slots: nothing lost, nothing overwritten', () => {
  // Producer moves: the handle (writable + fill + publish), the handle's pushFrom, the core directly by base (as
  // engine.drain's output does), and the decoder's way (the core says how much fits, the handle only publishes).
  // Consumer moves: the handle (readable + release), popTo, and the core directly after the handle's flush (as
  // engine.drain does: the handle may hold back a release's index store).
  const producer = new Ring(core, ring.base);
  const consumer = new Ring(core, ring.base);
  let rnd = 12345;
  const next = () => (rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0) / 2 ** 32;
  let written = 0;
  let read = 0;
  const startSeq = 1_000_000;
  while (read < 50_000) {
    const want = 1 + Math.floor(next() * 20);
    const how = Math.floor(next() * 4);
    if (how === 0) {
      const k = producer.writable(want);
      for (let j = 0; j < k; j++) stamp(producer.slot(producer.head + j), startSeq + written + j);
      if (k) producer.publish(k);
      written += k;
    } else if (how === 1 || how === 2) {
      for (let j = 0; j < want; j++) stamp(src + j * 64, startSeq + written + j);
      const k = how === 1 ? producer.pushFrom(src, want) : core.x.ringPushBatch(ring.base, src, want);
      written += k;
    } else {
      const k = core.x.ringWritable(ring.base, want);
      for (let j = 0; j < k; j++) stamp(producer.slot(producer.head + j), startSeq + written + j);
      if (k) producer.publish(k);
      written += k;
    }
    assert.ok(written - read <= 16, 'never more in flight than the capacity');
    const take = 1 + Math.floor(next() * 20);
    const way = Math.floor(next() * 3);
    if (way === 0) {
      const r = consumer.readable(take);
      for (let j = 0; j < r; j++) assert.ok(check(consumer.slot(consumer.tail + j), startSeq + read + j), `record ${read + j}`);
      consumer.release(r);
      read += r;
    } else {
      if (way === 2) consumer.flush();
      const r = way === 1 ? consumer.popTo(dst, take) : core.x.ringPopBatch(ring.base, dst, take);
      for (let j = 0; j < r; j++) assert.ok(check(dst + j * 64, startSeq + read + j), `record ${read + j}`);
      read += r;
    }
  }
  assert.is(consumer.readable(64), written - read);
  assert.is(producer.writable(64), 16 - (written - read));
});

test('release holds back the index store while seen records remain: the producer gets the room by the batch, or all of it once the consumer caught up', () => {
  const producer = new Ring(core, ring.base);
  const consumer = new Ring(core, ring.base);
  assert.is(consumer.readable(16), 0);
  assert.is(producer.writable(16), 16);
  for (let j = 0; j < 16; j++) stamp(producer.slot(producer.head + j), 500 + j);
  producer.publish(16);
  assert.is(producer.writable(1), 0, 'full');
  assert.is(consumer.readable(16), 16);
  // a 16-slot ring stores its tail every 4 records (a quarter of it) while more remain to be read
  for (let j = 0; j < 3; j++) {
    assert.ok(check(consumer.slot(consumer.tail), 500 + j));
    consumer.release(1);
  }
  assert.is(consumer.tail - producer.head + 16, 3, "the consumer's own view moved on");
  assert.is(producer.writable(4), 0, 'three records held back: no room yet');
  assert.is(consumer.size, 13, 'what is left to read, from the consumer');
  consumer.release(1);
  assert.is(producer.writable(16), 4, 'the fourth stores the index');
  // caught up with what it saw: every release is stored at once
  for (let j = 4; j < 15; j++) consumer.release(1);
  assert.is(producer.writable(16), 4 + 8, 'two more batches of four; three held back');
  consumer.release(1);
  assert.is(producer.writable(16), 16, 'the last record read stores the index at once');
  assert.is(consumer.readable(1), 0);
  assert.is(ring.size, 0);
  // flush() stores what is held back, for a caller handing the ring to the core
  for (let j = 0; j < 8; j++) stamp(producer.slot(producer.head + j), 600 + j);
  producer.publish(8);
  assert.is(consumer.readable(8), 8);
  consumer.release(2);
  assert.is(producer.writable(16), 8);
  consumer.flush();
  assert.is(producer.writable(16), 10);
  assert.is(core.x.ringPopBatch(ring.base, dst, 16), 6, 'the core reads on from the stored index');
  assert.ok(check(dst, 602));
});

test('the slot views: f64At and i32At name the same bytes as slot(), across the wrap', () => {
  for (const index of [0, 1, 15, 16, 17, 2 ** 32 - 1]) {
    const at = ring.slot(index);
    assert.ok(at >= ring.base + 256 && at < ring.base + 256 + 16 * 64, `slot ${index} inside the slot array`);
    ring.i32[ring.i32At(index) + 3] = 7000 + (index & 15);
    assert.is(core.words[(at >> 2) + 3], 7000 + (index & 15), `i32 record ${index}`);
    ring.f64[ring.f64At(index) + 5] = index + 0.5;
    assert.is(core.f64[(at >> 3) + 5], index + 0.5, `f64 record ${index}`);
  }
  assert.is(ring.f64.length, (16 * 64) / 8);
  assert.is(ring.i32.length, (16 * 64) / 4);
});

test('handles made by different core instances over one memory work one ring together, and wake a sleeping consumer', async () => {
  const other = await instantiateCore(core.module, core.memory, { slot: 1 });
  const producer = new Ring(other, ring.base);
  const consumer = new Ring(core, ring.base);
  consumer.release(consumer.readable(64));
  let seq = 0;
  let read = 0;
  for (let lap = 0; lap < 50; lap++) {
    const k = producer.writable(1 + (lap % 16));
    for (let j = 0; j < k; j++) stamp(producer.slot(producer.head + j), seq + j);
    producer.publish(k);
    seq += k;
    const r = consumer.readable(64);
    assert.is(r, seq - read, 'everything published is readable');
    for (let j = 0; j < r; j++) assert.ok(check(consumer.slot(consumer.tail + j), read + j), `record ${read + j}`);
    consumer.release(r);
    read += r;
  }
  // the wake-up handshake: a consumer announced asleep is woken by the handle's publish. No timeout, so a lost
  // wake-up never resolves: the file ends before uvu's summary (a failure) rather than passing late.
  const woken = consumer.waitAsync(Infinity);
  assert.is(core.words[(ring.base + 128) >> 2], 1, 'the consumer announced its sleep');
  producer.publish(producer.writable(1));
  assert.is(await woken, 1);
  assert.is(core.words[(ring.base + 128) >> 2], 0);
  consumer.release(1);
});

test('wait returns at once when records are there, and times out on an empty ring', () => {
  stamp(src, 7);
  ring.pushFrom(src, 1);
  assert.is(ring.wait(10, 1), 1);
  ring.release(1);
  assert.is(ring.wait(10, 1), 0, 'timed out (1 ms) with nothing published');
});

test('a formatted memory lays out every ring, and the loader refuses an unformatted one', async () => {
  const fresh = await testCore();
  assert.ok(fresh.formatted);
  for (const name of ['market', 'signal', 'capture', 'order'] as const) {
    const r = new Ring(fresh, fresh.ringOffset(name));
    assert.ok(r.capacity >= 4096, name);
  }
  assert.throws(() => new Ring(fresh, fresh.scratch), /not formatted/);
});

test.run();
