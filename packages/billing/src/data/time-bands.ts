/**
 * EBM time bands of the Notfalldienst as dated tables. Intervals are half-open `[from, to)`: 07:00 belongs to
 * the day, 19:00 and 22:00 to the later band; `24:00` closes the day. The bands are EBM, not calendar: which day
 * is a rest day is the calendar's answer (core), which band the clock points to is billing's.
 */
import { SOURCES } from './sources.js';

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
  validFrom: string;
  /** Last day (inclusive); absent = still valid. */
  validTo?: string;
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
export type WegepauschaleBand = 'day' | 'night';

const SOURCE = `EBM Abschnitt 1.2 (GOP 01205–01218); ${SOURCES.kvbwGuide}; ${SOURCES.spec}`;

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
export const wegepauschaleBands: TimeBandTable<WegepauschaleBand> = Object.freeze({
  id: 'wegepauschale',
  validFrom: '2017-04-01',
  source: `${SOURCES.kvbwGuide}: Wegepauschalen 40220–40230, 40190/40192 (Tag 7–19 Uhr, Nacht 19–7 Uhr)`,
  rows: Object.freeze([
    { from: '00:00', to: '07:00', band: 'night' },
    { from: '07:00', to: '19:00', band: 'day' },
    { from: '19:00', to: '24:00', band: 'night' },
  ] as const),
});

