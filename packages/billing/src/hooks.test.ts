import { fc, test } from '@fast-check/vitest';
import { createPvsKit, formatJsonPath, hookDefinition, isHookName, ValidationError } from '@pvskit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { caseEditContextSchema, caseEditHook, caseSignContextSchema, caseSignHook } from './hooks.js';

const patient = { lastName: 'Muster', firstName: 'Erika', birthDate: '1950-03-01', insurance: { type: 'GKV' } };
const duty = { start: '2026-01-09T19:00', end: '2026-01-10T07:00' };
const kase = { patient, services: [{ gop: '01212', date: '2026-01-09', time: '21:30' }] };
const schemas = { 'case-edit': caseEditContextSchema, 'case-sign': caseSignContextSchema } as const;

const kit = createPvsKit();

/** The paths a kit names when it refuses `input` as the hook's context (as hosts see them). */
async function pathsOf(hook: keyof typeof schemas, input: unknown): Promise<string[]> {
  try {
    await kit.callHook(hook, input as never);
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).issues.map((i) => formatJsonPath(i.path));
  }
}

describe('billing hooks', () => {
  it('are defined when the package is loaded', () => {
    expect(isHookName('case-edit')).toBe(true);
    expect(isHookName('case-sign')).toBe(true);
    expect(hookDefinition('case-edit')).toBe(caseEditHook);
    expect(hookDefinition('case-sign')).toBe(caseSignHook);
    expect(caseEditHook).toMatchObject({ version: '1.0', context: caseEditContextSchema });
    expect(caseSignHook.timeoutMs).toBeUndefined();
  });

  it.each(['case-edit', 'case-sign'] as const)('%s: a case or a bundle, not both, with deep paths', async (hook) => {
    expect(await pathsOf(hook, { case: kase })).toEqual([]);
    expect(await pathsOf(hook, { bundle: { duty, cases: [kase] } })).toEqual([]);
    expect(await pathsOf(hook, { case: { ...kase, region: 'XX' } })).toEqual(['$.case.region']);
    expect(await pathsOf(hook, { bundle: { duty: { ...duty, end: '2026-01-09T18:00' }, cases: [] } })).toEqual(['$.bundle.duty.end']);
    expect(await pathsOf(hook, { bundle: { duty, cases: [{ ...kase, duty }] } })).toEqual(['$.bundle.cases[0].duty']);
    expect((await pathsOf(hook, { case: kase, bundle: { duty, cases: [] } })).length).toBeGreaterThan(0);
    expect((await pathsOf(hook, {})).length).toBeGreaterThan(0);
  });

  it('case-edit: fills case defaults', () => {
    const ctx = caseEditContextSchema.parse({ case: kase });
    expect('case' in ctx && ctx.case.region).toBe('BW');
    expect('case' in ctx && ctx.case.services[0]?.mode).toBe('personal');
  });

  test.prop([fc.constantFrom('case-edit' as const, 'case-sign' as const), fc.jsonValue()])(
    'any JSON input yields a context or issues with path segments, nothing else',
    (hook, input) => {
      const result = schemas[hook].safeParse(input);
      if (!result.success) {
        expect(result.error.issues.length).toBeGreaterThan(0);
        for (const issue of result.error.issues) expect(issue.path.every((key) => typeof key === 'string' || typeof key === 'number')).toBe(true);
      }
    },
  );

  it.each(['case-edit', 'case-sign'] as const)('%s: has a JSON Schema for hosts in other languages', (hook) => {
    const schema = z.toJSONSchema(schemas[hook], { io: 'input', unrepresentable: 'any' });
    expect(schema).toHaveProperty('$schema');
    expect(JSON.stringify(schema)).toContain('patient');
  });
});
