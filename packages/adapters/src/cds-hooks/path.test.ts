import { describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import { pathOf, route, type Route } from './handler.js';

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

/** The routing before calls were checked first without regex or split. */
function splitRoute(path: string): Route | undefined {
  if (path === '/cds-services' || path === '/cds-services/') return { kind: 'discovery' };
  if (path === '/schemas' || path === '/schemas/') return { kind: 'schema-index' };
  const schema = /^\/schemas\/([A-Za-z0-9-]+)\.json$/.exec(path);
  if (schema?.[1] !== undefined) return { kind: 'schema', name: schema[1] };
  if (path.startsWith('/schemas/')) return { kind: 'unknown' };
  if (!path.startsWith('/cds-services/')) return undefined;
  const parts = path.slice('/cds-services/'.length).split('/');
  let id: string;
  try {
    id = decodeURIComponent(parts[0] ?? '');
  } catch {
    return { kind: 'unknown' };
  }
  if (parts.length === 1 && id !== '') return { kind: 'service', id };
  if (parts.length === 2 && parts[1] === 'feedback' && id !== '') return { kind: 'feedback', id };
  return { kind: 'unknown' };
}

describe('route', () => {
  fcTest.prop([fc.array(fc.constantFrom('/', 'cds-services', 'schemas', 'feedback', 'a', '.json', '%', '%41', '%E0%A4%A', '-'), { maxLength: 6 })], { numRuns: 3000 })(
    'routes every path like splitting it did',
    (parts) => {
      const path = `/${parts.join('')}`;
      expect(route(path)).toEqual(splitRoute(path));
    },
  );
});
