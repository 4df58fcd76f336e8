import { defineHook, localDateTimeSchema, patientSchema, physicianSchema, practiceSchema } from '@pvskit/core';
import { z } from 'zod';

/** Context of `appointment-book`: a (video) appointment is being booked. */
export const appointmentBookContextSchema = z
  .strictObject({
    patient: patientSchema,
    slot: z.strictObject({
      /** Local German wall-clock start, `YYYY-MM-DDTHH:MM`. */
      start: localDateTimeSchema,
      durationMinutes: z.number().int().min(5).max(240),
    }),
    /** `conference`: more than two participants (group therapy). */
    kind: z.enum(['standard', 'conference']).default('standard'),
    /** Participants including the doctor; 2 by default, up to 9 for group therapy (R21). */
    participants: z.number().int().min(2).max(9).optional(),
    physician: physicianSchema.optional(),
    practice: practiceSchema.optional(),
  })
  .meta({ id: 'appointment-book-context', title: 'Context of the appointment-book hook' });

declare module '@pvskit/core' {
  interface HookRegistry {
    'appointment-book': { context: typeof appointmentBookContextSchema };
  }
}

/** The video hook, defined when this package is loaded. */
export const appointmentBookHook = defineHook('appointment-book', { context: appointmentBookContextSchema, version: '1.0' });
