import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareDecimals,
  compareDecimalText,
  fitsBigint,
  isDigits,
  isNegativeDecimal,
  isPlainDecimal,
  parseDecimal,
} from '../../../src/transform/decimal';

/** Exact value of a plain decimal as a scaled BigInt pair, for reference comparisons. */
function exactCompare(a: string, b: string): number {
  const scale = (t: string, digits: number) => {
    const neg = t.startsWith('-');
    const [i = '0', f = ''] = (neg ? t.slice(1) : t).split('.');
    const v = BigInt(i + f.padEnd(digits, '0'));
    return neg ? -v : v;
  };
  const digits = Math.max(a.split('.')[1]?.length ?? 0, b.split('.')[1]?.length ?? 0);
  const x = scale(a, digits);
  const y = scale(b, digits);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Plain decimals with a bias towards equal values in different spellings and long fractions. */
const decimalArb = fc
  .tuple(
    fc.boolean(),
    fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 25n }), fc.constantFrom(0n, 1n, 10n, 1000n, 313080n)),
    fc.integer({ min: 0, max: 24 }),
    fc.integer({ min: 0, max: 3 }),
  )
  .map(([neg, digits, scale, zeros]) => {
    const s = digits.toString().padStart(scale + 1, '0');
    const int = s.slice(0, s.length - scale);
    const frac = s.slice(s.length - scale) + '0'.repeat(scale > 0 ? zeros : 0);
    return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
  });

describe('isPlainDecimal', () => {
  it.each(['0', '313.0800', '-0.5', '7', '0.0001', '00012.50', '-0.00'])('accepts %s', (t) => {
    expect(isPlainDecimal(t)).toBe(true);
  });
  it.each([
    '',
    'NaN',
    'Infinity',
    '-Infinity',
    '1e5',
    '1E-3',
    '+1',
    '.5',
    '5.',
    '-',
    ' 1',
    '1 ',
    '1,5',
    '0x10',
    '1.2.3',
    '--1',
    '١',
  ])('rejects %j', (t) => {
    expect(isPlainDecimal(t)).toBe(false);
  });
});

describe('parseDecimal', () => {
  it('returns NaN for anything that is not a plain decimal', () => {
    for (const t of ['', 'NaN', '1e5', '.5', '5.', '+1', ' 1']) expect(parseDecimal(t)).toBeNaN();
  });
  it('returns the same double as Number() for every plain decimal (property)', () => {
    fc.assert(
      fc.property(decimalArb, (t) => {
        expect(Object.is(parseDecimal(t), Number(t))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
  it('agrees with Number() on random doubles printed in fixed notation', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.integer({ min: 0, max: 20 }),
        (d, k) => {
          const t = d.toFixed(k);
          expect(parseDecimal(t)).toBe(Number(t));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('compareDecimals', () => {
  it('treats different spellings of one value as equal', () => {
    expect(compareDecimals('10.0', '10.00')).toBe(0);
    expect(compareDecimals('010', '10.000')).toBe(0);
    expect(compareDecimals('-0.00', '0')).toBe(0);
  });
  it('orders decimals that are equal as doubles by their digits', () => {
    const a = '0.10000000000000000001';
    const b = '0.1';
    expect(Number(a)).toBe(Number(b));
    expect(compareDecimals(a, b)).toBe(1);
    expect(compareDecimals(b, a)).toBe(-1);
    expect(compareDecimals(`-${a}`, `-${b}`)).toBe(-1);
    expect(compareDecimals('12345678901234567890.5', '12345678901234567890.4')).toBe(1);
  });
  it('matches an exact BigInt comparison (property)', () => {
    fc.assert(
      fc.property(decimalArb, decimalArb, (a, b) => {
        expect(Math.sign(compareDecimals(a, b))).toBe(exactCompare(a, b));
        expect(Math.sign(compareDecimalText(a, b))).toBe(exactCompare(a, b));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('integers and signs', () => {
  it('isDigits accepts digits only', () => {
    expect(isDigits('0')).toBe(true);
    expect(isDigits('17145307')).toBe(true);
    for (const t of ['', '-1', '1.0', '1e3', ' 1', '--']) expect(isDigits(t)).toBe(false);
  });
  it('fitsBigint stops at 9223372036854775807', () => {
    expect(fitsBigint('9223372036854775807')).toBe(true);
    expect(fitsBigint('9223372036854775808')).toBe(false);
    expect(fitsBigint('0009223372036854775807')).toBe(true);
    expect(fitsBigint('10000000000000000000')).toBe(false);
    expect(fitsBigint('274693160')).toBe(true);
  });
  it('isNegativeDecimal ignores negative zero', () => {
    expect(isNegativeDecimal('-0.5')).toBe(true);
    expect(isNegativeDecimal('-0.000')).toBe(false);
    expect(isNegativeDecimal('0.5')).toBe(false);
  });
});
