import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDecimal, parseSteps, decimalCode, DecimalError, DecimalParseError, type Core } from '../../src/core/index';
import { testCore } from '../helpers/core';

let core: Core;
test.before(async () => {
  core = await testCore();
});

const ok = (text: string, scale: number, value: bigint, decimals: number, allowSign = false) => {
  const r = parseDecimal(core, text, scale, allowSign);
  assert.is(r.value, value, `${text} @${scale}`);
  assert.is(r.decimals, decimals, `${text} wire decimals`);
};

test('the original float bug: "30000.96" is exactly 3000096 at scale 2', () => {
  ok('30000.96', 2, 3000096n, 2);
  ok('30000.96', 8, 3000096000000n, 2);
});

test('wire strings from Bitget frames', () => {
  ok('0.00348', 6, 3480n, 5);
  ok('86618.70', 2, 8661870n, 2); // trailing zero kept as a wire decimal
  ok('86618.70', 4, 866187000n, 2);
  ok('0', 4, 0n, 0);
  ok('0.0', 4, 0n, 1);
  ok('52415', 1, 524150n, 0);
  ok('747984.9', 1, 7479849n, 1);
  ok('0.00000001', 8, 1n, 8);
  ok('1000000', 8, 100000000000000n, 0);
  ok('007.50', 2, 750n, 2); // leading zeros are not significant
});

test('18 significant digits are the most that parse; the scaled value must fit 18 digits', () => {
  ok('123456789012345678', 0, 123456789012345678n, 0);
  ok('0.123456789012345678', 18, 123456789012345678n, 18);
  ok('999999999999999999', 0, 999999999999999999n, 0);
});

test('signs only where allowed', () => {
  ok('-1.5', 2, -150n, 1, true);
  ok('+2', 0, 2n, 0, true);
  ok('-0', 3, 0n, 0, true);
  assert.is(decimalCode(core, '-1.5', 2), DecimalError.sign);
  assert.is(decimalCode(core, '+1', 2), DecimalError.sign);
  assert.is(decimalCode(core, '1-', 2, true), DecimalError.nonDigit);
  assert.is(decimalCode(core, '--1', 2, true), DecimalError.nonDigit);
});

test('every rejection has its code, and nothing is ever rounded', () => {
  const cases: Array<[string, number, number]> = [
    ['', 2, DecimalError.empty],
    ['-', 2, DecimalError.sign],
    ['1e5', 2, DecimalError.exponent],
    ['1.5E-3', 4, DecimalError.exponent],
    ['12a', 2, DecimalError.nonDigit],
    [' 1', 2, DecimalError.nonDigit],
    ['1,5', 2, DecimalError.nonDigit],
    ['1.2.3', 2, DecimalError.nonDigit],
    ['.5', 2, DecimalError.nonDigit],
    ['5.', 2, DecimalError.nonDigit],
    ['NaN', 2, DecimalError.nonDigit],
    ['0x10', 2, DecimalError.nonDigit],
    ['30000.961', 2, DecimalError.tooManyDecimals],
    ['0.001', 2, DecimalError.tooManyDecimals],
    ['1.230', 2, DecimalError.tooManyDecimals], // even a trailing zero beyond the scale: the grid is the contract
    ['1234567890123456789', 0, DecimalError.tooManyDigits],
    ['0.0000000001234567890123456789', 18, DecimalError.tooManyDigits],
    ['123456789012345678', 1, DecimalError.overflow],
    ['9999999999', 9, DecimalError.overflow],
    ['1', 19, DecimalError.badScale],
    ['1', -1, DecimalError.badScale],
  ];
  for (const [text, scale, code] of cases) assert.is(decimalCode(core, text, scale), code, `"${text}" @${scale}`);
  assert.is(decimalCode(core, '-', 2, true), DecimalError.empty);
  assert.throws(
    () => parseDecimal(core, '1e5', 2),
    (e: unknown) => e instanceof DecimalParseError && e.reason === 'exponent',
  );
  assert.throws(() => parseDecimal(core, '0.001', 2), /RB_ERR_DECIMAL_TOOMANYDECIMALS: cannot read "0.001" at scale 2/);
});

test('a failed parse leaves the previous result alone', () => {
  ok('1.25', 2, 125n, 2);
  assert.is(decimalCode(core, 'x', 2), DecimalError.nonDigit);
  assert.is(core.x.decimalValue(), 125n);
});

test('steps: price ticks and size lots divide exactly or are rejected', () => {
  // SBTCSUSDT: pricePlace 1, priceEndStep 5 → tick 0.5
  assert.is(parseSteps(core, '30000.5', 1, 5n).value, 60001n);
  assert.throws(
    () => parseSteps(core, '30000.3', 1, 5n),
    (e: unknown) => e instanceof DecimalParseError && e.reason === 'offGrid',
  );
  // size: volumePlace 3, sizeMultiplier 0.001 → step 1 at scale 3; sizeMultiplier 0.01 → step 10
  assert.is(parseSteps(core, '0.120', 3, 10n).value, 12n);
  assert.throws(() => parseSteps(core, '0.125', 3, 10n), /OFFGRID/);
  assert.is(core.x.decimalValueLo(), 12);
  assert.is(core.x.decimalValueHi(), 0);
});

test('formatScaled prints back exactly what was parsed', () => {
  const out = core.scratch + 1024;
  for (const [text, scale] of [
    ['0.00348', 6],
    ['86618.70', 2],
    ['52415', 1],
    ['0', 3],
    ['-12.5', 4],
  ] as const) {
    const r = parseDecimal(core, text, scale, true);
    const start = core.x.formatScaled(r.value, scale, r.decimals, out);
    const printed = new TextDecoder().decode(core.bytes.slice(start, out + 32));
    assert.is(printed, text === '-12.5' ? '-12.5' : text);
  }
});

test.run();
