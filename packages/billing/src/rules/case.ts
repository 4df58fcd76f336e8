import {
  checkBsnr,
  checkGop,
  checkIcdCode,
  checkIk,
  checkKvnr,
  checkLanr,
  type IdentifierCheck,
  quarterOf,
  quarterRange,
} from '@pvskit/core';
import { ROLE_GOPS } from '../data/gops.js';
import { germanDateTime, when } from '../time.js';
import type { CaseView } from './context.js';

const SUG = new Set(['41', '42', '43', '44', '45', '46']);

/** Start of every quarter part of a duty: the duty start, then 00:00 of each new quarter before its end. */
export function dutyPartStarts(start: string, end: string): string[] {
  const starts = [start];
  let q = quarterOf(start.slice(0, 10));
  for (;;) {
    const next = nextQuarterStart(q);
    const at = `${next}T00:00`;
    if (at >= end) break;
    starts.push(at);
    q = quarterOf(next);
  }
  return starts;
}

function nextQuarterStart(q: string): string {
  const { end } = quarterRange(q);
  const [y, m] = [Number(end.slice(0, 4)), Number(end.slice(5, 7))];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/** The service lies in [start, end): with time by the minute, without time by the date. */
export function insideWindow(date: string, time: string | undefined, start: string, end: string): boolean {
  if (time !== undefined) {
    const at = `${date}T${time}`;
    return at >= start && at < end;
  }
  const endDate = end.slice(11) === '00:00' ? end.slice(0, 10) : `${end.slice(0, 10)}~`;
  return date >= start.slice(0, 10) && date < endDate;
}

/** NFD-OUTSIDE-DUTY, NFD-SUG, NFD-LANR-MISSING, NFD-BSNR-MISSING, NFD-PSEUDO-FORMAT. */
export function caseRules(v: CaseView): void {
  const c = v.c;
  const duty = c.duty;
  if (duty !== undefined) {
    v.services.forEach((s, i) => {
      if (insideWindow(s.date, s.time, duty.start, duty.end)) return;
      v.emit({
        rule: 'NFD-OUTSIDE-DUTY',
        service: i,
        gop: s.gop,
        message: `${s.gop} am ${when(s.date, s.time)} liegt außerhalb des Dienstes ${germanDateTime(duty.start)} – ${germanDateTime(duty.end)}: neuer Dienstfall (neuer Schein) nötig.`,
      });
    });
  }
  if (!SUG.has(c.scheinuntergruppe)) {
    v.emit({
      rule: 'NFD-SUG',
      path: '$.scheinuntergruppe',
      message: `Scheinuntergruppe ${c.scheinuntergruppe} ist im Notfalldienst nicht zulässig (41–46).`,
    });
  }
  if (c.physician?.lanr === undefined) {
    v.emit({
      rule: 'NFD-LANR-MISSING',
      path: '$.physician.lanr',
      message: 'Keine LANR des diensttuenden Arztes: Notfallleistungen werden nur mit LANR vergütet.',
    });
  }
  if (c.practice?.bsnr === undefined) {
    v.emit({
      rule: 'NFD-BSNR-MISSING',
      path: '$.practice.bsnr',
      message: 'Keine BSNR (Feld 4): Notfallleistungen werden ohne BSNR nicht anerkannt.',
    });
  }
  if (v.isPseudo) pseudoFormat(v);
}

function pseudoFormat(v: CaseView): void {
  const icd = v.catalogue.region(v.region)?.pseudoCase?.icd ?? 'Z02';
  if (!v.c.diagnoses.some((d) => d.icd.toUpperCase().startsWith(icd))) {
    v.emit({
      rule: 'NFD-PSEUDO-FORMAT',
      path: '$.diagnoses',
      message: `Pseudo-Abrechnungsfall ohne ICD ${icd}.`,
    });
  }
  const duty = v.c.duty;
  const starts = duty === undefined ? undefined : new Set(dutyPartStarts(duty.start, duty.end));
  for (const i of v.indices(ROLE_GOPS.pseudoDuty)) {
    const s = v.services[i];
    if (s === undefined) continue;
    if (s.time === undefined) {
      v.emit({
        rule: 'NFD-PSEUDO-FORMAT',
        service: i,
        gop: s.gop,
        message: `Pseudo-GOP 99999 am ${when(s.date)} ohne Uhrzeit des Dienstbeginns.`,
      });
    } else if (starts !== undefined && duty !== undefined && !starts.has(`${s.date}T${s.time}`)) {
      v.emit({
        rule: 'NFD-PSEUDO-FORMAT',
        service: i,
        gop: s.gop,
        message: `Pseudo-GOP 99999 am ${when(s.date, s.time)}: erwartet wird der Dienstbeginn ${germanDateTime(duty.start)} (bzw. 00:00 des neuen Quartals).`,
      });
    }
  }
}

function idFinding(v: CaseView, check: IdentifierCheck, path: string, extra: { service?: number; gop?: string } = {}): void {
  if (check.ok) return;
  v.emit({ rule: check.rule, path, message: check.reasonDe, ...extra });
}

/** EBM-UNKNOWN-GOP, EBM-NOT-VALID and the identifier rules ID-*. */
export function catalogueAndIdRules(v: CaseView): void {
  const c = v.c;
  if (c.physician?.lanr !== undefined) idFinding(v, checkLanr(c.physician.lanr), '$.physician.lanr');
  if (c.practice?.bsnr !== undefined) idFinding(v, checkBsnr(c.practice.bsnr), '$.practice.bsnr');
  const ins = c.patient.insurance;
  if (ins.kvnr !== undefined) idFinding(v, checkKvnr(ins.kvnr), '$.patient.insurance.kvnr');
  if (ins.ik !== undefined) idFinding(v, checkIk(ins.ik), '$.patient.insurance.ik');
  c.diagnoses.forEach((d, i) => idFinding(v, checkIcdCode(d.icd), `$.diagnoses[${i}].icd`));
  v.services.forEach((s, i) => {
    const shape = checkGop(s.gop);
    if (!shape.ok) {
      idFinding(v, shape, `$.services[${i}].gop`, { service: i, gop: s.gop });
      return;
    }
    const hit = v.catalogue.lookup(s.gop, s.date, s.mode);
    if (hit === undefined) {
      v.emit({
        rule: 'EBM-UNKNOWN-GOP',
        service: i,
        gop: s.gop,
        message: `${s.gop} am ${when(s.date)} ist in keinem geladenen EBM-Katalog enthalten; bitte GOP prüfen oder EBM-Stammdatei laden.`,
      });
    } else if (!hit.valid) {
      const modeValidity = hit.definition.modeValidity?.[s.mode];
      const ownValid = (hit.definition.validFrom ?? '') <= s.date && (hit.definition.validTo ?? '9999') >= s.date;
      // Valid as a GOP but not for this contact mode on that date: report the mode's validity.
      const d = ownValid && modeValidity !== undefined ? modeValidity : hit.definition;
      const byMode = ownValid && modeValidity !== undefined ? ` als ${s.mode === 'video' ? 'Videosprechstunde' : s.mode}` : '';
      const range = `${d.validFrom === null ? '' : `ab ${d.validFrom.split('-').reverse().join('.')}`}${d.validFrom !== null && d.validTo !== null ? ' ' : ''}${d.validTo === null ? '' : `bis ${d.validTo.split('-').reverse().join('.')}`}`;
      v.emit({
        rule: 'EBM-NOT-VALID',
        service: i,
        gop: s.gop,
        message: `${s.gop} am ${when(s.date)}${byMode} nicht gültig (gültig ${range}).`,
        fix: { op: 'remove', service: i },
      });
    }
  });
}
