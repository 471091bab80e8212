// The book's two parts — the direct-mapped window that follows the touch and the sorted array below it — against
// the reference book, on books with small windows (64 and 128 keys), so that touches jumping by thousands of ticks
// keep raising and lowering the window and many levels live in the array. After every change: depth, best prices,
// crossed-ness and the best prices as f64; often: every level by rank (price, size, wire decimals), bookTop, band
// depths, level sizes (every level's and absent ones'), band sums (the cached bound moving both ways), the checksum and
// its check string; and a refused insert exactly when the side is at capacity.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BookView, type Core } from '../../src/core/index';
import { testCore } from '../helpers/core';
import { RefBook, type Side } from '../reference/book';
import { mulberry32 } from '../../src/exchange/rng';

const SCALE = { priceScale: 3, priceStep: 1, sizeScale: 3, sizeStep: 1 };

/** Wire decimals for `v` units at scale 3: at least as many as the value needs, at most 3. */
function decimals(v: number, r: number): number {
  let need = 3;
  while (need > 0 && v % 10 ** (4 - need) === 0) need--;
  return need + Math.floor(r * (4 - need));
}

function newBook(core: Core, capacity: number, window: number): BookView {
  const ptr = core.x.bookNewWindow(capacity, window, 3, 1n, 3, 1n);
  assert.ok(ptr > 0, 'allocated');
  return new BookView(core, ptr);
}

function compareAll(core: Core, book: BookView, ref: RefBook, where: string): void {
  for (const side of [1, 2] as const) {
    assert.is(book.depth(side), ref.depth(side), `${where}: depth ${side}`);
    for (let i = 0; i < ref.depth(side); i++) {
      const l = ref.level(side, i)!;
      assert.is(book.price(side, i), l.price, `${where}: side ${side} level ${i} price`);
      assert.is(book.qty(side, i), l.qty, `${where}: side ${side} level ${i} qty`);
      assert.equal(book.wireDecimals(side, i), { priceDec: l.priceDec, sizeDec: l.sizeDec }, `${where}: side ${side} level ${i} decimals`);
    }
    assert.is(book.price(side, ref.depth(side)), undefined);
    assert.ok(Object.is(core.x.bookBestF64(book.ptr, side), ref.level(side, 0)?.price ?? NaN), `${where}: best price ${side}`);
    // one level's size (bookLevelQtyF64: a window slot, or a search of the array below it), and absent levels' 0
    for (let i = 0; i < ref.depth(side); i++) {
      const l = ref.level(side, i)!;
      assert.is(core.x.bookLevelQtyF64(book.ptr, side, l.price), l.qty, `${where}: side ${side} size at ${l.price}`);
      for (const d of [-1, 1]) {
        const p = l.price + d;
        if (p > 0) assert.is(core.x.bookLevelQtyF64(book.ptr, side, p), ref.bandDepth(side, p, p), `${where}: side ${side} size at ${p}`);
      }
    }
    const best = ref.level(side, 0);
    assert.is(core.x.bookBestDecimals(book.ptr, side), best ? best.priceDec | (best.sizeDec << 8) : 0, `${where}: best decimals`);
    // bookTop into scratch memory
    const n = Math.min(70, ref.depth(side) + 3);
    const at = core.text;
    const got = core.x.bookTop(book.ptr, side, n, at, at + 8 * 80);
    assert.is(got, Math.min(n, ref.depth(side)), `${where}: bookTop count`);
    for (let i = 0; i < got; i++) {
      assert.is(Number(core.i64[(at >> 3) + i]), ref.level(side, i)!.price, `${where}: bookTop price ${i}`);
      assert.is(Number(core.i64[((at + 8 * 80) >> 3) + i]), ref.level(side, i)!.qty, `${where}: bookTop qty ${i}`);
    }
  }
  assert.is(book.checksum(25), ref.checksum(SCALE, 25), `${where}: checksum`);
  assert.is(book.formatTop(25), ref.checksumString(SCALE, 25), `${where}: check string`);
}

for (const [seed, window, capacity] of [
  [1, 64, 400],
  [2, 128, 150],
  [3, 64, 60],
  [4, 256, 1000],
] as const) {
  test(`window ${window}, capacity ${capacity}, seed ${seed}: the core book equals the reference`, async () => {
    const core = await testCore();
    const book = newBook(core, capacity, window);
    const ref = new RefBook();
    const rand = mulberry32(seed);
    const ri = (n: number) => Math.floor(rand() * n);
    let centre = 1_000_000;
    let refused = 0;
    let bands = 0;
    const bandEdge: [number, number] = [0, 0];
    const bandOn: [boolean, boolean] = [false, false];
    for (let step = 0; step < 12_000; step++) {
      const r = rand();
      if (r < 0.002) {
        book.clear();
        ref.clear();
        bandOn[0] = bandOn[1] = false;
        // a cleared book forgets its band bound: the next bookBandSum sums from scratch
        continue;
      }
      if (r < 0.02)
        centre += (rand() < 0.5 ? -1 : 1) * (200 + ri(5000)); // the touch jumps: raises and lowers
      else if (r < 0.3) centre += ri(9) - 4;
      const side: Side = rand() < 0.5 ? 1 : 2;
      let price: number;
      let qty: number;
      const depth = ref.depth(side);
      if (depth > 0 && rand() < 0.35) {
        // an existing level by rank, often the best: deletes that move the best down
        const i = rand() < 0.4 ? 0 : ri(depth);
        price = ref.level(side, i)!.price;
        qty = rand() < 0.6 ? 0 : 1 + ri(1000);
      } else {
        const deep = rand() < 0.15 ? ri(3000) : ri(40);
        price = side === 1 ? centre - 1 - deep : centre + 1 + deep;
        qty = rand() < 0.1 ? 0 : 1 + ri(1000);
      }
      const pd = decimals(price, rand());
      const sd = decimals(qty, rand());
      const exists = ref.bandDepth(side, price, price) > 0;
      const ok = book.set(side, price, qty, pd, sd);
      if (!ok) {
        refused++;
        assert.ok(!exists && qty > 0 && ref.depth(side) >= capacity, 'refused only an insert into a full side');
        assert.ok(book.full, 'marked full');
        book.clear();
        ref.clear();
        bandOn[0] = bandOn[1] = false;
        continue;
      }
      ref.set(side, price, qty, pd, sd);
      assert.is(book.depth(side), ref.depth(side), `step ${step}: depth`);
      assert.is(book.bestBid, ref.bestBid(), `step ${step}: best bid`);
      assert.is(book.bestAsk, ref.bestAsk(), `step ${step}: best ask`);
      assert.ok(Object.is(core.x.bookBestF64(book.ptr, side), ref.level(side, 0)?.price ?? NaN), `step ${step}: best price`);
      assert.is(book.crossed, ref.isCrossed(), `step ${step}: crossed`);
      if (step % 97 === 0) compareAll(core, book, ref, `step ${step}`);
      if (step % 13 === 0) {
        // band sums: move a side's cached bound to an edge near the touch (or far), compare with the reference
        const s: Side = rand() < 0.5 ? 1 : 2;
        const best = s === 1 ? ref.bestBid() : ref.bestAsk();
        const edge = (best ?? centre) + (s === 1 ? -1 : 1) * (ri(5) < 4 ? ri(60) : ri(6000)) + (ri(3) - 1) * ri(20);
        const sum = Number(core.x.bookBandSum(book.ptr, s, BigInt(edge)));
        const want = s === 1 ? ref.bandDepth(1, edge, Number.MAX_SAFE_INTEGER) : ref.bandDepth(2, 0, edge);
        assert.is(sum, want, `step ${step}: band sum side ${s} edge ${edge}`);
        bandEdge[s - 1] = edge;
        bandOn[s - 1] = true;
        bands++;
        // depth in a price range and one level's size
        const lo = edge - ri(300);
        const hi = edge + ri(300);
        assert.is(book.bandDepth(s, lo, hi), ref.bandDepth(s, lo, hi), `step ${step}: band depth`);
        assert.is(core.x.bookLevelQtyF64(book.ptr, s, edge), ref.bandDepth(s, edge, edge), `step ${step}: level size`);
      }
      // the cached sums follow every change inside the band
      for (const s of [1, 2] as const) {
        if (!bandOn[s - 1] || step % 7 !== 0) continue;
        const e = bandEdge[s - 1];
        const want = s === 1 ? ref.bandDepth(1, e, Number.MAX_SAFE_INTEGER) : ref.bandDepth(2, 0, e);
        assert.is(Number(core.x.bookBandSum(book.ptr, s, BigInt(e))), want, `step ${step}: cached band sum side ${s}`);
      }
    }
    compareAll(core, book, ref, 'end');
    assert.ok(bands > 100);
    if (capacity <= 60) assert.ok(refused > 0, 'the small book filled up at least once');
  });
}

test('a window that is not a power of two ≥ 64 is refused', async () => {
  const core = await testCore();
  assert.is(core.x.bookNewWindow(100, 100, 0, 1n, 0, 1n), 0);
  assert.is(core.x.bookNewWindow(100, 32, 0, 1n, 0, 1n), 0);
  assert.ok(core.x.bookNewWindow(100, 64, 0, 1n, 0, 1n) > 0);
});

test.run();
