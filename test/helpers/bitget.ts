// Real Bitget frames from test/fixtures/bitget (its README says where each came from), turned into book changes
// with the core's own decimal parser.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDecimal, type Core } from '../../src/core/index';

export const FIXTURES = join(process.cwd(), 'test/fixtures/bitget');

export function frames(name: string): any[] {
  return readFileSync(join(FIXTURES, name), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

export interface Change {
  side: 1 | 2;
  price: bigint;
  qty: bigint;
  priceDec: number;
  sizeDec: number;
}

/** Book changes of one `books` frame's data[0], bids first, at the given scales. */
export function changes(
  core: Core,
  data: { bids: [string, string][]; asks: [string, string][] },
  priceScale: number,
  sizeScale: number,
): Change[] {
  const out: Change[] = [];
  for (const [side, levels] of [
    [1, data.bids],
    [2, data.asks],
  ] as const) {
    for (const [p, s] of levels) {
      const price = parseDecimal(core, p, priceScale);
      const size = parseDecimal(core, s, sizeScale);
      out.push({ side, price: price.value, qty: size.value, priceDec: price.decimals, sizeDec: size.decimals });
    }
  }
  return out;
}
