import type { z } from 'zod';
import type { ValidationIssue } from '../errors.js';
import { ValidationError } from '../errors.js';
import { fastParse } from '../fast-parse.js';
import { toValidationIssues } from '../validate.js';

type Issue = z.core.$ZodIssue;

/*
 * zod reports a failed union as one "Invalid input" at the union's path, which tells a host nothing about
 * e.g. a wrong service inside `{ case }`. Here a failed union is replaced by the issues of the branch that
 * fits the input best: the one with the fewest shape mismatches (unknown or missing keys) near its root.
 */

function isShapeMismatch(issue: Issue): boolean {
  if (issue.code === 'unrecognized_keys') return issue.path.length === 0;
  if (issue.code === 'invalid_type') return issue.path.length <= 1 && issue.input === undefined;
  return issue.code === 'invalid_union' && issue.path.length === 0;
}

function bestBranch(branches: readonly (readonly Issue[])[]): readonly Issue[] | undefined {
  let best: readonly Issue[] | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const branch of branches) {
    // Mismatches weigh more than any number of deeper issues.
    const score = branch.filter(isShapeMismatch).length * 1_000_000 + branch.length;
    if (score < bestScore) {
      best = branch;
      bestScore = score;
    }
  }
  return best;
}

function flatten(issues: readonly Issue[], prefix: readonly PropertyKey[], out: Issue[]): void {
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const branch = bestBranch(issue.errors);
      if (branch !== undefined && branch.length > 0) {
        flatten(branch, path, out);
        continue;
      }
    }
    out.push({ ...issue, path } as Issue);
  }
}

/** Like `toValidationIssues` (issues are path + message only, never the input), but a failed union reports the issues of its best-fitting branch. */
export function unionAwareIssues(error: z.ZodError): ValidationIssue[] {
  const flat: Issue[] = [];
  flatten(error.issues, [], flat);
  return toValidationIssues({ issues: flat } as z.ZodError);
}

/** Parses with `schema`; throws a {@link ValidationError} with union-aware issues. */
export function parseStrict<S extends z.ZodType>(schema: S, input: unknown, subject: string): z.output<S> {
  const fast = fastParse(schema, input);
  if (fast !== undefined) return fast.value;
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  // Parsed again with reportInput only on failure (it slows the happy path): it lets the union heuristic
  // tell a missing key (input undefined) from a wrong value.
  const reported = schema.safeParse(input, { reportInput: true });
  throw new ValidationError(subject, unionAwareIssues(reported.error ?? result.error));
}
