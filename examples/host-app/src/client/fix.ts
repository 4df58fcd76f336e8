import type { Card, Fix } from '@pvskit/core';
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
  const services = [...(data.services ?? [])].map((s) => ({ ...s }));
  switch (fix.op) {
    case 'replace': {
      const s = services[fix.service];
      if (s === undefined) return { case: data, applied: false };
      s.gop = fix.gop;
      break;
    }
    case 'remove':
      if (services[fix.service] === undefined) return { case: data, applied: false };
      services.splice(fix.service, 1);
      break;
    case 'set-count': {
      const s = services[fix.service];
      if (s === undefined) return { case: data, applied: false };
      s.count = fix.count;
      break;
    }
    case 'add':
      services.push({
        gop: fix.gop,
        date: fix.date,
        ...(fix.time === undefined ? {} : { time: fix.time }),
        ...(fix.count === undefined ? {} : { count: fix.count }),
        ...(fix.mode === undefined ? {} : { mode: fix.mode }),
      });
      break;
  }
  return { case: { ...data, services }, applied: true };
}
