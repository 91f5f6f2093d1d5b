import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AlphaVantageExtractor } from '../../../src/alpha-vantage/extractor';
import { planLimits } from '../../../src/alpha-vantage/options';
import { redact, redactText } from '../../../src/alpha-vantage/redact';
import {
  normalizeSymbol,
  validateMonth,
  validateSymbol,
} from '../../../src/alpha-vantage/validate';
import { ValidationError } from '../../../src/errors';

describe('validateSymbol', () => {
  it.each(['IBM', 'BRK-B', 'TSCO.LON', '^GSPC', 'EURUSD=X', '600104.SHH'])(
    'accepts %s unchanged',
    (s) => {
      expect(validateSymbol(s)).toBe(s);
    },
  );
  it.each(['', 'IBM&apikey=x', 'A B', 'ÄPFEL', 'x/../y', 'A'.repeat(21), 'IBM\n'])(
    'rejects %j',
    (s) => {
      expect(() => validateSymbol(s)).toThrow(ValidationError);
    },
  );
  it('never lets URL-significant characters through (property)', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          const ok = validateSymbol(s);
          return encodeURIComponent(ok) === ok.replace(/\^/g, '%5E').replace(/=/g, '%3D');
        } catch (e) {
          return e instanceof ValidationError;
        }
      }),
    );
  });
});

describe('validateMonth', () => {
  it('accepts YYYY-MM from 2000-01', () => {
    expect(validateMonth('2000-01')).toBe('2000-01');
    expect(validateMonth('2024-12')).toBe('2024-12');
  });
  it.each(['1999-12', '2024-13', '2024-00', '2024-1', '202401', 'x'])('rejects %s', (m) => {
    expect(() => validateMonth(m)).toThrow(ValidationError);
  });
});

describe('extractor input checks happen before any request', () => {
  const unreachable: typeof fetch = () => {
    throw new Error('no request expected');
  };
  const av = new AlphaVantageExtractor({ apiKey: 'K', fetch: unreachable });
  it.each([
    ['bad symbol', () => av.daily('IBM;DROP')],
    ['bad interval', () => av.intraday('IBM', { interval: '2min' as '1min' })],
    ['future month', () => av.intraday('IBM', { interval: '1min', month: '2999-01' })],
    ['bad outputsize', () => av.daily('IBM', { outputsize: 'huge' as 'full' })],
    ['empty bulk list', () => av.bulkQuotes([])],
    ['bad bulk symbol', () => av.bulkQuotes(['IBM', 'a b'])],
    ['bad keywords', () => av.search('\u0000')],
    ['bad listing date', () => av.listingStatus({ date: '2021-02-30' })],
    ['bad index interval', () => av.indexData('SPX', { interval: 'hourly' as 'daily' })],
  ])('%s → ValidationError (rejected promise)', async (_name, call) => {
    await expect(call()).rejects.toBeInstanceOf(ValidationError);
  });

  it.each([
    [{ apiKey: '' }],
    [{ apiKey: 'a b' }],
    [{ apiKey: 'K', plan: 'gold' }],
    [{ apiKey: 'K', rateLimit: { perSecond: 0 } }],
    [{ apiKey: 'K', baseUrl: 'ftp://x' }],
    [{ apiKey: 'K', timeoutMs: -1 }],
    [{ apiKey: 'K', retry: { retries: 1.5 } }],
    [{ apiKey: 'K', malformedRows: 'skip' }],
    [{ apiKey: 'K', budgetTimeZone: 'Mars/Olympus' }],
  ])('invalid options %j → ValidationError', (options) => {
    expect(() => new AlphaVantageExtractor(options as never)).toThrow(ValidationError);
  });

  it('plan budgets', () => {
    expect(planLimits('free')).toEqual({ perSecond: 1, perMinute: null, perDay: 25 });
    expect(planLimits('premium-75')).toEqual({ perSecond: 5, perMinute: 75, perDay: null });
    expect(planLimits('premium-1200')).toEqual({ perSecond: 20, perMinute: 1200, perDay: null });
  });
});

describe('redact', () => {
  const KEY = 'ABC123SECRET';
  it('removes the key, its URL form and any apikey= parameter', () => {
    expect(redactText(`We have detected your API key as ${KEY} and …`, [KEY])).toBe(
      'We have detected your API key as *** and …',
    );
    expect(redactText('https://x/query?function=A&apikey=OTHER&symbol=B', [KEY])).toBe(
      'https://x/query?function=A&apikey=***&symbol=B',
    );
    expect(redactText('k=a%2Fb', ['a/b'])).toBe('k=***');
  });
  it('cleans an error in place: message, stack, own fields and the whole cause chain', () => {
    const root = new Error(`socket to apikey=${KEY} closed`);
    const middle = new TypeError('fetch failed', { cause: root });
    const top = Object.assign(new Error(`outer ${KEY}`, { cause: middle }), {
      url: `https://h/?apikey=${KEY}`,
    });
    const out = redact(top, [KEY]);
    expect(out).toBe(top);
    const all = [
      out.message,
      out.stack,
      (out as { url: string }).url,
      middle.message,
      middle.stack,
      root.message,
      root.stack,
    ].join('\n');
    expect(all).not.toContain(KEY);
    expect(root.message).toBe('socket to apikey=*** closed');
  });
  it('handles cycles, plain objects and non-string values', () => {
    const a: { self?: unknown; key: string; n: number } = { key: KEY, n: 1 };
    a.self = a;
    const out = redact(a, [KEY]);
    expect(out.key).toBe('***');
    expect(out.n).toBe(1);
  });
});

describe('normalizeSymbol', () => {
  it('trims, upper-cases and validates', () => {
    expect(normalizeSymbol(' brk-b ')).toBe('BRK-B');
    expect(normalizeSymbol('tsco.lon')).toBe('TSCO.LON');
    expect(() => normalizeSymbol('ibm; drop')).toThrow(
      expect.objectContaining({ code: 'VALIDATION' }),
    );
    expect(() => normalizeSymbol(42)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    expect(() => normalizeSymbol('   ')).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });

  it('validates the raw input before case mapping: ı and ß never become I and SS', () => {
    // Unicode upper-casing maps these onto valid tickers; the raw text is refused instead.
    expect('ı'.toUpperCase()).toBe('I');
    expect('ß'.toUpperCase()).toBe('SS');
    for (const raw of ['ı', 'ß', 'ıbm', 'IBM\u00a0', 'İBM', 'ＩＢＭ', 'ib\u0000m', 'i\u200bbm']) {
      expect(() => normalizeSymbol(raw), JSON.stringify(raw)).toThrow(ValidationError);
    }
    expect(() => normalizeSymbol('ß')).toThrow(/got U\+00DF in "ß"/);
    expect(normalizeSymbol('\tibm\n')).toBe('IBM');
  });
});
