// CRC-32 (IEEE 802.3, as zlib): reflected polynomial 0xEDB88320, init and xorout 0xFFFFFFFF.

const TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 of the string's char codes taken as bytes (callers pass ASCII). Signed int32, as Bitget sends it. */
export function crc32(s: string): number {
  let c = 0xffffffff;
  for (let i = 0; i < s.length; i++) {
    const b = s.charCodeAt(i);
    if (b > 0x7f) throw new Error(`crc32: non-ASCII char code ${b} at ${i}`);
    c = TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) | 0;
}
