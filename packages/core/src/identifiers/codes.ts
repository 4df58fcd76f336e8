/** Shapes of ICD-10-GM codes (KVDT field 6001) and EBM/GOP numbers (KVDT field 5001). */
import type { IdentifierCheck } from './result.js';
import { fail, pass, shown } from './result.js';

const ICD_RE = /^[A-Z]\d{2}(\.\d{1,2})?$/;
const GOP_RE = /^\d{5}[A-Z]?$/;

/**
 * Checks the shape of an ICD-10-GM code as KVDT field 6001 takes it: `ann`, `ann.n` or `ann.nn`
 * (e.g. `J06`, `J06.9`, `S52.51`). Only the shape: whether the code exists in the ICD-10-GM of the year
 * is a catalogue question. Markers (`*`, `†`, `!`) and the certainty (6003) are separate fields.
 */
export function checkIcdCode(v: string): IdentifierCheck {
  if (!ICD_RE.test(v)) {
    return fail(
      'ID-ICD',
      `ICD-10-GM code must look like A00, A00.0 or A00.00, got ${shown(v)}`,
      `Der ICD-10-GM-Code muss die Form A00, A00.0 oder A00.00 haben (${shown(v)}).`,
    );
  }
  return pass(v);
}

/**
 * Checks the shape of a GOP (Gebührenordnungsposition): five digits, optionally one capital letter as
 * KV-specific suffix (e.g. `01210`, `01741M`). Only the shape: the EBM catalogue decides whether it exists.
 */
export function checkGop(v: string): IdentifierCheck {
  if (!GOP_RE.test(v)) {
    return fail(
      'ID-GOP',
      `GOP must be 5 digits with an optional capital letter suffix, got ${shown(v)}`,
      `Die GOP muss aus 5 Ziffern und optional einem Großbuchstaben bestehen (${shown(v)}).`,
    );
  }
  return pass(v);
}
