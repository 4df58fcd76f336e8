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

const RULES = new Map<string, FieldRule>();

/** The compiled rule of a field id (an id the table does not list accepts everything, as before). */
export function fieldRule(id: string): FieldRule {
  let rule = RULES.get(id);
  if (rule === undefined) {
    rule = { accepts: compile(KVDT_FIELDS.get(id)), lastAccepted: undefined };
    RULES.set(id, rule);
  }
  return rule;
}
