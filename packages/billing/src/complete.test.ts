import { describe, expect, it } from 'vitest';
import type { Case, CaseInput } from '@pvskit/core';
import { completeBundleInput as complete, completeCaseInput as completeOne } from '../test/pipeline.js';
import { baseCase, patient } from '../test/fixtures.js';

/*
 * The "Fallbeispiele" of the KVBW guide, each through `complete`, expecting exactly the
 * guide's GOPs, counts and times. Dates: 2026-01-10 is a Saturday, 2026-01-14 a Wednesday.
 */

const rows = (c: Case) => c.services.map((s) => [s.gop, s.count, s.time ?? null] as const);
const errors = (r: { findings: { severity: string; rule: string }[] }) => r.findings.filter((f) => f.severity === 'error');

function run(input: CaseInput) {
  const r = completeOne(input);
  expect(errors(r)).toEqual([]);
  return r;
}

describe('KVBW guide worked examples through complete', () => {
  it('1: pneumonia, home visit Wednesday 18:00, 2–5 km → 01210 (18:00), 01223, 01418, 40222', () => {
    const r = run(
      baseCase({
        duty: { start: '2026-01-14T14:00', end: '2026-01-14T22:00' },
        diagnoses: [{ icd: 'J18.9', certainty: 'G' }],
        contacts: [{ date: '2026-01-14', time: '18:00', mode: 'personal', visit: { distanceKm: 3.5 } }],
      }),
    );
    expect(rows(r.case)).toEqual([
      ['01210', 1, '18:00'],
      ['01223', 1, '18:00'],
      ['01418', 1, '18:00'],
      ['40222', 1, '18:00'],
    ]);
    expect(r.case.services.find((s) => s.gop === '40222')?.euro).toBe(8.91);
    // 2026: 120 points × 12,7404 ct = 15,29 €
    expect(r.case.services[0]).toMatchObject({ points: 120, euro: 15.29 });
  });

  it('2+3: laceration with suture Saturday 18:30, phone call Sunday 10:00 in the same duty → 01212 (18:30), 02301, 01216 (10:00)', () => {
    const r = run(
      baseCase({
        duty: { start: '2026-01-10T08:00', end: '2026-01-12T08:00' },
        diagnoses: [{ icd: 'S01.80', certainty: 'G' }],
        contacts: [
          { date: '2026-01-10', time: '18:30', mode: 'personal' },
          { date: '2026-01-11', time: '10:00', mode: 'phone' },
        ],
        services: [{ gop: '02301', date: '2026-01-10', time: '18:30' }],
      }),
    );
    expect(rows(r.case)).toEqual([
      ['01212', 1, '18:30'],
      ['02301', 1, '18:30'],
      ['01216', 1, '10:00'],
    ]);
  });

  it('4: Saturday 02:00 and the same patient 19:30 in the next duty: two Dienstfälle, 01212 (2:00) + 02350, then 01212 (19:30)', () => {
    const first = run(
      baseCase({
        id: 'c-4a',
        duty: { start: '2026-01-09T20:00', end: '2026-01-10T08:00' },
        diagnoses: [{ icd: 'S60.81', certainty: 'G' }],
        contacts: [{ date: '2026-01-10', time: '02:00', mode: 'personal' }],
        services: [{ gop: '02350', date: '2026-01-10', time: '02:00' }],
      }),
    );
    expect(rows(first.case)).toEqual([
      ['01212', 1, '02:00'],
      ['02350', 1, '02:00'],
    ]);
    const second = run(
      baseCase({
        id: 'c-4b',
        duty: { start: '2026-01-10T08:00', end: '2026-01-10T20:00' },
        diagnoses: [{ icd: 'R50.9', certainty: 'G' }],
        contacts: [{ date: '2026-01-10', time: '19:30', mode: 'personal' }],
      }),
    );
    expect(rows(second.case)).toEqual([['01212', 1, '19:30']]);
  });

  it('5: infant Saturday 09:30 → 01212 (09:30) + 01226', () => {
    const r = run(
      baseCase({
        duty: { start: '2026-01-10T08:00', end: '2026-01-10T20:00' },
        patient: patient('2025-09-01'),
        diagnoses: [{ icd: 'R68.1', certainty: 'G' }],
        contacts: [{ date: '2026-01-10', time: '09:30', mode: 'personal' }],
      }),
    );
    expect(rows(r.case)).toEqual([
      ['01212', 1, '09:30'],
      ['01226', 1, '09:30'],
    ]);
  });

  it('6: bronchitis, home visit Sunday 20:30 at 25 km → 01212 (20:30), 01418, 40192 × 2', () => {
    const r = run(
      baseCase({
        duty: { start: '2026-01-11T08:00', end: '2026-01-12T08:00' },
        diagnoses: [{ icd: 'J20.9', certainty: 'G' }],
        contacts: [{ date: '2026-01-11', time: '20:30', mode: 'personal', visit: { distanceKm: 25 } }],
      }),
    );
    expect(rows(r.case)).toEqual([
      ['01212', 1, '20:30'],
      ['01418', 1, '20:30'],
      ['40192', 2, '20:30'],
    ]);
    expect(r.case.services[2]?.euro).toBe(41.98);
  });

  it('7: migraine visit Saturday 18:00 at 32 km, then phone 8:30 and visit 12:00 with infusion in the next duty: two Dienstfälle', () => {
    const first = run(
      baseCase({
        id: 'c-7a',
        duty: { start: '2026-01-10T08:00', end: '2026-01-11T08:00' },
        diagnoses: [{ icd: 'G43.9', certainty: 'G' }],
        contacts: [{ date: '2026-01-10', time: '18:00', mode: 'personal', visit: { distanceKm: 32 } }],
      }),
    );
    expect(rows(first.case)).toEqual([
      ['01212', 1, '18:00'],
      ['01418', 1, '18:00'],
      ['40190', 3, '18:00'],
    ]);
    const second = run(
      baseCase({
        id: 'c-7b',
        duty: { start: '2026-01-11T08:00', end: '2026-01-11T20:00' },
        diagnoses: [{ icd: 'G43.9', certainty: 'G' }],
        contacts: [
          { date: '2026-01-11', time: '08:30', mode: 'phone' },
          { date: '2026-01-11', time: '12:00', mode: 'personal' },
        ],
        services: [{ gop: '02100', date: '2026-01-11', time: '12:00' }],
      }),
    );
    expect(rows(second.case)).toEqual([
      ['01216', 1, '08:30'],
      ['01212', 1, '12:00'],
      ['02100', 1, '12:00'],
    ]);
  });
});

describe('complete: derivation details', () => {
  const gops = (c: Case) => c.services.map((s) => s.gop);

  it('assessment-only personal contact → 01205 without zuschlag; a later contact is a Konsultation needing a justification', () => {
    const r = completeOne(
      baseCase({
        diagnoses: [{ icd: 'J18.9', certainty: 'G' }],
        contacts: [
          { date: '2026-01-14', time: '10:00', assessmentOnly: true },
          { date: '2026-01-14', time: '15:00' },
        ],
      }),
    );
    expect(rows(r.case)).toEqual([
      ['01205', 1, '10:00'],
      ['01214', 1, '15:00'],
    ]);
    expect(r.findings.map((f) => f.rule)).toContain('NFD-KONSULTATION-AFTER-ABKLAERUNG');
  });

  it('an assessment-only video contact bills 01210 by video with 01450 and no zuschlag', () => {
    const r = completeOne(
      baseCase({ diagnoses: [{ icd: 'J18.9', certainty: 'G' }], contacts: [{ date: '2026-01-14', time: '10:00', mode: 'video', assessmentOnly: true }] }),
    );
    expect(r.case.services.map((s) => [s.gop, s.mode, s.points])).toEqual([
      ['01210', 'video', 108],
      ['01450', 'video', 40],
    ]);
  });

  it('a further patient in the same community → 01413 without Wegepauschale', () => {
    const r = completeOne(baseCase({ contacts: [{ date: '2026-01-10', time: '11:00', visit: { distanceKm: 12, sameSocialCommunity: true } }] }));
    expect(gops(r.case)).toEqual(['01212', '01413']);
  });

  it('phone contacts alone give Konsultationspauschalen only', () => {
    const r = completeOne(
      baseCase({
        contacts: [
          { date: '2026-01-14', time: '19:30', mode: 'phone' },
          { date: '2026-01-14', time: '23:10', mode: 'phone' },
        ],
      }),
    );
    expect(rows(r.case)).toEqual([
      ['01216', 1, '19:30'],
      ['01218', 1, '23:10'],
    ]);
  });

  it('keeps a justified Nr. 8 zuschlag, moved onto the right Pauschale, and then adds no 01226', () => {
    const r = completeOne(
      baseCase({
        patient: patient('2025-06-01'),
        contacts: [{ date: '2026-01-10', time: '21:00' }],
        services: [{ gop: '01223', date: '2026-01-10', justification: 'Sepsisverdacht, aufwändige Versorgung' }],
      }),
    );
    expect(r.case.services.map((s) => [s.gop, s.time, s.justification ?? null])).toEqual([
      ['01212', '21:00', null],
      ['01224', '21:00', 'Sepsisverdacht, aufwändige Versorgung'],
    ]);
    expect(errors(r)).toEqual([]);
  });

  it('keeps entered services the contacts do not explain, and check judges them', () => {
    const r = completeOne(
      baseCase({
        contacts: [{ date: '2026-01-10', time: '10:00' }],
        services: [
          { gop: '02301', date: '2026-01-10' },
          { gop: '01212', date: '2026-01-10', time: '12:00' },
        ],
      }),
    );
    expect(rows(r.case)).toEqual([
      ['01212', 1, '10:00'],
      ['01212', 1, '12:00'],
      ['02301', 1, null],
    ]);
    expect(r.findings.map((f) => f.rule)).toContain('NFD-PAUSCHALE-ONCE');
  });

  it('a typed service that is a derived one\'s twin keeps it: a second typed Wegepauschale cannot double the travel on a second run', () => {
    // Found by the property "complete stays idempotent with typed services" (seed -2096068200): two typed
    // 40222 (one untimed) and a visit at 0 km. Before, the second run gave the earlier 40222 the derived 40226
    // and kept the first run's 40226 as typed: two Wegepauschalen for one visit.
    const input = baseCase({
      contacts: [
        { date: '2026-01-14', time: '20:00', mode: 'personal' },
        { date: '2026-01-14', time: '20:01', mode: 'personal', visit: { distanceKm: 0 } },
      ],
      services: [
        { gop: '40222', date: '2026-01-14' },
        { gop: '40222', date: '2026-01-14', time: '20:00' },
      ],
    });
    const once = completeOne(input).case;
    const travel = (c: Case) => c.services.filter((s) => s.gop.startsWith('402') || s.gop.startsWith('401')).map((s) => `${s.gop} ${s.time ?? ''}`);
    // The derived Wegepauschale stands in for one typed 40222; the other typed one stays (check says why).
    expect(travel(once)).toEqual(['40222 20:00', expect.stringMatching(/^40\d{3} 20:01$/)]);
    const twice = completeOne(once as CaseInput).case;
    expect(twice).toEqual(once);
  });

  it('without contacts only sorts and prices the entered services', () => {
    const r = completeOne(
      baseCase({
        services: [
          { gop: '02100', date: '2026-01-11', time: '09:00' },
          { gop: '01212', date: '2026-01-10', time: '22:00' },
        ],
      }),
    );
    expect(r.case.services.map((s) => [s.gop, s.points, s.euro])).toEqual([
      ['01212', 195, 24.84],
      ['02100', null, null],
    ]);
  });

  it('completes a bundle idempotently and keeps the doctor number of an existing pseudo case', () => {
    const bundle = {
      duty: { id: 'd-7', start: '2026-01-10T08:00', end: '2026-01-10T20:00' },
      region: 'BW' as const,
      practice: { bsnr: '529999900' },
      physician: { lanr: '123456601' },
      cases: [
        {
          pseudo: true,
          patient: { firstName: 'Organisierter', lastName: 'Notfalldienst Arzt 3', birthDate: '2020-01-01', insurance: { type: 'GKV' as const } },
          services: [{ gop: '99999', date: '2026-01-10', time: '08:00' }],
        },
        { id: 'a', patient: patient('1980-01-01'), contacts: [{ date: '2026-01-10', time: '09:30' }] },
        { id: 'b', patient: patient('1980-01-01', { id: 'p-2', insurance: { type: 'BG' } }), contacts: [{ date: '2026-01-10', time: '10:30' }] },
      ],
    };
    const once = complete(bundle);
    expect(once.bundle.cases.map((c) => [c.id, c.patient.lastName])).toEqual([
      ['d-7-pseudo', 'Notfalldienst Arzt 3'],
      ['a', 'Muster'],
      ['b', 'Muster'],
    ]);
    // Bundle in, bundle out: the result goes straight back in.
    const again = complete(once.bundle);
    expect(again.bundle).toEqual(once.bundle);
    expect(again.findings).toEqual(once.findings);
  });

  it('outside BW: no pseudo cases and no Wegepauschale (no region data)', () => {
    const r = complete({
      duty: { start: '2026-01-10T08:00', end: '2026-01-10T20:00' },
      region: 'BY',
      cases: [{ patient: patient(), contacts: [{ date: '2026-01-10', time: '09:30', visit: { distanceKm: 4 } }] }],
    });
    expect(r.bundle.cases.map((c) => c.services.map((s) => s.gop))).toEqual([['01212', '01418']]);
  });
});
