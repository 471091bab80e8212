// Config durations (numbers of ns) as bigints, to compare with the machine's clock. BigInt(number) is a runtime call
// that allocates (~110 ns on Node 20, five times a bigint subtraction) and the machine needs the same few durations
// on nearly every event; a lookup here costs a fraction of that.

const cache = new Map<number, bigint>();

/** BigInt(ns), remembered: throws as BigInt does for a value that is not an integer. */
export function nsBig(ns: number): bigint {
  let b = cache.get(ns);
  if (b === undefined) {
    b = BigInt(ns);
    // a config has a dozen durations; an optimizer's many trials could grow the map without bound
    if (cache.size >= 1024) cache.clear();
    cache.set(ns, b);
  }
  return b;
}
