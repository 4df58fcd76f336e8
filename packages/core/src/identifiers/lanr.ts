/**
 * LANR (lebenslange Arztnummer): `nnnnnnmff` — six-digit id, check digit, two-digit specialty group.
 * Source: KBV Datensatzbeschreibung KVDT (Regel 050 and its footnote), docs/kvdt.md "Identifiers".
 */
import { PvsKitError } from '../errors.js';
import type { IdentifierCheck } from './result.js';
import { fail, pass, shown } from './result.js';

const WEIGHTS = [4, 9, 4, 9, 4, 9] as const;

/** Substitute LANR for a doctor without one. Valid only when the user confirmed it for that case. */
export const SUBSTITUTE_LANR = '999999900';
/** Former substitute value; KVDT rejects it in 0212, 4241, 4242, 5099. */
export const OBSOLETE_SUBSTITUTE_LANR = '888888800';
/** Id prefix reserved for the pseudo-LANR of hospital doctors in ASV billing (not a LANR). */
export const ASV_PSEUDO_LANR_PREFIX = '555555';

/**
 * Check digit (7th digit) of a LANR from its first six digits: weights 4, 9, 4, 9, 4, 9,
 * check = (10 − sum mod 10) mod 10.
 * @throws PvsKitError `IDENTIFIER` when `firstSix` is not six digits.
 */
export function lanrCheckDigit(firstSix: string): number {
  if (!/^\d{6}$/.test(firstSix)) {
    throw new PvsKitError('IDENTIFIER', `lanrCheckDigit needs six digits, got ${shown(firstSix)}`, {
      userMessage: 'Für die LANR-Prüfziffer werden sechs Ziffern benötigt.',
    });
  }
  let sum = 0;
  for (let i = 0; i < 6; i++) sum += Number(firstSix[i]) * (WEIGHTS[i] as number);
  return (10 - (sum % 10)) % 10;
}

/**
 * Checks the shape and check digit of a LANR. The substitute `999999900` passes (its check digit is right);
 * use {@link isSubstituteLanr} to require the user's confirmation. The obsolete `888888800` and the ASV
 * pseudo-LANR range `555555…` fail.
 */
export function checkLanr(v: string): IdentifierCheck {
  if (!/^\d{9}$/.test(v)) {
    return fail('ID-LANR', `LANR must be 9 digits, got ${shown(v)}`, `Die LANR muss aus 9 Ziffern bestehen (${shown(v)}).`);
  }
  if (v === OBSOLETE_SUBSTITUTE_LANR) {
    return fail(
      'ID-LANR',
      'LANR 888888800 is an obsolete substitute value and no longer allowed',
      'Die Ersatz-LANR 888888800 ist veraltet und nicht mehr zulässig.',
    );
  }
  if (v.startsWith(ASV_PSEUDO_LANR_PREFIX)) {
    return fail(
      'ID-LANR',
      'LANR ids 555555 are reserved for ASV pseudo-LANRs of hospital doctors',
      'LANR mit 555555 am Anfang sind Pseudo-Arztnummern für Krankenhausärzte in der ASV.',
    );
  }
  const expected = lanrCheckDigit(v.slice(0, 6));
  if (Number(v[6]) !== expected) {
    return fail(
      'ID-LANR',
      `LANR ${v}: check digit (7th digit) is ${v[6]}, expected ${expected}`,
      `LANR ${v}: Die Prüfziffer (7. Stelle) ist ${v[6]}, erwartet ${expected}.`,
    );
  }
  return pass(v);
}

/** True for the substitute LANR `999999900` (doctor without LANR; needs the user's confirmation per case). */
export function isSubstituteLanr(v: string): boolean {
  return v === SUBSTITUTE_LANR;
}
