import { billingPlugin } from '@pvskit/billing';
import { createPvsKit, type CaseInput } from '@pvskit/core';
import { describe, expect, it } from 'vitest';

// The README's embedding example, run as written (with a concrete case), so the README cannot rot.
const caseFromYourPvs: CaseInput = {
  id: 'c-1',
  duty: { start: '2026-01-10T08:00', end: '2026-01-10T20:00' },
  practice: { bsnr: '529999900' },
  physician: { lanr: '123456601' },
  patient: { lastName: 'Muster', firstName: 'Erika', birthDate: '1950-03-01', insurance: { type: 'GKV' } },
  contacts: [{ date: '2026-01-10', time: '11:00' }],
  // A weekday Pauschale typed on a Saturday.
  services: [{ gop: '01210', date: '2026-01-10', time: '11:00' }],
};

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
