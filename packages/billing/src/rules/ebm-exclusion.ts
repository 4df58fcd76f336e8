import type { Service } from '@pvskit/core';
import type { Exclusion, ExclusionScope } from '../data/exclusions.js';
import { when } from '../time.js';
import type { CaseView } from './context.js';

const SCOPE_LABEL: Readonly<Record<ExclusionScope, string>> = {
  session: 'in derselben Sitzung',
  day: 'am Behandlungstag',
  case: 'im Behandlungsfall',
};

function names(e: Exclusion, gop: string): boolean {
  return e.gops.includes(gop) || e.chapters.some((c) => gop.startsWith(c));
}

/** Same session: same day and, when both are timed, the same minute (an untimed service could be either). */
function inScope(scope: ExclusionScope, a: Service, b: Service): boolean {
  if (scope === 'case') return true;
  if (a.date !== b.date) return false;
  return scope === 'day' || a.time === undefined || b.time === undefined || a.time === b.time;
}

/**
 * NFD-EBM-EXCLUSION: the Abrechnungsausschlüsse of the catalogue (01210/01212 in derselben Sitzung, am
 * Behandlungstag, im Behandlungsfall; 02350 beside 02300–02302). The excluded partner is reported, once per
 * pair, with the fix to remove it.
 */
export function ebmExclusionRules(v: CaseView): void {
  const reported = new Set<string>();
  v.services.forEach((s, i) => {
    for (const e of v.catalogue.exclusionsOf(s.gop, s.date)) {
      v.services.forEach((t, j) => {
        if (j === i || !names(e, t.gop) || !inScope(e.scope, s, t)) return;
        const pair = i < j ? `${i}|${j}` : `${j}|${i}`;
        if (reported.has(pair)) return;
        reported.add(pair);
        v.emit({
          rule: 'NFD-EBM-EXCLUSION',
          service: j,
          gop: t.gop,
          message: `${t.gop} am ${when(t.date, t.time)} ist neben ${s.gop} (${when(s.date, s.time)}) ${SCOPE_LABEL[e.scope]} nicht berechnungsfähig (EBM-Abrechnungsausschluss).`,
          fix: { op: 'remove', service: j },
        });
      });
    }
  });
}
