// CRC-32 of Parquet pages (the PageHeader's `crc`, parquet-format: the standard CRC-32 of GZIP, polynomial
// 0x04C11DB7 reflected, over the page's bytes as written after the header, i.e. after compression). Slicing by 8:
// eight bytes per step through eight 256-entry tables, several times faster than a byte at a time. The core has
// its own for its decoder (assembly/crc32.ts); this one serves the writer and the TypeScript reader (Node and
// the browser alike).

const TABLES = (() => {
  const t = new Int32Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[i] = c;
  }
  for (let i = 0; i < 256; i++) for (let k = 1; k < 8; k++) t[k * 256 + i] = (t[(k - 1) * 256 + i] >>> 8) ^ t[t[(k - 1) * 256 + i] & 0xff];
  return t;
})();

/** CRC-32 of bytes [from, to) of `b`, as the signed 32-bit integer a Thrift i32 holds. */
export function crc32(b: Uint8Array, from = 0, to = b.length): number {
  const t = TABLES;
  let c = -1;
  let i = from;
  for (const end8 = to - 7; i < end8; i += 8) {
    const a = c ^ (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24));
    c =
      t[1792 + (a & 0xff)] ^
      t[1536 + ((a >>> 8) & 0xff)] ^
      t[1280 + ((a >>> 16) & 0xff)] ^
      t[1024 + (a >>> 24)] ^
      t[768 + b[i + 4]] ^
      t[512 + b[i + 5]] ^
      t[256 + b[i + 6]] ^
      t[b[i + 7]];
  }
  for (; i < to; i++) c = t[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return ~c;
}
