import { CHAPTERS_BESIDE_ABKLAERUNG, CHAPTERS_SHUT_OUT_BY_KV, GOPS_SHUT_OUT_BY_KV, inChapters, inList } from '../data/notfall-tables.js';
import { pauschaleBandOf, when } from '../time.js';
import type { CaseView } from './context.js';
import { kindSet } from './families.js';


/**
 * NFD-EXCLUDED, NFD-CHAPTER-3-4, NFD-CHAPTER-40-PORTO, NFD-ABKLAERUNG-CHAPTER-33-35.
 */
export function exclusionRules(v: CaseView): void {
  const profile = v.catalogue.region(v.region);
  const chapter34 = profile?.chapter34Excluded === true;
  const gopsShutOut = profile?.gopsShutOut === true;
  const hasTimed = [...v.families.timed].some((g) => v.has(g));
  const excluded = kindSet(v.families, 'excluded');
  const abklaerung = kindSet(v.families, 'abklaerung');

  v.services.forEach((s, i) => {
    const isChapter34 = chapter34 && inChapters(CHAPTERS_SHUT_OUT_BY_KV, s.gop, s.date);
    if (isChapter34) {
      v.emit({
        rule: 'NFD-CHAPTER-3-4',
        service: i,
        gop: s.gop,
        message: `${s.gop} am ${when(s.date)}: Leistungen aus Kapitel 3 und 4 sind im organisierten Notfalldienst nicht berechnungsfähig.`,
        fix: { op: 'remove', service: i },
      });
    }
    if (gopsShutOut && inList(GOPS_SHUT_OUT_BY_KV, s.gop, s.date)) {
      v.emit({
        rule: 'NFD-CHAPTER-40-PORTO',
        service: i,
        gop: s.gop,
        message: `${s.gop} am ${when(s.date)}: Kosten nach Kapitel 40 sind im organisierten Notfalldienst berechnungsfähig, Porto nach GOP 40110 jedoch nicht.`,
        fix: { op: 'remove', service: i },
      });
    }
    // Each rule whose condition holds reports, even beside NFD-CHAPTER-3-4: the clerk wants every reason.
    if (hasTimed && excluded.has(s.gop)) {
      v.emit({
        rule: 'NFD-EXCLUDED',
        service: i,
        gop: s.gop,
        message: `${s.gop} am ${when(s.date)}: Beratungs-, Gesprächs- und Unzeitleistungen sind neben 01205–01218 nicht berechnungsfähig.`,
        fix: { op: 'remove', service: i },
      });
    }
  });

  const imaging = v.services.filter((s) => inChapters(CHAPTERS_BESIDE_ABKLAERUNG, s.gop, s.date)).map((s) => s.gop);
  if (imaging.length > 0) {
    for (const i of v.indicesIn(abklaerung)) {
      const s = v.services[i];
      if (s === undefined) continue;
      const band = s.time === undefined ? undefined : pauschaleBandOf(s.date, s.time, v.region);
      const to = band === undefined ? undefined : v.families.behandlung[band];
      v.emit({
        rule: 'NFD-ABKLAERUNG-CHAPTER-33-35',
        service: i,
        gop: s.gop,
        message: `${s.gop} am ${when(s.date, s.time)} neben ${[...new Set(imaging)].join(', ')}: Abklärungspauschalen sind nicht neben Leistungen der Kapitel 33–35 berechnungsfähig.`,
        ...(to === undefined ? {} : { fix: { op: 'replace' as const, service: i, gop: to } }),
      });
    }
  }
}
