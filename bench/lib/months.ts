/** Month arithmetic for choosing backfill ranges relative to today. */

/** `YYYY-MM` of the month `back` months before the current UTC month. */
export function monthsAgo(back: number, now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
  return d.toISOString().slice(0, 7);
}

/**
 * The `count` complete months before the current one, oldest first, as `{ from, to, list }`.
 * Complete months keep every run the same size (the current month grows during the day).
 */
export function lastCompleteMonths(
  count: number,
  now = new Date(),
): {
  from: string;
  to: string;
  list: string[];
} {
  const list = Array.from({ length: count }, (_, i) => monthsAgo(count - i, now));
  return { from: list[0] as string, to: list[list.length - 1] as string, list };
}
