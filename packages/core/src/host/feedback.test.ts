import { describe, expect, it, vi } from 'vitest';
import { PvsKitError, ValidationError } from '../errors.js';
import type { Card } from '../schemas/card.js';
import { createPvsKit } from '../kit.js';
import { formatJsonPath } from '../json-path.js';
import { MAX_CARDS_PER_CALL } from './card-memory.js';
import type { PvsKitPlugin } from './plugin.js';

const patient = { lastName: 'Muster', firstName: 'Erika', birthDate: '1950-03-01', insurance: { type: 'GKV' as const } };

const withSuggestion: Card = {
  summary: 'GOP 01212 fehlt',
  indicator: 'warning',
  source: { label: 'Abrechnung' },
  suggestions: [{ label: '01212 ergänzen', uuid: 'sugg-1' }],
  overrideReasons: [{ code: 'clinical', display: 'Klinisch begründet' }],
};

const billing: PvsKitPlugin = { id: 'billing', title: 'Abrechnung', hooks: { 'patient-view': () => [withSuggestion] } };

const fixedClock = () => new Date('2026-01-09T20:15:00.000Z');

describe('feedback', () => {
  it('records accepted feedback tied to call and plugin, and emits it', async () => {
    const kit = createPvsKit({ plugins: [billing], clock: fixedClock });
    const heard = vi.fn();
    kit.on('feedback', heard);
    const r = await kit.callHook('patient-view', { patient }, { hookInstance: 'call-1' });
    const uuid = r.cards[0]?.uuid ?? '';
    const record = kit.feedback({ card: uuid, outcome: 'accepted', acceptedSuggestions: [{ id: 'sugg-1' }] });
    expect(record).toEqual({
      hookInstance: 'call-1',
      hook: 'patient-view',
      pluginId: 'billing',
      card: uuid,
      outcome: 'accepted',
      acceptedSuggestions: [{ id: 'sugg-1' }],
      outcomeTimestamp: '2026-01-09T20:15:00.000Z',
      recordedAt: '2026-01-09T20:15:00.000Z',
    });
    expect(heard).toHaveBeenCalledWith(record);
    expect(kit.feedbackLog()).toEqual([record]);
    expect(Object.isFrozen(kit.feedbackLog())).toBe(true);
  });

  it('records overridden feedback with reason and the host’s timestamp', async () => {
    const kit = createPvsKit({ plugins: [billing], clock: fixedClock });
    const r = await kit.callHook('patient-view', { patient });
    const record = kit.feedback({
      hookInstance: r.hookInstance,
      card: r.cards[0]?.uuid ?? '',
      outcome: 'overridden',
      overrideReason: { reason: { code: 'clinical' }, userComment: 'Patient lehnt ab' },
      outcomeTimestamp: '2026-01-09T21:00:00+01:00',
    });
    expect(record).toMatchObject({
      outcome: 'overridden',
      overrideReason: { reason: { code: 'clinical' }, userComment: 'Patient lehnt ab' },
      outcomeTimestamp: '2026-01-09T21:00:00+01:00',
      recordedAt: '2026-01-09T20:15:00.000Z',
    });
  });

  it('refuses an unknown card, a card from another call and an unknown suggestion', async () => {
    const kit = createPvsKit({ plugins: [billing] });
    const r = await kit.callHook('patient-view', { patient });
    const uuid = r.cards[0]?.uuid ?? '';
    const codeOf = (f: () => unknown): unknown => {
      try {
        f();
        return 'no error';
      } catch (e) {
        return e instanceof PvsKitError ? e.code : e;
      }
    };
    expect(codeOf(() => kit.feedback({ card: 'unknown-uuid', outcome: 'accepted' }))).toBe('NOT_FOUND');
    expect(codeOf(() => kit.feedback({ hookInstance: 'other-call', card: uuid, outcome: 'accepted' }))).toBe('NOT_FOUND');
    expect(
      codeOf(() => kit.feedback({ card: uuid, outcome: 'accepted', acceptedSuggestions: [{ id: 'nope' }] })),
    ).toBe('NOT_FOUND');
    expect(kit.feedbackLog()).toEqual([]);
  });

  it('refuses malformed feedback with paths', async () => {
    const kit = createPvsKit({ plugins: [billing] });
    const r = await kit.callHook('patient-view', { patient });
    const uuid = r.cards[0]?.uuid ?? '';
    const issuesOf = (input: unknown): string[] => {
      try {
        kit.feedback(input as never);
        return [];
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as ValidationError).issues.map((i) => formatJsonPath(i.path));
      }
    };
    expect(issuesOf({ card: uuid, outcome: 'maybe' })).toEqual(['$.outcome']);
    expect(issuesOf({ card: uuid, outcome: 'accepted', overrideReason: { userComment: 'x' } })).toEqual([
      '$.overrideReason',
    ]);
    expect(issuesOf({ card: uuid, outcome: 'overridden', acceptedSuggestions: [{ id: 'sugg-1' }] })).toEqual([
      '$.acceptedSuggestions',
    ]);
    expect(issuesOf({ card: uuid, outcome: 'accepted', colour: 'red' })).toEqual(['$.colour']);
  });

  it('accepts feedback on a host error card', async () => {
    const kit = createPvsKit({
      plugins: [{ id: 'boom', title: 'Boom', hooks: { 'patient-view': () => Promise.reject(new Error('x')) } }],
    });
    const r = await kit.callHook('patient-view', { patient });
    const record = kit.feedback({ card: r.cards[0]?.uuid ?? '', outcome: 'overridden' });
    expect(record.pluginId).toBe('boom');
  });

  it('forgets the cards of the oldest calls beyond maxRememberedCalls', async () => {
    const kit = createPvsKit({ plugins: [billing], maxRememberedCalls: 2 });
    const first = await kit.callHook('patient-view', { patient });
    const second = await kit.callHook('patient-view', { patient });
    const third = await kit.callHook('patient-view', { patient });
    expect(() => kit.feedback({ card: first.cards[0]?.uuid ?? '', outcome: 'accepted' })).toThrow(PvsKitError);
    expect(kit.feedback({ card: second.cards[0]?.uuid ?? '', outcome: 'accepted' }).hookInstance).toBe(second.hookInstance);
    expect(kit.feedback({ card: third.cards[0]?.uuid ?? '', outcome: 'accepted' }).hookInstance).toBe(third.hookInstance);
  });

  it('keeps exactly the newest maxRememberedCalls calls over thousands of calls (past the queue’s compaction)', async () => {
    const kit = createPvsKit({ plugins: [billing], maxRememberedCalls: 3 });
    const cards: string[] = [];
    for (let i = 0; i < 2_600; i++) {
      const r = await kit.callHook('patient-view', { patient });
      cards.push(r.cards[0]?.uuid ?? '');
      if (i >= 3) expect(() => kit.feedback({ card: cards[i - 3] ?? '', outcome: 'accepted' }), `call ${i - 3}`).toThrow(/no card/);
      if (i >= 2) expect(kit.feedback({ card: cards[i - 2] ?? '', outcome: 'overridden' }).card).toBe(cards[i - 2]);
    }
  });

  it('forgets the oldest cards of a hookInstance reused beyond MAX_CARDS_PER_CALL cards (memory stays bounded)', async () => {
    const kit = createPvsKit({ plugins: [billing] });
    const uuids: string[] = [];
    // 1,500 beyond the cap: the queue of its cards compacts on the way.
    const forgotten = 1_500;
    for (let i = 0; i < MAX_CARDS_PER_CALL + forgotten; i++) {
      const r = await kit.callHook('patient-view', { patient }, { hookInstance: 'reused' });
      uuids.push(r.cards[0]?.uuid ?? '');
    }
    for (const i of [0, forgotten - 1]) {
      expect(() => kit.feedback({ card: uuids[i] ?? '', outcome: 'accepted' })).toThrow(/no card/);
      expect(() => kit.feedback({ card: uuids[i] ?? '', hookInstance: 'reused', outcome: 'accepted' })).toThrow(/no card/);
    }
    expect(kit.feedback({ card: uuids[forgotten] ?? '', outcome: 'accepted' }).hookInstance).toBe('reused');
    expect(kit.feedback({ card: uuids.at(-1) ?? '', hookInstance: 'reused', outcome: 'accepted' }).hookInstance).toBe('reused');
  });

  it('keeps at most maxFeedbackRecords, dropping the oldest', async () => {
    const kit = createPvsKit({ plugins: [billing], maxFeedbackRecords: 2 });
    const r = await kit.callHook('patient-view', { patient });
    const uuid = r.cards[0]?.uuid ?? '';
    kit.feedback({ card: uuid, outcome: 'accepted', outcomeTimestamp: 't1' });
    kit.feedback({ card: uuid, outcome: 'overridden', outcomeTimestamp: 't2' });
    kit.feedback({ card: uuid, outcome: 'accepted', outcomeTimestamp: 't3' });
    expect(kit.feedbackLog().map((f) => f.outcomeTimestamp)).toEqual(['t2', 't3']);
  });
});
