import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import type { CaseInput } from '@pvskit/core';
import { check } from './engine.js';
import { complete, completeOne } from './complete.js';
import { RULES } from './rules/ids.js';
import { baseCase, patient, PHYSICIAN } from './test-fixtures.js';

/*
 * Random valid cases (contacts at distinct minutes, 2024–2027, every mode, visits, assessment-only,
 * diagnoses from the lists and outside them, patients of every age group): `complete` must produce services
 * without an error of the band, supplement or travel rules, and must be idempotent.
 */

const GUARDED = new Set(RULES.filter((r) => ['band', 'supplement', 'travel'].includes(r.family)).map((r) => r.id));

const pad = (n: number) => String(n).padStart(2, '0');
const dateArb = fc
  .date({ min: new Date(Date.UTC(2024, 0, 1)), max: new Date(Date.UTC(2027, 11, 31)), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const timeArb = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${pad(h)}:${pad(m)}`);
const icdArb = fc.constantFrom('J18.9', 'S52.51', 'I10.01', 'K57.32', 'I20.9', 'J20.9', 'G43.9', 'F01.1', 'G20.1', 'R54', 'S62.2', 'Z02');
const contactArb = fc.record({
  date: dateArb,
  time: timeArb,
  mode: fc.constantFrom('personal', 'video', 'phone') as fc.Arbitrary<'personal' | 'video' | 'phone'>,
  assessmentOnly: fc.boolean(),
  visit: fc.option(
    fc.record({
      distanceKm: fc.option(fc.oneof(fc.constantFrom(2, 2.1, 5, 10, 20, 20.1, 30, 30.1), fc.double({ min: 0, max: 80, noNaN: true })), { nil: undefined }),
      sameSocialCommunity: fc.boolean(),
    }),
    { nil: undefined },
  ),
});

const caseArb: fc.Arbitrary<CaseInput> = fc
  .record({
    contacts: fc.uniqueArray(contactArb, { minLength: 1, maxLength: 6, selector: (c) => `${c.date} ${c.time}` }),
    diagnoses: fc.array(fc.record({ icd: icdArb, certainty: fc.constantFrom('G', 'V', 'Z', 'A') as fc.Arbitrary<'G' | 'V' | 'Z' | 'A'> }), { maxLength: 3 }),
    birthDate: fc.oneof(dateArb, fc.constantFrom('1940-02-29', '1950-06-15', '1990-01-01', '2023-01-10')),
    frailty: fc.boolean(),
    severeImpairment: fc.boolean(),
    contracted: fc.boolean(),
    procedures: fc.array(fc.constantFrom('02301', '32025', '02320', '01220'), { maxLength: 2 }),
  })
  .map((r) => {
    const first = r.contacts[0];
    const firstPlain = first ?? { date: '2026-01-10', time: '10:00' };
    return baseCase({
      patient: patient(r.birthDate > (first?.date ?? '') ? '1960-01-01' : r.birthDate, { frailty: r.frailty, severeImpairment: r.severeImpairment }),
      physician: { ...PHYSICIAN, contractedPhysician: r.contracted },
      diagnoses: r.diagnoses,
      contacts: r.contacts.map(({ visit, ...c }) => {
        if (visit === undefined) return c;
        const { distanceKm, sameSocialCommunity } = visit;
        return { ...c, visit: distanceKm === undefined ? { sameSocialCommunity } : { distanceKm, sameSocialCommunity } };
      }),
      services: r.procedures.map((gop) => ({ gop, date: firstPlain.date, time: firstPlain.time })),
    });
  });

describe('complete on random valid cases', () => {
  test.prop([caseArb], { numRuns: 300 })('check(complete(c)) has no band, supplement or travel error', (c) => {
    const done = completeOne(c).case;
    const bad = check(done).findings.filter((f) => f.severity === 'error' && GUARDED.has(f.rule));
    expect(bad).toEqual([]);
  });

  test.prop([caseArb], { numRuns: 300 })('complete is idempotent', (c) => {
    const once = completeOne(c).case;
    const twice = completeOne(once).case;
    expect(twice).toEqual(once);
    expect(JSON.stringify(twice)).toBe(JSON.stringify(once));
  });

  test.prop([caseArb], { numRuns: 100 })('check and complete never mutate their input', (c) => {
    const before = structuredClone(c);
    check(c);
    complete(c);
    expect(c).toEqual(before);
  });
});
