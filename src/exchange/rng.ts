// Seeded randomness for the simulator: mulberry32 plus the few distributions the order-flow model and the fault
// injector draw from. WHEN TO USE: everywhere the exchange needs chance; Math.random is never used, so one seed
// reproduces a whole run.

import { mulberry32 } from '../random/mulberry32';

export { mulberry32 };

/**
 * A 32-bit seed derived from a parent seed and labels (FNV-1a over the labels, then a murmur finaliser), so each
 * symbol or connection gets its own independent stream and adding a symbol does not shift the others.
 */
export function deriveSeed(seed: number, ...labels: (string | number)[]): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  const text = labels.join('\u0000');
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** Distributions over one mulberry32 stream. Every method consumes a fixed, documented number of draws or a loop. */
export class Rng {
  readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. Always consumes one draw (so enabling a fault does not shift other draws). */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Exponential waiting time for a Poisson process of `rate` events per unit; Infinity when rate is 0. */
  exp(rate: number): number {
    if (!(rate > 0)) return Infinity;
    return -Math.log(1 - this.next()) / rate;
  }

  /** Pareto(xmin = 1, alpha) draw ≥ 1: the heavy tail used for distances and sizes. */
  pareto(alpha: number): number {
    return Math.pow(1 - this.next(), -1 / alpha);
  }

  /** Poisson count with the given mean (Knuth's product method in chunks of mean ≤ 20, exact in distribution). */
  poisson(mean: number): number {
    let n = 0;
    while (mean > 0) {
      const m = Math.min(mean, 20);
      mean -= m;
      const limit = Math.exp(-m);
      let p = this.next();
      while (p > limit) {
        n++;
        p *= this.next();
      }
    }
    return n;
  }
}
