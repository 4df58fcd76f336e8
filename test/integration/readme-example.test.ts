import { readFileSync } from 'node:fs';
import { billingPlugin } from '@pvskit/billing';
import { createPvsKit, type CaseInput } from '@pvskit/core';
import { describe, expect, it } from 'vitest';

// The README's embedding example, run as written (with a concrete case), so the README cannot rot.
// The case: a weekday Pauschale (01210) typed on a Saturday.
const caseFromYourPvs = JSON.parse(readFileSync(new URL('../fixtures/readme-case.json', import.meta.url), 'utf8')) as CaseInput;

describe('README embedding example', () => {
  it('answers case-edit with a card that carries the fix, and records feedback', async () => {
    const kit = createPvsKit({ plugins: [billingPlugin()] });
    const { cards } = await kit.callHook('case-edit', { case: caseFromYourPvs });
    expect(cards.map((c) => c.ruleId)).toContain('NFD-TIME-BAND');
    const band = cards.find((c) => c.ruleId === 'NFD-TIME-BAND');
    expect(band?.summary).toContain('01210');
    expect(band?.suggestions?.[0]?.actions?.[0]?.fix).toEqual({ op: 'replace', service: 0, gop: '01212' });
    const record = kit.feedback({ card: band?.uuid ?? '', outcome: 'accepted' });
    expect(record.outcome).toBe('accepted');
    kit.dispose();
  });
});
