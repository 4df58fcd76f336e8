import { fc, test } from '@fast-check/vitest';
import { createPvsKit, formatJsonPath, hookDefinition, isHookName, ValidationError } from '@pvskit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { billingExportContextSchema, billingExportHook } from './hooks.js';

const patient = { lastName: 'Muster', firstName: 'Erika', birthDate: '1950-03-01', insurance: { type: 'GKV' } };
const duty = { start: '2026-01-09T19:00', end: '2026-01-10T07:00' };
const kase = { patient, services: [{ gop: '01212', date: '2026-01-09', time: '21:30' }] };
const kit = createPvsKit();

/** The paths a kit names when it refuses `input` as the context of billing-export (as hosts see them). */
async function pathsOf(input: unknown): Promise<string[]> {
  try {
    await kit.callHook('billing-export', input as never);
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).issues.map((i) => formatJsonPath(i.path));
  }
}

const quarterOk = (quarter: string): boolean => billingExportContextSchema.safeParse({ items: [kase], quarter }).success;

describe('billing-export hook', () => {
  it('is defined when the package is loaded, with a 60 s budget', () => {
    expect(isHookName('billing-export')).toBe(true);
    expect(hookDefinition('billing-export')).toBe(billingExportHook);
    expect(billingExportHook).toMatchObject({ version: '1.0', timeoutMs: 60_000, context: billingExportContextSchema });
  });

  it('at least one case or bundle, quarter as qyyyy', async () => {
    expect(await pathsOf({ items: [kase, { duty, cases: [kase] }], quarter: '12026', outDir: '/tmp/x' })).toEqual([]);
    expect(await pathsOf({ items: [] })).toEqual(['$.items']);
    expect(await pathsOf({ items: [kase], quarter: '52026' })).toEqual(['$.quarter']);
    expect(await pathsOf({ items: [kase], quarter: '2026-1' })).toEqual(['$.quarter']);
    expect(await pathsOf({ items: [kase, { ...kase, services: [{ gop: '01212' }] }] })).toEqual(['$.items[1].services[0].date']);
    expect(await pathsOf({ items: [{ duty, cases: [{ ...kase, patient: {} }] }] })).toContain('$.items[0].cases[0].patient.lastName');
  });

  test.prop([fc.stringMatching(/^[1-4]\d{4}$/)])('accepts every quarter q + yyyy', (quarter) => {
    expect(quarterOk(quarter)).toBe(true);
  });

  test.prop([fc.string().filter((s) => !/^[1-4]\d{4}$/.test(s))])('refuses any other quarter', (quarter) => {
    expect(quarterOk(quarter)).toBe(false);
  });

  it('has a JSON Schema for hosts in other languages', () => {
    const schema = z.toJSONSchema(billingExportContextSchema, { io: 'input', unrepresentable: 'any' });
    expect(schema).toHaveProperty('$schema');
    expect(JSON.stringify(schema)).toContain('patient');
  });
});
