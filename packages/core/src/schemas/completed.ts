import { z } from 'zod';
import { caseSchema } from './domain.js';
import { findingSchema } from './finding.js';

/**
 * What `complete` answers and `pvskit complete` prints: one completed case, or the self-contained cases of a
 * bundle (pseudo cases first), with the findings. Hosts and `pvskit check|kvdt export` read it back as input,
 * so a completed duty goes straight on to the export.
 */
export const completedSchema = z
  .strictObject({
    case: caseSchema.optional(),
    cases: z.array(caseSchema).max(10_000).optional(),
    findings: z.array(findingSchema),
  })
  // One object with a refinement rather than a union, so an invalid case is reported at its own path.
  .refine((v) => (v.case === undefined) !== (v.cases === undefined), { message: 'expected exactly one of "case" and "cases"' })
  .meta({ id: 'completed', title: 'Result of complete: cases with derived services, and findings' });

export type Completed = z.infer<typeof completedSchema>;
