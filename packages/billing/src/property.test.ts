import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { parseCaseOrBundle, type CaseInput } from '@pvskit/core';
import { check } from './engine.js';
import { checkInput } from '../test/pipeline.js';
import { completeBundleInput as complete, completeCaseInput as completeOne } from '../test/pipeline.js';
import { RULES } from './rules/ids.js';
import { baseCase, patient, PHYSICIAN } from '../test/fixtures.js';

/*
 * Random valid cases (contacts at distinct minutes, 2024–2027, every mode, visits, assessment-only,
 * diagnoses from the lists and outside them, patients of every age group): `complete` must produce services
 * without an error of the band, Zuschlag or Wegepauschale rules, and must be idempotent.
 */

const GUARDED = new Set<string>(RULES.filter((r) => ['band', 'zuschlag', 'wegepauschale'].includes(r.family)).map((r) => r.id));

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
  it('guards the band, Zuschlag and Wegepauschale rules (the families exist)', () => {
    expect(GUARDED.has('NFD-TIME-BAND') && GUARDED.has('NFD-ZUSCHLAG-DIAGNOSIS') && GUARDED.has('NFD-TRAVEL-WRONG')).toBe(true);
  });

  test.prop([caseArb], { numRuns: 300 })('check(complete(c)) has no band, zuschlag or wegepauschale error', (c) => {
    const done = completeOne(c).case;
    const bad = checkInput(done).findings.filter((f) => f.severity === 'error' && GUARDED.has(f.rule));
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
    checkInput(c);
    completeOne(c);
    expect(c).toEqual(before);
  });

  // The kit hands plugins deeply frozen contexts; the rules read plain copies of the lists (context.ts).
  test.prop([typedCaseArb], { numRuns: 200 })('check finds the same on a deeply frozen case as on a plain one', (c) => {
    const parsed = parseCaseOrBundle(c);
    expect(check(deepFreeze(structuredClone(parsed)))).toEqual(check(parsed));
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/*
 * `complete` keeps every typed service (issue 13): a typed service is either still in the result (same GOP, day,
 * count and justification), or the contacts derive a service of its family on that day that stands in for it
 * (a Pauschale/Konsultation, a visit, a Wegepauschale, 01450, a Nr. 8 or a Nr. 9 Zuschlag).
 */
const FAMILY_OF: Readonly<Record<string, string>> = {
  ...Object.fromEntries(['01205', '01207', '01210', '01212', '01214', '01216', '01218'].map((g) => [g, 'contact'])),
  '01418': 'visit',
  '01413': 'visit',
  ...Object.fromEntries(['40190', '40192', '40220', '40222', '40224', '40226', '40228', '40230'].map((g) => [g, 'wegepauschale'])),
  '01450': 'technik',
  '01223': 'nr8',
  '01224': 'nr8',
  '01226': 'nr9',
};
const typedArb = fc.record({
  gop: fc.constantFrom('01210', '01212', '01214', '01418', '01413', '40192', '40222', '01450', '01223', '01224', '01226', '02100', '02301', '01444'),
  count: fc.integer({ min: 1, max: 3 }),
  timed: fc.boolean(),
  contact: fc.nat(),
  justification: fc.option(fc.constantFrom('Verschlechterung', 'Ausnahmeregelung Nr. 8'), { nil: undefined }),
});
const typedCaseArb = fc.tuple(caseArb, fc.array(typedArb, { minLength: 1, maxLength: 5 })).map(([c, typed]) => {
  const contacts = c.contacts ?? [];
  const services = typed.map((t) => {
    const k = contacts[t.contact % Math.max(1, contacts.length)] ?? { date: '2026-01-10', time: '10:00' };
    return {
      gop: t.gop,
      date: k.date,
      ...(t.timed ? { time: k.time } : {}),
      count: t.count,
      mode: 'mode' in k && k.mode !== undefined ? k.mode : ('personal' as const),
      ...(t.justification === undefined ? {} : { justification: t.justification }),
    };
  });
  return { ...c, services: [...(c.services ?? []), ...services] };
});

describe('complete keeps what the doctor typed', () => {
  test.prop([typedCaseArb], { numRuns: 300 })('every typed service stays, or a derived one of its family stands in for it', (c) => {
    const out = completeOne(c).case.services;
    for (const s of c.services ?? []) {
      const kept = out.some(
        (o) => o.gop === s.gop && o.date === s.date && o.count === (s.count ?? 1) && (s.justification === undefined || o.justification === s.justification),
      );
      const family = FAMILY_OF[s.gop];
      // A justified Nr. 8 Zuschlag moves onto the Pauschale it belongs to, which may be on another day.
      const anyDay = family === 'nr8' && s.justification !== undefined;
      const standIn = family !== undefined && out.some((o) => (anyDay || o.date === s.date) && FAMILY_OF[o.gop] === family);
      expect(kept || standIn, `${s.gop} ×${s.count ?? 1} am ${s.date}${s.time === undefined ? '' : ` ${s.time}`} verschwunden`).toBe(true);
    }
  });

  test.prop([typedCaseArb], { numRuns: 200 })('a typed justification is never lost', (c) => {
    const out = completeOne(c).case.services;
    for (const s of c.services ?? []) {
      if (s.justification === undefined) continue;
      expect(out.some((o) => o.justification === s.justification)).toBe(true);
    }
  });

  test.prop([typedCaseArb], { numRuns: 200 })('complete stays idempotent with typed services', (c) => {
    const once = completeOne(c).case;
    expect(completeOne(once).case).toEqual(once);
  });
});

const dutyArb = fc
  // Quarter ends are over-represented so duties crossing a quarter boundary occur often.
  .record({ start: fc.oneof(dateArb, fc.constantFrom('2025-12-31', '2026-03-31', '2026-06-30', '2026-09-30')), startTime: timeArb, hours: fc.integer({ min: 1, max: 48 }) })
  .map(({ start, startTime, hours }) => {
    const startMs = Date.parse(`${start}T${startTime}:00Z`);
    const end = new Date(startMs + hours * 3_600_000).toISOString();
    return { id: 'd-p', start: `${start}T${startTime}`, end: `${end.slice(0, 10)}T${end.slice(11, 16)}` };
  });

const bundleArb = fc
  .record({
    duty: dutyArb,
    patients: fc.array(
      fc.record({
        type: fc.constantFrom('GKV', 'GKV', 'PKV', 'BG', 'SKT') as fc.Arbitrary<'GKV' | 'PKV' | 'BG' | 'SKT'>,
        offsetMinutes: fc.integer({ min: 0, max: 48 * 60 }),
        mode: fc.constantFrom('personal', 'phone') as fc.Arbitrary<'personal' | 'phone'>,
      }),
      { maxLength: 8 },
    ),
  })
  .map(({ duty, patients }) => {
    const startMs = Date.parse(`${duty.start}:00Z`);
    const span = Date.parse(`${duty.end}:00Z`) - startMs;
    return {
      duty,
      region: 'BW' as const,
      practice: { bsnr: '529999900' },
      physician: { lanr: '123456601' },
      cases: patients.map((p, i) => {
        const at = new Date(startMs + ((p.offsetMinutes * 60_000) % span)).toISOString();
        return {
          id: `c-${i}`,
          patient: patient('1970-01-01', { id: `p-${i}`, insurance: { type: p.type } }),
          contacts: [{ date: at.slice(0, 10), time: at.slice(11, 16), mode: p.mode }],
        };
      }),
    };
  });

describe('complete on random duty bundles', () => {
  test.prop([bundleArb], { numRuns: 150 })('adds the pseudo cases every duty needs and is idempotent', (b) => {
    const once = complete(b);
    const duty = once.findings.filter((f) => ['NFD-PSEUDO-REQUIRED', 'NFD-PSEUDO-PRIVATE', 'NFD-PSEUDO-FORMAT', 'NFD-OUTSIDE-DUTY'].includes(f.rule));
    expect(duty).toEqual([]);
    const again = complete(once.bundle);
    expect(again.bundle).toEqual(once.bundle);
  });
});
