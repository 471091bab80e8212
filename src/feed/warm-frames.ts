// Keeps the feed's code hot between market messages, on nothing live. At 100 messages/s the thread sleeps ~10 ms
// between frames and the next one finds the decoder's code and data evicted and the JIT's work not yet done (decode
// took 10× as long per frame as at 5,000/s: docs/tuning.md, "Keeping the hot path warm"). This runs frames of its
// own, made from the instrument's grid, through a FeedSession of its own (the live one's class and decoder, so the
// same code, from onFrame to the publish), onto rings of its own:
//
// - the rings live in this thread's scratch slot, in the part the frame decoder leaves to tools (Core.text), which no
//   other thread reads and nothing on the feed's thread uses: the market ring, the capture ring and their indices are
//   never touched;
// - the records carry instrument WARM_INST (the engine's last index), whose decoder config and control line no live
//   instrument uses (a session of 64 instruments gets no warmer);
// - the decoder's out struct is the live one's, rewritten by the next live scan before anything reads it (the live
//   path reads it only inside its own onFrame, and a warm step never runs inside one).
import { Ring, REC_SHIFT, SIG_SHIFT, RING_HEADER, SCRATCH_SLOT, SCRATCH_TEXT, type Core } from '../core/index';
import { MonotonicClock } from '../core/clock';
import { FrameKind, type FrameDecoder } from './decoder';
import { FeedSession, type FeedSessionOptions } from './feed-session';
import type { EngineWarmer } from '../core/engine-warm';
import type { InstrumentGrid } from './instruments';

/** The instrument index of the warm frames' records (and of the scratch engine's one instrument). */
export const WARM_INST = 63;
/** The scratch rings: 64 records of 64 bytes for the market and the capture copy (a warm frame makes 9), 64 outputs. */
const RECORD_LOG2 = 6;
export const WARM_SIGNAL_LOG2 = 6;
/** Levels per side in a warm frame (a typical `books` update carries a few). */
const WARM_LEVELS = 4;

/** The scratch rings' offsets in a core's tools area (`Core.text`): market-shaped, capture-shaped, signal-shaped. */
export function warmRingOffsets(core: Core): { market: number; capture: number; signal: number } {
  const market = core.text;
  const capture = market + RING_HEADER + (1 << (RECORD_LOG2 + REC_SHIFT));
  const signal = capture + RING_HEADER + (1 << (RECORD_LOG2 + REC_SHIFT));
  const end = signal + RING_HEADER + (1 << (WARM_SIGNAL_LOG2 + SIG_SHIFT));
  if (end > core.scratch + SCRATCH_SLOT || market < core.scratch + SCRATCH_TEXT) throw new Error('warm rings do not fit the tools area');
  return { market, capture, signal };
}

/** `steps` grid steps as the exchange writes them (plain decimal at `scale` decimals). */
function decimal(steps: number, step: bigint, scale: number): string {
  const s = (BigInt(steps) * step).toString().padStart(scale + 1, '0');
  const int = s.slice(0, s.length - scale);
  const frac = s.slice(s.length - scale);
  return scale ? `${int}.${frac}` : int;
}

export interface FeedWarmerOptions {
  /** Copy the warm records to a scratch capture ring too, as the live session does while recording. */
  capture: boolean;
  /** The live session's beforePublish, made for the scratch market ring (the same code, stamping nothing shared). */
  beforePublish?(market: Ring): (first: number, n: number) => void;
}

export class FeedWarmer {
  /** The scratch market-shaped ring the warm frames' records go to (this thread produces and consumes it). */
  readonly ring: Ring;
  /** The scratch session the warm frames go through (its counters are its own). */
  readonly session: FeedSession;
  private readonly capture: Ring | null;
  private checksums = [0, 0];
  private frames: Uint8Array[];
  private readonly snapshotFrame: Uint8Array;
  /** The update to send next (0: A, 1: B); -1: the scratch session needs the snapshot first. */
  private next = -1;
  private resyncs = 0;
  private readonly encoder = new TextEncoder();

  constructor(
    core: Core,
    private readonly decoder: FrameDecoder,
    private readonly grid: InstrumentGrid,
    o: FeedWarmerOptions,
  ) {
    const at = warmRingOffsets(core);
    core.x.ringInit(at.market, RECORD_LOG2, REC_SHIFT);
    this.ring = new Ring(core, at.market);
    if (o.capture) core.x.ringInit(at.capture, RECORD_LOG2, REC_SHIFT);
    this.capture = o.capture ? new Ring(core, at.capture) : null;
    const options: FeedSessionOptions = {
      resubscribe: () => {},
      watchControl: true, // WARM_INST's control line: no engine raises it (the scratch engine has no control lines)
      capture: this.capture ?? undefined,
      beforePublish: o.beforePublish?.(this.ring),
    };
    this.session = new FeedSession(
      core,
      this.ring,
      decoder,
      new MonotonicClock(),
      [{ inst: WARM_INST, grid, channels: ['books'] }],
      options,
    );
    this.snapshotFrame = this.frame('snapshot', 0, 0);
    this.frames = [this.frame('update', 1, 0), this.frame('update', 2, 0)];
  }

  /**
   * A `books` push for the grid: WARM_LEVELS levels a side around one price, the sizes of version `v` (each update
   * sets the same levels, so the scratch book after update v is always the same book and its checksum is fixed). The
   * updates chain in a loop (A: seq 2 after 1, B: seq 1 after 2), so the scratch session accepts them for ever.
   */
  private frame(action: 'snapshot' | 'update', v: number, checksum: number): Uint8Array {
    const g = this.grid;
    const mid = 1_000_000;
    const level = (tick: number, i: number) =>
      `["${decimal(tick, g.priceStep, g.priceScale)}","${decimal(1 + i + v * 3, g.sizeStep, g.sizeScale)}"]`;
    const asks: string[] = [];
    const bids: string[] = [];
    for (let i = 0; i < WARM_LEVELS; i++) {
      asks.push(level(mid + 1 + i, i));
      bids.push(level(mid - 1 - i, i));
    }
    const seq = action === 'snapshot' ? 1 : v === 1 ? 2 : 1;
    const pseq = action === 'snapshot' ? 0 : v === 1 ? 1 : 2;
    const ts = Date.now();
    const text =
      `{"action":"${action}","arg":{"instType":"${g.instType}","channel":"books","instId":"${g.symbol}"},` +
      `"data":[{"asks":[${asks.join(',')}],"bids":[${bids.join(',')}],"checksum":${checksum},"seq":${seq},"pseq":${pseq},"ts":"${ts}"}],"ts":${ts}}`;
    return this.encoder.encode(text);
  }

  /** The scratch book's checksums after each update: the updates carry them from now on, so verifying them passes. */
  setChecksums(a: number, b: number): void {
    this.checksums = [a, b];
    this.frames = [this.frame('update', 1, a), this.frame('update', 2, b)];
    this.next = -1; // the scratch session starts its chain at the snapshot
  }

  /**
   * Start-up, before the checksums are known: decodes a warm frame (the snapshot, else the updates in turn) straight
   * into the scratch ring with the decoder, no session, and publishes it there; returns the record count.
   */
  decode(snapshot: boolean, verifyChecksum: boolean): number {
    const d = this.decoder;
    if (d.scan(snapshot ? this.snapshotFrame : this.frames[(this.next = this.next === 0 ? 1 : 0)], 0, 0) !== FrameKind.push) return 0;
    const n = d.books(this.ring.base, WARM_INST, true, verifyChecksum);
    if (n > 0) this.ring.publish(n);
    return Math.max(0, n);
  }

  /**
   * One warm frame through the scratch session (the snapshot when `snapshot`, or whenever the session lost its chain;
   * else the next update): its records land on the scratch ring (and the scratch capture ring), published. The caller
   * applies them or frees them (release).
   */
  step(snapshot = false): void {
    const s = this.session;
    if (snapshot || this.next < 0 || s.counters.resyncs !== this.resyncs) {
      this.resyncs = s.counters.resyncs;
      this.next = 0;
      s.onFrame(this.snapshotFrame);
      return;
    }
    const f = this.frames[this.next];
    this.next ^= 1;
    s.onFrame(f);
  }

  /** Whether the updates carry the scratch book's checksums yet. */
  get checksummed(): boolean {
    return this.checksums[0] !== 0 || this.checksums[1] !== 0;
  }

  /** Frees the scratch capture ring, and the scratch market ring too when `market` (no scratch engine reads it). */
  release(market: boolean): void {
    const c = this.capture;
    if (c) {
      const n = c.readable(1 << 30);
      if (n) c.release(n);
    }
    if (market) {
      const n = this.ring.readable(1 << 30);
      if (n) this.ring.release(n);
    }
  }
}

/**
 * The single-thread layout's warm step: a warm frame through the scratch session, its records applied by the scratch
 * engine (src/core/engine-warm.ts), everything freed.
 */
export class InlineWarm {
  constructor(
    readonly feed: FeedWarmer,
    readonly engine: EngineWarmer,
  ) {}

  /** Start-up: the scratch book's checksums into the warm updates (so the checksum check runs warm too), then `n` steps. */
  prime(n: number): void {
    const { feed, engine } = this;
    feed.decode(true, false);
    engine.apply(feed.ring);
    feed.decode(false, false);
    engine.apply(feed.ring);
    const a = engine.checksum();
    feed.decode(false, false);
    engine.apply(feed.ring);
    feed.setChecksums(a, engine.checksum());
    for (let i = 0; i < n; i++) this.step();
  }

  /** One warm frame through feed and engine; returns the records applied. */
  step(): number {
    this.feed.step(!this.engine.synced);
    const n = this.engine.apply(this.feed.ring);
    this.feed.release(false);
    return n;
  }
}
