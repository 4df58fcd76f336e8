/**
 * Per field id, everything the validator checks on one line's content, precomputed from the field table
 * (`KVDT_FIELDS`), the identifier checks of `@pvskit/core` and the forbidden fields, in one array indexed
 * by the field id as a number: one array read per line instead of map lookups and closures.
 */
import { checkBsnr, checkGop, checkIcdCode, checkIk, checkKvnr, checkLanr, type IdentifierCheck } from '@pvskit/core';
import { formatProblem, KVDT_FIELDS, type KvdtFieldDefinition } from './field-table.js';
import type { KvdtLine } from './line-scanner.js';
import { KVDT_FORBIDDEN_FIELDS } from './rules.js';

/** Identifier checks by field id. */
const IDENTIFIER_FIELDS: ReadonlyMap<string, (v: string) => IdentifierCheck> = new Map([
  ['0212', checkLanr],
  ['5099', checkLanr],
  ['4242', checkLanr],
  ['0201', checkBsnr],
  ['5098', checkBsnr],
  ['4218', checkBsnr],
  ['3119', checkKvnr],
  ['4111', checkIk],
  ['6001', checkIcdCode],
  ['5001', checkGop],
]);

/** What a value is found to be: the identifier check when the field has one, else the format problem. */
export interface FieldVerdict {
  readonly identifier: IdentifierCheck | undefined;
  /** German reason the format does not fit, or `undefined`. */
  readonly problem: string | undefined;
}

const MAX_REMEMBERED_VERDICTS = 4096;
/** Values compared in place per field: a case's service days, times and GOPs. */
const RECENT = 4;

/** Everything checked for one field id. */
export class FieldCheck {
  /** Satzarten that must not carry the field. */
  readonly forbiddenIn: readonly string[];
  /** Content longer than this is a finding (`Infinity` when the field has no maximum). */
  readonly maxBytes: number;
  /** Whether the content needs a verdict at all (free text has none: only its length and edges count). */
  readonly judged: boolean;
  // The same values repeat on every case (the practice's BSNR and LANR, service days, GOPs): verdicts are
  // remembered per value (bounded), so a file of 100,000 cases runs each check about once per value, and the
  // last few are compared in place, without cutting the value out of the line.
  private readonly verdicts = new Map<string, FieldVerdict>();
  private readonly recentValues: (string | undefined)[] = new Array<string | undefined>(RECENT).fill(undefined);
  private readonly recentVerdicts: (FieldVerdict | undefined)[] = new Array<FieldVerdict | undefined>(RECENT).fill(undefined);
  private nextRecent = 0;

  constructor(
    readonly id: string,
    readonly def: KvdtFieldDefinition | undefined,
    private readonly identifier: ((v: string) => IdentifierCheck) | undefined,
  ) {
    this.forbiddenIn = Object.entries(KVDT_FORBIDDEN_FIELDS).flatMap(([satzart, fields]) => (fields.includes(id) ? [satzart] : []));
    this.maxBytes = def?.maxBytes ?? Infinity;
    this.judged = identifier !== undefined || (def !== undefined && def.format.kind !== 'text');
  }

  /** The verdict on the line's content; a remembered value also becomes the line's value (no new string). */
  verdictFor(line: KvdtLine): FieldVerdict {
    for (let k = 0; k < RECENT; k++) {
      const recent = this.recentValues[k];
      if (recent !== undefined && line.contentIs(recent)) {
        line.knownValue(recent);
        return this.recentVerdicts[k] as FieldVerdict;
      }
    }
    return this.verdictOf(line.value());
  }

  /** The verdict on `value`. */
  verdictOf(value: string): FieldVerdict {
    let verdict = this.verdicts.get(value);
    if (verdict === undefined) {
      const def = this.def;
      verdict = {
        identifier: this.identifier?.(value),
        problem: this.identifier === undefined && def !== undefined ? formatProblem(def, value) : undefined,
      };
      if (this.verdicts.size >= MAX_REMEMBERED_VERDICTS) this.verdicts.clear();
      this.verdicts.set(value, verdict);
    }
    const k = this.nextRecent;
    this.recentValues[k] = value;
    this.recentVerdicts[k] = verdict;
    this.nextRecent = (k + 1) % RECENT;
    return verdict;
  }
}

/** Field checks indexed by the field id as a number (0–9999); `undefined` for ids without any rule. */
export function fieldChecks(): (FieldCheck | undefined)[] {
  const ids = new Set([...IDENTIFIER_FIELDS.keys(), ...KVDT_FIELDS.keys(), ...Object.values(KVDT_FORBIDDEN_FIELDS).flat()]);
  const checks = new Array<FieldCheck | undefined>(10_000).fill(undefined);
  for (const id of ids) checks[Number(id)] = new FieldCheck(id, KVDT_FIELDS.get(id), IDENTIFIER_FIELDS.get(id));
  return checks;
}
