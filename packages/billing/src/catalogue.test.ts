import { describe, expect, it } from 'vitest';
import { createCatalogue, defaultCatalogue, normaliseIcd } from './catalogue.js';
import { BUILTIN_GOPS } from './data/gops.js';

describe('built-in catalogue', () => {
  it('has every GOP the guide and the issue name, each with a source', () => {
    const named = [
      '01205', '01207', '01210', '01212', '01214', '01216', '01218', '01220', '01221', '01222', '01223', '01224', '01226',
      '01413', '01418', '01440', '02100', '02300', '02301', '02302', '02320', '02323', '02350', '32025', '32033', '01444',
      '01450', '01451', '40190', '40192', '40220', '40222', '40224', '40226', '40228', '40230', '99999', '99909',
    ];
    for (const gop of named) expect(defaultCatalogue.definition(gop)?.source, gop).toBeTruthy();
    expect(new Set(BUILTIN_GOPS.map((d) => d.gop)).size).toBe(BUILTIN_GOPS.length);
  });

  it('carries the sourced points from 2024 on and null where no source gives them', () => {
    const expected: Record<string, number> = {
      '01205': 45, '01207': 80, '01210': 120, '01212': 195, '01214': 50, '01216': 140, '01218': 170, '01220': 1027,
      '01221': 203, '01222': 288, '01223': 128, '01224': 195, '01226': 90, '01444': 10, '01450': 40,
    };
    for (const [gop, points] of Object.entries(expected)) {
      expect(defaultCatalogue.lookup(gop, '2025-06-01')?.points, gop).toBe(points);
      expect(defaultCatalogue.lookup(gop, '2024-01-01')?.points, `${gop} 2024`).toBe(points);
    }
    expect(defaultCatalogue.lookup('01210', '2025-06-01', 'video')?.points).toBe(108);
    expect(defaultCatalogue.lookup('01212', '2025-06-01', 'video')?.points).toBe(176);
    expect(defaultCatalogue.lookup('01418', '2025-06-01')?.points).toBeNull();
    expect(defaultCatalogue.lookup('02301', '2025-06-01')?.points).toBeNull();
    // no source for points before 2024: unknown, not guessed
    expect(defaultCatalogue.lookup('01212', '2023-12-31')?.points).toBeNull();
    // 2024 services now carry euro: the 2024 Orientierungswert is listed
    expect(defaultCatalogue.euroFor(defaultCatalogue.lookup('01212', '2024-06-01')?.points ?? null, 1, '2024-06-01')).toBe(23.27);
  });

  it('computes euro from the Orientierungswert of the service year, null for an unknown year', () => {
    expect(defaultCatalogue.euroFor(195, 1, '2025-03-01')).toBe(24.17);
    expect(defaultCatalogue.euroFor(195, 1, '2026-03-01')).toBe(24.84);
    expect(defaultCatalogue.euroFor(45, 2, '2024-03-01')).toBe(10.74);
    expect(defaultCatalogue.euroFor(195, 1, '2023-03-01')).toBeNull();
    expect(defaultCatalogue.euroFor(null, 1, '2025-03-01')).toBeNull();
  });

  it('maps radius and clock to the BW Wegepauschale at every zone boundary', () => {
    const day = (km: number) => defaultCatalogue.wegepauschaleFor('BW', '2026-01-14', km, 'day');
    const night = (km: number) => defaultCatalogue.wegepauschaleFor('BW', '2026-01-14', km, 'night');
    expect([0, 2, 2.01, 5, 5.01, 10, 10.01, 20, 20.1, 30, 30.1, 80].map((km) => [day(km)?.gop, day(km)?.count])).toEqual([
      ['40220', 1], ['40220', 1], ['40222', 1], ['40222', 1], ['40224', 1], ['40224', 1],
      ['40190', 1], ['40190', 1], ['40190', 2], ['40190', 2], ['40190', 3], ['40190', 3],
    ]);
    expect([1, 4, 9, 25].map((km) => night(km)?.gop)).toEqual(['40226', '40228', '40230', '40192']);
    expect(night(25)).toEqual({ gop: '40192', count: 2, euro: 20.99 });
    expect(defaultCatalogue.wegepauschaleFor('BY', '2026-01-14', 3, 'day')).toBeUndefined();
    expect(defaultCatalogue.isWegepauschale('BW', '40222')).toBe(true);
    expect(defaultCatalogue.isWegepauschale('BY', '40222')).toBe(false);
  });

  it('matches the Nr. 8 and Nr. 9 lists by prefix continuation', () => {
    expect(defaultCatalogue.isNr8('S52', '2026-01-01')).toBe(true);
    expect(defaultCatalogue.isNr8('S52.51', '2026-01-01')).toBe(true);
    expect(defaultCatalogue.isNr8('S06.0', '2026-01-01')).toBe(true);
    expect(defaultCatalogue.isNr8('S06.1', '2026-01-01')).toBe(false);
    expect(defaultCatalogue.isNr8('S06.70', '2026-01-01')).toBe(true);
    expect(defaultCatalogue.isNr8('S06.71', '2026-01-01')).toBe(false);
    expect(defaultCatalogue.isNr8('S92.2', '2026-01-01')).toBe(true);
    expect(defaultCatalogue.isNr8('S92.3', '2026-01-01')).toBe(false);
    expect(defaultCatalogue.isNr8('j15.0', '2026-01-01')).toBe(true);
    expect(defaultCatalogue.isNr8('J19', '2026-01-01')).toBe(false);
    expect(defaultCatalogue.isNr8('K57.93', '2026-01-01')).toBe(true);
    expect(defaultCatalogue.isNr9Diagnosis('F02.0', '2026-01-01')).toBe(true);
    expect(defaultCatalogue.isNr9Diagnosis('F03', '2026-01-01')).toBe(false);
    expect(defaultCatalogue.isNr9Diagnosis('G30.1', '2026-01-01')).toBe(true);
    expect(normaliseIcd(' i10.01! ')).toBe('I10.01');
  });

  it('keeps validity as data (01451 only 10/2019–09/2021) and can be built from other data', () => {
    expect(defaultCatalogue.lookup('01451', '2019-09-30')?.valid).toBe(false);
    expect(defaultCatalogue.lookup('01451', '2019-10-01')?.valid).toBe(true);
    const custom = createCatalogue({ pointValues: [{ year: 2030, cents: 10, source: 'test' }] });
    expect(custom.euroFor(100, 1, '2030-01-01')).toBe(10);
    expect(custom.euroFor(100, 1, '2026-01-01')).toBeNull();
  });
});
