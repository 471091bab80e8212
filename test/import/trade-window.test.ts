// The CSV import's window of the last trades kept, against a plain model (a list of the last `capacity` ids): a trade
// is found exactly while it is among them, whether the ids rise (sorted ring, binary search) or not (hash index,
// entries leaving it as the ring turns over), and ids beyond 2^53 are told apart.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from '../helpers/fc';
import { TradeWindow } from '../../src/import/trade-window';

/** A trade record (16 words, as the core writes it) with this id and a price that names it. */
function trade(id: bigint, price: number): Int32Array {
  const w = new Int32Array(16);
  w[10] = Number(id & 0xffffffffn) | 0;
  w[11] = Number(id >> 32n);
  w[2] = 1000;
  w[3] = 400_000_000;
  w[6] = price;
  w[8] = 1;
  return w;
}

/** Adds `ids` in turn, checking each lookup against the model first; returns what the window found last. */
function replay(win: TradeWindow, ids: bigint[]): void {
  const kept: bigint[] = [];
  for (const id of ids) {
    const w = trade(id, kept.length + 1);
    const recent = kept.slice(-win.capacity);
    const at = recent.lastIndexOf(id);
    const slot = win.find(w[10], w[11]);
    if (at < 0) {
      assert.is(slot, -1, `id ${id} is not among the last ${win.capacity} kept`);
      win.add(w, 0, 1, kept.length + 2, kept.length + 2);
      kept.push(id);
    } else {
      assert.ok(slot >= 0, `id ${id} is among the last ${win.capacity} kept`);
      const i = kept.length - recent.length + at;
      assert.is(win.words[slot * 8 + 4], i + 1, 'the trade kept under that id');
      assert.is(win.lineFirst[slot], i + 2, 'its line');
      assert.ok(win.same(slot, trade(id, i + 1), 0, 1), 'the same trade');
      assert.not.ok(win.same(slot, trade(id, i + 2), 0, 1), 'another price is not the same trade');
    }
  }
}

test('rising ids: a repeat is found while among the last `capacity` trades, not after', () => {
  const win = new TradeWindow(8);
  const ids = [5n, 6n, 7n, 7n, 5n, 9n, 10n, 11n, 12n, 13n, 14n, 6n, 5n, 15n, 9n, 7n];
  replay(win, ids);
});

test('ids beyond 2^53 that a float cannot tell apart are told apart', () => {
  const base = 1n << 60n;
  const win = new TradeWindow(4);
  replay(win, [base + 1n, base + 2n, base + 3n, base + 2n, base + 1n]);
  assert.is(win.find(Number((base + 4n) & 0xffffffffn), Number((base + 4n) >> 32n)), -1);
});

test('any order of ids, with repeats, agrees with the model (the hash index from the first id out of order on)', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(1, 2, 4, 16, 64),
      fc.array(fc.oneof(fc.bigInt({ min: 1n, max: 40n }), fc.bigInt({ min: 1n, max: (1n << 63n) - 1n })), { maxLength: 400 }),
      (capacity, ids) => replay(new TradeWindow(capacity), ids),
    ),
    { numRuns: 500 },
  );
});

test('a long run out of order turns the ring over many times: entries leave the hash index and lookups stay exact', () => {
  const ids: bigint[] = [];
  // pairs swapped (2, 1, 4, 3, …) with a repeat of an id 5 and one 40 back every 10
  for (let i = 1; i <= 5000; i++) {
    ids.push(BigInt(i % 2 ? i + 1 : i - 1));
    if (i % 10 === 0) ids.push(BigInt(i - 5), BigInt(Math.max(1, i - 40)));
  }
  replay(new TradeWindow(32), ids);
});

test.run();
