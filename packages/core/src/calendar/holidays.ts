/**
 * Statutory holidays per Land (computed by `date-holidays`, shipped as a table: see holidays-data.ts) and
 * the EBM notion of a rest day.
 *
 * The table is read once per region and year into a map keyed by plain local dates, so the billing hot
 * path only does a string lookup.
 */
import { HOLIDAY_TABLE } from './holidays-data.js';
import type { Region } from '../schemas/domain.js';
import type { LocalDate } from '../schemas/primitives.js';
import { PvsKitError } from '../errors.js';
import { dayOfWeek, parseLocalDate } from './local-date.js';

/** A Land (ISO 3166-2:DE suffix) or `DE` for the nationwide holidays only. */
export type HolidayRegion = Region | 'DE';

/** A day the EBM treats as a rest day all day although it is no statutory holiday. */
export interface ExtraRestDay {
  /** `MM-DD`. */
  monthDay: string;
  /** German reason shown to practice users. */
  name: string;
  /** First day the rule applies. */
  validFrom: LocalDate;
  /** Inclusive; absent = open-ended. */
  validTo?: LocalDate;
  /** Where the rule comes from. */
  source: string;
}

/**
 * 24.12. and 31.12. `date-holidays` lists them as `bank` holidays starting 14:00; the EBM
 * (Abschnitt 1.2, GOP 01205–01218: "ganztägig an Samstagen, Sonntagen, gesetzlichen Feiertagen und am
 * 24.12. und 31.12.") counts both days as a whole. No start date is modelled (the calendar's range starts
 * 1900): the wording predates every EBM version pvskit bills, and an invented start would silently turn
 * older 24.12. into working days.
 */
export const ebmExtraRestDays: readonly ExtraRestDay[] = Object.freeze([
  {
    monthDay: '12-24',
    name: 'Heiligabend (24.12.)',
    validFrom: '1900-01-01',
    source: 'EBM Abschnitt 1.2 (GOP 01205–01218), docs/rules.md',
  },
  {
    monthDay: '12-31',
    name: 'Silvester (31.12.)',
    validFrom: '1900-01-01',
    source: 'EBM Abschnitt 1.2 (GOP 01205–01218), docs/rules.md',
  },
]);

const HOLIDAY_REGIONS: ReadonlySet<string> = new Set([
  'DE', 'BW', 'BY', 'BE', 'BB', 'HB', 'HH', 'HE', 'MV', 'NI', 'NW', 'RP', 'SL', 'SN', 'ST', 'SH', 'TH',
]);

const cache = new Map<string, ReadonlyMap<LocalDate, string>>();
// restDayReason runs for every contact of every case; its answers per region are memoised. A date only
// enters after validation, so a hit needs no re-parsing. Bounded so a long-running service cannot grow it
// without limit (50,000 dates ≈ 137 years per region).
const REST_MEMO_LIMIT = 50_000;
const restMemo = new Map<HolidayRegion, Map<string, string | null>>();

/** The table's entries of one region and year, in date-holidays' order: `[YYYY-MM-DD, name]`. */
function tableEntries(region: HolidayRegion, year: number): [LocalDate, string][] {
  const { digits, names, regions, years, firstYear } = HOLIDAY_TABLE;
  const [entries = '', ...perRegion] = (years[year - firstYear] as string).split('|');
  const own = perRegion[(regions as readonly string[]).indexOf(region)] ?? '';
  return Array.from(own, (digit) => {
    const at = digits.indexOf(digit) * 5;
    const date = `${String(year).padStart(4, '0')}-${entries.slice(at, at + 2)}-${entries.slice(at + 2, at + 4)}`;
    return [date, names[digits.indexOf(entries.charAt(at + 4))] as string];
  });
}

/**
 * Statutory public holidays (type `public` in `date-holidays`) of a Land in a year, keyed by local date,
 * with their German names (e.g. `Fronleichnam`, `Tag der Deutschen Einheit`). Holidays that apply only
 * to parts of a Land (e.g. Mariä Himmelfahrt in parts of Bavaria, Augsburger Friedensfest) are not
 * included. Computed once per region and year, then served from a cache.
 * @throws PvsKitError `CALENDAR` for an unknown region or a year outside 1900–2199.
 */
export function holidaysOf(region: HolidayRegion, year: number): ReadonlyMap<LocalDate, string> {
  const key = `${region}:${year}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  if (!HOLIDAY_REGIONS.has(region)) {
    throw new PvsKitError('CALENDAR', `unknown holiday region ${JSON.stringify(region)}`, {
      userMessage: `Unbekanntes Bundesland „${region}“.`,
      details: { region },
    });
  }
  if (!Number.isInteger(year) || year < HOLIDAY_TABLE.firstYear || year > HOLIDAY_TABLE.lastYear) {
    throw new PvsKitError('CALENDAR', `holiday year out of range 1900–2199: ${year}`, {
      userMessage: `Feiertage für das Jahr ${year} sind nicht verfügbar.`,
      details: { year },
    });
  }
  const frozen: ReadonlyMap<LocalDate, string> = new Map(tableEntries(region, year));
  cache.set(key, frozen);
  return frozen;
}

function extraRestDayOf(d: LocalDate): ExtraRestDay | undefined {
  const monthDay = d.slice(5);
  for (const extra of ebmExtraRestDays) {
    if (extra.monthDay === monthDay && d >= extra.validFrom && (extra.validTo === undefined || d <= extra.validTo)) {
      return extra;
    }
  }
  return undefined;
}

/**
 * Why `d` is a rest day in the sense of the EBM in `region`, in German, or `null` for a working day.
 * Order: statutory holiday name, then `Heiligabend (24.12.)` / `Silvester (31.12.)`, then `Samstag` /
 * `Sonntag` — the most specific reason wins (a holiday on a Sunday reports the holiday).
 */
export function restDayReason(d: LocalDate, region: HolidayRegion): string | null {
  let memo = restMemo.get(region);
  const hit = memo?.get(d);
  if (hit !== undefined) return hit;
  const reason = computeRestDayReason(d, region);
  if (memo === undefined) {
    memo = new Map();
    restMemo.set(region, memo);
  }
  if (memo.size >= REST_MEMO_LIMIT) memo.clear();
  memo.set(d, reason);
  return reason;
}

function computeRestDayReason(d: LocalDate, region: HolidayRegion): string | null {
  const { year } = parseLocalDate(d);
  const holiday = holidaysOf(region, year).get(d);
  if (holiday !== undefined) return holiday;
  const extra = extraRestDayOf(d);
  if (extra !== undefined) return extra.name;
  const dow = dayOfWeek(d);
  if (dow === 6) return 'Samstag';
  if (dow === 0) return 'Sonntag';
  return null;
}

/** True when `d` is a rest day (weekend, statutory holiday of the Land, 24.12., 31.12.) in `region`. */
export function isRestDay(d: LocalDate, region: HolidayRegion): boolean {
  return restDayReason(d, region) !== null;
}
