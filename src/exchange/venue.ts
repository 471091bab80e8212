// The exchange's markets: one model and one publisher per listed instrument, advanced together on the simulated
// clock. WHEN TO USE: the single owner of simulated time; the server's driver (or a test) calls tick().
import type { Instrument, InstType } from './instruments';
import { Market, type FlowParams } from './order-flow';
import { Publisher } from './publisher';
import { deriveSeed } from './rng';

export interface VenueOptions {
  instruments: readonly Instrument[];
  seed: number;
  /** Simulated time at start, whole ms since the epoch. */
  startMs: number;
  /** Exchange clock offset added to every timestamp the exchange emits. */
  skewMs: number;
  /** Wall clock (unskewed), ms: the outer `ts` of pushes and REST times. */
  wallNow: () => number;
  /** Flow overrides applied to every symbol. */
  flow?: Partial<FlowParams>;
  /** Between funding settlements, ms; default 8 h. */
  fundingIntervalMs?: number;
}

export class Venue {
  private readonly byKey = new Map<string, Publisher>();
  private simTime: number;
  private readonly stepHooks: (() => void)[] = [];

  constructor(private readonly opts: VenueOptions) {
    this.simTime = opts.startMs;
    for (const inst of opts.instruments) {
      const key = `${inst.instType}:${inst.symbol}`;
      if (this.byKey.has(key)) throw new Error(`RB_ERR_EXCHANGE_INSTRUMENT: ${key} listed twice`);
      const model = new Market(inst, deriveSeed(opts.seed, 'market', inst.instType, inst.symbol), opts.startMs, opts.flow);
      this.byKey.set(
        key,
        new Publisher(inst, model, {
          seed: deriveSeed(opts.seed, 'seq', inst.instType, inst.symbol),
          exchNow: () => this.exchNow(),
          skewMs: opts.skewMs,
          fundingIntervalMs: opts.fundingIntervalMs,
        }),
      );
    }
  }

  /** Simulated time, ms. */
  get simMs(): number {
    return this.simTime;
  }

  get skewMs(): number {
    return this.opts.skewMs;
  }

  /** The exchange's wall clock: the injected clock plus the configured skew. */
  exchNow(): number {
    return this.opts.wallNow() + this.opts.skewMs;
  }

  get(instType: string, symbol: string): Publisher | undefined {
    return this.byKey.get(`${instType}:${symbol}`);
  }

  /** Whether any instType lists `symbol` (a real symbol under the wrong instType is acked, then silent). */
  listsSymbol(symbol: string): boolean {
    for (const p of this.byKey.values()) if (p.inst.symbol === symbol) return true;
    return false;
  }

  instruments(instType?: InstType): Instrument[] {
    return [...this.byKey.values()].map((p) => p.inst).filter((i) => instType === undefined || i.instType === instType);
  }

  publishers(): Publisher[] {
    return [...this.byKey.values()];
  }

  /**
   * Runs `hook` after every step of the models and before the publish (the private API settles own fills there, so
   * private pushes precede the public update that shows the same trades).
   */
  onStep(hook: () => void): void {
    this.stepHooks.push(hook);
  }

  /** Steps every model by dtMs of simulated time, runs the step hooks, then publishes each symbol's pushes. */
  tick(dtMs: number): void {
    this.simTime += dtMs;
    for (const p of this.byKey.values()) p.model.step(dtMs);
    for (const h of this.stepHooks) h();
    for (const p of this.byKey.values()) p.publish();
  }
}
