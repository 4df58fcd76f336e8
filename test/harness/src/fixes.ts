import type { Card, Fix } from '@pvskit/core';

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
  const out: (WireService | undefined)[] = services.map((s) => ({ ...s }));
  const added: WireService[] = [];
  for (const fix of fixes) {
    switch (fix.op) {
      case 'replace': {
        const s = out[fix.service];
        if (s !== undefined) s.gop = fix.gop;
        break;
      }
      case 'set-count': {
        const s = out[fix.service];
        if (s !== undefined) s.count = fix.count;
        break;
      }
      case 'remove':
        out[fix.service] = undefined;
        break;
      case 'add':
        added.push({
          gop: fix.gop,
          date: fix.date,
          ...(fix.time === undefined ? {} : { time: fix.time }),
          ...(fix.count === undefined ? {} : { count: fix.count }),
          ...(fix.mode === undefined ? {} : { mode: fix.mode }),
        });
        break;
    }
  }
  return [...out.filter((s): s is WireService => s !== undefined), ...added];
}
