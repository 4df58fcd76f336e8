import { kindSet } from './families.js';
import { konsultationGopAt } from './band.js';
import type { CaseView } from './context.js';
import { pauschaleBandOf, when } from '../time.js';

const byDateTime = (v: CaseView) => (a: number, b: number) => {
  const sa = v.services[a];
  const sb = v.services[b];
  const ka = `${sa?.date ?? ''} ${sa?.time ?? '99:99'}`;
  const kb = `${sb?.date ?? ''} ${sb?.time ?? '99:99'}`;
  return ka < kb ? -1 : ka > kb ? 1 : a - b;
};

/**
 * NFD-PAUSCHALE-ONCE, NFD-PAUSCHALE-PHONE, NFD-ABKLAERUNG-PERSONAL, NFD-VIDEO-NOT-CONTRACTED,
 * NFD-KONSULTATION-SAME-CONTACT, NFD-KONSULTATION-AFTER-ABKLAERUNG.
 */
export function pauschaleRules(v: CaseView): void {
  const f = v.families;
  const pauschalen = v.indicesIn(f.pauschalen).sort(byDateTime(v));
  const abklaerung = kindSet(f, 'abklaerung');
  const behandlung = kindSet(f, 'notfallpauschale');
  const konsultation = kindSet(f, 'konsultation');

  // Once per Dienstfall: the earliest unit counts; every further one is a further contact (Konsultation).
  const first = pauschalen[0];
  const firstService = first === undefined ? undefined : v.services[first];
  if (first !== undefined && firstService !== undefined) {
    const firstAt = () => when(firstService.date, firstService.time);
    if (firstService.count > 1) {
      v.emit({
        rule: 'NFD-PAUSCHALE-ONCE',
        service: first,
        gop: firstService.gop,
        message: `${firstService.gop} am ${firstAt()} ${firstService.count}-mal: Notfallpauschalen sind nur einmal je Dienstfall berechnungsfähig.`,
        fix: { op: 'set-count', service: first, count: 1 },
      });
    }
    for (const i of pauschalen.slice(1)) {
      const s = v.services[i];
      if (s === undefined) continue;
      const k = s.time === undefined ? undefined : konsultationGopAt(v, s.date, s.time);
      v.emit({
        rule: 'NFD-PAUSCHALE-ONCE',
        service: i,
        gop: s.gop,
        message:
          `${s.gop} am ${when(s.date, s.time)}: im Dienstfall ist bereits ${firstService.gop} (${firstAt()}) abgerechnet; ` +
          `Notfallpauschalen nur einmal je Dienstfall${k === undefined ? '.' : `, weiterer Kontakt: ${k}.`}`,
        fix: k === undefined ? { op: 'remove', service: i } : { op: 'replace', service: i, gop: k },
      });
    }
  }

  v.services.forEach((s, i) => {
    if (f.pauschalen.has(s.gop) && s.mode === 'phone') {
      const k = s.time === undefined ? undefined : konsultationGopAt(v, s.date, s.time);
      v.emit({
        rule: 'NFD-PAUSCHALE-PHONE',
        service: i,
        gop: s.gop,
        message: `${s.gop} am ${when(s.date, s.time)} bei telefonischem Kontakt: Notfallpauschalen nie telefonisch${k === undefined ? '.' : `; ${k} abrechnen.`}`,
        ...(k === undefined ? {} : { fix: { op: 'replace' as const, service: i, gop: k } }),
      });
    }
    if (abklaerung.has(s.gop) && s.mode === 'video') {
      const band = s.time === undefined ? undefined : pauschaleBandOf(s.date, s.time, v.region);
      const to = band === undefined || !v.contracted ? undefined : f.behandlung[band];
      v.emit({
        rule: 'NFD-ABKLAERUNG-PERSONAL',
        service: i,
        gop: s.gop,
        message: `${s.gop} am ${when(s.date, s.time)} per Video: die Abklärungspauschale setzt einen persönlichen Kontakt voraus${to === undefined ? '.' : `; per Video ${to} abrechnen.`}`,
        ...(to === undefined ? {} : { fix: { op: 'replace' as const, service: i, gop: to } }),
      });
    }
    if (behandlung.has(s.gop) && s.mode === 'video' && !v.contracted) {
      v.emit({
        rule: 'NFD-VIDEO-NOT-CONTRACTED',
        service: i,
        gop: s.gop,
        message: `${s.gop} am ${when(s.date, s.time)} per Video: nicht an der vertragsärztlichen Versorgung teilnehmende Ärzte dürfen im Notfall keine Videosprechstunde abrechnen.`,
      });
    }
  });

  const hasAbklaerung = pauschalen.some((i) => abklaerung.has(v.services[i]?.gop ?? ''));
  const pauschaleAt = new Set(
    pauschalen.map((i) => v.services[i]).filter((s) => s?.time !== undefined).map((s) => `${s?.date} ${s?.time}`),
  );
  v.services.forEach((s, i) => {
    if (!konsultation.has(s.gop)) return;
    if (s.time !== undefined && pauschaleAt.has(`${s.date} ${s.time}`)) {
      v.emit({
        rule: 'NFD-KONSULTATION-SAME-CONTACT',
        service: i,
        gop: s.gop,
        message: `${s.gop} am ${when(s.date, s.time)}: zur selben Zeit ist eine Notfallpauschale abgerechnet; die Konsultationspauschale gilt nur für einen weiteren Kontakt.`,
        fix: { op: 'remove', service: i },
      });
    }
    if (hasAbklaerung && s.justification === undefined) {
      v.emit({
        rule: 'NFD-KONSULTATION-AFTER-ABKLAERUNG',
        service: i,
        gop: s.gop,
        message: `${s.gop} am ${when(s.date, s.time)} in einem Dienstfall mit Abklärungspauschale: weiteren Kontakt bitte schriftlich begründen.`,
      });
    }
  });
}
