import { describeValue } from '../bounded-text';
import { ValidationError } from '../errors/validation-error';
import {
  type CivilDate,
  dayNumber,
  formatDayNumber,
  parseIsoDate,
  weekday,
} from '../time/civil-date';

/** The period starts of weekly and monthly bars (civil-date arithmetic lives in `time/civil-date`). */

function requireDate(date: string, field: string): CivilDate {
  const parts = typeof date === 'string' ? parseIsoDate(date) : null;
  if (!parts) {
    throw new ValidationError(
      `${field} must be a real date as YYYY-MM-DD, got ${describeValue(date)}`,
      {
        field,
      },
    );
  }
  return parts;
}

/**
 * The Monday of the ISO week containing `date` (`YYYY-MM-DD` in, `YYYY-MM-DD` out): the
 * `period_start` of a weekly bar. A Sunday belongs to the week that began six days earlier.
 *
 * @throws {@link ValidationError} when `date` is not a real `YYYY-MM-DD` date.
 * @internal
 */
export function weekStart(date: string): string {
  const { year, month, day } = requireDate(date, 'date');
  const back = (weekday(year, month, day) + 6) % 7; // days since Monday
  if (back === 0) return date;
  return formatDayNumber(dayNumber(year, month, day) - back);
}

/**
 * The first day of the month containing `date` (`YYYY-MM-DD` in, `YYYY-MM-01` out): the
 * `period_start` of a monthly bar.
 *
 * @throws {@link ValidationError} when `date` is not a real `YYYY-MM-DD` date.
 * @internal
 */
export function monthStart(date: string): string {
  requireDate(date, 'date');
  return `${date.slice(0, 8)}01`;
}
