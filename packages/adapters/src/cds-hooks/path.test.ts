import { describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import { pathOf } from './handler.js';

const urlPathname = (target: string): string | undefined => {
  try {
    return new URL(target, 'http://localhost').pathname;
  } catch {
    return undefined;
  }
};

describe('pathOf (request target → pathname without new URL for plain paths)', () => {
  it('agrees with new URL on dot segments, double slashes, queries and escapes', () => {
    for (const target of ['/', '/cds-services', '/cds-services/', '/cds-services/a.b/feedback', '/a/../cds-services', '/a/./b', '/..', '/.', '//x', '//x/cds-services', '/a//b', '/a?b', '/a#b', '/a%20b', '/a\\b', '/a/.x', '/a/..x', 'x', '']) {
      expect({ target, path: pathOf(target) }).toEqual({ target, path: urlPathname(target === '' ? '/' : target) });
    }
  });

  fcTest.prop([fc.array(fc.constantFrom('/', '.', '..', 'a', 'cds-services', '%2e', '?', '#', '\\', '~', '-', '_'), { maxLength: 8 })], { numRuns: 2000 })(
    'agrees with new URL on random targets',
    (parts) => {
      const target = `/${parts.join('')}`;
      expect(pathOf(target)).toBe(urlPathname(target));
    },
  );
});
