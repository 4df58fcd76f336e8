import { fc, test } from '@fast-check/vitest';
import { createPvsKit, formatJsonPath, hookDefinition, isHookName, ValidationError } from '@pvskit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { appointmentBookContextSchema, appointmentBookHook } from './hooks.js';

const patient = { lastName: 'Muster', firstName: 'Erika', birthDate: '1950-03-01', insurance: { type: 'GKV' } };
const base = { patient, slot: { start: '2026-01-12T09:00', durationMinutes: 15 } };
const kit = createPvsKit();

/** The paths a kit names when it refuses `input` as the context of appointment-book (as hosts see them). */
async function pathsOf(input: unknown): Promise<string[]> {
  try {
    await kit.callHook('appointment-book', input as never);
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).issues.map((i) => formatJsonPath(i.path));
  }
}

describe('appointment-book hook', () => {
  it('is defined when the package is loaded', () => {
    expect(isHookName('appointment-book')).toBe(true);
    expect(hookDefinition('appointment-book')).toBe(appointmentBookHook);
    expect(appointmentBookHook).toMatchObject({ version: '1.0', context: appointmentBookContextSchema });
  });

  it('slot, kind default, participants 2–9', async () => {
    expect(appointmentBookContextSchema.parse(base).kind).toBe('standard');
    expect(await pathsOf({ ...base, kind: 'conference', participants: 9 })).toEqual([]);
    expect(await pathsOf({ ...base, participants: 10 })).toEqual(['$.participants']);
    expect(await pathsOf({ ...base, participants: 1 })).toEqual(['$.participants']);
    expect(await pathsOf({ ...base, kind: 'group' })).toEqual(['$.kind']);
    expect(await pathsOf({ ...base, slot: { start: '2026-02-30T09:00', durationMinutes: 15 } })).toEqual(['$.slot.start']);
    expect(await pathsOf({ ...base, slot: { ...base.slot, durationMinutes: 4 } })).toEqual(['$.slot.durationMinutes']);
    expect(await pathsOf({ ...base, slot: { ...base.slot, durationMinutes: 241 } })).toEqual(['$.slot.durationMinutes']);
    expect(await pathsOf({ ...base, slot: { ...base.slot, end: 'x' } })).toEqual(['$.slot.end']);
    expect(await pathsOf({ ...base, physician: { lanr: '123456601' }, practice: { bsnr: '721234500' } })).toEqual([]);
  });

  test.prop([fc.integer({ min: -1000, max: 1000 })])('durationMinutes valid iff 5–240', (minutes) => {
    const ok = appointmentBookContextSchema.safeParse({ patient, slot: { start: '2026-01-12T09:00', durationMinutes: minutes } }).success;
    expect(ok).toBe(minutes >= 5 && minutes <= 240);
  });

  it('has a JSON Schema for hosts in other languages', () => {
    const schema = z.toJSONSchema(appointmentBookContextSchema, { io: 'input', unrepresentable: 'any' });
    expect(schema).toHaveProperty('$schema');
    expect(JSON.stringify(schema)).toContain('patient');
  });
});
