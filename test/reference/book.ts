// Reference L2 book on integer ticks/lots. Plain and obviously correct: the wasm core is property-tested
// against it and benchmarks compare with it.
import { crc32 } from './crc32.js';

export type Side = 1 | 2; // 1 = bid, 2 = ask

export interface Level {
  readonly price: number; // ticks
  readonly qty: number; // lots
  readonly priceDec: number; // decimals of the wire price string
  readonly sizeDec: number; // decimals of the wire size string
}

/** Fixed-point layout of an instrument: a tick is `priceStep` units of 10^-priceScale (sizes likewise). */
export interface InstScale {
  priceScale: number;
  priceStep: number;
  sizeScale: number;
  sizeStep: number;
}

export class RefBook {
  // Each side is kept best-first (bids descending, asks ascending), so level i is simply index i.
  private readonly sides: [Level[], Level[]] = [[], []];

  private of(side: Side): Level[] {
    const a = this.sides[side - 1];
    if (a === undefined) throw new Error(`RefBook: bad side ${side}`);
    return a;
  }

  /** First index whose price is not better than `price`: where that price is, or would be inserted. */
  private seek(side: Side, price: number): number {
    const a = this.of(side);
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const p = a[mid]!.price;
      if (side === 1 ? p > price : p < price) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  set(side: Side, priceTick: number, qtyLot: number, priceDec: number, sizeDec: number): void {
    // Cheap guards: a fractional or unsafe tick here means a bug in whoever feeds the reference.
    if (!Number.isSafeInteger(priceTick) || !Number.isSafeInteger(qtyLot) || qtyLot < 0) {
      throw new Error(`RefBook.set: bad level ${priceTick} x ${qtyLot}`);
    }
    const a = this.of(side);
    const i = this.seek(side, priceTick);
    const found = i < a.length && a[i]!.price === priceTick;
    if (qtyLot === 0) {
      if (found) a.splice(i, 1);
      return;
    }
    // A fresh object rather than mutation, so levels handed out earlier stay as they were.
    const lvl: Level = { price: priceTick, qty: qtyLot, priceDec, sizeDec };
    if (found) a[i] = lvl;
    else a.splice(i, 0, lvl);
  }

  clear(): void {
    this.sides[0].length = 0;
    this.sides[1].length = 0;
  }

  depth(side: Side): number {
    return this.of(side).length;
  }

  /** i is 0-based; 0 is the best level. */
  level(side: Side, i: number): Level | undefined {
    return this.of(side)[i];
  }

  bestBid(): number | undefined {
    return this.sides[0][0]?.price;
  }

  bestAsk(): number | undefined {
    return this.sides[1][0]?.price;
  }

  isCrossed(): boolean {
    const b = this.bestBid();
    const a = this.bestAsk();
    return b !== undefined && a !== undefined && b >= a;
  }

  /** Sum of qty over this side's levels with lowTick <= price <= highTick. */
  bandDepth(side: Side, lowTick: number, highTick: number): number {
    const a = this.of(side);
    let sum = 0;
    if (side === 1) {
      for (let i = this.seek(1, highTick); i < a.length && a[i]!.price >= lowTick; i++) sum += a[i]!.qty;
    } else {
      for (let i = this.seek(2, lowTick); i < a.length && a[i]!.price <= highTick; i++) sum += a[i]!.qty;
    }
    return sum;
  }

  /** Bitget's check string: per level i < n, bid price:size then ask price:size, each only if present. */
  checksumString(inst: InstScale, n = 25): string {
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      for (const side of [1, 2] as const) {
        const l = this.level(side, i);
        if (l === undefined) continue;
        parts.push(renderFixed(BigInt(l.price) * BigInt(inst.priceStep), inst.priceScale, l.priceDec));
        parts.push(renderFixed(BigInt(l.qty) * BigInt(inst.sizeStep), inst.sizeScale, l.sizeDec));
      }
    }
    return parts.join(':');
  }

  /** Signed int32 CRC-32 of checksumString, comparable with Bitget's `checksum` field. */
  checksum(inst: InstScale, n = 25): number {
    return crc32(this.checksumString(inst, n));
  }
}

/**
 * Prints `units`·10^-scale with exactly `dec` decimals (dec <= scale), e.g. (3480n, 6, 5) -> "0.00348".
 * Throws if a non-zero digit would be dropped: the wire string cannot have had fewer decimals than its value.
 */
export function renderFixed(units: bigint, scale: number, dec: number): string {
  if (units < 0n || !Number.isInteger(dec) || dec < 0 || dec > scale) {
    throw new Error(`renderFixed: bad input ${units} scale ${scale} dec ${dec}`);
  }
  const div = 10n ** BigInt(scale);
  const frac = (units % div).toString().padStart(scale, '0');
  if (/[^0]/.test(frac.slice(dec))) throw new Error(`renderFixed: ${units} at scale ${scale} needs > ${dec} decimals`);
  const int = (units / div).toString();
  return dec === 0 ? int : `${int}.${frac.slice(0, dec)}`;
}

/**
 * Exact decimal string -> integer units of 10^-scale, plus the string's own decimal count (its priceDec/sizeDec).
 * String and BigInt only, never parseFloat: "30000.96" at scale 2 is exactly 3000096.
 */
export function parseFixed(s: string, scale: number): { units: number; dec: number } {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s);
  if (m === null) throw new Error(`parseFixed: not a plain decimal: ${JSON.stringify(s)}`);
  const fracDigits = m[2] ?? '';
  if (fracDigits.length > scale) throw new Error(`parseFixed: ${s} has more than ${scale} decimals`);
  const big = BigInt(m[1]! + fracDigits.padEnd(scale, '0'));
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`parseFixed: ${s} overflows 2^53 at scale ${scale}`);
  return { units: Number(big), dec: fracDigits.length };
}
