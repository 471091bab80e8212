// Replaying a recording through the same core: deterministic to the byte, the book is rebuilt exactly, and every
// recorded book message yields one signal.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startExchange } from '../../src/exchange/index';
import { MarketPipeline } from '../../src/feed/pipeline';
import { Engine, Ring, SIG_SIZE, Kind, type Core } from '../../src/core/index';
import { RecordArea } from '../../src/capture/parquet/record-groups';
import { replayFiles, replay } from '../../src/backtest/feeder';
import { listParquet } from '../../src/capture/recover';
import { testCore } from '../helpers/core';

async function until(what: string, cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.unreachable(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a recording replays through the core deterministically and rebuilds the book it recorded', async () => {
  const ex = await startExchange({ seed: 21, symbols: ['USDT-FUTURES:BTCUSDT'] });
  const root = mkdtempSync(join(tmpdir(), 'ringbook-replay-'));
  const p = await MarketPipeline.start({
    wsUrl: ex.url.ws,
    restUrl: ex.url.rest,
    instruments: [{ instType: 'USDT-FUTURES', symbol: 'BTCUSDT' }],
    record: { root, flushMs: 200, rollMs: 700, source: 'simulator' },
  });
  const drain = setInterval(() => p.read(() => {}), 10);
  // market files: the recorder's file count also holds the ticker stream's (<root>/_ticker/)
  await until('a few rolled market files', () => listParquet(root).length >= 3, 20_000);
  clearInterval(drain);
  const live = p.instruments[0];
  await p.stop();
  const liveTop = live.book.formatTop(); // the engine thread has stopped: its book is safe to read
  const liveMessages = live.counter('messages');
  await ex.close();

  const files = await replayFiles(root, 'BTCUSDT', 'USDT-FUTURES');
  assert.ok(files.length >= 3);
  const run = async () => {
    const core: Core = await testCore();
    const engine = new Engine(core, 1);
    const grid = files[0].meta;
    const inst = engine.addInstrument(0, {
      priceScale: Number(grid.price_scale),
      priceStep: BigInt(grid.price_step!),
      sizeScale: Number(grid.size_scale),
      sizeStep: BigInt(grid.size_step!),
      levelsPerSide: 8192,
    });
    inst.configure({});
    const area = new RecordArea(core);
    const out = new Ring(core, core.ringOffset('signal'));
    const signals: Uint8Array[] = [];
    const applied = await replay(files, {
      engine,
      inst: 0,
      area,
      out,
      onOutput: (ring) => {
        const n = ring.readable(1 << 20);
        for (let i = 0; i < n; i++) {
          const at = ring.slot(ring.tail + i);
          if (core.bytes[at] === Kind.signal) signals.push(core.bytes.slice(at, at + SIG_SIZE));
        }
        ring.release(n);
      },
    });
    return { applied, signals, top: inst.book.formatTop(), messages: inst.counter('messages') };
  };
  const a = await run();
  const b = await run();
  assert.is(
    a.applied,
    files.reduce((s, f) => s + f.rows, 0),
  );
  assert.is(a.signals.length, b.signals.length);
  for (let i = 0; i < a.signals.length; i++)
    if (Buffer.compare(a.signals[i], b.signals[i]) !== 0) assert.unreachable(`signal ${i} differs between two replays`);
  assert.is(a.messages, liveMessages, 'every message the live engine saw is in the recording');
  assert.is(a.top, liveTop, 'the replayed book ends exactly where the live book did');
});

test.run();
