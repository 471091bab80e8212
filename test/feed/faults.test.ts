// For every fault the local exchange can inject: the client notices, resyncs, and ends with exactly the exchange's
// book. The exchange runs in manual mode (its market moves only on tick()), so "the same book" is well defined.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startExchange, type FaultOptions, type Exchange } from '../../src/exchange/index';
import { live, trueTop, type Live } from '../helpers/live';

const SYMBOLS = [
  { instType: 'USDT-FUTURES' as const, symbol: 'BTCUSDT' },
  { instType: 'SPOT' as const, symbol: 'A2ZUSDT' },
];

/** Ticks until the client's books equal the exchange's (or gives up after `maxTicks`); returns ticks used. */
async function converge(ex: Exchange, h: Live, maxTicks = 300): Promise<number> {
  const equal = () =>
    SYMBOLS.every((s, i) => {
      const m = ex.market(s.instType, s.symbol)!;
      return h.instruments[i].synced && h.top(i) === trueTop(m.book(25).levels) && h.instruments[i].lastSignal().seq === BigInt(m.seq);
    });
  for (let t = 0; t < maxTicks; t++) {
    ex.tick();
    if (await h.until(equal, 400)) return t + 1;
  }
  return -1;
}

async function scenario(name: string, faults: Partial<FaultOptions>, expectSeen: (h: Live, ex: Exchange) => boolean, ticks = 120) {
  const ex = await startExchange({ manual: true, seed: 11, faults, symbols: ['USDT-FUTURES:BTCUSDT', 'SPOT:A2ZUSDT'] });
  const h = await live(ex.url, SYMBOLS);
  try {
    assert.ok(await h.until(() => h.session.counters.snapshots >= 2, 5000), `${name}: initial snapshots`);
    for (let t = 0; t < ticks; t++) {
      ex.tick();
      await h.until(() => false, t % 10 === 0 ? 50 : 0); // let frames flow now and then
    }
    const seenDeadline = Date.now() + 8000;
    while (!expectSeen(h, ex) && Date.now() < seenDeadline) {
      ex.tick();
      await h.until(() => expectSeen(h, ex), 100);
    }
    assert.ok(expectSeen(h, ex), `${name}: the client noticed the fault (${JSON.stringify(h.session.counters)})`);
    const used = await converge(ex, h);
    assert.ok(used > 0, `${name}: books equal the exchange's true book again`);
    for (let i = 0; i < SYMBOLS.length; i++) {
      const m = ex.market(SYMBOLS[i].instType, SYMBOLS[i].symbol)!;
      assert.is(h.top(i), trueTop(m.book(25).levels), `${name}: ${SYMBOLS[i].symbol} top 25`);
    }
  } finally {
    h.stop();
    await ex.close();
  }
}

const c = (h: Live) => h.session.counters;

test('dropped updates: the gap is caught and the book resyncs', async () => {
  await scenario('drop', { dropRate: 0.05 }, (h) => c(h).gaps > 0 && c(h).resyncs > 0);
});

test('duplicated updates: caught as a broken chain (futures) or a stale seq (spot)', async () => {
  await scenario('duplicate', { duplicateRate: 0.05 }, (h) => c(h).gaps + c(h).stale > 0);
});

test('reordered updates: caught and resynced', async () => {
  await scenario('reorder', { reorderRate: 0.05 }, (h) => c(h).gaps + c(h).stale > 0);
});

test('corrupted checksums: the engine catches the CRC mismatch and the feed resubscribes', async () => {
  await scenario('checksum', { corruptChecksumRate: 0.05 }, (h) => h.instruments[1].counter('checksumFail') > 0 && c(h).engineResyncs > 0);
});

test('malformed JSON: counted and skipped, the lost update shows up as a gap', async () => {
  await scenario('malformed', { malformedRate: 0.05 }, (h) => c(h).malformed > 0 && c(h).resyncs > 0);
});

test('disconnects: reconnect, resubscribe, fresh snapshots', async () => {
  await scenario('disconnect', { disconnectEverySec: 1 }, (h) => c(h).disconnects > 0 && c(h).snapshots >= 4, 20);
});

test('stalls, latency and jitter: nothing is lost, order is kept', async () => {
  await scenario('stall+latency', { stallMs: 300, stallEverySec: 1, latencyMs: 2, jitterMs: 3 }, (ex) => c(ex).frames > 100, 40);
});

test('clock skew: the exchange timestamps move, the book does not care', async () => {
  await scenario(
    'skew',
    { clockSkewMs: -2500 },
    (h, ex) => {
      const m = ex.market('USDT-FUTURES', 'BTCUSDT')!;
      const s = h.instruments[0].lastSignal();
      // the data timestamps are the exchange's (simulated) time shifted by the skew, exactly
      return s.valid && s.seq === BigInt(m.seq) && s.exchTs === BigInt(m.model.nowMs - 2500) * 1_000_000n;
    },
    20,
  );
});

test('soak: every fault at once, bounded; no crash, every resync completes, books equal at the end', async () => {
  await scenario(
    'soak',
    {
      dropRate: 0.02,
      duplicateRate: 0.02,
      reorderRate: 0.02,
      corruptChecksumRate: 0.02,
      malformedRate: 0.02,
      disconnectEverySec: 3,
      stallMs: 200,
      stallEverySec: 2,
      latencyMs: 1,
      jitterMs: 2,
      clockSkewMs: 700,
    },
    (h) => c(h).gaps > 0 && c(h).malformed > 0 && c(h).disconnects > 0,
    600,
  );
});

test.run();
