// A seeded, Bitget-like book stream as 64-byte records: a snapshot of 500 levels per side on a 0.1 tick grid, then
// messages of 1–20 level changes, most of them near the touch (sizes replaced, levels added and removed), the
// touch moving now and then, the depth held between 400 and 600 levels per side. Used by benchmarks and tests.
import { R, Kind, Flag, REC_SIZE, wireDecimals } from '../src/core/record';
import { writeI64, writeI64Big } from '../src/core/int64';
import { rng } from './stats';

export const STREAM_INSTRUMENT = { priceScale: 1, priceStep: 1n, sizeScale: 3, sizeStep: 1n } as const;
const DEC = wireDecimals(1, 3);
const WORDS = REC_SIZE / 4;

export class BookStream {
  private readonly rand: () => number;
  private readonly bids = new Map<number, number>();
  private readonly asks = new Map<number, number>();
  private bestBid = 1_000_000; // 100000.0 at tick 0.1
  private bestAsk = 1_000_001;
  private t = 1_764_000_000_000_000_000n;
  private started = false;
  messages = 0;

  constructor(
    seed = 42,
    readonly inst = 0,
  ) {
    this.rand = rng(seed);
  }

  private size(): number {
    return 1 + Math.floor(this.rand() * this.rand() * 50_000); // lots of 0.001
  }

  private distance(): number {
    const u = this.rand();
    return Math.min(599, Math.floor(-Math.log(1 - u) * 6)); // geometric-ish, mean ≈ 6 ticks from the touch
  }

  private put(words: Int32Array, at: number, kind: number, side: number, flags: number, price: number, qty: number): void {
    const w = at >> 2;
    words.fill(0, w, w + WORDS);
    words[w] = kind | (side << 8) | (flags << 16);
    words[w + 1] = this.inst;
    writeI64Big(words, at + R.localTs, this.t);
    writeI64Big(words, at + R.exchTs, this.t - 30_000_000n);
    writeI64(words, at + R.price, price);
    writeI64(words, at + R.qty, qty);
    writeI64(words, at + R.seq, this.messages);
    words[(at + R.aux2) >> 2] = DEC;
  }

  private fixBest(side: 1 | 2): void {
    if (side === 1) while (!this.bids.has(this.bestBid) && this.bids.size > 0) this.bestBid--;
    else while (!this.asks.has(this.bestAsk) && this.asks.size > 0) this.bestAsk++;
  }

  /**
   * Appends whole messages to `words` (from record 0) while at least 21 more records fit; returns the record count.
   * The first call starts with the snapshot.
   */
  fill(words: Int32Array, maxRecords: number): number {
    let n = 0;
    const rec = (kind: number, side: number, flags: number, price: number, qty: number) => {
      this.put(words, n * REC_SIZE, kind, side, flags, price, qty);
      n++;
    };
    if (!this.started) {
      this.started = true;
      rec(Kind.bookClear, 0, Flag.snapshot | Flag.reset, 0, 0);
      for (let i = 0; i < 500; i++) {
        const b = this.bestBid - Math.floor(i * 1.2);
        const a = this.bestAsk + Math.floor(i * 1.2);
        this.bids.set(b, this.size());
        this.asks.set(a, this.size());
        rec(Kind.bookLevel, 1, Flag.snapshot, b, this.bids.get(b)!);
        rec(Kind.bookLevel, 2, Flag.snapshot | (i === 499 ? Flag.last : 0), a, this.asks.get(a)!);
      }
      this.messages++;
    }
    while (n + 21 <= maxRecords) {
      this.t += BigInt(20_000 + Math.floor(this.rand() * 200_000));
      const k = 1 + Math.floor(this.rand() * 20);
      for (let j = 0; j < k; j++) {
        const side: 1 | 2 = this.rand() < 0.5 ? 1 : 2;
        const book = side === 1 ? this.bids : this.asks;
        const r = this.rand();
        let price: number;
        if (r < 0.03 && this.bestAsk - this.bestBid > 1) {
          price = side === 1 ? this.bestBid + 1 : this.bestAsk - 1; // improve the touch inside the spread
        } else {
          const d = this.distance();
          price = side === 1 ? this.bestBid - d : this.bestAsk + d;
        }
        let qty: number;
        if (book.has(price)) {
          qty = this.rand() < (book.size > 600 ? 0.5 : book.size < 400 ? 0.05 : 0.25) ? 0 : this.size();
        } else {
          qty = this.size();
        }
        if (qty === 0) book.delete(price);
        else book.set(price, qty);
        if (side === 1 && qty > 0 && price > this.bestBid) this.bestBid = price;
        if (side === 2 && qty > 0 && price < this.bestAsk) this.bestAsk = price;
        if (qty === 0) this.fixBest(side);
        rec(Kind.bookLevel, side, j === k - 1 ? Flag.last : 0, price, qty);
      }
      this.messages++;
    }
    return n;
  }
}

/** `n` records of the stream with seed `seed` from the start (whole messages, so a few fewer than `n`). */
export function bookRecords(n: number, seed: number): { words: Int32Array; n: number } {
  const s = new BookStream(seed);
  const words = new Int32Array(n * 16);
  const chunk = new Int32Array(4096 * 16);
  let got = 0;
  while (got + 21 < n) {
    const k = s.fill(chunk, Math.min(4096, n - got));
    words.set(chunk.subarray(0, k * 16), got * 16);
    got += k;
  }
  return { words, n: got };
}
