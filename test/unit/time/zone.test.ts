import { describe, expect, it } from 'vitest';
import { NEW_YORK, zonedDate } from '../../../src/time/zone';

describe('zonedDate', () => {
  it('gives the calendar date in the zone, not in UTC or the host zone', () => {
    // 03:59 UTC is still the previous evening in New York (EDT, UTC-4); 04:00 is midnight.
    expect(zonedDate(NEW_YORK, Date.parse('2024-07-05T03:59:59Z'))).toBe('2024-07-04');
    expect(zonedDate(NEW_YORK, Date.parse('2024-07-05T04:00:00Z'))).toBe('2024-07-05');
    // Winter (EST, UTC-5).
    expect(zonedDate(NEW_YORK, Date.parse('2024-01-02T04:59:59Z'))).toBe('2024-01-01');
    expect(zonedDate('UTC', Date.parse('2024-01-02T04:59:59Z'))).toBe('2024-01-02');
    expect(zonedDate('Asia/Tokyo', Date.parse('2024-01-01T15:00:00Z'))).toBe('2024-01-02');
  });
});
