/**
 * EBM time bands of the Notfalldienst, kept as data. Intervals are half-open `[from, to)`: 07:00 belongs
 * to the day, 19:00 and 22:00 to the later band. `24:00` closes the day.
 */
import type { LocalDate, LocalTime } from '../schemas/primitives.js';
import type { HolidayRegion } from './holidays.js';
import { isRestDay } from './holidays.js';
import { minutesOfDay } from './local-date.js';

/** Whether the calendar date of a contact is a working day or a rest day. */
export type DayKind = 'working' | 'rest';

/** One row of a time-band table. */
export interface TimeBandRow<B extends string> {
  /** Absent = applies to every day (clock only). */
  dayKind?: DayKind;
  /** `HH:MM`, inclusive. */
  from: string;
  /** `HH:MM` or `24:00`, exclusive. */
  to: string;
  /** The band this interval belongs to. */
  band: B;
}

/**
 * A time-band table with validity and source. The band functions do not filter by date: whether a GOP
 * is billable on a date is the catalogue's question, the band only says which one the clock points to.
 */
export interface TimeBandTable<B extends string> {
  /** Stable table name, used in error messages. */
  id: string;
  /** First day the table applies. */
  validFrom: LocalDate;
  /** Last day (inclusive); absent = still valid. */
  validTo?: LocalDate;
  /** Where the table comes from. */
  source: string;
  /** Half-open intervals; per day kind they cover 00:00–24:00 without gaps. */
  rows: readonly TimeBandRow<B>[];
}

/** Band of the Notfallpauschalen: `day` → 01205/01210, `offHours` → 01207/01212. */
export type NotfallpauschaleBand = 'day' | 'offHours';
/** Band of the Notfallkonsultationspauschalen: I → 01214, II → 01216, III → 01218. */
export type KonsultationBand = 'I' | 'II' | 'III';
/** Band of the Wegepauschalen (clock only): `day` 07–19, `night` 19–07. */
export type TravelBand = 'day' | 'night';

const SOURCE = 'EBM Abschnitt 1.2 (GOP 01205–01218), KVBW Notfalldienst guide; docs/rules.md';

/** Notfallpauschalen 01205/01207 and 01210/01212. */
export const notfallpauschaleBands: TimeBandTable<NotfallpauschaleBand> = Object.freeze({
  id: 'notfallpauschale',
  validFrom: '2017-04-01',
  source: SOURCE,
  rows: Object.freeze([
    { dayKind: 'working', from: '00:00', to: '07:00', band: 'offHours' },
    { dayKind: 'working', from: '07:00', to: '19:00', band: 'day' },
    { dayKind: 'working', from: '19:00', to: '24:00', band: 'offHours' },
    { dayKind: 'rest', from: '00:00', to: '24:00', band: 'offHours' },
  ] as const),
});

/** Notfallkonsultationspauschalen 01214 (I), 01216 (II), 01218 (III). */
export const konsultationBands: TimeBandTable<KonsultationBand> = Object.freeze({
  id: 'konsultation',
  validFrom: '2017-04-01',
  source: SOURCE,
  rows: Object.freeze([
    { dayKind: 'working', from: '00:00', to: '07:00', band: 'III' },
    { dayKind: 'working', from: '07:00', to: '19:00', band: 'I' },
    { dayKind: 'working', from: '19:00', to: '22:00', band: 'II' },
    { dayKind: 'working', from: '22:00', to: '24:00', band: 'III' },
    { dayKind: 'rest', from: '00:00', to: '07:00', band: 'III' },
    { dayKind: 'rest', from: '07:00', to: '19:00', band: 'II' },
    { dayKind: 'rest', from: '19:00', to: '24:00', band: 'III' },
  ] as const),
});

/** Wegepauschalen day/night: the clock decides, not the weekday. */
export const travelBands: TimeBandTable<TravelBand> = Object.freeze({
  id: 'travel',
  validFrom: '2017-04-01',
  source: 'KVBW Wegepauschalen 40220–40230, 40190/40192; docs/rules.md',
  rows: Object.freeze([
    { from: '00:00', to: '07:00', band: 'night' },
    { from: '07:00', to: '19:00', band: 'day' },
    { from: '19:00', to: '24:00', band: 'night' },
  ] as const),
});

// Tables are compiled once into minute ranges so a lookup is a short scan over numbers.
interface CompiledRow<B> {
  dayKind: DayKind | undefined;
  from: number;
  to: number;
  band: B;
}

function toMinutes(hhmm: string): number {
  return hhmm === '24:00' ? 1440 : minutesOfDay(hhmm);
}

function compile<B extends string>(table: TimeBandTable<B>): readonly CompiledRow<B>[] {
  return table.rows.map((r) => ({ dayKind: r.dayKind, from: toMinutes(r.from), to: toMinutes(r.to), band: r.band }));
}

const compiledNotfall = compile(notfallpauschaleBands);
const compiledKonsultation = compile(konsultationBands);
const compiledTravel = compile(travelBands);

function lookup<B>(rows: readonly CompiledRow<B>[], dayKind: DayKind | undefined, minute: number, id: string): B {
  for (const r of rows) {
    if ((r.dayKind === undefined || r.dayKind === dayKind) && minute >= r.from && minute < r.to) return r.band;
  }
  // Unreachable with well-formed tables (each day kind covers 00:00–24:00; asserted in tests).
  throw new Error(`time band table ${id} has a gap at minute ${minute} (${dayKind ?? 'any day'})`);
}

/** Working or rest day, as the EBM time bands need it. */
export function dayKindOf(d: LocalDate, region: HolidayRegion): DayKind {
  return isRestDay(d, region) ? 'rest' : 'working';
}

/** Band of the Notfallpauschalen for a contact: `day` only on a working day 07:00–19:00. */
export function notfallpauschaleBand(d: LocalDate, t: LocalTime, region: HolidayRegion): NotfallpauschaleBand {
  return lookup(compiledNotfall, dayKindOf(d, region), minutesOfDay(t), notfallpauschaleBands.id);
}

/** Band of the Notfallkonsultationspauschale (I = 01214, II = 01216, III = 01218) for a contact. */
export function konsultationBand(d: LocalDate, t: LocalTime, region: HolidayRegion): KonsultationBand {
  return lookup(compiledKonsultation, dayKindOf(d, region), minutesOfDay(t), konsultationBands.id);
}

/** Day or night rate of the Wegepauschalen; the clock alone decides (07:00–19:00 = day). */
export function travelBand(t: LocalTime): TravelBand {
  return lookup(compiledTravel, undefined, minutesOfDay(t), travelBands.id);
}

const BOUNDARY_MINUTES: ReadonlySet<number> = new Set(
  [notfallpauschaleBands, konsultationBands, travelBands]
    .flatMap((table) => table.rows.map((r) => r.from))
    .map(toMinutes)
    .filter((m) => m !== 0),
);

/**
 * True when `t` is exactly a band boundary (07:00, 19:00, 22:00) — a contact documented on that minute
 * switches band, which is worth a hint to the user.
 */
export function isBandBoundary(t: LocalTime): boolean {
  return BOUNDARY_MINUTES.has(minutesOfDay(t));
}
