import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { jsonSchemaOf, publishedSchemaNames } from './json-schema.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../test/fixtures/contract/${name}.json`, import.meta.url), 'utf8')) as unknown;

// An independent validator (ajv) checks that the published JSON Schemas accept the contract's examples.
describe('published JSON Schemas', () => {
  const fresh = () => new Ajv2020({ strict: false, allErrors: true });

  it.each(['case', 'bundle', 'finding'] as const)('accepts the contract example for %s', (name) => {
    const validate = fresh().compile(jsonSchemaOf(name));
    const ok = validate(fixture(name));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('rejects an unknown field like the zod schema does', () => {
    const validate = fresh().compile(jsonSchemaOf('case'));
    expect(validate({ ...(fixture('case') as object), gopp: 1 })).toBe(false);
  });

  it('publishes every schema as valid JSON Schema', () => {
    for (const name of publishedSchemaNames) {
      expect(() => fresh().compile(jsonSchemaOf(name))).not.toThrow();
    }
  });
});
