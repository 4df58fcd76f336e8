/*
 * The one definition of an access code's form (browser-safe: no imports).
 *
 * A code is nine hex digits shown as `c3f-e04-d96` (36 bits). It has two parts with two jobs:
 * - the locator, the first four digits (16 bits): sent to the signaling relay's `/redeem` to find the
 *   appointment. The relay learns it; it is unique among live codes and no secret.
 * - the PAKE secret, the last five digits (20 bits): never leaves the phone or the doctor's client; it is the
 *   CPace password. Nobody but the two ends can test a guess, and only online (one guess per handshake that
 *   the doctor's client counts).
 * The doctor code has the same form; its secret part proves the doctor to the relay (it is no E2E key).
 */

/** Digits of a whole code. */
export const ACCESS_CODE_DIGITS = 9;
/** Leading digits that locate the appointment at the relay. */
export const LOCATOR_DIGITS = 4;

const compact = (typed: string): string => typed.toLowerCase().replace(/[\s-]/g, '');

/**
 * Canonical form of a typed code, or null when it cannot be one: case and blanks/dashes are forgiven
 * (`C3F E04 D96` = `c3f-e04-d96`), anything else is not a code.
 */
export function normaliseAccessCode(typed: string): string | null {
  const digits = compact(typed);
  if (!/^[0-9a-f]{9}$/.test(digits)) return null;
  return `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6, 9)}`;
}

/** The locator alone (`c3fe`), from a typed locator or a whole code; null when it is neither. */
export function normaliseLocator(typed: string): string | null {
  const digits = compact(typed);
  if (/^[0-9a-f]{4}$/.test(digits)) return digits;
  const whole = normaliseAccessCode(typed);
  return whole === null ? null : splitAccessCode(whole).locator;
}

/** The two parts of a canonical code: `locator` for the relay, `secret` for CPace only. */
export function splitAccessCode(canonical: string): { locator: string; secret: string } {
  const digits = compact(canonical);
  return { locator: digits.slice(0, LOCATOR_DIGITS), secret: digits.slice(LOCATOR_DIGITS) };
}
