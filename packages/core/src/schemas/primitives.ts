import { z } from 'zod';
import { daysInMonth } from '../calendar/local-date.js';
import { fastPredicate } from '../fast-parse.js';

const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATETIME_RE = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})$/;

/** The number written by the ASCII digits `value[from…to)`, or -1 when one is no digit. */
function digitsAt(value: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = value.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** True when `YYYY-MM-DD` names a real day of the proleptic Gregorian calendar. */
export function isRealLocalDate(value: string): boolean {
  // Read by hand, not with a regular expression: this runs for every date of every case on each keystroke.
  if (value.length !== 10 || value.charCodeAt(4) !== 0x2d || value.charCodeAt(7) !== 0x2d) return false;
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 7);
  const day = digitsAt(value, 8, 10);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  // Plain arithmetic: this runs for every date of every case on each keystroke, a Date per call is too dear.
  return day <= daysInMonth(year, month);
}

/** A local German calendar date, `YYYY-MM-DD`. No time zone: the practice's wall calendar. */
export const localDateSchema = z
  .string()
  .refine(isRealLocalDate, { message: 'expected a real date as YYYY-MM-DD' })
  .meta({ description: 'Local German date, YYYY-MM-DD', examples: ['2026-01-09'] });

/** A local German wall-clock time, `HH:MM`, 00:00–23:59. */
export const localTimeSchema = z
  .string()
  .regex(TIME_RE, { message: 'expected a time as HH:MM (00:00–23:59)' })
  .meta({ description: 'Local German time, HH:MM', examples: ['21:30'] });

/** A local German date and time, `YYYY-MM-DDTHH:MM`, without zone or seconds. */
export const localDateTimeSchema = z
  .string()
  .refine(
    (v) => {
      const m = DATETIME_RE.exec(v);
      return m !== null && isRealLocalDate(m[1] ?? '') && TIME_RE.test(m[2] ?? '');
    },
    { message: 'expected a local date-time as YYYY-MM-DDTHH:MM' },
  )
  .meta({ description: 'Local German date-time, YYYY-MM-DDTHH:MM', examples: ['2026-01-09T20:00'] });

/** Non-empty text without leading/trailing blanks (KVDT forbids them) and without line breaks. */
export const textSchema = z
  .string()
  .min(1, { message: 'must not be empty' })
  .refine((v) => v.trim() === v, { message: 'must not start or end with blanks' })
  .refine((v) => !/[\r\n]/.test(v), { message: 'must not contain line breaks' });

// One pass instead of three checks for the dozens of text fields and dates of every case (same verdicts;
// the fast parse's property test holds them to zod's).
fastPredicate(textSchema, (v) => typeof v === 'string' && v.length > 0 && !hasOuterBlank(v) && v.indexOf('\n') === -1 && v.indexOf('\r') === -1);

/**
 * `v.trim() !== v` for a non-empty string, without calling `trim` when both ends are printable ASCII (what
 * `trim` strips is all outside `!`…`~`): almost every text of a case takes the two comparisons.
 */
function hasOuterBlank(v: string): boolean {
  const first = v.charCodeAt(0);
  const last = v.charCodeAt(v.length - 1);
  if (first > 0x20 && first < 0x7f && last > 0x20 && last < 0x7f) return false;
  return v.trim() !== v;
}
fastPredicate(localDateSchema, (v) => typeof v === 'string' && isRealLocalDate(v));

/** Free text that may contain anything but must not be empty. */
export const freeTextSchema = z.string().min(1, { message: 'must not be empty' });

export type LocalDate = z.infer<typeof localDateSchema>;
export type LocalTime = z.infer<typeof localTimeSchema>;
export type LocalDateTime = z.infer<typeof localDateTimeSchema>;
