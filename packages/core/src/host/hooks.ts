import { z } from 'zod';
import { bundleSchema, caseSchema, patientSchema, physicianSchema, practiceSchema } from '../schemas/domain.js';
import { localDateTimeSchema } from '../schemas/primitives.js';

/**
 * The hooks a host can call, CDS Hooks style (noun-verb). Adding a hook is an API change; the order here is
 * the order of {@link PvsKit.services} within a plugin.
 */
export const hookNames = ['patient-view', 'case-edit', 'case-sign', 'appointment-book', 'billing-export'] as const;

/** Name of a hook, e.g. `case-edit`. */
export type HookName = (typeof hookNames)[number];

/** True when `value` names a hook of {@link hookNames}. */
export function isHookName(value: unknown): value is HookName {
  return typeof value === 'string' && (hookNames as readonly string[]).includes(value);
}

/** Context of `patient-view`: a patient record was opened. */
export const patientViewContextSchema = z
  .strictObject({
    patient: patientSchema,
    /** The PVS user who opened the record, in the PVS's own id scheme. */
    userId: z.string().min(1).optional(),
  })
  .meta({ id: 'patient-view-context', title: 'Context of the patient-view hook' });

/**
 * Context of `case-edit` / `case-sign`: either one case or a whole duty bundle (so a plugin can check a duty
 * with all its cases). Exactly one of the two keys.
 */
export const caseContextSchema = z.union([
  z.strictObject({ case: caseSchema }),
  z.strictObject({ bundle: bundleSchema }),
]);

/** Context of `case-edit`: a Notfalldienst case changed while being typed in. */
export const caseEditContextSchema = caseContextSchema.meta({
  id: 'case-edit-context',
  title: 'Context of the case-edit hook',
});

/** Context of `case-sign`: a case (or a duty) was closed. */
export const caseSignContextSchema = caseContextSchema.meta({
  id: 'case-sign-context',
  title: 'Context of the case-sign hook',
});

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

/** Context of `billing-export`: cases or duty bundles to bill, e.g. a quarter's KVDT file. */
export const billingExportContextSchema = z
  .strictObject({
    items: z.array(z.union([caseSchema, bundleSchema])).min(1),
    /** Billing quarter as KVDT writes it: quarter digit + year, e.g. `12026` for Q1/2026. */
    quarter: z
      .string()
      .regex(/^[1-4]\d{4}$/, { message: 'expected quarter + year, e.g. 12026' })
      .optional(),
    /**
     * Where below the export plugin's configured directory to write (relative to it, or absolute inside it); the
     * plugin refuses anything outside. Only the host sets it: the CDS Hooks service refuses it from remote callers.
     */
    outDir: z.string().min(1).optional(),
  })
  .meta({ id: 'billing-export-context', title: 'Context of the billing-export hook' });

/** The zod schema of each hook's context; the host validates every call's context with it. */
export const hookContextSchemas = {
  'patient-view': patientViewContextSchema,
  'case-edit': caseEditContextSchema,
  'case-sign': caseSignContextSchema,
  'appointment-book': appointmentBookContextSchema,
  'billing-export': billingExportContextSchema,
} as const satisfies { [H in HookName]: z.ZodType };

/** A hook's context as plugins receive it: validated, defaults filled in, deeply frozen. */
export type HookContext<H extends HookName> = z.output<(typeof hookContextSchemas)[H]>;

/** A hook's context as a host passes it to {@link PvsKit.callHook}: defaults optional. */
export type HookContextInput<H extends HookName> = z.input<(typeof hookContextSchemas)[H]>;

/**
 * What a hook's plugins return besides cards (`data`), by hook name. Empty in core: the package that owns a
 * hook's answer declares it by declaration merging, and hosts then read `data` typed, without a cast:
 *
 * ```ts
 * declare module '@pvskit/core' {
 *   interface HookDataRegistry {
 *     'billing-export': KvdtExportData;
 *   }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface HookDataRegistry {}

/** The `data` of hook `H`'s answers: as declared in {@link HookDataRegistry}, else unknown. */
export type HookData<H extends HookName> = H extends keyof HookDataRegistry ? HookDataRegistry[H] : unknown;
