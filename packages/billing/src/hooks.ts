import { bundleSchema, caseSchema, defineHook } from '@pvskit/core';
import { z } from 'zod';

/**
 * Context of `case-edit` / `case-sign`: either one case or a whole duty bundle (so a plugin can check a duty
 * with all its cases). Exactly one of the two keys.
 */
export const caseContextSchema = z.union([z.strictObject({ case: caseSchema }), z.strictObject({ bundle: bundleSchema })]);

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

declare module '@pvskit/core' {
  interface HookRegistry {
    'case-edit': { context: typeof caseEditContextSchema };
    'case-sign': { context: typeof caseSignContextSchema };
  }
}

/** The billing hooks, defined when this package is loaded. */
export const caseEditHook = defineHook('case-edit', { context: caseEditContextSchema, version: '1.0' });
export const caseSignHook = defineHook('case-sign', { context: caseSignContextSchema, version: '1.0' });
