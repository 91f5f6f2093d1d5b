import { describe, expect, it } from 'vitest';
import { fetchCovers } from '../../../src/pipeline/coverage';

describe('fetchCovers: does an identical job fetch serve a waiting one?', () => {
  it('serves an unforced job with any fetch the watermark chose', () => {
    expect(fetchCovers({ outputsize: 'compact' }, {})).toBe(true);
    expect(fetchCovers({ outputsize: 'full' }, {})).toBe(true);
    expect(fetchCovers(null, {})).toBe(true); // datasets without an output size (quote, weekly)
    expect(fetchCovers({ outputsize: 'full', forced: true }, {})).toBe(true);
  });

  it('does not serve an unforced job with a forced compact fetch (it may have left a gap)', () => {
    expect(fetchCovers({ outputsize: 'compact', forced: true }, {})).toBe(false);
  });

  it('serves a forced full job only with a full fetch', () => {
    expect(fetchCovers({ outputsize: 'full' }, { forced: 'full' })).toBe(true);
    expect(fetchCovers({ outputsize: 'compact' }, { forced: 'full' })).toBe(false);
    expect(fetchCovers({ outputsize: 'compact' }, { forced: 'compact' })).toBe(true);
  });

  it('does not serve a job that wants extended hours with a regular-hours fetch', () => {
    expect(fetchCovers({ extendedHours: false }, { extendedHours: true })).toBe(false);
    expect(fetchCovers({ extendedHours: true }, { extendedHours: false })).toBe(true);
    expect(fetchCovers({ extendedHours: true }, { extendedHours: true })).toBe(true);
  });
});
