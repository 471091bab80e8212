// Keeping the feed and engine warm (src/feed/warm-frames.ts, src/core/engine-warm.ts) on scratch data only: warm
// steps between live frames leave the live rings, books, counters and every output record exactly as without them,
// and the scratch session and book accept every warm frame (the chain holds and the checksums pass, so that code runs
// warm too).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REC_SIZE } from '../../src/core/index';
import { gridFromSpotSymbol } from '../../src/feed/instruments';
import { FeedWarmer, InlineWarm, WARM_INST, WARM_SIGNAL_LOG2, warmRingOffsets } from '../../src/feed/warm-frames';
import { EngineWarmer } from '../../src/core/engine-warm';
import { KeepWarm } from '../../src/feed/keep-warm';
import { harness, type Harness } from '../helpers/feed';
import { FIXTURES } from '../helpers/bitget';

const [snap, upd] = readFileSync(join(FIXTURES, 'spot-a2zusdt-books-checksum.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim());
const a2z = gridFromSpotSymbol({ symbol: 'A2ZUSDT', pricePrecision: '6', quantityPrecision: '1' });

function warmers(h: Harness, capture: boolean): InlineWarm {
  const feed = new FeedWarmer(h.core, h.session.decoder, a2z, { capture });
  const engine = new EngineWarmer(h.core, WARM_INST, a2z, warmRingOffsets(h.core).signal, WARM_SIGNAL_LOG2);
  const w = new InlineWarm(feed, engine);
  w.prime(10);
  return w;
}

/** The live side's state: ring indices, the book, the engine's and the feed's counters, and the output records. */
function live(h: Harness, out: number[][]) {
  const inst = h.engine.instrument(0);
  return {
    market: [h.market.head, h.market.tail],
    signal: [h.signal.head, h.signal.tail],
    book: inst.book.top(25),
    checksum: inst.book.checksum(),
    counters: inst.counters(),
    feed: { ...h.session.counters },
    out,
  };
}

async function run(withWarm: boolean, capture = false) {
  const h = await harness([{ inst: 0, grid: a2z, channels: ['books'] }]);
  const w = withWarm ? warmers(h, capture) : null;
  const out: number[][] = [];
  const take = () => {
    const n = h.signal.readable(1 << 20);
    for (let i = 0; i < n; i++) {
      const at = h.signal.slot(h.signal.tail + i);
      out.push([...h.core.bytes.subarray(at, at + 2 * REC_SIZE)]);
    }
    h.signal.release(n);
  };
  for (const frame of [snap, upd, snap, upd]) {
    for (let i = 0; w && i < 200; i++) w.step();
    h.push(frame);
    take();
  }
  return { h, w, state: live(h, out) };
}

test('warm steps between live frames change nothing live: rings, book, counters and output records are the same', async () => {
  const cold = await run(false);
  const warm = await run(true);
  const warmCapture = await run(true, true);
  assert.equal(warm.state, cold.state);
  assert.equal(warmCapture.state, cold.state);
  assert.ok(warm.state.out.length > 0);
  assert.ok(warm.state.counters.checksumOk > 0, 'the live checksum still passes');
});

test('the scratch session and book accept every warm frame: no resync, every checksum passes', async () => {
  const { w } = await run(true, true);
  const c = w!.engine.instrument.counters();
  const s = w!.feed.session.counters;
  assert.ok(w!.engine.synced);
  assert.ok(w!.feed.checksummed);
  assert.ok(c.checksumOk >= 800, `checksumOk ${c.checksumOk}`);
  assert.is(c.checksumFail, 0);
  assert.is(c.outDrops, 0);
  assert.is(s.snapshots, 1, 'one snapshot, then updates only');
  assert.is(s.resyncs + s.gaps + s.stale + s.badFrames + s.captureDrops, 0);
  assert.is(s.bookMessages, 810);
  assert.is(w!.feed.ring.size, 0, 'every warm record was applied and freed');
});

test('KeepWarm primes n steps in a row and none of them counts as idle', () => {
  let steps = 0;
  const k = new KeepWarm({ step: () => steps++, activity: () => 0 });
  k.prime(25);
  assert.is(steps, 25);
  assert.is(k.idleSteps, 0);
  k.stop();
});

test.run();
