// Config durations (numbers of ns) as bigints, to compare with the machine's clock. BigInt(number) is a runtime call
// that allocates (~110 ns on Node 20, twenty times a bigint comparison in optimised code) and the machine needs
// the same few durations on nearly every event. Each call site keeps one NsBig: it sees the same config value
// event after event, so the conversion runs once per value.

export class NsBig {
  private n = NaN;
  private b = 0n;

  /** BigInt(ns), reusing the last answer for the same ns; throws as BigInt does for a value that is not an integer. */
  of(ns: number): bigint {
    if (ns !== this.n) {
      this.b = BigInt(ns);
      this.n = ns;
    }
    return this.b;
  }
}
