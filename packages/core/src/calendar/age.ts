/**
 * Age in the sense of the BGB (§ 187 Abs. 2, § 188 Abs. 2): a year of life is completed at the end of the day
 * before the birthday, so on the birthday itself the new age is reached. A 29 February birthday falls on
 * 1 March in non-leap years.
 */
import { PvsKitError } from '../errors.js';
import type { LocalDate } from '../schemas/primitives.js';
import type { LocalDateParts } from './local-date.js';
import { isLeapYear, parseLocalDate } from './local-date.js';

// Compares `on` with the birthday in `year` as a yyyymmdd number: no string building on this hot path.
function keyOf(p: LocalDateParts): number {
  return p.year * 10_000 + p.month * 100 + p.day;
}

function birthdayKey(birth: LocalDateParts, year: number): number {
  if (birth.month === 2 && birth.day === 29 && !isLeapYear(year)) return year * 10_000 + 301;
  return year * 10_000 + birth.month * 100 + birth.day;
}

function checkedYears(years: number): number {
  if (!Number.isInteger(years)) {
    throw new PvsKitError('CALENDAR', `age in years must be a whole number, got ${years}`, {
      userMessage: 'Ungültige Altersangabe.',
      details: { years },
    });
  }
  return years;
}

/**
 * Completed years of life on date `on` for someone born on `birth`. Negative when `on` is before `birth`
 * (callers validate plausibility; the calendar does not guess).
 */
export function completedYears(birth: LocalDate, on: LocalDate): number {
  const b = parseLocalDate(birth);
  const o = parseLocalDate(on);
  const years = o.year - b.year;
  return keyOf(o) >= birthdayKey(b, o.year) ? years : years - 1;
}

/** True when `on` is before the `years`-th birthday (`on < birth + years`), e.g. "vor dem 3. Geburtstag". */
export function isBeforeBirthday(birth: LocalDate, on: LocalDate, years: number): boolean {
  return !hasReachedAge(birth, on, years);
}

/** True when the `years`-th birthday has been reached on `on` (`on ≥ birth + years`), e.g. "ab dem 70. Lebensjahr". */
export function hasReachedAge(birth: LocalDate, on: LocalDate, years: number): boolean {
  const b = parseLocalDate(birth);
  return keyOf(parseLocalDate(on)) >= birthdayKey(b, b.year + checkedYears(years));
}
