/**
 * The one way into the case pipeline: a case or a duty bundle is told apart and parsed here, once, and a
 * bundle's cases are made self-contained here. The engine, `complete`, the KVDT writer and the CLI take what
 * this module returns and never look at raw JSON again.
 */
import { bundleSchema, caseSchema, type Bundle, type BundleCase, type Case } from './schemas/domain.js';
import { parseWith } from './validate.js';

/** A parsed input, tagged: one case, or a duty bundle with all its cases. */
export type CaseOrBundle = { readonly kind: 'case'; readonly case: Case } | { readonly kind: 'bundle'; readonly bundle: Bundle };

/** A bundle is the object with `cases`; everything else is judged as a case (and a case has no `cases`). */
function isBundleShaped(input: unknown): boolean {
  return typeof input === 'object' && input !== null && !Array.isArray(input) && 'cases' in input;
}

/**
 * Parses a case or a duty bundle (through the fast path, zod's messages on failure).
 * @throws ValidationError naming every bad path; its subject is `case` or `bundle`.
 */
export function parseCaseOrBundle(input: unknown): CaseOrBundle {
  if (isBundleShaped(input)) return { kind: 'bundle', bundle: parseWith(bundleSchema, input, 'bundle') };
  return { kind: 'case', case: parseWith(caseSchema, input, 'case') };
}

/** A bundle case with the bundle's region, duty, practice, physician and software: a case on its own. */
export function selfContainedCase(bundle: Bundle, c: BundleCase): Case {
  return {
    ...c,
    region: bundle.region,
    duty: bundle.duty,
    ...(bundle.practice === undefined ? {} : { practice: bundle.practice }),
    ...(bundle.physician === undefined ? {} : { physician: bundle.physician }),
    ...(bundle.software === undefined ? {} : { software: bundle.software }),
  };
}

/** The cases of a parsed input, each self-contained (see {@link selfContainedCase}). */
export function casesOf(input: CaseOrBundle): Case[] {
  if (input.kind === 'case') return [input.case];
  return input.bundle.cases.map((c) => selfContainedCase(input.bundle, c));
}

/**
 * A case as it sits in a bundle: what {@link selfContainedCase} took from the bundle left out again (a host
 * that stores bundle cases keeps the completed case this way).
 */
export function bundleCaseOf(c: Case): BundleCase {
  const { duty: _duty, practice: _practice, physician: _physician, software: _software, ...own } = c;
  return own;
}
