import { describe, expect, it } from 'vitest';
import type { BundleInput, CaseInput, ServiceInput } from '../test/fixtures.js';
import { checkInput as check } from '../test/pipeline.js';
import { BUILTIN_GOPS } from './data/gops.js';
import { SOURCES } from './data/sources.js';
import { VIDEO_MARKINGS } from './data/video-marking.js';
import { kvdtGopCode, readKvdtGopCode, videoOnlyCaseGop } from './video-marking.js';
import { completeBundleInput as complete, completeCaseInput as completeOne } from '../test/pipeline.js';
import { baseCase, patient, PHYSICIAN, PRACTICE, svc } from '../test/fixtures.js';

/*
 * Issue 13, "wrong money": each item fires where it should and holds still in a near miss.
 * Calendar: 2026-01-09 Fri, 2026-01-10 Sat, 2026-01-14 Wed.
 */

const rules = (input: CaseInput | BundleInput, rule: string) => check(input).findings.filter((f) => f.rule === rule);
const priced = (c: CaseInput) => completeOne(c).case.services.map((s) => [s.gop, s.mode, s.points, s.euro]);

describe('1 (pricing side): the video valuation applies to video-only cases', () => {
  it('a case whose only contact was by video is priced 108 points for 01210', () => {
    expect(priced(baseCase({ contacts: [{ date: '2026-01-14', time: '10:00', mode: 'video' }] }))[0]).toEqual(['01210', 'video', 108, 13.76]);
  });

  it('near-miss: a video 01210 followed by a personal contact is priced in full (EBM AB 4.3.1)', () => {
    const c = baseCase({
      contacts: [
        { date: '2026-01-14', time: '10:00', mode: 'video' },
        { date: '2026-01-14', time: '12:00', mode: 'personal' },
      ],
    });
    expect(priced(c)[0]).toEqual(['01210', 'video', 120, 15.29]);
  });
});

describe('1 (KVDT side): the video marker of 01210/01212 is dated data with its source', () => {
  // KV RLP, 28.06.2022: "bundeseinheitlich mit „V“ zu kennzeichnen (z. B. 01210V)", wirksam 1. Juli 2022; 88220.
  it('from 2022-07-01 a video 01210/01212 is written 01210V/01212V and reads back as video; video-only cases get 88220', () => {
    expect([kvdtGopCode('01210', 'video', '2022-07-01'), kvdtGopCode('01212', 'video', '2026-01-10')]).toEqual(['01210V', '01212V']);
    expect(readKvdtGopCode('01212V', '2022-07-01')).toEqual({ gop: '01212', video: true });
    expect(videoOnlyCaseGop('2022-07-01')).toBe('88220');
  });

  it('near-miss: before 2022-07-01, in person, or for a GOP the table does not list, the code stays plain', () => {
    expect(kvdtGopCode('01210', 'video', '2022-06-30')).toBe('01210');
    expect(videoOnlyCaseGop('2022-06-30')).toBeUndefined();
    expect(readKvdtGopCode('01210V', '2022-06-30')).toEqual({ gop: '01210V', video: false });
    expect(kvdtGopCode('01210', 'personal', '2026-01-14')).toBe('01210');
    expect(kvdtGopCode('01214', 'video', '2026-01-14')).toBe('01214');
    expect(readKvdtGopCode('01214V', '2026-01-14')).toEqual({ gop: '01214V', video: false });
  });

  it('the marking names the KV notice that fixes the code', () => {
    expect(VIDEO_MARKINGS.map((m) => [m.validFrom, m.suffix, m.videoOnlyCaseGop, m.source.includes(SOURCES.kvRlpVideoNotdienst)])).toEqual([
      ['2022-07-01', 'V', '88220', true],
    ]);
  });
});

describe('3: frequency limits come from the catalogue', () => {
  const night = '21:30';
  const base = (services: ServiceInput[]) =>
    baseCase({ diagnoses: [{ icd: 'J18.9', certainty: 'G' }], services: [svc('01212', '2026-01-09', night), ...services] });

  it('01224 ×2 is cut to one', () => {
    const f = rules(base([svc('01224', '2026-01-09', night, { count: 2 })]), 'NFD-FREQUENCY');
    expect(f.map((x) => x.fix)).toEqual([{ op: 'set-count', service: 1, count: 1 }]);
  });

  it('01226 twice: the second is removed', () => {
    const c = baseCase({ patient: patient('1950-01-01', { severeImpairment: true }), services: [svc('01212', '2026-01-09', night), svc('01226', '2026-01-09', night), svc('01226', '2026-01-09', night)] });
    expect(rules(c, 'NFD-FREQUENCY').map((x) => x.fix)).toEqual([{ op: 'remove', service: 2 }]);
  });

  it('01444 ×2 in one case fires; once does not', () => {
    const video = (count: number) =>
      baseCase({ services: [svc('01212', '2026-01-09', night, { mode: 'video' }), svc('01444', '2026-01-09', night, { mode: 'video', count })] });
    expect(rules(video(2), 'NFD-FREQUENCY')).toHaveLength(1);
    expect(rules(video(1), 'NFD-FREQUENCY')).toHaveLength(0);
  });

  it('01450 ×3 on one contact fires; three contacts with one each do not', () => {
    const one = baseCase({ services: [svc('01212', '2026-01-09', night, { mode: 'video' }), svc('01450', '2026-01-09', night, { mode: 'video', count: 3 })] });
    expect(rules(one, 'NFD-FREQUENCY').map((x) => x.fix)).toEqual([{ op: 'set-count', service: 1, count: 1 }]);
    const three = baseCase({
      services: [
        svc('01212', '2026-01-09', night, { mode: 'video' }),
        svc('01450', '2026-01-09', night, { mode: 'video' }),
        svc('01450', '2026-01-09', '22:30', { mode: 'video' }),
        svc('01450', '2026-01-09', '23:30', { mode: 'video' }),
      ],
    });
    expect(rules(three, 'NFD-FREQUENCY')).toHaveLength(0);
  });

  it('15: 01450 beyond its quarterly cap (1,899 points = 47 units) fires on the 48th', () => {
    const many = (n: number) =>
      baseCase({
        services: Array.from({ length: n }, (_, i) =>
          svc('01450', `2026-02-${String(1 + (i % 28)).padStart(2, '0')}`, `${String(8 + Math.floor(i / 28)).padStart(2, '0')}:00`, { mode: 'video' }),
        ),
      });
    expect(rules(many(48), 'NFD-FREQUENCY').map((x) => x.service)).toEqual([47]);
    expect(rules(many(47), 'NFD-FREQUENCY')).toHaveLength(0);
  });

  it('15 (scope, see README): the 01450 cap counts per physician and quarter over the cases of a duty', () => {
    const video = (n: number, month: string) =>
      Array.from({ length: n }, (_, i) => svc('01450', `2026-${month}-${String(1 + (i % 28)).padStart(2, '0')}`, `${String(8 + Math.floor(i / 28)).padStart(2, '0')}:00`, { mode: 'video' }));
    // 30 in Q1 and 30 in Q2 of one case: two quarters, 30 each.
    expect(rules(baseCase({ services: [...video(30, '03'), ...video(30, '04')] }), 'NFD-FREQUENCY')).toHaveLength(0);
    // Two cases of one doctor in one duty, 30 each: 60 units in one quarter, the 48th (case b, its 18th) is cut.
    const duty = { id: 'd-q', start: '2026-02-01T00:00', end: '2026-03-01T00:00' };
    const bundle = (services: ServiceInput[][]): BundleInput => ({
      duty,
      region: 'BW',
      practice: PRACTICE,
      physician: PHYSICIAN,
      cases: services.map((s, n) => ({ id: `c${n}`, patient: patient('1960-01-01', { id: `p-${n}` }), services: s })),
    });
    const across = rules(bundle([video(30, '02'), video(30, '02')]), 'NFD-FREQUENCY');
    expect(across.map((f) => [f.caseId, f.service, f.fix])).toEqual([
      ['c1', 17, { op: 'remove', service: 17 }],
      ...Array.from({ length: 12 }, (_, k) => ['c1', 18 + k, { op: 'remove', service: 18 + k }]),
    ]);
    expect(across[0]?.message).toContain('höchstens 47-mal je Quartal und Arzt');
    // Near misses: 47 in all; or 30 + 30 in different quarters; or one case over the cap alone (reported once, by the case rule).
    expect(rules(bundle([video(30, '02'), video(17, '02')]), 'NFD-FREQUENCY')).toHaveLength(0);
    expect(rules(bundle([video(30, '02'), video(30, '04')]), 'NFD-FREQUENCY')).toHaveLength(0);
    expect(rules(bundle([video(48, '02')]), 'NFD-FREQUENCY').map((f) => f.service)).toEqual([47]);
  });
});

describe('4: one Notfallpauschale per patient, physician and duty', () => {
  const duty = { id: 'd-1', start: '2026-01-09T20:00', end: '2026-01-10T08:00' };
  const visit = (id: string, patientId: string, time: string, date = '2026-01-09') => ({
    id,
    patient: patient('1960-01-01', { id: patientId }),
    services: [svc('01212', date, time)],
  });
  const bundle = (cases: BundleInput['cases']): BundleInput => ({ duty, region: 'BW', practice: PRACTICE, physician: PHYSICIAN, cases });

  it('the same patient twice in one duty: the later Pauschale becomes a Konsultation', () => {
    const f = rules(bundle([visit('a', 'p-1', '23:30'), visit('b', 'p-1', '21:00')]), 'NFD-PAUSCHALE-PATIENT');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ caseId: 'a', fix: { op: 'replace', service: 0, gop: '01218' } });
  });

  it('complete derives the Pauschale once: the later case of the same patient gets a Konsultation', () => {
    const withContact = (id: string, patientId: string, time: string) => ({
      id,
      patient: patient('1960-01-01', { id: patientId }),
      contacts: [{ date: '2026-01-09', time }],
    });
    const done = complete(bundle([withContact('a', 'p-1', '23:30'), withContact('b', 'p-1', '21:00'), withContact('c', 'p-2', '22:00')]));
    const gopsOf = (id: string) => done.bundle.cases.find((c) => c.id === id)?.services.map((s) => s.gop);
    expect(gopsOf('b')).toEqual(['01212']);
    expect(gopsOf('a')).toEqual(['01218']);
    expect(gopsOf('c')).toEqual(['01212']);
    expect(done.findings.filter((f) => f.rule === 'NFD-PAUSCHALE-PATIENT')).toEqual([]);
  });

  it('near-miss: two patients, one Pauschale each', () => {
    expect(rules(bundle([visit('a', 'p-1', '21:00'), visit('b', 'p-2', '22:00')]), 'NFD-PAUSCHALE-PATIENT')).toHaveLength(0);
  });
});

describe('5: complete keeps every typed service and says why it is doubtful', () => {
  it('01418 typed at a contact without a visit stays, with a warning', () => {
    const c = baseCase({ contacts: [{ date: '2026-01-14', time: '10:00' }], services: [svc('01418', '2026-01-14', '10:00')] });
    const done = completeOne(c);
    expect(done.case.services.map((s) => s.gop)).toEqual(['01210', '01418']);
    expect(done.findings.map((f) => f.rule)).toContain('NFD-VISIT-WITHOUT-CONTACT');
  });

  it('01226 with a written justification but no Nr. 9 flag stays, and check reports the missing group', () => {
    const c = baseCase({
      contacts: [{ date: '2026-01-10', time: '10:00' }],
      services: [svc('01226', '2026-01-10', '10:00', { justification: 'Pflegebedürftig, Angehörige vor Ort' })],
    });
    const done = completeOne(c);
    expect(done.case.services.map((s) => [s.gop, s.justification])).toEqual([
      ['01212', undefined],
      ['01226', 'Pflegebedürftig, Angehörige vor Ort'],
    ]);
    expect(done.findings.map((f) => f.rule)).toContain('NFD-01226-GROUP');
  });

  it('40192 ×2 typed for a visit without a distance stays, with a warning', () => {
    const c = baseCase({
      contacts: [{ date: '2026-01-14', time: '21:00', visit: {} }],
      services: [svc('40192', '2026-01-14', '21:00', { count: 2 })],
    });
    const done = completeOne(c);
    expect(done.case.services.map((s) => [s.gop, s.count])).toEqual([
      ['01212', 1],
      ['01418', 1],
      ['40192', 2],
    ]);
    expect(done.findings.map((f) => f.rule)).toContain('NFD-TRAVEL-NO-DISTANCE');
  });

  it('near-miss: a typed service the contacts derive again is replaced, not doubled', () => {
    const c = baseCase({
      contacts: [{ date: '2026-01-14', time: '21:00', visit: { distanceKm: 3 } }],
      services: [svc('01418', '2026-01-14', '21:00'), svc('40228', '2026-01-14', '21:00'), svc('01210', '2026-01-14', '21:00')],
    });
    const done = completeOne(c);
    expect(done.case.services.map((s) => s.gop)).toEqual(['01212', '01418', '40228']);
    expect(done.findings.map((f) => f.rule)).not.toContain('NFD-TRAVEL-NO-DISTANCE');
  });
});

describe('6 and 15: points and amounts', () => {
  it('2024 services carry points and euro (Orientierungswert 2024)', () => {
    const done = completeOne(baseCase({ contacts: [{ date: '2024-03-13', time: '21:00' }] }));
    expect(done.case.services[0]).toMatchObject({ gop: '01212', points: 195, euro: 23.27 });
  });

  it('near-miss: 2023 has no sourced points, so no euro either', () => {
    const done = completeOne(baseCase({ contacts: [{ date: '2023-03-15', time: '21:00' }] }));
    expect(done.case.services[0]).toMatchObject({ gop: '01212', points: null, euro: null });
  });

  // EBM Stand 2026/2 points and the listing's own euro column (points × 12,7404 ct, Orientierungswert 2026).
  const STAND_2026_2: readonly (readonly [string, number, number, number])[] = [
    ['01413', 1, 106, 13.5],
    ['01418', 1, 778, 99.12],
    ['01440', 2, 352, 89.69], // ×2: the points are per unit, the euro for the count
    ['02100', 1, 67, 8.54],
    ['02300', 1, 68, 8.66],
    ['02301', 1, 133, 16.94],
    ['02302', 1, 230, 29.3],
    ['02320', 1, 48, 6.12],
    ['02323', 1, 68, 8.66],
  ];
  const typed = (date: string) =>
    completeOne(baseCase({ services: STAND_2026_2.map(([gop, count]) => svc(gop, date, undefined, { count })) })).case.services;

  it('from EBM Stand 2026/2 (2026-04-01) the visit, Verweilen and procedure GOPs carry points and euro', () => {
    const byGop = new Map(typed('2026-04-15').map((s) => [s.gop, [s.points, s.euro]] as const));
    for (const [gop, , points, euro] of STAND_2026_2) expect([gop, ...(byGop.get(gop) ?? [])]).toEqual([gop, points, euro]);
  });

  it('near-miss: the day before Stand 2026/2 they stay unpriced (no earlier source), and 02350 has no points at all', () => {
    for (const s of typed('2026-03-31')) expect([s.gop, s.points, s.euro]).toEqual([s.gop, null, null]);
    const bandage = completeOne(baseCase({ services: [svc('02350', '2026-04-15')] })).case.services[0];
    expect([bandage?.points, bandage?.euro]).toEqual([null, null]);
  });

  it('private and BG cases are not priced by the EBM', () => {
    for (const type of ['PKV', 'BG'] as const) {
      const c = baseCase({ patient: patient('1960-05-05', { insurance: { type } }), contacts: [{ date: '2026-01-14', time: '21:00', visit: { distanceKm: 3 } }] });
      for (const s of completeOne(c).case.services) expect([s.gop, s.points, s.euro]).toEqual([s.gop, null, null]);
    }
  });
});

describe('16: validity', () => {
  it('the GOPs new in the 2017 reform (01205, 01207, 01223, 01224, 01226) start on 2017-04-01, not a day earlier', () => {
    const time = (gop: string) => (gop === '01205' || gop === '01223' ? '10:00' : '21:00'); // Fri 31.3., Mon 3.4.
    for (const gop of ['01205', '01207', '01223', '01224', '01226']) {
      const on = (date: string) => rules(baseCase({ services: [svc(gop, date, time(gop))] }), 'EBM-NOT-VALID').length;
      expect([gop, on('2017-03-31'), on('2017-04-03')]).toEqual([gop, 1, 0]);
    }
  });

  it('every GOP of Abschnitt 1.2 and 01444 names the source of its dates', () => {
    const sourceOf = (gop: string) => BUILTIN_GOPS.find((g) => g.gop === gop)?.source ?? '';
    for (const gop of ['01205', '01210', '01212', '01218', '01226']) expect([gop, sourceOf(gop).includes(SOURCES.notfallReform2017)]).toEqual([gop, true]);
    expect([SOURCES.videoAuth01444Start, SOURCES.kvBerlin01444].every((s) => sourceOf('01444').includes(s))).toBe(true);
  });

  it('01212 before 2017-04-01 and 01444 before 2019-10-01 are not valid; after, they are', () => {
    expect(rules(baseCase({ services: [svc('01212', '2017-03-31', '21:00')] }), 'EBM-NOT-VALID')).toHaveLength(1);
    expect(rules(baseCase({ services: [svc('01212', '2017-04-01', '21:00')] }), 'EBM-NOT-VALID')).toHaveLength(0);
    expect(rules(baseCase({ services: [svc('01444', '2019-09-30', '21:00', { mode: 'video' })] }), 'EBM-NOT-VALID')).toHaveLength(1);
    expect(rules(baseCase({ services: [svc('01444', '2026-12-31', '21:00', { mode: 'video' })] }), 'EBM-NOT-VALID')).toHaveLength(0);
    expect(rules(baseCase({ services: [svc('01444', '2027-01-01', '21:00', { mode: 'video' })] }), 'EBM-NOT-VALID')).toHaveLength(1);
  });
});
