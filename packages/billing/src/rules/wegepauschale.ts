import type { Contact } from '@pvskit/core';
import { ROLE_GOPS } from '../data/gops.js';
import { wegepauschaleBandOf, when } from '../time.js';
import type { CaseView } from './context.js';

/** Visit contacts that earn a Wegepauschale (personal, not a further patient, distance known), per date. */
export function wegepauschaleVisitsByDate(contacts: readonly Contact[]): Map<string, Contact[]> {
  const map = new Map<string, Contact[]>();
  for (const c of contacts) {
    if (c.mode !== 'personal' || c.visit === undefined || c.visit.sameSocialCommunity) continue;
    if (c.visit.distanceKm === undefined) continue;
    const list = map.get(c.date);
    if (list === undefined) map.set(c.date, [c]);
    else list.push(c);
  }
  return map;
}

/**
 * NFD-TRAVEL-WITHOUT-VISIT, NFD-TRAVEL-WITH-01413, NFD-TRAVEL-WRONG, NFD-VISIT-WITHOUT-CONTACT, NFD-TRAVEL-NO-DISTANCE,
 * NFD-TRAVEL-MISSING.
 */
export function wegepauschaleRules(v: CaseView): void {
  const wegepauschaleByDate = new Map<string, number[]>();
  v.services.forEach((s, i) => {
    if (!v.catalogue.isWegepauschale(v.region, s.gop)) return;
    const list = wegepauschaleByDate.get(s.date);
    if (list === undefined) wegepauschaleByDate.set(s.date, [i]);
    else list.push(i);
  });
  const visitDates = new Set(v.indices(ROLE_GOPS.visit).map((i) => v.services[i]?.date));
  const has01413 = v.has(ROLE_GOPS.visitSameCommunity);
  const visitsByDate = wegepauschaleVisitsByDate(v.c.contacts);

  for (const [date, list] of wegepauschaleByDate) {
    if (!visitDates.has(date)) {
      for (const i of list) {
        const s = v.services[i];
        if (s === undefined) continue;
        v.emit(
          has01413
            ? {
                rule: 'NFD-TRAVEL-WITH-01413',
                service: i,
                gop: s.gop,
                message: `Wegepauschale ${s.gop} am ${when(date)}: beim Besuch eines weiteren Kranken derselben sozialen Gemeinschaft (01413) entfällt die Wegepauschale.`,
                fix: { op: 'remove', service: i },
              }
            : {
                rule: 'NFD-TRAVEL-WITHOUT-VISIT',
                service: i,
                gop: s.gop,
                message: `Wegepauschale ${s.gop} am ${when(date)} ohne Besuch 01418 an diesem Tag.`,
                fix: { op: 'remove', service: i },
              },
        );
      }
      continue;
    }
    const visits = visitsByDate.get(date) ?? [];
    const visit = visits[0];
    // Two visits with distances on one day in one case cannot be told apart by the table: no judgement.
    if (visits.length !== 1 || visit?.visit?.distanceKm === undefined) continue;
    const visitService = v.indices(ROLE_GOPS.visit).map((i) => v.services[i]).find((s) => s?.date === date);
    const time = v.services[list[0] ?? -1]?.time ?? visitService?.time ?? visit.time;
    const km = visit.visit.distanceKm;
    const band = wegepauschaleBandOf(time);
    const expected = v.catalogue.wegepauschaleFor(v.region, date, km, band);
    if (expected === undefined) continue;
    const why = () => `${String(km).replace('.', ',')} km um ${time} Uhr, ${band === 'day' ? 'Tagsatz 7–19 Uhr' : 'Nachtsatz 19–7 Uhr'}`;
    const right = list.filter((i) => v.services[i]?.gop === expected.gop);
    const wrong = list.filter((i) => v.services[i]?.gop !== expected.gop);
    wrong.forEach((i, n) => {
      const s = v.services[i];
      if (s === undefined) return;
      const replace = n === 0 && right.length === 0;
      v.emit({
        rule: 'NFD-TRAVEL-WRONG',
        service: i,
        gop: s.gop,
        message: `Wegepauschale ${s.gop} am ${when(date)} passt nicht zum Besuch (${why()}); richtig ist ${expected.gop} × ${expected.count}.`,
        fix: replace ? { op: 'replace', service: i, gop: expected.gop } : { op: 'remove', service: i },
      });
    });
    const first = right[0];
    if (first === undefined) continue;
    const units = right.reduce((n, i) => n + (v.services[i]?.count ?? 0), 0);
    if (units === expected.count) continue;
    const firstCount = v.services[first]?.count ?? 0;
    const wanted = expected.count - (units - firstCount);
    v.emit({
      rule: 'NFD-TRAVEL-WRONG',
      service: first,
      gop: expected.gop,
      message: `Wegepauschale ${expected.gop} am ${when(date)} ${units}-mal angesetzt; bei ${why()} ist sie ${expected.count}-mal berechnungsfähig.`,
      fix: wanted >= 1 ? { op: 'set-count', service: first, count: wanted } : { op: 'remove', service: first },
    });
  }

  // Typed services complete keeps although the contacts do not explain them: say why they are doubtful.
  const contactDates = new Set(v.c.contacts.map((k) => k.date));
  const visitContactDates = new Set(v.c.contacts.filter((k) => k.visit !== undefined).map((k) => k.date));
  for (const i of [...v.indices(ROLE_GOPS.visit), ...v.indices(ROLE_GOPS.visitSameCommunity)]) {
    const s = v.services[i];
    if (s === undefined || !contactDates.has(s.date) || visitContactDates.has(s.date)) continue;
    v.emit({
      rule: 'NFD-VISIT-WITHOUT-CONTACT',
      service: i,
      gop: s.gop,
      message: `Besuch ${s.gop} am ${when(s.date, s.time)}: kein Kontakt dieses Tages ist als Besuch erfasst. Bitte Besuch am Kontakt erfassen oder ${s.gop} prüfen.`,
    });
  }
  for (const [date, list] of wegepauschaleByDate) {
    const visits = v.c.contacts.filter((k) => k.date === date && k.visit !== undefined);
    if (visits.length === 0 || visits.some((k) => k.visit?.distanceKm !== undefined)) continue;
    for (const i of list) {
      const s = v.services[i];
      if (s === undefined) continue;
      v.emit({
        rule: 'NFD-TRAVEL-NO-DISTANCE',
        service: i,
        gop: s.gop,
        message: `Wegepauschale ${s.gop}${s.count > 1 ? ` × ${s.count}` : ''} am ${when(date)}: der Besuch hat keine Entfernung, die Wegepauschale ist nicht prüfbar. Bitte Entfernung (Radius in km) erfassen.`,
      });
    }
  }

  for (const i of v.indices(ROLE_GOPS.visit)) {
    const s = v.services[i];
    if (s === undefined || wegepauschaleByDate.has(s.date)) continue;
    const visits = visitsByDate.get(s.date) ?? [];
    const visit = visits[0];
    if (visits.length !== 1 || visit?.visit?.distanceKm === undefined) continue;
    const time = s.time ?? visit.time;
    const expected = v.catalogue.wegepauschaleFor(v.region, s.date, visit.visit.distanceKm, wegepauschaleBandOf(time));
    if (expected === undefined) continue;
    v.emit({
      rule: 'NFD-TRAVEL-MISSING',
      service: i,
      gop: s.gop,
      message: `Besuch 01418 am ${when(s.date, time)} (${String(visit.visit.distanceKm).replace('.', ',')} km) ohne Wegepauschale: ${expected.gop} × ${expected.count} ansetzen.`,
      fix: { op: 'add', gop: expected.gop, date: s.date, time, count: expected.count, mode: 'personal' },
    });
  }
}

/** NFD-VIDEO-01450-MISSING: every billable video contact carries 01450. */
export function videoRules(v: CaseView): void {
  if (!v.contracted) return;
  const contactsByDate = new Map<string, Contact[]>();
  for (const c of v.c.contacts) {
    if (c.mode !== 'video') continue;
    const list = contactsByDate.get(c.date);
    if (list === undefined) contactsByDate.set(c.date, [c]);
    else list.push(c);
  }
  for (const [date, contacts] of contactsByDate) {
    const units = v
      .indices(ROLE_GOPS.technik)
      .map((i) => v.services[i])
      .filter((s) => s?.date === date)
      .reduce((n, s) => n + (s?.count ?? 0), 0);
    const timed = new Set(v.indices(ROLE_GOPS.technik).map((i) => v.services[i]?.time));
    // Contacts whose time has no 01450 are the ones reported; the count decides how many.
    const missing = contacts
      .slice()
      .sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0))
      .filter((c) => !timed.has(c.time))
      .slice(0, Math.max(0, contacts.length - units));
    for (const c of missing) {
      v.emit({
        rule: 'NFD-VIDEO-01450-MISSING',
        gop: ROLE_GOPS.technik,
        message: `Videokontakt am ${when(c.date, c.time)} ohne Technikzuschlag 01450: 01450 ansetzen.`,
        fix: { op: 'add', gop: ROLE_GOPS.technik, date: c.date, time: c.time, mode: 'video' },
      });
    }
  }
}
