import { describe, expect, it } from 'vitest';
import { cardSchema, caseSchema, createPvsKit, parseWith, type Card, type Case, type Fix } from '@pvskit/core';
import { checkInput as check } from '../test/pipeline.js';
import { applyFix } from './fix.js';
import { billingPlugin, cardOf } from './plugin.js';
import { baseCase } from '../test/fixtures.js';

const wrongBand = baseCase({
  id: 'c-9',
  diagnoses: [{ icd: 'J18.9', certainty: 'G' }],
  services: [{ gop: '01210', date: '2026-01-10', time: '21:30' }],
});

function fixOf(card: Card | undefined): Fix | undefined {
  return card?.suggestions?.[0]?.actions?.[0]?.fix;
}

describe('billing plugin through createPvsKit', () => {
  it('answers case-edit with cards whose suggestions apply the fixes until no error is left', async () => {
    const kit = createPvsKit({ plugins: [billingPlugin()] });
    let current: Case = parseWith(caseSchema, wrongBand, 'case');
    expect(check(current).findings.some((f) => f.rule === 'NFD-TIME-BAND')).toBe(true);
    let rounds = 0;
    for (;;) {
      const result = await kit.callHook('case-edit', { case: current }, { hookInstance: `h-${rounds}` });
      for (const card of result.cards) expect(cardSchema.safeParse(card).success).toBe(true);
      const critical = result.cards.find((c) => c.indicator === 'critical');
      if (critical === undefined) break;
      expect(critical.summary.length).toBeLessThan(140);
      expect(critical.ruleId).toMatch(/^(NFD|EBM|ID)-/);
      expect(critical.overrideReasons?.length).toBeGreaterThan(0);
      const fix = fixOf(critical);
      expect(fix).toBeDefined();
      current = applyFix(current, fix as Fix);
      expect(++rounds).toBeLessThan(5);
    }
    expect(current.services.map((s) => s.gop)).toEqual(['01212']);
    // the missing Zuschlag is still suggested as info; accepting it adds 01224
    const after = await kit.callHook('case-edit', { case: current });
    const hint = after.cards.find((c) => c.ruleId === 'NFD-ZUSCHLAG-MISSING');
    expect(hint?.indicator).toBe('info');
    expect(applyFix(current, fixOf(hint) as Fix).services.map((s) => s.gop)).toEqual(['01212', '01224']);
    kit.dispose();
  });

  it('answers case-sign for a duty bundle, with the findings as data', async () => {
    const kit = createPvsKit({ plugins: [billingPlugin({ signWithoutInfo: true })] });
    const result = await kit.callHook('case-sign', {
      bundle: {
        duty: { start: '2026-01-09T20:00', end: '2026-01-10T08:00' },
        practice: { bsnr: '529999900' },
        physician: { lanr: '123456601' },
        cases: [{ patient: { lastName: 'Privat', firstName: 'Paul', birthDate: '1970-01-01', insurance: { type: 'PKV' } } }],
      },
    });
    const rules = result.cards.map((c) => c.ruleId);
    expect(rules).toContain('NFD-PSEUDO-REQUIRED');
    expect(rules).toContain('NFD-PSEUDO-PRIVATE');
    expect(result.cards.every((c) => c.indicator !== 'info')).toBe(true);
    kit.dispose();
  });

  it('maps severities to indicators and keeps summaries under 140 characters', () => {
    const long = cardOf({ rule: 'NFD-TIME-BAND', severity: 'error', message: 'x '.repeat(120).trim() });
    expect(long.summary.length).toBeLessThan(140);
    expect(cardOf({ rule: 'EBM-UNKNOWN-GOP', severity: 'warning', message: 'm' }).indicator).toBe('warning');
    expect(cardOf({ rule: 'NFD-TRAVEL-MISSING', severity: 'info', message: 'm' }).indicator).toBe('info');
  });
});
