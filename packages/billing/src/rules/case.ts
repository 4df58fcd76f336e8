import {
  checkBsnr,
  checkGop,
  checkIcdCode,
  checkIk,
  checkKvnr,
  checkLanr,
  type IdentifierCheck,
  type JsonPath,
} from '@pvskit/core';
import { withoutIcdMarker } from '../catalogue.js';
import { ROLE_GOPS } from '../data/gops.js';
import { inForce, NOTFALL_SCHEINUNTERGRUPPEN } from '../data/notfall-tables.js';
import { germanDateTime, when } from '../time.js';
import type { CaseView } from './context.js';
import { dutyPartStarts, insideWindow } from './duty-window.js';

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
  const firstDay = v.services[0]?.date ?? duty?.start.slice(0, 10) ?? '9999-12-31';
  const sugs = inForce(NOTFALL_SCHEINUNTERGRUPPEN, firstDay)?.values ?? [];
  const validSug = sugs.includes(c.scheinuntergruppe);
  if (!validSug) {
    v.emit({
      rule: 'NFD-SUG',
      path: ['scheinuntergruppe'],
      message: `Scheinuntergruppe ${c.scheinuntergruppe} ist im Notfalldienst nicht zulässig (${sugs.join(', ')}).`,
    });
  }
  const dutySug = v.catalogue.region(v.region)?.dutyScheinuntergruppe;
  if (duty !== undefined && dutySug !== undefined && !v.isPseudo && validSug && c.scheinuntergruppe !== dutySug) {
    v.emit({
      rule: 'NFD-SUG-DUTY',
      path: ['scheinuntergruppe'],
      message: `Scheinuntergruppe ${c.scheinuntergruppe} in einem Dienstfall: Notfalldienstleistungen werden auf Muster 19 mit SUG ${dutySug} abgerechnet; nur ein solcher Fall ersetzt den Pseudo-Abrechnungsfall.`,
    });
  }
  if (c.physician?.lanr === undefined) {
    v.emit({
      rule: 'NFD-LANR-MISSING',
      path: ['physician', 'lanr'],
      message: 'Keine LANR des diensttuenden Arztes: Notfallleistungen werden nur mit LANR vergütet.',
    });
  }
  if (c.practice?.bsnr === undefined) {
    v.emit({
      rule: 'NFD-BSNR-MISSING',
      path: ['practice', 'bsnr'],
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
      path: ['diagnoses'],
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

function idFinding(v: CaseView, check: IdentifierCheck, path: JsonPath, extra: { service?: number; gop?: string } = {}): void {
  if (check.ok) return;
  v.emit({ rule: check.rule, path, message: check.reasonDe, ...extra });
}

/** EBM-UNKNOWN-GOP, EBM-NOT-VALID and the identifier rules ID-*. */
export function catalogueAndIdRules(v: CaseView): void {
  const c = v.c;
  if (c.physician?.lanr !== undefined) idFinding(v, checkLanr(c.physician.lanr), ['physician', 'lanr']);
  if (c.practice?.bsnr !== undefined) idFinding(v, checkBsnr(c.practice.bsnr), ['practice', 'bsnr']);
  const ins = c.patient.insurance;
  if (ins.kvnr !== undefined) idFinding(v, checkKvnr(ins.kvnr), ['patient', 'insurance', 'kvnr']);
  if (ins.ik !== undefined) idFinding(v, checkIk(ins.ik), ['patient', 'insurance', 'ik']);
  c.diagnoses.forEach((d, i) => idFinding(v, checkIcdCode(withoutIcdMarker(d.icd)), ['diagnoses', i, 'icd']));
  v.services.forEach((s, i) => {
    const shape = checkGop(s.gop);
    if (!shape.ok) {
      idFinding(v, shape, ['services', i, 'gop'], { service: i, gop: s.gop });
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
