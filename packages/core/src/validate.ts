import type { z } from 'zod';
import { ValidationError, type ValidationIssue } from './errors.js';
import { fastParse } from './fast-parse.js';
import type { JsonPath } from './json-path.js';

export { formatJsonPath, type JsonPath } from './json-path.js';

/** zod's path as segments; a symbol key (never in JSON input) keeps its description. */
function segmentsOf(path: readonly PropertyKey[]): JsonPath {
  return path.map((key) => (typeof key === 'symbol' ? String(key) : key));
}

/** Flattens zod issues into path + reason pairs; an unknown key becomes one issue per key, at its own path. */
export function toValidationIssues(error: z.ZodError): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({ path: [...segmentsOf(issue.path), key], message: `unknown field "${key}"` });
      }
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      issues.push({ path: segmentsOf(issue.path), message: issue.message });
    } else {
      issues.push({ path: segmentsOf(issue.path), message: issue.message });
    }
  }
  return issues;
}

/**
 * Parses `input` with `schema`. Returns the parsed value, or throws a {@link ValidationError} whose issues
 * name every bad path. Never throws anything else for any JSON input.
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, subject: string): z.output<S> {
  const fast = fastParse(schema, input);
  if (fast !== undefined) return fast.value;
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(subject, toValidationIssues(result.error));
}

/** Like {@link parseWith} but returns a result object instead of throwing. */
export function safeParseWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
): { ok: true; value: z.output<S> } | { ok: false; issues: ValidationIssue[] } {
  const fast = fastParse(schema, input);
  if (fast !== undefined) return { ok: true, value: fast.value };
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, issues: toValidationIssues(result.error) };
}
