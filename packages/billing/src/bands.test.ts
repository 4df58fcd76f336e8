import { describe, expect, it } from 'vitest';
import { PvsKitError } from '@pvskit/core';
import { isBandBoundary, konsultationBand, notfallpauschaleBand, wegepauschaleBand } from './bands.js';
import { konsultationBands, notfallpauschaleBands, wegepauschaleBands, type TimeBandTable } from './data/time-bands.js';

describe('EBM time bands', () => {
  const working = '2026-06-03'; // Wednesday before Fronleichnam
  const holiday = '2026-06-04'; // Fronleichnam, Thursday
  const saturday = '2026-06-06';
  const cases: readonly [string, 'day' | 'offHours', 'I' | 'II' | 'III', 'day' | 'offHours', 'I' | 'II' | 'III', 'day' | 'night'][] = [
    // time, working: notfall, konsultation; rest: notfall, konsultation; Wegepauschale
    ['00:00', 'offHours', 'III', 'offHours', 'III', 'night'],
    ['06:59', 'offHours', 'III', 'offHours', 'III', 'night'],
    ['07:00', 'day', 'I', 'offHours', 'II', 'day'],
    ['18:59', 'day', 'I', 'offHours', 'II', 'day'],
    ['19:00', 'offHours', 'II', 'offHours', 'III', 'night'],
    ['21:59', 'offHours', 'II', 'offHours', 'III', 'night'],
    ['22:00', 'offHours', 'III', 'offHours', 'III', 'night'],
    ['23:59', 'offHours', 'III', 'offHours', 'III', 'night'],
  ];

  for (const [t, wN, wK, rN, rK, wegepauschale] of cases) {
    it(`${t}: working ${wN}/${wK}, rest ${rN}/${rK}, wegepauschale ${wegepauschale}`, () => {
      expect(notfallpauschaleBand(working, t, 'BW')).toBe(wN);
      expect(konsultationBand(working, t, 'BW')).toBe(wK);
      for (const rest of [holiday, saturday]) {
        expect(notfallpauschaleBand(rest, t, 'BW')).toBe(rN);
        expect(konsultationBand(rest, t, 'BW')).toBe(rK);
      }
      expect(wegepauschaleBand(t)).toBe(wegepauschale);
    });
  }

  it('the same clock time differs between Länder on a Land-specific holiday', () => {
    expect(konsultationBand('2026-06-04', '10:00', 'BW')).toBe('II');
    expect(konsultationBand('2026-06-04', '10:00', 'SN')).toBe('I');
    expect(notfallpauschaleBand('2026-11-18', '10:00', 'SN')).toBe('offHours');
    expect(notfallpauschaleBand('2026-11-18', '10:00', 'BW')).toBe('day');
  });

  it('matches the worked examples of the KVBW guide ("Fallbeispiele")', () => {
    const wednesday = '2026-01-14';
    const saturday2 = '2026-01-17';
    const sunday = '2026-01-18';
    // Wednesday 18:00 home visit: 01210, Wegepauschale day rate (40222).
    expect(notfallpauschaleBand(wednesday, '18:00', 'BW')).toBe('day');
    expect(wegepauschaleBand('18:00')).toBe('day');
    // Saturday 18:30, 02:00, 19:30, 09:30: 01212.
    for (const t of ['18:30', '02:00', '19:30', '09:30']) expect(notfallpauschaleBand(saturday2, t, 'BW')).toBe('offHours');
    // Sunday 10:00 and 08:30 by phone: 01216.
    expect(konsultationBand(sunday, '10:00', 'BW')).toBe('II');
    expect(konsultationBand(sunday, '08:30', 'BW')).toBe('II');
    // Sunday 20:30 home visit: 01212 and the night rate (40192).
    expect(notfallpauschaleBand(sunday, '20:30', 'BW')).toBe('offHours');
    expect(wegepauschaleBand('20:30')).toBe('night');
  });

  it('Saturday 18:00 travels at the day rate while its Pauschale is off-hours', () => {
    expect(wegepauschaleBand('18:00')).toBe('day');
    expect(notfallpauschaleBand(saturday, '18:00', 'BW')).toBe('offHours');
  });

  it('marks exactly 07:00, 19:00 and 22:00 as boundaries', () => {
    const boundaries: string[] = [];
    for (let m = 0; m < 1440; m++) {
      const t = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
      if (isBandBoundary(t)) boundaries.push(t);
    }
    expect(boundaries).toEqual(['07:00', '19:00', '22:00']);
  });

  it('rejects malformed times', () => {
    expect(() => konsultationBand(working, '7:00', 'BW')).toThrow(expect.objectContaining({ code: 'CALENDAR' }) as PvsKitError);
    expect(() => wegepauschaleBand('24:00')).toThrow(PvsKitError);
  });

  it('every table covers each day kind from 00:00 to 24:00 without gaps or overlaps', () => {
    const tables: TimeBandTable<string>[] = [notfallpauschaleBands, konsultationBands, wegepauschaleBands];
    for (const table of tables) {
      const kinds = new Set(table.rows.map((r) => r.dayKind));
      for (const kind of kinds) {
        const rows = table.rows.filter((r) => r.dayKind === kind);
        let cursor = '00:00';
        for (const r of rows) {
          expect(r.from, `${table.id} ${kind ?? 'any'}`).toBe(cursor);
          expect(r.to > r.from).toBe(true);
          cursor = r.to;
        }
        expect(cursor, `${table.id} ${kind ?? 'any'}`).toBe('24:00');
      }
    }
  });
});

describe('24.12. and 31.12. are rest days for the bands', () => {
  for (const year of [2025, 2026, 2027]) {
    it(`${year}`, () => {
      expect(konsultationBand(`${year}-12-24`, '10:00', 'BW')).toBe('II');
      expect(notfallpauschaleBand(`${year}-12-31`, '08:00', 'BW')).toBe('offHours');
    });
  }
});
