/**
 * The field table (`KVDT_FIELDS`) compiled for the writer's hot path: per field id one yes/no test of a
 * value's format and length. Only "yes" is answered here; on "no" the writer asks `formatProblem` and the
 * length rule again for the message, so messages come from one place and this module adds no rule of its own.
 */
import { formatProblem, KVDT_FIELDS, type KvdtFieldDefinition } from './field-table.js';

/** A field's compiled test. */
export interface FieldRule {
  /** True when `value` (already trimmed, one byte per character) has the field's format and length. */
  readonly accepts: (value: string) => boolean;
  /**
   * The last value accepted. Values repeat from case to case (BSNR, LANR, IK, GOPs, Kasse): an identical
   * string needs no second test.
   */
  lastAccepted: string | undefined;
  /** The whole line (length, id, content, CR LF) of `lastAccepted` once it came twice: copied as it is. */
  lastLine: Uint8Array | undefined;
}

function compile(def: KvdtFieldDefinition | undefined): (value: string) => boolean {
  if (def === undefined) return () => true;
  const max = def.maxBytes ?? Infinity;
  const f = def.format;
  switch (f.kind) {
    case 'text':
      return (v) => v.length <= max;
    case 'pattern': {
      const pattern = f.pattern;
      return (v) => v.length <= max && pattern.test(v);
    }
    default:
      return (v) => v.length <= max && formatProblem(def, v) === undefined;
  }
}

// By the field id's number (ids are four digits): an array index is cheaper than a map lookup, and every
// field of every case asks.
const RULES: (FieldRule | undefined)[] = Array.from({ length: 10_000 }, () => undefined);

const idNumber = (id: string): number =>
  (id.charCodeAt(0) - 0x30) * 1000 + (id.charCodeAt(1) - 0x30) * 100 + (id.charCodeAt(2) - 0x30) * 10 + (id.charCodeAt(3) - 0x30);

/** The compiled rule of a field id (an id the table does not list accepts everything, as before). */
export function fieldRule(id: string): FieldRule {
  const n = id.length === 4 ? idNumber(id) : -1;
  let rule = n >= 0 && n < 10_000 ? RULES[n] : undefined;
  if (rule === undefined) {
    rule = { accepts: compile(KVDT_FIELDS.get(id)), lastAccepted: undefined, lastLine: undefined };
    // Only real four-digit ids are remembered; anything else is compiled afresh (never on the hot path).
    if (n >= 0 && n < 10_000 && /^\d{4}$/.test(id)) RULES[n] = rule;
  }
  return rule;
}
