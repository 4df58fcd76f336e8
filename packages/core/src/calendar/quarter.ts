/** Billing quarters as KVDT writes them: `QJJJJ`, e.g. `12026` for January–March 2026. */
import { PvsKitError } from '../errors.js';
import type { LocalDate } from '../schemas/primitives.js';
import { daysInMonth, formatLocalDate, parseLocalDate } from './local-date.js';

/** A billing quarter `QJJJJ` (quarter digit 1–4, then the four-digit year), e.g. `42025`. */
export type QuarterCode = string;

/** The fields of a {@link QuarterCode}. */
export interface QuarterParts {
  /** 1 = January–March … 4 = October–December. */
  quarter: 1 | 2 | 3 | 4;
  /** Four-digit year. */
  year: number;
}

const QUARTER_RE = /^([1-4])(\d{4})$/;

/**
 * Reads a `QJJJJ` quarter code.
 * @throws PvsKitError `CALENDAR` on anything else (e.g. `52026`, `2026Q1`, `1026`).
 */
export function parseQuarter(q: string): QuarterParts {
  const m = QUARTER_RE.exec(q);
  const year = Number(m?.[2]);
  if (m === null || year < 1) {
    throw new PvsKitError('CALENDAR', `not a quarter as QJJJJ (Q = 1–4): ${JSON.stringify(q)}`, {
      userMessage: `Ungültiges Quartal: „${q}“ (erwartet QJJJJ, z. B. 12026).`,
      details: { value: q },
    });
  }
  return { quarter: Number(m[1]) as QuarterParts['quarter'], year };
}

/** True when `q` is a valid `QJJJJ` quarter code. */
export function isQuarterCode(q: string): boolean {
  return QUARTER_RE.test(q) && Number(q.slice(1)) >= 1;
}

/** The quarter a local date belongs to. */
export function quarterOf(d: LocalDate): QuarterCode {
  const { year, month } = parseLocalDate(d);
  return `${Math.ceil(month / 3)}${String(year).padStart(4, '0')}`;
}

/** First and last day (both inclusive) of a quarter. */
export function quarterRange(q: QuarterCode): { start: LocalDate; end: LocalDate } {
  const { quarter, year } = parseQuarter(q);
  const firstMonth = (quarter - 1) * 3 + 1;
  const lastMonth = firstMonth + 2;
  return {
    start: formatLocalDate({ year, month: firstMonth, day: 1 }),
    end: formatLocalDate({ year, month: lastMonth, day: daysInMonth(year, lastMonth) }),
  };
}
