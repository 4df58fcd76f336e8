/**
 * IK (Institutionskennzeichen, § 293 SGB V): nine digits — two-digit class, two-digit region, four-digit
 * serial, check digit. Source: docs/kvdt.md "Identifiers" (ARGE IK, Gemeinsames Rundschreiben).
 */
import { PvsKitError } from '../errors.js';
import type { IdentifierCheck } from './result.js';
import { digitSum, fail, pass, shown } from './result.js';

const WEIGHTS = [2, 1, 2, 1, 2, 1] as const;

/**
 * Check digit (9th digit) of an IK from its first eight digits: digits 3–8 weighted 2, 1, 2, 1, 2, 1, digit
 * sums of the products added, check = sum mod 10. Digits 1–2 (class) are not covered.
 * @throws PvsKitError `IDENTIFIER` when `v8` is not eight digits.
 */
export function ikCheckDigit(v8: string): number {
  if (!/^\d{8}$/.test(v8)) {
    throw new PvsKitError('IDENTIFIER', `ikCheckDigit needs eight digits, got ${shown(v8)}`, {
      userMessage: 'Für die IK-Prüfziffer werden acht Ziffern benötigt.',
    });
  }
  let sum = 0;
  for (let i = 0; i < 6; i++) sum += digitSum(Number(v8[i + 2]) * (WEIGHTS[i] as number));
  return sum % 10;
}

/** Checks shape (9 digits) and check digit of an IK (KVDT field 4111). */
export function checkIk(v: string): IdentifierCheck {
  if (!/^\d{9}$/.test(v)) {
    return fail('ID-IK', `IK must be 9 digits, got ${shown(v)}`, `Das Institutionskennzeichen (IK) muss aus 9 Ziffern bestehen (${shown(v)}).`);
  }
  const expected = ikCheckDigit(v.slice(0, 8));
  if (Number(v[8]) !== expected) {
    return fail(
      'ID-IK',
      `IK ${v}: check digit (9th digit) is ${v[8]}, expected ${expected}`,
      `IK ${v}: Die Prüfziffer (9. Stelle) ist ${v[8]}, erwartet ${expected}.`,
    );
  }
  return pass(v);
}
