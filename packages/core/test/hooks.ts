/**
 * Test hooks for core's own tests. Core defines only `patient-view`; the hooks the host tests exercise belong to
 * billing, video and adapters, which core's tests cannot import. This module defines them under the same names
 * with schemas of the same shape, so the types their packages declare (one program in tsconfig.check.json)
 * describe them too. Import it for its side effect before creating a kit.
 */
import { z } from 'zod';
import { defineHook } from '../src/host/hooks.js';
import { localDateTimeSchema } from '../src/schemas/primitives.js';
import { bundleSchema, caseSchema, patientSchema, physicianSchema, practiceSchema } from '../src/schemas/domain.js';

const caseContextSchema = z.union([z.strictObject({ case: caseSchema }), z.strictObject({ bundle: bundleSchema })]);

export const caseEditContextSchema = caseContextSchema.meta({ id: 'case-edit-context', title: 'Context of the case-edit hook' });
export const caseSignContextSchema = caseContextSchema.meta({ id: 'case-sign-context', title: 'Context of the case-sign hook' });

export const appointmentBookContextSchema = z
  .strictObject({
    patient: patientSchema,
    slot: z.strictObject({ start: localDateTimeSchema, durationMinutes: z.number().int().min(5).max(240) }),
    kind: z.enum(['standard', 'conference']).default('standard'),
    participants: z.number().int().min(2).max(9).optional(),
    physician: physicianSchema.optional(),
    practice: practiceSchema.optional(),
  })
  .meta({ id: 'appointment-book-context', title: 'Context of the appointment-book hook' });

export const billingExportContextSchema = z
  .strictObject({
    items: z.array(z.union([caseSchema, bundleSchema])).min(1),
    quarter: z
      .string()
      .regex(/^[1-4]\d{4}$/, { message: 'expected quarter + year, e.g. 12026' })
      .optional(),
    outDir: z.string().min(1).optional(),
  })
  .meta({ id: 'billing-export-context', title: 'Context of the billing-export hook' });

// Definition order as the packages load in a host: billing, video, adapters.
export const caseEditHook = defineHook('case-edit', { context: caseEditContextSchema, version: '1.0' });
export const caseSignHook = defineHook('case-sign', { context: caseSignContextSchema, version: '1.0' });
export const appointmentBookHook = defineHook('appointment-book', { context: appointmentBookContextSchema, version: '1.0' });
export const billingExportHook = defineHook('billing-export', { context: billingExportContextSchema, version: '1.0', timeoutMs: 60_000 });
