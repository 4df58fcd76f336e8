import { describe, expect, it, vi } from 'vitest';
import type { Case } from '@pvskit/core';
import { sampleCase } from '../../test/kvdt-sample.js';
import { CASE_REQUIREMENTS, hasCaseRequirements, valueAt } from './export-rules.js';

/** A copy of the case with the value at `path` replaced (objects on the way copied). */
function withValue(c: Case, path: string, value: unknown): Case {
  const keys = path.split('.');
  const set = (node: unknown, i: number): unknown => {
    const copy = { ...(node as Record<string, unknown>) };
    const key = keys[i] as string;
    copy[key] = i === keys.length - 1 ? value : set(copy[key] ?? {}, i + 1);
    return copy;
  };
  return set(c, 0) as Case;
}

/** Every requirement missing, empty, not a string or its parent gone: the check agrees with reading each path. */
function expectAgreement(check: (c: Case) => boolean): void {
  {
    const c = sampleCase(1);
    expect(hasCaseRequirements(c)).toBe(true);
    for (const req of CASE_REQUIREMENTS) {
      const parent = req.path.split('.').slice(0, -1).join('.');
      const variants = [undefined, '', 7, { a: 1 }, 'x'].map((v) => withValue(c, req.path, v));
      if (parent !== '') variants.push(withValue(c, parent, undefined), withValue(c, parent, 'text'));
      for (const v of variants) {
        const expected = CASE_REQUIREMENTS.every((r) => valueAt(v, r.path) !== undefined);
        expect(check(v), `${req.path}`).toBe(expected);
      }
    }
  }
}

describe('hasCaseRequirements', () => {
  it('agrees with reading every requirement by its path, for each one missing, empty, not a string or its parent gone', () => {
    expectAgreement(hasCaseRequirements);
  });

  it('agrees too where new Function is refused (strict CSP): the tree is walked instead', async () => {
    vi.resetModules();
    vi.stubGlobal('Function', () => {
      throw new EvalError('refused by policy');
    });
    try {
      const fresh = (await import('./export-rules.js')).hasCaseRequirements;
      expectAgreement(fresh);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
