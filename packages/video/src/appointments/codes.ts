import { hmacSha256, randomInt, toHex } from '../account/crypto.js';

/*
 * Access codes: 9 hex digits (36 bits) from libsodium's CSPRNG, shown as `c3f-e04-d96`. They are online
 * credentials (rate-limited, locked after 10 misses) and PAKE passwords; the server keeps only an HMAC under a
 * key derived from its secret, never the code, never a plain hash.
 */

const HEX = '0123456789abcdef';

/** A fresh code `xxx-xxx-xxx`. */
export function generateAccessCode(): string {
  let digits = '';
  for (let i = 0; i < 9; i++) digits += HEX[randomInt(16)];
  return `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6, 9)}`;
}

/** Two distinct codes: one for the doctor, one for the patient. */
export function generateCodePair(): { doctor: string; patient: string } {
  const doctor = generateAccessCode();
  let patient = generateAccessCode();
  while (patient === doctor) patient = generateAccessCode();
  return { doctor, patient };
}

/**
 * Canonical form of a typed code, or null when it cannot be one: case and blanks/dashes are forgiven
 * (`C3F E04 D96` = `c3f-e04-d96`), anything else is not a code.
 */
export function normaliseAccessCode(typed: string): string | null {
  const digits = typed.toLowerCase().replace(/[\s-]/g, '');
  if (!/^[0-9a-f]{9}$/.test(digits)) return null;
  return `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6, 9)}`;
}

/** HMAC-SHA256 of a canonical code under the server's code key, hex. */
export function accessCodeMac(codeKey: Uint8Array, canonicalCode: string): string {
  return toHex(hmacSha256(codeKey, `pvskit/access-code/v1|${canonicalCode}`));
}
