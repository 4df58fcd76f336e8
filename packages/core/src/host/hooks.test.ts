import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PvsKitError, ValidationError } from '../errors.js';
import { formatJsonPath } from '../json-path.js';
import { defineHook, hookDefinition, hookDefinitions, hookNames, isHookName, patientViewContextSchema, patientViewHook } from './hooks.js';
import { parseStrict } from './issues.js';

const patient = { lastName: 'Muster', firstName: 'Erika', birthDate: '1950-03-01', insurance: { type: 'GKV' } };

function pathsOf(input: unknown): string[] {
  try {
    parseStrict(patientViewContextSchema, input, 'patient-view context');
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).issues.map((i) => formatJsonPath(i.path));
  }
}

describe('hook registry', () => {
  it('core defines only patient-view', () => {
    expect(hookNames()).toEqual(['patient-view']);
    expect(hookDefinitions()).toEqual([patientViewHook]);
    expect(hookDefinition('patient-view')).toBe(patientViewHook);
    expect(patientViewHook).toMatchObject({ name: 'patient-view', version: '1.0' });
    expect(Object.isFrozen(patientViewHook)).toBe(true);
    expect(isHookName('patient-view')).toBe(true);
    expect(isHookName('case-edit')).toBe(false);
    expect(isHookName(42)).toBe(false);
  });

  it('an unknown hook has no definition', () => {
    try {
      hookDefinition('case-view' as never);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PvsKitError);
      expect((e as PvsKitError).code).toBe('HOOK_UNKNOWN');
    }
  });

  it('defining a hook again with the same schema is a no-op; with another schema a conflict', () => {
    expect(defineHook('patient-view', { context: patientViewContextSchema, version: '2.0' })).toBe(patientViewHook);
    try {
      defineHook('patient-view', { context: patientViewContextSchema.extend({}) as never, version: '1.0' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PvsKitError);
      expect((e as PvsKitError).code).toBe('CONFLICT');
    }
    expect(hookNames()).toEqual(['patient-view']);
  });
});

describe('patient-view context schema', () => {
  it('patient with optional userId, nothing else', () => {
    expect(pathsOf({ patient })).toEqual([]);
    expect(pathsOf({ patient, userId: 'dr-1' })).toEqual([]);
    expect(pathsOf({ patient, user: 'x' })).toEqual(['$.user']);
    expect(pathsOf({})).toEqual(['$.patient']);
  });

  test.prop([fc.jsonValue()])('any JSON input yields a context or a ValidationError with path segments, nothing else', (input) => {
    try {
      parseStrict(patientViewContextSchema, input, 'ctx');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      const issues = (e as ValidationError).issues;
      expect(issues.length).toBeGreaterThan(0);
      for (const issue of issues) expect(issue.path.every((key) => typeof key === 'string' || typeof key === 'number')).toBe(true);
    }
  });

  it('has a JSON Schema for hosts in other languages', () => {
    const schema = z.toJSONSchema(patientViewContextSchema, { io: 'input', unrepresentable: 'any' });
    expect(schema).toHaveProperty('$schema');
    expect(JSON.stringify(schema)).toContain('patient');
  });
});
