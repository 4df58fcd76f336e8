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
    expect(jsonDepthExceeds(Buffer.from(text), limit)).toBe(depthOf(value) > limit);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthExceeds(Buffer.from(JSON.stringify({ a: '[[[[[\\"{{{{' })), 1)).toBe(false);
    expect(jsonDepthExceeds(Buffer.from(JSON.stringify([['"]]]]"', [1]]])), 2)).toBe(true);
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

/** What parseJsonBody answered before it read bytes: a fatal TextDecoder, a depth scan of the text, JSON.parse. */
function decodedThenParsed(bytes: Uint8Array, maxDepth: number): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'INVALID_JSON';
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      if (++depth > maxDepth) return 'TOO_DEEP';
    } else if (c === ']' || c === '}') depth--;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return 'INVALID_JSON';
  }
}

function outcome(bytes: Uint8Array, maxDepth: number): unknown {
  try {
    return parseJsonBody(Buffer.from(bytes), maxDepth);
  } catch (error) {
    return (error as { code: string }).code;
  }
}

const BOM = [0xef, 0xbb, 0xbf];

describe('parseJsonBody on bytes answers like decoding with a fatal TextDecoder first', () => {
  test.prop([fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 0, max: 3 })], { numRuns: 3000 })('random bytes', (bytes, depth) => {
    expect(outcome(bytes, depth)).toEqual(decodedThenParsed(bytes, depth));
  });

  test.prop([fc.jsonValue({ maxDepth: 6, stringUnit: 'binary' }), fc.constantFrom(0, 1, 2), fc.integer({ min: 0, max: 7 })])(
    'any JSON with any Unicode, behind none, one or two BOMs',
    (value, boms, depth) => {
      const bytes = Buffer.concat([Buffer.from(Array.from({ length: boms }, () => BOM).flat()), Buffer.from(JSON.stringify(value))]);
      expect(outcome(bytes, depth)).toEqual(decodedThenParsed(bytes, depth));
    },
  );
});
