/**
 * Strict zod schemas for places where a wrong identifier must reject the input (e.g. configuration of a
 * practice). Case data stays lenient (see schemas/domain.ts): there a bad identifier is a finding.
 */
import { z } from 'zod';
import { checkBsnr } from './bsnr.js';
import { checkGop, checkIcdCode } from './codes.js';
import { checkIk } from './ik.js';
import { checkKvnr } from './kvnr.js';
import { checkLanr } from './lanr.js';
import type { IdentifierCheck, IdentifierRuleId } from './result.js';

/** Every identifier check by its rule id, for validators that work from a field table. */
export const identifierChecks: Readonly<Record<IdentifierRuleId, (v: string) => IdentifierCheck>> = Object.freeze({
  'ID-LANR': checkLanr,
  'ID-BSNR': checkBsnr,
  'ID-KVNR': checkKvnr,
  'ID-IK': checkIk,
  'ID-ICD': checkIcdCode,
  'ID-GOP': checkGop,
});

function strict(check: (v: string) => IdentifierCheck, description: string, example: string) {
  return z
    .string()
    .superRefine((v, ctx) => {
      const r = check(v);
      if (!r.ok) ctx.addIssue({ code: 'custom', message: r.reason, params: { rule: r.rule, reasonDe: r.reasonDe } });
    })
    .meta({ description, examples: [example] });
}

/** LANR with a correct check digit (the substitute 999999900 passes; see `isSubstituteLanr`). */
export const lanrSchema = strict(checkLanr, 'LANR (lebenslange Arztnummer), 9 digits with check digit', '123456601');
/** BSNR with a known KV region code. */
export const bsnrSchema = strict(checkBsnr, 'BSNR (Betriebsstättennummer), 9 digits, KV region in digits 1–2', '521234500');
/** KVNR (eGK Versicherten-ID) with a correct check digit. */
export const kvnrSchema = strict(checkKvnr, 'KVNR (Versicherten-ID), capital letter + 9 digits with check digit', 'A123456780');
/** IK with a correct check digit. */
export const ikSchema = strict(checkIk, 'IK (Institutionskennzeichen), 9 digits with check digit', '108018007');
/** ICD-10-GM code in KVDT shape. */
export const icdCodeSchema = strict(checkIcdCode, 'ICD-10-GM code as in KVDT 6001: ann, ann.n or ann.nn', 'J06.9');
/** GOP: 5 digits and an optional capital letter suffix. */
export const gopSchema = strict(checkGop, 'GOP (Gebührenordnungsposition), 5 digits + optional capital letter', '01210');
