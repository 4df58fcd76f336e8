/**
 * Age in the sense of the BGB (§ 187 Abs. 2, § 188 Abs. 2): a year of life is completed at the end of the day
 * before the birthday, so on the birthday itself the new age is reached. A 29 February birthday falls on
 * 1 March in non-leap years.
 */
import type { LocalDate } from '../schemas/primitives.js';
import { addYears, compareLocalDate, parseLocalDate } from './local-date.js';

/**
 * Completed years of life on date `on` for someone born on `birth`. Negative when `on` is before `birth`
 * (callers validate plausibility; the calendar does not guess).
 */
export function completedYears(birth: LocalDate, on: LocalDate): number {
  const years = parseLocalDate(on).year - parseLocalDate(birth).year;
  return compareLocalDate(on, addYears(birth, years)) >= 0 ? years : years - 1;
}

/** True when `on` is before the `years`-th birthday (`on < birth + years`), e.g. "vor dem 3. Geburtstag". */
export function isBeforeBirthday(birth: LocalDate, on: LocalDate, years: number): boolean {
  return compareLocalDate(on, addYears(birth, years)) < 0;
}

/** True when the `years`-th birthday has been reached on `on` (`on ≥ birth + years`), e.g. "ab dem 70. Lebensjahr". */
export function hasReachedAge(birth: LocalDate, on: LocalDate, years: number): boolean {
  return compareLocalDate(on, addYears(birth, years)) >= 0;
}
