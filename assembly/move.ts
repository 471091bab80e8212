// Small copies and fills as inline loads and stores. memory.copy / memory.fill on a shared memory are calls into
// the engine's runtime: for the many short copies of snappy decoding the inline moves measured a quarter faster
// (assembly/parquet.ts); book level moves and output records use them too (no measurable difference there, one way
// of moving bytes throughout). Past INLINE_MAX bytes the runtime call stays: its fixed cost no longer matters.

const INLINE_MAX: usize = 768;

/** memmove of `n` bytes (a multiple of 8) from `src` to `dst`; the ranges may overlap. */
// @ts-ignore: decorator
@inline export function move8(dst: usize, src: usize, n: usize): void {
  if (n > INLINE_MAX) {
    memory.copy(dst, src, n);
  } else if (dst <= src) {
    // each word is read before anything at or above it is written
    for (let k: usize = 0; k < n; k += 8) store<u64>(dst + k, load<u64>(src + k));
  } else {
    for (let k = n; k > 0; ) {
      k -= 8;
      store<u64>(dst + k, load<u64>(src + k));
    }
  }
}

/** memcpy of `n` bytes between ranges that do not overlap. */
// @ts-ignore: decorator
@inline export function copyBytes(dst: usize, src: usize, n: usize): void {
  if (n > INLINE_MAX) {
    memory.copy(dst, src, n);
  } else {
    let k: usize = 0;
    for (; k + 16 <= n; k += 16) v128.store(dst + k, v128.load(src + k));
    for (; k < n; k++) store<u8>(dst + k, load<u8>(src + k));
  }
}

/** Zeroes `n` bytes from `dst`. */
// @ts-ignore: decorator
@inline export function zeroBytes(dst: usize, n: usize): void {
  if (n > INLINE_MAX) {
    memory.fill(dst, 0, n);
  } else {
    const z = i64x2.splat(0);
    let k: usize = 0;
    for (; k + 16 <= n; k += 16) v128.store(dst + k, z);
    for (; k < n; k++) store<u8>(dst + k, 0);
  }
}
