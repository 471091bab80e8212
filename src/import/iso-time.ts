// Tardis's local timestamps ("2019-06-01T00:03:03.1238784Z": ISO 8601, UTC, up to 9 fraction digits) to exact ns
// as two 32-bit halves, straight from the line's bytes. The seconds part changes about once per thousand lines, so
// its ns value is computed once (with BigInt) and kept; each line only adds its fraction.

const TWO32 = 4294967296;

export class IsoTime {
  hi = 0;
  lo = 0;
  private readonly key = new Uint8Array(19);
  private keyed = false;
  private baseHi = 0;
  private baseLo = 0;

  /**
   * Parses the timestamp at bytes [at, end) of `b`; sets hi/lo and returns true, or false when it is not of the form
   * YYYY-MM-DDTHH:MM:SS[.fraction]Z.
   */
  parse(b: Uint8Array, at: number, end: number): boolean {
    if (end - at < 20 || b[end - 1] !== 0x5a /* Z */) return false;
    const k = this.key;
    let same = this.keyed;
    for (let i = 0; i < 19 && same; i++) same = b[at + i] === k[i];
    if (!same && !this.seconds(b, at)) return false;
    let frac = 0;
    let p = at + 19;
    const stop = end - 1;
    if (p < stop) {
      if (b[p] !== 0x2e /* . */ || stop - p - 1 > 9 || stop - p - 1 < 1) return false;
      p++;
      let digits = 0;
      for (; p < stop; p++) {
        const d = b[p] - 0x30;
        if (d < 0 || d > 9) return false;
        frac = frac * 10 + d;
        digits++;
      }
      for (; digits < 9; digits++) frac *= 10;
    }
    let lo = this.baseLo + frac;
    let hi = this.baseHi;
    if (lo >= TWO32) {
      lo -= TWO32;
      hi += 1;
    }
    this.hi = hi;
    this.lo = lo;
    return true;
  }

  get ns(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  private seconds(b: Uint8Array, at: number): boolean {
    const n = (i: number, len: number): number => {
      let v = 0;
      for (let j = 0; j < len; j++) {
        const d = b[at + i + j] - 0x30;
        if (d < 0 || d > 9) return NaN;
        v = v * 10 + d;
      }
      return v;
    };
    if (b[at + 4] !== 0x2d || b[at + 7] !== 0x2d || b[at + 10] !== 0x54 || b[at + 13] !== 0x3a || b[at + 16] !== 0x3a) return false;
    const y = n(0, 4);
    const mo = n(5, 2);
    const d = n(8, 2);
    const h = n(11, 2);
    const mi = n(14, 2);
    const s = n(17, 2);
    if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60)) return false;
    const ms = Date.UTC(y, mo - 1, d, h, mi, s);
    if (!Number.isFinite(ms) || ms < 0 || new Date(ms).getUTCDate() !== d) return false;
    const base = BigInt(ms) * 1_000_000n;
    this.baseHi = Number(base >> 32n);
    this.baseLo = Number(base & 0xffffffffn);
    this.key.set(b.subarray(at, at + 19));
    this.keyed = true;
    return true;
  }
}

/**
 * ns since the epoch as the ISO 8601 UTC time an input writes (to the ns: `2026-05-01T00:00:01.002949900Z`), so an
 * error about a line's time can be matched against the line by eye.
 */
export function isoNs(ns: bigint): string {
  const s = ns / 1_000_000_000n;
  const frac = ns - s * 1_000_000_000n;
  if (frac < 0n) return String(ns);
  return `${new Date(Number(s) * 1000).toISOString().slice(0, 19)}.${String(frac).padStart(9, '0')}Z`;
}
