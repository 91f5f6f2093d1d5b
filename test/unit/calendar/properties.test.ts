import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MarketCalendar } from '../../../src/calendar';

const cal = new MarketCalendar();
const DAY_MS = 86_400_000;
const FROM = Date.UTC(1995, 0, 1);
const TO = Date.UTC(2040, 11, 31);

/** A `YYYY-MM-DD` between 1995 and 2040. */
const dateArb = fc
  .integer({ min: 0, max: Math.floor((TO - FROM) / DAY_MS) })
  .map((n) => new Date(FROM + n * DAY_MS).toISOString().slice(0, 10));

/** Any millisecond between 1995 and 2040. */
const instantArb = fc.integer({ min: FROM, max: TO }).map((ms) => new Date(ms));

const hoursArb = fc.boolean();

describe('calendar properties', () => {
  it('a session is ordered: preOpen < open < close < postClose, on its own New York day', () => {
    fc.assert(
      fc.property(dateArb, (date) => {
        const s = cal.session(date);
        if (!s) return;
        expect(s.date).toBe(date);
        expect(s.preOpen.getTime()).toBeLessThan(s.open.getTime());
        expect(s.open.getTime()).toBeLessThan(s.close.getTime());
        expect(s.close.getTime()).toBeLessThan(s.postClose.getTime());
        expect(s.close.getTime() - s.open.getTime()).toBe(
          s.earlyClose ? 3.5 * 3600e3 : 6.5 * 3600e3,
        );
        expect(s.postClose.getTime() - s.preOpen.getTime()).toBe(
          s.earlyClose ? 13 * 3600e3 : 16 * 3600e3,
        );
        for (const instant of [s.preOpen, s.open, s.close, new Date(s.postClose.getTime() - 1)]) {
          expect(cal.session(instant)?.date).toBe(date);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('nextOpen is strictly later, open at once, and closed just before', () => {
    fc.assert(
      fc.property(instantArb, hoursArb, (t, extendedHours) => {
        const next = cal.nextOpen(t, { extendedHours });
        expect(next.getTime()).toBeGreaterThan(t.getTime());
        expect(cal.isOpen(next, { extendedHours })).toBe(true);
        expect(cal.isOpen(new Date(next.getTime() - 1), { extendedHours })).toBe(false);
        // No more than the longest gap between sessions (the 2001 closure: 6 days).
        expect(next.getTime() - t.getTime()).toBeLessThan(8 * DAY_MS);
      }),
      { numRuns: 500 },
    );
  });

  it('previousClose is at or before, closed at once, and open just before', () => {
    fc.assert(
      fc.property(instantArb, hoursArb, (t, extendedHours) => {
        const prev = cal.previousClose(t, { extendedHours });
        expect(prev.getTime()).toBeLessThanOrEqual(t.getTime());
        expect(cal.isOpen(prev, { extendedHours })).toBe(false);
        expect(cal.isOpen(new Date(prev.getTime() - 1), { extendedHours })).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('isOpen agrees with the session of the instant’s New York day', () => {
    fc.assert(
      fc.property(instantArb, hoursArb, (t, extendedHours) => {
        const s = cal.session(t);
        const [start, end] = extendedHours ? [s?.preOpen, s?.postClose] : [s?.open, s?.close];
        const expected = s !== null && start! <= t && t < end!;
        expect(cal.isOpen(t, { extendedHours })).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('no trading day falls on a weekend', () => {
    fc.assert(
      fc.property(dateArb, (date) => {
        const dow = new Date(`${date}T12:00:00Z`).getUTCDay();
        if (dow === 0 || dow === 6) {
          expect(cal.isTradingDay(date)).toBe(false);
          expect(cal.session(date)).toBeNull();
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('sessionsBetween and tradingDaysBetween agree with isTradingDay day by day', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 0, max: 60 }), (from, span) => {
        const days = Array.from({ length: span + 1 }, (_, i) =>
          new Date(Date.parse(`${from}T00:00:00Z`) + i * DAY_MS).toISOString().slice(0, 10),
        );
        const to = days[days.length - 1]!;
        const expected = days.filter((d) => cal.isTradingDay(d));
        expect(cal.sessionsBetween(from, to).map((s) => s.date)).toEqual(expected);
        expect(cal.tradingDaysBetween(from, to)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('nextTradingDay and previousTradingDay step over exactly the closed days', () => {
    fc.assert(
      fc.property(dateArb, (date) => {
        const next = cal.nextTradingDay(date);
        const prev = cal.previousTradingDay(date);
        expect(next > date && prev < date).toBe(true);
        expect(cal.tradingDaysBetween(prev, next)).toEqual(
          cal.isTradingDay(date) ? [prev, date, next] : [prev, next],
        );
      }),
      { numRuns: 300 },
    );
  });

  it('a closure added by a caller is honoured everywhere', () => {
    fc.assert(
      fc.property(dateArb, (date) => {
        if (!cal.isTradingDay(date)) return;
        const custom = new MarketCalendar().addClosure(date, 'Test closure');
        expect(custom.isTradingDay(date)).toBe(false);
        expect(custom.holidays(Number(date.slice(0, 4))).map((h) => h.date)).toContain(date);
        const s = cal.session(date)!;
        expect(custom.isOpen(s.open)).toBe(false);
        expect(custom.nextOpen(new Date(s.open.getTime() - 1)).getTime()).toBeGreaterThan(
          s.postClose.getTime(),
        );
      }),
      { numRuns: 100 },
    );
  });
});
