import { isRestDay, minutesOfDay, type LocalDate, type LocalTime, type Region } from '@pvskit/core';
import {
  konsultationBands,
  notfallpauschaleBands,
  wegepauschaleBands,
  type DayKind,
  type KonsultationBand,
  type NotfallpauschaleBand,
  type TimeBandTable,
  type WegepauschaleBand,
} from './data/time-bands.js';

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
const compiledWegepauschale = compile(wegepauschaleBands);

function lookup<B>(rows: readonly CompiledRow<B>[], dayKind: DayKind | undefined, minute: number, id: string): B {
  for (const r of rows) {
    if ((r.dayKind === undefined || r.dayKind === dayKind) && minute >= r.from && minute < r.to) return r.band;
  }
  // Unreachable with well-formed tables (each day kind covers 00:00–24:00; asserted in tests).
  throw new Error(`time band table ${id} has a gap at minute ${minute} (${dayKind ?? 'any day'})`);
}

/** Working or rest day, as the EBM time bands need it. */
export function dayKindOf(d: LocalDate, region: Region): DayKind {
  return isRestDay(d, region) ? 'rest' : 'working';
}

/** Band of the Notfallpauschalen for a contact: `day` only on a working day 07:00–19:00. */
export function notfallpauschaleBand(d: LocalDate, t: LocalTime, region: Region): NotfallpauschaleBand {
  return lookup(compiledNotfall, dayKindOf(d, region), minutesOfDay(t), notfallpauschaleBands.id);
}

/** Band of the Notfallkonsultationspauschale (I = 01214, II = 01216, III = 01218) for a contact. */
export function konsultationBand(d: LocalDate, t: LocalTime, region: Region): KonsultationBand {
  return lookup(compiledKonsultation, dayKindOf(d, region), minutesOfDay(t), konsultationBands.id);
}

/** Day or night rate of the Wegepauschalen; the clock alone decides (07:00–19:00 = day). */
export function wegepauschaleBand(t: LocalTime): WegepauschaleBand {
  return lookup(compiledWegepauschale, undefined, minutesOfDay(t), wegepauschaleBands.id);
}

const BOUNDARY_MINUTES: ReadonlySet<number> = new Set(
  [notfallpauschaleBands, konsultationBands, wegepauschaleBands]
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
