import { z } from 'zod';
import { formatJsonPath, type JsonPath } from '../json-path.js';
import { localDateSchema, localTimeSchema } from './primitives.js';

export const severitySchema = z.enum(['error', 'warning', 'info']);

/** A machine-applicable correction of a case's services. */
export const fixSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('replace'), service: z.number().int().nonnegative(), gop: z.string().min(1) }),
  z.strictObject({
    op: z.literal('add'),
    gop: z.string().min(1),
    date: localDateSchema,
    time: localTimeSchema.optional(),
    count: z.number().int().min(1).max(999).optional(),
    mode: z.enum(['personal', 'video', 'phone']).optional(),
  }),
  z.strictObject({ op: z.literal('remove'), service: z.number().int().nonnegative() }),
  z.strictObject({
    op: z.literal('set-count'),
    service: z.number().int().nonnegative(),
    count: z.number().int().min(1).max(999),
  }),
]);

/**
 * A finding as JSON (the contract's `finding`, what `pvskit check` prints and cards point at): its path
 * formatted as `$.cases[0].services[1]`. In the SDK a {@link Finding} carries the path as segments.
 */
export const findingSchema = z
  .strictObject({
    rule: z.string().min(1),
    severity: severitySchema,
    caseId: z.string().optional(),
    /** Index of the case in the checked bundle (absent for a single case and for findings about the duty). */
    caseIndex: z.number().int().nonnegative().optional(),
    /** Index into the case's `services`. */
    service: z.number().int().nonnegative().optional(),
    gop: z.string().optional(),
    /** German, names the GOP, the date and the reason. */
    message: z.string().min(1),
    fix: fixSchema.optional(),
    /** For file checks (KVDT): 1-based line number and field id. */
    line: z.number().int().positive().optional(),
    field: z.string().optional(),
    /** JSON path of the offending value, when the finding is about input data rather than a service. */
    path: z.string().optional(),
  })
  .meta({ id: 'finding', title: 'Finding' });

export type Severity = z.infer<typeof severitySchema>;
export type Fix = z.infer<typeof fixSchema>;
/** A finding as JSON, see {@link findingSchema}. */
export type FindingJson = z.infer<typeof findingSchema>;

/**
 * One result of a check: a rule that fired, on which case (`caseIndex` in a bundle) and service, with a German
 * message. `path` locates the offending value from the root of the checked case or bundle; hosts format it
 * with {@link findingToJson} where it leaves the program.
 */
export interface Finding extends Omit<FindingJson, 'path'> {
  path?: JsonPath;
}

/** A finding as JSON: its path formatted as `$.cases[0].services[1]`. */
export function findingToJson(finding: Finding): FindingJson {
  const { path, ...rest } = finding;
  return path === undefined ? rest : { ...rest, path: formatJsonPath(path) };
}
