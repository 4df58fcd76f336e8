/** Converting an instant to the wall clock of a German practice. */
import { PvsKitError } from '../errors.js';
import type { LocalDate, LocalTime } from '../schemas/primitives.js';
import { formatGermanDate, germanWeekdayName } from './local-date.js';

/** The IANA zone every pvskit local date and time refers to. */
export const PRACTICE_TIME_ZONE = 'Europe/Berlin';

// One formatter for the process: constructing Intl formatters is expensive, using them is not.
let formatter: Intl.DateTimeFormat | undefined;

function berlinFormatter(): Intl.DateTimeFormat {
  formatter ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: PRACTICE_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return formatter;
}

/**
 * Summer time in Germany as the EU rule fixes it since 1996 (Directive 2000/84/EC, Art. 2–3; before it the
 * Directives 94/21/EC and 97/44/EC; in Germany the Sommerzeitverordnung): UTC+2 from 01:00 UTC on the last
 * Sunday of March to 01:00 UTC on the last Sunday of October, UTC+1 otherwise. The IANA zone Europe/Berlin
 * follows this rule for these years (a test holds both to the same answers around every change); outside
 * them Intl answers. Dated data: should the rule change, `until` ends where the change begins. Intl's first
 * formatter costs a fresh process about 12 ms (ICU's set-up), as much as 2,000 cases of a KVDT export, which
 * needs the time for its creation date only.
 */
const EU_SUMMER_TIME_RULE = { from: Date.UTC(1996, 0, 1), until: Date.UTC(2100, 0, 1) } as const;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** 00:00 UTC of the last Sunday of `month` (0-based) in `year`. */
function lastSundayUtc(year: number, month: number): number {
  const lastDay = Date.UTC(year, month + 1, 0);
  return lastDay - new Date(lastDay).getUTCDay() * DAY;
}

/** Berlin's offset from UTC at `t` by {@link EU_SUMMER_TIME_RULE}, in ms. */
function ruleOffset(t: number): number {
  const year = new Date(t).getUTCFullYear();
  const summer = t >= lastSundayUtc(year, 2) + HOUR && t < lastSundayUtc(year, 9) + HOUR;
  return summer ? 2 * HOUR : HOUR;
}

const two = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** The date and time a UTC-shifted `Date` shows in its UTC fields, seconds cut off. */
function wallClockOf(local: Date): { date: LocalDate; time: LocalTime } {
  return {
    date: `${String(local.getUTCFullYear()).padStart(4, '0')}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())}`,
    time: `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}`,
  };
}

/**
 * Local German date and time (Europe/Berlin, CET/CEST) of an instant, whatever the process time zone is.
 * Seconds are dropped (truncated), as a practice's clock shows them.
 * @throws PvsKitError `CALENDAR` for an invalid `Date`.
 */
export function berlinDateTimeOf(instant: Date): { date: LocalDate; time: LocalTime } {
  const t = instant.getTime();
  if (Number.isNaN(t)) {
    throw new PvsKitError('CALENDAR', 'invalid Date', { userMessage: 'Ungültiger Zeitpunkt.' });
  }
  if (t >= EU_SUMMER_TIME_RULE.from && t < EU_SUMMER_TIME_RULE.until) return wallClockOf(new Date(t + ruleOffset(t)));
  const fields: Record<string, string> = {};
  for (const part of berlinFormatter().formatToParts(instant)) fields[part.type] = part.value;
  const year = (fields['year'] ?? '').padStart(4, '0');
  return {
    date: `${year}-${fields['month'] ?? ''}-${fields['day'] ?? ''}`,
    time: `${fields['hour'] ?? ''}:${fields['minute'] ?? ''}`,
  };
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

let offsetFormatter: Intl.DateTimeFormat | undefined;

/** Offset of Berlin from UTC at `instant`, in ms (3,600,000 in winter, 7,200,000 in summer). */
function berlinOffset(instant: number): number {
  offsetFormatter ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: PRACTICE_TIME_ZONE,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const p: Record<string, number> = {};
  for (const part of offsetFormatter.formatToParts(new Date(instant))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(p['year'] ?? 0, (p['month'] ?? 1) - 1, p['day'] ?? 1, p['hour'] ?? 0, p['minute'] ?? 0, p['second'] ?? 0);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

function localDateTimeParts(local: string): RegExpExecArray {
  const m = LOCAL_DATE_TIME.exec(local);
  if (m === null) throw new PvsKitError('CALENDAR', `not a local date-time: ${local}`, { userMessage: 'Ungültiges Datum oder Uhrzeit.' });
  return m;
}

/**
 * The instant (epoch ms) of a practice wall-clock time `YYYY-MM-DDTHH:MM` (Europe/Berlin), the inverse of
 * {@link berlinDateTimeOf}. In the spring-forward gap the time is read with the winter offset (02:30 becomes
 * 03:30 CEST); in the autumn overlap the earlier (summer) instant is taken.
 * @throws PvsKitError `CALENDAR` for anything that is not a local date-time.
 */
export function berlinInstantOf(local: string): number {
  const m = localDateTimeParts(local);
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  // Berlin is UTC+2 (CEST) or UTC+1 (CET). The summer reading wins when valid; otherwise the winter one,
  // which also places a time in the spring gap one hour later on the clock.
  const summer = wall - 2 * 3_600_000;
  if (berlinOffset(summer) === 2 * 3_600_000) return summer;
  return wall - 3_600_000;
}

let germanFormatter: Intl.DateTimeFormat | undefined;

/** An instant as a German reads it in Berlin: `26.11.2026, 15:30`. */
export function formatBerlinDateTime(instant: number): string {
  germanFormatter ??= new Intl.DateTimeFormat('de-DE', {
    timeZone: PRACTICE_TIME_ZONE,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return germanFormatter.format(new Date(instant));
}

/** `2026-11-26T15:30` → `{ weekday: 'Donnerstag', date: '26.11.2026', time: '15:30' }` (no zone maths needed). */
export function describeLocalDateTime(local: string): { weekday: string; date: string; time: string } {
  localDateTimeParts(local);
  const date = local.slice(0, 10);
  return { weekday: germanWeekdayName(date), date: formatGermanDate(date), time: local.slice(11, 16) };
}
