import { describe, expect, it } from 'vitest';
import type { BundleInput, CaseInput, ServiceInput } from '../test/fixtures.js';
import { casesOf } from '@pvskit/core';
import { checkInput as check } from '../test/pipeline.js';
import { completeBundleInput as complete, completeCaseInput as completeOne } from '../test/pipeline.js';
import { applyFix } from './fix.js';
import { RULES } from './rules/ids.js';
import { baseCase, patient, PHYSICIAN, PRACTICE, svc } from '../test/fixtures.js';

/*
 * Every rule id of docs/rules.md fires in one test and stays silent in a near miss.
 * Calendar: 2026-01-10 Sat, 2026-01-14 Wed, 2026-06-04 Fronleichnam (BW holiday),
 * 2026-11-18 Buß- und Bettag (not a BW holiday), 2026-12-24 Thursday.
 */

const found = (input: CaseInput | BundleInput, rule: string) => check(input).findings.filter((f) => f.rule === rule);
const withServices = (services: ServiceInput[], extra: Partial<CaseInput> = {}) => baseCase({ services, ...extra });

describe('band rules', () => {
  it('NFD-TIME-MISSING fires without a time and not with one', () => {
    expect(found(withServices([svc('01212', '2026-01-10')]), 'NFD-TIME-MISSING')).toHaveLength(1);
    expect(found(withServices([svc('01212', '2026-01-10', '10:00')]), 'NFD-TIME-MISSING')).toHaveLength(0);
  });

  it('NFD-TIME-BAND: 06:59 vs 07:00 on a working day, with the fix', () => {
    const early = found(withServices([svc('01210', '2026-01-14', '06:59')]), 'NFD-TIME-BAND');
    expect(early).toHaveLength(1);
    expect(early[0]?.fix).toEqual({ op: 'replace', service: 0, gop: '01212' });
    expect(early[0]?.message).toContain('14.01.2026');
    expect(found(withServices([svc('01210', '2026-01-14', '07:00')]), 'NFD-TIME-BAND')).toHaveLength(0);
    expect(found(withServices([svc('01212', '2026-01-14', '06:59')]), 'NFD-TIME-BAND')).toHaveLength(0);
  });

  it('NFD-TIME-BAND: Fronleichnam is a rest day in BW, Buß- und Bettag is not', () => {
    const fronleichnam = found(withServices([svc('01210', '2026-06-04', '10:00')]), 'NFD-TIME-BAND');
    expect(fronleichnam).toHaveLength(1);
    expect(fronleichnam[0]?.message).toContain('Fronleichnam');
    expect(found(withServices([svc('01210', '2026-11-18', '10:00')]), 'NFD-TIME-BAND')).toHaveLength(0);
    expect(found(withServices([svc('01212', '2026-11-18', '10:00')]), 'NFD-TIME-BAND')).toHaveLength(1);
  });

  it('NFD-TIME-BAND: 24.12. at 10:00 is a rest day all day', () => {
    expect(found(withServices([svc('01210', '2026-12-24', '10:00')]), 'NFD-TIME-BAND')[0]?.fix).toEqual({
      op: 'replace',
      service: 0,
      gop: '01212',
    });
    expect(found(withServices([svc('01212', '2026-12-24', '10:00')]), 'NFD-TIME-BAND')).toHaveLength(0);
    expect(found(withServices([svc('01216', '2026-12-24', '10:00', { mode: 'phone' })]), 'NFD-TIME-BAND')).toHaveLength(0);
  });

  it('NFD-TIME-BAND: Konsultation bands 18:59/19:00/21:59/22:00 on a working day', () => {
    const fix = (gop: string, time: string) =>
      found(withServices([svc(gop, '2026-01-14', time, { mode: 'phone' })]), 'NFD-TIME-BAND')[0]?.fix;
    expect(fix('01214', '18:59')).toBeUndefined();
    expect(fix('01214', '19:00')).toEqual({ op: 'replace', service: 0, gop: '01216' });
    expect(fix('01216', '21:59')).toBeUndefined();
    expect(fix('01216', '22:00')).toEqual({ op: 'replace', service: 0, gop: '01218' });
    expect(fix('01216', '06:59')).toEqual({ op: 'replace', service: 0, gop: '01218' });
  });

  it('NFD-TIME-BOUNDARY: 07:00 is a hint, 07:01 is not', () => {
    expect(found(withServices([svc('01210', '2026-01-14', '07:00')]), 'NFD-TIME-BOUNDARY')).toHaveLength(1);
    expect(found(withServices([svc('01210', '2026-01-14', '07:01')]), 'NFD-TIME-BOUNDARY')).toHaveLength(0);
    expect(found(withServices([svc('01216', '2026-01-14', '22:00')]), 'NFD-TIME-BOUNDARY')).toHaveLength(1);
  });

  it('NFD-PAUSCHALE-ONCE: a second Pauschale becomes a Konsultation; one is fine', () => {
    const two = found(
      withServices([svc('01212', '2026-01-10', '10:00'), svc('01212', '2026-01-10', '20:30')]),
      'NFD-PAUSCHALE-ONCE',
    );
    expect(two).toHaveLength(1);
    expect(two[0]?.fix).toEqual({ op: 'replace', service: 1, gop: '01218' });
    const twice = found(withServices([svc('01212', '2026-01-10', '10:00', { count: 2 })]), 'NFD-PAUSCHALE-ONCE');
    expect(twice[0]?.fix).toEqual({ op: 'set-count', service: 0, count: 1 });
    expect(found(withServices([svc('01212', '2026-01-10', '10:00')]), 'NFD-PAUSCHALE-ONCE')).toHaveLength(0);
  });

  it('NFD-PAUSCHALE-PHONE: a Pauschale by phone, fixed to the Konsultation of its band', () => {
    const f = found(withServices([svc('01212', '2026-01-10', '10:00', { mode: 'phone' })]), 'NFD-PAUSCHALE-PHONE');
    expect(f[0]?.fix).toEqual({ op: 'replace', service: 0, gop: '01216' });
    expect(found(withServices([svc('01212', '2026-01-10', '10:00')]), 'NFD-PAUSCHALE-PHONE')).toHaveLength(0);
  });

  it('NFD-ABKLAERUNG-PERSONAL: 01207 by video fires, in person not', () => {
    const f = found(withServices([svc('01207', '2026-01-10', '10:00', { mode: 'video' })]), 'NFD-ABKLAERUNG-PERSONAL');
    expect(f[0]?.fix).toEqual({ op: 'replace', service: 0, gop: '01212' });
    expect(found(withServices([svc('01207', '2026-01-10', '10:00')]), 'NFD-ABKLAERUNG-PERSONAL')).toHaveLength(0);
  });

  it('NFD-VIDEO-NOT-CONTRACTED: 01212 by video of a non-contracted doctor; contracted is fine', () => {
    const services = [svc('01212', '2026-01-10', '10:00', { mode: 'video' }), svc('01450', '2026-01-10', '10:00', { mode: 'video' })];
    const notContracted = { physician: { ...PHYSICIAN, contractedPhysician: false } };
    expect(found(withServices(services, notContracted), 'NFD-VIDEO-NOT-CONTRACTED')).toHaveLength(1);
    expect(found(withServices(services), 'NFD-VIDEO-NOT-CONTRACTED')).toHaveLength(0);
  });

  it('complete bills nothing for a video contact of a non-contracted doctor and says why', () => {
    const r = completeOne(
      baseCase({
        physician: { ...PHYSICIAN, contractedPhysician: false },
        contacts: [{ date: '2026-01-10', time: '10:00', mode: 'video' }, { date: '2026-01-10', time: '11:00', mode: 'personal' }],
      }),
    );
    expect(r.case.services.map((s) => [s.gop, s.time])).toEqual([['01212', '11:00']]);
    expect(r.findings.map((f) => f.rule)).toContain('NFD-VIDEO-NOT-CONTRACTED');
  });

  it('NFD-KONSULTATION-SAME-CONTACT: 01216 at the minute of 01212 fires, an hour later not', () => {
    const same = found(withServices([svc('01212', '2026-01-10', '10:00'), svc('01216', '2026-01-10', '10:00')]), 'NFD-KONSULTATION-SAME-CONTACT');
    expect(same[0]?.fix).toEqual({ op: 'remove', service: 1 });
    expect(
      found(withServices([svc('01212', '2026-01-10', '10:00'), svc('01216', '2026-01-10', '11:00')]), 'NFD-KONSULTATION-SAME-CONTACT'),
    ).toHaveLength(0);
  });

  it('NFD-KONSULTATION-AFTER-ABKLAERUNG: needs a justification', () => {
    const services = [svc('01207', '2026-01-10', '10:00'), svc('01216', '2026-01-10', '11:00')];
    expect(found(withServices(services), 'NFD-KONSULTATION-AFTER-ABKLAERUNG')[0]?.severity).toBe('warning');
    const justified = [services[0] as ServiceInput, { ...services[1], justification: 'Verschlechterung, erneute Vorstellung' } as ServiceInput];
    expect(found(withServices(justified), 'NFD-KONSULTATION-AFTER-ABKLAERUNG')).toHaveLength(0);
  });
});

describe('zuschlag rules', () => {
  const pneumonia = { diagnoses: [{ icd: 'J18.9', certainty: 'G' as const }] };

  it('NFD-ZUSCHLAG-BASE: 01223 beside 01212 (fix 01224), 01221 without 01220; 01223 with 01210 fine', () => {
    const f = found(withServices([svc('01212', '2026-01-10', '10:00'), svc('01223', '2026-01-10', '10:00')], pneumonia), 'NFD-ZUSCHLAG-BASE');
    expect(f[0]?.fix).toEqual({ op: 'replace', service: 1, gop: '01224' });
    expect(found(withServices([svc('01221', '2026-01-10', '10:00')]), 'NFD-ZUSCHLAG-BASE')).toHaveLength(1);
    expect(
      found(withServices([svc('01210', '2026-01-14', '10:00'), svc('01223', '2026-01-14', '10:00')], pneumonia), 'NFD-ZUSCHLAG-BASE'),
    ).toHaveLength(0);
  });

  it('NFD-ZUSCHLAG-DIAGNOSIS: list codes, certainty and justification', () => {
    const with01224 = (icd: string, certainty: 'G' | 'V' = 'G', justification?: string) =>
      found(
        withServices(
          [svc('01212', '2026-01-10', '10:00'), svc('01224', '2026-01-10', '10:00', justification === undefined ? {} : { justification })],
          { diagnoses: [{ icd, certainty }] },
        ),
        'NFD-ZUSCHLAG-DIAGNOSIS',
      ).length;
    expect(with01224('J20.9')).toBe(1);
    expect(with01224('J18.9')).toBe(0);
    expect(with01224('J18.9', 'V')).toBe(1);
    expect(with01224('J20.9', 'G', 'Sepsisverdacht, aufwändige Versorgung')).toBe(0);
    expect(with01224('I20.0')).toBe(0);
    expect(with01224('I20.9')).toBe(1);
    expect(with01224('S52.51')).toBe(0);
    expect(with01224('S62.2')).toBe(1);
    expect(with01224('K57.32')).toBe(0);
    expect(with01224('K57.31')).toBe(1);
    expect(with01224('I10.01')).toBe(0);
    expect(with01224('I10.00')).toBe(1);
  });

  it('NFD-ZUSCHLAG-PERSONAL: 01224 on a video Pauschale fires, on a personal one not', () => {
    const video = [svc('01212', '2026-01-10', '10:00', { mode: 'video' }), svc('01224', '2026-01-10', '10:00'), svc('01450', '2026-01-10', '10:00', { mode: 'video' })];
    expect(found(withServices(video, pneumonia), 'NFD-ZUSCHLAG-PERSONAL')).toHaveLength(1);
    expect(found(withServices([svc('01212', '2026-01-10', '10:00'), svc('01224', '2026-01-10', '10:00')], pneumonia), 'NFD-ZUSCHLAG-PERSONAL')).toHaveLength(0);
  });

  it('NFD-01226-GROUP: the day before the 3rd birthday qualifies, the 3rd birthday itself not', () => {
    const child = (birthDate: string) =>
      found(
        withServices([svc('01212', '2026-01-10', '10:00'), svc('01226', '2026-01-10', '10:00')], { patient: patient(birthDate) }),
        'NFD-01226-GROUP',
      ).length;
    expect(child('2023-01-11')).toBe(0);
    expect(child('2023-01-10')).toBe(1);
  });

  it('NFD-01226-GROUP: from the 70th birthday with frailty; dementia; severe impairment', () => {
    const group = (p: CaseInput['patient'], diagnoses: CaseInput['diagnoses'] = []) =>
      found(withServices([svc('01212', '2026-01-10', '10:00'), svc('01226', '2026-01-10', '10:00')], { patient: p, diagnoses }), 'NFD-01226-GROUP').length;
    expect(group(patient('1956-01-10', { frailty: true }))).toBe(0);
    expect(group(patient('1956-01-11', { frailty: true }))).toBe(1);
    expect(group(patient('1950-01-01'), [{ icd: 'R54', certainty: 'G' }])).toBe(0);
    expect(group(patient('1950-01-01'), [{ icd: 'F01.1', certainty: 'G' }])).toBe(0);
    expect(group(patient('1950-01-01'), [{ icd: 'G20.0', certainty: 'G' }])).toBe(1);
    expect(group(patient('1980-01-01', { severeImpairment: true }))).toBe(0);
  });

  it('NFD-01226-BAND: 01226 on a working day 18:59 fires, 19:00 not', () => {
    const at = (time: string) =>
      found(
        withServices([svc('01212', '2026-01-14', time), svc('01226', '2026-01-14')], { patient: patient('2025-06-01') }),
        'NFD-01226-BAND',
      ).length;
    expect(at('18:59')).toBe(1);
    expect(at('19:00')).toBe(0);
  });

  it('NFD-01224-01226: both in one case, fix drops 01226; 01224 alone is fine', () => {
    const p = { patient: patient('2025-06-01'), ...pneumonia };
    const both = found(withServices([svc('01212', '2026-01-10', '10:00'), svc('01224', '2026-01-10', '10:00'), svc('01226', '2026-01-10', '10:00')], p), 'NFD-01224-01226');
    expect(both[0]?.fix).toEqual({ op: 'remove', service: 2 });
    expect(found(withServices([svc('01212', '2026-01-10', '10:00'), svc('01224', '2026-01-10', '10:00')], p), 'NFD-01224-01226')).toHaveLength(0);
  });

  it('NFD-ZUSCHLAG-MISSING suggests 01224 (preferred over 01226) and applying it silences the rule', () => {
    const input = withServices([svc('01212', '2026-01-10', '10:00')], { patient: patient('2025-06-01'), ...pneumonia });
    const f = found(input, 'NFD-ZUSCHLAG-MISSING');
    expect(f[0]?.severity).toBe('info');
    expect(f[0]?.fix).toEqual({ op: 'add', gop: '01224', date: '2026-01-10', time: '10:00', mode: 'personal' });
    const fixed = applyFix(input, f[0]?.fix ?? { op: 'remove', service: 99 });
    expect(found(fixed, 'NFD-ZUSCHLAG-MISSING')).toHaveLength(0);
    expect(check(fixed).findings.filter((x) => x.severity === 'error')).toEqual([]);
  });
});

describe('exclusion rules', () => {
  it('NFD-EXCLUDED: 01100 beside 01212, not alone', () => {
    expect(found(withServices([svc('01212', '2026-01-10', '10:00'), svc('01100', '2026-01-10')]), 'NFD-EXCLUDED')).toHaveLength(1);
    expect(found(withServices([svc('01100', '2026-01-10')]), 'NFD-EXCLUDED')).toHaveLength(0);
  });

  it('NFD-CHAPTER-3-4 in BW beside NFD-EXCLUDED (each reason reported); outside BW only NFD-EXCLUDED', () => {
    const services = [svc('01212', '2026-01-10', '10:00'), svc('03230', '2026-01-10')];
    expect(found(withServices(services), 'NFD-CHAPTER-3-4')).toHaveLength(1);
    expect(found(withServices(services), 'NFD-EXCLUDED')).toHaveLength(1);
    expect(found(withServices(services, { region: 'BY' }), 'NFD-CHAPTER-3-4')).toHaveLength(0);
    expect(found(withServices(services, { region: 'BY' }), 'NFD-EXCLUDED')).toHaveLength(1);
    expect(found(withServices([svc('01212', '2026-01-10', '10:00'), svc('05310', '2026-01-10')]), 'NFD-CHAPTER-3-4')).toHaveLength(0);
  });

  it('NFD-CHAPTER-40-PORTO: postage 40110 in a BW duty case fires with a remove fix; other costs and other KVs pass', () => {
    const services = [svc('01212', '2026-01-10', '10:00'), svc('40110', '2026-01-10')];
    const f = found(withServices(services), 'NFD-CHAPTER-40-PORTO');
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('error');
    expect(f[0]?.fix).toEqual({ op: 'remove', service: 1 });
    expect(f[0]?.message).toContain('Porto nach GOP 40110');
    // 40110 is in the catalogue: the only finding on it is the shut-out, not an unknown GOP.
    expect(found(withServices(services), 'EBM-UNKNOWN-GOP')).toHaveLength(0);
    // Near misses: another chapter-40 cost (40144) is billable; outside BW the KV rule does not apply.
    expect(found(withServices([svc('01212', '2026-01-10', '10:00'), svc('40144', '2026-01-10')]), 'NFD-CHAPTER-40-PORTO')).toHaveLength(0);
    expect(found(withServices(services, { region: 'BY' }), 'NFD-CHAPTER-40-PORTO')).toHaveLength(0);
    // Applying the fix leaves no finding of the rule.
    const input = withServices(services);
    expect(found(applyFix(input, f[0]?.fix ?? { op: 'remove', service: 99 }), 'NFD-CHAPTER-40-PORTO')).toHaveLength(0);
  });

  it('NFD-ABKLAERUNG-CHAPTER-33-35: 01207 beside 33042, 01212 beside 33042 fine', () => {
    expect(found(withServices([svc('01207', '2026-01-10', '10:00'), svc('33042', '2026-01-10')]), 'NFD-ABKLAERUNG-CHAPTER-33-35')).toHaveLength(1);
    expect(found(withServices([svc('01212', '2026-01-10', '10:00'), svc('33042', '2026-01-10')]), 'NFD-ABKLAERUNG-CHAPTER-33-35')).toHaveLength(0);
  });

  it('NFD-FREQUENCY (02100 once a day): twice on one day fires, once on each of two days not', () => {
    expect(found(withServices([svc('02100', '2026-01-10'), svc('02100', '2026-01-10')]), 'NFD-FREQUENCY')[0]?.fix).toEqual({ op: 'remove', service: 1 });
    expect(found(withServices([svc('02100', '2026-01-10'), svc('02100', '2026-01-11')]), 'NFD-FREQUENCY')).toHaveLength(0);
  });

  it('NFD-EBM-EXCLUSION (02350 beside 02300–02302): same day fires, different days not', () => {
    expect(found(withServices([svc('02300', '2026-01-10'), svc('02350', '2026-01-10')]), 'NFD-EBM-EXCLUSION')[0]?.fix).toEqual({ op: 'remove', service: 0 });
    expect(found(withServices([svc('02302', '2026-01-10'), svc('02350', '2026-01-10')]), 'NFD-EBM-EXCLUSION')).toHaveLength(1);
    expect(found(withServices([svc('02300', '2026-01-10'), svc('02350', '2026-01-11')]), 'NFD-EBM-EXCLUSION')).toHaveLength(0);
  });
});

describe('wegepauschale and video rules', () => {
  const visitCase = (km: number, time: string, services: ServiceInput[], sameSocialCommunity = false) =>
    baseCase({
      contacts: [{ date: '2026-01-14', time, mode: 'personal', visit: { distanceKm: km, sameSocialCommunity } }],
      services: [svc('01210', '2026-01-14', time), svc(sameSocialCommunity ? '01413' : '01418', '2026-01-14', time), ...services],
    });

  it('NFD-TRAVEL-WITHOUT-VISIT: a Wegepauschale alone fires, with 01418 not', () => {
    expect(found(withServices([svc('40222', '2026-01-14', '10:00')]), 'NFD-TRAVEL-WITHOUT-VISIT')).toHaveLength(1);
    expect(found(visitCase(3, '10:00', [svc('40222', '2026-01-14', '10:00')]), 'NFD-TRAVEL-WITHOUT-VISIT')).toHaveLength(0);
  });

  it('NFD-TRAVEL-WITH-01413: a Wegepauschale with the further-patient visit', () => {
    expect(found(visitCase(3, '10:00', [svc('40222', '2026-01-14', '10:00')], true), 'NFD-TRAVEL-WITH-01413')).toHaveLength(1);
    expect(found(visitCase(3, '10:00', [], true), 'NFD-TRAVEL-WITH-01413')).toHaveLength(0);
  });

  it('NFD-TRAVEL-WRONG: 20 km is one 40190, 20.1 km two', () => {
    expect(found(visitCase(20, '10:00', [svc('40190', '2026-01-14', '10:00')]), 'NFD-TRAVEL-WRONG')).toHaveLength(0);
    const f = found(visitCase(20.1, '10:00', [svc('40190', '2026-01-14', '10:00')]), 'NFD-TRAVEL-WRONG');
    expect(f[0]?.fix).toEqual({ op: 'set-count', service: 2, count: 2 });
    expect(found(visitCase(20.1, '10:00', [svc('40190', '2026-01-14', '10:00', { count: 2 })]), 'NFD-TRAVEL-WRONG')).toHaveLength(0);
    expect(found(visitCase(30.5, '10:00', [svc('40190', '2026-01-14', '10:00', { count: 3 })]), 'NFD-TRAVEL-WRONG')).toHaveLength(0);
  });

  it('NFD-TRAVEL-WRONG: the clock decides day/night (18:59 day, 19:00 night), and the zone (2 vs 2.1 km)', () => {
    expect(found(visitCase(2, '18:59', [svc('40220', '2026-01-14', '18:59')]), 'NFD-TRAVEL-WRONG')).toHaveLength(0);
    const night = found(
      baseCase({
        contacts: [{ date: '2026-01-14', time: '19:00', visit: { distanceKm: 2 } }],
        services: [svc('01212', '2026-01-14', '19:00'), svc('01418', '2026-01-14', '19:00'), svc('40220', '2026-01-14', '19:00')],
      }),
      'NFD-TRAVEL-WRONG',
    );
    expect(night[0]?.fix).toEqual({ op: 'replace', service: 2, gop: '40226' });
    expect(found(visitCase(2.1, '10:00', [svc('40220', '2026-01-14', '10:00')]), 'NFD-TRAVEL-WRONG')[0]?.fix).toEqual({
      op: 'replace',
      service: 2,
      gop: '40222',
    });
  });

  it('NFD-TRAVEL-WRONG: Saturday 18:00 travels at the day rate although the Pauschale is 01212', () => {
    const sat = (gop: string) =>
      found(
        baseCase({
          contacts: [{ date: '2026-01-10', time: '18:00', visit: { distanceKm: 1 } }],
          services: [svc('01212', '2026-01-10', '18:00'), svc('01418', '2026-01-10', '18:00'), svc(gop, '2026-01-10', '18:00')],
        }),
        'NFD-TRAVEL-WRONG',
      ).length;
    expect(sat('40220')).toBe(0);
    expect(sat('40226')).toBe(1);
  });

  it('NFD-TRAVEL-MISSING suggests the Wegepauschale for a visit with a distance', () => {
    const f = found(visitCase(7, '10:00', []), 'NFD-TRAVEL-MISSING');
    expect(f[0]?.fix).toEqual({ op: 'add', gop: '40224', date: '2026-01-14', time: '10:00', count: 1, mode: 'personal' });
    expect(found(visitCase(7, '10:00', [svc('40224', '2026-01-14', '10:00')]), 'NFD-TRAVEL-MISSING')).toHaveLength(0);
  });

  it('NFD-VIDEO-01450-MISSING: a video contact without 01450, and with it', () => {
    const input = (services: ServiceInput[]) =>
      baseCase({ contacts: [{ date: '2026-01-10', time: '10:00', mode: 'video' }], services });
    const f = found(input([svc('01212', '2026-01-10', '10:00', { mode: 'video' })]), 'NFD-VIDEO-01450-MISSING');
    expect(f[0]?.fix).toEqual({ op: 'add', gop: '01450', date: '2026-01-10', time: '10:00', mode: 'video' });
    expect(
      found(input([svc('01212', '2026-01-10', '10:00', { mode: 'video' }), svc('01450', '2026-01-10', '10:00', { mode: 'video' })]), 'NFD-VIDEO-01450-MISSING'),
    ).toHaveLength(0);
  });
});

describe('case rules', () => {
  const duty = { start: '2026-01-09T20:00', end: '2026-01-10T08:00' };

  it('NFD-OUTSIDE-DUTY: 08:00 at the duty end belongs to the next duty, 07:59 not', () => {
    expect(found(withServices([svc('01218', '2026-01-10', '08:00', { mode: 'phone' })], { duty }), 'NFD-OUTSIDE-DUTY')).toHaveLength(1);
    expect(found(withServices([svc('01218', '2026-01-10', '07:59', { mode: 'phone' })], { duty }), 'NFD-OUTSIDE-DUTY')).toHaveLength(0);
    expect(found(withServices([svc('02100', '2026-01-11')], { duty }), 'NFD-OUTSIDE-DUTY')).toHaveLength(1);
    expect(found(withServices([svc('02100', '2026-01-10')], { duty }), 'NFD-OUTSIDE-DUTY')).toHaveLength(0);
  });

  it('NFD-SUG: 40 fires, 46 not', () => {
    expect(found(baseCase({ scheinuntergruppe: '40' }), 'NFD-SUG')).toHaveLength(1);
    expect(found(baseCase({ scheinuntergruppe: '46' }), 'NFD-SUG')).toHaveLength(0);
  });

  it('NFD-LANR-MISSING and NFD-BSNR-MISSING', () => {
    const { physician: _p, practice: _q, ...bare } = baseCase();
    expect(found(bare, 'NFD-LANR-MISSING')).toHaveLength(1);
    expect(found(bare, 'NFD-BSNR-MISSING')).toHaveLength(1);
    expect(found({ ...bare, physician: { name: 'Dr. X' } }, 'NFD-LANR-MISSING')).toHaveLength(1);
    expect(found(baseCase(), 'NFD-LANR-MISSING')).toHaveLength(0);
    expect(found(baseCase(), 'NFD-BSNR-MISSING')).toHaveLength(0);
  });

  it('EBM-UNKNOWN-GOP warns for a GOP in no catalogue', () => {
    const f = found(withServices([svc('12345', '2026-01-10')]), 'EBM-UNKNOWN-GOP');
    expect(f[0]?.severity).toBe('warning');
    expect(found(withServices([svc('02301', '2026-01-10')]), 'EBM-UNKNOWN-GOP')).toHaveLength(0);
  });

  it('EBM-NOT-VALID: 01451 until 30.09.2021, 01444 until 31.12.2026', () => {
    expect(found(withServices([svc('01451', '2021-10-01')]), 'EBM-NOT-VALID')).toHaveLength(1);
    expect(found(withServices([svc('01451', '2021-09-30')]), 'EBM-NOT-VALID')).toHaveLength(0);
    expect(found(withServices([svc('01444', '2027-01-01', undefined, { mode: 'video' })]), 'EBM-NOT-VALID')).toHaveLength(1);
    expect(found(withServices([svc('01444', '2026-12-31', undefined, { mode: 'video' })]), 'EBM-NOT-VALID')).toHaveLength(0);
  });

  it('EBM-NOT-VALID: 01212 by video only from 01.07.2022 on; in person always', () => {
    const early = found(withServices([svc('01212', '2022-06-30', '21:00', { mode: 'video' })]), 'EBM-NOT-VALID');
    expect(early).toHaveLength(1);
    expect(early[0]?.message).toContain('Videosprechstunde');
    expect(early[0]?.message).toContain('ab 01.07.2022');
    expect(found(withServices([svc('01212', '2022-07-01', '21:00', { mode: 'video' })]), 'EBM-NOT-VALID')).toHaveLength(0);
    expect(found(withServices([svc('01212', '2022-06-30', '21:00')]), 'EBM-NOT-VALID')).toHaveLength(0);
  });

  it('ID-* rules report malformed identifiers; the fixtures pass', () => {
    const bad = baseCase({
      physician: { lanr: '12345' },
      practice: { bsnr: '12' },
      patient: patient('1960-01-01', { insurance: { type: 'GKV', ik: '1', kvnr: 'A1' } }),
      diagnoses: [{ icd: 'J189', certainty: 'G' }],
      services: [svc('1210', '2026-01-10')],
    });
    const rules = check(bad).findings.map((f) => f.rule);
    for (const id of ['ID-LANR', 'ID-BSNR', 'ID-KVNR', 'ID-IK', 'ID-ICD', 'ID-GOP']) expect(rules).toContain(id);
    expect(rules).not.toContain('EBM-UNKNOWN-GOP');
    const good = check(withServices([svc('01212', '2026-01-10', '10:00')], { diagnoses: [{ icd: 'J18.9', certainty: 'G' }] }));
    expect(good.findings.filter((f) => f.rule.startsWith('ID-'))).toEqual([]);
  });
});

describe('duty rules', () => {
  const duty = { id: 'd-1', start: '2026-01-09T20:00', end: '2026-01-10T08:00' };
  const gkv = (id: string, time = '21:00') => ({
    id,
    patient: patient('1960-01-01', { id }),
    services: [svc('01212', '2026-01-09', time)],
  });
  const privatePatient = (id: string) => ({
    id,
    patient: patient('1960-01-01', { id, insurance: { type: 'PKV' as const } }),
    services: [svc('01212', '2026-01-09', '22:00')],
  });
  const pseudoCase = (services: ServiceInput[], diagnoses: CaseInput['diagnoses'] = [{ icd: 'Z02', certainty: 'G' }]) => ({
    id: 'ps',
    pseudo: true,
    patient: patient('2020-01-01', { id: 'ps', firstName: 'Organisierter', lastName: 'Notfalldienst Arzt 1' }),
    diagnoses,
    services,
  });
  const bundle = (cases: BundleInput['cases'], d = duty): BundleInput => ({ duty: d, region: 'BW', practice: PRACTICE, physician: PHYSICIAN, cases });

  it('NFD-PSEUDO-REQUIRED: only private patients and no pseudo case; a pseudo case satisfies it', () => {
    expect(found(bundle([privatePatient('a')]), 'NFD-PSEUDO-REQUIRED')).toHaveLength(1);
    expect(found(bundle([]), 'NFD-PSEUDO-REQUIRED')).toHaveLength(1);
    expect(found(bundle([gkv('a')]), 'NFD-PSEUDO-REQUIRED')).toHaveLength(0);
    expect(found(bundle([pseudoCase([svc('99999', '2026-01-09', '20:00')])]), 'NFD-PSEUDO-REQUIRED')).toHaveLength(0);
  });

  it('NFD-PSEUDO-REQUIRED per quarter: a duty across 31.03./01.04. needs the new quarter covered', () => {
    const cross = { id: 'd-q', start: '2026-03-31T20:00', end: '2026-04-01T08:00' };
    const cases = [pseudoCase([svc('99999', '2026-03-31', '20:00')]), { ...gkv('a'), services: [svc('01212', '2026-03-31', '21:00')] }];
    const f = found(bundle(cases, cross), 'NFD-PSEUDO-REQUIRED');
    expect(f).toHaveLength(1);
    expect(f[0]?.message).toContain('2/2026');
    const later = { ...gkv('b'), services: [svc('01218', '2026-04-01', '03:00', { mode: 'phone' })] };
    expect(found(bundle([...cases, later], cross), 'NFD-PSEUDO-REQUIRED')).toHaveLength(0);
    // complete adds the second pseudo case at 00:00 of the new quarter
    const done = complete(bundle(cases, cross));
    const pseudo = done.bundle.cases.filter((c) => c.pseudo === true).map((c) => c.services.map((s) => [s.gop, s.date, s.time]));
    expect(pseudo).toEqual([[['99999', '2026-03-31', '20:00']], [['99999', '2026-04-01', '00:00']]]);
    expect(done.findings.filter((x) => x.rule.startsWith('NFD-PSEUDO'))).toEqual([]);
  });

  it('NFD-PSEUDO-RECOMMENDED: GKV cases without a pseudo case', () => {
    expect(found(bundle([gkv('a')]), 'NFD-PSEUDO-RECOMMENDED')[0]?.severity).toBe('info');
    expect(found(bundle([gkv('a'), pseudoCase([svc('99999', '2026-01-09', '20:00')])]), 'NFD-PSEUDO-RECOMMENDED')).toHaveLength(0);
  });

  it('NFD-PSEUDO-PRIVATE: 99909 must count the private/BG patients', () => {
    const two = [privatePatient('a'), privatePatient('b')];
    const f = found(bundle([...two, pseudoCase([svc('99999', '2026-01-09', '20:00'), svc('99909', '2026-01-09', '20:00')])]), 'NFD-PSEUDO-PRIVATE');
    expect(f[0]?.fix).toEqual({ op: 'set-count', service: 1, count: 2 });
    expect(f[0]).toMatchObject({ caseIndex: 2, path: ['cases', 2, 'services', 1] });
    expect(
      found(bundle([...two, pseudoCase([svc('99999', '2026-01-09', '20:00'), svc('99909', '2026-01-09', '20:00', { count: 2 })])]), 'NFD-PSEUDO-PRIVATE'),
    ).toHaveLength(0);
    expect(found(bundle([gkv('a'), pseudoCase([svc('99999', '2026-01-09', '20:00')])]), 'NFD-PSEUDO-PRIVATE')).toHaveLength(0);
  });

  it('NFD-PSEUDO-FORMAT: Z02 and the duty start time on 99999', () => {
    expect(found(bundle([pseudoCase([svc('99999', '2026-01-09', '20:00')], [])]), 'NFD-PSEUDO-FORMAT')).toHaveLength(1);
    expect(found(bundle([pseudoCase([svc('99999', '2026-01-09')])]), 'NFD-PSEUDO-FORMAT')).toHaveLength(1);
    expect(found(bundle([pseudoCase([svc('99999', '2026-01-09', '21:00')])]), 'NFD-PSEUDO-FORMAT')).toHaveLength(1);
    expect(found(bundle([pseudoCase([svc('99999', '2026-01-09', '20:00')])]), 'NFD-PSEUDO-FORMAT')).toHaveLength(0);
  });

  it('complete on a bundle adds the pseudo case with 99909; casesOf makes every case self-contained', () => {
    const done = complete(bundle([gkv('a'), privatePatient('b'), privatePatient('c')]));
    const [ps, ...rest] = casesOf(done);
    expect(ps?.pseudo).toBe(true);
    expect(ps?.patient).toMatchObject({ firstName: 'Organisierter', lastName: 'Notfalldienst Arzt 1', birthDate: '2020-01-01', street: 'Notfallstr. 1', zip: '12345', city: 'Notfallstadt' });
    expect(ps?.services.map((s) => [s.gop, s.count, s.time])).toEqual([['99999', 1, '20:00'], ['99909', 2, '20:00']]);
    expect(ps?.diagnoses).toEqual([{ icd: 'Z02', certainty: 'G' }]);
    for (const c of casesOf(done)) expect(c).toMatchObject({ duty, practice: PRACTICE, physician: PHYSICIAN });
    expect(rest.map((c) => c.id)).toEqual(['a', 'b', 'c']);
    expect(done.findings.filter((f) => f.rule.startsWith('NFD-PSEUDO'))).toEqual([]);
  });
});

describe('rule table', () => {
  it('lists every id of the spec exactly once', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('input handling', () => {
  it('check parses first: an unknown field or a bad date throws ValidationError with the path', async () => {
    const { ValidationError } = await import('@pvskit/core');
    const bad = { ...baseCase(), services: [{ gop: '01212', date: '2026-02-30', time: '10:00' }] };
    expect(() => check(bad)).toThrow(ValidationError);
    try {
      check({ ...baseCase(), servics: [] } as unknown as CaseInput);
      expect.unreachable();
    } catch (e) {
      expect((e as InstanceType<typeof ValidationError>).issues[0]?.path).toEqual(['servics']);
    }
    expect(() => check({ duty: { start: '2026-01-09T20:00', end: '2026-01-09T19:00' }, cases: [] })).toThrow(ValidationError);
  });
});
