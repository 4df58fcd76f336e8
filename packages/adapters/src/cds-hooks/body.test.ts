import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { jsonDepthExceeds, parseJsonBody } from './body.js';

function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (typeof value === 'object' && value !== null) return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

describe('jsonDepthExceeds', () => {
  test.prop([fc.jsonValue({ maxDepth: 12 }), fc.integer({ min: 0, max: 14 })])('agrees with the real nesting depth of any JSON', (value, limit) => {
    const text = JSON.stringify(value);
    expect(jsonDepthExceeds(text, limit)).toBe(depthOf(value) > limit);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthExceeds(JSON.stringify({ a: '[[[[[\\"{{{{' }), 1)).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify([['"]]]]"', [1]]]), 2)).toBe(true);
  });
});

describe('parseJsonBody', () => {
  test.prop([fc.jsonValue({ maxDepth: 8 })])('round-trips any JSON within the depth limit', (value) => {
    expect(parseJsonBody(Buffer.from(JSON.stringify(value)), 64)).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it('refuses 100,000 nested arrays before parsing, and bad UTF-8 and syntax with codes', () => {
    expect(() => parseJsonBody(Buffer.from('['.repeat(100_000) + ']'.repeat(100_000)), 64)).toThrow(/nested deeper than 64/);
    expect(() => parseJsonBody(Buffer.from([0x7b, 0xff, 0x7d]), 64)).toThrow(/UTF-8/);
    expect(() => parseJsonBody(Buffer.from('{"a":}'), 64)).toThrow(/not valid JSON/);
  });
});
