import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { cardSchema } from '../schemas/card.js';
import { pluginFailureCard, pluginFailureRuleIds } from './error-cards.js';

const statuses = ['error', 'timeout', 'invalid'] as const;

describe('plugin failure cards', () => {
  it('say in German what happened', () => {
    const base = { pluginTitle: 'KVDT-Export', timeoutMs: 500, reason: 'Error: x', disabledNow: false, maxStrikes: 3 };
    expect(pluginFailureCard({ ...base, status: 'timeout' }).summary).toBe(
      'Plugin „KVDT-Export“ hat nicht geantwortet (Zeitlimit 500 ms)',
    );
    expect(pluginFailureCard({ ...base, status: 'error' }).summary).toBe('Plugin „KVDT-Export“ ist mit einem Fehler abgebrochen');
    expect(pluginFailureCard({ ...base, status: 'invalid' }).summary).toBe(
      'Plugin „KVDT-Export“ hat eine ungültige Antwort geliefert',
    );
    const card = pluginFailureCard({ ...base, status: 'error', disabledNow: true });
    expect(card.detail).toContain('nach 3 Störungen deaktiviert');
    expect(card.detail).toContain('Technische Ursache: Error: x');
    expect(pluginFailureRuleIds).toEqual({ error: 'PLUGIN-ERROR', timeout: 'PLUGIN-TIMEOUT', invalid: 'PLUGIN-INVALID' });
  });

  test.prop([
    fc.constantFrom(...statuses),
    fc.string({ minLength: 1, maxLength: 300 }),
    fc.integer({ min: 1, max: 2_147_483_647 }),
    fc.string({ maxLength: 5000 }),
    fc.boolean(),
  ])('are valid cards with a summary under 140 characters, whatever the title and reason', (status, title, ms, reason, disabledNow) => {
    const card = pluginFailureCard({ status, pluginTitle: title, timeoutMs: ms, reason, disabledNow, maxStrikes: 3 });
    expect(cardSchema.safeParse(card).success).toBe(true);
    expect(card.summary.length).toBeLessThan(140);
    expect(card.indicator).toBe('warning');
    expect(card.source.label).toBe(title);
    expect(card.ruleId).toBe(pluginFailureRuleIds[status]);
    expect((card.detail ?? '').length).toBeLessThan(1000);
  });
});
