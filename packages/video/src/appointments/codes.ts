import { hmacSha256, randomInt, toHex } from '../base/crypto.js';
import { normaliseAccessCode, splitAccessCode } from '../access-code/access-code.js';

/*
 * Access codes: 9 hex digits (36 bits) from libsodium's CSPRNG, shown as `c3f-e04-d96`; the form and its two
 * parts live in access-code/access-code.ts. The server keeps only HMACs under a key derived from its secret:
 * of the locator (to find the appointment) and, for the doctor code, of the whole code (to issue a doctor
 * ticket). Of a patient code it keeps nothing else: the rest is the PAKE password of the two ends.
 */

export { normaliseAccessCode };

const HEX = '0123456789abcdef';

/** A fresh code `xxx-xxx-xxx`. */
export function generateAccessCode(): string {
  let digits = '';
  for (let i = 0; i < 9; i++) digits += HEX[randomInt(16)];
  return `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6, 9)}`;
}

/** Two codes with distinct locators: one for the doctor, one for the patient. */
export function generateCodePair(): { doctor: string; patient: string } {
  const doctor = generateAccessCode();
  let patient = generateAccessCode();
  while (splitAccessCode(patient).locator === splitAccessCode(doctor).locator) patient = generateAccessCode();
  return { doctor, patient };
}

/** HMAC-SHA256 of a code's locator under the server's code key, hex: how the relay finds an appointment. */
export function locatorMac(codeKey: Uint8Array, locator: string): string {
  return toHex(hmacSha256(codeKey, `pvskit/access-code/v2/locator|${locator}`));
}

/** HMAC-SHA256 of a whole canonical doctor code, hex: the doctor's proof for a ticket. */
export function doctorCodeMac(codeKey: Uint8Array, canonicalCode: string): string {
  return toHex(hmacSha256(codeKey, `pvskit/access-code/v2/doctor|${canonicalCode}`));
}
