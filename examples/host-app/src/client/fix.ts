import { applyFixToServices, type Card, type Fix } from '@pvskit/core';
import type { BundleCaseInput } from '../shared/api.js';

/** The first machine-applicable fix a card suggests (the billing plugin puts it on a suggestion's action). */
export function fixOf(card: Card): { fix: Fix; suggestionUuid?: string; label: string } | undefined {
  for (const suggestion of card.suggestions ?? []) {
    for (const action of suggestion.actions ?? []) {
      if (action.fix !== undefined) {
        return { fix: action.fix, label: suggestion.label, ...(suggestion.uuid === undefined ? {} : { suggestionUuid: suggestion.uuid }) };
      }
    }
  }
  return undefined;
}

/**
 * Applies a fix to a copy of the case's services. A fix that no longer fits the case (index out of range
 * because the user edited meanwhile) leaves the case unchanged and returns false.
 */
export function applyFix(data: BundleCaseInput, fix: Fix): { case: BundleCaseInput; applied: boolean } {
  const services = applyFixToServices(data.services ?? [], fix, (add) => ({
    gop: add.gop,
    date: add.date,
    ...(add.time === undefined ? {} : { time: add.time }),
    ...(add.count === undefined ? {} : { count: add.count }),
    ...(add.mode === undefined ? {} : { mode: add.mode }),
  }));
  return services === undefined ? { case: data, applied: false } : { case: { ...data, services }, applied: true };
}
