/** Shared result shape of the identifier checks. */

/** Rule ids of the identifier checks; findings carry them. */
export type IdentifierRuleId = 'ID-LANR' | 'ID-BSNR' | 'ID-KVNR' | 'ID-IK' | 'ID-ICD' | 'ID-GOP';

/**
 * Outcome of an identifier check: `ok: true` with the checked value, or the rule that failed with an English
 * reason (developers, logs) and a German one (findings shown to practice users).
 */
export type IdentifierCheck =
  | { ok: true; value: string }
  | { ok: false; rule: IdentifierRuleId; reason: string; reasonDe: string };

/** @internal */
export function pass(value: string): IdentifierCheck {
  return { ok: true, value };
}

/** @internal */
export function fail(rule: IdentifierRuleId, reason: string, reasonDe: string): IdentifierCheck {
  return { ok: false, rule, reason, reasonDe };
}

/** Sum of the decimal digits of a small non-negative number (`16` → 7). @internal */
export function digitSum(n: number): number {
  let s = 0;
  for (let v = n; v > 0; v = Math.floor(v / 10)) s += v % 10;
  return s;
}

/** Quoted value for messages; long input is shortened so a finding stays readable. @internal */
export function shown(v: string): string {
  return JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v);
}
