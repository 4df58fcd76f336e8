import { describe, expect, it } from 'vitest';
import type { Card } from '@pvskit/core';
import type { BundleCaseInput } from '../shared/api.js';
import { applyFix, fixOf } from './fix.js';

const base: BundleCaseInput = {
  patient: { lastName: 'Muster', firstName: 'Erika', birthDate: '1950-03-01', insurance: { type: 'GKV' } },
  services: [
    { gop: '01210', date: '2026-01-10', time: '10:00' },
    { gop: '01224', date: '2026-01-10', time: '10:00', count: 1 },
  ],
};

describe('applyFix', () => {
  it('replaces, removes, re-counts and adds services without touching the input', () => {
    const before = structuredClone(base);
    expect(applyFix(base, { op: 'replace', service: 0, gop: '01212' }).case.services?.[0]?.gop).toBe('01212');
    expect(applyFix(base, { op: 'remove', service: 1 }).case.services).toHaveLength(1);
    expect(applyFix(base, { op: 'set-count', service: 1, count: 2 }).case.services?.[1]?.count).toBe(2);
    const added = applyFix(base, { op: 'add', gop: '01450', date: '2026-01-10', time: '10:00', mode: 'video' }).case.services;
    expect(added?.[2]).toEqual({ gop: '01450', date: '2026-01-10', time: '10:00', mode: 'video' });
    expect(base).toEqual(before);
  });

  it('refuses a fix whose service index no longer exists', () => {
    const r = applyFix(base, { op: 'replace', service: 5, gop: '01212' });
    expect(r.applied).toBe(false);
    expect(r.case).toBe(base);
  });
});

describe('fixOf', () => {
  it('finds the fix on a suggestion action and ignores cards without one', () => {
    const card: Card = {
      summary: 'x',
      indicator: 'critical',
      source: { label: 'Abrechnung' },
      suggestions: [{ label: 'Keine', actions: [] }, { label: '01212 abrechnen', uuid: 's-1', actions: [{ type: 'update', description: 'd', fix: { op: 'replace', service: 0, gop: '01212' } }] }],
    };
    expect(fixOf(card)).toEqual({ fix: { op: 'replace', service: 0, gop: '01212' }, suggestionUuid: 's-1', label: '01212 abrechnen' });
    expect(fixOf({ summary: 'y', indicator: 'info', source: { label: 'a' } })).toBeUndefined();
  });
});
