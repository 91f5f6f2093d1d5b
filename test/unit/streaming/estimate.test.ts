import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/clock';
import { estimateDailyRequests } from '../../../src/streaming/estimate';
import { resolveStreamingOptions } from '../../../src/streaming/options';
import type { StreamingOptions } from '../../../src/streaming/types';

const at = (iso: string): Clock => ({ now: () => Date.parse(iso), sleep: async () => {} });

function estimate(over: Partial<StreamingOptions>, perDay: number | null, symbols = ['IBM']) {
  const opts = resolveStreamingOptions({
    db: { query: async () => ({ rows: [], rowCount: 0 }) } as never, // never queried
    extractor: { quote: async () => ({}) as never },
    symbols,
    clock: at('2024-03-16T15:00:00Z'), // a Saturday: the estimate covers Monday's session
    ...over,
  });
  return estimateDailyRequests(opts, opts.symbols, 'quote', perDay);
}

describe('estimateDailyRequests', () => {
  it('fixed: every interval of the session plus the closing cycle, capped by the daily limit', async () => {
    // 09:30–16:00 is 390 minutes: 390 cycles in the session and one at the close.
    expect(await estimate({ strategy: 'fixed' }, null)).toBe(391);
    expect(await estimate({ strategy: 'fixed' }, 25)).toBe(25);
    expect(await estimate({ strategy: 'fixed' }, null, ['IBM', 'MSFT'])).toBe(782);
  });

  it('budget and adaptive: the whole daily budget, spread over the session', async () => {
    expect(await estimate({ strategy: 'budget' }, 25)).toBe(25);
    expect(await estimate({ strategy: 'budget', extendedHours: true }, 25)).toBe(25);
    expect(await estimate({ strategy: 'adaptive' }, 25)).toBe(25);
    // A budget larger than the session needs: one cycle per interval, as fixed.
    expect(await estimate({ strategy: 'budget' }, 10_000)).toBe(391);
  });
});
