// The real WebSocket client, feed session and engine on one thread against a (local) exchange: every frame is
// decoded, applied and checked before the next, so tests can compare books with the exchange's true book safely.
import { Engine, Ring, type Core, type Instrument } from '../../src/core/index';
import { FrameDecoder } from '../../src/feed/decoder';
import { FeedSession, type Channel } from '../../src/feed/feed-session';
import { BitgetWsClient } from '../../src/feed/client';
import { MonotonicClock } from '../../src/core/clock';
import { fetchGrids, type InstType, type InstrumentGrid } from '../../src/feed/instruments';
import { testCore } from './core';

export interface Live {
  core: Core;
  session: FeedSession;
  client: BitgetWsClient;
  grids: InstrumentGrid[];
  instruments: Instrument[];
  logs: string[];
  /** Resolves true as soon as `cond` holds after a frame (or at once), false after `ms` without it. */
  until(cond: () => boolean, ms: number): Promise<boolean>;
  /** Top-25 check string of instrument i as the exchange's wire strings (the engine's book printed back). */
  top(i: number): string;
  stop(): void;
}

export async function live(
  url: { ws: string; rest: string },
  want: Array<{ instType: InstType; symbol: string; channels?: Channel[] }>,
  opts: { pingMs?: number; backoffMaxMs?: number } = {},
): Promise<Live> {
  const core = await testCore();
  const grids: InstrumentGrid[] = [];
  for (const w of want) grids.push(...(await fetchGrids(url.rest, w.instType, [w.symbol])));
  const engine = new Engine(core, 64, { control: true });
  const instruments = grids.map((g, i) => {
    const inst = engine.addInstrument(i, { ...g, levelsPerSide: 8192 });
    inst.configure({});
    return inst;
  });
  const market = new Ring(core, core.ringOffset('market'));
  const signal = new Ring(core, core.ringOffset('signal'));
  const logs: string[] = [];
  let client: BitgetWsClient;
  const session = new FeedSession(
    core,
    market,
    new FrameDecoder(core),
    new MonotonicClock(),
    grids.map((grid, i) => ({ inst: i, grid, channels: want[i].channels ?? ['books'] })),
    {
      resubscribe: (a) => client.resubscribe(a),
      log: (l) => logs.push(l),
      watchControl: true,
      snapshotTimeoutMs: 3000,
    },
  );
  const waiters = new Set<() => void>();
  client = new BitgetWsClient({
    url: url.ws,
    log: (l) => logs.push(l),
    pingMs: opts.pingMs,
    backoffBaseMs: 20,
    backoffMaxMs: opts.backoffMaxMs ?? 200,
    onDown: () => session.onDisconnect(),
    onFrame: (data) => {
      session.onFrame(data);
      while (engine.drain(market, signal, 1 << 16) > 0) signal.release(signal.readable(1 << 20));
      session.poll();
      for (const w of waiters) w();
    },
  });
  client.subscribe(session.args());
  client.start();
  return {
    core,
    session,
    client,
    grids,
    instruments,
    logs,
    until(cond, ms) {
      if (cond()) return Promise.resolve(true);
      return new Promise((resolve) => {
        const check = () => {
          if (!cond()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(true);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          resolve(false);
        }, ms);
        waiters.add(check);
      });
    },
    top: (i) => instruments[i].book.formatTop(25),
    stop: () => client.stop(),
  };
}

/** The exchange's true top-25 check string, from its debug view. */
export function trueTop(levels: { bids: [string, string][]; asks: [string, string][] }): string {
  const parts: string[] = [];
  for (let i = 0; i < 25; i++) {
    if (levels.bids[i]) parts.push(levels.bids[i][0], levels.bids[i][1]);
    if (levels.asks[i]) parts.push(levels.asks[i][0], levels.asks[i][1]);
  }
  return parts.join(':');
}
