import { describe, expect, it } from 'vitest';
import type { BundleInput, CaseInput, ServiceInput } from '../test/fixtures.js';
import { checkInput as check } from '../test/pipeline.js';
import { completeBundleInput as complete, completeCaseInput as completeOne } from '../test/pipeline.js';
import { applyFix } from './fix.js';
import { baseCase, patient, PHYSICIAN, PRACTICE, svc } from '../test/fixtures.js';

/*
 * Issue 13, "wrong or risky findings" 7–12: each fires (or now holds) and stays silent in a near miss.
 * Calendar: 2026-01-09 Fri, 2026-01-10 Sat, 2026-01-14 Wed.
 */

const rules = (input: CaseInput | BundleInput, rule: string) => check(input).findings.filter((f) => f.rule === rule);

describe('7: shoulder-girdle fractures are Nr. 8 diagnoses', () => {
  const withDx = (icd: string) =>
    baseCase({ diagnoses: [{ icd, certainty: 'G' }], services: [svc('01212', '2026-01-10', '10:00'), svc('01224', '2026-01-10', '10:00')] });

  it.each(['S42.0', 'S42.01', 'S42.1', 'S42.7', 'S42.8', 'S42.9'])('%s carries 01224 without a finding', (icd) => {
    expect(rules(withDx(icd), 'NFD-ZUSCHLAG-DIAGNOSIS')).toHaveLength(0);
  });

  it('near-miss: metacarpal and toe fractures still do not (S62.2, S92.3)', () => {
    expect(rules(withDx('S62.2'), 'NFD-ZUSCHLAG-DIAGNOSIS')).toHaveLength(1);
    expect(rules(withDx('S92.3'), 'NFD-ZUSCHLAG-DIAGNOSIS')).toHaveLength(1);
  });
});

describe('8: R54 from 70 on is suggested for 01226, never added', () => {
  const old = (extra: Partial<CaseInput['patient']> = {}, icd = 'R54') =>
    baseCase({ patient: patient('1950-01-01', extra), diagnoses: [{ icd, certainty: 'G' }], contacts: [{ date: '2026-01-10', time: '10:00' }] });

  it('complete does not add 01226 for R54 alone; check suggests it', () => {
    const done = completeOne(old());
    expect(done.case.services.map((s) => s.gop)).toEqual(['01212']);
    expect(done.findings.filter((f) => f.rule === 'NFD-ZUSCHLAG-MISSING').map((f) => f.fix)).toEqual([
      { op: 'add', gop: '01226', date: '2026-01-10', time: '10:00', mode: 'personal' },
    ]);
  });

  it('near-miss: the frailty finding (patient.frailty) or dementia adds it', () => {
    expect(completeOne(old({ frailty: true })).case.services.map((s) => s.gop)).toEqual(['01212', '01226']);
    expect(completeOne(old({}, 'F01.0')).case.services.map((s) => s.gop)).toEqual(['01212', '01226']);
  });
});

describe('9: only a Muster-19 case with a Pauschale excuses the duty from the pseudo case', () => {
  const duty = { id: 'd-1', start: '2026-01-09T20:00', end: '2026-01-10T08:00' };
  const bundle = (cases: BundleInput['cases']): BundleInput => ({ duty, region: 'BW', practice: PRACTICE, physician: PHYSICIAN, cases });
  const gkv = (sug: string, services: ServiceInput[]) => ({ id: `c-${sug}`, scheinuntergruppe: sug, patient: patient(), services });

  it('a SUG 43 case with only a visit does not: the pseudo case is required, and SUG 43 is warned about', () => {
    const b = bundle([gkv('43', [svc('01418', '2026-01-09', '21:00')])]);
    expect(rules(b, 'NFD-PSEUDO-REQUIRED')).toHaveLength(1);
    expect(rules(b, 'NFD-SUG-DUTY')).toHaveLength(1);
    // complete agrees: it still adds the pseudo case for the duty start
    expect(complete(b).bundle.cases.filter((c) => c.pseudo === true)).toHaveLength(1);
  });

  it('near-miss: a SUG 41 case with 01212 (or a Konsultationspauschale) does', () => {
    expect(rules(bundle([gkv('41', [svc('01212', '2026-01-09', '21:00')])]), 'NFD-PSEUDO-REQUIRED')).toHaveLength(0);
    expect(rules(bundle([gkv('41', [svc('01218', '2026-01-09', '23:00', { mode: 'phone' })])]), 'NFD-PSEUDO-REQUIRED')).toHaveLength(0);
    expect(rules(bundle([gkv('41', [svc('01212', '2026-01-09', '21:00')])]), 'NFD-SUG-DUTY')).toHaveLength(0);
  });

  it('near-miss: outside BW (no pseudo-case profile) SUG 43 is not warned about', () => {
    const b: BundleInput = { ...bundle([gkv('43', [svc('01212', '2026-01-09', '21:00')])]), region: 'BY' };
    expect(rules(b, 'NFD-SUG-DUTY')).toHaveLength(0);
  });
});

describe('10: ICD-10-GM codes with their marker', () => {
  it('S06.70! and I10.01* are valid codes', () => {
    const c = baseCase({ diagnoses: [{ icd: 'S06.70!', certainty: 'G' }, { icd: 'I10.01*', certainty: 'G' }] });
    expect(rules(c, 'ID-ICD')).toHaveLength(0);
  });

  it('near-miss: a malformed code with a marker is still reported', () => {
    expect(rules(baseCase({ diagnoses: [{ icd: 'S0670!', certainty: 'G' }] }), 'ID-ICD')).toHaveLength(1);
  });
});

describe('11: suggestions agree with the fixes of the same answer', () => {
  const saturday = baseCase({ diagnoses: [{ icd: 'J18.9', certainty: 'G' }], services: [svc('01210', '2026-01-10', '10:00')] });

  it('a Saturday 01210 gets the fix 01212 and the suggestion 01224 (not 01223); after the fix the same 01224', () => {
    const findings = check(saturday).findings;
    expect(findings.find((f) => f.rule === 'NFD-TIME-BAND')?.fix).toEqual({ op: 'replace', service: 0, gop: '01212' });
    const missing = findings.find((f) => f.rule === 'NFD-ZUSCHLAG-MISSING');
    expect(missing?.fix).toMatchObject({ op: 'add', gop: '01224' });
    const fixed = applyFix(saturday, { op: 'replace', service: 0, gop: '01212' });
    expect(rules(fixed, 'NFD-ZUSCHLAG-MISSING')[0]?.fix).toMatchObject({ op: 'add', gop: '01224' });
  });

  it('near-miss: a weekday 01210 keeps the suggestion 01223', () => {
    const weekday = baseCase({ diagnoses: [{ icd: 'J18.9', certainty: 'G' }], services: [svc('01210', '2026-01-14', '10:00')] });
    expect(rules(weekday, 'NFD-ZUSCHLAG-MISSING')[0]?.fix).toMatchObject({ op: 'add', gop: '01223' });
  });
});

describe('12: every rule whose condition holds reports', () => {
  it('a Konsultation at the Pauschale\'s minute after an Abklärung gets both reasons', () => {
    const c = baseCase({ services: [svc('01207', '2026-01-10', '10:00'), svc('01216', '2026-01-10', '10:00')] });
    const ids = check(c).findings.filter((f) => f.service === 1).map((f) => f.rule);
    expect(ids).toEqual(expect.arrayContaining(['NFD-KONSULTATION-SAME-CONTACT', 'NFD-KONSULTATION-AFTER-ABKLAERUNG']));
  });

  it('near-miss: a justified later Konsultation after an Abklärung reports nothing about it', () => {
    const c = baseCase({ services: [svc('01207', '2026-01-10', '10:00'), svc('01216', '2026-01-10', '12:00', { justification: 'Verschlechterung' })] });
    expect(check(c).findings.filter((f) => f.service === 1)).toEqual([]);
  });
});
