// A single-thread feed → engine pipeline over one memory, for tests: frames in, books and signals out.
import { Engine, Ring, readSignal, type Core } from '../../src/core/index';
import { FrameDecoder } from '../../src/feed/decoder';
import { FeedSession, type FeedInstrument } from '../../src/feed/feed-session';
import { ManualClock } from '../../src/core/clock';
import type { ChannelArg } from '../../src/feed/client';
import { testCore } from './core';

export interface Harness {
  core: Core;
  session: FeedSession;
  engine: Engine;
  market: Ring;
  signal: Ring;
  clock: ManualClock;
  resubscribed: ChannelArg[];
  errors: Array<{ code: number; msg: string }>;
  logs: string[];
  /** Feeds one frame (string or bytes) and runs the engine over whatever the feed published. */
  push(frame: string | Uint8Array): void;
  /** Moves the session's millisecond clock on by `ms` (no frame), then polls it. */
  wait(ms: number): void;
  /** Output records of the engine since the last call: kinds and, for status records, their codes. */
  take(): Array<{ kind: number; code: number; at: number }>;
}

export async function harness(instruments: FeedInstrument[], opts: { watchControl?: boolean } = {}): Promise<Harness> {
  const core = await testCore();
  const engine = new Engine(core, 64, { control: true });
  for (const fi of instruments) {
    const inst = engine.addInstrument(fi.inst, { ...fi.grid, levelsPerSide: 4096 });
    inst.configure({});
  }
  const market = new Ring(core, core.ringOffset('market'));
  const signal = new Ring(core, core.ringOffset('signal'));
  const clock = new ManualClock(1_800_000_000_000_000_000n);
  const resubscribed: ChannelArg[] = [];
  const errors: Array<{ code: number; msg: string }> = [];
  const logs: string[] = [];
  let nowMs = 0;
  const session = new FeedSession(core, market, new FrameDecoder(core), clock, instruments, {
    resubscribe: (a) => resubscribed.push(a),
    onExchangeError: (e) => errors.push(e),
    log: (l) => logs.push(l),
    nowMs: () => nowMs,
    watchControl: opts.watchControl ?? true,
  });
  const enc = new TextEncoder();
  return {
    core,
    session,
    engine,
    market,
    signal,
    clock,
    resubscribed,
    errors,
    logs,
    push(frame) {
      nowMs += 1;
      clock.advance(1_000_000n);
      session.onFrame(typeof frame === 'string' ? enc.encode(frame) : frame);
      while (engine.drain(market, signal, 1 << 16) > 0);
      session.poll();
    },
    wait(ms) {
      nowMs += ms;
      session.poll();
    },
    take() {
      const n = signal.readable(1 << 20);
      const out = [];
      for (let i = 0; i < n; i++) {
        const at = signal.slot(signal.tail + i);
        const kind = core.bytes[at];
        out.push({ kind, code: kind === 5 ? core.words[(at + 40) >> 2] : 0, at }); // status code lives in seq
      }
      signal.release(n);
      return out;
    },
  };
}

export { readSignal };
