import { applyFixesToServices, type Card, type Fix } from '@pvskit/core';

/** A service as the harness tracks it over the wire: plain JSON. */
export interface WireService {
  gop: string;
  date: string;
  time?: string;
  count?: number;
  mode?: string;
  [key: string]: unknown;
}

/** The fixes of the suggestion a user would accept first on `card` (the recommended one, else the first). */
export function fixesOf(card: Card): Fix[] {
  const suggestions = card.suggestions ?? [];
  const chosen = suggestions.find((s) => s.isRecommended === true) ?? suggestions.find((s) => (s.actions ?? []).some((a) => a.fix !== undefined));
  return (chosen?.actions ?? []).flatMap((a) => (a.fix === undefined ? [] : [a.fix]));
}

/**
 * Applies fixes made on one version of `services` (indices refer to it) and returns the new list:
 * replacements and count changes in place, removals by index, additions at the end.
 */
export function applyFixes(services: readonly WireService[], fixes: readonly Fix[]): WireService[] {
  return applyFixesToServices(services, fixes, (add) => ({
    gop: add.gop,
    date: add.date,
    ...(add.time === undefined ? {} : { time: add.time }),
    ...(add.count === undefined ? {} : { count: add.count }),
    ...(add.mode === undefined ? {} : { mode: add.mode }),
  }));
}
