import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capText, describeValue, previewJson } from '../../src/bounded-text';
import { boundedRawJson, MAX_RAW_CHARS } from '../../src/load/progress';

/** An array nested `depth` levels deep around `inner`. */
function nested(depth: number, inner: unknown = '1.0'): unknown {
  let value: unknown = inner;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe('previewJson', () => {
  it('is JSON.stringify for anything that fits the budget', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const expected = JSON.stringify(value);
        expect(previewJson(value, 1_000_000)).toEqual({ text: expected, truncated: false });
      }),
      { numRuns: 300 },
    );
    const odd = { a: undefined, b: () => 1, c: [undefined, Number.NaN], d: new Date(0), e: -0 };
    expect(previewJson(odd, 1000).text).toBe(JSON.stringify(odd));
  });

  it('cuts at the budget and says so', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 40 }), (value, max) => {
        const full = JSON.stringify(value);
        const p = previewJson(value, max);
        expect(p.truncated).toBe(full.length > max);
        if (p.truncated) expect(full.startsWith(p.text) && p.text.length === max).toBe(true);
        else expect(p.text).toBe(full);
      }),
      { numRuns: 300 },
    );
  });

  it('never recurses: 100,000 nested arrays and a cycle come back cut, not as a RangeError', () => {
    const deep = nested(100_000);
    expect(() => JSON.stringify(deep)).toThrow(RangeError); // what used to crash readBar
    const p = previewJson(deep, 50);
    expect(p).toEqual({ text: '['.repeat(50), truncated: true });
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(previewJson(cyclic, 30)).toEqual({
      text: '{"a":1,"self":{"a":1,"self":{"',
      truncated: true,
    });
  });

  it('copies only a budget-sized slice of a 50 MB string', () => {
    const huge = 'x'.repeat(50 * 1024 * 1024);
    const p = previewJson({ open: huge }, 20);
    expect(p).toEqual({ text: `{"open":"${'x'.repeat(11)}`, truncated: true });
  });
});

describe('describeValue and capText', () => {
  it('quotes short values and shortens long ones with their length', () => {
    expect(describeValue('12.3x')).toBe('"12.3x"');
    expect(describeValue(12)).toBe('12');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue('y'.repeat(52_428_800), 5)).toBe('"yyyyy"… (52428800 characters)');
    expect(describeValue(nested(5_000), 8)).toBe('[[[[[[[[… (truncated)');
  });

  it('caps text with a marker giving the full length', () => {
    expect(capText('short', 10)).toBe('short');
    expect(capText('abcdefghij', 4)).toBe('abcd…[truncated: 10 characters in all]');
  });
});

describe('boundedRawJson (the quarantine raw column)', () => {
  it('keeps a normal raw value as JSON', () => {
    const bar = { time: '2024-03-11', open: '1.0' };
    expect(boundedRawJson(bar)).toBe(JSON.stringify(bar));
    expect(boundedRawJson(undefined)).toBeNull();
  });

  it('stores a huge or deep value as a marked preview of at most a few KB', () => {
    for (const raw of [{ open: 'x'.repeat(52_000_000) }, nested(5_000)]) {
      const text = boundedRawJson(raw) as string;
      expect(text.length).toBeLessThan(MAX_RAW_CHARS + 200);
      const parsed = JSON.parse(text);
      expect(parsed.truncated).toBe(true);
      expect(parsed.preview.length).toBe(MAX_RAW_CHARS);
    }
  });

  it('turns escapes jsonb refuses (NUL, lone surrogates) into text, leaving escaped backslashes alone', () => {
    const raw = { a: 'x\u0000y', b: '\ud800', c: '\\u0000', d: '😀' };
    const text = boundedRawJson(raw) as string;
    expect(text).not.toMatch(/(^|[^\\])(\\\\)*\\u(0000|d[89a-f])/i);
    expect(JSON.parse(text)).toEqual({ a: 'x\\u0000y', b: '\\ud800', c: '\\u0000', d: '😀' });
  });
});
