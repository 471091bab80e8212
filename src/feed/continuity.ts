// Is a `books` update the next one, or did we miss something? Bitget's rules (docs/bitget.md §1.10):
// futures updates carry `pseq` = the previous push's `seq`; spot carries only `seq`, which must rise; `seq` does
// not step by 1. Numbers are compared as exact 64-bit values held in two 32-bit halves.

export type Verdict = 'ok' | 'gap' | 'no-snapshot' | 'stale';

/** Signed 64-bit comparison of (hi, lo) pairs; lo is unsigned. */
export function cmp64(aHi: number, aLo: number, bHi: number, bLo: number): number {
  if (aHi !== bHi) return aHi < bHi ? -1 : 1;
  return aLo === bLo ? 0 : aLo < bLo ? -1 : 1;
}

export class BookSequence {
  private live = false;
  private hi = 0;
  private lo = 0;

  get synced(): boolean {
    return this.live;
  }

  /** A snapshot starts a new chain at its seq. */
  snapshot(seqHi: number, seqLo: number): void {
    this.live = true;
    this.hi = seqHi;
    this.lo = seqLo;
  }

  /**
   * Checks an update. With `hasPseq` the rule is pseq == last seq (a pseq of 0 means the exchange restarted its
   * chain, which is a gap too); without it, seq must be above the last seq. Anything but 'ok' leaves the chain
   * broken until the next snapshot.
   */
  update(seqHi: number, seqLo: number, hasPseq: boolean, pseqHi: number, pseqLo: number): Verdict {
    if (!this.live) return 'no-snapshot';
    let verdict: Verdict = 'ok';
    if (hasPseq) {
      if (cmp64(pseqHi, pseqLo, this.hi, this.lo) !== 0) verdict = 'gap';
    } else if (cmp64(seqHi, seqLo, this.hi, this.lo) <= 0) {
      verdict = 'stale';
    }
    if (verdict !== 'ok') {
      this.live = false;
      return verdict;
    }
    this.hi = seqHi;
    this.lo = seqLo;
    return 'ok';
  }

  invalidate(): void {
    this.live = false;
  }
}
