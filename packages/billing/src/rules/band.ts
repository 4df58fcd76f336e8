import { germanWeekdayName } from '@pvskit/core';
import { isBandBoundary } from '../bands.js';
import { BAND_LABEL, konsultationBandOf, pauschaleBandOf, restReasonOf, when } from '../time.js';
import type { CaseView } from './context.js';

/** The right GOP of a timed service's family for its date and time, or undefined when it cannot be told. */
export function expectedTimedGop(v: CaseView, gop: string, date: string, time: string): string | undefined {
  const def = v.catalogue.definition(gop);
  if (def === undefined) return undefined;
  const f = v.families;
  if (def.kind === 'abklaerung' || def.kind === 'notfallpauschale') {
    const band = pauschaleBandOf(date, time, v.region);
    return band === undefined ? undefined : (def.kind === 'abklaerung' ? f.abklaerung : f.behandlung)[band];
  }
  if (def.kind === 'konsultation') {
    const band = konsultationBandOf(date, time, v.region);
    return band === undefined ? undefined : f.konsultation[band];
  }
  return undefined;
}

/** The Konsultationspauschale for a contact at date/time. */
export function konsultationGopAt(v: CaseView, date: string, time: string): string | undefined {
  const band = konsultationBandOf(date, time, v.region);
  return band === undefined ? undefined : v.families.konsultation[band];
}

/** NFD-TIME-MISSING, NFD-TIME-BAND, NFD-TIME-BOUNDARY. */
export function timeRules(v: CaseView): void {
  v.services.forEach((s, i) => {
    if (!v.families.timed.has(s.gop)) return;
    if (s.time === undefined) {
      v.emit({
        rule: 'NFD-TIME-MISSING',
        service: i,
        gop: s.gop,
        message: `${s.gop} am ${when(s.date)} ohne Uhrzeit: Notfall- und Notfallkonsultationspauschalen brauchen die Uhrzeit der Inanspruchnahme.`,
      });
      return;
    }
    const expected = expectedTimedGop(v, s.gop, s.date, s.time);
    if (expected !== undefined && expected !== s.gop) {
      const band = v.catalogue.definition(s.gop)?.band;
      const rest = restReasonOf(s.date, v.region);
      v.emit({
        rule: 'NFD-TIME-BAND',
        service: i,
        gop: s.gop,
        message:
          `${s.gop} gilt ${band === undefined ? '' : BAND_LABEL[band] ?? ''}; ${when(s.date, s.time)}` +
          `${rest === null || rest === germanWeekdayName(s.date) ? '' : ` (${rest})`} gehört zu ${expected}: ${expected} abrechnen.`,
        fix: { op: 'replace', service: i, gop: expected },
      });
    }
    if (isBandBoundary(s.time)) {
      v.emit({
        rule: 'NFD-TIME-BOUNDARY',
        service: i,
        gop: s.gop,
        message: `${s.gop} am ${when(s.date, s.time)}: die Uhrzeit liegt genau auf einer Bandgrenze; ab dieser Minute gilt das spätere Band. Bitte Uhrzeit prüfen.`,
      });
    }
  });
}
