import { describe, expect, it } from 'vitest';
import type { CaseInput, ServiceInput } from '../test/fixtures.js';
import { checkInput as check } from '../test/pipeline.js';
import { baseCase, svc } from '../test/fixtures.js';

/* Issue 13 items 13 and 14: the EBM's Abrechnungsausschlüsse as data. 2026-01-14 is a Wednesday. */

const exclusions = (services: ServiceInput[]) =>
  check(baseCase({ services } as Partial<CaseInput>)).findings.filter((f) => f.rule === 'NFD-EBM-EXCLUSION');

describe('13: 01210/01212 "in derselben Sitzung", "am Behandlungstag", "im Behandlungsfall"', () => {
  it('01100 in the same session as 01210 fires; on another day it does not', () => {
    const f = exclusions([svc('01210', '2026-01-14', '10:00'), svc('01100', '2026-01-14', '10:00')]);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ service: 1, gop: '01100', fix: { op: 'remove', service: 1 } });
    expect(f[0]?.message).toContain('in derselben Sitzung');
    expect(exclusions([svc('01210', '2026-01-14', '10:00'), svc('01100', '2026-01-15', '10:00')])).toHaveLength(0);
  });

  it('chapter 35 (35100) beside 01212 in one session fires; chapter 36 does not', () => {
    expect(exclusions([svc('01212', '2026-01-14', '20:00'), svc('35100', '2026-01-14', '20:00')])).toHaveLength(1);
    expect(exclusions([svc('01212', '2026-01-14', '20:00'), svc('36100', '2026-01-14', '20:00')])).toHaveLength(0);
  });

  it('01214 at the Pauschale\'s minute fires, at a later contact not; 37500 likewise', () => {
    expect(exclusions([svc('01210', '2026-01-14', '10:00'), svc('01214', '2026-01-14', '10:00')])).toHaveLength(1);
    expect(exclusions([svc('01210', '2026-01-14', '10:00'), svc('01214', '2026-01-14', '11:00')])).toHaveLength(0);
    expect(exclusions([svc('01210', '2026-01-14', '10:00'), svc('37500', '2026-01-14', '10:00')])).toHaveLength(1);
  });

  it('01626 "am Behandlungstag": another time of the same day fires, the next day not', () => {
    expect(exclusions([svc('01210', '2026-01-14', '10:00'), svc('01626', '2026-01-14', '15:00')])).toHaveLength(1);
    expect(exclusions([svc('01210', '2026-01-14', '10:00'), svc('01626', '2026-01-15', '15:00')])).toHaveLength(0);
  });

  it('01210 and 01212 "im Behandlungsfall" are reported once, on the later service', () => {
    const f = exclusions([svc('01210', '2026-01-14', '10:00'), svc('01212', '2026-01-15', '20:00')]);
    expect(f.map((x) => x.service)).toEqual([1]);
  });

  it('before the 2017 reform the table does not apply', () => {
    expect(exclusions([svc('01210', '2017-03-29', '10:00'), svc('01100', '2017-03-29', '10:00')])).toHaveLength(0);
  });
});

describe('14: 02350 beside 02300–02302', () => {
  it.each(['02300', '02301', '02302'])('%s beside 02350 on one day fires', (gop) => {
    expect(exclusions([svc(gop, '2026-01-14'), svc('02350', '2026-01-14')])[0]).toMatchObject({ gop, fix: { op: 'remove', service: 0 } });
  });

  it('near-miss: 02320 beside 02350 does not', () => {
    expect(exclusions([svc('02320', '2026-01-14'), svc('02350', '2026-01-14')])).toHaveLength(0);
  });
});
