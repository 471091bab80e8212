// i64 fields seen from JavaScript without BigInt on hot paths: as two 32-bit halves in an Int32Array, and as a
// plain number whenever the value is a safe integer (ticks, lots, counters; ns timestamps need the halves or BigInt).

const TWO32 = 4294967296;

export function writeI64(words: Int32Array, byteOffset: number, value: number): void {
  const i = byteOffset >> 2;
  const hi = Math.floor(value / TWO32);
  words[i] = value - hi * TWO32; // low half, two's complement by construction
  words[i + 1] = hi;
}

export function readI64(words: Int32Array, byteOffset: number): number {
  const i = byteOffset >> 2;
  return words[i + 1] * TWO32 + (words[i] >>> 0);
}

export function writeI64Big(words: Int32Array, byteOffset: number, value: bigint): void {
  const i = byteOffset >> 2;
  words[i] = Number(BigInt.asIntN(32, value));
  words[i + 1] = Number(BigInt.asIntN(32, value >> 32n));
}

export function readI64Big(words: Int32Array, byteOffset: number): bigint {
  const i = byteOffset >> 2;
  return (BigInt(words[i + 1]) << 32n) | BigInt(words[i] >>> 0);
}
