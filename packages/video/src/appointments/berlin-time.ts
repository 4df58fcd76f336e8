import { berlinDateTimeOf, formatGermanDate, germanWeekdayName, PvsKitError } from '@pvskit/core';

/*
 * Appointment slots are practice wall-clock times (Europe/Berlin, no zone in the string, as in core's
 * LocalDateTime). Code windows and deletion dates are instants, so the conversion lives here, once.
 */

const ZONE = 'Europe/Berlin';
const RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Offset of Berlin from UTC at `instant`, in ms (3,600,000 in winter, 7,200,000 in summer). */
function berlinOffset(instant: number): number {
  const p: Record<string, number> = {};
  for (const part of partsFormat.formatToParts(new Date(instant))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * `YYYY-MM-DDTHH:MM` in Berlin → epoch ms. In the spring-forward gap the time is read with the winter offset
 * (02:30 becomes 03:30 CEST); in the autumn overlap the earlier (summer) instant is taken.
 */
export function berlinToEpoch(local: string): number {
  const m = RE.exec(local);
  if (m === null) throw new PvsKitError('CALENDAR', `not a local date-time: ${local}`);
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  // Berlin is UTC+2 (CEST) or UTC+1 (CET). The summer reading wins when valid; otherwise the winter one,
  // which also places a time in the spring gap one hour later on the clock.
  const summer = wall - 2 * 3_600_000;
  if (berlinOffset(summer) === 2 * 3_600_000) return summer;
  return wall - 3_600_000;
}

const germanFormat = new Intl.DateTimeFormat('de-DE', {
  timeZone: ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** Epoch ms → `26.11.2026, 15:30` in Berlin time. */
export function formatBerlin(instant: number): string {
  return germanFormat.format(new Date(instant));
}

/** `2026-11-26T15:30` → { weekday: 'Donnerstag', date: '26.11.2026', time: '15:30' } (no zone maths needed). */
export function describeLocal(local: string): { weekday: string; date: string; time: string } {
  const m = RE.exec(local);
  if (m === null) throw new PvsKitError('CALENDAR', `not a local date-time: ${local}`);
  const date = local.slice(0, 10);
  return { weekday: germanWeekdayName(date), date: formatGermanDate(date), time: local.slice(11, 16) };
}

/** The Berlin calendar date of an instant, `YYYY-MM-DD` (core's calendar, whatever the process zone). */
export function berlinDate(instant: number): string {
  return berlinDateTimeOf(new Date(instant)).date;
}
