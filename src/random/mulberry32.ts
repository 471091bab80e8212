// mulberry32: a 32-bit state PRNG, uniform in [0, 1). Small, fast, the same sequence in every engine, so one seed
// reproduces a run: the local exchange's order flow, the optimizer's random search and a strategy's ctx.random().

/** A generator seeded with `seed` (any number; its low 32 bits are used). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
