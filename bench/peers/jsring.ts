// The plain-JavaScript peer: an SPSC ring over a SharedArrayBuffer with Atomics, built the way a careful JS
// developer would (head and tail on separate cache lines, cached opposite index, power-of-two mask, one index
// store per batch). Records are 64 bytes = 8 float64 fields.

const HEAD = 0; // Int32 index 0  (byte 0)
const TAIL = 16; // Int32 index 16 (byte 64)
const DATA = 128; // first record byte

export function jsRingStorage(capacity: number): SharedArrayBuffer {
  return new SharedArrayBuffer(DATA + capacity * 64);
}

export class JsRing {
  private readonly idx: Int32Array;
  private readonly data: Float64Array;
  private readonly mask: number;
  private cachedOther = 0;

  constructor(
    sab: SharedArrayBuffer,
    readonly capacity: number,
  ) {
    this.idx = new Int32Array(sab, 0, 32);
    this.data = new Float64Array(sab, DATA);
    this.mask = capacity - 1;
  }

  /** Producer: writes records seq..seq+k-1 (fields seq+f), k ≤ want; returns k. */
  produce(seq: number, want: number): number {
    const head = this.idx[HEAD];
    let free = this.capacity - (head - this.cachedOther);
    if (free < want) {
      this.cachedOther = Atomics.load(this.idx, TAIL);
      free = this.capacity - (head - this.cachedOther);
    }
    const k = free < want ? free : want;
    const d = this.data;
    for (let j = 0; j < k; j++) {
      const at = ((head + j) & this.mask) << 3;
      const s = seq + j;
      d[at] = s;
      d[at + 1] = s + 1;
      d[at + 2] = s + 2;
      d[at + 3] = s + 3;
      d[at + 4] = s + 4;
      d[at + 5] = s + 5;
      d[at + 6] = s + 6;
      d[at + 7] = s + 7;
    }
    if (k > 0) Atomics.store(this.idx, HEAD, head + k);
    return k;
  }

  /** Consumer: checks up to `want` records from seq on; returns [count, errors] packed as count + errors·2^32. */
  consume(seq: number, want: number, errors: { n: number }): number {
    const tail = this.idx[TAIL];
    let avail = this.cachedOther - tail;
    if (avail < want) {
      this.cachedOther = Atomics.load(this.idx, HEAD);
      avail = this.cachedOther - tail;
    }
    const k = avail < want ? avail : want;
    const d = this.data;
    for (let j = 0; j < k; j++) {
      const at = ((tail + j) & this.mask) << 3;
      const s = seq + j;
      if (
        d[at] !== s ||
        d[at + 1] !== s + 1 ||
        d[at + 2] !== s + 2 ||
        d[at + 3] !== s + 3 ||
        d[at + 4] !== s + 4 ||
        d[at + 5] !== s + 5 ||
        d[at + 6] !== s + 6 ||
        d[at + 7] !== s + 7
      )
        errors.n++;
    }
    if (k > 0) Atomics.store(this.idx, TAIL, tail + k);
    return k;
  }
}
