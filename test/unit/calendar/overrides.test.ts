import { describe, expect, it } from 'vitest';
import { MarketCalendar } from '../../../src/calendar';
import { ValidationError } from '../../../src/errors';

describe('addClosure', () => {
  it('closes a day the calendar had already cached as open', () => {
    const cal = new MarketCalendar();
    expect(cal.isTradingDay('2026-03-11')).toBe(true); // builds the 2026 cache
    expect(cal.addClosure('2026-03-11', 'Exchange outage')).toBe(cal);
    expect(cal.isTradingDay('2026-03-11')).toBe(false);
    expect(cal.session('2026-03-11')).toBeNull();
    expect(cal.closureReason('2026-03-11')).toBe('Exchange outage');
    expect(cal.holidays(2026).map((h) => h.date)).toContain('2026-03-11');
    expect(cal.nextTradingDay('2026-03-10')).toBe('2026-03-12');
    expect(cal.nextOpen(new Date('2026-03-10T21:00:00Z'))).toEqual(
      new Date('2026-03-12T13:30:00Z'),
    );
  });

  it('keeps holidays() ascending with an added day among rule holidays', () => {
    const cal = new MarketCalendar().addClosure('2026-01-02', 'Snow');
    expect(cal.holidays(2026).slice(0, 3)).toEqual([
      { date: '2026-01-01', name: "New Year's Day" },
      { date: '2026-01-02', name: 'Snow' },
      { date: '2026-01-19', name: 'Martin Luther King Jr. Day' },
    ]);
  });

  it('replaces an early close and the reason of an existing closure', () => {
    const cal = new MarketCalendar();
    cal.addClosure('2026-11-27', 'Closed all day').addClosure('2026-12-25', 'Renamed');
    expect(cal.session('2026-11-27')).toBeNull();
    expect(cal.earlyCloseReason('2026-11-27')).toBeNull();
    expect(cal.closureReason('2026-12-25')).toBe('Renamed');
    expect(cal.holidays(2026).filter((h) => h.date === '2026-12-25')).toHaveLength(1);
  });

  it('accepts a Date (its New York day)', () => {
    const cal = new MarketCalendar().addClosure(new Date('2026-03-12T03:00:00Z'), 'Late-night');
    expect(cal.closureReason('2026-03-11')).toBe('Late-night'); // 23:00 EDT on March 11
  });

  it('affects only its own instance', () => {
    const a = new MarketCalendar().addClosure('2026-03-11', 'Outage');
    const b = new MarketCalendar();
    expect(a.isTradingDay('2026-03-11')).toBe(false);
    expect(b.isTradingDay('2026-03-11')).toBe(true);
  });

  it('rejects weekends, empty reasons and bad dates', () => {
    const cal = new MarketCalendar();
    expect(() => cal.addClosure('2026-03-14', 'Saturday')).toThrow(ValidationError);
    expect(() => cal.addClosure('2026-03-11', '  ')).toThrow(ValidationError);
    expect(() => cal.addClosure('2026-02-30', 'No such day')).toThrow(ValidationError);
    expect(() => cal.addClosure('2026-3-11', 'Bad format')).toThrow(ValidationError);
    expect(cal.isTradingDay('2026-03-11')).toBe(true);
  });
});

describe('addEarlyClose', () => {
  it('defaults to 13:00 and shortens post-market to 17:00', () => {
    const cal = new MarketCalendar().addEarlyClose('2026-06-12');
    expect(cal.session('2026-06-12')).toEqual({
      date: '2026-06-12',
      open: new Date('2026-06-12T13:30:00Z'),
      close: new Date('2026-06-12T17:00:00Z'),
      earlyClose: true,
      preOpen: new Date('2026-06-12T08:00:00Z'),
      postClose: new Date('2026-06-12T21:00:00Z'),
    });
    expect(cal.earlyCloseReason('2026-06-12')).toBe('Early close');
  });

  it('takes a custom time and reason, and overrides a built-in early close', () => {
    const cal = new MarketCalendar()
      .addEarlyClose('2026-06-12', '14:30', 'Memorial service')
      .addEarlyClose('2026-11-27', '12:00', 'Shorter half day');
    expect(cal.session('2026-06-12')?.close).toEqual(new Date('2026-06-12T18:30:00Z'));
    expect(cal.earlyCloseReason('2026-06-12')).toBe('Memorial service');
    expect(cal.session('2026-11-27')?.close).toEqual(new Date('2026-11-27T17:00:00Z')); // 12:00 EST
    expect(cal.isOpen(new Date('2026-06-12T18:29:00Z'))).toBe(true);
    expect(cal.isOpen(new Date('2026-06-12T18:30:00Z'))).toBe(false);
  });

  it('rejects closed days, bad times and times that are not early', () => {
    const cal = new MarketCalendar();
    expect(() => cal.addEarlyClose('2026-12-25')).toThrow(/closed \(Christmas Day\)/);
    expect(() => cal.addEarlyClose('2026-06-13')).toThrow(/weekend/);
    for (const time of ['9:30', '13:00:00', '24:00', '12:60', 'noon', '09:30', '16:00', '18:00']) {
      expect(() => cal.addEarlyClose('2026-06-12', time)).toThrow(ValidationError);
    }
    expect(() => cal.addEarlyClose('2026-06-12', '13:00', '')).toThrow(ValidationError);
    expect(cal.session('2026-06-12')?.earlyClose).toBe(false);
  });

  it('loses to a later closure of the same day', () => {
    const cal = new MarketCalendar().addEarlyClose('2026-06-12').addClosure('2026-06-12', 'Storm');
    expect(cal.session('2026-06-12')).toBeNull();
    expect(cal.earlyCloseReason('2026-06-12')).toBeNull();
  });
});

describe('constructor options', () => {
  it('applies closures and early closes', () => {
    const cal = new MarketCalendar({
      closures: [{ date: '2030-05-15', reason: 'Unexpected' }],
      earlyCloses: [{ date: '2030-05-16', time: '12:00', reason: 'Half day' }],
    });
    expect(cal.closureReason('2030-05-15')).toBe('Unexpected');
    expect(cal.session('2030-05-16')?.close).toEqual(new Date('2030-05-16T16:00:00Z'));
    expect(cal.timeZone).toBe('America/New_York');
  });

  it('rejects invalid entries with ValidationError', () => {
    expect(() => new MarketCalendar({ closures: [{ date: 'tomorrow', reason: 'x' }] })).toThrow(
      ValidationError,
    );
    expect(
      () => new MarketCalendar({ earlyCloses: [{ date: '2030-05-16', time: '17:00' }] }),
    ).toThrow(ValidationError);
    expect(() => new MarketCalendar(null as never)).toThrow(ValidationError);
  });
});

describe('input validation', () => {
  const cal = new MarketCalendar();
  const badDates: unknown[] = [
    '',
    '2024-1-01',
    '2024-01-01T00:00:00Z',
    '2023-02-29',
    '2024-13-01',
    '1899-12-29',
    new Date(Number.NaN),
    new Date('1850-01-01T00:00:00Z'),
    20240101,
    null,
    undefined,
  ];

  it.each(badDates.map((d) => [d]))('rejects %s', (input) => {
    const bad = input as string;
    for (const call of [
      () => cal.isTradingDay(bad),
      () => cal.session(bad),
      () => cal.closureReason(bad),
      () => cal.nextTradingDay(bad),
      () => cal.sessionsBetween(bad, '2024-01-31'),
      () => cal.tradingDaysBetween('2024-01-01', bad),
    ]) {
      expect(call).toThrow(ValidationError);
    }
  });

  it('names the offending argument', () => {
    const error = (() => {
      try {
        cal.sessionsBetween('2024-01-01', 'soon');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('to');
  });

  it('rejects invalid instants and years', () => {
    for (const t of [new Date(Number.NaN), '2024-01-01' as unknown as Date, undefined as never]) {
      expect(() => cal.isOpen(t)).toThrow(ValidationError);
      expect(() => cal.nextOpen(t)).toThrow(ValidationError);
      expect(() => cal.previousClose(t)).toThrow(ValidationError);
    }
    for (const y of [2024.5, 1899, 10_000, Number.NaN, '2024' as unknown as number]) {
      expect(() => cal.holidays(y)).toThrow(ValidationError);
    }
  });

  it('treats weekends as closed without a reason', () => {
    expect(cal.isTradingDay('2024-06-15')).toBe(false);
    expect(cal.closureReason('2024-06-15')).toBeNull();
    expect(cal.closureReason('2024-06-14')).toBeNull();
  });
});
