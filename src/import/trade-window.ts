// The last trades kept from a CSV trades file, by numeric id, so a trade sent again later — by the venue after
// others, or by two overlapping exports joined into one file — is told from a new one. Memory is bounded: the window
// holds the last `capacity` trades kept (a ring), whatever the file's size. Most venues number their trades upwards,
// so while every id kept is above the ones before, the ring is sorted: a new id needs no lookup (it is above them
// all) and a repeat is found by binary search. The first id kept out of order switches to a hash index of the ring
// for the rest of the file, maintained as trades enter and leave it.

/** Words a trade takes in the ring: id, exchange time, price and size (int64 each, low word first). */
const W = 8;

export class TradeWindow {
  /** The ring: W words a trade, oldest overwritten; side and the input line(s) it came from beside it. */
  readonly words: Int32Array;
  readonly sides: Uint8Array;
  /** The trade's line, or the first and last lines of the batch it came in when its own is not known. */
  readonly lineFirst: Float64Array;
  readonly lineLast: Float64Array;
  /** Trades added so far; the next one goes to ring slot `added & mask`. */
  private added = 0;
  private readonly mask: number;
  private maxLo = 0;
  private maxHi = -1;
  /**
   * The hash index of the ring, null while the ids rise: 4 words an entry (id low and high, slot + 1, unused), by
   * the id's hash with linear probing. The id is kept in the entry so probes and deletions stay in the index's own
   * cache lines instead of reaching into the ring for every entry they pass.
   */
  private table: Int32Array | null = null;
  private tableShift = 0;

  constructor(readonly capacity = 1 << 16) {
    if (capacity & (capacity - 1)) throw new Error('the trade window holds a power of two');
    this.mask = capacity - 1;
    this.words = new Int32Array(capacity * W);
    this.sides = new Uint8Array(capacity);
    this.lineFirst = new Float64Array(capacity);
    this.lineLast = new Float64Array(capacity);
  }

  /** The ring slot holding the trade with this id, or −1. */
  find(lo: number, hi: number): number {
    if (hi > this.maxHi || (hi === this.maxHi && lo >>> 0 > this.maxLo >>> 0)) return -1; // above every id kept
    return this.table ? this.probe(lo, hi) : this.search(lo, hi);
  }

  /** Adds the trade at word `p` of `w` (a core record) with its side and line(s); the oldest leaves a full window. */
  add(w: Int32Array, p: number, side: number, first: number, last: number): void {
    const slot = this.added & this.mask;
    if (this.added >= this.capacity && this.table) this.remove(slot);
    const r = this.words;
    const o = slot * W;
    const lo = w[p + 10];
    const hi = w[p + 11];
    r[o] = lo;
    r[o + 1] = hi;
    r[o + 2] = w[p + 2];
    r[o + 3] = w[p + 3];
    r[o + 4] = w[p + 6];
    r[o + 5] = w[p + 7];
    r[o + 6] = w[p + 8];
    r[o + 7] = w[p + 9];
    this.sides[slot] = side;
    this.lineFirst[slot] = first;
    this.lineLast[slot] = last;
    this.added++;
    if (hi > this.maxHi || (hi === this.maxHi && lo >>> 0 > this.maxLo >>> 0)) {
      this.maxLo = lo;
      this.maxHi = hi;
      if (this.table) this.insert(slot);
    } else if (this.table) this.insert(slot);
    else this.index();
  }

  /** Whether the trade at word `p` has the exchange time, price, size and side of the one in `slot`. */
  same(slot: number, w: Int32Array, p: number, side: number): boolean {
    const r = this.words;
    const o = slot * W;
    return (
      r[o + 2] === w[p + 2] &&
      r[o + 3] === w[p + 3] &&
      r[o + 4] === w[p + 6] &&
      r[o + 5] === w[p + 7] &&
      r[o + 6] === w[p + 8] &&
      r[o + 7] === w[p + 9] &&
      this.sides[slot] === side
    );
  }

  /** Binary search of the ring, sorted by id while the ids rise. */
  private search(lo: number, hi: number): number {
    const r = this.words;
    const mask = this.mask;
    let a = Math.max(0, this.added - this.capacity);
    let b = this.added;
    const ulo = lo >>> 0;
    while (a < b) {
      const m = (a + b) >>> 1;
      const o = (m & mask) * W;
      const h = r[o + 1];
      const l = r[o] >>> 0;
      if (h < hi || (h === hi && l < ulo)) a = m + 1;
      else b = m;
    }
    if (a === this.added) return -1;
    const o = (a & mask) * W;
    return r[o] === lo && r[o + 1] === hi ? a & mask : -1;
  }

  /**
   * The id's slot in the hash index: murmur3's finalizer, so consecutive ids spread evenly (a single multiply by a
   * constant near 1/2 of 2^32 bunched them into clusters thousands of slots long, and linear probing crawled).
   */
  private home(lo: number, hi: number): number {
    let h = lo ^ Math.imul(hi, 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> this.tableShift;
  }

  private probe(lo: number, hi: number): number {
    const t = this.table!;
    const tmask = (t.length >> 2) - 1;
    for (let i = this.home(lo, hi); ; i = (i + 1) & tmask) {
      const e = i << 2;
      if (t[e + 2] === 0) return -1;
      if (t[e] === lo && t[e + 1] === hi) return t[e + 2] - 1;
    }
  }

  /** The first id out of order: from now on the ring is found by hash (twice its size: short probes). */
  private index(): void {
    const bits = Math.log2(this.capacity) + 1;
    this.table = new Int32Array(4 << bits);
    this.tableShift = 32 - bits;
    const from = Math.max(0, this.added - this.capacity);
    for (let k = from; k < this.added; k++) this.insert(k & this.mask);
  }

  private insert(slot: number): void {
    const t = this.table!;
    const tmask = (t.length >> 2) - 1;
    const lo = this.words[slot * W];
    const hi = this.words[slot * W + 1];
    let i = this.home(lo, hi);
    while (t[(i << 2) + 2] !== 0) i = (i + 1) & tmask;
    const e = i << 2;
    t[e] = lo;
    t[e + 1] = hi;
    t[e + 2] = slot + 1;
  }

  /** Takes the trade in `slot` out of the hash index (backward-shift deletion: no tombstones to lengthen probes). */
  private remove(slot: number): void {
    const t = this.table!;
    const tmask = (t.length >> 2) - 1;
    let i = this.home(this.words[slot * W], this.words[slot * W + 1]);
    while (t[(i << 2) + 2] !== slot + 1) i = (i + 1) & tmask;
    for (let j = (i + 1) & tmask; t[(j << 2) + 2] !== 0; j = (j + 1) & tmask) {
      const k = this.home(t[j << 2], t[(j << 2) + 1]);
      // the entry at j may move back to i unless its home lies cyclically in (i, j]
      const stays = i <= j ? k > i && k <= j : k > i || k <= j;
      if (stays) continue;
      t.copyWithin(i << 2, j << 2, (j << 2) + 3);
      i = j;
    }
    t.fill(0, i << 2, (i << 2) + 3);
  }
}
