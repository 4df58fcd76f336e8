import { bundleSchema, caseSchema, defineHook } from '@pvskit/core';
import { z } from 'zod';

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

declare module '@pvskit/core' {
  interface HookRegistry {
    'billing-export': { context: typeof billingExportContextSchema };
  }
}

/**
 * The export hook, defined when this package is loaded. An export blocks no typing, and a quarter's KVDT file
 * takes longer than the default 500 ms: 60 s unless the host sets a budget.
 */
export const billingExportHook = defineHook('billing-export', {
  context: billingExportContextSchema,
  version: '1.0',
  timeoutMs: 60_000,
});
