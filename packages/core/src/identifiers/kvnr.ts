/**
 * KVNR (unveränderbarer Teil der Krankenversichertennummer, "Versicherten-ID", eGK): one capital letter,
 * eight digits, one check digit. Source: docs/kvdt.md "Identifiers" (GKV-Spitzenverband Richtlinie § 290 SGB V).
 */
import { PvsKitError } from '../errors.js';
import type { IdentifierCheck } from './result.js';
import { digitSum, fail, pass, shown } from './result.js';

/**
 * Check digit (10th character) of a KVNR from its first nine characters (letter + 8 digits): the letter
 * becomes two digits (A = 01 … Z = 26), the resulting ten digits are weighted 1, 2, 1, 2, …, the digit sums
 * of the products are added, check = sum mod 10.
 * @throws PvsKitError `IDENTIFIER` when `first9` is not a capital letter plus eight digits.
 */
export function kvnrCheckDigit(first9: string): number {
  if (!/^[A-Z]\d{8}$/.test(first9)) {
    throw new PvsKitError('IDENTIFIER', `kvnrCheckDigit needs a capital letter and 8 digits, got ${shown(first9)}`, {
      userMessage: 'Für die KVNR-Prüfziffer werden ein Großbuchstabe und 8 Ziffern benötigt.',
    });
  }
  const letter = first9.charCodeAt(0) - 64;
  const digits = `${String(letter).padStart(2, '0')}${first9.slice(1)}`;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += digitSum(Number(digits[i]) * (i % 2 === 0 ? 1 : 2));
  return sum % 10;
}

/** Checks shape (`[A-Z]\d{9}`) and check digit of a KVNR (eGK Versicherten-ID, KVDT field 3119). */
export function checkKvnr(v: string): IdentifierCheck {
  if (!/^[A-Z]\d{9}$/.test(v)) {
    return fail(
      'ID-KVNR',
      `KVNR must be a capital letter followed by 9 digits, got ${shown(v)}`,
      `Die Versichertennummer (KVNR) muss aus einem Großbuchstaben und 9 Ziffern bestehen (${shown(v)}).`,
    );
  }
  const expected = kvnrCheckDigit(v.slice(0, 9));
  if (Number(v[9]) !== expected) {
    return fail(
      'ID-KVNR',
      `KVNR ${v}: check digit (10th character) is ${v[9]}, expected ${expected}`,
      `KVNR ${v}: Die Prüfziffer (10. Stelle) ist ${v[9]}, erwartet ${expected}.`,
    );
  }
  return pass(v);
}
