import { quarterOf, quarterRange, type Case } from '@pvskit/core';
import { ROLE_GOPS } from '../data/gops.js';

/*
 * Duty windows and pseudo cases: what both the case rules and the duty rules need, in a module of its own so
 * that neither imports the other.
 */

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

/** A pseudo case: marked, or carrying 99999/99909 only. */
export function isPseudoCase(c: { pseudo?: boolean | undefined; services: readonly { gop: string }[] }): boolean {
  if (c.pseudo === true) return true;
  return c.services.length > 0 && c.services.every((s) => s.gop === ROLE_GOPS.pseudoDuty || s.gop === ROLE_GOPS.pseudoPrivate);
}


/**
 * A case that stands in for the pseudo case in [start, end): a GKV case on Muster 19 (the region's duty
 * Scheinuntergruppe, 41 in BW) with a Notfall- or Notfallkonsultationspauschale in the window (KVBW guide:
 * "Abrechnung einer Notfall- bzw. Notfallkonsultationspauschale … je Dienst auf Muster 19 (Scheinart 41)").
 * Any other GKV case, e.g. a SUG 43 case with only a visit, does not.
 */
export function excusesPseudoCase(c: Case, start: string, end: string, pauschalen: ReadonlySet<string>, dutySug: string): boolean {
  return (
    !isPseudoCase(c) &&
    c.patient.insurance.type === 'GKV' &&
    c.scheinuntergruppe === dutySug &&
    c.services.some((s) => pauschalen.has(s.gop) && insideWindow(s.date, s.time, start, end))
  );
}

/** One patient across the cases of a duty: the host's patient id, else name and birth date. */
export function patientKey(c: Pick<Case, 'patient'>): string {
  return c.patient.id ?? `${c.patient.lastName}|${c.patient.firstName}|${c.patient.birthDate}`;
}
