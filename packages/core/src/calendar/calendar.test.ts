import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { PvsKitError } from '../errors.js';
import {
  addDays,
  addYears,
  berlinDateTimeOf,
  berlinInstantOf,
  compareLocalDate,
  completedYears,
  dayOfWeek,
  daysBetween,
  describeLocalDateTime,
  formatBerlinDateTime,
  formatGermanDate,
  formatLocalDate,
  germanWeekdayName,
  hasReachedAge,
  holidaysOf,
  isBeforeBirthday,
  isLocalDate,
  isQuarterCode,
  isRestDay,
  minutesOfDay,
  parseLocalDate,
  parseQuarter,
  quarterOf,
  quarterRange,
  restDayReason,
} from './index.js';

function calendarErrorOf(fn: () => unknown): PvsKitError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PvsKitError);
    return e as PvsKitError;
  }
  throw new Error('expected a CALENDAR error');
}

/** Dates 1900–2199 generated through UTC `Date` only, as an independent oracle for the day arithmetic. */
const arbDate = fc
  .integer({ min: Date.UTC(1900, 0, 1) / 86_400_000, max: Date.UTC(2199, 11, 31) / 86_400_000 })
  .map((day) => new Date(day * 86_400_000).toISOString().slice(0, 10));

describe('local dates', () => {
  it('parses real dates and rejects impossible ones with a CALENDAR error', () => {
    expect(parseLocalDate('2026-01-09')).toEqual({ year: 2026, month: 1, day: 9 });
    expect(parseLocalDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    for (const bad of ['2026-02-29', '2100-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '26-01-01', '2026-1-1', '', '2026-01-01T00:00', '0000-01-01']) {
      const err = calendarErrorOf(() => parseLocalDate(bad));
      expect(err.code).toBe('CALENDAR');
      expect(err.userMessage).toMatch(/Ungültiges Datum/);
      expect(isLocalDate(bad)).toBe(false);
    }
    expect(isLocalDate('2000-02-29')).toBe(true);
  });

  it('formats parts and refuses non-days', () => {
    expect(formatLocalDate({ year: 2026, month: 3, day: 5 })).toBe('2026-03-05');
    expect(formatLocalDate({ year: 812, month: 12, day: 25 })).toBe('0812-12-25');
    expect(calendarErrorOf(() => formatLocalDate({ year: 2026, month: 2, day: 29 })).code).toBe('CALENDAR');
    expect(calendarErrorOf(() => formatLocalDate({ year: 2026, month: 1.5, day: 1 })).code).toBe('CALENDAR');
  });

  it('adds days across month, year and leap-day boundaries', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(addDays('2026-03-29', 0)).toBe('2026-03-29');
    expect(addDays('2000-03-01', -1)).toBe('2000-02-29');
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(calendarErrorOf(() => addDays('2026-01-01', 0.5)).code).toBe('CALENDAR');
  });

  it('adds years, moving 29 February to 1 March in non-leap years', () => {
    expect(addYears('2024-02-29', 1)).toBe('2025-03-01');
    expect(addYears('2024-02-29', 4)).toBe('2028-02-29');
    expect(addYears('2024-02-29', -100)).toBe('1924-02-29');
    expect(addYears('2000-02-29', 100)).toBe('2100-03-01');
    expect(addYears('2026-06-15', 3)).toBe('2029-06-15');
  });

  it('compares dates in time order', () => {
    expect(compareLocalDate('2026-01-09', '2026-01-10')).toBeLessThan(0);
    expect(compareLocalDate('2026-01-10', '2026-01-09')).toBeGreaterThan(0);
    expect(compareLocalDate('2026-01-10', '2026-01-10')).toBe(0);
    expect(calendarErrorOf(() => compareLocalDate('2026-02-30', '2026-01-10')).code).toBe('CALENDAR');
  });

  it('knows weekdays and their German names', () => {
    expect(dayOfWeek('1970-01-01')).toBe(4);
    expect(dayOfWeek('2026-01-04')).toBe(0);
    expect(dayOfWeek('2026-01-10')).toBe(6);
    expect(germanWeekdayName('2026-01-10')).toBe('Samstag');
    expect(germanWeekdayName('2026-01-11')).toBe('Sonntag');
    expect(germanWeekdayName('2026-01-12')).toBe('Montag');
    expect(germanWeekdayName('1900-01-01')).toBe('Montag');
  });

  it('formats German dates and reads clock times', () => {
    expect(formatGermanDate('2026-01-09')).toBe('09.01.2026');
    expect(minutesOfDay('00:00')).toBe(0);
    expect(minutesOfDay('07:00')).toBe(420);
    expect(minutesOfDay('23:59')).toBe(1439);
    for (const bad of ['24:00', '7:00', '07:60', '07:00:00', '']) {
      expect(calendarErrorOf(() => minutesOfDay(bad)).code).toBe('CALENDAR');
    }
  });

  fcTest.prop([arbDate, fc.integer({ min: -40_000, max: 40_000 })])('addDays(addDays(d, n), -n) = d', (d, n) => {
    expect(addDays(addDays(d, n), -n)).toBe(d);
  });

  fcTest.prop([arbDate, fc.integer({ min: -1000, max: 1000 })])('addDays agrees with UTC Date arithmetic', (d, n) => {
    const viaUtc = new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    expect(addDays(d, n)).toBe(viaUtc);
    expect(daysBetween(d, viaUtc)).toBe(n);
  });

  fcTest.prop([arbDate])('dayOfWeek agrees with UTC Date and parse/format round-trips', (d) => {
    expect(dayOfWeek(d)).toBe(new Date(`${d}T00:00:00Z`).getUTCDay());
    expect(formatLocalDate(parseLocalDate(d))).toBe(d);
  });

  fcTest.prop([arbDate, arbDate])('compareLocalDate orders like daysBetween', (a, b) => {
    expect(Math.sign(compareLocalDate(a, b))).toBe(Math.sign(daysBetween(b, a)));
  });
});

describe('quarters', () => {
  it('maps dates to QJJJJ codes', () => {
    expect(quarterOf('2026-01-01')).toBe('12026');
    expect(quarterOf('2026-03-31')).toBe('12026');
    expect(quarterOf('2026-04-01')).toBe('22026');
    expect(quarterOf('2025-12-31')).toBe('42025');
  });

  it('gives first and last day of a quarter', () => {
    expect(quarterRange('12024')).toEqual({ start: '2024-01-01', end: '2024-03-31' });
    expect(quarterRange('22026')).toEqual({ start: '2026-04-01', end: '2026-06-30' });
    expect(quarterRange('32026')).toEqual({ start: '2026-07-01', end: '2026-09-30' });
    expect(quarterRange('42023')).toEqual({ start: '2023-10-01', end: '2023-12-31' });
  });

  it('parses QJJJJ and rejects anything else', () => {
    expect(parseQuarter('42025')).toEqual({ quarter: 4, year: 2025 });
    for (const bad of ['52026', '02026', '2026Q1', '1026', '120260', 'Q12026', '10000']) {
      expect(calendarErrorOf(() => parseQuarter(bad)).code).toBe('CALENDAR');
      expect(isQuarterCode(bad)).toBe(false);
    }
    expect(isQuarterCode('12026')).toBe(true);
  });

  fcTest.prop([arbDate])('quarterOf(d) lies within quarterRange', (d) => {
    const { start, end } = quarterRange(quarterOf(d));
    expect(compareLocalDate(start, d)).toBeLessThanOrEqual(0);
    expect(compareLocalDate(d, end)).toBeLessThanOrEqual(0);
    expect(quarterOf(start)).toBe(quarterOf(d));
    expect(quarterOf(addDays(start, -1))).not.toBe(quarterOf(d));
    expect(quarterOf(addDays(end, 1))).not.toBe(quarterOf(d));
  });
});

describe('berlinDateTimeOf', () => {
  const at = (iso: string) => berlinDateTimeOf(new Date(iso));

  it('uses CET in winter and CEST in summer', () => {
    expect(at('2026-01-15T12:00:00Z')).toEqual({ date: '2026-01-15', time: '13:00' });
    expect(at('2026-07-15T12:00:00Z')).toEqual({ date: '2026-07-15', time: '14:00' });
  });

  it('handles the spring-forward day 2026-03-29 (02:00 CET → 03:00 CEST at 01:00 UTC)', () => {
    expect(at('2026-03-28T23:30:00Z')).toEqual({ date: '2026-03-29', time: '00:30' });
    expect(at('2026-03-29T00:59:00Z')).toEqual({ date: '2026-03-29', time: '01:59' });
    expect(at('2026-03-29T01:00:00Z')).toEqual({ date: '2026-03-29', time: '03:00' });
    expect(at('2026-03-29T21:59:00Z')).toEqual({ date: '2026-03-29', time: '23:59' });
    expect(at('2026-03-29T22:00:00Z')).toEqual({ date: '2026-03-30', time: '00:00' });
  });

  it('handles the fall-back day 2026-10-25 (03:00 CEST → 02:00 CET at 01:00 UTC)', () => {
    expect(at('2026-10-24T22:00:00Z')).toEqual({ date: '2026-10-25', time: '00:00' });
    expect(at('2026-10-25T00:30:00Z')).toEqual({ date: '2026-10-25', time: '02:30' });
    expect(at('2026-10-25T00:59:00Z')).toEqual({ date: '2026-10-25', time: '02:59' });
    expect(at('2026-10-25T01:00:00Z')).toEqual({ date: '2026-10-25', time: '02:00' });
    expect(at('2026-10-25T01:30:00Z')).toEqual({ date: '2026-10-25', time: '02:30' });
    expect(at('2026-10-25T22:59:00Z')).toEqual({ date: '2026-10-25', time: '23:59' });
    expect(at('2026-10-25T23:00:00Z')).toEqual({ date: '2026-10-26', time: '00:00' });
  });

  it('crosses the year in Berlin, not in UTC, and truncates seconds', () => {
    expect(at('2026-12-31T22:59:59.999Z')).toEqual({ date: '2026-12-31', time: '23:59' });
    expect(at('2026-12-31T23:00:00Z')).toEqual({ date: '2027-01-01', time: '00:00' });
  });

  it('rejects an invalid Date', () => {
    expect(calendarErrorOf(() => berlinDateTimeOf(new Date(Number.NaN))).code).toBe('CALENDAR');
  });

  // The EU rule (1996–2099) against the IANA zone as Intl knows it: around each change and at random.
  const intl = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const byIntl = (t: number) => {
    const p: Record<string, string> = {};
    for (const part of intl.formatToParts(new Date(t))) p[part.type] = part.value;
    return { date: `${(p['year'] ?? '').padStart(4, '0')}-${p['month'] ?? ''}-${p['day'] ?? ''}`, time: `${p['hour'] ?? ''}:${p['minute'] ?? ''}` };
  };

  it('agrees with the IANA zone around every summer-time change 1996–2099 and at the range ends', () => {
    const instants: number[] = [Date.UTC(1995, 11, 31, 22, 59, 59, 999), Date.UTC(1995, 11, 31, 23), Date.UTC(2099, 11, 31, 22, 59), Date.UTC(2099, 11, 31, 23), Date.UTC(2100, 0, 1)];
    for (let year = 1996; year < 2100; year++) {
      for (const month of [2, 9]) {
        for (let day = 24; day <= 31; day++) {
          const midnight = Date.UTC(year, month, day);
          for (const ms of [0, 59_999, 60_000, 3_599_999, 3_600_000, 3_660_000, 7_199_999, 7_200_000, 22 * 3_600_000, 23 * 3_600_000 - 1, 23 * 3_600_000]) instants.push(midnight + ms);
        }
      }
    }
    for (const t of instants) expect([t, berlinDateTimeOf(new Date(t))]).toEqual([t, byIntl(t)]);
  });

  it('agrees with the IANA zone at random instants 1990–2110', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2110, 0, 1) }), (t) => {
        expect(berlinDateTimeOf(new Date(t))).toEqual(byIntl(t));
      }),
      { numRuns: 5000 },
    );
  });
});

// Expected statutory holidays of Baden-Württemberg, written out (Easter 2025-04-20, 2026-04-05, 2027-03-28).
const BW_HOLIDAYS: Record<number, Record<string, string>> = {
  2025: {
    '2025-01-01': 'Neujahr',
    '2025-01-06': 'Heilige Drei Könige',
    '2025-04-18': 'Karfreitag',
    '2025-04-21': 'Ostermontag',
    '2025-05-01': 'Maifeiertag',
    '2025-05-29': 'Christi Himmelfahrt',
    '2025-06-09': 'Pfingstmontag',
    '2025-06-19': 'Fronleichnam',
    '2025-10-03': 'Tag der Deutschen Einheit',
    '2025-11-01': 'Allerheiligen',
    '2025-12-25': '1. Weihnachtstag',
    '2025-12-26': '2. Weihnachtstag',
  },
  2026: {
    '2026-01-01': 'Neujahr',
    '2026-01-06': 'Heilige Drei Könige',
    '2026-04-03': 'Karfreitag',
    '2026-04-06': 'Ostermontag',
    '2026-05-01': 'Maifeiertag',
    '2026-05-14': 'Christi Himmelfahrt',
    '2026-05-25': 'Pfingstmontag',
    '2026-06-04': 'Fronleichnam',
    '2026-10-03': 'Tag der Deutschen Einheit',
    '2026-11-01': 'Allerheiligen',
    '2026-12-25': '1. Weihnachtstag',
    '2026-12-26': '2. Weihnachtstag',
  },
  2027: {
    '2027-01-01': 'Neujahr',
    '2027-01-06': 'Heilige Drei Könige',
    '2027-03-26': 'Karfreitag',
    '2027-03-29': 'Ostermontag',
    '2027-05-01': 'Maifeiertag',
    '2027-05-06': 'Christi Himmelfahrt',
    '2027-05-17': 'Pfingstmontag',
    '2027-05-27': 'Fronleichnam',
    '2027-10-03': 'Tag der Deutschen Einheit',
    '2027-11-01': 'Allerheiligen',
    '2027-12-25': '1. Weihnachtstag',
    '2027-12-26': '2. Weihnachtstag',
  },
};

describe('berlinInstantOf (practice wall clock to instant) and German date-time text', () => {
  it('handles winter, summer, the spring gap and the autumn overlap', () => {
    expect(new Date(berlinInstantOf('2026-01-15T12:00')).toISOString()).toBe('2026-01-15T11:00:00.000Z');
    expect(new Date(berlinInstantOf('2026-07-15T12:00')).toISOString()).toBe('2026-07-15T10:00:00.000Z');
    expect(new Date(berlinInstantOf('2026-03-29T02:30')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(new Date(berlinInstantOf('2026-10-25T02:30')).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(new Date(berlinInstantOf('2026-10-25T03:30')).toISOString()).toBe('2026-10-25T02:30:00.000Z');
    expect(describeLocalDateTime('2026-11-26T15:30')).toEqual({ weekday: 'Donnerstag', date: '26.11.2026', time: '15:30' });
    expect(formatBerlinDateTime(Date.parse('2026-11-26T14:30:00Z'))).toBe('26.11.2026, 15:30');
  });

  it('is the inverse of berlinDateTimeOf outside the autumn overlap', () => {
    for (const local of ['2026-01-01T00:00', '2026-03-29T03:00', '2026-06-30T23:59', '2026-12-31T12:34']) {
      const { date, time } = berlinDateTimeOf(new Date(berlinInstantOf(local)));
      expect(`${date}T${time}`).toBe(local);
    }
  });

  it('refuses anything that is not a local date-time, with CALENDAR', () => {
    for (const bad of ['2026-11-26', '2026-11-26T15:30:00', '26.11.2026 15:30']) {
      expect(() => berlinInstantOf(bad)).toThrow(PvsKitError);
      expect(() => describeLocalDateTime(bad)).toThrow(/not a local date-time/);
    }
  });
});

describe('holidays and rest days', () => {
  for (const year of [2025, 2026, 2027]) {
    it(`BW ${year}: exactly the 12 statutory holidays`, () => {
      expect(Object.fromEntries(holidaysOf('BW', year))).toEqual(BW_HOLIDAYS[year]);
      for (const [date, name] of Object.entries(BW_HOLIDAYS[year] ?? {})) {
        expect(restDayReason(date, 'BW')).toBe(name);
        expect(isRestDay(date, 'BW')).toBe(true);
      }
    });

    it(`BW ${year}: 24.12. and 31.12. are rest days all day`, () => {
      expect(restDayReason(`${year}-12-24`, 'BW')).toBe('Heiligabend (24.12.)');
      expect(restDayReason(`${year}-12-31`, 'BW')).toBe('Silvester (31.12.)');
      expect(holidaysOf('BW', year).has(`${year}-12-24`)).toBe(false);
    });
  }

  it('BW: Gründonnerstag, Reformationstag, Buß- und Bettag, Mariä Himmelfahrt are working days', () => {
    // All on Monday–Friday in these years, so no weekend masks the answer.
    for (const d of [
      '2025-04-17', '2026-04-02', '2027-03-25', // Gründonnerstag
      '2025-10-31', '2024-10-31', // Reformationstag (Fri, Thu)
      '2025-11-19', '2026-11-18', '2027-11-17', // Buß- und Bettag
      '2025-08-15', '2027-08-13', // Mariä Himmelfahrt 2025 (Fri); 2027-08-13 an ordinary Friday
      '2026-03-08', // Frauentag is Berlin/MV only — and a Sunday in 2026
    ].filter((d) => dayOfWeek(d) !== 0 && dayOfWeek(d) !== 6)) {
      expect(restDayReason(d, 'BW')).toBeNull();
      expect(isRestDay(d, 'BW')).toBe(false);
    }
  });

  it('SN: Buß- und Bettag and Reformationstag are holidays there', () => {
    expect(restDayReason('2026-11-18', 'SN')).toBe('Buß- und Bettag');
    expect(restDayReason('2025-11-19', 'SN')).toBe('Buß- und Bettag');
    expect(restDayReason('2025-10-31', 'SN')).toBe('Reformationstag');
    expect(restDayReason('2026-06-04', 'SN')).toBeNull(); // Fronleichnam only in some Sorbian communities
  });

  it('other Länder: their own holidays on weekdays, routed by region', () => {
    expect(restDayReason('2027-09-20', 'TH')).toBe('Weltkindertag'); // Monday
    expect(restDayReason('2027-09-20', 'BW')).toBeNull();
    expect(restDayReason('2027-03-08', 'MV')).toBe('Internationaler Frauentag'); // Monday
    expect(restDayReason('2027-03-08', 'HH')).toBeNull();
    expect(restDayReason('2025-05-08', 'BE')).toBe('Tag der Befreiung (80. Jahrestag)'); // one-off, Thursday
    expect(restDayReason('2026-05-08', 'BE')).toBeNull();
    expect(restDayReason('2025-08-15', 'SL')).toBe('Mariä Himmelfahrt'); // Friday
    // Bavaria: Mariä Himmelfahrt only in predominantly Catholic communities, so not for the Land as a whole.
    expect(restDayReason('2025-08-15', 'BY')).toBeNull();
    expect(restDayReason('2025-06-19', 'BY')).toBe('Fronleichnam');
    expect(restDayReason('2025-06-19', 'NI')).toBeNull();
  });

  it('DE: only the nationwide holidays', () => {
    const de = [...holidaysOf('DE', 2026).keys()];
    expect(de).toEqual([
      '2026-01-01', '2026-04-03', '2026-04-06', '2026-05-01', '2026-05-14', '2026-05-25', '2026-10-03', '2026-12-25', '2026-12-26',
    ]);
    expect(restDayReason('2026-06-04', 'DE')).toBeNull();
    expect(restDayReason('2026-12-24', 'DE')).toBe('Heiligabend (24.12.)');
  });

  it('24.12. and 31.12. are rest days in older years too (no invented start date)', () => {
    expect(restDayReason('2015-12-24', 'BW')).toBe('Heiligabend (24.12.)'); // Thursday
    expect(restDayReason('2015-12-31', 'BW')).toBe('Silvester (31.12.)');
    expect(restDayReason('2015-12-23', 'BW')).toBeNull();
  });

  it('weekends and ordinary weekdays', () => {
    expect(restDayReason('2026-01-10', 'BW')).toBe('Samstag');
    expect(restDayReason('2026-01-11', 'BW')).toBe('Sonntag');
    expect(restDayReason('2026-01-09', 'BW')).toBeNull();
    expect(restDayReason('2026-11-01', 'BW')).toBe('Allerheiligen'); // a Sunday: the holiday is named
  });

  it('caches per region and year (same map instance)', () => {
    expect(holidaysOf('BW', 2026)).toBe(holidaysOf('BW', 2026));
    expect(holidaysOf('BY', 2026)).not.toBe(holidaysOf('BW', 2026));
  });

  it('rejects unknown regions and absurd years', () => {
    expect(calendarErrorOf(() => holidaysOf('XX' as 'BW', 2026)).code).toBe('CALENDAR');
    expect(calendarErrorOf(() => holidaysOf('BW', 1066)).code).toBe('CALENDAR');
    expect(calendarErrorOf(() => restDayReason('2026-02-30', 'BW')).code).toBe('CALENDAR');
  });
});

describe('age (BGB)', () => {
  it('3rd birthday: the day before is still "before", the birthday itself is not', () => {
    expect(isBeforeBirthday('2023-06-10', '2026-06-09', 3)).toBe(true);
    expect(isBeforeBirthday('2023-06-10', '2026-06-10', 3)).toBe(false);
    expect(completedYears('2023-06-10', '2026-06-09')).toBe(2);
    expect(completedYears('2023-06-10', '2026-06-10')).toBe(3);
  });

  it('29 February births: the birthday is 1 March in non-leap years', () => {
    expect(isBeforeBirthday('2024-02-29', '2027-02-28', 3)).toBe(true);
    expect(isBeforeBirthday('2024-02-29', '2027-03-01', 3)).toBe(false);
    expect(completedYears('2024-02-29', '2027-02-28')).toBe(2);
    expect(completedYears('2024-02-29', '2027-03-01')).toBe(3);
    expect(completedYears('1952-02-29', '2024-02-28')).toBe(71);
    expect(completedYears('1952-02-29', '2024-02-29')).toBe(72);
    expect(hasReachedAge('1956-02-29', '2026-02-28', 70)).toBe(false);
    expect(hasReachedAge('1956-02-29', '2026-03-01', 70)).toBe(true);
  });

  it('70th birthday: reached on the birthday, not the day before', () => {
    expect(hasReachedAge('1956-03-01', '2026-02-28', 70)).toBe(false);
    expect(hasReachedAge('1956-03-01', '2026-03-01', 70)).toBe(true);
    expect(hasReachedAge('1956-03-01', '2031-12-31', 70)).toBe(true);
    expect(completedYears('1956-03-01', '2026-03-01')).toBe(70);
  });

  it('is negative before birth and rejects invalid dates', () => {
    expect(completedYears('2026-06-10', '2026-06-09')).toBe(-1);
    expect(completedYears('2026-06-10', '2026-06-10')).toBe(0);
    expect(calendarErrorOf(() => completedYears('2023-02-29', '2026-01-01')).code).toBe('CALENDAR');
  });

  fcTest.prop([arbDate, arbDate, fc.integer({ min: 0, max: 120 })])(
    'hasReachedAge(b, on, n) ⇔ on ≥ addYears(b, n), isBeforeBirthday its negation',
    (birth, on, n) => {
      const reached = compareLocalDate(on, addYears(birth, n)) >= 0;
      expect(hasReachedAge(birth, on, n)).toBe(reached);
      expect(isBeforeBirthday(birth, on, n)).toBe(!reached);
    },
  );

  it('rejects a fractional age', () => {
    expect(calendarErrorOf(() => hasReachedAge('2020-01-01', '2026-01-01', 2.5)).code).toBe('CALENDAR');
  });

  it('memoised rest days give the same answers as a fresh computation, also for the error path', () => {
    expect(restDayReason('2026-06-04', 'BW')).toBe('Fronleichnam');
    expect(restDayReason('2026-06-04', 'BW')).toBe('Fronleichnam');
    expect(restDayReason('2026-06-04', 'NW')).toBe('Fronleichnam');
    expect(restDayReason('2026-06-04', 'HB')).toBeNull();
    expect(restDayReason('2026-06-03', 'BW')).toBeNull();
    expect(restDayReason('2026-06-03', 'BW')).toBeNull();
    expect(calendarErrorOf(() => restDayReason('2026-06-31', 'BW')).code).toBe('CALENDAR');
    expect(calendarErrorOf(() => restDayReason('2026-06-31', 'BW')).code).toBe('CALENDAR');
  });

  fcTest.prop([arbDate, arbDate])('completedYears agrees with hasReachedAge / isBeforeBirthday', (birth, on) => {
    const n = completedYears(birth, on);
    expect(hasReachedAge(birth, on, n)).toBe(true);
    expect(isBeforeBirthday(birth, on, n + 1)).toBe(true);
    expect(hasReachedAge(birth, on, n + 1)).toBe(false);
  });
});

// Only inside the child started by calendar.tz.test.ts: prove the process zone really is New York, so the
// tests above ran against a non-German machine zone.
if (process.env['PVSKIT_TZ_CHILD'] === '1') {
  describe('child process time zone', () => {
    it('runs in America/New_York', () => {
      expect(new Date(2026, 0, 15, 12).getTimezoneOffset()).toBe(300);
      expect(new Date(2026, 6, 15, 12).getTimezoneOffset()).toBe(240);
    });
  });
}
