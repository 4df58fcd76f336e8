/**
 * Plain calendar arithmetic on local German dates (`YYYY-MM-DD`) and wall-clock times (`HH:MM`).
 *
 * Deliberately free of `Date`: a `Date` carries an instant, and reading its calendar fields depends on the
 * machine's time zone. The practice's wall calendar is what the EBM rules speak about, so dates stay strings
 * and arithmetic runs on day numbers (proleptic Gregorian calendar).
 */
import { PvsKitError } from '../errors.js';
import type { LocalDate, LocalTime } from '../schemas/primitives.js';

/** Calendar fields of a {@link LocalDate}; `month` and `day` are 1-based. */
export interface LocalDateParts {
  /** Four-digit year, 1–9999. */
  year: number;
  /** 1–12. */
  month: number;
  /** 1–31. */
  day: number;
}

/** Day of the week, 0 = Sunday … 6 = Saturday (as in `Date#getDay`). */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;


const GERMAN_WEEKDAYS = ['Sonntag', 'Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag', 'Samstag'] as const;

/** True for leap years of the Gregorian calendar. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Number of days in `month` (1–12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function calendarError(message: string, userMessage: string, details: Record<string, unknown>): PvsKitError {
  return new PvsKitError('CALENDAR', message, { userMessage, details });
}

/**
 * Splits a `YYYY-MM-DD` date into numbers.
 * @throws PvsKitError `CALENDAR` when the text is not a real date (e.g. `2026-02-29`).
 */
export function parseLocalDate(d: string): LocalDateParts {
  const parts = partsOrNull(d);
  if (parts !== null) return parts;
  throw calendarError(`not a real date as YYYY-MM-DD: ${JSON.stringify(d)}`, `Ungültiges Datum: „${d}“ (erwartet JJJJ-MM-TT).`, {
    value: d,
  });
}

// Hand-rolled instead of a regex: this runs for every date of every rule check.
function digitAt(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

function partsOrNull(d: string): LocalDateParts | null {
  if (typeof d !== 'string' || d.length !== 10 || d.charCodeAt(4) !== 45 || d.charCodeAt(7) !== 45) return null;
  const y0 = digitAt(d, 0);
  const y1 = digitAt(d, 1);
  const y2 = digitAt(d, 2);
  const y3 = digitAt(d, 3);
  const m0 = digitAt(d, 5);
  const m1 = digitAt(d, 6);
  const d0 = digitAt(d, 8);
  const d1 = digitAt(d, 9);
  if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0) return null;
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = m0 * 10 + m1;
  const day = d0 * 10 + d1;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

/** True when `d` is a real date written as `YYYY-MM-DD`. */
export function isLocalDate(d: string): boolean {
  return partsOrNull(d) !== null;
}

/**
 * Writes calendar fields as `YYYY-MM-DD`.
 * @throws PvsKitError `CALENDAR` when the fields do not name a real day in the years 0001–9999.
 */
export function formatLocalDate(parts: LocalDateParts): LocalDate {
  const { year, month, day } = parts;
  if (
    !Number.isInteger(year) ||
    !Number.isInteger(month) ||
    !Number.isInteger(day) ||
    year < 1 ||
    year > 9999 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month)
  ) {
    throw calendarError(`not a real date: ${JSON.stringify(parts)}`, 'Ungültiges Datum.', { ...parts });
  }
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

// Days since 1970-01-01 and back (H. Hinnant's civil-from-days); exact for the whole proleptic calendar.
function dayNumberOf(p: LocalDateParts): number {
  const y = p.month <= 2 ? p.year - 1 : p.year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (p.month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + p.day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function partsOfDayNumber(n: number): LocalDateParts {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

/** Days since 1970-01-01 of a local date (negative before). Useful for day differences. */
export function epochDayOf(d: LocalDate): number {
  return dayNumberOf(parseLocalDate(d));
}

/** The local date `n` days after `d` (`n` may be negative). */
export function addDays(d: LocalDate, n: number): LocalDate {
  if (!Number.isInteger(n)) {
    throw calendarError(`addDays needs a whole number of days, got ${n}`, 'Ungültige Anzahl Tage.', { n });
  }
  return formatLocalDate(partsOfDayNumber(dayNumberOf(parseLocalDate(d)) + n));
}

/** Whole days from `a` to `b` (positive when `b` is later). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return epochDayOf(b) - epochDayOf(a);
}

/**
 * The same calendar day `n` years later (or earlier for negative `n`). A 29 February lands on 1 March in a
 * non-leap year — the reading the EBM and § 188 BGB practice use for birthdays.
 */
export function addYears(d: LocalDate, n: number): LocalDate {
  if (!Number.isInteger(n)) {
    throw calendarError(`addYears needs a whole number of years, got ${n}`, 'Ungültige Anzahl Jahre.', { n });
  }
  const p = parseLocalDate(d);
  const year = p.year + n;
  if (p.month === 2 && p.day === 29 && !isLeapYear(year)) return formatLocalDate({ year, month: 3, day: 1 });
  return formatLocalDate({ year, month: p.month, day: p.day });
}

/** Negative when `a` is before `b`, 0 when equal, positive when after. Validates both dates. */
export function compareLocalDate(a: LocalDate, b: LocalDate): number {
  parseLocalDate(a);
  parseLocalDate(b);
  // Zero-padded ISO dates order lexicographically exactly as they order in time.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Day of the week of a local date, 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(d: LocalDate): Weekday {
  // 1970-01-01 was a Thursday (4).
  return ((((dayNumberOf(parseLocalDate(d)) + 4) % 7) + 7) % 7) as Weekday;
}

/** German weekday name of a local date, e.g. `Samstag`. */
export function germanWeekdayName(d: LocalDate): string {
  return GERMAN_WEEKDAYS[dayOfWeek(d)] as string;
}

/** A local date written the German way, `TT.MM.JJJJ`. */
export function formatGermanDate(d: LocalDate): string {
  parseLocalDate(d);
  return `${d.slice(8, 10)}.${d.slice(5, 7)}.${d.slice(0, 4)}`;
}

// All 1,440 valid times, so the hot path is one map lookup.
const MINUTES: ReadonlyMap<string, number> = new Map(
  Array.from({ length: 1440 }, (_, m) => [`${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`, m]),
);

/** True when `t` is a wall-clock time `HH:MM` between 00:00 and 23:59. */
export function isLocalTime(t: string): boolean {
  return MINUTES.has(t);
}

/**
 * Minutes since midnight of a wall-clock time (`07:00` → 420).
 * @throws PvsKitError `CALENDAR` when `t` is not `HH:MM` in 00:00–23:59.
 */
export function minutesOfDay(t: LocalTime): number {
  const known = MINUTES.get(t);
  if (known === undefined) {
    throw calendarError(`not a time as HH:MM (00:00–23:59): ${JSON.stringify(t)}`, `Ungültige Uhrzeit: „${t}“ (erwartet HH:MM).`, {
      value: t,
    });
  }
  return known;
}
