/**
 * A faster first pass for zod schemas on the hot paths (every keystroke's `case-edit`, every case of a KVDT
 * export, every CLI line). zod stays the definition and the only source of error messages: this module
 * reads a schema's definition once, builds plain closures for the kinds pvskit's schemas use, and answers
 * only "valid, here is exactly zod's output" or "don't know". On "don't know" (any issue, or a schema kind
 * it does not read) the caller runs zod as before, so messages and paths never change.
 *
 * The output must equal zod's to the key order: defaults filled, unknown keys of a stripping object left
 * out, optional keys present only when the input had them. A property test compares both on random and
 * mutated inputs for every published schema.
 */
import type { z } from 'zod';

/** Returned by a compiled check when the input is not (known to be) valid. */
const REJECT: unique symbol = Symbol('reject');
type Accept = (input: unknown) => unknown;

class Unsupported extends Error {}

interface Def {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  [key: string]: unknown;
}
interface CheckDef {
  check: string;
  [key: string]: unknown;
}
interface Internals {
  def: Def;
  optin?: 'optional' | 'defaulted';
  optout?: 'optional';
}

const internals = (schema: unknown): Internals => (schema as { _zod: Internals })._zod;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One check of a string, number or array value; `undefined` when all pass. */
function compileCheck(def: CheckDef): (value: never) => boolean {
  switch (def.check) {
    case 'min_length': {
      const min = def['minimum'] as number;
      return (v: { length: number }) => v.length >= min;
    }
    case 'max_length': {
      const max = def['maximum'] as number;
      return (v: { length: number }) => v.length <= max;
    }
    case 'string_format': {
      if (def['format'] !== 'regex') throw new Unsupported(`string format ${String(def['format'])}`);
      const pattern = def['pattern'] as RegExp;
      return (v: string) => {
        pattern.lastIndex = 0;
        return pattern.test(v);
      };
    }
    case 'greater_than': {
      const bound = def['value'] as number;
      return def['inclusive'] === true ? (v: number) => v >= bound : (v: number) => v > bound;
    }
    case 'less_than': {
      const bound = def['value'] as number;
      return def['inclusive'] === true ? (v: number) => v <= bound : (v: number) => v < bound;
    }
    case 'number_format':
      if (def['format'] !== 'safeint') throw new Unsupported(`number format ${String(def['format'])}`);
      return (v: number) => Number.isSafeInteger(v);
    case 'custom': {
      const fn = def['fn'];
      // superRefine and check() report their own issues (no predicate to call): left to zod.
      if (typeof fn !== 'function') throw new Unsupported('custom check without predicate');
      // A refinement passes on a truthy answer; a promise (async refinement) is left to zod.
      return (v: never) => {
        const r = fn(v);
        return !(r instanceof Promise) && Boolean(r);
      };
    }
    default:
      throw new Unsupported(`check ${def.check}`);
  }
}

function withChecks(def: Def, parse: Accept): Accept {
  const checks = (def.checks ?? []).map((c) => compileCheck(c._zod.def));
  if (checks.length === 0) return parse;
  return (input) => {
    const value = parse(input);
    if (value === REJECT) return REJECT;
    for (const check of checks) if (!check(value as never)) return REJECT;
    return value;
  };
}

/** How an object key is filled, following zod's rules for optional and defaulted fields. */
type KeyMode = 'required' | 'whenPresent' | 'whenPresentOrDefined' | 'always';

function keyMode(field: Internals): KeyMode {
  if (field.optin === undefined) return 'required';
  if (field.optout === 'optional') return field.optin === 'optional' ? 'whenPresent' : 'whenPresentOrDefined';
  return field.optin === 'defaulted' ? 'always' : 'whenPresentOrDefined';
}

interface Field {
  key: string;
  accept: Accept;
  mode: KeyMode;
}

function compileObject(def: Def): Accept {
  const shape = def['shape'] as Record<string, unknown>;
  const catchall = def['catchall'] as unknown;
  const strict = catchall !== undefined && internals(catchall).def.type === 'never';
  if (catchall !== undefined && !strict) throw new Unsupported('object catchall');
  const keys = Object.keys(shape).filter((k) => k !== '__proto__');
  const fields: Field[] = keys.map((key) => ({ key, accept: compile(shape[key]), mode: keyMode(internals(shape[key])) }));
  const known = new Set(keys);
  return generatedObject(fields, strict, known) ?? interpretedObject(fields, strict, known);
}

/** The object reader as one plain loop over its fields (used where code generation is not allowed). */
function interpretedObject(fields: readonly Field[], strict: boolean, known: ReadonlySet<string>): Accept {
  return (input) => {
    if (!isPlainObject(input)) return REJECT;
    const out: Record<string, unknown> = {};
    for (const { key, accept, mode } of fields) {
      const present = key in input;
      const value = accept(input[key]);
      if (value === REJECT) {
        if (!present && mode === 'whenPresent') continue;
        return REJECT;
      }
      if (mode === 'required') {
        if (!present) return REJECT;
        out[key] = value;
      } else if (mode === 'always' || present || (mode === 'whenPresentOrDefined' && value !== undefined)) {
        out[key] = value;
      }
    }
    // zod looks at every enumerable key (`for … in`), inherited ones included.
    if (strict) for (const key in input) if (!known.has(key)) return REJECT;
    return out;
  };
}

/**
 * The same reader as {@link interpretedObject}, generated with the field names as literals: property reads
 * by a literal name are several times cheaper than by a name held in a variable, and a case has dozens of
 * fields. Like zod's own compiled parser, it needs `new Function`; where that is refused (a strict Content
 * Security Policy) the interpreted reader is used.
 */
function generatedObject(fields: readonly Field[], strict: boolean, known: ReadonlySet<string>): Accept | undefined {
  const lines = [
    'return function (input) {',
    '  if (typeof input !== "object" || input === null || Array.isArray(input)) return REJECT;',
    '  const out = {};',
    '  let given, value;',
  ];
  fields.forEach(({ key, mode }, i) => {
    const k = JSON.stringify(key);
    // A value read as anything but undefined means the key is there (own or inherited, as `in` sees it), so
    // the dearer `in` test runs only for the undefined ones.
    const present = `(given !== undefined || ${k} in input)`;
    lines.push(`  given = input[${k}];`, `  value = accept[${i}](given);`);
    if (mode === 'whenPresent') {
      lines.push(`  if (value === REJECT) { if (${present}) return REJECT; } else if (${present}) out[${k}] = value;`);
    } else if (mode === 'required') {
      lines.push(`  if (value === REJECT || !${present}) return REJECT;`, `  out[${k}] = value;`);
    } else if (mode === 'always') {
      lines.push('  if (value === REJECT) return REJECT;', `  out[${k}] = value;`);
    } else {
      lines.push('  if (value === REJECT) return REJECT;', `  if (value !== undefined || ${present}) out[${k}] = value;`);
    }
  });
  // zod looks at every enumerable key (`for … in`), inherited ones included. Inputs of one source come with
  // their keys in one order, so each key is first compared with the known key seen at its place last time
  // (one comparison of interned strings) before the set is asked.
  if (strict) {
    lines.push(
      '  let place = 0;',
      '  for (const key in input) {',
      '    if (key !== seen[place]) { if (!known.has(key)) return REJECT; seen[place] = key; }',
      '    place++;',
      '  }',
    );
  }
  lines.push('  return out;', '};');
  try {
    // The source holds schema field names (JSON-quoted), never anything of the input.
    const factory = new Function('accept', 'REJECT', 'known', 'seen', lines.join('\n')) as (
      accept: Accept[],
      reject: symbol,
      known: ReadonlySet<string>,
      seen: string[],
    ) => Accept;
    // Only keys that passed `known.has` are ever stored in `seen`; for … in yields each key once, so a
    // place never goes past the number of known keys before an unknown one rejects.
    return factory(
      fields.map((f) => f.accept),
      REJECT,
      known,
      [...known],
    );
  } catch {
    return undefined;
  }
}

function compileUnion(def: Def): Accept {
  // A discriminated union runs the one option its discriminator names; only that option can accept (the
  // others demand another literal), so "first option that accepts" gives the same answer. An exclusive
  // union (exactly one option must match) is left to zod.
  if (def['inclusive'] === false && def['discriminator'] === undefined) throw new Unsupported('exclusive union');
  const options = (def['options'] as unknown[]).map(compile);
  return (input) => {
    for (const option of options) {
      const value = option(input);
      if (value !== REJECT) return value;
    }
    return REJECT;
  };
}

function compileBare(schema: unknown): Accept {
  const zod = internals(schema);
  const def = zod.def;
  switch (def.type) {
    case 'string':
      if (def['coerce'] === true) throw new Unsupported('coerce');
      return (input) => (typeof input === 'string' ? input : REJECT);
    case 'number':
      if (def['coerce'] === true) throw new Unsupported('coerce');
      return (input) => (typeof input === 'number' && Number.isFinite(input) ? input : REJECT);
    case 'boolean':
      if (def['coerce'] === true) throw new Unsupported('coerce');
      return (input) => (typeof input === 'boolean' ? input : REJECT);
    case 'enum': {
      const values = new Set(Object.values(def['entries'] as Record<string, unknown>));
      return (input) => (values.has(input) ? input : REJECT);
    }
    case 'literal': {
      const values = new Set(def['values'] as unknown[]);
      return (input) => (values.has(input) ? input : REJECT);
    }
    case 'unknown':
    case 'any':
      return (input) => input;
    case 'optional': {
      const inner = compile(def['innerType']);
      // An optional around a default fills the default for undefined; otherwise undefined stays undefined.
      if (internals(def['innerType']).optin === 'defaulted') return inner;
      return (input) => (input === undefined ? undefined : inner(input));
    }
    case 'nullable': {
      const inner = compile(def['innerType']);
      return (input) => (input === null ? null : inner(input));
    }
    case 'default': {
      const inner = compile(def['innerType']);
      // `defaultValue` is a getter that hands out a fresh copy each time, as zod does.
      return (input) => {
        if (input === undefined) return def['defaultValue'];
        const value = inner(input);
        return value === undefined ? def['defaultValue'] : value;
      };
    }
    case 'array': {
      const element = compile(def['element']);
      return (input) => {
        if (!Array.isArray(input)) return REJECT;
        const out = new Array<unknown>(input.length);
        for (let i = 0; i < input.length; i++) {
          const value = element(input[i]);
          if (value === REJECT) return REJECT;
          out[i] = value;
        }
        return out;
      };
    }
    case 'object':
      return compileObject(def);
    case 'union':
      return compileUnion(def);
    default:
      throw new Unsupported(`schema type ${def.type}`);
  }
}

const compiled = new WeakMap<object, Accept | null>();
const predicates = new WeakMap<object, (value: unknown) => boolean>();

/**
 * Declares a one-pass predicate with the same verdict as `schema` (type and all its checks) for a leaf
 * schema whose output is its input, e.g. the text and date primitives used dozens of times per case.
 */
export function fastPredicate(schema: z.ZodType, predicate: (value: unknown) => boolean): void {
  predicates.set(schema, predicate);
}

function compile(schema: unknown): Accept {
  const predicate = predicates.get(schema as object);
  if (predicate !== undefined) return (input) => (predicate(input) ? input : REJECT);
  const hit = compiled.get(schema as object);
  if (hit === null) throw new Unsupported('nested');
  if (hit !== undefined) return hit;
  // Recursive schemas (lazy) are not read; mark while compiling so a cycle cannot loop.
  compiled.set(schema as object, null);
  const accept = withChecks(internals(schema).def, compileBare(schema));
  compiled.set(schema as object, accept);
  return accept;
}

const unsupported = new WeakSet<object>();

/**
 * zod's output for `input` when the fast pass can vouch for it, else `undefined` (then parse with zod).
 * Wrapped in an object so a valid `undefined` output is told apart.
 */
export function fastParse<S extends z.ZodType>(schema: S, input: unknown): { value: z.output<S> } | undefined {
  if (unsupported.has(schema)) return undefined;
  let accept: Accept;
  try {
    accept = compile(schema);
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error;
    unsupported.add(schema);
    return undefined;
  }
  const value = accept(input);
  return value === REJECT ? undefined : { value: value as z.output<S> };
}
