// Keeps the feed's decoding hot between market messages, on nothing live. At 100 messages/s the thread sleeps ~10 ms
// between frames and the next one finds the decoder's code and data evicted and the JIT's work not yet done (decode
// took 10× as long per frame as at 5,000/s: docs/tuning.md, "Keeping the hot path warm"). This decodes frames of its
// own, made from the instrument's grid, with the live decoder's code into a ring of its own, through a decoder config
// slot of its own:
//
// - the ring lives in this thread's scratch slot, in the part the frame decoder leaves to tools (Core.text), which no
//   other thread reads and nothing on the feed's thread uses: the market ring, the capture ring and their indices are
//   never touched;
// - the records carry instrument WARM_INST (the engine's last index), whose config the live feed never uses (a
//   session of 64 instruments gets no warmer);
// - the decoder's out struct is the live one's, rewritten by the next live scan before anything reads it (the live
//   path reads it only inside onFrame, and a warm step never runs inside onFrame).
import { Ring, R, REC_SHIFT, SIG_SHIFT, RING_HEADER, SCRATCH_SLOT, SCRATCH_TEXT, type Core } from '../core/index';
import { FrameKind, type FrameDecoder } from './decoder';
import type { InstrumentGrid } from './instruments';

/** The instrument index of the warm frames' records (and of the scratch engine's one instrument). */
export const WARM_INST = 63;
/** The scratch rings: 64 records of 64 bytes (a warm frame makes 9), and 64 output records of 256 bytes. */
const MARKET_LOG2 = 6;
export const WARM_SIGNAL_LOG2 = 6;
/** Levels per side in a warm frame (a typical `books` update carries a few). */
const WARM_LEVELS = 4;

/** The scratch rings' offsets in a core's tools area (`Core.text`): a market-shaped one, then a signal-shaped one. */
export function warmRingOffsets(core: Core): { market: number; signal: number } {
  const market = core.text;
  const signal = market + RING_HEADER + (1 << (MARKET_LOG2 + REC_SHIFT));
  const end = signal + RING_HEADER + (1 << (WARM_SIGNAL_LOG2 + SIG_SHIFT));
  if (end > core.scratch + SCRATCH_SLOT || market < core.scratch + SCRATCH_TEXT) throw new Error('warm rings do not fit the tools area');
  return { market, signal };
}

/** `steps` grid steps as the exchange writes them (plain decimal at `scale` decimals). */
function decimal(steps: number, step: bigint, scale: number): string {
  const s = (BigInt(steps) * step).toString().padStart(scale + 1, '0');
  const int = s.slice(0, s.length - scale);
  const frac = s.slice(s.length - scale);
  return scale ? `${int}.${frac}` : int;
}

export class FeedWarmer {
  /** The scratch market-shaped ring the warm frames are decoded into (this thread produces and consumes it). */
  readonly ring: Ring;
  /** The two update frames' checksums (0 until the scratch book has told them: see setChecksums). */
  private checksums = [0, 0];
  private frames: Uint8Array[];
  private readonly snapshotFrame: Uint8Array;
  private next = 0;
  private readonly encoder = new TextEncoder();
  /** Warm frames decoded (a test reads it). */
  steps = 0;

  constructor(
    private readonly core: Core,
    private readonly decoder: FrameDecoder,
    private readonly grid: InstrumentGrid,
  ) {
    const { market } = warmRingOffsets(core);
    core.x.ringInit(market, MARKET_LOG2, REC_SHIFT);
    this.ring = new Ring(core, market);
    decoder.configure({ inst: WARM_INST, ...grid });
    this.snapshotFrame = this.frame('snapshot', 0, 0);
    this.frames = [this.frame('update', 1, 0), this.frame('update', 2, 0)];
  }

  /**
   * A `books` push for the grid: WARM_LEVELS levels a side around a price far from nothing in particular (the
   * scratch book has no other levels), the sizes of version `v` (each update sets the same levels, so the scratch
   * book after update v is always the same book and its checksum is fixed).
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
    const ts = Date.now();
    const text =
      `{"action":"${action}","arg":{"instType":"${g.instType}","channel":"books","instId":"${g.symbol}"},` +
      `"data":[{"asks":[${asks.join(',')}],"bids":[${bids.join(',')}],"checksum":${checksum},"seq":${v + 1},"ts":"${ts}"}],"ts":${ts}}`;
    return this.encoder.encode(text);
  }

  /** The scratch book's checksums after each update frame: later updates carry them, so verifying them passes. */
  setChecksums(a: number, b: number): void {
    this.checksums = [a, b];
    this.frames = [this.frame('update', 1, a), this.frame('update', 2, b)];
  }

  /**
   * Decodes the next warm frame (the snapshot when `snapshot`, else the two updates in turn) into the scratch ring and
   * publishes its records there; returns how many (the caller applies and releases them, or just releases them).
   */
  decode(snapshot = false, verifyChecksum = true): number {
    const d = this.decoder;
    const data = snapshot ? this.snapshotFrame : this.frames[this.next];
    if (!snapshot) this.next ^= 1;
    const words = this.core.words;
    // the live path's reads of the scan's result, so their code is warm too
    if (d.scan(data, 0, this.steps) !== FrameKind.push || d.channel !== 'books' || d.instId !== this.grid.symbol) return 0;
    void d.instType;
    void d.action;
    const n = d.books(this.ring.base, WARM_INST, true, verifyChecksum && this.checksums[0] !== 0);
    if (n <= 0) return 0;
    const at = this.ring.slot(this.ring.head + n - 1);
    void words[(at + R.localTs + 4) >> 2];
    this.ring.publish(n);
    this.steps++;
    return n;
  }

  /** Frees every record of the scratch ring (when no scratch engine consumes them). */
  release(): void {
    const n = this.ring.readable(1 << 30);
    if (n) this.ring.release(n);
  }
}
