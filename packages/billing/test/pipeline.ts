/*
 * The engine's entry points fed the way a host feeds them: raw JSON parsed once by the core
 * (`parseCaseOrBundle`), then the parsed value handed on. Tests only.
 */
import { parseCaseOrBundle, type BundleInput, type CaseInput } from '@pvskit/core';
import { complete, type CompletedBundle, type CompletedCase, type CompleteOptions } from '../src/complete.js';
import { check, type CheckResult, type EngineOptions } from '../src/engine.js';

/** `check` on raw input. */
export function checkInput(input: unknown, options?: EngineOptions): CheckResult {
  return check(parseCaseOrBundle(input), options);
}

/** `complete` on a raw bundle. */
export function completeBundleInput(input: BundleInput, options?: CompleteOptions): CompletedBundle {
  const parsed = parseCaseOrBundle(input);
  if (parsed.kind !== 'bundle') throw new Error('expected a bundle');
  return complete(parsed, options);
}

/** `complete` on a raw case. */
export function completeCaseInput(input: CaseInput, options?: CompleteOptions): CompletedCase {
  const parsed = parseCaseOrBundle(input);
  if (parsed.kind !== 'case') throw new Error('expected a case');
  return complete(parsed, options);
}
