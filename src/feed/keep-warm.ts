// Runs a warm step (code of our own on scratch data: src/feed/warm-frames.ts, src/core/engine-warm.ts, the gateway's
// warmOrderPath) many times at start-up, so V8 has optimised it before the first market message, and then once per
// timer tick while the thread is idle, so the next message finds that code and its data in the caches and the branch
// predictors trained (docs/tuning.md, keeping the hot path warm). A tick that finds activity since the last one skips
// its step: the live path is keeping the code warm itself.
/** Warm steps at start-up (~0.1 s in all): enough for V8 to have optimised every function of the step. */
export const WARM_PRIME_STEPS = 3000;

export interface KeepWarmOptions {
  /** One warm step: must touch nothing live (no book, ring, socket or log another part reads). */
  step(): void;
  /** A number that changes whenever live work has run (frames read, signals handled). */
  activity(): number;
  /** Idle ticks, ms (default 1). */
  everyMs?: number;
}

export class KeepWarm {
  /** Warm steps run while idle (after prime). */
  idleSteps = 0;
  private timer: NodeJS.Timeout | null = null;
  private seen = Number.NaN;

  constructor(private readonly o: KeepWarmOptions) {}

  /** Start-up: `n` warm steps in a row (V8 optimises a function after a few thousand calls at most). */
  prime(n: number): void {
    for (let i = 0; i < n; i++) this.o.step();
  }

  /** Keeps warm from now on, until stop(); does not keep the process alive. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      const a = this.o.activity();
      if (a === this.seen) {
        this.o.step();
        this.idleSteps++;
      }
      this.seen = a;
    }, this.o.everyMs ?? 1);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
