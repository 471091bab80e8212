import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startExchange, type Exchange, type ExchangeOptions } from '../../src/exchange/index';
import { ClientBook, FUT_BTC, SPOT_A2Z, WsProbe, getText, isSnapshot, isUpdate, rawInt } from './helpers';

/** Runs `body` against a fresh manual exchange with the given faults, closing everything afterwards. */
async function withExchange(opts: ExchangeOptions, body: (ex: Exchange, open: () => Promise<WsProbe>) => Promise<void>): Promise<void> {
  const ex = await startExchange({ seed: 5, manual: true, ...opts });
  const probes: WsProbe[] = [];
  try {
    await body(ex, async () => {
      const p = await WsProbe.open(ex.url.ws);
      probes.push(p);
      return p;
    });
  } finally {
    probes.forEach((p) => p.close());
    await ex.close();
  }
}

/** Subscribes futures BTCUSDT books, ticks, and returns the snapshot plus every frame after it up to a barrier. */
async function futuresRun(ex: Exchange, c: WsProbe, ticks: number) {
  c.subscribe(FUT_BTC);
  const snap = await c.next(isSnapshot('books', 'BTCUSDT'), 'snapshot');
  const pushesBefore = ex.market('USDT-FUTURES', 'BTCUSDT')!.counters.bookPushes;
  const mark = c.frames.length;
  ex.tick(ticks);
  await c.barrier();
  const pushes = ex.market('USDT-FUTURES', 'BTCUSDT')!.counters.bookPushes - pushesBefore;
  return { snap, frames: c.since(mark).filter((f) => f !== 'pong'), pushes };
}

test('dropRate: updates go missing and the client sees pseq gaps; received + dropped = pushed', async () => {
  await withExchange({ faults: { dropRate: 0.5 } }, async (ex, open) => {
    const c = await open();
    const { snap, frames, pushes } = await futuresRun(ex, c, 40);
    let last = rawInt(snap, 'seq')!;
    let gaps = 0;
    for (const f of frames) {
      if (rawInt(f, 'pseq') !== last) gaps++;
      assert.ok(BigInt(rawInt(f, 'seq')!) > BigInt(last), 'what arrives is still in order');
      last = rawInt(f, 'seq')!;
    }
    const dropped = ex.stats().faults.dropped;
    assert.ok(gaps >= 1 && frames.length >= 1, `gaps ${gaps}, received ${frames.length}`);
    assert.is(frames.length + dropped, pushes);
    assert.is(ex.stats().perConnection[0].faults.dropped, dropped);
  });
});

test('duplicateRate 1: every update arrives twice', async () => {
  await withExchange({ faults: { duplicateRate: 1 } }, async (ex, open) => {
    const c = await open();
    const { frames, pushes } = await futuresRun(ex, c, 10);
    assert.is(frames.length, 2 * pushes);
    for (let i = 0; i < frames.length; i += 2) assert.is(frames[i], frames[i + 1]);
    assert.is(ex.stats().faults.duplicated, pushes);
  });
});

test('reorderRate 1: each update is swapped with the next one; nothing is lost', async () => {
  await withExchange({ faults: { reorderRate: 1 } }, async (ex, open) => {
    const c = await open();
    const { snap, frames, pushes } = await futuresRun(ex, c, 20);
    const seqs = frames.map((f) => BigInt(rawInt(f, 'seq')!));
    let backwards = 0;
    for (let i = 1; i < seqs.length; i++) if (seqs[i] < seqs[i - 1]) backwards++;
    assert.ok(backwards >= Math.floor(pushes / 2) - 1, `${backwards} backward steps in ${pushes} pushes`);
    assert.ok(frames.length === pushes || frames.length === pushes - 1, 'at most the last update is still held');
    // Sorted back into order, the received updates form the unbroken chain.
    const sorted = [...frames].sort((a, b) => (BigInt(rawInt(a, 'seq')!) < BigInt(rawInt(b, 'seq')!) ? -1 : 1));
    let last = rawInt(snap, 'seq');
    for (const f of sorted) {
      assert.is(rawInt(f, 'pseq'), last);
      last = rawInt(f, 'seq');
    }
    assert.is(ex.stats().faults.reordered, Math.floor(pushes / 2));
  });
});

test('corruptChecksumRate: wrong checksums on spot updates while the levels stay right', async () => {
  await withExchange({ faults: { corruptChecksumRate: 0.3 } }, async (ex, open) => {
    const c = await open();
    c.subscribe(SPOT_A2Z);
    const book = new ClientBook(6);
    book.apply(JSON.parse(await c.next(isSnapshot('books', 'A2ZUSDT'), 'snapshot')).data[0], true);
    const mark = c.frames.length;
    ex.tick(40);
    await c.barrier();
    let mismatches = 0;
    for (const f of c.since(mark).filter(isUpdate('books', 'A2ZUSDT'))) {
      const d = JSON.parse(f).data[0];
      book.apply(d, false);
      if (book.checksum() !== d.checksum) mismatches++;
    }
    assert.ok(mismatches >= 1);
    assert.is(mismatches, ex.stats().faults.corruptedChecksums);
    const truth = JSON.parse((await getText(`${ex.url.rest}/debug/book?instType=SPOT&symbol=A2ZUSDT`)).text);
    assert.equal(book.top(25), truth.levels);
  });
});

test('malformedRate 1: updates become unparseable text frames; snapshots and acks stay intact', async () => {
  await withExchange({ faults: { malformedRate: 1 } }, async (ex, open) => {
    const c = await open();
    const { snap, frames, pushes } = await futuresRun(ex, c, 10);
    assert.not.throws(() => JSON.parse(snap));
    assert.is(frames.length, pushes);
    for (const f of frames) assert.throws(() => JSON.parse(f), undefined, `parsed: ${f}`);
    assert.is(ex.stats().faults.malformed, pushes);
  });
});

test('disconnectEverySec: the exchange drops the connection after that long', async () => {
  await withExchange({ faults: { disconnectEverySec: 0.2 } }, async (ex, open) => {
    const c = await open();
    const closed = await c.waitClose(5000);
    assert.is(closed.code, 1006);
    assert.is(ex.stats().faults.disconnects, 1);
  });
});

test('latencyMs + jitterMs: every frame is delayed (at least latencyMs) and the order is kept', async () => {
  await withExchange({ faults: { latencyMs: 30, jitterMs: 40 } }, async (ex, open) => {
    const c = await open();
    const sent = performance.now();
    c.subscribe(FUT_BTC);
    await c.next((f) => f.startsWith('{"event":"subscribe"'), 'ack');
    assert.ok(performance.now() - sent >= 29, 'the ack waited for the latency');
    const snap = await c.next(isSnapshot('books', 'BTCUSDT'), 'snapshot');
    const before = ex.market('USDT-FUTURES', 'BTCUSDT')!.counters.bookPushes;
    const mark = c.frames.length;
    ex.tick(15);
    await c.barrier();
    const pushes = ex.market('USDT-FUTURES', 'BTCUSDT')!.counters.bookPushes - before;
    const frames = c.since(mark).filter((f) => f !== 'pong');
    assert.is(frames.length, pushes);
    let last = rawInt(snap, 'seq');
    for (const f of frames) {
      assert.is(rawInt(f, 'pseq'), last, 'jitter never reorders');
      last = rawInt(f, 'seq');
    }
    assert.ok(ex.stats().faults.delayedFrames >= pushes + 3);
  });
});

test('stallMs + stallEverySec: output pauses, then resumes in order with nothing lost', async () => {
  await withExchange({ maxMessagesPerSec: 1000, faults: { stallMs: 60, stallEverySec: 0.1 } }, async (ex, open) => {
    const c = await open();
    c.subscribe(FUT_BTC);
    const snap = await c.next(isSnapshot('books', 'BTCUSDT'), 'snapshot');
    const mark = c.frames.length;
    let pushes = 0;
    const before = ex.market('USDT-FUTURES', 'BTCUSDT')!.counters.bookPushes;
    // Keep the market moving (one tick per round trip) until two stalls have come and gone.
    const deadline = performance.now() + 5000;
    while (ex.stats().faults.stalls < 2) {
      assert.ok(performance.now() < deadline, 'no second stall within 5 s');
      ex.tick(1);
      await c.barrier();
    }
    pushes = ex.market('USDT-FUTURES', 'BTCUSDT')!.counters.bookPushes - before;
    const s = ex.stats().faults;
    assert.ok(s.stalls >= 2, `stalls ${s.stalls}`);
    assert.ok(s.delayedFrames >= 1);
    const frames = c.since(mark).filter(isUpdate('books', 'BTCUSDT'));
    assert.is(frames.length, pushes);
    let last = rawInt(snap, 'seq');
    for (const f of frames) {
      assert.is(rawInt(f, 'pseq'), last);
      last = rawInt(f, 'seq');
    }
  });
});

test('clockSkewMs: REST serverTime, push ts and data ts all run ahead by the skew', async () => {
  const skew = 3_600_000;
  await withExchange({ faults: { clockSkewMs: skew } }, async (ex, open) => {
    const t0 = Date.now();
    const j = JSON.parse((await getText(`${ex.url.rest}/api/v2/public/time`)).text);
    const t1 = Date.now();
    const server = Number(j.data.serverTime);
    assert.ok(server >= t0 + skew && server <= t1 + skew, `serverTime ${server} vs local ${t0}..${t1}`);
    assert.is(j.requestTime, server);
    const c = await open();
    c.subscribe(FUT_BTC, { instType: 'USDT-FUTURES', channel: 'trade', instId: 'BTCUSDT' });
    await c.next(isSnapshot('trade', 'BTCUSDT'), 'trade snapshot');
    ex.tick(10);
    const u = await c.next(isUpdate('books', 'BTCUSDT'), 'update');
    const tr = await c.next(isUpdate('trade', 'BTCUSDT'), 'trade');
    const now = Date.now();
    for (const f of [u, tr]) {
      const outer = JSON.parse(f).ts;
      const data = Number(JSON.parse(f).data[0].ts);
      assert.ok(outer - now > skew - 5000 && outer - now <= skew, `outer ts off by ${outer - now}`);
      assert.ok(data - now > skew - 5000 && data - now <= skew + 2000, `data ts off by ${data - now}`);
    }
    assert.is(ex.now() - Date.now() >= skew - 1000, true);
  });
});

test('faults are seeded: the same seed injects the same faults into the same stream', async () => {
  const clock = { now: () => 1_790_000_000_000 };
  const run = async () => {
    let out: string[] = [];
    await withExchange({ clock, faults: { dropRate: 0.3, duplicateRate: 0.2, reorderRate: 0.2, malformedRate: 0.1 } }, async (ex, open) => {
      const c = await open();
      out = (await futuresRun(ex, c, 20)).frames;
    });
    return out;
  };
  const a = await run();
  assert.equal(a, await run());
});

test.run();
