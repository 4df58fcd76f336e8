import { describe, expect, it } from 'vitest';
import { applyFixesToServices, applyFixToServices, type AddFix } from './fix.js';

type S = { gop: string; date: string; count?: number };
const services: readonly S[] = Object.freeze([
  { gop: '01210', date: '2026-01-10' },
  { gop: '02300', date: '2026-01-10' },
  { gop: '40190', date: '2026-01-10', count: 1 },
]);
const create = (f: AddFix): S => ({ gop: f.gop, date: f.date, ...(f.count === undefined ? {} : { count: f.count }) });

describe('applyFixToServices', () => {
  it('replaces, removes, sets counts and adds without touching the input', () => {
    expect(applyFixToServices(services, { op: 'replace', service: 0, gop: '01212' }, create)?.[0]?.gop).toBe('01212');
    expect(applyFixToServices(services, { op: 'remove', service: 1 }, create)?.map((s) => s.gop)).toEqual(['01210', '40190']);
    expect(applyFixToServices(services, { op: 'set-count', service: 2, count: 3 }, create)?.[2]?.count).toBe(3);
    expect(applyFixToServices(services, { op: 'add', gop: '01418', date: '2026-01-10' }, create)?.at(-1)).toEqual({ gop: '01418', date: '2026-01-10' });
    expect(services[0]?.gop).toBe('01210');
  });

  it('answers undefined for an index the list does not have', () => {
    expect(applyFixToServices(services, { op: 'replace', service: 3, gop: '01212' }, create)).toBeUndefined();
    expect(applyFixToServices([], { op: 'remove', service: 0 }, create)).toBeUndefined();
  });
});

describe('applyFixesToServices', () => {
  it('applies fixes made against one list: in-place first, removals high to low, additions last', () => {
    const out = applyFixesToServices(
      services,
      [
        { op: 'add', gop: '01418', date: '2026-01-10' },
        { op: 'remove', service: 0 },
        { op: 'replace', service: 1, gop: '02301' },
        { op: 'remove', service: 2 },
        { op: 'replace', service: 9, gop: 'x' },
      ],
      create,
    );
    expect(out.map((s) => s.gop)).toEqual(['02301', '01418']);
  });
});
