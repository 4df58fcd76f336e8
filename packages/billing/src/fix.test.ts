import { describe, expect, it } from 'vitest';
import { ValidationError } from '@pvskit/core';
import { applyFix } from './fix.js';
import { baseCase } from '../test/fixtures.js';

const input = baseCase({
  services: [
    { gop: '01210', date: '2026-01-10', time: '21:30', points: 120, euro: 15.29 },
    { gop: '40190', date: '2026-01-10', time: '21:30', count: 1 },
  ],
});

describe('applyFix', () => {
  it('replaces, removes, sets counts and adds, without touching the input', () => {
    const before = structuredClone(input);
    const replaced = applyFix(input, { op: 'replace', service: 0, gop: '01212' });
    expect(replaced.services[0]).toEqual({ gop: '01212', date: '2026-01-10', time: '21:30', mode: 'personal', count: 1 });
    expect(applyFix(input, { op: 'remove', service: 0 }).services.map((s) => s.gop)).toEqual(['40190']);
    expect(applyFix(input, { op: 'set-count', service: 1, count: 3 }).services[1]?.count).toBe(3);
    expect(applyFix(input, { op: 'add', gop: '01224', date: '2026-01-10', time: '21:30' }).services[2]).toEqual({
      gop: '01224',
      date: '2026-01-10',
      time: '21:30',
      mode: 'personal',
      count: 1,
    });
    expect(input).toEqual(before);
  });

  it('rejects a fix for a service the case does not have, and a malformed fix', () => {
    expect(() => applyFix(input, { op: 'remove', service: 5 })).toThrow(ValidationError);
    expect(() => applyFix(input, { op: 'replace', service: 0, gop: '' })).toThrow(ValidationError);
  });
});

describe('applyBundleFix', () => {
  it('applies a duty finding to the case its caseIndex names', async () => {
    const { checkInput: check } = await import('../test/pipeline.js');
    const { applyBundleFix } = await import('./fix.js');
    const bundle = {
      duty: { start: '2026-01-09T20:00', end: '2026-01-10T08:00' },
      practice: { bsnr: '529999900' },
      physician: { lanr: '123456601' },
      cases: [
        { patient: { lastName: 'A', firstName: 'B', birthDate: '1970-01-01', insurance: { type: 'PKV' as const } } },
        {
          pseudo: true,
          patient: { lastName: 'Notfalldienst Arzt 1', firstName: 'Organisierter', birthDate: '2020-01-01', insurance: { type: 'GKV' as const } },
          diagnoses: [{ icd: 'Z02', certainty: 'G' as const }],
          services: [{ gop: '99999', date: '2026-01-09', time: '20:00' }],
        },
      ],
    };
    const finding = check(bundle).findings.find((f) => f.rule === 'NFD-PSEUDO-PRIVATE');
    const index = finding?.caseIndex;
    expect(index).toBe(1);
    const fixed = applyBundleFix(bundle, index ?? -1, finding?.fix ?? { op: 'remove', service: 9 });
    expect(fixed.cases[1]?.services.map((s) => [s.gop, s.count])).toEqual([['99999', 1], ['99909', 1]]);
    expect(check(fixed).findings.filter((f) => f.rule === 'NFD-PSEUDO-PRIVATE')).toEqual([]);
    expect(() => applyBundleFix(bundle, 5, { op: 'remove', service: 0 })).toThrow(ValidationError);
  });
});
