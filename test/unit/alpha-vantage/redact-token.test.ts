import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlphaVantageExtractor } from '../../../src/alpha-vantage/extractor';
import { MIN_SUBSTRING_SECRET_LENGTH, redactText } from '../../../src/alpha-vantage/redact';
import { type ScriptServer, startScriptServer } from '../../helpers/http-script-server';
import { FakeClock } from './fake-clock';
import { notice } from './support';

describe('the key is redacted as a token, not as a substring of words', () => {
  it('a short key leaves other words alone but never survives as a word or a query value', () => {
    expect(redactText('an unknown notice', ['k'])).toBe('an unknown notice');
    expect(redactText('key k was refused', ['k'])).toBe('key *** was refused');
    expect(redactText('https://x/query?symbol=IBM&apikey=k', ['k'])).toBe(
      'https://x/query?symbol=IBM&apikey=***',
    );
    expect(redactText('token=k&x=1 (k)', ['k'])).toBe('token=***&x=1 (***)');
    expect(redactText('demonstration of demo', ['demo'])).toBe('demonstration of ***');
  });

  it(`a key of ${MIN_SUBSTRING_SECRET_LENGTH}+ characters is removed wherever it stands`, () => {
    const key = 'ABCD1234EFGH';
    expect(redactText(`prefix${key}suffix and ${key}.`, [key])).toBe('prefix***suffix and ***.');
  });

  it('no real-length key survives in any text (property)', () => {
    const key = fc.stringMatching(/^[A-Z0-9]{16}$/);
    fc.assert(
      fc.property(key, fc.string(), fc.string(), (k, before, after) => {
        return !redactText(`${before}${k}${after}`, [k]).includes(k);
      }),
    );
  });

  it('a short key never survives as a token (property)', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9]{1,7}$/),
        fc.array(fc.constantFrom(' ', '=', '&', '(', ')', '"', ':', ',', '.', '\n')),
        (k, seps) => {
          const text = seps.map((s) => `${s}${k}`).join('') + (seps.at(-1) ?? ' ');
          const out = redactText(text, [k]);
          return !new RegExp(`(?<![a-z0-9])${k}(?![a-z0-9])`).test(out);
        },
      ),
    );
  });
});

describe('through the extractor with a 1-character key', () => {
  let server: ScriptServer;
  beforeAll(async () => {
    server = await startScriptServer();
  });
  afterAll(() => server.close());

  it('an error message keeps its words intact and still hides the key', async () => {
    server.setFallback({ body: notice('Error Message', 'Key k is unknown to us.') });
    const extractor = new AlphaVantageExtractor({
      apiKey: 'k',
      baseUrl: server.url,
      clock: new FakeClock(),
      plan: 'premium-1200',
    });
    const error = await extractor.quote('IBM').catch((e) => e);
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toContain('Key *** is unknown to us.');
  });
});
