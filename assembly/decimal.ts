// WHEN TO USE: turning an exchange's decimal string (price, size) into an exact scaled integer. It never rounds:
// anything that is not exactly representable at the requested scale is rejected with a code. Never use floats
// for prices: the original system stored 30000.96 as 30000.9599… and could no longer delete that level.

export const DEC_OK: i32 = 0;
export const DEC_EMPTY: i32 = 1;             // no characters, or a sign alone
export const DEC_SIGN: i32 = 2;              // '+' or '-' where signs are not allowed (or a second sign)
export const DEC_EXPONENT: i32 = 3;          // 'e' / 'E' notation
export const DEC_NON_DIGIT: i32 = 4;         // any other character, a second '.', or a '.' without digits on both sides
export const DEC_TOO_MANY_DECIMALS: i32 = 5; // more fraction digits than the scale allows
export const DEC_TOO_MANY_DIGITS: i32 = 6;   // more than 18 significant digits
export const DEC_OVERFLOW: i32 = 7;          // the scaled integer would exceed 18 digits
export const DEC_BAD_SCALE: i32 = 8;         // scale outside 0..18
export const DEC_OFF_GRID: i32 = 9;          // not a whole multiple of the instrument's step

const MAX_DIGITS: i32 = 18;

// Per-instance results (wasm globals are private to each instance, so concurrent threads do not clash).
let value: i64 = 0;
let decimals: i32 = 0;

/** The value of the last successful parse, scaled (or in steps, after decimalToSteps). */
export function decimalValue(): i64 {
  return value;
}
/** The low and high 32 bits of decimalValue(), for callers that avoid BigInt. */
export function decimalValueLo(): i32 {
  return <i32>value;
}
export function decimalValueHi(): i32 {
  return <i32>(value >> 32);
}
/** How many fraction digits the last parsed string had on the wire ("86618.70" → 2). */
export function decimalWireDecimals(): i32 {
  return decimals;
}

// @ts-ignore: decorator
@inline function pow10(n: i32): i64 {
  let p: i64 = 1;
  for (let i = 0; i < n; i++) p *= 10;
  return p;
}

/**
 * Parses the `len` bytes at `ptr` as a plain decimal ("123", "0.00348", "-1.5") scaled by 10^scale.
 * Returns DEC_OK and sets decimalValue()/decimalWireDecimals(), or an error code and leaves them unchanged.
 */
export function parseDecimal(ptr: usize, len: i32, scale: i32, allowSign: bool): i32 {
  if (<u32>scale > <u32>MAX_DIGITS) return DEC_BAD_SCALE;
  let i = 0;
  let negative = false;
  if (len > 0) {
    const c = load<u8>(ptr);
    if (c == 0x2d || c == 0x2b) { // '-' '+'
      if (!allowSign) return DEC_SIGN;
      negative = c == 0x2d;
      i = 1;
    }
  }
  if (i >= len) return DEC_EMPTY;
  let acc: i64 = 0;
  let significant = 0;   // digits from the first non-zero one on
  let intDigits = 0;
  let fracDigits = 0;
  let seenDot = false;
  for (; i < len; i++) {
    const c = <i32>load<u8>(ptr + i);
    const d = c - 0x30;
    if (<u32>d <= 9) {
      if (seenDot) fracDigits++; else intDigits++;
      if (significant > 0 || d != 0) {
        if (++significant > MAX_DIGITS) return DEC_TOO_MANY_DIGITS;
        acc = acc * 10 + d;
      }
    } else if (c == 0x2e) { // '.'
      if (seenDot || intDigits == 0) return DEC_NON_DIGIT;
      seenDot = true;
    } else if (c == 0x65 || c == 0x45) {
      return DEC_EXPONENT;
    } else if (c == 0x2d || c == 0x2b) {
      return allowSign ? DEC_NON_DIGIT : DEC_SIGN;
    } else {
      return DEC_NON_DIGIT;
    }
  }
  if (intDigits == 0 || (seenDot && fracDigits == 0)) return DEC_NON_DIGIT;
  if (fracDigits > scale) return DEC_TOO_MANY_DECIMALS;
  // acc holds every significant digit; scaling appends (scale - fracDigits) zeros.
  const pad = scale - fracDigits;
  if (acc != 0 && significant + pad > MAX_DIGITS) return DEC_OVERFLOW;
  acc *= pow10(pad);
  value = negative ? -acc : acc;
  decimals = fracDigits;
  return DEC_OK;
}

/**
 * Parses like parseDecimal, then divides by the instrument's `step` (in scaled units: priceEndStep for prices,
 * sizeMultiplier·10^volumePlace for sizes). A remainder is DEC_OFF_GRID, never rounded.
 */
export function decimalToSteps(ptr: usize, len: i32, scale: i32, step: i64, allowSign: bool): i32 {
  const saved = value;
  const code = parseDecimal(ptr, len, scale, allowSign);
  if (code != DEC_OK) return code;
  if (step <= 0 || value % step != 0) {
    value = saved;
    return DEC_OFF_GRID;
  }
  value /= step;
  return DEC_OK;
}

/**
 * Writes `scaled` (a value at `scale` decimals) with exactly `dec` fraction digits (dec ≤ scale; the dropped
 * digits must be zero, as they are for any value parsed from a string with `dec` decimals) to `out`, backwards
 * from `out + 31`. Returns the start address; the text ends at out + 32. Used for checksums and printing.
 */
export function formatScaled(scaled: i64, scale: i32, dec: i32, out: usize): usize {
  let v = scaled;
  const negative = v < 0;
  if (negative) v = -v;
  for (let k = dec; k < scale; k++) v /= 10;
  let p = out + 32;
  for (let k = 0; k < dec; k++) {
    store<u8>(--p, <u8>(0x30 + v % 10));
    v /= 10;
  }
  if (dec > 0) store<u8>(--p, 0x2e);
  do {
    store<u8>(--p, <u8>(0x30 + v % 10));
    v /= 10;
  } while (v != 0);
  if (negative) store<u8>(--p, 0x2d);
  return p;
}
