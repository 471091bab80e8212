// Wire decimal strings to exact scaled integers through the core's parser (assembly/decimal.ts): the same code
// the feed runs, so tests and tools see exactly what the live path sees.

import type { Core } from './loader';

export const DecimalError = {
  ok: 0,
  empty: 1,
  sign: 2,
  exponent: 3,
  nonDigit: 4,
  tooManyDecimals: 5,
  tooManyDigits: 6,
  overflow: 7,
  badScale: 8,
  offGrid: 9,
} as const;
export type DecimalErrorName = keyof typeof DecimalError;

const NAMES = Object.fromEntries(Object.entries(DecimalError).map(([k, v]) => [v, k])) as Record<number, DecimalErrorName>;

export interface ParsedDecimal {
  /** The scaled integer (or the number of steps, for parseSteps). */
  value: bigint;
  /** Fraction digits the string had ("86618.70" → 2), kept to print it back exactly. */
  decimals: number;
}

export class DecimalParseError extends Error {
  constructor(
    readonly code: number,
    readonly input: string,
    readonly scale: number,
  ) {
    super(`RB_ERR_DECIMAL_${NAMES[code]?.toUpperCase() ?? code}: cannot read "${input}" at scale ${scale}`);
  }
  get reason(): DecimalErrorName {
    return NAMES[this.code];
  }
}

const encoder = new TextEncoder();

function stage(core: Core, text: string): number {
  const bytes = encoder.encode(text);
  if (bytes.length > 4096) throw new RangeError('decimal string longer than 4096 bytes');
  core.bytes.set(bytes, core.text);
  return bytes.length;
}

/** Parses `text` at `scale` decimals; throws DecimalParseError with the core's code on anything inexact. */
export function parseDecimal(core: Core, text: string, scale: number, allowSign = false): ParsedDecimal {
  const len = stage(core, text);
  const code = core.x.parseDecimal(core.text, len, scale, allowSign ? 1 : 0);
  if (code !== 0) throw new DecimalParseError(code, text, scale);
  return { value: core.x.decimalValue(), decimals: core.x.decimalWireDecimals() };
}

/** Parses and divides by the instrument step (priceEndStep, or sizeMultiplier·10^volumePlace); off-grid throws. */
export function parseSteps(core: Core, text: string, scale: number, step: bigint, allowSign = false): ParsedDecimal {
  const len = stage(core, text);
  const code = core.x.decimalToSteps(core.text, len, scale, step, allowSign ? 1 : 0);
  if (code !== 0) throw new DecimalParseError(code, text, scale);
  return { value: core.x.decimalValue(), decimals: core.x.decimalWireDecimals() };
}

/** Returns the core's error code (0 = ok) without throwing: for tables of cases. */
export function decimalCode(core: Core, text: string, scale: number, allowSign = false): number {
  return core.x.parseDecimal(core.text, stage(core, text), scale, allowSign ? 1 : 0);
}
