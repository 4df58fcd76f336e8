import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { cdsRequestSchema, readCdsRequest } from './schemas.js';

const anyJson = fc.jsonValue({ maxDepth: 2 });
/** Strings around the length limits (empty, 1, 128, 129). */
const text = fc.oneof(fc.constantFrom('', 'x', 'u'.repeat(128), 'u'.repeat(129)), fc.string({ maxLength: 140 }));
const record = fc.dictionary(fc.string({ maxLength: 5 }), anyJson, { maxKeys: 3 });
/** A field's value: mostly of its type, sometimes anything else. */
const field = (valid: fc.Arbitrary<unknown>) => fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: anyJson });

const envelope = fc.record(
  {
    hook: field(text),
    hookInstance: field(text),
    fhirServer: field(text),
    fhirAuthorization: field(record),
    prefetch: field(record),
    context: field(record),
    extra: anyJson,
  },
  { requiredKeys: [] },
);

describe('readCdsRequest', () => {
  test.prop([fc.oneof({ weight: 9, arbitrary: envelope }, { weight: 1, arbitrary: anyJson })], { numRuns: 5000 })(
    'accepts exactly what cdsRequestSchema accepts, with the same values (parsed JSON, so no undefined fields)',
    (value) => {
      const body = JSON.parse(JSON.stringify(value)) as unknown;
      const zod = cdsRequestSchema.safeParse(body);
      const fast = readCdsRequest(body);
      expect(fast !== undefined).toBe(zod.success);
      if (fast !== undefined) expect(fast).toEqual(zod.data);
    },
  );

  it('accepts a plain call and refuses an own __proto__ key like zod', () => {
    const valid = { hook: 'case-edit', hookInstance: 'h-1', context: { case: {} } };
    expect(readCdsRequest(valid)).toEqual(cdsRequestSchema.parse(valid));
    const polluted = JSON.parse('{"hook":"case-edit","hookInstance":"h-1","context":{},"__proto__":{"x":1}}') as unknown;
    expect(cdsRequestSchema.safeParse(polluted).success).toBe(false);
    expect(readCdsRequest(polluted)).toBeUndefined();
  });
});
