import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { parseWith } from '../validate.js';
import { caseSchema } from './domain.js';

const minimal = {
  patient: {
    lastName: 'Muster',
    firstName: 'Erika',
    birthDate: '1950-03-01',
    insurance: { type: 'GKV' },
  },
};

describe('caseSchema', () => {
  it('fills defaults', () => {
    const c = parseWith(caseSchema, minimal, 'case');
    expect(c.region).toBe('BW');
    expect(c.scheinuntergruppe).toBe('41');
    expect(c.services).toEqual([]);
  });

  it('rejects an unknown field and names its path', () => {
    const input = { ...minimal, services: [{ gop: '01212', date: '2026-01-09', gopp: 'x' }] };
    try {
      parseWith(caseSchema, input, 'case');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues).toContainEqual({ path: '$.services[0].gopp', message: 'unknown field "gopp"' });
    }
  });
});
