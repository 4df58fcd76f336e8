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

/** Remembered values per field (a power of two): a quarter's service days, a file's GOPs and codes fit. */
const SLOTS = 1024;

/** Everything checked for one field id. */
export class FieldCheck {
  /** Satzarten that must not carry the field. */
  readonly forbiddenIn: readonly string[];
  /** Content longer than this is a finding (`Infinity` when the field has no maximum). */
  readonly maxBytes: number;
  /** Whether the content needs a verdict at all (free text has none: only its length and edges count). */
  readonly judged: boolean;
  // The same values repeat on every case (the practice's BSNR and LANR, service days, GOPs): verdicts are
  // remembered per value in a table indexed by a hash of the content's bytes, which is compared in place, so
  // a value seen before is neither cut out of the line nor checked again. A new value takes its slot over:
  // memory stays bounded whatever the file holds.
  private readonly slotValues: (string | undefined)[];
  private readonly slotVerdicts: (FieldVerdict | undefined)[];
  private lastValue: string | undefined;
  private lastVerdict: FieldVerdict | undefined;

  constructor(
    readonly id: string,
    readonly def: KvdtFieldDefinition | undefined,
    private readonly identifier: ((v: string) => IdentifierCheck) | undefined,
  ) {
    this.forbiddenIn = Object.entries(KVDT_FORBIDDEN_FIELDS).flatMap(([satzart, fields]) => (fields.includes(id) ? [satzart] : []));
    this.maxBytes = def?.maxBytes ?? Infinity;
    this.judged = identifier !== undefined || (def !== undefined && def.format.kind !== 'text');
    const slots = this.judged ? SLOTS : 0;
    this.slotValues = new Array<string | undefined>(slots).fill(undefined);
    this.slotVerdicts = new Array<FieldVerdict | undefined>(slots).fill(undefined);
  }

  /** The verdict on the line's content; a remembered value also becomes the line's value (no new string). */
  verdictFor(line: KvdtLine): FieldVerdict {
    // Most fields repeat the previous line's value (the practice's numbers, the case's codes): compared
    // first, without hashing.
    const last = this.lastValue;
    if (last !== undefined && line.contentIs(last)) {
      line.knownValue(last);
      return this.lastVerdict as FieldVerdict;
    }
    const slot = line.contentHash() & (SLOTS - 1);
    const known = this.slotValues[slot];
    let verdict: FieldVerdict;
    let value: string;
    if (known !== undefined && line.contentIs(known)) {
      line.knownValue(known);
      value = known;
      verdict = this.slotVerdicts[slot] as FieldVerdict;
    } else {
      value = line.value();
      verdict = this.verdictOf(value);
      this.slotValues[slot] = value;
      this.slotVerdicts[slot] = verdict;
    }
    this.lastValue = value;
    this.lastVerdict = verdict;
    return verdict;
  }

  /** The verdict on `value`, checked now. */
  verdictOf(value: string): FieldVerdict {
    const def = this.def;
    return {
      identifier: this.identifier?.(value),
      problem: this.identifier === undefined && def !== undefined ? formatProblem(def, value) : undefined,
    };
  }
}

let shared: readonly (FieldCheck | undefined)[] | undefined;

/**
 * Field checks indexed by the field id as a number (0–9999); `undefined` for ids without any rule. One table
 * per process: verdicts depend on the value alone, so validators share what they remembered.
 */
export function fieldChecks(): readonly (FieldCheck | undefined)[] {
  if (shared === undefined) {
    const ids = new Set([...IDENTIFIER_FIELDS.keys(), ...KVDT_FIELDS.keys(), ...Object.values(KVDT_FORBIDDEN_FIELDS).flat()]);
    const checks = new Array<FieldCheck | undefined>(10_000).fill(undefined);
    for (const id of ids) checks[Number(id)] = new FieldCheck(id, KVDT_FIELDS.get(id), IDENTIFIER_FIELDS.get(id));
    shared = checks;
  }
  return shared;
}
