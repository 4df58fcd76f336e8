import { describe, expect, it } from 'vitest';
import { ValidationError } from '@pvskit/core';
import { applyFix } from './fix.js';
import { baseCase } from './test-fixtures.js';

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
