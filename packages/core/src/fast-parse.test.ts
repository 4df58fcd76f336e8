import { readFileSync } from 'node:fs';
import { describe, expect, vi } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import type { z } from 'zod';
import { fastParse } from './fast-parse.js';
import { patientViewContextSchema } from './host/hooks.js';
// Same-shaped copies of the feature packages' hook schemas: rich unions and defaults for fastParse to match.
import { appointmentBookContextSchema, billingExportContextSchema, caseEditContextSchema } from '../test/hooks.js';
import { cardSchema, feedbackSchema } from './schemas/card.js';
import { bundleSchema, caseSchema } from './schemas/domain.js';
import { findingSchema } from './schemas/finding.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../test/fixtures/contract/${name}.json`, import.meta.url), 'utf8')) as unknown;
const contractCase = fixture('case') as Record<string, unknown>;
const contractBundle = fixture('bundle');

const card = {
  uuid: 'c-1',
  summary: '01210 zur Unzeit',
  indicator: 'warning',
  source: { label: 'pvskit', topic: { system: 'https://pvskit.de/rules', code: 'NFD-TIME-BAND' } },
  suggestions: [{ label: '01212 abrechnen', uuid: 's-1', actions: [{ type: 'update', description: 'GOP ersetzen' }] }],
  links: [{ label: 'EBM', url: 'https://example.org', type: 'absolute' }],
};

/** Schemas with valid examples: mutations of these reach the interesting edges (one wrong value deep inside). */
const subjects: { name: string; schema: z.ZodType; valid: unknown[] }[] = [
  { name: 'case', schema: caseSchema, valid: [contractCase, { patient: contractCase['patient'] }] },
  { name: 'bundle', schema: bundleSchema, valid: [contractBundle] },
  { name: 'case-edit context', schema: caseEditContextSchema, valid: [{ case: contractCase }, { bundle: contractBundle }] },
  { name: 'billing-export context', schema: billingExportContextSchema, valid: [{ items: [contractCase, contractBundle] }] },
  { name: 'patient-view context', schema: patientViewContextSchema, valid: [{ patient: contractCase['patient'], userId: 'u-1' }] },
  {
    name: 'appointment-book context',
    schema: appointmentBookContextSchema,
    valid: [{ patient: contractCase['patient'], slot: { start: '2026-01-09T20:00', durationMinutes: 15 }, participants: 3 }],
  },
  { name: 'finding', schema: findingSchema, valid: [fixture('finding')] },
  { name: 'card', schema: cardSchema, valid: [card] },
  { name: 'feedback', schema: feedbackSchema, valid: [{ card: 'c-1', outcome: 'accepted', acceptedSuggestions: [{ id: 's-1' }], outcomeTimestamp: '2026-01-09T21:30:00Z' }] },
];

/** JSON with key order and `undefined` values kept visible, so "equal" means equal to the key. */
function exact(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v === undefined ? '\u0000undefined' : v));
}

const odd = fc.oneof(
  fc.constantFrom(undefined, null, '', ' x', 'x ', 'a\nb', -1, 0, 1.5, 1e21, Number.NaN, Number.POSITIVE_INFINITY, true, [], {}, '2026-02-30', '25:00', 'Z', 'zz'),
  fc.jsonValue({ maxDepth: 2 }),
);

type Path = (string | number)[];

function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

/** A copy of `value` with one change at `path`: replaced, removed, or an extra key / element beside it. */
function mutate(value: unknown, path: Path, how: number, replacement: unknown): unknown {
  if (path.length === 0) {
    if (how === 0) return replacement;
    if (Array.isArray(value)) return how === 1 ? [...value, ...value] : [];
    if (typeof value === 'object' && value !== null) return how === 1 ? { ...value, extra: replacement } : Object.create(value) as unknown;
    return replacement;
  }
  const [head, ...rest] = path as [string | number, ...Path];
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && how === 2) copy.splice(head as number, 1);
    else copy[head as number] = mutate(copy[head as number], rest, how, replacement);
    return copy;
  }
  const copy = { ...(value as Record<string, unknown>) };
  if (rest.length === 0 && how === 2) delete copy[head];
  else copy[head] = mutate(copy[head], rest, how, replacement);
  return copy;
}

function compare(schema: z.ZodType, input: unknown, parse: typeof fastParse = fastParse): boolean {
  const fast = parse(schema, input);
  const zod = schema.safeParse(input);
  if (fast !== undefined) {
    // Whatever the fast pass accepts, zod accepts, with the same output.
    expect(zod.success).toBe(true);
    expect(exact(fast.value)).toBe(exact(zod.data));
  }
  return fast !== undefined;
}

describe('fastParse agrees with zod', () => {
  for (const { name, schema, valid } of subjects) {
    fcTest.prop([fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 3 }), odd), { minLength: 1, maxLength: 3 })], { numRuns: 400 })(
      `${name}: mutated valid inputs`,
      (pick, edits) => {
        let input = valid[pick % valid.length];
        for (const [at, how, replacement] of edits) {
          const paths = pathsOf(input);
          input = mutate(input, paths[at % paths.length] ?? [], how, replacement);
        }
        compare(schema, input);
      },
    );
  }

  fcTest.prop([fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 3 }), odd), { minLength: 1, maxLength: 3 })], { numRuns: 300 })(
    'where new Function is refused (strict CSP), the interpreted readers agree too',
    async (pick, edits) => {
      vi.resetModules();
      vi.stubGlobal('Function', () => {
        throw new EvalError('refused by policy');
      });
      try {
        // A fresh module compiles every schema again, now without code generation.
        const fresh = (await import('./fast-parse.js')).fastParse;
        const { schema, valid } = subjects[pick % 3] as (typeof subjects)[number];
        let input = valid[0];
        expect(compare(schema, input, fresh)).toBe(true);
        for (const [at, how, replacement] of edits) {
          const paths = pathsOf(input);
          input = mutate(input, paths[at % paths.length] ?? [], how, replacement);
        }
        compare(schema, input, fresh);
      } finally {
        vi.unstubAllGlobals();
      }
    },
  );

  fcTest.prop([fc.anything({ maxDepth: 3 })], { numRuns: 300 })('random values', (input) => {
    for (const { schema } of subjects) compare(schema, input);
  });

  fcTest.prop([fc.constant(0)], { numRuns: 1 })('accepts every valid example, with defaults filled like zod', () => {
    for (const { name, schema, valid } of subjects) {
      for (const input of valid) expect({ name, accepted: compare(schema, input) }).toEqual({ name, accepted: true });
    }
  });
});

describe('fastParse key checks remembered from earlier inputs', () => {
  const keys = Object.keys(contractCase);
  const withKeys = (names: readonly string[]): Record<string, unknown> => Object.fromEntries(names.map((k) => [k, contractCase[k === 'unknownField' ? keys[0]! : k]]));

  fcTest.prop([fc.constant(0)], { numRuns: 1 })('an unknown key in any place is refused after valid inputs in another key order', () => {
    expect(compare(caseSchema, contractCase)).toBe(true);
    // Reversed, then each key in turn swapped for an unknown one at its place: zod refuses those, so must the fast pass.
    expect(compare(caseSchema, withKeys([...keys].reverse()))).toBe(true);
    for (let place = 0; place < keys.length; place++) {
      const names = keys.map((k, i) => (i === place ? 'unknownField' : k));
      expect(compare(caseSchema, withKeys(names))).toBe(false);
      expect(compare(caseSchema, contractCase)).toBe(true);
      const inherited = Object.assign(Object.create({ unknownField: 1 }) as Record<string, unknown>, contractCase);
      expect(compare(caseSchema, inherited)).toBe(false);
    }
  });
});
