import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { formatJsonPath } from '../json-path.js';
import { hookContextSchemas, hookNames, isHookName } from './hooks.js';
import { parseStrict } from './issues.js';

const patient = { lastName: 'Muster', firstName: 'Erika', birthDate: '1950-03-01', insurance: { type: 'GKV' } };
const duty = { start: '2026-01-09T19:00', end: '2026-01-10T07:00' };
const kase = { patient, services: [{ gop: '01212', date: '2026-01-09', time: '21:30' }] };

function pathsOf(hook: (typeof hookNames)[number], input: unknown): string[] {
  try {
    parseStrict(hookContextSchemas[hook], input, `${hook} context`);
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).issues.map((i) => formatJsonPath(i.path));
  }
}

describe('hook context schemas', () => {
  it('has one schema per hook name', () => {
    expect(Object.keys(hookContextSchemas).sort()).toEqual([...hookNames].sort());
    expect(isHookName('case-edit')).toBe(true);
    expect(isHookName('case-view')).toBe(false);
    expect(isHookName(42)).toBe(false);
  });

  it('patient-view: patient with optional userId, nothing else', () => {
    expect(pathsOf('patient-view', { patient })).toEqual([]);
    expect(pathsOf('patient-view', { patient, userId: 'dr-1' })).toEqual([]);
    expect(pathsOf('patient-view', { patient, user: 'x' })).toEqual(['$.user']);
    expect(pathsOf('patient-view', {})).toEqual(['$.patient']);
  });

  it.each(['case-edit', 'case-sign'] as const)('%s: a case or a bundle, not both, with deep paths', (hook) => {
    expect(pathsOf(hook, { case: kase })).toEqual([]);
    expect(pathsOf(hook, { bundle: { duty, cases: [kase] } })).toEqual([]);
    expect(pathsOf(hook, { case: { ...kase, region: 'XX' } })).toEqual(['$.case.region']);
    expect(pathsOf(hook, { bundle: { duty: { ...duty, end: '2026-01-09T18:00' }, cases: [] } })).toEqual([
      '$.bundle.duty.end',
    ]);
    expect(pathsOf(hook, { bundle: { duty, cases: [{ ...kase, duty }] } })).toEqual(['$.bundle.cases[0].duty']);
    expect(pathsOf(hook, { case: kase, bundle: { duty, cases: [] } }).length).toBeGreaterThan(0);
    expect(pathsOf(hook, {}).length).toBeGreaterThan(0);
  });

  it('case-edit: fills case defaults', () => {
    const ctx = parseStrict(hookContextSchemas['case-edit'], { case: kase }, 'ctx');
    expect('case' in ctx && ctx.case.region).toBe('BW');
    expect('case' in ctx && ctx.case.services[0]?.mode).toBe('personal');
  });

  it('appointment-book: slot, kind default, participants 2–9', () => {
    const base = { patient, slot: { start: '2026-01-12T09:00', durationMinutes: 15 } };
    const ctx = parseStrict(hookContextSchemas['appointment-book'], base, 'ctx');
    expect(ctx.kind).toBe('standard');
    expect(pathsOf('appointment-book', { ...base, kind: 'conference', participants: 9 })).toEqual([]);
    expect(pathsOf('appointment-book', { ...base, participants: 10 })).toEqual(['$.participants']);
    expect(pathsOf('appointment-book', { ...base, participants: 1 })).toEqual(['$.participants']);
    expect(pathsOf('appointment-book', { ...base, kind: 'group' })).toEqual(['$.kind']);
    expect(pathsOf('appointment-book', { ...base, slot: { start: '2026-02-30T09:00', durationMinutes: 15 } })).toEqual([
      '$.slot.start',
    ]);
    expect(pathsOf('appointment-book', { ...base, slot: { ...base.slot, durationMinutes: 4 } })).toEqual([
      '$.slot.durationMinutes',
    ]);
    expect(pathsOf('appointment-book', { ...base, slot: { ...base.slot, durationMinutes: 241 } })).toEqual([
      '$.slot.durationMinutes',
    ]);
    expect(pathsOf('appointment-book', { ...base, slot: { ...base.slot, end: 'x' } })).toEqual(['$.slot.end']);
    expect(
      pathsOf('appointment-book', { ...base, physician: { lanr: '123456601' }, practice: { bsnr: '721234500' } }),
    ).toEqual([]);
  });

  it('billing-export: at least one case or bundle, quarter as qyyyy', () => {
    expect(pathsOf('billing-export', { items: [kase, { duty, cases: [kase] }], quarter: '12026', outDir: '/tmp/x' })).toEqual([]);
    expect(pathsOf('billing-export', { items: [] })).toEqual(['$.items']);
    expect(pathsOf('billing-export', { items: [kase], quarter: '52026' })).toEqual(['$.quarter']);
    expect(pathsOf('billing-export', { items: [kase], quarter: '2026-1' })).toEqual(['$.quarter']);
    expect(pathsOf('billing-export', { items: [kase, { ...kase, services: [{ gop: '01212' }] }] })).toEqual([
      '$.items[1].services[0].date',
    ]);
    expect(pathsOf('billing-export', { items: [{ duty, cases: [{ ...kase, patient: {} }] }] })).toContain(
      '$.items[0].cases[0].patient.lastName',
    );
  });

  test.prop([fc.stringMatching(/^[1-4]\d{4}$/)])('billing-export accepts every quarter q + yyyy', (quarter) => {
    expect(pathsOf('billing-export', { items: [kase], quarter })).toEqual([]);
  });

  test.prop([fc.string().filter((s) => !/^[1-4]\d{4}$/.test(s))])('billing-export refuses any other quarter', (quarter) => {
    expect(pathsOf('billing-export', { items: [kase], quarter })).toEqual(['$.quarter']);
  });

  test.prop([fc.integer({ min: -1000, max: 1000 })])('appointment-book durationMinutes valid iff 5–240', (minutes) => {
    const paths = pathsOf('appointment-book', { patient, slot: { start: '2026-01-12T09:00', durationMinutes: minutes } });
    expect(paths.length === 0).toBe(minutes >= 5 && minutes <= 240);
  });

  test.prop([fc.constantFrom(...hookNames), fc.jsonValue()])(
    'any JSON input yields a context or a ValidationError with path segments, nothing else',
    (hook, input) => {
      try {
        parseStrict(hookContextSchemas[hook], input, 'ctx');
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        const issues = (e as ValidationError).issues;
        expect(issues.length).toBeGreaterThan(0);
        for (const issue of issues) expect(issue.path.every((key) => typeof key === 'string' || typeof key === 'number')).toBe(true);
      }
    },
  );

  it.each(hookNames)('%s: has a JSON Schema for hosts in other languages', (hook) => {
    const schema = z.toJSONSchema(hookContextSchemas[hook], { io: 'input', unrepresentable: 'any' });
    expect(schema).toHaveProperty('$schema');
    expect(JSON.stringify(schema)).toContain('patient');
  });
});
