import { readFileSync } from 'node:fs';
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ValidationError, validationIssueToJson } from '../errors.js';
import { parseWith } from '../validate.js';
import { bundleSchema, caseSchema } from './domain.js';

const contractCase = JSON.parse(readFileSync(new URL('../../../../test/fixtures/contract/case.json', import.meta.url), 'utf8')) as unknown;
const contractBundle = JSON.parse(readFileSync(new URL('../../../../test/fixtures/contract/bundle.json', import.meta.url), 'utf8')) as unknown;

const minimal = {
  patient: { lastName: 'Muster', firstName: 'Erika', birthDate: '1950-03-01', insurance: { type: 'GKV' } },
};

function issuesOf(input: unknown, schema: typeof caseSchema | typeof bundleSchema = caseSchema) {
  try {
    parseWith(schema, input, 'case');
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).issues.map(validationIssueToJson);
  }
  throw new Error('expected a ValidationError');
}

describe('caseSchema', () => {
  it('accepts the contract example', () => {
    const c = parseWith(caseSchema, contractCase, 'case');
    expect(c.services[0]).toMatchObject({ gop: '01212', count: 1, mode: 'personal' });
    expect(c.contacts[0]?.visit).toEqual({ distanceKm: 3.2, sameSocialCommunity: false });
  });

  it('fills defaults for a minimal case', () => {
    const c = parseWith(caseSchema, minimal, 'case');
    expect(c).toMatchObject({ region: 'BW', scheinuntergruppe: '41', services: [], contacts: [], diagnoses: [] });
    expect(c.patient.frailty).toBe(false);
  });

  it('rejects unknown fields at any depth and names their path', () => {
    expect(issuesOf({ ...minimal, servces: [] })).toContainEqual({ path: '$.servces', message: 'unknown field "servces"' });
    expect(issuesOf({ ...minimal, services: [{ gop: '01212', date: '2026-01-09', gopp: 'x' }] })).toContainEqual({
      path: '$.services[0].gopp',
      message: 'unknown field "gopp"',
    });
    expect(
      issuesOf({ ...minimal, patient: { ...minimal.patient, insurance: { type: 'GKV', kvnrr: 'A' } } }),
    ).toContainEqual({ path: '$.patient.insurance.kvnrr', message: 'unknown field "kvnrr"' });
  });

  it('rejects impossible dates and times with a reason', () => {
    expect(issuesOf({ ...minimal, services: [{ gop: '01212', date: '2026-02-30' }] })[0]?.path).toBe('$.services[0].date');
    expect(issuesOf({ ...minimal, contacts: [{ date: '2026-01-09', time: '24:00' }] })[0]).toMatchObject({
      path: '$.contacts[0].time',
      message: expect.stringContaining('HH:MM') as unknown as string,
    });
    expect(issuesOf({ ...minimal, duty: { start: '2026-01-10T08:00', end: '2026-01-09T20:00' } })[0]?.path).toBe('$.duty.end');
  });

  it('rejects blanks around text (KVDT forbids them)', () => {
    expect(issuesOf({ ...minimal, patient: { ...minimal.patient, lastName: ' Muster' } })[0]?.path).toBe('$.patient.lastName');
  });

  it('accepts the contract bundle and rejects a duty inside a bundle case', () => {
    expect(parseWith(bundleSchema, contractBundle, 'bundle').cases).toHaveLength(1);
    const bad = { ...(contractBundle as Record<string, unknown>), cases: [{ ...minimal, duty: { start: '2026-01-09T20:00', end: '2026-01-10T08:00' } }] };
    expect(issuesOf(bad, bundleSchema)).toContainEqual({ path: '$.cases[0].duty', message: 'unknown field "duty"' });
  });

  fcTest.prop([fc.jsonValue({ maxDepth: 6 })], { numRuns: 300 })('random JSON never throws anything but a ValidationError with paths', (value) => {
    try {
      parseWith(caseSchema, value, 'case');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      const issues = (e as ValidationError).issues;
      expect(issues.length).toBeGreaterThan(0);
      for (const issue of issues) {
        expect(issue.path.every((key) => typeof key === 'string' || typeof key === 'number')).toBe(true);
        expect(issue.message.length).toBeGreaterThan(0);
      }
    }
  });

  fcTest.prop(
    [
      fc.record({
        lastName: fc.string({ minLength: 1 }),
        birthDate: fc.oneof(fc.string(), fc.constant('2020-02-29')),
        extra: fc.dictionary(fc.string({ minLength: 1 }), fc.jsonValue({ maxDepth: 2 })),
      }),
    ],
    { numRuns: 200 },
  )('near-valid cases: a thrown error always names a path inside the input', ({ lastName, birthDate, extra }) => {
    const input = { ...minimal, ...extra, patient: { ...minimal.patient, lastName, birthDate } };
    try {
      parseWith(caseSchema, input, 'case');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
    }
  });
});
