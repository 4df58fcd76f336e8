import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import { holidaysOf, type HolidayRegion } from './holidays.js';
import { HOLIDAY_TABLE } from './holidays-data.js';

// The shipped table against the package it was computed from: every region, every year, in the same order.
describe('holiday table (scripts/holidays-de.mjs)', () => {
  it('gives exactly what date-holidays computes for 1900–2199, every Land and DE', () => {
    let compared = 0;
    for (const region of HOLIDAY_TABLE.regions) {
      const source = region === 'DE' ? new Holidays('DE') : new Holidays('DE', region);
      for (let year = HOLIDAY_TABLE.firstYear; year <= HOLIDAY_TABLE.lastYear; year++) {
        const expected = new Map<string, string>();
        for (const h of source.getHolidays(year, 'de')) if (h.type === 'public') expected.set(h.date.slice(0, 10), h.name);
        const actual = [...holidaysOf(region as HolidayRegion, year)];
        if (JSON.stringify(actual) !== JSON.stringify([...expected])) expect({ region, year, actual }).toEqual({ region, year, actual: [...expected] });
        compared++;
      }
    }
    expect(compared).toBe(17 * 300);
  }, 120_000);
});
