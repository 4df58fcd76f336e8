import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES, type RuleId } from './rules/ids.js';
import { rulesMarkdown } from './rules/doc.js';

const DOC = new URL('../../../docs/rules.md', import.meta.url);

describe('docs/rules.md', () => {
  it('is generated from the rule table and current (run `npm run docs:rules` after changing a rule)', () => {
    expect(readFileSync(DOC, 'utf8')).toBe(rulesMarkdown());
  });

  it('lists every rule once with its German text, source and validity', () => {
    const doc = rulesMarkdown();
    for (const r of RULES) expect(doc.split(`| \`${r.id}\` |`)).toHaveLength(2);
    expect(doc).toContain('| `NFD-VIDEO-NOT-CONTRACTED` | Fehler | Video nur für Vertragsärzte |');
    expect(doc).toContain('ab 01.07.2022');
  });
});

describe('RuleId', () => {
  it('is a union of the table ids: a typo does not compile (checked by tsc -p tsconfig.check.json)', () => {
    const known: RuleId = 'NFD-TIME-BAND';
    // @ts-expect-error 'NFD-TIME-BANDS' is not a rule id
    const typo: RuleId = 'NFD-TIME-BANDS';
    expect([known, typo].filter((id) => RULES.some((r) => r.id === id))).toEqual(['NFD-TIME-BAND']);
  });
});
