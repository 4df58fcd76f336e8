import {
  formatGermanDate,
  germanWeekdayName,
  isBeforeBirthday,
  hasReachedAge,
  restDayReason,
  type Region,
} from '@pvskit/core';
import { konsultationBand, notfallpauschaleBand, wegepauschaleBand } from './bands.js';
import { inForce, NR9_AGE_LIMITS } from './data/notfall-tables.js';
import type { KonsultationBand, NotfallpauschaleBand, WegepauschaleBand } from './data/time-bands.js';

/*
 * The engine's view of the core calendar. The holiday calendar covers 1900–2199; a date outside yields
 * `undefined` bands, and the band rules then stay silent instead of guessing.
 */

function inCalendar(date: string): boolean {
  const year = Number(date.slice(0, 4));
  return year >= 1900 && year <= 2199;
}

/** Notfallpauschale band, or undefined outside the calendar's range. */
export function pauschaleBandOf(date: string, time: string, region: Region): NotfallpauschaleBand | undefined {
  return inCalendar(date) ? notfallpauschaleBand(date, time, region) : undefined;
}

/** Konsultationspauschale band, or undefined outside the calendar's range. */
export function konsultationBandOf(date: string, time: string, region: Region): KonsultationBand | undefined {
  return inCalendar(date) ? konsultationBand(date, time, region) : undefined;
}

/** Wegepauschale rate by the clock. */
export function wegepauschaleBandOf(time: string): WegepauschaleBand {
  return wegepauschaleBand(time);
}

/** German reason why the day is a rest day, or null for a working day (or a date outside the calendar). */
export function restReasonOf(date: string, region: Region): string | null {
  return inCalendar(date) ? restDayReason(date, region) : null;
}

/** "Samstag 10.01.2026" or "Samstag 10.01.2026 21:30". */
export function when(date: string, time?: string): string {
  const day = `${germanWeekdayName(date)} ${formatGermanDate(date)}`;
  return time === undefined ? day : `${day} ${time}`;
}

/** Why a date/time lies in its band, in German: "Samstag", "Fronleichnam", "werktags 21:30", … */
export function bandReason(date: string, time: string, region: Region): string {
  const rest = restReasonOf(date, region);
  return rest === null ? `Werktag, ${time} Uhr` : `${rest}, ${time} Uhr`;
}

/** The Nr. 9 age group on `on`: a child before its `childBefore`th birthday, or from the `seniorFrom`th on. */
export function nr9AgeGroup(birth: string, on: string): 'child' | 'senior' | null {
  const limits = inForce(NR9_AGE_LIMITS, on);
  if (limits === undefined || birth > on) return null;
  if (isBeforeBirthday(birth, on, limits.childBefore)) return 'child';
  return hasReachedAge(birth, on, limits.seniorFrom) ? 'senior' : null;
}

/** German GOP family label for the band, used in messages. */
export const BAND_LABEL: Readonly<Record<string, string>> = {
  day: 'werktags 7–19 Uhr',
  offHours: '19–7 Uhr sowie ganztägig an Wochenenden, Feiertagen, 24.12. und 31.12.',
  I: 'werktags 7–19 Uhr',
  II: 'werktags 19–22 Uhr sowie an Ruhetagen 7–19 Uhr',
  III: 'werktags 22–7 Uhr sowie an Ruhetagen 19–7 Uhr',
};

/** "2026-01-09T20:00" → "09.01.2026 20:00". */
export function germanDateTime(at: string): string {
  return `${formatGermanDate(at.slice(0, 10))} ${at.slice(11)}`;
}
