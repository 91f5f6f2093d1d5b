import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ohlcProblem, validateAdjusted, validateBar } from '../../../src/transform/validate';
import { bar } from './helpers';

describe('validateBar', () => {
  it('accepts a consistent bar, including equal prices spelled differently', () => {
    expect(validateBar(bar('2024-03-11'))).toBeNull();
    expect(
      validateBar({ open: '10.0', high: '10.00', low: '10', close: '10.000', volume: '0' }),
    ).toBeNull();
    expect(validateBar({ open: '0', high: '0', low: '0', close: '0', volume: '0' })).toBeNull();
  });

  it.each([
    [{ low: '101.6' }, 'low 101.6 > high 101.5000'],
    [{ low: '100.5' }, 'low 100.5 > open 100.0000'],
    [{ low: '100.8', open: '101' }, 'low 100.8 > close 100.7500'],
    [{ open: '101.6' }, 'open 101.6 > high 101.5000'],
    [{ close: '101.50001' }, 'close 101.50001 > high 101.5000'],
    [{ open: '-0.5' }, 'open is negative: -0.5'],
    [{ high: 'NaN' }, 'high is not a plain decimal: "NaN"'],
    [{ low: '' }, 'low is not a plain decimal: ""'],
    [{ close: '1e5' }, 'close is not a plain decimal: "1e5"'],
    [{ close: 'Infinity' }, 'close is not a plain decimal: "Infinity"'],
    [{ volume: '-3' }, 'volume is not a non-negative integer: "-3"'],
    [{ volume: '12.5' }, 'volume is not a non-negative integer: "12.5"'],
    [{ volume: '--' }, 'volume is not a non-negative integer: "--"'],
    [{ volume: '99999999999999999999' }, 'volume is too large for bigint: 99999999999999999999'],
  ])('rejects %j with %j', (overrides, reason) => {
    expect(validateBar(bar('2024-03-11', overrides))).toBe(reason);
  });

  it('rejects a price numeric cannot store, instead of failing the whole insert (issue 12 fuzz)', () => {
    const digits = (n: number) => `1${'0'.repeat(n - 1)}`;
    // 131,072 digits before the point and 16,383 after are PostgreSQL numeric's limits.
    expect(validateBar(bar('2024-03-11', { high: digits(131_072) }))).toBeNull();
    expect(validateBar(bar('2024-03-11', { high: digits(131_073) }))).toMatch(
      /^high is too large for numeric: 1000/,
    );
    expect(validateBar(bar('2024-03-11', { high: `${digits(131_073)}.5` }))).toMatch(
      /^high is too large for numeric/,
    );
    expect(validateBar(bar('2024-03-11', { low: `1.${'0'.repeat(16_383)}` }))).toBeNull();
    expect(validateBar(bar('2024-03-11', { low: `1.${'0'.repeat(16_384)}` }))).toMatch(
      /^low is too large for numeric/,
    );
    // Leading zeros do not count: this open is 1.5 (and below the low).
    expect(validateBar(bar('2024-03-11', { open: `0000${'0'.repeat(200_000)}1.5` }))).toMatch(
      /^low 99\.2500 > open 0000/,
    );
  });

  it('reports a missing field instead of crashing on a non-string', () => {
    const broken = { ...bar('2024-03-11'), open: undefined } as unknown as Parameters<
      typeof validateBar
    >[0];
    expect(validateBar(broken)).toBe('open is missing');
    expect(validateBar({ ...bar('2024-03-11'), volume: 5 as unknown as string })).toBe(
      'volume is missing',
    );
  });

  it('accepts a null volume (index series)', () => {
    expect(validateBar({ ...bar('2024-03-11'), volume: null })).toBeNull();
  });

  // Prices as integer ticks with a random number of fraction digits and trailing zeros, so equal
  // values often appear in different spellings; the oracle compares the integer ticks.
  const price = fc
    .tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 3 }))
    .map(([ticks, zeros]) => ({
      ticks,
      text: `${Math.floor(ticks / 4)}.${String((ticks % 4) * 25).padStart(2, '0')}${'0'.repeat(zeros)}`,
    }));

  it('accepts random OHLC iff low <= open, close <= high (property)', () => {
    fc.assert(
      fc.property(price, price, price, price, fc.nat({ max: 10_000 }), (o, h, l, c, v) => {
        const consistent =
          l.ticks <= o.ticks &&
          l.ticks <= c.ticks &&
          o.ticks <= h.ticks &&
          c.ticks <= h.ticks &&
          l.ticks <= h.ticks;
        const reason = validateBar({
          open: o.text,
          high: h.text,
          low: l.text,
          close: c.text,
          volume: String(v),
        });
        expect(reason === null).toBe(consistent);
        if (!consistent) expect(reason).toMatch(/^(low|open|close) .+ > (high|open|close) /);
      }),
      { numRuns: 5000 },
    );
  });

  it('rejects any bar with a malformed price (property)', () => {
    const junk = fc.oneof(
      fc.constantFrom('NaN', '', '1e5', '-1', '+1', '.5', 'abc', ' 1', '1,0'),
      fc.string().filter((s) => !/^-?\d+(\.\d+)?$/.test(s)),
    );
    fc.assert(
      fc.property(junk, fc.constantFrom('open', 'high', 'low', 'close'), (value, field) => {
        const reason = validateBar(bar('2024-03-11', { [field]: value }));
        expect(reason).toMatch(new RegExp(`^${field} is (not a plain decimal|negative)`));
      }),
    );
  });
});

describe('ohlcProblem', () => {
  it('compares exactly beyond double precision', () => {
    expect(ohlcProblem('1', '0.30000000000000000001', '0.3', '0.3')).toBe(
      'open 1 > high 0.30000000000000000001',
    );
    expect(ohlcProblem('0.3', '0.30000000000000000001', '0.3', '0.30000000000000000002')).toBe(
      'close 0.30000000000000000002 > high 0.30000000000000000001',
    );
  });
});

describe('validateAdjusted', () => {
  it('accepts adjusted fields, with or without a split coefficient', () => {
    expect(
      validateAdjusted({
        adjustedClose: '299.83536210316964',
        dividendAmount: '0.0000',
        splitCoefficient: '1.0',
      }),
    ).toBeNull();
    expect(
      validateAdjusted({ adjustedClose: '1', dividendAmount: '1.68', splitCoefficient: null }),
    ).toBeNull();
  });
  it.each([
    [{ adjustedClose: '-1' }, 'adjustedClose is negative: -1'],
    [{ dividendAmount: 'None' }, 'dividendAmount is not a plain decimal: "None"'],
    [{ splitCoefficient: '0.0' }, 'splitCoefficient is not positive: 0.0'],
    [{ splitCoefficient: '2:1' }, 'splitCoefficient is not a plain decimal: "2:1"'],
  ])('rejects %j', (overrides, reason) => {
    expect(
      validateAdjusted({
        adjustedClose: '1',
        dividendAmount: '0',
        splitCoefficient: '1',
        ...overrides,
      }),
    ).toBe(reason);
  });
});
