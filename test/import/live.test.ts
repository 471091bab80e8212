// The imported book equals the book the same frames give live: the v2 fixture's frames are served by a scripted
// Bitget on loopback (REST metadata and server time, a WebSocket that pushes the frames after the subscribe and
// closes the connection where the fixture has its empty line) to the real live pipeline — feed, engine and recorder
// threads — and recorded. Replayed through the core, the live recording and the import give the same book after every
// message while the book is trusted (the live engine may take a few more frames before the feed hears of its
// checksum failure: it ignores them, unsynced), and the same trades.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { Kind } from '../../src/core/index';
import { MarketPipeline } from '../../src/feed/pipeline';
import { importTardis } from '../../src/import/import';
import { testCore } from '../helpers/core';
import { BTC, V2, WASM, bookStates, readRecords, rowsOfKind, tmp } from './helpers';

// a bound on a failure only: a busy 2-core machine starts the pipeline's threads slowly
async function until(what: string, cond: () => boolean, ms = 60_000, state = () => ''): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.unreachable(`timed out waiting for ${what}${state()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The fixture's messages, split where the collector lost its connection. */
function segments(): string[][] {
  const out: string[][] = [[]];
  for (const line of readFileSync(V2, 'utf8').split('\n')) {
    if (line === '') {
      if (out[out.length - 1].length) out.push([]);
      continue;
    }
    const m = /^\{"localTimestamp":"[^"]+","message":(.*)\}$/.exec(line);
    out[out.length - 1].push(m![1]);
  }
  return out.filter((s) => s.length);
}

test('the imported book equals the book the same frames give the live pipeline', async () => {
  const segs = segments();
  assert.is(segs.length, 2);
  const total = segs.reduce((a, s) => a + s.length, 0);

  const http = createServer((req, res) => {
    res.setHeader('Content-Type', 'application/json');
    if (req.url!.startsWith('/api/v2/mix/market/contracts')) {
      res.end(
        JSON.stringify({
          code: '00000',
          data: [
            {
              symbol: 'BTCUSDT',
              pricePlace: '1',
              priceEndStep: '1',
              volumePlace: '3',
              sizeMultiplier: '0.001',
              makerFeeRate: '0.0002',
              takerFeeRate: '0.0006',
            },
          ],
        }),
      );
    } else if (req.url!.startsWith('/api/v2/public/time')) {
      res.end(JSON.stringify({ code: '00000', data: { serverTime: String(Date.now()) } }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  let connection = 0;
  const conns: WebSocket[] = [];
  wss.on('connection', (ws) => {
    conns.push(ws);
    const seg = segs[connection++] ?? [];
    let sent = false;
    ws.on('message', (d) => {
      const text = d.toString();
      if (text === 'ping') {
        ws.send('pong');
        return;
      }
      if (sent || !text.includes('"subscribe"')) return; // resubscribes after a gap are not answered here
      sent = true;
      for (const frame of seg) ws.send(frame);
      // where the fixture has its empty line. A close, not terminate(): terminate destroys the socket at once and
      // drops frames still queued behind it (the last trade went missing on a busy machine)
      if (connection < segs.length) ws.close();
    });
  });
  const root = tmp('live-rec');
  const p = await MarketPipeline.start({
    wsUrl: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/v2/ws/public`,
    restUrl: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    instruments: [{ instType: 'USDT-FUTURES', symbol: 'BTCUSDT' }],
    statsEveryMs: 20,
    record: { root, flushMs: 100, rollMs: 3_600_000, clockEveryMs: 3_600_000, source: 'simulator' },
  });
  const drain = setInterval(() => p.read(() => {}), 10);
  try {
    // pongs are frames too: a frame lost on the way must not be made up for by the answers to the client's pings
    const pushes = () => (p.feedStats?.counters.frames ?? 0) - (p.feedStats?.counters.pongs ?? 0);
    await until(
      `all ${total} frames through the live feed`,
      () => pushes() >= total,
      60_000,
      () => ` (${pushes()} frames seen, ${connection} connections of ${segs.length} segments)`,
    );
  } finally {
    clearInterval(drain);
    await p.stop();
    for (const c of conns) c.terminate();
    wss.close();
    http.close();
  }
  const imported = tmp('live-imp');
  await importTardis({ inputs: [V2], out: imported, grids: [BTC], rollNs: 3_600_000_000_000n, maxRows: 1_000_000, wasm: WASM });

  const live = await readRecords(root);
  const imp = await readRecords(imported);
  const liveBooks = bookStates(await testCore(), BTC, live.words, live.rows);
  const impBooks = bookStates(await testCore(), BTC, imp.words, imp.rows);
  assert.ok(impBooks.length > 20, `${impBooks.length} trusted book states`);
  assert.equal(liveBooks, impBooks, 'the same book after every message while trusted');
  assert.equal(rowsOfKind(live.words, live.rows, Kind.trade), rowsOfKind(imp.words, imp.rows, Kind.trade), 'the same trades');
  const clears = (w: Int32Array, n: number) => rowsOfKind(w, n, Kind.bookClear).length;
  assert.is(clears(live.words, live.rows), clears(imp.words, imp.rows), 'the same snapshots');
});

test.run();
