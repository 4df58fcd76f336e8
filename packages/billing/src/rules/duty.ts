import { quarterOf, type Case, type Duty } from '@pvskit/core';
import type { Catalogue } from '../catalogue.js';
import { ROLE_GOPS } from '../data/gops.js';
import { germanDateTime, konsultationBandOf, when } from '../time.js';
import { familiesOf } from './families.js';
import { quarterLimitsAcrossCases } from './frequency.js';
import { dutyPartStarts, excusesPseudoCase, insideWindow, isPseudoCase, patientKey } from './duty-window.js';
import type { RawFinding } from './context.js';
import { severityOf } from './ids.js';

/** A duty-level finding, attached to one case of the bundle or to the duty itself. */
export interface DutyFinding extends RawFinding {
  /** Index into the bundle's cases, when the finding belongs to one. */
  readonly caseIndex?: number;
}

/**
 * NFD-PAUSCHALE-PATIENT: the same patient seen twice by the same doctor in one duty is one Dienstfall: the
 * Notfallpauschale once (KVBW guide), every further first contact is a further contact (Konsultation).
 */
function pauschaleOncePerPatient(
  cases: readonly Case[],
  pseudo: readonly boolean[],
  catalogue: Catalogue,
  emit: (f: Omit<DutyFinding, 'severity'>) => void,
): void {
  const f = familiesOf(catalogue);
  const first = new Map<string, { caseIndex: number; at: string }>();
  const seen: { caseIndex: number; service: number; key: string; at: string }[] = [];
  cases.forEach((c, ci) => {
    if (pseudo[ci] === true) return;
    const key = `${patientKey(c)}|${c.physician?.lanr ?? ''}`;
    c.services.forEach((s, si) => {
      if (!f.pauschalen.has(s.gop)) return;
      seen.push({ caseIndex: ci, service: si, key, at: `${s.date}T${s.time ?? '99:99'}` });
    });
  });
  seen.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.caseIndex - b.caseIndex));
  for (const x of seen) {
    const earlier = first.get(x.key);
    if (earlier === undefined) {
      first.set(x.key, { caseIndex: x.caseIndex, at: x.at });
      continue;
    }
    // A second Pauschale inside one case is NFD-PAUSCHALE-ONCE's finding.
    if (earlier.caseIndex === x.caseIndex) continue;
    const s = cases[x.caseIndex]?.services[x.service];
    if (s === undefined) continue;
    const band = s.time === undefined ? undefined : konsultationBandOf(s.date, s.time, cases[x.caseIndex]?.region ?? 'BW');
    const k = band === undefined ? undefined : f.konsultation[band];
    emit({
      rule: 'NFD-PAUSCHALE-PATIENT',
      caseIndex: x.caseIndex,
      service: x.service,
      gop: s.gop,
      message:
        `${s.gop} am ${when(s.date, s.time)}: derselbe Patient hat in diesem Dienst bereits eine Notfallpauschale (Fall ${earlier.caseIndex + 1}, ` +
        `${germanDateTime(earlier.at)}); die Pauschale gilt einmal je Patient, Arzt und Dienst${k === undefined ? '.' : `, weiterer Kontakt: ${k}.`}`,
      fix: k === undefined ? { op: 'remove', service: x.service } : { op: 'replace', service: x.service, gop: k },
    });
  }
}

/** NFD-PSEUDO-REQUIRED, NFD-PSEUDO-RECOMMENDED, NFD-PSEUDO-PRIVATE for the cases of one duty. */
export function dutyRules(duty: Duty, cases: readonly Case[], catalogue: Catalogue, region: Case['region']): DutyFinding[] {
  const out: DutyFinding[] = [];
  const emit = (f: Omit<DutyFinding, 'severity'>) => out.push({ ...f, severity: severityOf(f.rule) });
  quarterLimitsAcrossCases(cases, catalogue, emit);
  if (catalogue.region(region)?.pseudoCase === undefined) return out;

  const pseudo = cases.map(isPseudoCase);
  pauschaleOncePerPatient(cases, pseudo, catalogue, emit);
  const starts = dutyPartStarts(duty.start, duty.end);
  const parts = starts.map((start, n) => ({ start, end: starts[n + 1] ?? duty.end }));
  const gkvCases = cases.filter((c, i) => !pseudo[i] && c.patient.insurance.type === 'GKV');
  const dutySug = catalogue.region(region)?.dutyScheinuntergruppe ?? '41';
  const pauschalen = familiesOf(catalogue).timed;

  for (const part of parts) {
    const inPart = (m: { date: string; time?: string }) => insideWindow(m.date, m.time, part.start, part.end);
    const hasGkv = gkvCases.some((c) => excusesPseudoCase(c, part.start, part.end, pauschalen, dutySug));
    const hasPseudo = cases.some(
      (c, i) =>
        pseudo[i] === true &&
        c.services.some((s) => s.gop === ROLE_GOPS.pseudoDuty && inPart(s.time === undefined ? { date: s.date } : { date: s.date, time: s.time })),
    );
    if (!hasGkv && !hasPseudo) {
      const quarter = quarterOf(part.start.slice(0, 10));
      emit({
        rule: 'NFD-PSEUDO-REQUIRED',
        message:
          `Dienst ${germanDateTime(part.start)} – ${germanDateTime(part.end)} (Quartal ${quarter.slice(0, 1)}/${quarter.slice(1)}) ohne GKV-Fall mit ` +
          `Notfall- oder Notfallkonsultationspauschale (Muster 19, SUG ${dutySug}) und ohne Pseudo-Abrechnungsfall 99999: ohne ihn entfällt die Förderung nach NFD-O.`,
      });
    }
  }
  if (gkvCases.length > 0 && !pseudo.some(Boolean)) {
    emit({
      rule: 'NFD-PSEUDO-RECOMMENDED',
      message: `Dienst ab ${when(duty.start.slice(0, 10), duty.start.slice(11))}: die KVBW empfiehlt zu Beginn jedes Dienstes einen Pseudo-Abrechnungsfall (99999).`,
    });
  }

  const privatePatients = new Set(
    cases
      .filter((c, i) => !pseudo[i] && (c.patient.insurance.type === 'PKV' || c.patient.insurance.type === 'BG'))
      .map(patientKey),
  ).size;
  let billed = 0;
  let holder: { caseIndex: number; service: number; count: number } | undefined;
  cases.forEach((c, ci) => {
    if (!pseudo[ci]) return;
    c.services.forEach((s, si) => {
      if (s.gop !== ROLE_GOPS.pseudoPrivate) return;
      billed += s.count;
      holder ??= { caseIndex: ci, service: si, count: s.count };
    });
  });
  if (billed !== privatePatients) {
    const firstPseudo = pseudo.indexOf(true);
    const start = { date: duty.start.slice(0, 10), time: duty.start.slice(11) };
    const message = `99909 ${billed}-mal angesetzt, im Dienst waren ${privatePatients} Privat-/BG-Patienten: 99909 × ${privatePatients} auf dem Pseudo-Abrechnungsfall.`;
    if (holder !== undefined) {
      const wanted = privatePatients - (billed - holder.count);
      emit({
        rule: 'NFD-PSEUDO-PRIVATE',
        caseIndex: holder.caseIndex,
        service: holder.service,
        gop: ROLE_GOPS.pseudoPrivate,
        message,
        fix: wanted >= 1 ? { op: 'set-count', service: holder.service, count: wanted } : { op: 'remove', service: holder.service },
      });
    } else if (firstPseudo >= 0) {
      emit({
        rule: 'NFD-PSEUDO-PRIVATE',
        caseIndex: firstPseudo,
        gop: ROLE_GOPS.pseudoPrivate,
        message,
        fix: { op: 'add', gop: ROLE_GOPS.pseudoPrivate, date: start.date, time: start.time, count: privatePatients },
      });
    } else {
      emit({ rule: 'NFD-PSEUDO-PRIVATE', gop: ROLE_GOPS.pseudoPrivate, message });
    }
  }
  return out;
}
