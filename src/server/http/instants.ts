// Calendar dates and instants as a database timestamp holds them, for query parameters of the
// LRS and the platform alike.

/** The days of a month (1 to 12) of a proleptic Gregorian year. */
export function daysInMonth(year: number, month: number): number {
  if (month !== 2) return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/**
 * The instants a database timestamp holds: 0001-01-01 to 9999-12-31 (UTC). A query bound outside
 * them (year 0000, or 9999 with an offset west of UTC) is moved to the nearest, which selects the
 * same stored rows; handed over as it is, PostgreSQL refuses it.
 */
const EARLIEST_INSTANT = new Date('0001-01-01T00:00:00Z').getTime();
const LATEST_INSTANT = new Date('9999-12-31T23:59:59.999Z').getTime();

/** An instant (epoch milliseconds) moved into the range a database timestamp holds. */
export function clampInstant(ms: number): number {
  return Math.min(Math.max(ms, EARLIEST_INSTANT), LATEST_INSTANT);
}
