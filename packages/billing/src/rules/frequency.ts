import { quarterOf, type Case, type Fix } from '@pvskit/core';
import type { Catalogue } from '../catalogue.js';
import type { FrequencyLimit } from '../data/types.js';
import { when } from '../time.js';
import type { CaseView, RawFinding } from './context.js';

const PER_LABEL: Readonly<Record<FrequencyLimit['per'], string>> = {
  dienstfall: 'je Dienstfall',
  day: 'je Behandlungstag',
  contact: 'je Arzt-Patienten-Kontakt (Sitzung)',
  quarter: 'je Quartal',
};

/** The unit a limit counts in: one Dienstfall, one day, one contact (date and minute), one quarter. */
function scopeKey(per: FrequencyLimit['per'], date: string, time: string | undefined): string {
  switch (per) {
    case 'dienstfall':
      return '';
    case 'day':
      return date;
    case 'contact':
      return `${date} ${time ?? ''}`;
    case 'quarter':
      return quarterOf(date);
  }
}

/**
 * NFD-FREQUENCY: every GOP's `frequency` from the catalogue (01224 ×2, 01450 ×3 at one contact, 02100 twice a
 * day, 01450 beyond its quarterly cap …). The units up to the limit stand, in input order; the first service
 * that crosses it gets its count cut, every later one is reported for removal. Notfallpauschalen are left to
 * NFD-PAUSCHALE-ONCE, whose fix turns a further one into a Konsultationspauschale.
 */
export function frequencyRules(v: CaseView): void {
  const groups = new Map<string, { limit: FrequencyLimit; indices: number[] }>();
  v.services.forEach((s, i) => {
    if (v.families.pauschalen.has(s.gop)) return;
    for (const limit of v.catalogue.definition(s.gop)?.frequency ?? []) {
      const key = `${s.gop}|${limit.per}|${scopeKey(limit.per, s.date, s.time)}`;
      const group = groups.get(key);
      if (group === undefined) groups.set(key, { limit, indices: [i] });
      else group.indices.push(i);
    }
  });
  for (const { limit, indices } of groups.values()) {
    let units = 0;
    for (const i of indices) {
      const s = v.services[i];
      if (s === undefined) continue;
      const before = units;
      units += s.count;
      if (units <= limit.max) continue;
      v.emit({
        rule: 'NFD-FREQUENCY',
        service: i,
        gop: s.gop,
        message:
          `${s.gop} am ${when(s.date, s.time)}${s.count > 1 ? ` ${s.count}-mal` : ''}: höchstens ${limit.max}-mal ${PER_LABEL[limit.per]} ` +
          `berechnungsfähig, hier ${units}-mal angesetzt.`,
        fix: cutToLimit(i, limit, before),
      });
    }
  }
}

/** The fix for the service that crosses `limit` after `before` units: keep what is left of it, else remove it. */
function cutToLimit(service: number, limit: FrequencyLimit, before: number): Fix {
  const keep = Math.max(0, limit.max - before);
  return keep >= 1 ? { op: 'set-count', service, count: keep } : { op: 'remove', service };
}

/**
 * NFD-FREQUENCY across the cases of one duty: a `quarter` limit (01450's 47 units) belongs to the doctor's
 * quarter, so the units of all cases of one physician (LANR) in one calendar quarter add up, in case order.
 * A case that crosses the limit on its own is left to `frequencyRules`; the doctor's other duties and regular
 * hours stay the host's to add (pvskit sees one duty).
 */
export function quarterLimitsAcrossCases(
  cases: readonly Case[],
  catalogue: Catalogue,
  emit: (f: Omit<RawFinding, 'severity'> & { caseIndex: number }) => void,
): void {
  const total = new Map<string, number>();
  cases.forEach((c, caseIndex) => {
    const own = new Map<string, number>();
    c.services.forEach((s, i) => {
      for (const limit of catalogue.definition(s.gop)?.frequency ?? []) {
        if (limit.per !== 'quarter') continue;
        const quarter = quarterOf(s.date);
        const ownKey = `${s.gop}|${quarter}`;
        const ownUnits = (own.get(ownKey) ?? 0) + s.count;
        own.set(ownKey, ownUnits);
        const key = `${ownKey}|${c.physician?.lanr ?? ''}`;
        const before = total.get(key) ?? 0;
        total.set(key, before + s.count);
        if (before + s.count <= limit.max || ownUnits > limit.max) continue;
        emit({
          rule: 'NFD-FREQUENCY',
          caseIndex,
          service: i,
          gop: s.gop,
          message:
            `${s.gop} am ${when(s.date, s.time)}: höchstens ${limit.max}-mal ${PER_LABEL[limit.per]} und Arzt berechnungsfähig, ` +
            `in den Fällen dieses Dienstes bis hier ${before + s.count}-mal angesetzt.`,
          fix: cutToLimit(i, limit, before),
        });
      }
    });
  });
}
