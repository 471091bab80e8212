// Bitget's order-book checksum (docs/bitget.md §2.1): best 25 bids and asks, interleaved bid price, bid
// size, ask price, ask size per level (a missing side is skipped), ':'-joined, IEEE CRC-32, as a signed int32.
// WHEN TO USE: on the exact strings that are (or were) sent, never on re-formatted numbers.
import type { WireLevel } from './format';

const TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3, as zlib) of an ASCII string, returned as a signed int32 like Bitget's `checksum`. */
export function crc32(text: string): number {
  let c = 0xffffffff;
  for (let i = 0; i < text.length; i++) c = TABLE[(c ^ text.charCodeAt(i)) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) | 0;
}

/** The check string over the best `depth` levels; `bids` best-first (descending), `asks` best-first (ascending). */
export function checksumString(bids: readonly WireLevel[], asks: readonly WireLevel[], depth = 25): string {
  const parts: string[] = [];
  for (let i = 0; i < depth; i++) {
    const b = bids[i];
    const a = asks[i];
    if (b) parts.push(b[0], b[1]);
    if (a) parts.push(a[0], a[1]);
  }
  return parts.join(':');
}

/** Signed CRC-32 of the top-25 check string. */
export function bookChecksum(bids: readonly WireLevel[], asks: readonly WireLevel[]): number {
  return crc32(checksumString(bids, asks, 25));
}
